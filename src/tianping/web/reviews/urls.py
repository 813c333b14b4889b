"""URL map of ethics review (mounted at ``/reviews/``); each area keeps its own list."""

from django.urls import include, path

app_name = "reviews"

urlpatterns = [
    path("", include("tianping.web.reviews.urls_records")),
    path("", include("tianping.web.reviews.urls_applications")),
    path("", include("tianping.web.reviews.urls_meetings")),
    path("", include("tianping.web.reviews.urls_expert")),
]
