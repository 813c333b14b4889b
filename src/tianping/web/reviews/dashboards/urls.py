"""The home page of ethics review: the user's dashboard.

Under ``/reviews/``, namespace ``reviews``.
"""

from django.urls import URLPattern, path

from tianping.web.reviews.dashboards import views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
]
