"""Writes of the risk network: filing, routing, triage, escalation, warnings, acknowledgements.

Every report step is a :class:`~.models.ReportStep` whose entry in the platform
ledger (kind ``network.report_<step>``) carries codes and ids only, never the
report's text; every warning is one ledger entry (``network.warning_issued``)
however many organisations it reaches. Deadlines come from ``deadlines.yaml``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from tianping import yamlsafe
from tianping.web.accounts.models import REGULATOR_KINDS, Organisation, OrganisationKind
from tianping.web.accounts.selectors import users_in
from tianping.web.core.bulk import insert_select
from tianping.web.core.events import announce
from tianping.web.core.notifications import notify, notify_query
from tianping.web.core.validation import ERR_CHOICE, check_choice, reject_nul
from tianping.web.ledger.services import ledger_record_action
from tianping.web.network import tasks
from tianping.web.network.deidentify import Cleaned, deidentify
from tianping.web.network.events import WarningAcknowledged
from tianping.web.network.models import (
    VISIBILITY_RANK,
    EarlyWarning,
    ReportKind,
    ReportStatus,
    ReportStep,
    RiskCategory,
    RiskReport,
    Severity,
    StepKind,
    Visibility,
    WarningRecipient,
)
from tianping.web.network.selectors import (
    REGULATOR_ROLES,
    REPORTER_KINDS,
    REPORTER_ROLES,
    can_triage,
    is_on_route,
    is_reporter,
    pending_rows,
    regulator_organisations,
    reporter_organisations,
)
from tianping.web.network.targeting import (
    ACTIVITY_CODE_LIMIT,
    TARGET_FIELDS,
    listed_activity_known,
    targets_checked,
    targets_narrow,
)
from tianping.web.operations.models import Incident, MonitorAlert
from tianping.web.systems.models import AISystem, Sector

DEADLINES = Path(__file__).with_name("deadlines.yaml")
TITLE_LIMIT = 200
TEXT_LIMIT = 10_000

ERR_REQUIRED = gettext_lazy("This field is required.")

TRIAGE_ACTIONS = ("accept", "request_information", "close", "escalate")


# --- rules ----------------------------------------------------------------------------------


@functools.cache
def deadlines() -> dict[str, dict[str, int]]:
    """The deadlines of ``deadlines.yaml``: ``triage`` and ``acknowledge`` hours by severity."""
    data = yamlsafe.load_file(DEADLINES)
    return {
        table: {str(severity): int(data[table][severity]) for severity in Severity.values}
        for table in ("triage", "acknowledge")
    }


def triage_due(severity: str, start: datetime) -> datetime:
    return start + timedelta(hours=deadlines()["triage"][severity])


def acknowledge_due(severity: str, start: datetime) -> datetime:
    return start + timedelta(hours=deadlines()["acknowledge"][severity])


# --- the tree -------------------------------------------------------------------------------


def regulator_above(organisation: Organisation) -> Organisation | None:
    """The nearest regulator above ``organisation`` (not itself), or ``None``."""
    current = organisation.parent
    while current is not None:
        if current.kind in REGULATOR_KINDS:
            return current
        current = current.parent
    return None


# --- checks ---------------------------------------------------------------------------------


def _text(value: object, field: str, *, limit: int, required: bool) -> str:
    text = str(value or "").strip()
    reject_nul(text, field)
    if required and not text:
        raise ValidationError({field: [str(ERR_REQUIRED)]})
    if len(text) > limit:
        raise ValidationError({field: [_("At most %(limit)d characters.") % {"limit": limit}]})
    return text


def _collect(
    checks: list[tuple[str, Callable[[], str]]],
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The checked values by field, and the errors of those that failed."""
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for field, check in checks:
        try:
            values[field] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return values, errors


# --- reports --------------------------------------------------------------------------------


