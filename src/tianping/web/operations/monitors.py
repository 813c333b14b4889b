"""Monitors over logged decisions: counts per batch, readings, alerts, incidents.

Each committed batch of decision records is counted (:func:`tianping.monitoring.count_decisions`)
into the system's rolling counts (:class:`~tianping.web.operations.models.MonitorCounts`), in
the batch's transaction and under its log's row lock; then every monitor is judged and its
reading stored. A ``warn`` or ``fail`` opens an alert (one unresolved alert per monitor); a
``fail`` of a ``pause`` monitor pauses the system through the switch (the change is in the
platform ledger) and opens an incident. People acknowledge and resolve alerts and close
incidents, with a reason, in the platform ledger too.

Monitors fail closed: a monitor that raises is logged with its exception and stored as an
``error`` reading, which opens an alert; when counting the batch fails, every monitor gets
an ``error`` reading. The batch itself always commits.

Per-system thresholds live in the playbook's ``takeover_thresholds`` as
``<monitor id>_<field>`` (``selection_parity_warn_below = 0.85``; fields: ``warn_below``,
``fail_below``, ``warn_above``, ``fail_above``, ``min_group_size``, ``min_rows``,
``window_minutes``, ``pause`` (1: pause on failure, 0: alert only)).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tianping.monitoring import (
    MonitorError,
    MonitorReading,
    MonitorSpec,
    RollingCounts,
    count_decisions,
    evaluate,
    load_monitors,
)
from tianping.text import LocalizedText
from tianping.web.accounts.models import Role
from tianping.web.core.events import announce
from tianping.web.core.validation import reject_nul
from tianping.web.ledger.services import ledger_record_action
from tianping.web.operations.events import AlertOpened, IncidentOpened
from tianping.web.operations.models import (
    AlertStatus,
    Incident,
    IncidentStatus,
    MonitorAlert,
    MonitorCounts,
    MonitorReadingRecord,
    MonitorStatus,
    SwitchState,
)
from tianping.web.operations.selectors import playbook_of, roles_over
from tianping.web.operations.switch import switch_set
from tianping.web.systems.models import AISystem

log = logging.getLogger(__name__)

BUCKET_SECONDS = 60
REASON_LIMIT = 2000
MONITOR_ROLES = (Role.APPLICANT, Role.ADMIN, Role.CHAIR, Role.COMMITTEE_MEMBER)
"""Who acknowledges and resolves alerts and closes incidents: the people running the system
and its ethics committee. Regulators read them."""

SEVERITY_RANK: dict[str, int] = {
    MonitorStatus.WARN: 1,
    MonitorStatus.ERROR: 2,
    MonitorStatus.FAIL: 3,
}
"""An unresolved alert takes the gravest severity of its readings."""
ALL_MONITORS = "monitors"
"""The monitor named in an error reading when not even the list of monitors could be read."""

_FIELDS = {
    "warn_below": float,
    "fail_below": float,
    "warn_above": float,
    "fail_above": float,
    "min_group_size": int,
    "min_rows": int,
}


# --- which monitors ---------------------------------------------------------------------------


def monitors_of(system: AISystem) -> tuple[MonitorSpec, ...]:
    """The library's default monitors, with the system's playbook overrides applied."""
    thresholds = playbook_of(system).takeover_thresholds
    specs = []
    for spec in load_monitors():
        changes: dict[str, Any] = {}
        prefix = spec.id + "_"
        for name, number in thresholds.items():
            if not name.startswith(prefix):
                continue
            field = name[len(prefix) :]
            if field in _FIELDS:
                changes[field] = _FIELDS[field](number)
            elif field == "window_minutes" and number > 0:
                changes["window"] = timedelta(minutes=float(number))
            elif field == "pause":
                changes["action"] = "pause" if number else "alert"
        if any(k.endswith(("_below", "_above")) for k in changes):
            # An override names the thresholds of its direction; the others are dropped.
            direction = "_below" if any(k.endswith("_below") for k in changes) else "_above"
            for key in ("warn_below", "fail_below", "warn_above", "fail_above"):
                if not key.endswith(direction):
                    changes.setdefault(key, None)
        try:
            specs.append(dataclasses.replace(spec, **changes))
        except (MonitorError, TypeError, ValueError):
            log.warning("ignoring the playbook's overrides of monitor %s: invalid", spec.id)
            specs.append(spec)
    return tuple(specs)


# --- counting and judging a batch -------------------------------------------------------------


def _countable(record: Any) -> bool:
    def binary(value: Any) -> bool:
        return isinstance(value, bool) or (type(value) is int and value in (0, 1))

    return (
        isinstance(record, Mapping)
        and isinstance(record.get("attributes"), Mapping)
        and binary(record.get("prediction"))
        and (record.get("outcome") is None or binary(record.get("outcome")))
    )


def monitors_record_batch(*, system: AISystem, records: Sequence[Any]) -> list[MonitorReading]:
    """Count a committed batch and judge the monitors (inside the batch's transaction).

    Records without ``attributes`` and a 0/1 ``prediction`` are not decisions the monitors
    can read and are skipped. A monitor failure never loses the batch, nor passes silently:
    it is logged with its exception and stored as an ``error`` reading that opens an alert.
    Returns the readings of the monitors that judged the batch.
    """
    decisions = [r for r in records if _countable(r)]
    if not decisions:
        return []
    try:
        with transaction.atomic():
            return _record(system, decisions)
    except Exception as error:  # the batch must commit whatever the monitors do
        log.exception("monitors of system %s failed on a batch", system.pk)
        _record_failure(system, error)
        return []


def _record_failure(system: AISystem, error: Exception) -> None:
    """After counting or judging a batch failed: an ``error`` reading for every monitor."""
    try:
        names = [spec.id for spec in monitors_of(system)]
    except Exception:
        log.exception("the monitors of system %s cannot be listed", system.pk)
        names = [ALL_MONITORS]
    try:
        with transaction.atomic():
            now = timezone.now()
            for name in names:
                _record_error(system, name, error, now=now)
    except Exception:
        # Nothing more can be written: the log holds both exceptions.
        log.exception("the error readings of system %s could not be stored", system.pk)


def _error_message(monitor: str, error: Exception) -> LocalizedText:
    # The exception's type only: its text may quote the records (personal data).
    kind = type(error).__name__
    return LocalizedText(
        zh=f"监测项 {monitor} 无法判断本批决策（{kind}），请查看平台日志。",
        en=f"Monitor {monitor} could not judge the batch ({kind}); see the platform's log.",
    )


def _record_error(
    system: AISystem, monitor: str, error: Exception, *, now: datetime
) -> MonitorReadingRecord:
    """Store an ``error`` reading of ``monitor`` and open (or raise) its alert."""
    message = _error_message(monitor, error).to_json()
    row = MonitorReadingRecord.objects.create(
        system=system,
        monitor=monitor,
        status=MonitorStatus.ERROR,
        value=None,
        threshold=None,
        action="",
        message=message,
        window_end=now,
    )
    _open_alert(system, monitor, MonitorStatus.ERROR, row, message)
    return row


def _record(system: AISystem, decisions: list[Mapping[str, Any]]) -> list[MonitorReading]:
    counts, _created = MonitorCounts.objects.select_for_update().get_or_create(system=system)
    if not counts.protected:
        counts.protected = sorted({str(k) for r in decisions for k in r["attributes"]})
    if not counts.protected:
        return []
    now = timezone.now()
    selection = (
        RollingCounts.from_json(counts.selection)
        if counts.selection
        else RollingCounts(bucket_seconds=BUCKET_SECONDS)
    )
    outcomes = (
        RollingCounts.from_json(counts.outcomes)
        if counts.outcomes
        else RollingCounts(bucket_seconds=BUCKET_SECONDS)
    )
    new_selection, new_outcomes = count_decisions(decisions, protected=counts.protected)
    selection.add(now, new_selection)
    outcomes.add(now, new_outcomes)
    specs = monitors_of(system)
    longest = max(spec.window for spec in specs)
    selection.prune(before=now - longest)
    outcomes.prune(before=now - longest)
    counts.selection = selection.to_json()
    counts.outcomes = outcomes.to_json()
    counts.save()
    readings = []
    for spec in specs:
        try:
            reading = evaluate(
                spec,
                selection=selection.window(end=now, span=spec.window),
                outcomes=outcomes.window(end=now, span=spec.window),
                window_end=now,
            )
        except Exception as error:
            log.exception("monitor %s of system %s failed on a batch", spec.id, system.pk)
            _record_error(system, spec.id, error, now=now)
            continue
        readings.append(reading)
        row = MonitorReadingRecord.objects.create(
            system=system,
            monitor=reading.monitor,
            status=reading.status,
            value=reading.value,
            threshold=reading.threshold,
            action=reading.action or "",
            message=reading.message.to_json(),
            window_end=reading.window_end,
        )
        if reading.status in ("warn", "fail"):
            _alert(system, reading, row)
    return readings


def _open_alert(
    system: AISystem,
    monitor: str,
    severity: str,
    row: MonitorReadingRecord,
    message: dict[str, Any],
) -> MonitorAlert:
    """The monitor's unresolved alert, opened now or raised to ``severity`` if that is graver."""
    alert = (
        MonitorAlert.objects.select_for_update()
        .filter(
            system=system,
            monitor=monitor,
            status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED],
        )
        .first()
    )
    if alert is None:
        alert = MonitorAlert.objects.create(
            system=system, monitor=monitor, severity=severity, reading=row, message=message
        )
        announce(AlertOpened(system_id=system.pk, alert_id=alert.pk))
    elif SEVERITY_RANK.get(severity, 0) > SEVERITY_RANK.get(alert.severity, 0):
        alert.severity = severity
        alert.reading = row
        alert.message = message
        alert.save(update_fields=["severity", "reading", "message"])
    return alert


