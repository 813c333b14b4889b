"""Table profiles: per column, which personal data it holds, how much, and its PIPL class.

A profile scans every cell of a table once (column by column, with the column
name as context) and reports, per column, the entity mix, the share of rows
holding personal data, the PIPL class (``sensitive`` / ``high-risk`` /
``ordinary`` / ``none``, from ``data/pipl.yaml``: the entities found, the
sensitive categories the column's name points to, and minors), and the rows
of children under 14 (from birth dates and resident ID numbers; PIPL Art. 28
makes all their personal information sensitive). A profile *finds indications*;
it does not show that a table holds no personal data.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tianping.charts import ChartBar, Tone, interval_chart
from tianping.notebook import FrameColumns, build_frame, html_figure, html_result, html_table
from tianping.privacy._detectors import PiplClass, load_pipl_classes
from tianping.privacy._errors import PrivacyDataError
from tianping.privacy._inputs import SNIFF_BYTES, sniff_encoding
from tianping.privacy._messages import (
    ERR_PATH_NOT_FOUND,
    ERR_UNREADABLE,
    ERR_UNSUPPORTED_TABLE,
    NOTEBOOK_FACTS,
    NOTEBOOK_PROFILE,
    NOTEBOOK_PROFILE_CHART,
    render,
)
from tianping.privacy._scanner import (
    DEFAULT_MIN_CONFIDENCE,
    Scanner,
    error_reason,
    iter_column_batches,
)
from tianping.privacy._tables import TableStats, iter_table, table_errors, table_format
from tianping.text import DEFAULT_LANGUAGE, LocalizedText, normalise_language

PROFILE_FORMAT = "tianping.privacy.profile"
PROFILE_VERSION = 1


@functools.cache
def _pipl() -> dict[str, Any]:
    return load_pipl_classes()


def pipl_rank(cls: str) -> int:
    """The strictness rank of a PIPL class (``sensitive`` 3 … ``none`` 0)."""
    return int(_pipl()["classes"][cls]["rank"])


def pipl_label(cls: str) -> LocalizedText:
    """The bilingual name of a PIPL class."""
    return LocalizedText.from_json(_pipl()["classes"][cls]["label"])


def column_hints(column: str) -> tuple[str, ...]:
    """Sensitive categories a column's name points to (``诊断`` → ``medical_health``)."""
    name = column.lower()
    return tuple(
        category
        for category, spec in _pipl()["column_hints"].items()
        if any(str(word).lower() in name for word in spec["words"])
    )


def _strictest(classes: Iterable[str]) -> PiplClass:
    best: PiplClass = "none"
    for cls in classes:
        if pipl_rank(cls) > pipl_rank(best):
            best = cls  # type: ignore[assignment]
    return best


#: The chart colour of a column by its PIPL class (the strictest red).
PIPL_TONES: dict[str, Tone] = {
    "sensitive": "fail",
    "high-risk": "warn",
    "ordinary": "neutral",
    "none": "muted",
}


def entity_counts(counts: Mapping[str, int]) -> str:
    """``cn_mobile: 3, email: 1``: counts by entity, as one table cell (``""`` for none)."""
    return ", ".join(f"{entity}: {n}" for entity, n in counts.items())


