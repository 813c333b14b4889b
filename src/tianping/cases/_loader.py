"""Reading the case file strictly: YAML against a JSON Schema, then cross-checks.

The schema fixes every field and its vocabulary; the cross-checks add what a
schema cannot say: ids are unique, principles and articles exist in the
Norms (:mod:`tianping.norms`), each case's AIID URL names its incident, and
each source is an HTTPS URL.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from tianping import yamlsafe
from tianping.cases._models import (
    AFFECTED_GROUPS,
    HARMS,
    LICENCES,
    REGIONS,
    RISK_CATEGORIES,
    SECTORS,
    SEVERITIES,
    SYSTEM_TYPES,
    Case,
    CaseError,
    Provenance,
)
from tianping.norms import load_catalogue
from tianping.text import LocalizedText

DATA_FILE = Path(__file__).parent / "data" / "cases.yaml"
"""The shipped cases."""

MAX_CASE_FILE_BYTES = 8 << 20
"""The largest case file read."""

AIID_CITE = "https://incidentdatabase.ai/cite/{id}"
"""Where the AIID shows an incident."""

ERR_FILE = LocalizedText(zh="案例文件无效：{detail}", en="invalid case file: {detail}")
ERR_TOO_LARGE = LocalizedText(
    zh="案例文件有 {size} 字节，最多读取 {limit} 字节",
    en="the case file has {size} bytes; at most {limit} are read",
)
ERR_DUPLICATE = LocalizedText(zh="案例编号 {id} 重复", en="case id {id} appears twice")
ERR_PRINCIPLE = LocalizedText(
    zh="案例 {id}：《伦理规范》中没有原则 {value}",
    en="case {id}: the Norms have no principle {value}",
)
ERR_ARTICLE = LocalizedText(
    zh="案例 {id}：《伦理规范》中没有第 {value} 条",
    en="case {id}: the Norms have no article {value}",
)
ERR_URL = LocalizedText(
    zh="案例 {id}：来源链接 {value} 与 AIID 事件编号不符",
    en="case {id}: the source URL {value} does not name its AIID incident",
)
ERR_DATE = LocalizedText(zh="案例 {id}：日期 {value} 无效", en="case {id}: invalid date {value}")

_TEXT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["zh", "en"],
    "properties": {
        "zh": {"type": "string", "minLength": 1, "maxLength": 2000},
        "en": {"type": "string", "minLength": 1, "maxLength": 2000},
    },
}


def _codes(vocabulary: dict[str, LocalizedText]) -> dict[str, Any]:
    return {"enum": sorted(vocabulary)}


def _code_list(vocabulary: dict[str, LocalizedText]) -> dict[str, Any]:
    return {"type": "array", "minItems": 1, "uniqueItems": True, "items": _codes(vocabulary)}


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "snapshot", "cases"],
    "properties": {
        "version": {"const": 1},
        "snapshot": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "mirror", "file", "commit", "licence"],
            "properties": {
                "name": {"type": "string"},
                "mirror": {"type": "string"},
                "file": {"type": "string"},
                "commit": {"type": "string", "pattern": "^[0-9a-f]{40}$"},
                "licence": {"enum": sorted(LICENCES)},
            },
        },
        "cases": {
            "type": "array",
            "maxItems": 200_000,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "id",
                    "title",
                    "summary",
                    "date",
                    "sector",
                    "region",
                    "system_type",
                    "risk_category",
                    "severity",
                    "harms",
                    "affected_groups",
                    "principles",
                    "articles",
                    "sources",
                    "provenance",
                ],
                "properties": {
                    "id": {"type": "string", "pattern": "^[A-Z]+-[0-9]{1,9}$"},
                    "title": _TEXT,
                    "summary": _TEXT,
                    "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                    "sector": _codes(SECTORS),
                    "region": _codes(REGIONS),
                    "system_type": _codes(SYSTEM_TYPES),
                    "risk_category": _codes(RISK_CATEGORIES),
                    "severity": _codes(SEVERITIES),
                    "harms": _code_list(HARMS),
                    "affected_groups": _code_list(AFFECTED_GROUPS),
                    "principles": {
                        "type": "array",
                        "minItems": 1,
                        "uniqueItems": True,
                        "items": {"type": "string"},
                    },
                    "articles": {
                        "type": "array",
                        "minItems": 1,
                        "uniqueItems": True,
                        "items": {"type": "integer", "minimum": 1, "maximum": 99},
                    },
                    "remediation": _TEXT,
                    "sources": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "pattern": "^https://[^\\s]+$"},
                    },
                    "provenance": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": [
                            "source",
                            "aiid_incident",
                            "url",
                            "aiid_title",
                            "licence",
                            "verified",
                        ],
                        "properties": {
                            "source": {"const": "aiid"},
                            "aiid_incident": {"type": "integer", "minimum": 1},
                            "url": {"type": "string"},
                            "aiid_title": {"type": "string", "minLength": 1},
                            "licence": {"enum": sorted(LICENCES)},
                            "verified": {
                                "type": "string",
                                "pattern": "^verified against the AIID snapshot [0-9a-f]{40}$",
                            },
                        },
                    },
                },
            },
        },
    },
}
"""The case file's JSON Schema (draft 2020-12)."""