def _alert(system: AISystem, reading: MonitorReading, row: MonitorReadingRecord) -> None:
    alert = _open_alert(system, reading.monitor, reading.status, row, reading.message.to_json())
    if reading.status == "fail":
        # A failure is an incident; a `pause` monitor also hands decisions to people.
        state = _pause(system, reading) if reading.action == "pause" else None
        _open_incident(system, reading, alert, switch_state=state)


def _failure_reason(reading: MonitorReading) -> str:
    return f"Monitor {reading.monitor} failed: {reading.message.get('en')}"[:REASON_LIMIT]


def _pause(system: AISystem, reading: MonitorReading) -> str:
    switch = switch_set(
        actor=None, system=system, state=SwitchState.PAUSED, reason=_failure_reason(reading)
    )
    return str(switch.state)


def _open_incident(
    system: AISystem, reading: MonitorReading, alert: MonitorAlert, *, switch_state: str | None
) -> None:
    """One open incident per alert, recorded in the platform ledger."""
    if alert.incidents.filter(status=IncidentStatus.OPEN).exists():
        return
    incident = Incident.objects.create(system=system, alert=alert, summary=_failure_reason(reading))
    announce(IncidentOpened(system_id=system.pk, incident_id=incident.pk))
    ledger_record_action(
        actor=None,
        kind="incident_opened",
        subject=incident,
        payload={
            "monitor": reading.monitor,
            "alert": alert.pk,
            "value": reading.value,
            "threshold": reading.threshold,
            "switch": switch_state,
        },
    )


