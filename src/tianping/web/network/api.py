"""The JSON API of the risk network (a router of ``/api/network``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from pydantic import StringConstraints

from tianping.web.accounts.models import Organisation
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.network import (
    attachments,
    filings,
    listing,
    monitoring,
    selectors,
    services,
    triggers,
)
from tianping.web.network.models import (
    EarlyWarning,
    Filing,
    ListProposal,
    RiskReport,
    WarningDraft,
)
from tianping.web.reviews.models import Application
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
    system_type: Annotated[str, StringConstraints(max_length=32)] = ""
    report_category: Annotated[str, StringConstraints(max_length=32)] = ""
    listed_activity: Annotated[str, StringConstraints(max_length=64)] = ""


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
    system_type: str
    report_category: str
    listed_activity: str
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
        "system_type": warning.system_type,
        "report_category": warning.report_category,
        "listed_activity": warning.listed_activity,
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


class ReportAttachmentIn(Schema):
    no_personal_data: bool = False


class ReportAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    scanned: bool
    no_personal_data_confirmed: bool
    uploaded_at: datetime


@router.get(
    "/reports/{int:report_id}/attachments",
    response={200: list[ReportAttachmentOut], 404: Message},
    summary="The attachments of a risk report you may see",
)
def list_report_attachments(
    request: AuthenticatedHttpRequest, report_id: int
) -> list[dict[str, Any]]:
    report = selectors.report_get(request.user, report_id)
    return [
        attachments.attachment_out(a) for a in attachments.attachments_visible(request.user, report)
    ]


@router.post(
    "/reports/{int:report_id}/attachments",
    response={201: ReportAttachmentOut, 403: Message, 404: Message, 413: Message, 422: Message},
    summary="Attach a file to a risk report (multipart: file, no_personal_data)",
)
def upload_report_attachment(
    request: AuthenticatedHttpRequest,
    report_id: int,
    payload: Form[ReportAttachmentIn],
    file: Annotated[UploadedFile, File(description="PDF, PNG, JPEG, UTF-8 text or CSV")],
) -> Status[dict[str, Any]]:
    report = selectors.report_get(request.user, report_id)
    attachment = attachments.attachment_add(
        actor=request.user,
        report=report,
        upload=file,
        no_personal_data=payload.no_personal_data,
    )
    return Status(201, attachments.attachment_out(attachment))


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


# --- filings ----------------------------------------------------------------------------------

FilingKindCode = Literal["committee_registration", "listed_activity", "annual_report"]


class FilingIn(Schema):
    organisation_id: Id
    kind: FilingKindCode
    year: Annotated[int, Field(ge=1990, le=9999)] | None = None
    application_id: Id | None = None
    summary: Long = ""


class FilingOut(Schema):
    id: int
    organisation_id: int
    regulator_id: int
    kind: str
    year: int | None
    application_id: int | None
    due_on: date
    filed_on: date
    summary: str
    ledger_index: int | None


class ObligationOut(Schema):
    organisation_id: int
    organisation: str
    kind: str
    due_on: str
    status: str
    days: int
    year: int | None
    application_id: int | None


def _filing_out(filing: Filing) -> dict[str, Any]:
    return {
        "id": filing.pk,
        "organisation_id": filing.organisation_id,
        "regulator_id": filing.regulator_id,
        "kind": filing.kind,
        "year": filing.year,
        "application_id": filing.application_id,
        "due_on": filing.due_on,
        "filed_on": filing.filed_on,
        "summary": filing.summary,
        "ledger_index": filing.ledger_index,
    }


@router.get("/filings", response=list[FilingOut], summary="Filings visible to you")
def list_filings(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return [_filing_out(f) for f in filings.filings_visible(request.user)[:500]]


@router.post(
    "/filings",
    response={201: FilingOut, 403: Message, 404: Message, 422: Message},
    summary="File a committee registration, a listed activity or an annual report",
)
def make_filing(request: AuthenticatedHttpRequest, payload: FilingIn) -> Status[dict[str, Any]]:
    organisation = get_object_or_404(
        Organisation.objects.filter(
            pk__in=[o.pk for o in filings.filer_organisations(request.user)]
        ),
        pk=payload.organisation_id,
    )
    application = None
    if payload.application_id is not None:
        application = get_object_or_404(
            Application.objects.filter(body__organisation=organisation), pk=payload.application_id
        )
    filing = filings.filing_file(
        actor=request.user,
        organisation=organisation,
        kind=payload.kind,
        year=payload.year,
        application=application,
        summary=payload.summary,
    )
    return Status(201, _filing_out(filing))


@router.get(
    "/filings/overdue",
    response=list[ObligationOut],
    summary="Overdue filings within your jurisdiction",
)
def overdue_filings(request: AuthenticatedHttpRequest) -> list[dict[str, object]]:
    found: dict[tuple[object, ...], dict[str, object]] = {}
    for regulator in selectors.regulator_organisations(request.user):
        for item in filings.overdue_within(regulator):
            data = item.to_json()
            found[(data["organisation_id"], data["kind"], data["year"], data["application_id"])] = (
                data
            )
    return list(found.values())


# --- monthly monitoring -----------------------------------------------------------------------


class MonthlyOut(Schema):
    region_id: int
    region: str
    month: str
    reviews: int
    reviews_by_procedure: dict[str, int]
    reviews_by_decision: dict[str, int]
    expert_reviews: int
    certificates: int
    risk_reports: int
    warnings_received: int
    warnings_acknowledged: int
    late_filings: int


def own_regulator(request: AuthenticatedHttpRequest, regulator_id: int | None) -> Organisation:
    """One of the user's regulators (the first when none is named), or 404."""
    regulators = selectors.regulator_organisations(request.user)
    chosen = [o for o in regulators if regulator_id is None or o.pk == regulator_id]
    if not chosen:
        raise Http404
    return chosen[0]