def _step(
    report: RiskReport,
    kind: str,
    *,
    actor: User | None,
    regulator: Organisation | None = None,
    note: str = "",
) -> ReportStep:
    now = timezone.now()
    index = ledger_record_action(
        actor=actor,
        kind=f"network.report_{kind}",
        subject=report,
        payload={
            "report": report.pk,
            "organisation": report.organisation_id,
            "regulator": regulator.pk if regulator is not None else None,
            "status": report.status,
            "kind": report.kind,
            "category": report.category,
            "severity": report.severity,
            "visibility": report.visibility,
        },
        system=report.system,
    )
    return ReportStep.objects.create(
        report=report,
        kind=kind,
        actor=actor,
        regulator=regulator,
        note=note,
        ledger_index=index,
        at=now,
    )


def _report_url(report: RiskReport) -> str:
    return reverse("network:report_detail", args=[report.pk])


def _tell_reporter(report: RiskReport, message: str) -> None:
    notify(
        users=users_in([report.organisation], REPORTER_ROLES),
        message=message,
        params={"title": report.title, "regulator": str(report.assigned_to or "")},
        url=_report_url(report),
        target=report,
    )


def _tell_regulator(report: RiskReport, message: str) -> None:
    if report.assigned_to is None:
        return
    notify(
        users=users_in([report.assigned_to], REGULATOR_ROLES),
        message=message,
        params={"title": report.title, "organisation": report.organisation.name},
        url=_report_url(report),
        target=report,
    )


@transaction.atomic
def report_create(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    category: str,
    severity: str,
    title: str,
    description: str,
    actions_taken: str = "",
    affected_people: int = 0,
    visibility: str = Visibility.ORGANISATION,
    system: AISystem | None = None,
    submit: bool = True,
) -> RiskReport:
    """File a risk report for ``organisation`` (``submit``) or keep it as a draft.

    The texts are de-identified before they are stored; the raw text is not kept.
    """
    if organisation.pk not in {o.pk for o in reporter_organisations(actor)}:
        raise PermissionDenied(_("You may not file a risk report for this organisation."))
    report = _report_build(
        organisation=organisation,
        kind=kind,
        category=category,
        severity=severity,
        title=title,
        description=description,
        actions_taken=actions_taken,
        affected_people=affected_people,
        visibility=visibility,
        system=system,
    )
    report.created_by = actor
    report.save()
    _step(report, StepKind.DRAFTED, actor=actor)
    if submit:
        _route(report, actor=actor)
    return report