# --- reads ------------------------------------------------------------------------------------


def can_handle_alerts(user: User | AnonymousUser, system: AISystem) -> bool:
    return bool(roles_over(user, system) & set(MONITOR_ROLES))


def latest_readings(system: AISystem, *, history: int = 20) -> list[dict[str, Any]]:
    """Per monitor: its latest reading and the values of its recent ones (oldest first)."""
    out = []
    for spec in monitors_of(system):
        rows = list(
            MonitorReadingRecord.objects.filter(system=system, monitor=spec.id).order_by("-id")[
                :history
            ]
        )
        out.append(
            {
                "spec": spec,
                "latest": rows[0] if rows else None,
                "name": spec.name.get(get_language()),
                "message": localized(rows[0].message) if rows else "",
                "history": [r.value for r in reversed(rows)],
            }
        )
    return out


def sparkline(values: Sequence[float | None], *, width: int = 120, height: int = 24) -> str:
    """The ``points`` of an SVG polyline of ``values`` (gaps skipped); empty when none."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if not known:
        return ""
    low = min(v for _i, v in known)
    high = max(v for _i, v in known)
    span = (high - low) or 1.0
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in known
    )


def localized(message: Any) -> str:
    """A stored bilingual message in the active language."""
    try:
        return LocalizedText.from_json(message).get(get_language())
    except (TypeError, ValueError):
        return ""


THRESHOLD_FIELDS = {
    "warn_below": gettext_lazy("warn below"),
    "fail_below": gettext_lazy("fail below"),
    "warn_above": gettext_lazy("warn above"),
    "fail_above": gettext_lazy("fail above"),
    "min_group_size": gettext_lazy("smallest group"),
    "min_rows": gettext_lazy("fewest decisions"),
    "window_minutes": gettext_lazy("window (minutes)"),
    "pause": gettext_lazy("pause on failure"),
}
"""The fields of a playbook's per-monitor threshold, as a person reads them."""


