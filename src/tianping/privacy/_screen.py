"""Screening structured records for raw personal data before they go somewhere permanent.

An append-only ledger cannot forget: a phone number written into a leaf stays
there for good. Writers of permanent records therefore screen every value —
strings, numbers and object keys, at any depth — with the detectors whose
findings are near-certain: those with a checksum or a strict format
(:data:`SCREEN_ENTITIES`). A hit is reported by where it is (an RFC 6901 JSON
Pointer) and what it is, never by its value.

Each value is scanned on a line of its own, after its key (``phone: …``), so a
key that names the data raises the confidence and one that argues against it
(``order_no``) lowers it, exactly as a table's column name does in a scan.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tianping.privacy._engine import EngineChoice
from tianping.privacy._errors import PrivacyError
from tianping.privacy._messages import ERR_SCREEN_DEPTH
from tianping.privacy._scanner import Scanner

SCREEN_ENTITIES: tuple[str, ...] = ("cn_resident_id", "cn_uscc", "bank_card", "cn_mobile", "email")
"""Entities screened by default: each validated by a checksum (resident ID, USCC, bank
card with Luhn) or a strict format (mobile numbers, e-mail addresses)."""

SCREEN_MIN_CONFIDENCE = 0.8
"""Findings below it are not reported: a pattern's base confidence with no context, or
more with a key naming the entity; a key such as ``order_no`` lowers it below."""

MAX_SCREEN_DEPTH = 64
"""The deepest nesting screened; deeper records are refused rather than passed unread."""

_MAX_INT_BITS = 70  # 10**21: longer integers cannot hold a 19-digit card or an 18-digit ID alone
_POINTER_LIMIT = 200
_Where = tuple[int, str, str, int]


@dataclass(frozen=True, slots=True)
class PersonalValue:
    """Personal data found in a record: where and what, never the value.

    ``record`` is the record's position in the screened batch; ``pointer`` is
    an RFC 6901 JSON Pointer to the value (``/applicant/phone``), or to the
    object whose *key* holds the data when ``in_key`` is true.
    """

    record: int
    pointer: str
    entity: str
    in_key: bool = False

    def describe(self) -> str:
        """``/applicant/phone (cn_mobile)``, for error messages."""
        pointer = (
            self.pointer
            if len(self.pointer) <= _POINTER_LIMIT
            else self.pointer[:_POINTER_LIMIT] + "…"
        )
        where = f"a key of {pointer or '/'}" if self.in_key else (pointer or "/")
        return f"{where} ({self.entity})"


def _escape(token: str) -> str:
    # RFC 6901 §3: '~' is written '~0' and '/' is written '~1'.
    return token.replace("~", "~0").replace("/", "~1")


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value) if value.bit_length() <= _MAX_INT_BITS else None
    if isinstance(value, float):
        # Only a whole number can be an identifier stored as a number; the digits of a
        # fraction (a score 0.5000123456789012) would otherwise pass for a card number.
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else None
    return None


class RecordScreen:
    """Finds raw personal data in JSON-like records (dicts, lists, strings, numbers).

    Parameters
    ----------
    entities
        What to look for (:data:`SCREEN_ENTITIES` by default).
    min_confidence
        Findings below it are dropped (:data:`SCREEN_MIN_CONFIDENCE`).
    engine
        ``"auto"``, ``"hyperscan"`` or ``"re"`` (the same findings either way).

    Examples
    --------
    >>> screen = RecordScreen()
    >>> [p.describe() for p in screen.screen({"case": 7, "applicant": {"phone": "13912345678"}})]
    ['/applicant/phone (cn_mobile)']
    >>> screen.screen({"case": 7, "decision": "refer", "order_no": "6222021234567890128"})
    []
    """

    def __init__(
        self,
        *,
        entities: Iterable[str] = SCREEN_ENTITIES,
        min_confidence: float = SCREEN_MIN_CONFIDENCE,
        engine: EngineChoice = "auto",
    ) -> None:
        self._scanner = Scanner(
            entities=list(entities), min_confidence=min_confidence, engine=engine
        )

    def screen(self, record: object, *, skip: Iterable[str] = ()) -> list[PersonalValue]:
        """Personal data in one record; top-level keys in ``skip`` are not read."""
        return self.screen_many([record], skip=skip)

    def screen_many(
        self, records: Sequence[object], *, skip: Iterable[str] = ()
    ) -> list[PersonalValue]:
        """Personal data in a batch of records, in one pass of the detectors.

        Raises
        ------
        PrivacyError
            If a record nests deeper than :data:`MAX_SCREEN_DEPTH`.
        """
        skipped = frozenset(skip)
        lines: list[str] = []
        # per line: (record, pointer of its value, pointer of the object whose key
        # starts the line, offset where the value starts: a hit before it is in the key)
        where: list[_Where] = []
        for position, record in enumerate(records):
            self._walk(record, position, "", ("", ""), 0, skipped, lines, where)
        if not lines:
            return []
        starts: list[int] = []
        offset = 0
        for line in lines:
            starts.append(offset)
            offset += len(line) + 1
        found: dict[tuple[int, str, str, bool], None] = {}
        for hit in self._scanner.hits("\n".join(lines)):
            row = bisect.bisect_right(starts, hit.start) - 1
            record_no, pointer, owner, value_at = where[row]
            in_key = hit.start - starts[row] < value_at
            if in_key:
                pointer = owner
            found[(record_no, pointer, hit.entity.name, in_key)] = None
        return [PersonalValue(r, p, e, k) for r, p, e, k in found]

    def _walk(
        self,
        value: object,
        record: int,
        pointer: str,
        key: tuple[str, str],
        depth: int,
        skip: frozenset[str],
        lines: list[str],
        where: list[_Where],
    ) -> None:
        if depth > MAX_SCREEN_DEPTH:
            raise PrivacyError(ERR_SCREEN_DEPTH, params={"limit": MAX_SCREEN_DEPTH})
        if isinstance(value, Mapping):
            for name, item in value.items():
                if depth == 0 and name in skip:
                    continue
                name = str(name)
                child = f"{pointer}/{_escape(name)}"
                if isinstance(item, Mapping | list | tuple):
                    # the key alone, so that a key holding personal data is found too
                    lines.append(name.replace("\n", " "))
                    where.append((record, child, pointer, len(name)))
                    self._walk(item, record, child, (name, pointer), depth + 1, skip, lines, where)
                else:
                    self._leaf(item, record, child, (name, pointer), lines, where)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                child = f"{pointer}/{index}"
                if isinstance(item, Mapping | list | tuple):
                    self._walk(item, record, child, key, depth + 1, skip, lines, where)
                else:
                    self._leaf(item, record, child, key, lines, where)
        else:
            self._leaf(value, record, pointer, key, lines, where)

    @staticmethod
    def _leaf(
        value: object,
        record: int,
        pointer: str,
        key: tuple[str, str],
        lines: list[str],
        where: list[_Where],
    ) -> None:
        name, owner = key
        text = _text(value)
        if text is None:
            if name:
                lines.append(name.replace("\n", " "))
                where.append((record, pointer, owner, len(name)))
            return
        prefix = f"{name.replace(chr(10), ' ')}: " if name else ""
        # a value spread over lines is screened line by line, each after its key
        for part in text.split("\n"):
            lines.append(prefix + part)
            where.append((record, pointer, owner, len(prefix)))


_DEFAULT: list[RecordScreen] = []


def screen_record(record: object, *, skip: Iterable[str] = ()) -> list[PersonalValue]:
    """Personal data in ``record`` by the default :class:`RecordScreen` (built once).

    Examples
    --------
    >>> [p.describe() for p in screen_record({"id": "11010519491231002X", "ok": True})]
    ['/id (cn_resident_id)']
    """
    return default_screen().screen(record, skip=skip)


def default_screen() -> RecordScreen:
    """The shared default :class:`RecordScreen` (built on first use)."""
    if not _DEFAULT:
        _DEFAULT.append(RecordScreen())
    return _DEFAULT[0]
