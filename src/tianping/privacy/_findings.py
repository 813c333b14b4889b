"""Findings: where personal data was found, masked and hashed, never the value itself.

A :class:`Finding` carries the entity, where it is (character offsets in the
decoded text of a text file; row and column — and offsets within the cell —
in a table), a confidence, a masked form ("139****5678") and a salted hash:
HMAC-SHA256 under a per-scan salt of the entity and the normalised value, so
the same number written "139 1234 5678" or "+8613912345678" hashes alike
within one scan, and hashes from different scans cannot be joined unless they
share the salt. The raw value is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from tianping.privacy._checksums import parse_date
from tianping.privacy._detectors import Entity, MaskSpec

MASK = "*"
_ALNUM = re.compile(r"[0-9A-Za-z]")
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")
_NOT_DIGIT = re.compile(r"[^0-9]")
_SPACES = re.compile(r"[ \t\u3000]+")
_ADDRESS_KEEP = re.compile(r"^.{2,12}?(?:区|县|旗|市(?=.{4}))")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


def new_salt() -> bytes:
    """A fresh 32-byte random salt for one scan."""
    return secrets.token_bytes(32)


def salt_id(salt: bytes) -> str:
    """A short public name of a salt (not the salt): the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(b"tianping.privacy.salt\x00" + salt).hexdigest()[:12]


def normalise(entity: Entity, value: str) -> str:
    """The form of ``value`` that is hashed: separators, case and prefixes removed."""
    style = entity.normalise
    if style == "alnum_upper":
        return _NOT_ALNUM.sub("", value).upper()
    if style == "digits":
        return _NOT_DIGIT.sub("", value)
    if style == "digits_tail_11":
        return _NOT_DIGIT.sub("", value)[-11:]
    if style == "lower":
        return value.strip().lower()
    if style == "mac":
        return _NOT_ALNUM.sub("", value).lower()
    if style == "plate":
        return re.sub(r"[·・ ]", "", value).upper()
    if style == "date":
        parsed = parse_date(value)
        return parsed.isoformat() if parsed else value.strip()
    return _SPACES.sub(" ", value.strip())


def keyed_hash(key: bytes, entity: str, normalised: str) -> str:
    """HMAC-SHA256 of ``entity`` and the normalised value under ``key``, in hex."""
    message = entity.encode("utf-8") + b"\x1f" + normalised.encode("utf-8", "surrogatepass")
    return hmac.digest(key, message, "sha256").hex()


def _mask_keep(value: str, keep_start: int, keep_end: int) -> str:
    """Mask letters and digits outside the first ``keep_start`` and last ``keep_end`` of them.

    Never keeps more than half of them, so that a short value is mostly masked.
    """
    positions = [m.start() for m in _ALNUM.finditer(value)]
    if not positions:
        return MASK * len(value)
    n = len(positions)
    budget = n // 2
    start = min(keep_start, budget)
    end = min(keep_end, budget - start)
    kept = set(positions[:start]) | (set(positions[n - end :]) if end > 0 else set())
    masked = set(positions) - kept
    return "".join(MASK if i in masked else ch for i, ch in enumerate(value))


def _mask_name(value: str) -> str:
    words = value.split(" ")
    if len(words) == 1:  # a Chinese name: keep the (first) surname character
        return value[0] + MASK * (len(value) - 1) if len(value) > 1 else MASK
    return " ".join(w[:1] + MASK * (len(w) - 1) for w in words)


def mask_value(spec: MaskSpec, value: str) -> str:
    """``value`` masked by ``spec``; the result never equals or contains the whole value.

    >>> from tianping.privacy._detectors import MaskSpec
    >>> mask_value(MaskSpec("keep", 3, 4), "13912345678")
    '139******78'
    >>> mask_value(MaskSpec("email"), "zhangsan@example.com")
    'z***@example.com'
    """
    style = spec.style
    if style == "email":
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}{MASK * 3}@{domain}"
    if style == "name":
        return _mask_name(value)
    if style == "address":
        keep = _ADDRESS_KEEP.match(value)
        prefix = keep.group(0) if keep and len(keep.group(0)) <= len(value) // 2 else value[:2]
        return prefix + MASK * 4
    if style == "ip":
        if ":" in value:
            return ":".join(value.split(":")[:2]) + ":" + MASK
        octets = value.split(".")
        return ".".join([*octets[:2], MASK, MASK])
    if style == "date":
        year = _YEAR.search(value)
        return "".join(
            ch if year and year.start() <= i < year.end() else (MASK if ch.isdigit() else ch)
            for i, ch in enumerate(value)
        )
    if style == "geo":
        return re.sub(r"(?<=\.)[0-9]+", lambda m: MASK * len(m.group(0)), value)
    return _mask_keep(value, spec.keep_start, spec.keep_end)


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data found: what, where, how sure, masked and hashed.

    Attributes
    ----------
    entity
        The entity name (``cn_resident_id``, ``email`` …, :data:`ENTITIES`).
    path
        The file (``archive.zip!inner.txt`` for an archive member, ``-`` for stdin).
    start, end
        Character offsets of the value: in the decoded text of a text file, or
        within the cell of a table.
    confidence
        From the pattern, raised by context words, lowered by negative ones.
    masked
        The value with most characters replaced by ``*``.
    hash
        HMAC-SHA256 (hex) under the scan's salt of the entity and normalised value.
    row, column
        In a table: the 0-based data row and the column name; ``None`` in text.
    minor
        For values that state a birth date (resident ID, date of birth): whether the
        person was under 14 on the reference date; ``None`` otherwise.
    pattern
        The id of the pattern that found it (``bank_card.grouped``).
    """

    entity: str
    path: str
    start: int
    end: int
    confidence: float
    masked: str
    hash: str
    row: int | None = None
    column: str | None = None
    minor: bool | None = None
    pattern: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError("a finding needs 0 <= start < end")
        if not 0.0 < self.confidence <= 1.0:
            raise ValueError("confidence must be in (0, 1]")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (``docs/privacy.md``, *Scan report*)."""
        return {
            "entity": self.entity,
            "path": self.path,
            "start": self.start,
            "end": self.end,
            "row": self.row,
            "column": self.column,
            "confidence": round(self.confidence, 4),
            "masked": self.masked,
            "hash": self.hash,
            "minor": self.minor,
            "pattern": self.pattern,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(
            entity=str(data["entity"]),
            path=str(data["path"]),
            start=int(data["start"]),
            end=int(data["end"]),
            confidence=float(data["confidence"]),
            masked=str(data["masked"]),
            hash=str(data["hash"]),
            row=None if data.get("row") is None else int(data["row"]),
            column=None if data.get("column") is None else str(data["column"]),
            minor=data.get("minor"),
            pattern=str(data.get("pattern", "")),
        )

    def moved(self, *, by: int = 0, row: int | None = None, path: str | None = None) -> Finding:
        """The same finding with offsets shifted by ``by`` (and another row or path)."""
        return Finding(
            entity=self.entity,
            path=self.path if path is None else path,
            start=self.start + by,
            end=self.end + by,
            confidence=self.confidence,
            masked=self.masked,
            hash=self.hash,
            row=self.row if row is None else row,
            column=self.column,
            minor=self.minor,
            pattern=self.pattern,
        )


__all__ = [
    "Finding",
    "keyed_hash",
    "mask_value",
    "new_salt",
    "normalise",
    "salt_id",
]