@router.get(
    "/monthly",
    response={200: list[MonthlyOut], 404: Message},
    summary="Monthly statistics of the regions under your regulator",
)
def monthly_statistics(
    request: AuthenticatedHttpRequest,
    year: Annotated[int, Field(ge=2000, le=2999)] | None = None,
    regulator_id: Id | None = None,
) -> list[dict[str, Any]]:
    regulator = own_regulator(request, regulator_id)
    return monitoring.monthly(
        monitoring.regions_under(regulator), year or timezone.localdate().year
    )


# --- warning drafts from the automatic triggers -----------------------------------------------


class DraftOut(Schema):
    id: int
    issuer_id: int
    rule: str
    title: str
    body: str
    category: str
    severity: str
    evidence: dict[str, Any]
    status: str
    warning_id: int | None
    created_at: datetime


class DraftSendIn(Schema):
    title: Short = ""
    body: Long = ""


def _draft_out(draft: WarningDraft) -> dict[str, Any]:
    return {
        "id": draft.pk,
        "issuer_id": draft.issuer_id,
        "rule": draft.rule,
        "title": draft.title,
        "body": draft.body,
        "category": draft.category,
        "severity": draft.severity,
        "evidence": draft.evidence if isinstance(draft.evidence, dict) else {},
        "status": draft.status,
        "warning_id": draft.warning_id,
        "created_at": draft.created_at,
    }


def _draft_get(request: AuthenticatedHttpRequest, draft_id: int) -> WarningDraft:
    found = [d for d in triggers.drafts_for(request.user) if d.pk == draft_id]
    if not found:
        raise Http404
    return found[0]


