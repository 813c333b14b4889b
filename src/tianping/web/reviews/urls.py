"""URL map of ethics review (mounted at ``/reviews/``); each package keeps its own list.

The order is the order of resolution; names and paths are the public contract.
"""

from django.urls import include, path

app_name = "reviews"

urlpatterns = [
    path("", include("tianping.web.reviews.dashboards.urls")),
    path("", include("tianping.web.reviews.notifications.urls")),
    path("", include("tianping.web.reviews.records.urls")),
    path("", include("tianping.web.reviews.bodies.urls")),
    path("", include("tianping.web.reviews.applications.urls")),
    path("", include("tianping.web.reviews.meetings.urls")),
    path("", include("tianping.web.reviews.expert.urls")),
    path("", include("tianping.web.reviews.aftercare.urls")),
]
