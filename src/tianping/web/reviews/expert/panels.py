"""The application page's section on expert re-review and aftercare.

Shows the expert re-review (status, due date, the panel's opinion), the
follow-ups with their due dates, a suspension or termination with its reason,
and the buttons the viewer may use: follow-up report, risk-change report,
resubmission (applicant); suspend, resume, terminate (chair); the re-review
page (authority, panel experts)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from tianping.web.reviews.aftercare import selectors as aftercare_selectors
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.bodies import selectors as bodies_selectors
from tianping.web.reviews.expert import selectors
from tianping.web.reviews.models import (
    Application,
    DecisionType,
    ExpertReview,
    FollowUp,
)


def context(request: HttpRequest, application: Application) -> dict[str, Any]:
    """What the section shows to ``request.user`` (also used by the tests)."""
    user = request.user
    review = ExpertReview.objects.filter(application=application).first()
    applicant = applications_selectors.is_applicant(user, application)
    chair = bodies_selectors.can_chair(user, application.body)
    approved = application.is_approved
    running = application.status == Application.Status.DECIDED and approved
    open_later = aftercare_selectors.open_later_review(application) is not None
    follow_ups = list(application.follow_ups.select_related("review").order_by("due_on", "pk"))
    reportable = [
        fu.pk
        for fu in follow_ups
        if applicant
        and fu.kind == FollowUp.Kind.SCHEDULED
        and fu.review_id is None
        and approved
        and application.status in (Application.Status.DECIDED, Application.Status.SUSPENDED)
        and not open_later
    ]
    resubmittable = (
        applicant
        and application.status == Application.Status.DECIDED
        and application.decision == DecisionType.RE_REVIEW_AFTER_MODIFICATION
        and not application.later.filter(kind=Application.Kind.RESUBMISSION)
        .exclude(status=Application.Status.WITHDRAWN)
        .exists()
    )
    return {
        "application": application,
        "review": review,
        "is_authority": review is not None and selectors.is_authority(user, review),
        "my_seat": selectors.panel_seat(user, review) if review is not None else None,
        "follow_ups": follow_ups,
        "reportable": reportable,
        "later": list(application.later.order_by("created_at", "pk")),
        "status_reason": aftercare_selectors.status_reason(application),
        "may_report_risk": applicant and running and not open_later,
        "may_resubmit": resubmittable,
        "may_suspend": chair and running,
        "may_resume": chair and application.status == Application.Status.SUSPENDED,
        "may_terminate": chair
        and approved
        and application.status in (Application.Status.DECIDED, Application.Status.SUSPENDED),
    }


def panel(request: HttpRequest, application: Application) -> str:
    """Rendered HTML of this area's section of the application page ("" for none)."""
    ctx = context(request, application)
    shown = (
        ctx["review"] is not None
        or ctx["follow_ups"]
        or ctx["later"]
        or ctx["status_reason"]
        or ctx["may_resubmit"]
        or application.status == Application.Status.DECIDED
    )
    if not shown:
        return ""
    return render_to_string("reviews/expert/_panel.html", ctx, request=request)
