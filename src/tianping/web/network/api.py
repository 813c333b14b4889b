"""The JSON API of the risk network (a router of ``/api/network``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from tianping.web.accounts.models import Organisation
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.network import selectors, services
from tianping.web.network.models import EarlyWarning, RiskReport
from tianping.web.systems.models import AISystem

router = Router(tags=["network"])

Id = Annotated[int, Field(ge=1, le=2**62)]
Short = Annotated[str, StringConstraints(max_length=200)]
Long = Annotated[str, StringConstraints(max_length=10_000)]
KindCode = Literal["incident", "near_miss", "complaint", "monitoring_alert", "emerging_risk"]
CategoryCode = Literal[
    "discrimination",
    "privacy_leak",
    "emotional_dependence",
    "loss_of_control",
    "misinformation",
    "safety",
    "security",
    "other",
]
SeverityCode = Literal["low", "medium", "high", "critical"]
VisibilityCode = Literal["organisation", "jurisdiction", "public"]
ActionCode = Literal["accept", "request_information", "close", "escalate"]


class RiskReportIn(Schema):
    organisation_id: Id
    system_id: Id | None = None
    kind: KindCode
    category: CategoryCode
    severity: SeverityCode
    affected_people: Annotated[int, Field(ge=0, le=2_000_000_000)] = 0
    title: Short
    description: Long
    actions_taken: Long = ""
    visibility: VisibilityCode = "organisation"
    submit: bool = True


class StepOut(Schema):
    kind: str
    regulator_id: int | None
    note: str
    ledger_index: int | None
    at: datetime


class ReportOut(Schema):
    id: int
    organisation_id: int
    system_id: int | None
    kind: str
    category: str
    severity: str
    affected_people: int
    title: str
    description: str
    actions_taken: str
    masked: dict[str, int]
    visibility: str
    status: str
    assigned_to_id: int | None
    route: list[int]
    triage_due_at: datetime | None
    filed_at: datetime | None
    steps: list[StepOut]


class TriageIn(Schema):
    action: ActionCode
    note: Long = ""


class NoteIn(Schema):
    note: Long


class VisibilityIn(Schema):
    visibility: VisibilityCode


class WarningIn(Schema):
    issuer_id: Id
    title: Short
    body: Long
    category: CategoryCode
    severity: SeverityCode
    sector: Annotated[str, StringConstraints(max_length=32)] = ""
    kinds: list[Annotated[str, StringConstraints(max_length=32)]] = Field([], max_length=20)


class RecipientOut(Schema):
    organisation_id: int
    organisation: str
    acknowledged_at: datetime | None
    times_sent: int


class WarningOut(Schema):
    id: int
    issuer_id: int
    title: str
    body: str
    category: str
    severity: str
    sector: str
    kinds: list[str]
    acknowledge_by: datetime
    issued_at: datetime
    ledger_index: int | None
    recipients: list[RecipientOut] | None
    unacknowledged: int | None


def _report_out(report: RiskReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "organisation_id": report.organisation_id,
        "system_id": report.system_id,
        "kind": report.kind,
        "category": report.category,
        "severity": report.severity,
        "affected_people": report.affected_people,
        "title": report.title,
        "description": report.description,
        "actions_taken": report.actions_taken,
        "masked": report.masked if isinstance(report.masked, dict) else {},
        "visibility": report.visibility,
        "status": report.status,
        "assigned_to_id": report.assigned_to_id,
        "route": list(report.route.values_list("pk", flat=True)),
        "triage_due_at": report.triage_due_at,
        "filed_at": report.filed_at,
        "steps": [
            {
                "kind": s.kind,
                "regulator_id": s.regulator_id,
                "note": s.note,
                "ledger_index": s.ledger_index,
                "at": s.at,
            }
            for s in report.steps.all()
        ],
    }


def _warning_out(request: AuthenticatedHttpRequest, warning: EarlyWarning) -> dict[str, Any]:
    issuer = selectors.is_issuer(request.user, warning)
    rows = warning.recipients.select_related("organisation")
    return {
        "id": warning.pk,
        "issuer_id": warning.issuer_id,
        "title": warning.title,
        "body": warning.body,
        "category": warning.category,
        "severity": warning.severity,
        "sector": warning.sector,
        "kinds": list(warning.kinds or []),
        "acknowledge_by": warning.acknowledge_by,
        "issued_at": warning.issued_at,
        "ledger_index": warning.ledger_index,
        "recipients": [
            {
                "organisation_id": r.organisation_id,
                "organisation": r.organisation.name,
                "acknowledged_at": r.acknowledged_at,
                "times_sent": r.times_sent,
            }
            for r in rows
        ]
        if issuer
        else None,
        "unacknowledged": rows.filter(acknowledged_at__isnull=True).count() if issuer else None,
    }


@router.get("/reports", response=list[ReportOut], summary="Risk reports visible to you")
def list_risk_reports(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return [_report_out(r) for r in selectors.reports_visible(request.user)[:200]]


@router.post(
    "/reports",
    response={201: ReportOut, 403: Message, 404: Message, 422: Message},
    summary="File a risk report (or keep it as a draft with submit: false)",
)
def file_risk_report(
    request: AuthenticatedHttpRequest, payload: RiskReportIn
) -> Status[dict[str, Any]]:
    organisation = get_object_or_404(
        Organisation.objects.filter(
            pk__in=[o.pk for o in selectors.reporter_organisations(request.user)]
        ),
        pk=payload.organisation_id,
    )
    data = payload.model_dump()
    system_id = data.pop("system_id")
    data.pop("organisation_id")
    system = None
    if system_id is not None:
        owners = [organisation.pk, organisation.parent_id]
        system = get_object_or_404(AISystem.objects.filter(organisation__in=owners), pk=system_id)
    report = services.report_create(
        actor=request.user, organisation=organisation, system=system, **data
    )
    return Status(201, _report_out(report))


@router.get(
    "/reports/{int:report_id}", response={200: ReportOut, 404: Message}, summary="A risk report"
)
def get_risk_report(request: AuthenticatedHttpRequest, report_id: int) -> dict[str, Any]:
    return _report_out(selectors.report_get(request.user, report_id))


@router.post(
    "/reports/{int:report_id}/submit",
    response={200: ReportOut, 403: Message, 404: Message, 422: Message},
    summary="File a draft risk report",
)
def submit_risk_report(request: AuthenticatedHttpRequest, report_id: int) -> dict[str, Any]:
    report = selectors.report_get(request.user, report_id)
    return _report_out(services.report_submit(actor=request.user, report=report))


@router.post(
    "/reports/{int:report_id}/triage",
    response={200: ReportOut, 403: Message, 404: Message, 422: Message},
    summary="Triage a risk report: accept, request information, close or escalate",
)
def triage_risk_report(
    request: AuthenticatedHttpRequest, report_id: int, payload: TriageIn
) -> dict[str, Any]:
    report = selectors.report_get(request.user, report_id)
    return _report_out(
        services.report_triage(
            actor=request.user, report=report, action=payload.action, note=payload.note
        )
    )


@router.post(
    "/reports/{int:report_id}/respond",
    response={200: ReportOut, 403: Message, 404: Message, 422: Message},
    summary="Answer a request for information",
)
def respond_risk_report(
    request: AuthenticatedHttpRequest, report_id: int, payload: NoteIn
) -> dict[str, Any]:
    report = selectors.report_get(request.user, report_id)
    return _report_out(
        services.report_respond(actor=request.user, report=report, note=payload.note)
    )


@router.post(
    "/reports/{int:report_id}/visibility",
    response={200: ReportOut, 403: Message, 404: Message, 422: Message},
    summary="Narrow who may read a risk report",
)
def narrow_risk_report(
    request: AuthenticatedHttpRequest, report_id: int, payload: VisibilityIn
) -> dict[str, Any]:
    report = selectors.report_get(request.user, report_id)
    return _report_out(
        services.report_narrow(actor=request.user, report=report, visibility=payload.visibility)
    )


@router.get("/warnings", response=list[WarningOut], summary="Early warnings visible to you")
def list_warnings(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return [_warning_out(request, w) for w in selectors.warnings_visible(request.user)[:200]]


@router.post(
    "/warnings",
    response={201: WarningOut, 403: Message, 404: Message, 422: Message},
    summary="Issue an early warning to your jurisdiction",
)
def issue_warning(request: AuthenticatedHttpRequest, payload: WarningIn) -> Status[dict[str, Any]]:
    issuer = get_object_or_404(
        Organisation.objects.filter(
            pk__in=[o.pk for o in selectors.regulator_organisations(request.user)]
        ),
        pk=payload.issuer_id,
    )
    data = payload.model_dump()
    data.pop("issuer_id")
    warning = services.warning_issue(actor=request.user, issuer=issuer, **data)
    return Status(201, _warning_out(request, warning))


@router.get(
    "/warnings/{int:warning_id}", response={200: WarningOut, 404: Message}, summary="A warning"
)
def get_warning(request: AuthenticatedHttpRequest, warning_id: int) -> dict[str, Any]:
    return _warning_out(request, selectors.warning_get(request.user, warning_id))


@router.post(
    "/warnings/{int:warning_id}/acknowledge",
    response={200: WarningOut, 403: Message, 404: Message, 422: Message},
    summary="Acknowledge a warning for your organisations",
)
def acknowledge_warning(request: AuthenticatedHttpRequest, warning_id: int) -> dict[str, Any]:
    warning = selectors.warning_get(request.user, warning_id)
    services.warning_acknowledge(actor=request.user, warning=warning)
    return _warning_out(request, warning)