@dataclass(frozen=True)
class ColumnProfile:
    """What one column holds.

    Attributes
    ----------
    rows, non_null
        Rows in the table, and rows where this column has a value.
    rows_with_findings, share
        Rows where this column holds personal data, and their share of ``rows``.
    entities
        Rows with each entity (a row with two phone numbers counts once).
    hints
        Sensitive categories the column's name points to.
    minors
        Rows whose birth date or resident ID shows a child under 14.
    pipl_class, reasons
        The strictest class, and why (``entity:bank_card``, ``hint:medical_health``,
        ``minors``).
    """

    column: str
    rows: int
    non_null: int
    rows_with_findings: int
    entities: Mapping[str, int]
    hints: tuple[str, ...]
    minors: int
    pipl_class: PiplClass
    reasons: tuple[str, ...]

    @property
    def share(self) -> float:
        return self.rows_with_findings / self.rows if self.rows else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "rows": self.rows,
            "non_null": self.non_null,
            "rows_with_findings": self.rows_with_findings,
            "share": round(self.share, 6),
            "entities": dict(self.entities),
            "hints": list(self.hints),
            "minors": self.minors,
            "pipl_class": self.pipl_class,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class TableProfile:
    """A table's columns profiled, and the table's class (its strictest column's)."""

    path: str
    rows: int
    columns: tuple[ColumnProfile, ...]
    rows_with_findings: int
    minor_rows: int
    bad_rows: int
    as_of: date

    @property
    def pipl_class(self) -> PiplClass:
        return _strictest(c.pipl_class for c in self.columns)

    @property
    def minors(self) -> bool:
        """Whether any row shows a child under 14 (all its personal data is then sensitive)."""
        return self.minor_rows > 0

    def column(self, name: str) -> ColumnProfile:
        return next(c for c in self.columns if c.column == name)

    def to_json(self, language: str | None = "en") -> dict[str, Any]:
        """The profile as JSON (``docs/privacy.md``, *Table profile*)."""
        return {
            "format": PROFILE_FORMAT,
            "version": PROFILE_VERSION,
            "path": self.path,
            "as_of": self.as_of.isoformat(),
            "rows": self.rows,
            "bad_rows": self.bad_rows,
            "rows_with_findings": self.rows_with_findings,
            "share": round(self.rows_with_findings / self.rows, 6) if self.rows else 0.0,
            "minors": self.minors,
            "minor_rows": self.minor_rows,
            "pipl_class": self.pipl_class,
            "pipl_label": pipl_label(self.pipl_class).get(language),
            "columns": [c.to_json() for c in self.columns],
        }

    def _frame_columns(self) -> FrameColumns:
        cs = self.columns
        return [
            ("column", "str", [c.column for c in cs]),
            ("pipl_class", "str", [c.pipl_class for c in cs]),
            ("rows", "int", [c.rows for c in cs]),
            ("non_null", "int", [c.non_null for c in cs]),
            ("rows_with_findings", "int", [c.rows_with_findings for c in cs]),
            ("share", "float", [c.share for c in cs]),
            ("minors", "int", [c.minors for c in cs]),
            ("entities", "str", [entity_counts(c.entities) for c in cs]),
            ("hints", "str", [", ".join(c.hints) for c in cs]),
        ]

    def to_frame(self, *, backend: str | None = None) -> Any:
        """The profile as a frame, one row per column of the table; counts only, never a value.

        Columns: ``column`` (its name), ``pipl_class`` (``sensitive``,
        ``high-risk``, ``ordinary`` or ``none``), ``rows``, ``non_null``,
        ``rows_with_findings`` and ``share`` (of ``rows``), ``minors`` (rows of
        children under 14), ``entities`` (rows by kind of personal data,
        ``"cn_mobile: 3, email: 1"``) and ``hints`` (sensitive categories the
        column's name points to). ``backend``: ``"pandas"`` (default),
        ``"polars"`` or ``"pyarrow"`` (:func:`tianping.notebook.resolve_backend`).
        """
        return build_frame(self._frame_columns(), backend=backend)

    def to_html(self, *, language: str | None = DEFAULT_LANGUAGE) -> str:
        """The profile for a notebook: its class and counts, a chart of shares, the column table."""
        lang = normalise_language(language)
        facts = [
            (NOTEBOOK_FACTS[key].get(lang), value)
            for key, value in (
                ("rows", self.rows),
                ("rows_with_findings", self.rows_with_findings),
                ("minor_rows", self.minor_rows),
                ("as_of", self.as_of.isoformat()),
            )
        ]
        parts = []
        if self.columns:
            bars = [
                ChartBar(c.column, c.share, tone=PIPL_TONES.get(c.pipl_class, "neutral"))
                for c in self.columns
            ]
            title = NOTEBOOK_PROFILE_CHART.get(lang)
            parts.append(html_figure(interval_chart(bars, title=title), title))
        columns = self._frame_columns()
        parts.append(
            html_table(
                [name for name, _, _ in columns],
                list(zip(*(values for _, _, values in columns), strict=True)),
            )
        )
        label = pipl_label(self.pipl_class).get(lang)
        return html_result(render(NOTEBOOK_PROFILE, lang, {"pipl_class": label}), facts, *parts)

    def _repr_html_(self) -> str:
        """What Jupyter shows: :meth:`to_html`."""
        return self.to_html()


