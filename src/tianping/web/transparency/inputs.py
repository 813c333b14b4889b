"""The input of a system's transparency documents, from what the platform holds.

=========================  =============================================================
Input (docs/transparency.md)  From
=========================  =============================================================
``system``                 the registry: name, organisation, purpose, model version
                           (the accountable owner may be a person, so it is not copied:
                           the owner names a department in their fields)
``data_sources``           the registry's datasets (name and source)
``representativeness``     bias assessments filed as evidence (the fairness engine's
                           representativeness check)
``privacy``                privacy profiles filed as evidence: counts only
``metrics``                bias assessments' disparities with their intervals
``decision_volumes``       per-day decision counts (``operations.DecisionDayCount``),
                           summed by calendar month within the report's period
``alerts``, ``incidents``  monitor alerts and incidents opened within the period
``switch_changes``         switch changes recorded in the platform ledger
``assessments``            evidence filed within the period
``playbook``               the adopted incident playbook
=========================  =============================================================

Everything else is the owner's (:data:`OWNER_KEYS`), stored with each version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tianping.web.assessments.models import Evidence
from tianping.web.ledger.models import PlatformAction
from tianping.web.operations.models import (
    AlertStatus,
    DecisionDayCount,
    Incident,
    IncidentPlaybook,
    IncidentStatus,
    MonitorAlert,
)
from tianping.web.systems.models import AISystem
from tianping.web.transparency import selectors

#: What the owner may write, by top-level key; for ``system``, the keys the registry lacks.
OWNER_KEYS: Mapping[str, frozenset[str] | None] = {
    "system": frozenset(
        {
            "owner",
            "model_name",
            "approach",
            "task",
            "architecture",
            "inputs",
            "outputs",
            "languages",
            "users",
            "use_cases",
            "limitations",
            "ai_role",
            "generative",
            "opt_out",
            "human_contact",
        }
    ),
    "owner": None,
    "data_sources": None,
    "metrics": None,
    "model_changes": None,
    "complaints": None,
    "playbook": None,
}

LANGUAGES = ("zh-Hans", "en")
_ALERT = _("Monitor alert: {monitor}")
_INCIDENT = _("Incident")
_SWITCH = _("Switch changed")


def both(text: Any, **params: Any) -> dict[str, str]:
    """A translatable text in both languages of the documents."""
    out = {}
    for language in LANGUAGES:
        with translation.override(language):
            out[language] = str(text).format(**params) if params else str(text)
    return out


def _day(value: Any) -> str:
    return timezone.localtime(value).date().isoformat()


def _evidence(system: AISystem, kind: str) -> list[Evidence]:
    return list(Evidence.objects.filter(system=system, kind=kind).order_by("created_at", "pk"))


def _representativeness(rows: list[Evidence]) -> list[dict[str, Any]]:
    """The newest bias assessment's representativeness checks."""
    for row in reversed(rows):
        content = row.content if isinstance(row.content, dict) else {}
        checks = [c for c in content.get("representativeness") or [] if isinstance(c, dict)]
        if not checks:
            continue
        out = []
        for check in checks:
            groups = []
            for g in check.get("groups") or []:
                if not isinstance(g, dict):
                    continue
                attrs = g.get("attributes")
                if not isinstance(attrs, dict):
                    attrs = {}
                groups.append(
                    {
                        "group": ", ".join(f"{k}={v}" for k, v in sorted(attrs.items())),
                        "count": g.get("count"),
                        "observed_share": g.get("observed_share"),
                        "reference_share": g.get("reference_share"),
                        "under_represented": bool(g.get("under_represented")),
                    }
                )
            out.append(
                {
                    "attributes": [str(a) for a in check.get("attributes") or []],
                    "total_variation_distance": check.get("total_variation_distance"),
                    "tolerance": check.get("tolerance"),
                    "groups": groups,
                }
            )
        return out
    return []


