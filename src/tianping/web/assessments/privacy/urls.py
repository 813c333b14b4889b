from django.urls import path

from tianping.web.assessments.privacy import views

urlpatterns = [
    path("systems/<int:pk>/privacy/new/", views.scan_new, name="privacy_new"),
    path("privacy/<uuid:scan_id>/", views.scan_detail, name="privacy_detail"),
    path(
        "privacy/<uuid:scan_id>/impact-report/",
        views.scan_impact_report,
        name="privacy_impact_report",
    ),
    path("privacy/<uuid:scan_id>/cancel/", views.scan_cancel, name="privacy_cancel"),
]
