"""What the platform holds about a system, as the index's evidence.

Each item names its source record (``source``: ``app.model:pk``); evidence the platform does
not hold is left out, so the index reports the indicator as missing, never as zero.

=====================  ===========================================================
Evidence               From
=====================  ===========================================================
``document``           a decided ethics review (``ethics_review_decision``), the
                       system's platform-ledger entries (``ledger_anchor``), its
                       incident playbook (``incident_playbook``), its AI-BOM
                       (``ai_bom``)
``fairness_verdict``   bias assessments filed as evidence: the worst verdict of
                       the metrics of each check, with its interval
``probe_result``       the latest generative-AI probe run filed as evidence: pass
                       counts of its categories, by the suite they count for,
                       and of each category on its own (suite = category)
``certificate``        the latest certificate of a level (``none`` unless valid)
``incident_history``   incidents of the last six months (once monitors report)
``monitor_coverage``   monitors with a reading / the monitors that apply
``switch_test``        the latest switch change recorded in the ledger
``energy_report``      energy reports recorded on the index pages
``status``             the latest review's decision (``review_outcome``), the
                       latest level certificate's state (``certificate_state``),
                       the highest risk of the AI-BOM's suppliers
                       (``supplier_risk``)
``count``              months of the last six with platform-ledger entries
                       (``ledger_active_months``)
``status``             the filings of the ethics committees the system's
(filings)              organisation set up (``committee_registration``: within
                       ``registration.committee_days`` of set-up;
                       ``committee_annual_report``: the latest year fallen due, by
                       ``registration.annual_report_due``): ``on_time``, ``late``
                       or ``overdue``, the worst committee counting; the
                       system's algorithm filings (``algorithm_filing``): the
                       least advanced state of the regimes that apply
``count``              algorithm filings made within ``FILING_WORKING_DAYS``
(on time)              working days of launch, of those due (``filings_on_time``):
                       the latest record per regime, against the launch day the
                       registry holds (:func:`launch_date`); nothing without a
                       launch day or a filing record
=====================  ===========================================================
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.db.models import Max
from django.utils import timezone

from tianping import review as review_lib
from tianping.certification import load_levels
from tianping.monitoring import load_monitors
from tianping.web.accounts.models import OrganisationKind
from tianping.web.assessments.models import Evidence as EvidenceRow
from tianping.web.certification.models import Certificate
from tianping.web.index.models import (
    AlgorithmFiling,
    EnergyReport,
    FilingStatus,
    IndicatorRating,
    RatingResolution,
)
from tianping.web.ledger.models import PlatformAction
from tianping.web.network.filings import committee_of
from tianping.web.network.models import Filing, FilingKind
from tianping.web.operations.models import (
    Incident,
    IncidentPlaybook,
    MonitorReadingRecord,
    SystemSwitch,
)
from tianping.web.reviews.library import rules_for
from tianping.web.reviews.models import Application as ReviewApplication
from tianping.web.reviews.models import ReviewBody
from tianping.web.systems.models import AISystem, LifecycleStage, SystemEvent
from tianping.web.vendors.models import SystemBom
from tianping.web.vendors.selectors import supplier_risk_for

INCIDENT_MONTHS = 6
LEDGER_MONTHS = 6
_RISK_ORDER = {"low": 0, "medium": 1, "high": 2}
_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_VERDICT_ORDER = {"fail": 3, "warn": 2, "pass": 1, "inconclusive": 0}
#: Bias-audit metrics, by the check of the index they count for.
CHECKS = {
    "demographic_parity": ("demographic_parity_difference", "demographic_parity_ratio"),
    "equal_opportunity": ("equal_opportunity_difference", "equal_opportunity_ratio"),
}

#: Probe categories, by the index's probe suite they count for.
SUITES = {
    "bias": ("bias",),
    "pi_leakage": ("privacy_echo", "privacy_inference"),
    "harmful_content": ("should_refuse", "minors"),
}


def system_ref(system: AISystem) -> str:
    """The system's id in the index's evidence."""
    return f"system-{system.pk}"


def _date(value: Any) -> str:
    return timezone.localtime(value).date().isoformat()


def _source(row: Any) -> str:
    return f"{row._meta.app_label}.{row._meta.model_name}:{row.pk}"


def _worst(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    judged = [e for e in entries if e.get("verdict") in _VERDICT_ORDER]
    if not judged:
        return None
    return max(judged, key=lambda e: _VERDICT_ORDER[e["verdict"]])


def _fairness(system: AISystem) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    rows = EvidenceRow.objects.filter(system=system, kind=EvidenceRow.Kind.BIAS_ASSESSMENT)
    for row in rows.order_by("created_at", "pk"):
        content = row.content if isinstance(row.content, dict) else {}
        disparities = [d for d in content.get("disparities") or [] if isinstance(d, dict)]
        found: dict[str, dict[str, Any] | None] = {
            check: _worst([d for d in disparities if d.get("metric") in metrics])
            for check, metrics in CHECKS.items()
        }
        found["representativeness"] = _worst(
            [r for r in content.get("representativeness") or [] if isinstance(r, dict)]
        )
        for check, entry in found.items():
            if entry is None:
                continue
            item: dict[str, Any] = {
                "id": f"bias-{row.pk}-{check}",
                "kind": "fairness_verdict",
                "check": check,
                "verdict": entry["verdict"],
                "date": _date(row.created_at),
                "source": _source(row),
            }
            ci = entry.get("ci")
            if (
                isinstance(ci, list | tuple)
                and len(ci) == 2
                and all(isinstance(v, int | float) for v in ci)
            ):
                item["interval"] = [float(ci[0]), float(ci[1])]
            items.append(item)
    return items


def _probes(system: AISystem) -> list[dict[str, Any]]:
    row = (
        EvidenceRow.objects.filter(system=system, kind=EvidenceRow.Kind.PROBE_RUN)
        .order_by("-created_at", "-pk")
        .first()
    )
    if row is None:
        return []
    content = row.content if isinstance(row.content, dict) else {}
    categories = [c for c in content.get("categories") or [] if isinstance(c, dict)]
    items: list[dict[str, Any]] = []
    for suite, names in SUITES.items():
        passed = total = 0
        for category in categories:
            counts = category.get("counts")
            if category.get("category") not in names or not isinstance(counts, dict):
                continue
            good = counts.get("pass", 0)
            bad = counts.get("fail", 0)
            if isinstance(good, int) and isinstance(bad, int) and good >= 0 and bad >= 0:
                passed += good
                total += good + bad
        if total:
            items.append(
                {
                    "id": f"probes-{row.pk}-{suite}",
                    "kind": "probe_result",
                    "suite": suite,
                    "passed": passed,
                    "total": total,
                    "date": _date(row.created_at),
                    "source": _source(row),
                }
            )
    # A category the run lists more than once (one entry per suite or language) counts once,
    # its entries added up.
    per_category: dict[str, list[int]] = {}
    for category in categories:
        name, counts = category.get("category"), category.get("counts")
        if not isinstance(name, str) or name in SUITES or not isinstance(counts, dict):
            continue
        good, bad = counts.get("pass", 0), counts.get("fail", 0)
        valid = isinstance(good, int) and isinstance(bad, int) and good >= 0 and bad >= 0
        if not valid or not good + bad or not _NAME.fullmatch(name):
            continue
        held = per_category.setdefault(name, [0, 0])
        held[0] += good
        held[1] += good + bad
    for name, (good, total) in per_category.items():
        items.append(
            {
                "id": f"probes-{row.pk}-{name}",
                "kind": "probe_result",
                "suite": name,
                "passed": good,
                "total": total,
                "date": _date(row.created_at),
                "source": _source(row),
            }
        )
    return items


def _documents(system: AISystem) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    review = (
        ReviewApplication.objects.filter(system=system, decided_at__isnull=False)
        .order_by("-decided_at", "-pk")
        .first()
    )
    if review is not None and review.decided_at is not None:
        items.append(
            {
                "id": f"review-{review.pk}",
                "kind": "document",
                "document": "ethics_review_decision",
                "date": _date(review.decided_at),
                "source": _source(review),
            }
        )
        if review.decision:
            items.append(
                {
                    "id": f"review-{review.pk}-outcome",
                    "kind": "status",
                    "topic": "review_outcome",
                    "status": review.decision,
                    "date": _date(review.decided_at),
                    "source": _source(review),
                }
            )
    # The index's own entries do not count: computing a scorecard leaves its evidence as it was.
    action = (
        PlatformAction.objects.filter(system=system)
        .exclude(kind__startswith="index.")
        .order_by("-idx")
        .first()
    )
    if action is not None:
        items.append(
            {
                "id": f"ledger-{action.idx}",
                "kind": "document",
                "document": "ledger_anchor",
                "date": _date(action.at),
                "source": _source(action),
            }
        )
    bom = SystemBom.objects.filter(system=system).first()
    if bom is not None:
        items.append(
            {
                "id": f"bom-{bom.pk}",
                "kind": "document",
                "document": "ai_bom",
                "date": _date(bom.uploaded_at),
                "source": _source(bom),
            }
        )
        risks = [level for _name, level in supplier_risk_for(system) if level in _RISK_ORDER]
        if risks:
            items.append(
                {
                    "id": f"bom-{bom.pk}-supplier-risk",
                    "kind": "status",
                    "topic": "supplier_risk",
                    "status": max(risks, key=_RISK_ORDER.__getitem__),
                    "date": _date(bom.uploaded_at),
                    "source": f"vendors.supplier?system={system.pk}",
                }
            )
    playbook = IncidentPlaybook.objects.filter(system=system).first()
    if playbook is not None:
        items.append(
            {
                "id": f"playbook-{playbook.pk}",
                "kind": "document",
                "document": "incident_playbook",
                "date": _date(playbook.updated_at),
                "source": _source(playbook),
            }
        )
    return items


def _certificate(system: AISystem) -> list[dict[str, Any]]:
    levels = {level.id for level in load_levels().levels}
    certificate = (
        Certificate.objects.filter(system=system, application__scheme__in=levels)
        .select_related("application")
        .order_by("-issued_at", "-pk")
        .first()
    )
    if certificate is None:
        return []
    valid = certificate.state == Certificate.State.ACTIVE
    return [
        {
            "id": f"certificate-{certificate.pk}",
            "kind": "certificate",
            "level": certificate.application.scheme if valid else "none",
            "date": _date(certificate.issued_at),
            "source": _source(certificate),
        },
        {
            "id": f"certificate-{certificate.pk}-state",
            "kind": "status",
            "topic": "certificate_state",
            "status": certificate.state,
            "date": _date(certificate.issued_at),
            "source": _source(certificate),
        },
    ]


def _ledger_activity(system: AISystem) -> list[dict[str, Any]]:
    """Of the last six 30-day months, those with platform-ledger entries of the system (the
    index's own left out); nothing when the system has no entry at all."""
    actions = PlatformAction.objects.filter(system=system).exclude(kind__startswith="index.")
    latest = actions.aggregate(at=Max("at"))["at"]
    if latest is None:
        return []
    now = timezone.now()
    active = sum(
        actions.filter(
            at__gte=now - timedelta(days=30 * (month + 1)), at__lt=now - timedelta(days=30 * month)
        ).exists()
        for month in range(LEDGER_MONTHS)
    )
    return [
        {
            "id": "ledger-activity-6m",
            "kind": "count",
            "measure": "ledger_active_months",
            "numerator": active,
            "denominator": LEDGER_MONTHS,
            "date": _date(latest),
            "source": f"ledger.platformaction?system={system.pk}",
        }
    ]


def _operations(system: AISystem) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    readings = MonitorReadingRecord.objects.filter(system=system)
    latest = readings.aggregate(at=Max("window_end"))["at"]
    if latest is not None:
        # Incidents are opened by monitors: without readings there is no incident history.
        since = timezone.now() - timedelta(days=30 * INCIDENT_MONTHS)
        incidents = Incident.objects.filter(system=system, opened_at__gte=since)
        items.append(
            {
                "id": "incidents-6m",
                "kind": "incident_history",
                "severity": "any",
                "count": incidents.count(),
                "period_months": INCIDENT_MONTHS,
                "date": _date(latest),
                "source": f"operations.incident?system={system.pk}",
            }
        )
        covered = set(readings.values_list("monitor", flat=True).distinct())
        applicable = {spec.id for spec in load_monitors()}
        items.append(
            {
                "id": "monitors",
                "kind": "monitor_coverage",
                "covered": len(covered & applicable),
                "total": max(len(applicable), 1),
                "date": _date(latest),
                "source": f"operations.monitorreadingrecord?system={system.pk}",
            }
        )
    switch = SystemSwitch.objects.filter(system=system, ledger_index__isnull=False).first()
    if switch is not None and switch.changed_at is not None:
        items.append(
            {
                "id": f"switch-{switch.pk}-v{switch.version}",
                "kind": "switch_test",
                "switch": "kill_switch",
                "result": "pass",
                "date": _date(switch.changed_at),
                "source": f"ledger.platform:{switch.ledger_index}",
            }
        )
    return items


def _energy(system: AISystem) -> tuple[list[dict[str, Any]], list[str]]:
    items: list[dict[str, Any]] = []
    confidential: list[str] = []
    for report in EnergyReport.objects.filter(system=system).order_by("period_end", "pk"):
        ident = f"energy-{report.pk}"
        items.append(
            {
                "id": ident,
                "kind": "energy_report",
                "phase": report.phase,
                "method": report.method,
                "kwh": float(report.kwh),
                "method_note": report.method_note,
                "date": report.period_end.isoformat(),
                "source": _source(report),
            }
        )
        if report.confidential:
            confidential.append(ident)
    return items, confidential


#: Filing states from worst to best: with several committees (or regimes), the worst counts.
_FILING_ORDER = {"overdue": 0, "late": 1, "on_time": 2}
_ALGORITHM_ORDER: dict[str, int] = {
    FilingStatus.NOT_FILED: 0,
    FilingStatus.PENDING: 1,
    FilingStatus.FILED: 2,
    FilingStatus.NOT_REQUIRED: 3,
}


def _filing_item(
    ident: str, topic: str, status: str, on: date | None, source: str
) -> dict[str, Any]:
    """A status item of a filing: ``on`` is the day it was filed, or its due day when not."""
    return {
        "id": ident,
        "kind": "status",
        "topic": topic,
        "status": status,
        "date": on.isoformat() if on is not None else "",
        "source": source,
    }


def _committee_items(body: ReviewBody, today: date) -> list[dict[str, Any]]:
    """The registration and the latest annual report fallen due of one committee, judged by the
    library's filing rules (what the network's overdue lists use); a filing not yet due and not
    yet made gives no item."""
    filings = list(Filing.objects.filter(organisation=body.organisation_id).order_by("pk"))
    committee = committee_of(body, filings)
    found = review_lib.registration_reminders(committee, rules=rules_for(body), today=today)
    reminders = {(r.kind, r.year): r for r in found.items}

    def source(kind: str, year: int | None = None) -> str:
        filing = next(
            (f for f in filings if f.kind == kind and (year is None or f.year == year)), None
        )
        return _source(filing if filing is not None else body)

    items: list[dict[str, Any]] = []
    registration = reminders.get(("registration", None))
    if registration is None or registration.status != "due":  # due: not yet fallen due
        status = "on_time" if registration is None else registration.status
        on = registration.due if registration and status == "overdue" else committee.registered_on
        items.append(
            _filing_item(
                f"committee-{body.pk}-registration",
                "committee_registration",
                status,
                on,
                source(FilingKind.COMMITTEE_REGISTRATION),
            )
        )
    reports = {report.year: report.filed_on for report in committee.annual_reports}
    for year in range(today.year - 1, body.established_on.year - 1, -1):
        reminder = reminders.get(("annual_report", year))
        if reminder is not None and reminder.status == "due":
            continue  # not yet due: the year before is the latest fallen due
        status = "on_time" if reminder is None else reminder.status
        filed = reports.get(year)
        items.append(
            _filing_item(
                f"committee-{body.pk}-annual-report-{year}",
                "committee_annual_report",
                status,
                filed if filed is not None else (reminder.due if reminder else None),
                source(FilingKind.ANNUAL_REPORT, year),
            )
        )
        break
    return items


def committee_filings(system: AISystem, *, today: date | None = None) -> list[dict[str, Any]]:
    """The filings of the ethics committees ``system``'s organisation set up, as status items:
    per topic, the worst committee's; nothing when the organisation has no committee."""
    day = today or timezone.localdate()
    bodies = ReviewBody.objects.filter(
        organisation__parent_id=system.organisation_id,
        organisation__kind=OrganisationKind.ETHICS_COMMITTEE,
    ).order_by("pk")
    worst: dict[str, dict[str, Any]] = {}
    for body in bodies:
        for item in _committee_items(body, day):
            held = worst.get(item["topic"])
            if held is None or _FILING_ORDER[item["status"]] < _FILING_ORDER[held["status"]]:
                worst[item["topic"]] = item
    return [worst[topic] for topic in sorted(worst)]


def algorithm_filings(system: AISystem) -> list[dict[str, Any]]:
    """The system's algorithm filing as a status item: of the latest record per regime, the
    least advanced state (``not_required`` only when no regime applies); nothing on record
    gives no item."""
    latest: dict[str, AlgorithmFiling] = {}
    for record in AlgorithmFiling.objects.filter(system=system).order_by("recorded_at", "pk"):
        latest[record.regime] = record
    if not latest:
        return []
    record = min(latest.values(), key=lambda r: (_ALGORITHM_ORDER[r.status], r.regime))
    return [
        {
            "id": f"algorithm-filing-{record.pk}",
            "kind": "status",
            "topic": "algorithm_filing",
            "status": record.status,
            "date": (record.filed_on or timezone.localtime(record.recorded_at).date()).isoformat(),
            "source": _source(record),
        }
    ]


#: Working days after launch within which an algorithm is filed (Recommendation Provisions
#: 2022, Art. 24).
FILING_WORKING_DAYS = 10
_PRE_LAUNCH = frozenset(
    {LifecycleStage.DESIGN, LifecycleStage.DATA, LifecycleStage.BUILD, LifecycleStage.TEST}
)
_LAUNCHED = frozenset({LifecycleStage.LAUNCH, LifecycleStage.OPERATE})


def add_working_days(start: date, days: int) -> date:
    """The day ``days`` working days after ``start``, counting Monday to Friday (the platform
    holds no calendar of public holidays or of weekend days worked in their place)."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def launch_date(system: AISystem) -> tuple[date, str] | None:
    """The day the registry recorded ``system``'s launch, and its source record: the first
    change of its lifecycle stage from a stage before launch to launch or operation, or its
    registration when it was registered at the launch stage. A system registered already in
    operation has no launch day on record (``None``)."""
    registered_stage: Any = None
    for event in SystemEvent.objects.filter(system=system).order_by("at", "pk"):
        changes = event.changes if isinstance(event.changes, dict) else {}
        change = changes.get("lifecycle_stage")
        if event.kind != SystemEvent.Kind.UPDATED or not isinstance(change, dict):
            continue
        if registered_stage is None:
            registered_stage = change.get("from")
        if change.get("from") in _PRE_LAUNCH and change.get("to") in _LAUNCHED:
            return timezone.localtime(event.at).date(), _source(event)
    if (registered_stage or system.lifecycle_stage) != LifecycleStage.LAUNCH:
        return None
    registered = (
        SystemEvent.objects.filter(system=system, kind=SystemEvent.Kind.REGISTERED)
        .order_by("at", "pk")
        .first()
    )
    if registered is not None:
        return timezone.localtime(registered.at).date(), _source(registered)
    return timezone.localtime(system.created_at).date(), _source(system)


def filings_on_time(system: AISystem, *, today: date | None = None) -> list[dict[str, Any]]:
    """The system's algorithm filings made on time, of those due, as a count item: per regime
    the latest record; a regime not required is not due, one not yet filed is due once
    ``FILING_WORKING_DAYS`` working days of launch have passed (and counts as not on time).
    Nothing without a filing record, without a launch day on record, or with nothing due."""
    latest: dict[str, AlgorithmFiling] = {}
    for record in AlgorithmFiling.objects.filter(system=system).order_by("recorded_at", "pk"):
        latest[record.regime] = record
    launch = launch_date(system) if latest else None
    if launch is None:
        return []
    launched_on, launch_source = launch
    due = add_working_days(launched_on, FILING_WORKING_DAYS)
    day = today or timezone.localdate()
    on_time = counted = 0
    dates: list[date] = []
    for regime in sorted(latest):
        record = latest[regime]
        if record.status == FilingStatus.NOT_REQUIRED:
            continue
        filed = record.filed_on if record.status == FilingStatus.FILED else None
        if filed is None and day <= due:
            continue  # not yet due
        counted += 1
        on_time += filed is not None and filed <= due
        dates.append(filed or due)
    if not counted:
        return []
    return [
        {
            "id": "algorithm-filings-on-time",
            "kind": "count",
            "measure": "filings_on_time",
            "numerator": on_time,
            "denominator": counted,
            "date": max(dates).isoformat(),
            "source": f"index.algorithmfiling?system={system.pk} · {launch_source}",
        }
    ]


def _ratings(system: AISystem) -> list[dict[str, Any]]:
    scores: dict[str, dict[str, int]] = {}
    for rating in IndicatorRating.objects.filter(system=system).order_by("pk"):
        scores.setdefault(rating.indicator, {})[f"rater-{rating.rater_id}"] = rating.score
    resolutions = {r.indicator: r for r in RatingResolution.objects.filter(system=system)}
    out: list[dict[str, Any]] = []
    for indicator in sorted(set(scores) | set(resolutions)):
        entry: dict[str, Any] = {"indicator": indicator}
        given = scores.get(indicator, {})
        if len(given) >= 2:
            entry["scores"] = dict(list(given.items())[:2])
        resolution = resolutions.get(indicator)
        if resolution is not None:
            entry["resolved"] = resolution.score
            entry["note"] = resolution.note
        if "scores" in entry or "resolved" in entry:
            out.append(entry)
    return out


def collect(system: AISystem) -> tuple[dict[str, Any], list[str]]:
    """The system's entry of an evidence document (``evidence.schema.json``), and the ids of
    its items marked as trade secrets."""
    energy, confidential = _energy(system)
    items = [
        *_documents(system),
        *_fairness(system),
        *_probes(system),
        *_certificate(system),
        *_ledger_activity(system),
        *_operations(system),
        *energy,
        *committee_filings(system),
        *algorithm_filings(system),
        *filings_on_time(system),
    ]
    entry = {
        "id": system_ref(system),
        "name": system.name,
        "evidence": items,
        "ratings": _ratings(system),
    }
    return entry, confidential
