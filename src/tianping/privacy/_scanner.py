"""The scanner: candidates from the engine, validated, weighed by context, resolved, masked.

For each candidate the scanner runs the validator (check digits, real dates …),
looks for context words on the same line (or in the column name of a table),
raises or lowers the confidence, drops what falls below ``min_confidence``,
settles overlaps — the higher priority wins, so an 18-digit string valid as a
resident ID is an ID and not a bank card; a candidate that fails one check
leaves the span free for the next — and returns :class:`Finding` objects that
hold a masked form and a salted hash, never the value.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import narwhals as nw

from tianping.privacy._checksums import VALIDATORS, age_on, birth_date_of
from tianping.privacy._detectors import DetectorSet, Entity, Pattern, load_detectors
from tianping.privacy._engine import Engine, EngineChoice, EngineName
from tianping.privacy._errors import PrivacyDataError, PrivacyError
from tianping.privacy._findings import (
    Finding,
    keyed_hash,
    mask_value,
    new_salt,
    normalise,
    salt_id,
)
from tianping.privacy._messages import ERR_BAD_PARAMETER, ERR_UNSUPPORTED_DATA

DEFAULT_MIN_CONFIDENCE = 0.5
"""Findings below this confidence are not reported (a pattern match with no support)."""

MINOR_AGE = 14
"""PIPL Art. 28 / 31: personal information of children under 14 is sensitive (pipl.yaml)."""

TABLE_BATCH_ROWS = 65_536
"""Rows of one column scanned in one pass (joined by newlines)."""


class Hit(NamedTuple):
    """A validated candidate before it becomes a finding (holds the raw value: never exported)."""

    entity: Entity
    pattern: Pattern
    start: int
    end: int
    confidence: float
    value: str


def _resolve(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits: by priority, then confidence, then length, then position."""
    if len(hits) < 2:
        return hits
    order = sorted(
        hits, key=lambda h: (-h.entity.priority, -h.confidence, h.start - h.end, h.start)
    )
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Hit] = []
    for hit in order:
        i = bisect.bisect_right(starts, hit.start)
        if i > 0 and ends[i - 1] > hit.start:
            continue
        if i < len(starts) and starts[i] < hit.end:
            continue
        starts.insert(i, hit.start)
        ends.insert(i, hit.end)
        kept.append(hit)
    kept.sort(key=lambda h: h.start)
    return kept


@dataclass(frozen=True)
class ColumnContext:
    """What a column's name says: entities it names, and entities it argues against."""

    named: frozenset[str]
    against: frozenset[str]


