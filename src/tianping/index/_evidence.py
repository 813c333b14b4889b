"""Reading an evidence document: size cap, strict YAML/JSON, schema, and checks against a spec."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tianping import yamlsafe
from tianping.index import _errors as msg
from tianping.index._errors import EvidenceError
from tianping.index._models import EvidenceItem, Rating, Specification, SystemEvidence
from tianping.index._spec import schema
from tianping.text import LocalizedText, localized

MAX_EVIDENCE_BYTES = 16 * 1024 * 1024
"""The largest evidence document read (16 MiB)."""

_ITEM_KEYS = ("id", "kind", "date", "sha256")


def item_hash(item: Mapping[str, Any]) -> str:
    """SHA-256 of the item's canonical JSON (sorted keys, UTF-8), without a ``sha256`` field.

    >>> item_hash({"id": "a", "kind": "document", "document": "model_card"})[:12]
    '1d5054e76777'
    """
    content = {k: v for k, v in item.items() if k != "sha256"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_evidence_file(
    path: str | Path, spec: Specification, *, max_bytes: int = MAX_EVIDENCE_BYTES
) -> tuple[SystemEvidence, ...]:
    """:func:`read_evidence` of a file; a file that cannot be read is an :class:`EvidenceError`."""
    source = str(path)
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise EvidenceError(
            msg.ERR_EVIDENCE_READ,
            hint=msg.HINT_EVIDENCE,
            params={"source": source, "problem": exc.strerror or str(exc)},
        ) from exc
    return read_evidence(data, spec, source=source, max_bytes=max_bytes)


def read_evidence(
    data: bytes,
    spec: Specification,
    *,
    source: str = "<input>",
    max_bytes: int = MAX_EVIDENCE_BYTES,
) -> tuple[SystemEvidence, ...]:
    """The systems of an evidence document (YAML or JSON, UTF-8), checked against ``spec``.

    Raises
    ------
    EvidenceError
        Too large, not UTF-8, not YAML, a duplicated key (with its line), a schema
        violation (with its path), a repeated system or evidence id, or a rating of
        an indicator that the specification does not score by raters.
    """
    if len(data) > max_bytes:
        raise EvidenceError(
            msg.ERR_EVIDENCE_TOO_LARGE,
            hint=msg.HINT_EVIDENCE,
            params={"source": source, "limit": max_bytes},
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvidenceError(
            msg.ERR_EVIDENCE_ENCODING,
            hint=msg.HINT_EVIDENCE,
            params={"source": source, "position": exc.start},
        ) from exc
    try:
        document = yamlsafe.load(text, source=source, schema=schema("evidence"), dates_as_text=True)
    except yamlsafe.DataFileError as exc:
        raise _invalid(source, LocalizedText(zh=exc.detail, en=exc.detail)) from exc
    return parse_evidence(document, spec, source=source)


def parse_evidence(
    document: Mapping[str, Any], spec: Specification, *, source: str = "<data>"
) -> tuple[SystemEvidence, ...]:
    """Systems from data that satisfies ``evidence.schema.json``, checked against ``spec``."""
    systems: list[SystemEvidence] = []
    seen: set[str] = set()
    for entry in document["systems"]:
        system = entry["id"]
        if system in seen:
            raise _invalid(source, localized(msg.PROBLEM_DUPLICATE_SYSTEM, id=system))
        seen.add(system)
        items = _items(entry.get("evidence", ()), system, source)
        ratings = _ratings(entry.get("ratings", ()), system, spec, source)
        systems.append(SystemEvidence(system, str(entry.get("name", system)), items, ratings))
    return tuple(systems)


def _items(
    entries: Sequence[Mapping[str, Any]], system: str, source: str
) -> tuple[EvidenceItem, ...]:
    items: list[EvidenceItem] = []
    ids: set[str] = set()
    for entry in entries:
        if entry["id"] in ids:
            raise _invalid(
                source, localized(msg.PROBLEM_DUPLICATE_EVIDENCE, id=entry["id"], system=system)
            )
        ids.add(entry["id"])
        fields = MappingProxyType({k: v for k, v in entry.items() if k not in _ITEM_KEYS})
        items.append(
            EvidenceItem(
                id=entry["id"],
                kind=entry["kind"],
                sha256=entry.get("sha256") or item_hash(entry),
                fields=fields,
                date=entry.get("date", ""),
            )
        )
    return tuple(items)


def _ratings(
    entries: Sequence[Mapping[str, Any]], system: str, spec: Specification, source: str
) -> tuple[Rating, ...]:
    ratings: list[Rating] = []
    for entry in entries:
        indicator = spec.indicator(entry["indicator"])
        ident = entry["indicator"]
        if indicator is None:
            problem = localized(
                msg.PROBLEM_UNKNOWN_INDICATOR, system=system, id=ident, version=spec.version
            )
            raise _invalid(source, problem)
        if indicator.rule.automatic:
            problem = localized(
                msg.PROBLEM_NOT_RATED, system=system, id=ident, rule=indicator.rule.kind
            )
            raise _invalid(source, problem)
        if any(r.indicator == ident for r in ratings):
            raise _invalid(source, localized(msg.PROBLEM_DUPLICATE_RATING, system=system, id=ident))
        scores = dict(entry.get("scores", {}))
        values = [*scores.values(), *([entry["resolved"]] if "resolved" in entry else [])]
        for value in values:
            if value > indicator.levels:
                problem = localized(
                    msg.PROBLEM_RATING_SCALE,
                    system=system,
                    id=ident,
                    value=value,
                    top=indicator.levels,
                )
                raise _invalid(source, problem)
        ratings.append(
            Rating(
                ident, MappingProxyType(scores), entry.get("resolved"), str(entry.get("note", ""))
            )
        )
    return tuple(ratings)


def _invalid(source: str, problem: LocalizedText) -> EvidenceError:
    return EvidenceError(
        msg.ERR_EVIDENCE_SYNTAX,
        hint=msg.HINT_EVIDENCE,
        params={"source": source, "problem": problem},
    )


def select_system(population: Sequence[SystemEvidence], system_id: str) -> SystemEvidence:
    """The system with this id; an :class:`EvidenceError` naming the known ones when absent."""
    for system in population:
        if system.system == system_id:
            return system
    raise EvidenceError(
        msg.ERR_NO_SYSTEM,
        hint=msg.HINT_NO_SYSTEM,
        params={"id": system_id, "known": ", ".join(s.system for s in population)},
    )


__all__ = [
    "MAX_EVIDENCE_BYTES",
    "item_hash",
    "parse_evidence",
    "read_evidence",
    "read_evidence_file",
    "select_system",
]
