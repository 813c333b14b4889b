"""Monthly monitoring: per region (a city's or province's regulator) and month of a year.

Every figure is one SQL aggregate per source grouped by the organisation's path
and the month (``TruncMonth`` in the platform's zone); the grouped rows (at most
organisations × months) are then added up into regions by path prefix, so no
per-row Python loop runs over reviews, reports or recipients:

- ``reviews``: applications decided in the month, by procedure and by decision;
- ``expert_reviews``: expert re-reviews concluded in the month, against the
  pilot's target of :data:`EXPERT_RE_REVIEW_TARGET` per province (seed 000);
- ``certificates``: certificates issued, counted from the platform ledger's index
  (``certification.certificate_issued`` in ``PlatformAction``): certification sits
  in the same layer as the network and is not imported;
- ``risk_reports``: reports filed (``risk_reports_by_category``: by risk category);
  ``cases_contributed``: reports of the region published as cases in the month
  (through the reverse relation ``case_consent`` that the case database keeps on
  a report: the cases app sits above the network and is not imported);
  ``warnings``: warning rows received by the
  region's organisations, and how many of them were acknowledged;
- ``late_filings``: filings due in the month and filed after their due day, plus
  those still open past it (computed from the filing rules).
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tianping import csvsafe
from tianping.web.accounts.models import Organisation
from tianping.web.core.timezones import platform_zone
from tianping.web.ledger.models import PlatformAction
from tianping.web.network.filings import obligations
from tianping.web.network.models import Filing, ReportStatus, RiskReport, WarningRecipient
from tianping.web.reviews.models import Application, ExpertReview, ReviewBody

EXPERT_RE_REVIEW_TARGET = 3
"""Expert re-reviews each province runs during the pilot (seed 000: at least 3)."""

CERTIFICATE_ISSUED = "certification.certificate_issued"
COLUMNS = (
    "region_id",
    "region",
    "month",
    "reviews",
    "reviews_by_procedure",
    "reviews_by_decision",
    "expert_reviews",
    "certificates",
    "risk_reports",
    "warnings_received",
    "warnings_acknowledged",
    "late_filings",
    "risk_reports_by_category",
    "cases_contributed",
)


def _months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def _month_key(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value, platform_zone()) if timezone.is_aware(value) else value
    return f"{value.year}-{value.month:02d}"


def _span(year: int) -> tuple[datetime, datetime]:
    zone = platform_zone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


class _Regions:
    """Maps an organisation's path to the region (of those given) that contains it."""

    def __init__(self, regions: Sequence[Organisation]) -> None:
        self.by_path = {r.path: r for r in regions}

    def of(self, path: str) -> Organisation | None:
        parts = [p for p in path.split("/") if p]
        for i in range(len(parts), 0, -1):
            found = self.by_path.get("/" + "/".join(parts[:i]) + "/")
            if found is not None:
                return found
        return None

    def within(self) -> Q:
        query = Q(pk__in=[])
        for path in self.by_path:
            query |= Q(path__startswith=path)
        return query


def _paths(regions: _Regions) -> list[str]:
    return list(
        Organisation.objects.filter(regions.within()).values_list("path", flat=True).distinct()
    )