class Scanner:
    """Finds personal data in text and tables.

    Parameters
    ----------
    entities
        The entity names to look for (all by default).
    detectors
        The detector definitions (the shipped ones by default).
    engine
        ``"auto"`` (Hyperscan when installed), ``"hyperscan"`` or ``"re"``; both give
        the same findings.
    salt
        The key of the findings' hashes; a fresh random one per scanner by default.
        Pass the same salt to compare hashes across scans.
    min_confidence
        Findings below it are dropped.
    as_of
        The reference date for "a real, past birth date" and the minors flag (today).

    Examples
    --------
    >>> scanner = Scanner(salt=b"example salt")
    >>> [(f.entity, f.masked) for f in scanner.scan_text("身份证号11010519491231002X。")]
    [('cn_resident_id', '110*************2X')]
    """

    def __init__(
        self,
        *,
        entities: Iterable[str] | None = None,
        detectors: DetectorSet | None = None,
        engine: EngineChoice = "auto",
        salt: bytes | None = None,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        as_of: date | None = None,
    ) -> None:
        if not 0.0 <= min_confidence <= 1.0:
            raise PrivacyError(
                ERR_BAD_PARAMETER, params={"name": "min_confidence", "reason": "not in [0, 1]"}
            )
        self.detectors = (detectors or load_detectors()).select(
            None if entities is None else list(entities)
        )
        self.salt = new_salt() if salt is None else bytes(salt)
        self.min_confidence = min_confidence
        self.as_of = as_of or date.today()
        self.engine_choice: EngineChoice = engine
        patterns = self.detectors.patterns
        self._text_patterns = [p for p in patterns if "text" in p.scope]
        self._table_patterns = [p for p in patterns if "table" in p.scope]
        self._text_engine = Engine(self._text_patterns, engine)
        self._table_engine: Engine | None = None

    @property
    def engine(self) -> EngineName:
        """The engine in use: ``"hyperscan"`` or ``"re"``."""
        return self._text_engine.name

    @property
    def salt_id(self) -> str:
        """A public name of this scanner's salt (:func:`salt_id`)."""
        return salt_id(self.salt)

    def _table(self) -> Engine:
        if self._table_engine is None:
            self._table_engine = Engine(self._table_patterns, self.engine_choice)
        return self._table_engine

    # -- detection ------------------------------------------------------------------------------

    def hits(
        self,
        text: str,
        *,
        utf8: bytes | None = None,
        table: ColumnContext | None = None,
    ) -> list[Hit]:
        """Validated, weighed, non-overlapping hits in ``text`` (raw values: internal use)."""
        engine = self._text_engine if table is None else self._table()
        patterns = engine.patterns
        before, after = self.detectors.context_before, self.detectors.context_after
        entities = self.detectors.entities
        found: list[Hit] = []
        for candidate in engine.candidates(text, utf8):
            pattern = patterns[candidate.pattern]
            entity = entities[pattern.entity]
            s, e = candidate.start, candidate.end
            value = text[s:e]
            if pattern.validator and not VALIDATORS[pattern.validator](value, self.as_of):
                continue
            if table is not None and entity.name in table.named:
                context, against = True, False
            else:
                line_start = text.rfind("\n", max(0, s - before), s) + 1
                low = max(line_start, s - before)
                line_end = text.find("\n", e, e + after)
                high = min(len(text), e + after) if line_end < 0 else line_end
                window = (text[low:s] + " " + text[e:high]).lower()
                context = entity.has_context(window)
                against = not context and (
                    entity.has_negative_context(window)
                    or (table is not None and entity.name in table.against)
                )
            confidence = pattern.confidence
            if context:
                confidence = max(confidence, entity.context_confidence)
            elif pattern.requires_context:
                continue
            elif against and entity.negative_confidence is not None:
                confidence = min(confidence, entity.negative_confidence)
            if confidence < self.min_confidence:
                continue
            found.append(Hit(entity, pattern, s, e, confidence, value))
        return _resolve(found)

    def finding(self, hit: Hit, *, path: str, row: int | None = None, column: str | None = None,
                start: int | None = None, end: int | None = None) -> Finding:  # fmt: skip
        """The exportable form of ``hit``: masked, hashed, the raw value dropped."""
        entity = hit.entity
        birth = birth_date_of(entity.name, hit.value)
        return Finding(
            entity=entity.name,
            path=path,
            start=hit.start if start is None else start,
            end=hit.end if end is None else end,
            confidence=hit.confidence,
            masked=mask_value(entity.mask, hit.value),
            hash=keyed_hash(self.salt, entity.name, normalise(entity, hit.value)),
            row=row,
            column=column,
            minor=None if birth is None else age_on(birth, self.as_of) < MINOR_AGE,
            pattern=hit.pattern.id,
        )

    # -- text -----------------------------------------------------------------------------------

    def scan_text(
        self,
        text: str,
        *,
        path: str = "<text>",
        utf8: bytes | None = None,
        offset: int = 0,
    ) -> list[Finding]:
        """Findings in ``text``, at character offsets (plus ``offset``), in order."""
        return [
            self.finding(h, path=path, start=h.start + offset, end=h.end + offset)
            for h in self.hits(text, utf8=utf8)
        ]

    # -- tables ---------------------------------------------------------------------------------

    def column_context(self, column: str) -> ColumnContext:
        """The entities a column's name names (``手机号`` → ``cn_mobile``) or argues against."""
        name = column.lower().replace("_", " ")
        named = frozenset(n for n, e in self.detectors.entities.items() if e.has_context(name))
        against = frozenset(
            n for n, e in self.detectors.entities.items() if e.has_negative_context(name)
        )
        return ColumnContext(named=named - against, against=against)

    def scan_column(
        self,
        values: Sequence[str | None],
        *,
        column: str,
        path: str = "<table>",
        first_row: int = 0,
    ) -> list[Finding]:
        """Findings in one column's cells (``None`` for nulls); rows count from ``first_row``."""
        context = self.column_context(column)
        cells = ["" if v is None else v for v in values]
        starts: list[int] = []
        position = 0
        for cell in cells:
            starts.append(position)
            position += len(cell) + 1
        text = "\n".join(cells)
        out = []
        for hit in self.hits(text, table=context):
            row = bisect.bisect_right(starts, hit.start) - 1
            base = starts[row]
            out.append(
                self.finding(
                    hit,
                    path=path,
                    row=first_row + row,
                    column=column,
                    start=hit.start - base,
                    end=hit.end - base,
                )
            )
        return out

    def scan_table(
        self,
        data: Any,
        *,
        path: str = "<table>",
        columns: Sequence[str] | None = None,
    ) -> list[Finding]:
        """Findings in a table: a pandas / polars / pyarrow frame, or ``{column: values}``.

        Every column is read as text; nested values as JSON.
        """
        out: list[Finding] = []
        for name, first_row, values in iter_column_batches(data, columns=columns):
            out.extend(self.scan_column(values, column=name, path=path, first_row=first_row))
        out.sort(key=lambda f: (f.row or 0, f.column or "", f.start))
        return out