def _report_fields(given: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A report's checked texts and choices, and the errors of those that failed (a local
    report's and one a peer sent are checked alike)."""
    values, errors = _collect(
        [
            ("kind", lambda: check_choice(given.get("kind"), ReportKind.values, "kind")),
            (
                "category",
                lambda: check_choice(given.get("category"), RiskCategory.values, "category"),
            ),
            ("severity", lambda: check_choice(given.get("severity"), Severity.values, "severity")),
            (
                "visibility",
                lambda: check_choice(given.get("visibility"), Visibility.values, "visibility"),
            ),
            ("title", lambda: _text(given.get("title"), "title", limit=TITLE_LIMIT, required=True)),
            (
                "description",
                lambda: _text(
                    given.get("description"), "description", limit=TEXT_LIMIT, required=True
                ),
            ),
            (
                "actions_taken",
                lambda: _text(
                    given.get("actions_taken", ""),
                    "actions_taken",
                    limit=TEXT_LIMIT,
                    required=False,
                ),
            ),
        ]
    )
    people = given.get("affected_people", 0)
    if isinstance(people, bool) or not isinstance(people, int) or not 0 <= people <= 2_000_000_000:
        errors["affected_people"] = [_("Enter a whole number of people, 0 or more.")]
    return values, errors


def _report_build(
    *,
    organisation: Organisation,
    kind: str,
    category: str,
    severity: str,
    title: str,
    description: str,
    actions_taken: str,
    affected_people: int,
    visibility: str,
    system: AISystem | None,
) -> RiskReport:
    if organisation.kind not in REPORTER_KINDS:
        raise ValidationError(
            {"organisation": [_("Only enterprises, committees and centres file risk reports.")]}
        )
    values, errors = _report_fields(
        {
            "kind": kind,
            "category": category,
            "severity": severity,
            "visibility": visibility,
            "title": title,
            "description": description,
            "actions_taken": actions_taken,
            "affected_people": affected_people,
        }
    )
    if system is not None:
        owners = {organisation.pk}
        if organisation.kind == OrganisationKind.ETHICS_COMMITTEE and organisation.parent_id:
            owners.add(organisation.parent_id)
        if system.organisation_id not in owners:
            errors["system"] = [_("Choose a system of the reporting organisation.")]
    if errors:
        raise ValidationError(errors)
    cleaned = Cleaned()
    return RiskReport(
        organisation=organisation,
        system=system,
        kind=values["kind"],
        category=values["category"],
        severity=values["severity"],
        visibility=values["visibility"],
        affected_people=affected_people,
        title=cleaned.text(values["title"])[:TITLE_LIMIT],
        description=cleaned.text(values["description"]),
        actions_taken=cleaned.text(values["actions_taken"]),
        masked=dict(cleaned.masked),
    )


def _route(report: RiskReport, *, actor: User | None) -> None:
    regulator = regulator_above(report.organisation)
    if regulator is None:
        raise ValidationError(_("No regulator is over this organisation to receive the report."))
    now = timezone.now()
    report.assigned_to = regulator
    report.jurisdiction_path = regulator.path
    report.status = ReportStatus.SUBMITTED
    report.filed_at = now
    report.triage_due_at = triage_due(report.severity, now)
    report.save()
    report.route.add(regulator)
    _step(report, StepKind.FILED, actor=actor, regulator=regulator)
    _tell_regulator(report, gettext_noop("Risk report “{title}” from {organisation} to triage."))
    _tell_reporter(report, gettext_noop("Risk report “{title}” received by {regulator}."))


@transaction.atomic
def report_submit(*, actor: User, report: RiskReport) -> RiskReport:
    """File a draft (one click, e.g. a draft an incident made)."""
    report = RiskReport.objects.select_for_update().get(pk=report.pk)
    if not is_reporter(actor, report):
        raise PermissionDenied(_("Only the reporting organisation files its report."))
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(_("This report has already been filed."))
    _route(report, actor=actor)
    return report


def _escalate(report: RiskReport, *, actor: User | None, kind: str, note: str = "") -> None:
    assert report.assigned_to is not None
    above = regulator_above(report.assigned_to)
    if above is None:
        raise ValidationError(_("There is no regulator above to escalate to."))
    now = timezone.now()
    report.assigned_to = above
    report.status = ReportStatus.SUBMITTED
    report.triage_due_at = triage_due(report.severity, now)
    report.save()
    report.route.add(above)
    _step(report, kind, actor=actor, regulator=above, note=note)
    _tell_regulator(
        report, gettext_noop("Risk report “{title}” from {organisation} escalated to you.")
    )
    _tell_reporter(report, gettext_noop("Risk report “{title}” escalated to {regulator}."))


@transaction.atomic
def report_triage(*, actor: User, report: RiskReport, action: str, note: str = "") -> RiskReport:
    """The holding regulator accepts, asks for information, closes or escalates ``report``."""
    report = RiskReport.objects.select_for_update().get(pk=report.pk)
    if not can_triage(actor, report):
        raise PermissionDenied(_("Only the regulator holding the report triages it."))
    check_choice(action, TRIAGE_ACTIONS, "action")
    note = deidentify(
        _text(note, "note", limit=TEXT_LIMIT, required=action in ("request_information", "close"))
    )
    open_states = {ReportStatus.SUBMITTED, ReportStatus.INFORMATION_REQUESTED}
    allowed = open_states | {ReportStatus.ACCEPTED} if action == "close" else open_states
    if action == "accept":
        allowed = {ReportStatus.SUBMITTED}
    if report.status not in allowed:
        raise ValidationError(_("The report's state does not allow this action."))
    regulator = report.assigned_to
    if action == "escalate":
        _escalate(report, actor=actor, kind=StepKind.ESCALATED, note=note)
        return report
    status, kind, message = {
        "accept": (
            ReportStatus.ACCEPTED,
            StepKind.ACCEPTED,
            gettext_noop("Risk report “{title}” accepted by {regulator}."),
        ),
        "request_information": (
            ReportStatus.INFORMATION_REQUESTED,
            StepKind.INFORMATION_REQUESTED,
            gettext_noop("{regulator} asks for information on risk report “{title}”."),
        ),
        "close": (
            ReportStatus.CLOSED,
            StepKind.CLOSED,
            gettext_noop("Risk report “{title}” closed by {regulator}."),
        ),
    }[action]
    report.status = status
    report.triage_due_at = None
    report.save(update_fields=["status", "triage_due_at"])
    _step(report, kind, actor=actor, regulator=regulator, note=note)
    _tell_reporter(report, message)
    return report


@transaction.atomic
def report_respond(*, actor: User, report: RiskReport, note: str) -> RiskReport:
    """The reporter answers a request for information; the report awaits triage again."""
    report = RiskReport.objects.select_for_update().get(pk=report.pk)
    if not is_reporter(actor, report):
        raise PermissionDenied(_("Only the reporting organisation answers."))
    if report.status != ReportStatus.INFORMATION_REQUESTED:
        raise ValidationError(_("No information was requested."))
    note = deidentify(_text(note, "note", limit=TEXT_LIMIT, required=True))
    report.status = ReportStatus.SUBMITTED
    report.triage_due_at = triage_due(report.severity, timezone.now())
    report.save(update_fields=["status", "triage_due_at"])
    _step(report, StepKind.INFORMATION_GIVEN, actor=actor, regulator=report.assigned_to, note=note)
    _tell_regulator(report, gettext_noop("{organisation} answered on risk report “{title}”."))
    return report


@transaction.atomic
def report_narrow(*, actor: User, report: RiskReport, visibility: str) -> RiskReport:
    """A regulator on the route narrows who may read ``report`` (never widens it)."""
    report = RiskReport.objects.select_for_update().get(pk=report.pk)
    if not is_on_route(actor, report):
        raise PermissionDenied(_("Only a regulator the report was routed to narrows it."))
    check_choice(visibility, Visibility.values, "visibility")
    if VISIBILITY_RANK[Visibility(visibility)] >= VISIBILITY_RANK[Visibility(report.visibility)]:
        raise ValidationError({"visibility": [_("Choose a narrower visibility.")]})
    report.visibility = visibility
    report.save(update_fields=["visibility"])
    regulator = next(
        (o for o in regulator_organisations(actor) if report.route.filter(pk=o.pk).exists()), None
    )
    _step(report, StepKind.VISIBILITY_NARROWED, actor=actor, regulator=regulator)
    return report


def reports_escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate every report whose triage deadline passed (periodic); return how many."""
    moment = now or timezone.now()
    count = 0
    due = RiskReport.objects.filter(status=ReportStatus.SUBMITTED, triage_due_at__lt=moment)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            report = RiskReport.objects.select_for_update().get(pk=pk)
            if report.status != ReportStatus.SUBMITTED or report.triage_due_at is None:
                continue
            if report.triage_due_at >= moment or report.assigned_to is None:
                continue
            if regulator_above(report.assigned_to) is None:
                continue  # the centre holds it: nothing above
            _escalate(report, actor=None, kind=StepKind.ESCALATED_OVERDUE)
            count += 1
    return count


# --- drafts from operations -----------------------------------------------------------------


def _draft(
    *, system: AISystem, kind: str, title: str, description: str, severity: str, **source: Any
) -> RiskReport:
    report = _report_build(
        organisation=system.organisation,
        kind=kind,
        category=RiskCategory.OTHER,
        severity=severity,
        title=title,
        description=description,
        actions_taken="",
        affected_people=0,
        visibility=Visibility.ORGANISATION,
        system=system,
    )
    for name, value in source.items():
        setattr(report, name, value)
    report.save()
    _step(report, StepKind.DRAFTED, actor=None)
    notify(
        users=users_in([report.organisation], REPORTER_ROLES),
        message=gettext_noop("A draft risk report “{title}” is ready to file."),
        params={"title": report.title},
        url=_report_url(report),
        target=report,
    )
    return report


@transaction.atomic
def report_draft_from_incident(incident: Incident) -> RiskReport | None:
    """A draft report of ``incident`` for its system's organisation (once per incident)."""
    if RiskReport.objects.filter(source_incident=incident).exists():
        return None
    drafted = RiskReport.objects.filter(
        source_alert_id=incident.alert_id, status=ReportStatus.DRAFT
    ).first()
    if incident.alert_id is not None and drafted is not None:  # the alert's draft becomes it
        drafted.kind, drafted.severity = ReportKind.INCIDENT, Severity.HIGH
        drafted.source_incident = incident
        drafted.save(update_fields=["kind", "severity", "source_incident"])
        return drafted
    if incident.system.organisation.kind not in REPORTER_KINDS:
        return None
    return _draft(
        system=incident.system,
        kind=ReportKind.INCIDENT,
        severity=Severity.HIGH,
        title=_("Incident on %(system)s") % {"system": incident.system.name},
        description=incident.summary,
        source_incident=incident,
    )


@transaction.atomic
def report_draft_from_alert(alert: MonitorAlert) -> RiskReport | None:
    """A draft report of a monitor alert (once per alert)."""
    if RiskReport.objects.filter(source_alert=alert).exists():
        return None
    if alert.system.organisation.kind not in REPORTER_KINDS:
        return None
    message = alert.message if isinstance(alert.message, dict) else {}
    text = str(message.get("en") or message.get("zh") or alert.monitor)
    return _draft(
        system=alert.system,
        kind=ReportKind.MONITORING_ALERT,
        severity=Severity.HIGH if alert.severity == "fail" else Severity.MEDIUM,
        title=_("Monitor alert on %(system)s") % {"system": alert.system.name},
        description=text,
        source_alert=alert,
    )


# --- early warnings -------------------------------------------------------------------------


def warning_recipient_query(
    issuer: Organisation, *, sector: str, kinds: list[str], **targets: str
) -> QuerySet[Organisation]:
    """The organisations of ``issuer``'s subtree a warning with these filters reaches
    (``targets``: the checked filters of :mod:`tianping.web.network.targeting`)."""
    query = Organisation.objects.filter(path__startswith=issuer.path).exclude(pk=issuer.pk)
    # No kinds chosen: every organisation but regulators.
    query = query.filter(kind__in=kinds) if kinds else query.exclude(kind__in=REGULATOR_KINDS)
    if sector:
        query = query.filter(
            pk__in=AISystem.objects.filter(sector=sector).values("organisation_id")
        )
    return targets_narrow(query, issuer, **targets)


def _warning_fields(given: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """A warning's checked texts and choices and its organisation kinds (a local warning's
    and one a peer sent are checked alike); ``ValidationError`` names what failed."""
    values, errors = _collect(
        [
            ("title", lambda: _text(given.get("title"), "title", limit=TITLE_LIMIT, required=True)),
            ("body", lambda: _text(given.get("body"), "body", limit=TEXT_LIMIT, required=True)),
            (
                "category",
                lambda: check_choice(given.get("category"), RiskCategory.values, "category"),
            ),
            ("severity", lambda: check_choice(given.get("severity"), Severity.values, "severity")),
        ]
    )
    sector = given.get("sector", "")
    if not isinstance(sector, str) or (sector and sector not in Sector.values):
        errors["sector"] = [str(ERR_CHOICE)]
    kinds = given.get("kinds", [])
    if not isinstance(kinds, list) or any(k not in OrganisationKind.values for k in kinds):
        errors["kinds"] = [str(ERR_CHOICE)]
    if errors:
        raise ValidationError(errors)
    return values, list(kinds)


@transaction.atomic
def warning_issue(
    *,
    actor: User,
    issuer: Organisation,
    title: str,
    body: str,
    category: str,
    severity: str,
    sector: str = "",
    kinds: list[str] | None = None,
    system_type: str = "",
    report_category: str = "",
    listed_activity: str = "",
) -> EarlyWarning:
    """Warn the organisations of ``issuer``'s subtree that match the filters."""
    if issuer.pk not in {o.pk for o in regulator_organisations(actor)}:
        raise PermissionDenied(_("Only a regulator issues early warnings."))
    errors: dict[str, list[str]] = {}
    try:
        values, chosen = _warning_fields(
            {
                "title": title,
                "body": body,
                "category": category,
                "severity": severity,
                "sector": sector,
                "kinds": list(kinds or []),
            }
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        targets = targets_checked(
            {
                "system_type": system_type,
                "report_category": report_category,
                "listed_activity": listed_activity,
            }
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    # A query, not rows: a warning may reach ten thousand organisations.
    organisations = warning_recipient_query(issuer, sector=sector, kinds=chosen, **targets)
    if not organisations.exists():
        raise ValidationError(_("No organisation in your jurisdiction matches these filters."))
    return _warning_send(
        issuer=issuer,
        actor=actor,
        values=values,
        sector=sector,
        kinds=chosen,
        recipients=organisations,
        ledger_kind="network.warning_issued",
        ledger_extra={"sector": sector, "kinds": chosen, **targets},
        targets=targets,
    )


def _warning_send(
    *,
    issuer: Organisation,
    actor: User | None,
    values: dict[str, str],
    sector: str,
    kinds: list[str],
    recipients: QuerySet[Organisation],
    ledger_kind: str,
    ledger_extra: dict[str, Any],
    targets: dict[str, str] | None = None,
    peer: str = "",
) -> EarlyWarning:
    """Write a warning, its recipient rows in bulk and one ledger entry; notices in bulk now,
    e-mails from the worker after the commit."""
    now = timezone.now()
    warning = EarlyWarning.objects.create(
        issuer=issuer,
        created_by=actor,
        title=deidentify(values["title"])[:TITLE_LIMIT],
        body=deidentify(values["body"]),
        category=values["category"],
        severity=values["severity"],
        sector=sector,
        kinds=kinds,
        **(targets or {}),
        acknowledge_by=acknowledge_due(values["severity"], now),
        issued_at=now,
        peer=peer,
    )
    # One INSERT … SELECT each for the recipient rows and the in-app notices: no
    # instance per row (a warning may reach ten thousand organisations).
    count = insert_select(
        WarningRecipient,
        key="organisation",
        source=recipients,
        values={"warning": warning, "last_sent_at": now},
    )
    warning.ledger_index = ledger_record_action(
        actor=actor,
        kind=ledger_kind,
        subject=warning,
        payload={
            "warning": warning.pk,
            "issuer": issuer.pk,
            "category": warning.category,
            "severity": warning.severity,
            "recipients": count,
            **ledger_extra,
        },
    )
    warning.save(update_fields=["ledger_index"])
    if not count:
        return warning
    message = gettext_noop("Early warning from {issuer}: “{title}”. Please acknowledge it.")
    # In-app notices now, in bulk; the e-mails from the worker.
    notify_query(
        users=User.objects.filter(memberships__organisation__in=recipients),
        message=message,
        params={"issuer": issuer.name, "title": warning.title},
        url=reverse("network:warning_detail", args=[warning.pk]),
        target=warning,
    )
    transaction.on_commit(
        functools.partial(tasks.warning_mail.enqueue, warning.pk, message), robust=True
    )
    return warning


@transaction.atomic
def warning_acknowledge(*, actor: User, warning: EarlyWarning) -> int:
    """Acknowledge ``warning`` for each of ``actor``'s organisations it reached; how many."""
    rows = list(pending_rows(actor, warning).select_for_update())
    if not rows:
        raise ValidationError(_("Nothing of this warning is left for you to acknowledge."))
    now = timezone.now()
    for row in rows:
        row.acknowledged_at = now
        row.acknowledged_by = actor
    WarningRecipient.objects.bulk_update(rows, ["acknowledged_at", "acknowledged_by"])
    if warning.peer:
        for row in rows:
            # After the commit: a warning a peer instance sent is acknowledged there too.
            announce(WarningAcknowledged(warning_id=warning.pk, recipient_id=row.pk))
    return len(rows)


def warnings_resend_overdue(*, now: datetime | None = None) -> int:
    """Send again every warning not acknowledged by its deadline and tell the recipient's
    regulator and the issuer (periodic; once per recipient); return how many rows."""
    moment = now or timezone.now()
    rows = WarningRecipient.objects.filter(
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
        warning__acknowledge_by__lt=moment,
    ).select_related("warning", "warning__issuer", "organisation")
    count = 0
    for row in rows:
        with transaction.atomic():
            updated = WarningRecipient.objects.filter(
                pk=row.pk, acknowledged_at__isnull=True, escalated_at__isnull=True
            ).update(times_sent=row.times_sent + 1, last_sent_at=moment, escalated_at=moment)
            if not updated:
                continue
            warning = row.warning
            url = reverse("network:warning_detail", args=[warning.pk])
            params = {
                "issuer": warning.issuer.name,
                "title": warning.title,
                "organisation": row.organisation.name,
            }
            notify(
                users=users_in([row.organisation]),
                message=gettext_noop(
                    "Reminder: early warning from {issuer}: “{title}” awaits your acknowledgement."
                ),
                params=params,
                url=url,
                target=warning,
            )
            above = regulator_above(row.organisation)
            watchers = [warning.issuer] + ([above] if above is not None else [])
            notify(
                users=users_in(watchers, REGULATOR_ROLES),
                message=gettext_noop(
                    "{organisation} has not acknowledged the early warning “{title}”."
                ),
                params=params,
                url=url,
                target=warning,
            )
            count += 1
    return count


# --- messages from federated instances (tianping.web.federation) ------------------------------


@transaction.atomic
def report_receive_federated(
    *, via: Organisation, origin: str, values: dict[str, Any], peer: str
) -> RiskReport:
    """A risk report a peer instance sent up, filed for ``via`` (the peer's stand-in).

    The values are checked as a local report's are and de-identified again on arrival:
    a peer is trusted to sign what it sends, not to have masked it.
    """
    checked, errors = _report_fields(values)
    more, origin_errors = _collect(
        [("origin", lambda: _text(origin, "origin", limit=TITLE_LIMIT, required=True))]
    )
    if errors or origin_errors:
        raise ValidationError({**errors, **origin_errors})
    people = values.get("affected_people", 0)
    cleaned = Cleaned()
    report = RiskReport.objects.create(
        organisation=via,
        kind=checked["kind"],
        category=checked["category"],
        severity=checked["severity"],
        visibility=checked["visibility"],
        affected_people=people,
        title=cleaned.text(checked["title"])[:TITLE_LIMIT],
        description=cleaned.text(checked["description"]),
        actions_taken=cleaned.text(checked["actions_taken"]),
        masked=dict(cleaned.masked),
    )
    _route(report, actor=None)
    # Who reported it, and through which instance: names, the same in every language.
    step = report.steps.filter(kind=StepKind.FILED).last()
    if step is not None:
        step.note = f"{deidentify(more['origin'])} · {peer}"
        step.save(update_fields=["note"])
    return report


@transaction.atomic
def warning_receive_federated(
    *, issuer: Organisation, values: dict[str, Any], peer: str
) -> EarlyWarning:
    """An early warning a peer instance sent down, issued here by ``issuer`` (its stand-in)
    to the stand-in's subtree with the warning's filters, checked as a local warning's.

    A listed activity this instance's list does not hold (the peer's list is newer) cannot
    narrow anything here: it is dropped, so the warning reaches the subtree filtered by the
    rest (the ledger entry names what was dropped), rather than nobody."""
    checked, kinds = _warning_fields(values)
    sector = str(values.get("sector", ""))
    given = {name: values.get(name) or "" for name in TARGET_FIELDS}
    dropped = []
    activity = given["listed_activity"]
    # Only what could be a code (the catalogue's length) is dropped; anything else is refused.
    could_be_code = isinstance(activity, str) and 0 < len(activity) <= ACTIVITY_CODE_LIMIT
    if could_be_code and not listed_activity_known(activity):
        given["listed_activity"] = ""
        dropped.append("listed_activity")
    targets = targets_checked(given)
    recipients = warning_recipient_query(issuer, sector=sector, kinds=kinds, **targets)
    extra: dict[str, Any] = {"peer": peer, "sector": sector, "kinds": kinds, **targets}
    if dropped:
        extra["dropped"] = {"listed_activity": activity}
    return _warning_send(
        issuer=issuer,
        actor=None,
        values=checked,
        sector=sector,
        kinds=kinds,
        recipients=recipients,
        ledger_kind="network.warning_received",
        ledger_extra=extra,
        targets=targets,
        peer=peer,
    )
