"""Applications, review bodies and entrustments (mounted under ``/reviews/``)."""

from django.urls import URLPattern, path

from tianping.web.reviews import views_applications as views

urlpatterns: list[URLPattern] = [
    # review bodies and their rosters
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
    # entrustments of review centres
    path("entrustments/", views.entrustment_list, name="entrustment_list"),
    path("entrustments/new/", views.entrustment_create, name="entrustment_create"),
    path("entrustments/<int:pk>/revoke/", views.entrustment_revoke, name="entrustment_revoke"),
    # applications
    path("applications/", views.application_list, name="application_list"),
    path("systems/<int:system_pk>/apply/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("applications/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "applications/<int:pk>/attachments/waive/",
        views.attachment_waive,
        name="attachment_waive",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("applications/<int:pk>/evidence/", views.evidence_attach, name="evidence_attach"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path(
        "applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path("applications/<int:pk>/accept/", views.application_accept, name="application_accept"),
    path("applications/<int:pk>/materials/", views.materials_request, name="materials_request"),
    path("applications/<int:pk>/extend/", views.deadline_extend, name="deadline_extend"),
]
