"""Scanning on Spark: partition-wise functions with one engine per executor process.

PySpark is optional; these functions take any iterator of rows (PySpark
``Row`` objects, mappings, or tuples in ``columns`` order), so they run under
``rdd.mapPartitions`` and are tested on plain Python iterators::

    from functools import partial
    import os
    from tianping.privacy import scan_partition

    salt = os.urandom(32)                     # one salt for the whole job
    findings = df.rdd.mapPartitions(
        partial(scan_partition, columns=df.columns, salt=salt, id_column="id")
    ).collect()

The :class:`~tianping.privacy.Scanner` (its compiled patterns) is built once per
executor process and reused by every partition and task that process runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from tianping.privacy._engine import EngineChoice
from tianping.privacy._scanner import DEFAULT_MIN_CONFIDENCE, Scanner, cell_text

_SCANNERS: dict[tuple[Any, ...], Scanner] = {}


def executor_scanner(
    *,
    salt: bytes,
    entities: Sequence[str] | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    engine: EngineChoice = "auto",
    as_of: date | None = None,
) -> Scanner:
    """The scanner of this process for these settings, built on first use and then reused."""
    key = (salt, None if entities is None else tuple(entities), min_confidence, engine, as_of)
    scanner = _SCANNERS.get(key)
    if scanner is None:
        scanner = Scanner(
            entities=entities, salt=salt, min_confidence=min_confidence, engine=engine, as_of=as_of
        )
        _SCANNERS[key] = scanner
    return scanner


def _value(row: Any, column: str, index: int) -> Any:
    if isinstance(row, Mapping):
        return row.get(column)
    as_dict = getattr(row, "asDict", None)
    if callable(as_dict):
        return as_dict().get(column)
    return row[index]


def _batches(
    rows: Iterable[Any], columns: Sequence[str], id_column: str | None, size: int
) -> Iterator[tuple[int, list[Any], dict[str, list[str | None]]]]:
    first = 0
    ids: list[Any] = []
    cells: dict[str, list[str | None]] = {c: [] for c in columns}
    for row in rows:
        for i, column in enumerate(columns):
            cells[column].append(cell_text(_value(row, column, i)))
        ids.append(None if id_column is None else _value(row, id_column, -1))
        if len(ids) >= size:
            yield first, ids, cells
            first += len(ids)
            ids, cells = [], {c: [] for c in columns}
    if ids:
        yield first, ids, cells


def scan_partition(
    rows: Iterable[Any],
    *,
    columns: Sequence[str],
    salt: bytes,
    id_column: str | None = None,
    entities: Sequence[str] | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    engine: EngineChoice = "auto",
    as_of: date | None = None,
    batch_rows: int = 4096,
) -> Iterator[dict[str, Any]]:
    """Findings in one partition's rows, as JSON-ready dicts (no raw values).

    Each dict is :meth:`Finding.to_json` with ``row`` the row's index within the
    partition and ``id`` the value of ``id_column`` (when given), so findings can
    be traced back across partitions. Pass the same ``salt`` to every partition.
    """
    scanner = executor_scanner(
        salt=salt, entities=entities, min_confidence=min_confidence, engine=engine, as_of=as_of
    )
    for first, ids, cells in _batches(rows, columns, id_column, batch_rows):
        found = []
        for column in columns:
            found.extend(
                scanner.scan_column(cells[column], column=column, path="spark", first_row=first)
            )
        found.sort(key=lambda f: (f.row or 0, columns.index(f.column or columns[0]), f.start))
        for finding in found:
            record = finding.to_json()
            record["id"] = ids[(finding.row or 0) - first]
            yield record


def count_partition(
    rows: Iterable[Any],
    *,
    columns: Sequence[str],
    salt: bytes,
    entities: Sequence[str] | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    engine: EngineChoice = "auto",
    batch_rows: int = 4096,
) -> Iterator[dict[str, Any]]:
    """Per column of one partition: rows, rows with findings, rows per entity (addable).

    Sum the dicts of all partitions by column (:func:`merge_counts`) for a profile.
    """
    scanner = executor_scanner(
        salt=salt, entities=entities, min_confidence=min_confidence, engine=engine
    )
    totals: dict[str, dict[str, Any]] = {
        c: {"column": c, "rows": 0, "rows_with_findings": 0, "entities": {}} for c in columns
    }
    for _first, ids, cells in _batches(rows, columns, None, batch_rows):
        for column in columns:
            found = scanner.scan_column(cells[column], column=column, path="spark")
            total = totals[column]
            total["rows"] += len(ids)
            total["rows_with_findings"] += len({f.row for f in found})
            per_entity: dict[str, set[int | None]] = {}
            for finding in found:
                per_entity.setdefault(finding.entity, set()).add(finding.row)
            for entity, hit_rows in per_entity.items():
                total["entities"][entity] = total["entities"].get(entity, 0) + len(hit_rows)
    yield from totals.values()


def merge_counts(parts: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Add up :func:`count_partition` dicts by column."""
    merged: dict[str, dict[str, Any]] = {}
    for part in parts:
        column = str(part["column"])
        into = merged.setdefault(
            column, {"column": column, "rows": 0, "rows_with_findings": 0, "entities": {}}
        )
        into["rows"] += int(part["rows"])
        into["rows_with_findings"] += int(part["rows_with_findings"])
        for entity, n in part["entities"].items():
            into["entities"][entity] = into["entities"].get(entity, 0) + int(n)
    return merged


__all__ = ["count_partition", "executor_scanner", "merge_counts", "scan_partition"]
