from django.urls import path

from tianping.web.network import views

app_name = "network"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("reports/<int:report_id>/submit/", views.report_submit, name="report_submit"),
    path(
        "reports/<int:report_id>/attachments/",
        views.report_attachment_add,
        name="report_attachment_add",
    ),
    path(
        "reports/<int:report_id>/attachments/<int:attachment_id>/",
        views.report_attachment_download,
        name="report_attachment_download",
    ),
    path("reports/<int:report_id>/triage/", views.report_triage, name="report_triage"),
    path("reports/<int:report_id>/respond/", views.report_respond, name="report_respond"),
    path("reports/<int:report_id>/visibility/", views.report_visibility, name="report_visibility"),
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/new/", views.warning_create, name="warning_create"),
    path("warnings/<int:warning_id>/", views.warning_detail, name="warning_detail"),
    path(
        "warnings/<int:warning_id>/acknowledge/",
        views.warning_acknowledge,
        name="warning_acknowledge",
    ),
    path("filings/", views.filings_page, name="filings"),
    path("monthly/", views.monthly_page, name="monthly"),
    path("monthly.csv", views.monthly_csv, name="monthly_csv"),
    path("monthly.json", views.monthly_json, name="monthly_json"),
    path("monthly/pilot-summary.pdf", views.pilot_summary_pdf, name="pilot_summary_pdf"),
    path("monthly/pilot-summary/submit/", views.pilot_summary_submit, name="pilot_summary_submit"),
    path(
        "monthly/pilot-summaries/<int:summary_id>.pdf",
        views.pilot_summary_file,
        name="pilot_summary_file",
    ),
    path("list/", views.list_page, name="list"),
    path("list/proposals/<int:proposal_id>/", views.list_proposal, name="list_proposal"),
    path(
        "list/proposals/<int:proposal_id>/decide/",
        views.list_proposal_decide,
        name="list_proposal_decide",
    ),
    path("warning-drafts/", views.draft_list, name="drafts"),
    path("warning-drafts/<int:draft_id>/send/", views.draft_send, name="draft_send"),
    path("warning-drafts/<int:draft_id>/dismiss/", views.draft_dismiss, name="draft_dismiss"),
]