def _batches_of(
    data: Any, path: str | None, stats: TableStats
) -> tuple[str, Iterable[tuple[str, int, list[str | None]]]]:
    if isinstance(data, str | os.PathLike):
        file = Path(data)
        if not file.is_file():
            raise PrivacyDataError(ERR_PATH_NOT_FOUND, params={"path": str(file)})
        fmt = table_format(file.name)
        if fmt is None:
            raise PrivacyDataError(ERR_UNSUPPORTED_TABLE, params={"path": str(file)})
        encoding = "utf-8"
        if fmt != "parquet":
            with open(file, "rb") as handle:
                head = handle.read(SNIFF_BYTES)
            found, reason = sniff_encoding(head, complete=len(head) < SNIFF_BYTES)
            if found is None:
                raise PrivacyDataError(
                    ERR_UNREADABLE, params={"path": str(file), "reason": str(reason)}
                )
            encoding = "utf-8" if found == "utf-8-sig" else found
        return str(file), iter_table(str(file), fmt, encoding=encoding, stats=stats)
    return path or "<table>", iter_column_batches(data)


def profile_table(
    data: Any,
    *,
    path: str | None = None,
    scanner: Scanner | None = None,
    entities: Sequence[str] | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    as_of: date | None = None,
) -> TableProfile:
    """Profile a table: a CSV / TSV / JSON Lines / Parquet file, or a dataframe (narwhals).

    Examples
    --------
    >>> profile = profile_table({"name": ["张三", "李四"], "id": ["11010519491231002X", None]})
    >>> profile.column("id").pipl_class, profile.column("id").entities
    ('high-risk', {'cn_resident_id': 1})
    >>> profile.pipl_class, profile.rows
    ('high-risk', 2)
    """
    scanner = scanner or Scanner(entities=entities, min_confidence=min_confidence, as_of=as_of)
    stats = TableStats()
    name, batches = _batches_of(data, path, stats)
    order: list[str] = []
    non_null: Counter[str] = Counter()
    rows_found: dict[str, set[int]] = {}
    entity_rows: dict[str, dict[str, set[int]]] = {}
    minor_rows: dict[str, set[int]] = {}
    total_rows = 0
    try:
        for column, first_row, cells in batches:
            if column not in rows_found:
                order.append(column)
                rows_found[column], entity_rows[column], minor_rows[column] = set(), {}, set()
            total_rows = max(total_rows, first_row + len(cells))
            non_null[column] += sum(1 for c in cells if c)
            for finding in scanner.scan_column(
                cells, column=column, path=name, first_row=first_row
            ):
                row = int(finding.row or 0)
                rows_found[column].add(row)
                entity_rows[column].setdefault(finding.entity, set()).add(row)
                if finding.minor:
                    minor_rows[column].add(row)
    except table_errors() as exc:
        raise PrivacyDataError(
            ERR_UNREADABLE, params={"path": name, "reason": error_reason(exc)}
        ) from exc
    total_rows = max(total_rows, stats.rows)
    classes = _pipl()["entities"]
    hint_specs = _pipl()["column_hints"]
    minors_class = _pipl()["minors"]["class"]
    profiles = []
    for column in order:
        found = {e: len(rows) for e, rows in sorted(entity_rows[column].items())}
        hints = column_hints(column)
        reasons = [f"entity:{e}" for e in found] + [f"hint:{h}" for h in hints]
        candidates = [classes.get(e, "ordinary") for e in found]
        candidates += [hint_specs[h]["class"] for h in hints]
        if minor_rows[column]:
            reasons.append("minors")
            candidates.append(minors_class)
        profiles.append(
            ColumnProfile(
                column=column,
                rows=total_rows,
                non_null=non_null[column],
                rows_with_findings=len(rows_found[column]),
                entities=found,
                hints=hints,
                minors=len(minor_rows[column]),
                pipl_class=_strictest(candidates),
                reasons=tuple(reasons),
            )
        )
    any_rows = set().union(*rows_found.values()) if rows_found else set()
    any_minor = set().union(*minor_rows.values()) if minor_rows else set()
    return TableProfile(
        path=name,
        rows=total_rows,
        columns=tuple(profiles),
        rows_with_findings=len(any_rows),
        minor_rows=len(any_minor),
        bad_rows=stats.bad_rows,
        as_of=scanner.as_of,
    )


__all__ = [
    "PIPL_TONES",
    "PROFILE_FORMAT",
    "PROFILE_VERSION",
    "ColumnProfile",
    "TableProfile",
    "column_hints",
    "entity_counts",
    "pipl_label",
    "pipl_rank",
    "profile_table",
]