def monitor_name(monitor: str) -> str:
    """A monitor's id (``error_rate``) → its name in the active language; else the id."""
    if monitor == ALL_MONITORS:
        return _("every monitor")
    for spec in load_monitors():
        if spec.id == monitor:
            return spec.name.get(get_language())
    return monitor


def threshold_name(key: str) -> str:
    """A playbook threshold (``error_rate_fail_above``) → ``决策错误率 · 未通过阈值（高于）``."""
    for field, label in THRESHOLD_FIELDS.items():
        if key.endswith("_" + field):
            return f"{monitor_name(key[: -len(field) - 1])} · {label}"
    return key


def incident_title(incident: Incident) -> str:
    """An incident's title in the active language, from its alert's monitor and message
    (the stored English ``summary`` is the ledger's and the API's record)."""
    alert = incident.alert
    if alert is None or not localized(alert.message):
        return incident.summary
    return _("Monitor %(name)s failed: %(message)s") % {
        "name": monitor_name(alert.monitor),
        "message": localized(alert.message),
    }


def alerts_of(system: AISystem, *, unresolved: bool = False) -> QuerySet[MonitorAlert]:
    rows = MonitorAlert.objects.filter(system=system)
    if unresolved:
        rows = rows.filter(status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED])
    return rows


def incidents_of(system: AISystem, *, open_only: bool = False) -> QuerySet[Incident]:
    rows = Incident.objects.filter(system=system)
    return rows.filter(status=IncidentStatus.OPEN) if open_only else rows


# --- people's actions -----------------------------------------------------------------------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": [_("A reason has at most 2000 characters.")]})
    reject_nul(reason, "reason")
    return reason


@transaction.atomic
def monitor_alert_handle(
    *, actor: User, system: AISystem, alert_id: int, action: str, reason: str
) -> MonitorAlert:
    """Acknowledge (``acknowledge``) or resolve (``resolve``) an alert of ``system``."""
    if not can_handle_alerts(actor, system):
        raise PermissionDenied(_("You cannot handle the alerts of this system."))
    alert = MonitorAlert.objects.select_for_update().filter(pk=alert_id, system=system).first()
    if alert is None:
        raise Http404
    reason = _reason(reason)
    now = timezone.now()
    if action == "acknowledge":
        if alert.status != AlertStatus.OPEN:
            raise ValidationError(_("Only an open alert can be acknowledged."))
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by, alert.acknowledged_at = actor, now
    elif action == "resolve":
        if alert.status == AlertStatus.RESOLVED:
            raise ValidationError(_("The alert is already resolved."))
        alert.status = AlertStatus.RESOLVED
        alert.resolved_by, alert.resolved_at = actor, now
    else:
        raise ValidationError(_("Acknowledge or resolve."))
    alert.reason = reason
    alert.save()
    ledger_record_action(
        actor=actor,
        kind=f"alert_{'acknowledged' if action == 'acknowledge' else 'resolved'}",
        subject=alert,
        payload={"monitor": alert.monitor, "severity": alert.severity, "reason": reason},
    )
    return alert


@transaction.atomic
def incident_close(*, actor: User, system: AISystem, incident_id: int, reason: str) -> Incident:
    """Close an incident of ``system``; resuming the switch is a separate, deliberate act."""
    if not can_handle_alerts(actor, system):
        raise PermissionDenied(_("You cannot close the incidents of this system."))
    incident = Incident.objects.select_for_update().filter(pk=incident_id, system=system).first()
    if incident is None:
        raise Http404
    reason = _reason(reason)
    if incident.status == IncidentStatus.CLOSED:
        raise ValidationError(_("The incident is already closed."))
    incident.status = IncidentStatus.CLOSED
    incident.closed_by, incident.closed_at, incident.reason = actor, timezone.now(), reason
    incident.save()
    ledger_record_action(
        actor=actor,
        kind="incident_closed",
        subject=incident,
        payload={"alert": incident.alert_id, "reason": reason},
    )
    return incident
