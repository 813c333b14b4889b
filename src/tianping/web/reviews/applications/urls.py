"""Applications: creation, the bundle, submission, acceptance, deadlines.

Under ``/reviews/``, namespace ``reviews``.
"""

from django.urls import URLPattern, path

from tianping.web.reviews.applications import views

urlpatterns: list[URLPattern] = [
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
