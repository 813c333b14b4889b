"""The case export: CSV through :mod:`tianping.csvsafe` (the library's columns) and JSON."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from tianping import csvsafe
from tianping.cases import CSV_COLUMNS, LICENCES
from tianping.web.cases.models import CaseRecord

ATTRIBUTION = "AI Incident Database (https://incidentdatabase.ai), CC BY-SA 4.0"


def case_json(record: CaseRecord) -> dict[str, Any]:
    """One case as JSON, both languages of every text."""

    def both(name: str) -> dict[str, str] | None:
        zh, en = getattr(record, f"{name}_zh"), getattr(record, f"{name}_en")
        return {"zh-Hans": zh, "en": en} if (zh or en) else None

    return {
        "id": record.code,
        "origin": record.origin,
        "visibility": record.visibility,
        "title": both("title"),
        "summary": both("summary"),
        "date": record.date.isoformat(),
        "sector": record.sector,
        "region": record.region,
        "system_type": record.system_type,
        "risk_category": record.risk_category,
        "severity": record.severity,
        "harms": list(record.harms),
        "affected_groups": list(record.affected_groups),
        "principles": list(record.principles),
        "articles": list(record.articles),
        "remediation": both("remediation"),
        "sources": list(record.sources),
        "provenance": dict(record.provenance),
        "licence": record.licence,
    }


def cases_json(records: Iterable[CaseRecord]) -> dict[str, Any]:
    items = [case_json(record) for record in records]
    return {
        "count": len(items),
        "licences": sorted({item["licence"] for item in items if item["licence"]}),
        "attribution": ATTRIBUTION,
        "cases": items,
    }


def _row(record: CaseRecord) -> list[object]:
    def joined(values: Iterable[object]) -> str:
        return ";".join(str(v) for v in values)

    provenance = record.provenance or {}
    return [
        record.code, record.date.isoformat(), record.title_zh, record.title_en,
        record.summary_zh, record.summary_en, record.sector, record.region,
        record.system_type, record.risk_category, record.severity, joined(record.harms),
        joined(record.affected_groups), joined(record.principles), joined(record.articles),
        record.remediation_zh, record.remediation_en, joined(record.sources),
        provenance.get("source", record.origin), provenance.get("aiid_incident", ""),
        record.licence, LICENCES.get(record.licence, ""), provenance.get("verified", ""),
    ]  # fmt: skip


def cases_csv(records: Iterable[CaseRecord]) -> str:
    """The cases as CSV (a header, then one row per case; lists joined with ``;``)."""
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(_row(record))
    return out.getvalue()