@router.get("/warning-drafts", response=list[DraftOut], summary="Warnings drafted for you")
def list_warning_drafts(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return [_draft_out(d) for d in triggers.drafts_for(request.user)[:200]]


@router.post(
    "/warning-drafts/{int:draft_id}/send",
    response={201: WarningOut, 403: Message, 404: Message, 422: Message},
    summary="Send a drafted warning (title and text may be edited)",
)
def send_warning_draft(
    request: AuthenticatedHttpRequest, draft_id: int, payload: DraftSendIn
) -> Status[dict[str, Any]]:
    draft = _draft_get(request, draft_id)
    warning = triggers.draft_send(
        actor=request.user, draft=draft, title=payload.title, body=payload.body
    )
    return Status(201, _warning_out(request, warning))


@router.post(
    "/warning-drafts/{int:draft_id}/dismiss",
    response={200: DraftOut, 403: Message, 404: Message, 422: Message},
    summary="Dismiss a drafted warning",
)
def dismiss_warning_draft(request: AuthenticatedHttpRequest, draft_id: int) -> dict[str, Any]:
    draft = _draft_get(request, draft_id)
    return _draft_out(triggers.draft_dismiss(actor=request.user, draft=draft))


# --- the high-risk activity list -------------------------------------------------------------


class ListProposalIn(Schema):
    proposer_id: Id
    change: Literal["add", "change", "remove"]
    activity_code: Annotated[str, StringConstraints(max_length=60)]
    name_zh: Short = ""
    name_en: Annotated[str, StringConstraints(max_length=300)] = ""
    description_zh: Long = ""
    description_en: Long = ""
    source: Literal["expert_review", "case_pattern"]
    application_id: Id | None = None
    reason: Long


class ListDecisionIn(Schema):
    approve: bool
    reason: Long


class ListProposalOut(Schema):
    id: int
    proposer_id: int
    change: str
    activity_code: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    source: str
    application_id: int | None
    reason: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str
    list_version: str
    ledger_index: int | None
    decision_ledger_index: int | None


def _proposal_out(p: ListProposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "proposer_id": p.proposer_id,
        "change": p.change,
        "activity_code": p.activity_code,
        "name_zh": p.name_zh,
        "name_en": p.name_en,
        "description_zh": p.description_zh,
        "description_en": p.description_en,
        "source": p.source,
        "application_id": p.application_id,
        "reason": p.reason,
        "status": p.status,
        "created_at": p.created_at,
        "decided_at": p.decided_at,
        "decision_reason": p.decision_reason,
        "list_version": p.list_version,
        "ledger_index": p.ledger_index,
        "decision_ledger_index": p.decision_ledger_index,
    }


@router.get(
    "/list-proposals",
    response=list[ListProposalOut],
    summary="Proposals to change the high-risk activity list visible to you",
)
def list_list_proposals(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return [_proposal_out(p) for p in listing.proposals_visible(request.user)[:500]]


@router.post(
    "/list-proposals",
    response={201: ListProposalOut, 403: Message, 404: Message, 422: Message},
    summary="Propose to add, change or remove an activity of the high-risk list",
)
def file_list_proposal(
    request: AuthenticatedHttpRequest, payload: ListProposalIn
) -> Status[dict[str, Any]]:
    proposer = get_object_or_404(
        Organisation.objects.filter(
            pk__in=[o.pk for o in selectors.regulator_organisations(request.user)]
        ),
        pk=payload.proposer_id,
    )
    application = None
    if payload.application_id is not None:
        application = get_object_or_404(
            Application.objects.filter(organisation__path__startswith=proposer.path),
            pk=payload.application_id,
        )
    proposal = listing.proposal_file(
        actor=request.user,
        proposer=proposer,
        change=payload.change,
        activity_code=payload.activity_code,
        source=payload.source,
        reason=payload.reason,
        texts={
            "name_zh": payload.name_zh,
            "name_en": payload.name_en,
            "description_zh": payload.description_zh,
            "description_en": payload.description_en,
        },
        application=application,
    )
    return Status(201, _proposal_out(proposal))


@router.get(
    "/list-proposals/{int:proposal_id}",
    response=ListProposalOut,
    summary="One proposal to change the high-risk list",
)
def get_list_proposal(request: AuthenticatedHttpRequest, proposal_id: int) -> dict[str, Any]:
    return _proposal_out(listing.proposal_get(request.user, proposal_id))


@router.post(
    "/list-proposals/{int:proposal_id}/decide",
    response={200: ListProposalOut, 403: Message, 404: Message, 422: Message},
    summary="Approve (a new list version) or reject a proposal, as a central regulator",
)
def decide_list_proposal(
    request: AuthenticatedHttpRequest, proposal_id: int, payload: ListDecisionIn
) -> dict[str, Any]:
    proposal = listing.proposal_get(request.user, proposal_id)
    return _proposal_out(
        listing.proposal_decide(
            actor=request.user, proposal=proposal, approve=payload.approve, reason=payload.reason
        )
    )
