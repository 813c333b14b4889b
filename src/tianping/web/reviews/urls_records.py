"""Records: dashboards, notifications, record export, decision letters."""

from django.urls import URLPattern, path

from tianping.web.reviews import views_records as views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path(
        "notifications/read-all/",
        views.notifications_read_all,
        name="notifications_read_all",
    ),
    path("applications/<int:pk>/record.json", views.record_export, name="record_export"),
    path("applications/<int:pk>/letters/", views.letter_start, name="letter_start"),
    path("letters/<uuid:job_id>/", views.letter_job, name="letter_job"),
    path("letters/<uuid:job_id>/cancel/", views.letter_job_cancel, name="letter_job_cancel"),
    path("letters/<uuid:job_id>/download/", views.letter_job_download, name="letter_job_download"),
]
