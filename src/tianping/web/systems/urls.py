from django.urls import path

from tianping.web.systems import views

app_name = "systems"
urlpatterns = [
    path("", views.system_list, name="list"),
    path("new/", views.system_create, name="create"),
    path("<int:pk>/", views.system_detail, name="detail"),
    path("<int:pk>/edit/", views.system_edit, name="edit"),
    path("<int:pk>/intake/", views.system_intake, name="intake"),
    path("<int:pk>/intakes/<int:intake_pk>/override/", views.intake_override, name="override"),
    path(
        "<int:pk>/intakes/<int:intake_pk>/floor-review/",
        views.intake_floor_review,
        name="floor_review",
    ),
    path("<int:pk>/report/", views.report_start, name="report_start"),
    path("reports/<uuid:job_id>/", views.report_job, name="report_job"),
    path("reports/<uuid:job_id>/cancel/", views.report_job_cancel, name="report_job_cancel"),
    path("reports/<uuid:job_id>/download/", views.report_job_download, name="report_job_download"),
]
