"""Exporting cases: JSON (both languages, or one) and CSV through :mod:`tianping.csvsafe`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from tianping import csvsafe
from tianping.cases._models import LICENCES, Case

CSV_COLUMNS = (
    "id", "date", "title_zh", "title_en", "summary_zh", "summary_en", "sector", "region",
    "system_type", "risk_category", "severity", "harms", "affected_groups", "principles",
    "articles", "remediation_zh", "remediation_en", "sources", "source", "aiid_incident",
    "licence", "licence_url", "verified",
)  # fmt: skip
"""The CSV export's columns; lists are joined with ``;``."""


def cases_json(cases: Iterable[Case], language: str | None = None) -> dict[str, Any]:
    """The cases as one JSON document, with the licence they are shared under."""
    items = [case.to_json(language) for case in cases]
    return {
        "count": len(items),
        "licences": sorted({item["provenance"]["licence"] for item in items}),
        "attribution": "AI Incident Database (https://incidentdatabase.ai), CC BY-SA 4.0",
        "cases": items,
    }


def _row(case: Case) -> list[object]:
    def joined(values: Iterable[object]) -> str:
        return ";".join(str(v) for v in values)

    return [
        case.id, case.date.isoformat(), case.title.zh, case.title.en, case.summary.zh,
        case.summary.en, case.sector, case.region, case.system_type, case.risk_category,
        case.severity, joined(case.harms), joined(case.affected_groups), joined(case.principles),
        joined(case.articles), case.remediation.zh if case.remediation else "",
        case.remediation.en if case.remediation else "", joined(case.sources),
        case.provenance.source, case.provenance.aiid_incident, case.provenance.licence,
        LICENCES[case.provenance.licence], case.provenance.verified,
    ]  # fmt: skip


def write_cases_csv(cases: Iterable[Case], stream: IO[str]) -> int:
    """Write the cases as CSV to ``stream`` (formula-like cells neutralised); the row count."""
    writer = csvsafe.writer(stream)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for case in cases:
        writer.writerow(_row(case))
        count += 1
    return count
