from django.urls import path

from tianping.web.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("export.csv", views.case_export_csv, name="export_csv"),
    path("export.json", views.case_export_json, name="export_json"),
    path("from-reports/", views.publishable, name="publishable"),
    path("from-reports/<int:report_id>/", views.report_publish, name="report_publish"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:request_id>/decide/", views.request_decide, name="request_decide"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/<int:complaint_id>/answer/", views.complaint_answer, name="complaint_answer"),
    path("complaints/systems/<int:system_id>/", views.complaint_file, name="complaint_file"),
    path("aiid/", views.aiid_imports, name="aiid_imports"),
    path("aiid/<uuid:job_id>/", views.aiid_import, name="aiid_import"),
    path("aiid/<uuid:job_id>/cancel/", views.aiid_import_cancel, name="aiid_import_cancel"),
    path("<str:code>/", views.case_detail, name="detail"),
    path("<str:code>/request/", views.case_request, name="request"),
]
