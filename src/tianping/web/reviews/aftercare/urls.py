"""Aftercare: follow-up reports, risk changes, resubmissions, suspension and termination.

Under ``/reviews/``, namespace ``reviews``.
"""

from django.urls import URLPattern, path

from tianping.web.reviews.aftercare import views

urlpatterns: list[URLPattern] = [
    path(
        "applications/<int:pk>/aftercare/follow-ups/<int:follow_up_pk>/report/",
        views.follow_up_report,
        name="aftercare_follow_up_report",
    ),
    path(
        "applications/<int:pk>/aftercare/risk-change/",
        views.risk_change_report,
        name="aftercare_risk_change",
    ),
    path(
        "applications/<int:pk>/aftercare/resubmission/",
        views.resubmission_create,
        name="aftercare_resubmission",
    ),
    path(
        "applications/<int:pk>/aftercare/<slug:action>/",
        views.activity_status,
        name="aftercare_activity_status",
    ),
]