# --- error messages without personal data ------------------------------------------------------

_REDACTOR: list[Scanner] = []


def redact(text: str) -> str:
    """``text`` with every finding replaced by its mask (for error messages that quote data)."""
    if not _REDACTOR:
        _REDACTOR.append(Scanner(engine="re", min_confidence=0.3))
    scanner = _REDACTOR[0]
    out = text
    for hit in reversed(scanner.hits(text)):
        out = out[: hit.start] + mask_value(hit.entity.mask, hit.value) + out[hit.end :]
    return out


def error_reason(exc: BaseException) -> str:
    """The first line of an exception's message, redacted and at most 300 characters."""
    lines = str(exc).strip().splitlines()
    return redact(lines[0][:300]) if lines else type(exc).__name__


# --- reading columns as text ---------------------------------------------------------------------


def cell_text(value: object) -> str | None:
    """A cell as text: ``None`` stays ``None``; nested values become JSON; floats lose ``.0``."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    if type(value).__name__ in {"NAType", "NaTType"}:
        return None
    return str(value)


def iter_column_batches(
    data: Any, *, columns: Sequence[str] | None = None, batch_rows: int = TABLE_BATCH_ROWS
) -> Iterable[tuple[str, int, list[str | None]]]:
    """``(column, first_row, cells as text)`` for each column of ``data``, in row batches."""
    if isinstance(data, Mapping):
        names = list(columns or data.keys())
        for name in names:
            values = list(data[name])
            for a in range(0, max(len(values), 1), batch_rows):
                yield name, a, [cell_text(v) for v in values[a : a + batch_rows]]
        return
    try:
        frame = nw.from_native(data)
    except TypeError as exc:
        raise PrivacyDataError(ERR_UNSUPPORTED_DATA, params={"kind": type(data).__name__}) from exc
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    if not isinstance(frame, nw.DataFrame):
        raise PrivacyDataError(ERR_UNSUPPORTED_DATA, params={"kind": type(data).__name__})
    names = list(columns or frame.columns)
    rows = len(frame)
    for a in range(0, rows, batch_rows):
        part = frame[a : a + batch_rows]
        for name in names:
            series = part.get_column(name)
            yield name, a, [cell_text(v) for v in series.to_list()]


__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "MINOR_AGE",
    "ColumnContext",
    "Hit",
    "Scanner",
    "cell_text",
    "error_reason",
    "iter_column_batches",
    "redact",
]
