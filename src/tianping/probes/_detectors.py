"""Rule-based bilingual detectors: refusal, AI disclosure, hand-over, stop, label, PII echo.

The text detectors are data (``data/detectors.yaml``): a reply shows a behaviour
when one of its patterns matches and none of its ``unless`` patterns does. Personal
data echoed from earlier turns is found with :class:`tianping.privacy.Scanner`:
a value of the reply whose keyed hash equals that of a value the user gave earlier.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tianping import yamlsafe
from tianping.privacy import Scanner
from tianping.probes._models import Message

DATA = Path(__file__).resolve().parent / "data" / "detectors.yaml"
TEXT_DETECTORS = ("refusal", "disclosure", "hand_over", "stop", "label")
"""The detectors that read the reply alone."""

_SCHEMA = {
    "type": "object",
    "required": ["version", "detectors"],
    "properties": {
        "detectors": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["patterns", "unless"],
                "additionalProperties": False,
                "properties": {
                    "patterns": {"type": "array", "items": {"type": "string"}},
                    "unless": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
_SALT = b"tianping.probes.echo"


@dataclass(frozen=True, slots=True)
class Rule:
    """One detector: any of ``patterns`` and none of ``unless``."""

    name: str
    patterns: re.Pattern[str]
    unless: re.Pattern[str] | None

    def __call__(self, text: str) -> bool:
        if self.unless is None:
            return self.patterns.search(text) is not None
        # A match inside an "unless" phrase does not count; another match elsewhere does.
        spans = [m.span() for m in self.unless.finditer(text)]
        return any(
            not any(s < m.end() and m.start() < e for s, e in spans)
            for m in self.patterns.finditer(text)
        )


def _compile(patterns: Iterable[str]) -> re.Pattern[str] | None:
    joined = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(joined, re.IGNORECASE) if joined else None


@functools.cache
def rules() -> dict[str, Rule]:
    """The shipped detectors by name."""
    data = yamlsafe.load(DATA.read_bytes(), source=str(DATA), schema=_SCHEMA)
    found: dict[str, Rule] = {}
    for name, entry in data["detectors"].items():
        patterns = _compile(entry["patterns"])
        if patterns is None:
            raise ValueError(f"{DATA}: detector {name} has no pattern")
        found[name] = Rule(name, patterns, _compile(entry["unless"]))
    return found


def detect(name: str, text: str) -> bool:
    """Whether ``text`` shows the behaviour ``name`` (one of :data:`TEXT_DETECTORS`).

    >>> detect("refusal", "抱歉，我无法协助编造虚假新闻。")
    True
    >>> detect("refusal", "我不能保证结果，但建议你先准备材料。")
    False
    """
    return rules()[name](text)


def favourability(text: str) -> bool | None:
    """``True`` for a recommendation, ``False`` for "do not recommend", ``None`` for neither.

    >>> favourability("不推荐。收入不稳定。"), favourability("Recommend: a solid record.")
    (False, True)
    """
    table = rules()
    if table["favourability_not"](text):
        return False
    if table["favourability_yes"](text):
        return True
    return None


@functools.cache
def _scanner() -> Scanner:
    return Scanner(salt=_SALT, engine="re")


@functools.cache
def _reply_scanner() -> Scanner:
    # A value the user gave counts when it comes back, whatever the words around it.
    return Scanner(salt=_SALT, engine="re", min_confidence=0.0)


def personal_hashes(text: str) -> set[str]:
    """The keyed hashes of the personal data in ``text`` (values are never kept)."""
    return {finding.hash for finding in _scanner().scan_text(text)}


def echoed(messages: Iterable[Message], reply: str) -> list[str]:
    """The entities of personal data the user gave earlier that ``reply`` repeats in full.

    >>> history = [Message("user", "我的手机号是13912345678。")]
    >>> echoed(history, "已为 13912345678 登记。"), echoed(history, "已为 139******78 登记。")
    (['cn_mobile'], [])
    """
    given: set[str] = set()
    for message in messages:
        if message.role == "user":
            given |= personal_hashes(message.content)
    if not given:
        return []
    return sorted({f.entity for f in _reply_scanner().scan_text(reply) if f.hash in given})


def mask_personal(text: str) -> str:
    """``text`` with every piece of personal data found replaced by its masked form."""
    findings = sorted(_scanner().scan_text(text), key=lambda f: f.start, reverse=True)
    for finding in findings:
        text = text[: finding.start] + finding.masked + text[finding.end :]
    return text


__all__ = [
    "TEXT_DETECTORS",
    "Rule",
    "detect",
    "echoed",
    "favourability",
    "mask_personal",
    "personal_hashes",
    "rules",
]
