"""Loading the shipped cases; risk reports published as cases; correction and takedown
requests."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from tianping import yamlsafe
from tianping.cases import RISK_CATEGORIES, SECTORS, Case, load_cases
from tianping.web.accounts.selectors import users_in
from tianping.web.cases import search
from tianping.web.cases.models import (
    CaseOrigin,
    CaseRecord,
    CaseRequest,
    CaseVisibility,
    Complaint,
    ComplaintStatus,
    ReportConsent,
    RequestKind,
    RequestStatus,
)
from tianping.web.cases.selectors import SECTOR_OF_SYSTEM, is_complaint_owner
from tianping.web.core.notifications import notify
from tianping.web.ledger.services import ledger_record_action
from tianping.web.network import selectors as network_selectors
from tianping.web.network.deidentify import deidentify
from tianping.web.network.models import VISIBILITY_RANK, ReportStatus, RiskReport, Visibility
from tianping.web.network.services import regulator_above
from tianping.web.systems.models import AISystem


def record_fields(case: Case) -> dict[str, object]:
    """The database fields of a library case (search columns included)."""
    return {
        "title_zh": case.title.get("zh-Hans"),
        "title_en": case.title.get("en"),
        "summary_zh": case.summary.get("zh-Hans"),
        "summary_en": case.summary.get("en"),
        "date": case.date,
        "year": case.date.year,
        "sector": case.sector,
        "region": case.region,
        "system_type": case.system_type,
        "risk_category": case.risk_category,
        "severity": case.severity,
        "harms": list(case.harms),
        "affected_groups": list(case.affected_groups),
        "principles": list(case.principles),
        "articles": list(case.articles),
        "remediation_zh": case.remediation.get("zh-Hans") if case.remediation else "",
        "remediation_en": case.remediation.get("en") if case.remediation else "",
        "sources": list(case.sources),
        "provenance": case.provenance.to_json(),
        "licence": case.provenance.licence,
        "search_zh": search.document(case, "zh-Hans"),
        "search_en": search.document(case, "en"),
    }


@transaction.atomic
def cases_sync(cases: tuple[Case, ...] | None = None) -> int:
    """Create or update the shipped cases (public, documented); return how many changed."""
    cases = load_cases() if cases is None else cases
    existing = {r.code: r for r in CaseRecord.objects.filter(origin=CaseOrigin.SHIPPED)}
    changed = 0
    for case in cases:
        fields = record_fields(case)
        record = existing.get(case.id)
        if record is None:
            CaseRecord.objects.create(
                code=case.id,
                origin=CaseOrigin.SHIPPED,
                visibility=CaseVisibility.PUBLIC,
                **fields,
            )
            changed += 1
        elif any(getattr(record, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(record, name, value)
            record.save()
            changed += 1
    return changed


# --- accepted risk reports become cases -----------------------------------------------------

ERR_NOT_REPORTER = _("Only the reporting organisation may publish its report as a case.")
ERR_NOT_ACCEPTED = _("Only an accepted risk report can become a case.")
ERR_WIDER = _("A case may not be more visible than its report ({visibility}).")
ERR_PUBLISHED = _("This report is already a case.")
ERR_CONSENT = _("Publishing needs the reporter's consent.")

CATEGORY_OF_REPORT = {code: code for code in RISK_CATEGORIES}
"""A report's risk category → the case's (the network's codes that the case database knows)."""


def _next_code(report: RiskReport) -> str:
    return f"RR-{report.pk}"


@transaction.atomic
def case_from_report(
    *, actor: User, report: RiskReport, visibility: str, consent: bool
) -> CaseRecord:
    """Publish an accepted risk report as a case, de-identified, with the reporter's consent.

    The case's visibility never widens the report's own; the consent is recorded
    (:class:`ReportConsent`) and the publication appended to the platform ledger.
    """
    if not network_selectors.is_reporter(actor, report):
        raise PermissionDenied(ERR_NOT_REPORTER)
    if not consent:
        raise ValidationError({"consent": [ERR_CONSENT]})
    if report.status != ReportStatus.ACCEPTED:
        raise ValidationError(ERR_NOT_ACCEPTED)
    if visibility not in CaseVisibility.values:
        raise ValidationError({"visibility": [_("Choose a visibility.")]})
    if VISIBILITY_RANK[Visibility(visibility)] > VISIBILITY_RANK[Visibility(report.visibility)]:
        raise ValidationError(
            {"visibility": [str(ERR_WIDER).format(visibility=report.get_visibility_display())]}
        )
    if ReportConsent.objects.filter(report=report).exists():
        raise ValidationError(ERR_PUBLISHED)
    title = deidentify(report.title)
    summary = deidentify(report.description)
    remediation = deidentify(report.actions_taken)
    system = report.system
    sector = SECTOR_OF_SYSTEM.get(system.sector, "") if system is not None else ""
    category = CATEGORY_OF_REPORT.get(report.category, "")
    day = report.created_at.date()
    labels = [
        vocabulary[code].get(language)
        for language in ("zh-Hans", "en")
        for vocabulary, code in ((SECTORS, sector), (RISK_CATEGORIES, category))
        if code
    ]
    case = CaseRecord.objects.create(
        code=_next_code(report),
        origin=CaseOrigin.REPORT,
        visibility=visibility,
        organisation=report.organisation,
        jurisdiction_path=report.jurisdiction_path,
        title_zh=title,
        title_en=title,
        summary_zh=summary,
        summary_en=summary,
        remediation_zh=remediation,
        remediation_en=remediation,
        date=day,
        year=day.year,
        sector=sector,
        region="CN",
        system_type="",
        risk_category=category,
        severity=report.severity,
        provenance={"source": "risk_report", "report": report.pk},
        licence="",
        search_zh=search.text_of(title, summary, labels),
        search_en=search.text_of(title, summary, labels),
    )
    index = ledger_record_action(
        actor=actor,
        kind="cases.report_published",
        subject=case,
        payload={"case": case.code, "report": report.pk, "visibility": visibility},
        system=system,
    )
    ReportConsent.objects.create(
        report=report, case=case, consented_by=actor, visibility=visibility, ledger_index=index
    )
    return case


# --- corrections and takedown requests ------------------------------------------------------

ERR_DECIDED = _("This request has already been decided.")
ERR_NOT_ADMIN = _("Only an administrator of the platform decides case requests.")


@transaction.atomic
def case_request_file(
    *, case: CaseRecord, kind: str, company: str, requester: str, contact: str, text: str
) -> CaseRequest:
    """Record a correction or takedown request (anyone may file one) in the ledger."""
    request = CaseRequest(
        case=case, kind=kind, company=company, requester=requester, contact=contact, text=text
    )
    request.full_clean()
    request.save()
    request.ledger_index = ledger_record_action(
        actor=None,
        kind="cases.request_filed",
        subject=request,
        payload={"case": case.code, "kind": kind, "company": company},
    )
    request.save(update_fields=["ledger_index"])
    return request


@transaction.atomic
def case_request_decide(
    *, actor: User, request: CaseRequest, accept: bool, decision: str
) -> CaseRequest:
    """An administrator's decision on a request; an accepted takedown withdraws the case."""
    if not (actor.is_superuser or actor.is_staff):
        raise PermissionDenied(ERR_NOT_ADMIN)
    request = CaseRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.OPEN:
        raise ValidationError(ERR_DECIDED)
    if not decision.strip():
        raise ValidationError({"decision": [_("Record the decision.")]})
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.REJECTED
    request.decision = decision.strip()[:5000]
    request.decided_by = actor
    request.decided_at = timezone.now()
    if accept and request.kind == RequestKind.TAKEDOWN:
        request.case.withdrawn_at = request.decided_at
        request.case.save(update_fields=["withdrawn_at", "updated_at"])
    request.ledger_index = ledger_record_action(
        actor=actor,
        kind="cases.request_decided",
        subject=request,
        payload={"case": request.case.code, "kind": request.kind, "status": request.status},
    )
    request.save()
    return request


# --- public complaints ----------------------------------------------------------------------

COMPLAINT_DEADLINES = Path(__file__).with_name("complaints.yaml")
ERR_NOT_OWNER = _("Only the system's organisation answers its complaints.")
ERR_ANSWERED = _("This complaint has already been answered.")


@functools.cache
def answer_within() -> timedelta:
    """How long an owner has to answer a complaint (``complaints.yaml``)."""
    return timedelta(days=int(yamlsafe.load_file(COMPLAINT_DEADLINES)["answer_within_days"]))


@transaction.atomic
def complaint_file(*, system: AISystem, name: str, contact: str, text: str) -> Complaint:
    """Record a complaint about ``system`` and tell its organisation."""
    complaint = Complaint(
        system=system,
        name=name,
        contact=contact,
        text=text,
        masked_text=deidentify(text),
        due_at=timezone.now() + answer_within(),
    )
    complaint.full_clean()
    complaint.save()
    notify(
        users=users_in([system.organisation]),
        message=gettext_noop("A public complaint about {system} awaits your answer."),
        params={"system": system.name},
        url=reverse("cases:complaints"),
        target=complaint,
    )
    return complaint


@transaction.atomic
def complaint_answer(*, actor: User, complaint: Complaint, answer: str) -> Complaint:
    """The owner's answer (before or after the deadline; escalation does not undo it)."""
    if not is_complaint_owner(actor, complaint):
        raise PermissionDenied(ERR_NOT_OWNER)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status == ComplaintStatus.ANSWERED:
        raise ValidationError(ERR_ANSWERED)
    if not answer.strip():
        raise ValidationError({"answer": [_("Write the answer.")]})
    complaint.answer = answer.strip()[:5000]
    complaint.answered_by = actor
    complaint.answered_at = timezone.now()
    complaint.status = ComplaintStatus.ANSWERED
    complaint.save()
    return complaint


def complaints_escalate_overdue(*, now: datetime | None = None) -> int:
    """Send each complaint unanswered past its deadline to the regulator above the owner
    (the periodic job ``cases_complaint_deadlines``); return how many went."""
    now = now or timezone.now()
    sent = 0
    overdue = Complaint.objects.filter(status=ComplaintStatus.OPEN, due_at__lt=now)
    for pk in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            complaint = (
                Complaint.objects.select_for_update()
                .select_related("system__organisation")
                .get(pk=pk)
            )
            if complaint.status != ComplaintStatus.OPEN:
                continue
            regulator = regulator_above(complaint.system.organisation)
            if regulator is None:
                continue
            complaint.status = ComplaintStatus.ESCALATED
            complaint.escalated_to = regulator
            complaint.escalated_at = now
            complaint.ledger_index = ledger_record_action(
                actor=None,
                kind="cases.complaint_escalated",
                subject=complaint,
                payload={"complaint": complaint.pk, "regulator": regulator.pk},
                system=complaint.system,
            )
            complaint.save()
            notify(
                users=users_in([regulator]),
                message=gettext_noop(
                    "A public complaint about {system} was not answered in time and comes to you."
                ),
                params={"system": complaint.system.name},
                url=reverse("cases:complaints"),
                target=complaint,
            )
            sent += 1
    return sent