def _metrics(rows: list[Evidence]) -> list[dict[str, Any]]:
    """The newest bias assessment's disparities, with their intervals."""
    for row in reversed(rows):
        content = row.content if isinstance(row.content, dict) else {}
        out = []
        for d in content.get("disparities") or []:
            if not isinstance(d, dict) or not isinstance(d.get("value"), int | float):
                continue
            metric: dict[str, Any] = {"name": str(d.get("metric")), "value": d["value"]}
            ci = d.get("ci")
            if (
                isinstance(ci, list)
                and len(ci) == 2
                and all(isinstance(v, int | float) for v in ci)
            ):
                metric["lower"], metric["upper"] = ci
            out.append(metric)
        if out:
            return out
    return []


def _privacy(rows: list[Evidence]) -> list[dict[str, Any]]:
    """Each dataset's newest privacy profile, as counts only (no finding, no example)."""
    newest: dict[str, dict[str, Any]] = {}
    for row in rows:
        content = row.content if isinstance(row.content, dict) else {}
        dataset = str(content.get("path") or row.title)
        entities: dict[str, int] = {}
        hints: set[str] = set()
        for column in content.get("columns") or []:
            if not isinstance(column, dict):
                continue
            for entity, count in (column.get("entities") or {}).items():
                if isinstance(count, int):
                    entities[str(entity)] = entities.get(str(entity), 0) + count
            hints.update(str(h) for h in column.get("hints") or [])
        newest[dataset] = {
            "dataset": dataset,
            "rows": content.get("rows") if isinstance(content.get("rows"), int) else None,
            "rows_with_findings": int(content.get("rows_with_findings") or 0),
            "minor_rows": int(content.get("minor_rows") or 0),
            "pipl_class": str(content.get("pipl_class") or "none"),
            "entities": dict(sorted(entities.items())),
            "sensitive_categories": sorted(hints),
        }
    return list(newest.values())


def decision_volumes(system: AISystem, start: date, end: date) -> list[dict[str, Any]]:
    """Decisions per calendar month within ``start``–``end``, summed from per-day counts."""
    totals: dict[date, int] = {}
    rows = DecisionDayCount.objects.filter(system=system, day__gte=start, day__lte=end)
    for day, count in rows.values_list("day", "count").iterator():
        month = day.replace(day=1)
        totals[month] = totals.get(month, 0) + count
    out = []
    for month, count in sorted(totals.items()):
        last = selectors.add_months(month, 1) - timedelta(days=1)
        first, until = max(month, start), min(last, end)
        out.append(
            {
                "start": first.isoformat(),
                "end": until.isoformat(),
                "count": count,
                "source": f"operations.decisiondaycount:system-{system.pk}:{first}..{until}",
            }
        )
    return out


def _events(
    rows: Any, *, ident: Callable[[Any], str], at: Callable[[Any], Any], **fields: Any
) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        event = {"id": ident(row), "at": _day(at(row))}
        event.update({key: make(row) for key, make in fields.items()})
        out.append(event)
    return out


def _period_filter(field: str, start: date, end: date) -> dict[str, Any]:
    return {f"{field}__date__gte": start, f"{field}__date__lte": end}


def _playbook(system: AISystem) -> dict[str, Any]:
    """The adopted playbook: who may pause, the takeover thresholds, the fallback path.

    Escalation contacts are not copied (they may name people); the owner lists the
    channels to publish."""
    book = IncidentPlaybook.objects.filter(system=system).first()
    if book is None:
        return {}
    out: dict[str, Any] = {}
    roles = book.switch_roles if isinstance(book.switch_roles, dict) else {}
    pausers = roles.get("paused") or roles.get("stopped") or []
    if isinstance(pausers, list) and pausers:
        out["pause_authority"] = ", ".join(str(r) for r in pausers)
    thresholds = book.takeover_thresholds if isinstance(book.takeover_thresholds, dict) else {}
    if thresholds:
        out["takeover_thresholds"] = [f"{k}: {v}" for k, v in sorted(thresholds.items())]
    return out


