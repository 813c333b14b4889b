from django.urls import path

from tianping.web.assessments import privacy_views, views

app_name = "assessments"
urlpatterns = [
    path("systems/<int:pk>/new/", views.assessment_new, name="new"),
    path("<uuid:assessment_id>/", views.assessment_detail, name="detail"),
    path("<uuid:assessment_id>/cancel/", views.assessment_cancel, name="cancel"),
    path("<uuid:assessment_id>/report/", views.assessment_report, name="report"),
    path("systems/<int:pk>/privacy/new/", privacy_views.scan_new, name="privacy_new"),
    path("privacy/<uuid:scan_id>/", privacy_views.scan_detail, name="privacy_detail"),
    path(
        "privacy/<uuid:scan_id>/impact-report/",
        privacy_views.scan_impact_report,
        name="privacy_impact_report",
    ),
    path("privacy/<uuid:scan_id>/cancel/", privacy_views.scan_cancel, name="privacy_cancel"),
]
