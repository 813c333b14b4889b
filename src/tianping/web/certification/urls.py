from django.urls import path

from tianping.web.certification import views

app_name = "certification"

urlpatterns = [
    path("certification/", views.home, name="home"),
    path("certification/apply/", views.apply, name="apply"),
    path("certification/<int:application_id>/", views.detail, name="detail"),
    path("certification/<int:application_id>/evaluators/", views.assign, name="assign"),
    path("certification/<int:application_id>/findings/", views.findings, name="findings"),
    path("certification/<int:application_id>/decide/", views.decide, name="decide"),
    path(
        "certification/<int:application_id>/certificate/<str:action>/",
        views.certificate_change,
        name="certificate_change",
    ),
    path(
        "certification/<int:application_id>/certificate.json",
        views.certificate_download,
        name="certificate_download",
    ),
    # Public: no login.
    path("verify/", views.verify, name="verify"),
    path("register/", views.register, name="register"),
    path("register/<int:system_id>/", views.register_system, name="register_system"),
    path("bodies/<int:body_id>/did.json", views.did_json, name="did"),
    path("bodies/<int:body_id>/status/<str:purpose>", views.status_json, name="status_list"),
]
