"""The JSON API of aftercare (a router of ``/api/reviews``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from tianping.web.core.actions import perform
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews.aftercare import services
from tianping.web.reviews.aftercare.selectors import follow_up_get
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.models import (
    Application,
    FollowUp,
)

router = Router(tags=["reviews"])


Text = Annotated[str, StringConstraints(max_length=10000)]


class ReportIn(Schema):
    report: Text
    expected_version: Annotated[int, Field(ge=0, le=2**31)] | None = None


class ActivityReasonIn(Schema):
    reason: Annotated[str, StringConstraints(max_length=2000)]
    expected_version: Annotated[int, Field(ge=0, le=2**31)] | None = None


class ResubmissionVersionIn(Schema):
    expected_version: Annotated[int, Field(ge=0, le=2**31)] | None = None


class AftercareApplicationOut(Schema):
    id: int
    reference: str
    kind: str
    status: str
    decision: str
    previous_id: int | None
    follow_up_due: date | None
    version: int


class FollowUpOut(Schema):
    id: int
    application_id: int
    kind: str
    due_on: date | None
    reported_at: datetime | None
    review_id: int | None
    review: str | None
    reminded_at: datetime | None


def _application_out(app: Application) -> dict[str, Any]:
    return {
        "id": app.pk,
        "reference": app.reference,
        "kind": app.kind,
        "status": app.status,
        "decision": app.decision,
        "previous_id": app.previous_id,
        "follow_up_due": app.follow_up_due,
        "version": app.version,
    }


def _follow_up_out(fu: FollowUp) -> dict[str, Any]:
    return {
        "id": fu.pk,
        "application_id": fu.application_id,
        "kind": fu.kind,
        "due_on": fu.due_on,
        "reported_at": fu.reported_at,
        "review_id": fu.review_id,
        "review": fu.review.reference if fu.review else None,
        "reminded_at": fu.reminded_at,
    }


@router.get(
    "/applications/{application_id}/follow-ups",
    response={200: list[FollowUpOut], 404: Message, 422: Message},
    summary="Follow-ups and reported risk changes of an application",
)
def list_follow_ups(request: HttpRequest, application_id: int) -> list[dict[str, Any]]:
    app = applications_selectors.application_get(request.user, application_id)
    return [
        _follow_up_out(fu)
        for fu in app.follow_ups.select_related("review").order_by("due_on", "pk")
    ]


@router.post(
    "/applications/{application_id}/follow-ups/{follow_up_id}/report",
    response={201: AftercareApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Report on a scheduled follow-up; opens the follow-up review",
)
def report_follow_up(
    request: AuthenticatedHttpRequest, application_id: int, follow_up_id: int, payload: ReportIn
) -> Status[dict[str, Any]]:
    app = applications_selectors.application_get(request.user, application_id)
    later = perform(
        services.follow_up_report, request, payload, follow_up=follow_up_get(app, follow_up_id)
    )
    return Status(201, _application_out(later))


@router.post(
    "/applications/{application_id}/risk-change",
    response={201: AftercareApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Report a change of risk of an approved activity; review reopens",
)
def report_risk_change(
    request: AuthenticatedHttpRequest, application_id: int, payload: ReportIn
) -> Status[dict[str, Any]]:
    app = applications_selectors.application_get(request.user, application_id)
    later = perform(services.risk_change_report, request, payload, application=app)
    return Status(201, _application_out(later))


@router.post(
    "/applications/{application_id}/resubmission",
    response={201: AftercareApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Start a re-review draft after a decision to re-review after modification",
)
def resubmit(
    request: AuthenticatedHttpRequest, application_id: int, payload: ResubmissionVersionIn
) -> Status[dict[str, Any]]:
    app = applications_selectors.application_get(request.user, application_id)
    draft = perform(services.resubmission_create, request, payload, application=app)
    return Status(201, _application_out(draft))


def _status_action(
    request: HttpRequest, application_id: int, payload: ActivityReasonIn, service: Any
) -> dict[str, Any]:
    app = applications_selectors.application_get(request.user, application_id)
    return _application_out(perform(service, request, payload, application=app))


@router.post(
    "/applications/{application_id}/suspend",
    response={200: AftercareApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Suspend an approved activity (the chair; a reason is required)",
)
def suspend(request: HttpRequest, application_id: int, payload: ActivityReasonIn) -> dict[str, Any]:
    return _status_action(request, application_id, payload, services.activity_suspend)


@router.post(
    "/applications/{application_id}/resume",
    response={200: AftercareApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Let a suspended activity resume (the chair; a reason is required)",
)
def resume(request: HttpRequest, application_id: int, payload: ActivityReasonIn) -> dict[str, Any]:
    return _status_action(request, application_id, payload, services.activity_resume)


@router.post(
    "/applications/{application_id}/terminate",
    response={200: AftercareApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Terminate an approved activity, finally (the chair; a reason is required)",
)
def terminate(
    request: HttpRequest, application_id: int, payload: ActivityReasonIn
) -> dict[str, Any]:
    return _status_action(request, application_id, payload, services.activity_terminate)
