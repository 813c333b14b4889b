"""Free text of the network de-identified by the privacy engine before it is stored.

The scanner (:class:`tianping.privacy.Scanner`, all detectors) finds personal data
-- resident ID numbers, phone numbers, e-mail addresses, bank cards, names … --
and each finding is replaced by its masked form (``110*************2X``,
``139******78``). The raw text is never stored: what the reporter typed is
de-identified in the request that files it, and only the masked text and the
number of values masked per kind are kept.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from tianping.privacy import Scanner

_LOCK = threading.Lock()
_SCANNER: list[Scanner] = []


def _scanner() -> Scanner:
    with _LOCK:
        if not _SCANNER:
            _SCANNER.append(Scanner())
        return _SCANNER[0]


@dataclass
class Cleaned:
    """De-identified texts and how many values of each entity were masked in them."""

    masked: Counter[str] = field(default_factory=Counter)

    def text(self, value: str) -> str:
        """``value`` with every finding replaced by its masked form."""
        if not value:
            return value
        findings = sorted(_scanner().scan_text(value), key=lambda f: (f.start, -f.end))
        parts: list[str] = []
        position = 0
        for finding in findings:
            if finding.start < position:  # overlaps one already masked
                continue
            parts.append(value[position : finding.start])
            parts.append(finding.masked)
            position = finding.end
            self.masked[finding.entity] += 1
        parts.append(value[position:])
        return "".join(parts)


def findings(value: str) -> list[str]:
    """The entity of each piece of personal data in ``value``, in order."""
    found = sorted(_scanner().scan_text(value), key=lambda f: (f.start, -f.end))
    return [f.entity for f in found]


def deidentify(value: str) -> str:
    """``value`` de-identified (for notes and other single texts)."""
    return Cleaned().text(value)