def platform_input(system: AISystem, *, today: date | None = None) -> dict[str, Any]:
    """What the platform holds about ``system``, in the library's input format."""
    today = today or timezone.localdate()
    start, end = selectors.report_period(system, today)
    bias = _evidence(system, Evidence.Kind.BIAS_ASSESSMENT)
    system_facts: dict[str, Any] = {
        "name": system.name,
        "organisation": system.organisation.name,
        "purpose": system.purpose,
    }
    if system.model_version:
        system_facts["model_version"] = system.model_version
    sources = [
        {"name": str(d.get("name")), "origin": str(d["source"])}
        if d.get("source")
        else {"name": str(d.get("name"))}
        for d in system.datasets or []
        if isinstance(d, dict) and d.get("name")
    ]
    alerts = MonitorAlert.objects.filter(system=system, **_period_filter("opened_at", start, end))
    incidents = Incident.objects.filter(system=system, **_period_filter("opened_at", start, end))
    switches = PlatformAction.objects.filter(
        system=system, kind="switch_changed", **_period_filter("at", start, end)
    )
    filed = Evidence.objects.filter(system=system, **_period_filter("created_at", start, end))
    return {
        "as_of": today.isoformat(),
        "system": system_facts,
        "data_sources": sources,
        "representativeness": _representativeness(bias),
        "privacy": _privacy(_evidence(system, Evidence.Kind.PRIVACY_PROFILE)),
        "metrics": _metrics(bias),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "decision_volumes": decision_volumes(system, start, end),
        "alerts": _events(
            alerts.order_by("opened_at", "pk"),
            ident=lambda a: f"operations.monitoralert:{a.pk}",
            at=lambda a: a.opened_at,
            kind=lambda a: a.monitor,
            summary=lambda a: both(_ALERT, monitor=a.monitor),
            resolved=lambda a: a.status == AlertStatus.RESOLVED,
        ),
        "incidents": _events(
            incidents.order_by("opened_at", "pk"),
            ident=lambda i: f"operations.incident:{i.pk}",
            at=lambda i: i.opened_at,
            kind=lambda i: "incident",
            summary=lambda i: i.summary or both(_INCIDENT),
            resolved=lambda i: i.status == IncidentStatus.CLOSED,
        ),
        "switch_changes": _events(
            switches.order_by("idx"),
            ident=lambda s: f"ledger.platformaction:{s.pk}",
            at=lambda s: s.at,
            kind=lambda s: "switch",
            summary=lambda s: both(_SWITCH),
        ),
        "assessments": _events(
            filed.order_by("created_at", "pk"),
            ident=lambda e: f"assessments.evidence:{e.pk}",
            at=lambda e: e.created_at,
            kind=lambda e: e.kind,
            summary=lambda e: both(Evidence.Kind(e.kind).label),
        ),
        "playbook": _playbook(system),
    }


def merged_input(
    system: AISystem, owner_fields: Mapping[str, Any], *, version: str, today: date | None = None
) -> dict[str, Any]:
    """The platform's input with the owner's fields laid over it (the registry's facts win)."""
    data = platform_input(system, today=today)
    data["version"] = version
    for key, value in owner_fields.items():
        if key == "system":
            data["system"] = {**value, **data["system"]}
        elif key == "data_sources":
            by_name = {s["name"]: s for s in data["data_sources"]}
            for source in value:
                name = source.get("name") if isinstance(source, dict) else None
                if name in by_name:
                    by_name[name].update(source)
                else:
                    data["data_sources"].append(source)
        elif key == "metrics":
            data["metrics"] = [*data["metrics"], *value]
        elif key == "playbook":
            data["playbook"] = {**data["playbook"], **value}
        else:
            data[key] = value
    return data