def monthly(regions: Iterable[Organisation], year: int) -> list[dict[str, Any]]:
    """One row per region and month of ``year`` (see the module's figures)."""
    chosen = list(regions)
    mapper = _Regions(chosen)
    start, end = _span(year)
    zone = platform_zone()
    table: dict[tuple[int, str], dict[str, Any]] = {}
    for region in chosen:
        for month in _months(year):
            table[(region.pk, month)] = {
                "region_id": region.pk,
                "region": region.name,
                "month": month,
                "reviews": 0,
                "reviews_by_procedure": defaultdict(int),
                "reviews_by_decision": defaultdict(int),
                "expert_reviews": 0,
                "certificates": 0,
                "risk_reports": 0,
                "risk_reports_by_category": defaultdict(int),
                "cases_contributed": 0,
                "warnings_received": 0,
                "warnings_acknowledged": 0,
                "late_filings": 0,
            }
    paths = _paths(mapper)

    def add(path: str, month_value: Any, field: str, n: int, sub: str | None = None) -> None:
        region = mapper.of(path)
        month = _month_key(month_value)
        row = table.get((region.pk, month)) if region is not None else None
        if row is None:
            return
        if sub is None:
            row[field] += n
        else:
            row[field][sub or "-"] += n

    def per_month(query: QuerySet[Any], path: str, when: str, *by: str, **counts: Any) -> Any:
        """``query``'s rows whose organisation (``path``) is in the regions and whose ``when``
        falls in the year, counted (``n``, and ``counts``) per path, month and ``by``."""
        return (
            query.filter(**{f"{path}__in": paths, f"{when}__gte": start, f"{when}__lt": end})
            .annotate(month=TruncMonth(when, tzinfo=zone))
            .values(path, "month", *by)
            .annotate(n=Count("pk"), **counts)
        )

    reviews = per_month(
        Application.objects.all(), "organisation__path", "decided_at", "procedure", "decision"
    )
    for rv in reviews:
        add(rv["organisation__path"], rv["month"], "reviews", rv["n"])
        add(rv["organisation__path"], rv["month"], "reviews_by_procedure", rv["n"], rv["procedure"])
        add(rv["organisation__path"], rv["month"], "reviews_by_decision", rv["n"], rv["decision"])
    expert = per_month(
        ExpertReview.objects.all(), "application__organisation__path", "concluded_at"
    )
    for ex in expert:
        add(ex["application__organisation__path"], ex["month"], "expert_reviews", ex["n"])
    certificates = per_month(
        PlatformAction.objects.filter(kind=CERTIFICATE_ISSUED), "system__organisation__path", "at"
    )
    for ce in certificates:
        add(ce["system__organisation__path"], ce["month"], "certificates", ce["n"])
    reports = per_month(
        RiskReport.objects.exclude(status=ReportStatus.DRAFT),
        "organisation__path",
        "filed_at",
        "category",
    )
    for rp in reports:
        add(rp["organisation__path"], rp["month"], "risk_reports", rp["n"])
        add(
            rp["organisation__path"],
            rp["month"],
            "risk_reports_by_category",
            rp["n"],
            rp["category"],
        )
    contributed = per_month(
        RiskReport.objects.all(), "organisation__path", "case_consent__consented_at"
    )
    for cc in contributed:
        add(cc["organisation__path"], cc["month"], "cases_contributed", cc["n"])
    received = per_month(
        WarningRecipient.objects.all(),
        "organisation__path",
        "warning__issued_at",
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
    )
    for wr in received:
        add(wr["organisation__path"], wr["month"], "warnings_received", wr["n"])
        add(wr["organisation__path"], wr["month"], "warnings_acknowledged", wr["acknowledged"])
    from_filings = (
        Filing.objects.filter(
            organisation__path__in=paths, due_on__year=year, filed_on__gt=F("due_on")
        )
        .annotate(month=TruncMonth("due_on"))
        .values("organisation__path", "month")
        .annotate(n=Count("pk"))
    )
    for lf in from_filings:
        add(lf["organisation__path"], lf["month"], "late_filings", lf["n"])
    # The bodies of every region in one query (not one per region).
    bodies = ReviewBody.objects.filter(organisation__path__in=paths).select_related("organisation")
    for item in obligations(bodies):
        if item.status == "overdue" and item.due_on.year == year:
            add(item.body.organisation.path, item.due_on, "late_filings", 1)
    rows = []
    for row in table.values():
        row["reviews_by_procedure"] = dict(sorted(row["reviews_by_procedure"].items()))
        row["reviews_by_decision"] = dict(sorted(row["reviews_by_decision"].items()))
        row["risk_reports_by_category"] = dict(sorted(row["risk_reports_by_category"].items()))
        rows.append(row)
    return rows


def regions_under(regulator: Organisation) -> list[Organisation]:
    """The regions a regulator compares: the centre its provinces, a province its cities,
    a city itself."""
    children = list(
        Organisation.objects.filter(
            parent=regulator,
            kind__in=["provincial_regulator", "municipal_regulator"],
        )
    )
    return children or [regulator]


def expert_target(rows: Iterable[dict[str, Any]]) -> dict[int, dict[str, int]]:
    """Per region: expert re-reviews in the year, the target and how many are missing."""
    done: dict[int, int] = defaultdict(int)
    for row in rows:
        done[row["region_id"]] += row["expert_reviews"]
    return {
        region: {
            "done": n,
            "target": EXPERT_RE_REVIEW_TARGET,
            "missing": max(0, EXPERT_RE_REVIEW_TARGET - n),
        }
        for region, n in done.items()
    }


def _flat(row: dict[str, Any]) -> list[object]:
    return [
        json.dumps(row[c], sort_keys=True) if isinstance(row[c], dict) else row[c] for c in COLUMNS
    ]


def as_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The rows as CSV (the shared writer); the by-procedure and by-decision cells as JSON."""
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_flat(row))
    return out.getvalue()
