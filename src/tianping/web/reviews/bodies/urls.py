"""Review bodies, their rosters and the entrustments of review centres.

Under ``/reviews/``, namespace ``reviews``.
"""

from django.urls import URLPattern, path

from tianping.web.reviews.bodies import views

urlpatterns: list[URLPattern] = [
    path("bodies/", views.body_list, name="body_list"),
    path("bodies/new/", views.body_create, name="body_create"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("bodies/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("bodies/<int:pk>/members/<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path(
        "bodies/<int:pk>/members/<int:member_pk>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path("bodies/<int:pk>/registration/", views.body_registration, name="body_registration"),
    path("bodies/<int:pk>/annual-reports/", views.body_annual_report, name="body_annual_report"),
    path("entrustments/", views.entrustment_list, name="entrustment_list"),
    path("entrustments/new/", views.entrustment_create, name="entrustment_create"),
    path("entrustments/<int:pk>/revoke/", views.entrustment_revoke, name="entrustment_revoke"),
]