_ID = re.compile(r"[0-9]+")


def _text(data: dict[str, str] | None) -> LocalizedText | None:
    return None if data is None else LocalizedText(zh=data["zh"], en=data["en"])


def _case(entry: dict[str, Any], principles: frozenset[str], articles: frozenset[int]) -> Case:
    case_id = entry["id"]
    for value in entry["principles"]:
        if value not in principles:
            raise CaseError(ERR_PRINCIPLE, params={"id": case_id, "value": value})
    for value in entry["articles"]:
        if value not in articles:
            raise CaseError(ERR_ARTICLE, params={"id": case_id, "value": value})
    prov = entry["provenance"]
    cite = AIID_CITE.format(id=prov["aiid_incident"])
    if prov["url"] != cite or cite not in entry["sources"]:
        raise CaseError(ERR_URL, params={"id": case_id, "value": prov["url"]})
    try:
        date = dt.date.fromisoformat(entry["date"])
    except ValueError as exc:
        raise CaseError(ERR_DATE, params={"id": case_id, "value": entry["date"]}) from exc
    title = _text(entry["title"])
    summary = _text(entry["summary"])
    assert title is not None and summary is not None  # required by the schema
    return Case(
        id=case_id,
        title=title,
        summary=summary,
        date=date,
        sector=entry["sector"],
        region=entry["region"],
        system_type=entry["system_type"],
        risk_category=entry["risk_category"],
        severity=entry["severity"],
        harms=tuple(entry["harms"]),
        affected_groups=tuple(entry["affected_groups"]),
        principles=tuple(entry["principles"]),
        articles=tuple(entry["articles"]),
        remediation=_text(entry.get("remediation")),
        sources=tuple(entry["sources"]),
        provenance=Provenance(
            source=prov["source"],
            aiid_incident=prov["aiid_incident"],
            url=prov["url"],
            aiid_title=prov["aiid_title"],
            licence=prov["licence"],
            verified=prov["verified"],
        ),
    )


def parse_cases(text: str | bytes, *, source: str = "<cases>") -> tuple[Case, ...]:
    """The cases of a case document; any problem is a :class:`CaseError` naming it."""
    try:
        document = yamlsafe.load(text, source=source, schema=SCHEMA, dates_as_text=True)
    except yamlsafe.DataFileError as exc:
        raise CaseError(ERR_FILE, params={"detail": str(exc)}) from exc
    catalogue = load_catalogue()
    principles = frozenset(p.id for p in catalogue.principles)
    articles = frozenset(a.number for a in catalogue.articles)
    cases: list[Case] = []
    seen: set[str] = set()
    for entry in document["cases"]:
        if entry["id"] in seen:
            raise CaseError(ERR_DUPLICATE, params={"id": entry["id"]})
        seen.add(entry["id"])
        cases.append(_case(entry, principles, articles))
    return tuple(cases)


def read_cases(path: str | Path) -> tuple[Case, ...]:
    """The cases of a case file (UTF-8 YAML, at most :data:`MAX_CASE_FILE_BYTES`)."""
    target = Path(path)
    try:
        size = target.stat().st_size
        if size > MAX_CASE_FILE_BYTES:
            raise CaseError(ERR_TOO_LARGE, params={"size": size, "limit": MAX_CASE_FILE_BYTES})
        data = target.read_bytes()
    except OSError as exc:
        raise CaseError(ERR_FILE, params={"detail": f"{path}: {exc.strerror}"}) from exc
    return parse_cases(data, source=str(path))


@lru_cache(maxsize=1)
def load_cases() -> tuple[Case, ...]:
    """The shipped cases (``data/cases.yaml``), read once."""
    return read_cases(DATA_FILE)
