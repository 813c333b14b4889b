from django.urls import path

from tianping.web.assessments.bias import views

urlpatterns = [
    path("systems/<int:pk>/new/", views.assessment_new, name="new"),
    path("<uuid:assessment_id>/", views.assessment_detail, name="detail"),
    path("<uuid:assessment_id>/cancel/", views.assessment_cancel, name="cancel"),
    path("<uuid:assessment_id>/report/", views.assessment_report, name="report"),
]
