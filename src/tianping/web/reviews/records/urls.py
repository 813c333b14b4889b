"""Records: the record export and decision letters.

Under ``/reviews/``, namespace ``reviews``.
"""

from django.urls import URLPattern, path

from tianping.web.reviews.records import views

urlpatterns: list[URLPattern] = [
    path("applications/<int:pk>/record.json", views.record_export, name="record_export"),
    path("applications/<int:pk>/letters/", views.letter_start, name="letter_start"),
    path("letters/<uuid:job_id>/", views.letter_job, name="letter_job"),
    path("letters/<uuid:job_id>/cancel/", views.letter_job_cancel, name="letter_job_cancel"),
    path("letters/<uuid:job_id>/download/", views.letter_job_download, name="letter_job_download"),
]
