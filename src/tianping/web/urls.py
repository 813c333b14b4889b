"""URL map of the platform."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from tianping.web.accounts import views as account_views
from tianping.web.api import api, not_found_anywhere
from tianping.web.core import views as core_views
from tianping.web.systems import views as system_views

urlpatterns = [
    path("", system_views.home, name="home"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("systems/", include("tianping.web.systems.urls")),
    path("systems/<int:pk>/operations/", include("tianping.web.operations.urls")),
    path("catalogue/", include("tianping.web.catalogue.urls")),
    path("assessments/", include("tianping.web.assessments.urls")),
    path("reviews/", include("tianping.web.reviews.urls")),
    path("probes/", include("tianping.web.probes.urls")),
    path("network/", include("tianping.web.network.urls")),
    path("index/", include("tianping.web.index.urls")),
    path("transparency/", include("tianping.web.transparency.urls")),
    path("cases/", include("tianping.web.cases.urls")),
    path("", include("tianping.web.vendors.urls")),
    path("", include("tianping.web.certification.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        account_views.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/two-factor/", account_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/tokens/", account_views.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>(?s:.*))\Z", not_found_anywhere, name="api_not_found"),
]
