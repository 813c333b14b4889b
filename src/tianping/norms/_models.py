"""Value objects of the normative catalogue: frozen, bilingual, JSON-ready.

Each class mirrors one kind of entry in the YAML data (see ``data/``); the
loader builds them after the schema and the cross-references have been checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any, Literal

from tianping.norms._errors import UNKNOWN_ENTRY, NotInCatalogueError
from tianping.text import LocalizedText, normalise_language

Confidence = Literal["V", "S", "M", "?"]
"""How sure we are of a fact: V checked against the legal text, S secondary
source, M recollection of the official text, ? uncertain."""

Stage = Literal["design", "data", "build", "test", "launch", "operate", "retire"]
EvidenceType = Literal["document", "test_result", "configuration", "record", "attestation"]
Tier = Literal["low", "medium", "high"]

CONFIDENCES: tuple[Confidence, ...] = ("V", "S", "M", "?")
STAGES: tuple[Stage, ...] = ("design", "data", "build", "test", "launch", "operate", "retire")
EVIDENCE_TYPES: tuple[EvidenceType, ...] = (
    "document",
    "test_result",
    "configuration",
    "record",
    "attestation",
)
#: Risk tiers from lowest to highest. An item for a tier applies to every higher one.
TIERS: tuple[Tier, ...] = ("low", "medium", "high")

_ZH_DIGITS = "零一二三四五六七八九"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def chinese_numeral(number: int) -> str:
    """Write 1–99 in Chinese numerals, as article and chapter numbers are written.

    Examples
    --------
    >>> chinese_numeral(13), chinese_numeral(20), chinese_numeral(25)
    ('十三', '二十', '二十五')
    """
    if not 1 <= number <= 99:
        raise ValueError(f"chinese_numeral handles 1–99, not {number}")
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _ZH_DIGITS[tens] + "十")
    return head + (_ZH_DIGITS[units] if units else "")


def roman_numeral(number: int) -> str:
    """Write a positive number in Roman numerals (chapter numbers in English).

    Examples
    --------
    >>> roman_numeral(4)
    'IV'
    """
    if number < 1:
        raise ValueError(f"roman_numeral needs a positive number, not {number}")
    parts: list[str] = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        parts.append(letters * count)
    return "".join(parts)


def _text(value: LocalizedText | None) -> dict[str, str] | None:
    return None if value is None else value.to_json()


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True, slots=True)
class Source:
    """The document a piece of catalogue data comes from."""

    title: LocalizedText
    issuer: LocalizedText | None = None
    issued: date | None = None
    effective_from: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title.to_json(),
            "issuer": _text(self.issuer),
            "issued": _day(self.issued),
            "effective_from": _day(self.effective_from),
        }


@dataclass(frozen=True, slots=True)
class Term:
    """A word of the controlled vocabulary (a lifecycle stage, an evidence type, a tier)."""

    id: str
    name: LocalizedText

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name.to_json()}


@dataclass(frozen=True, slots=True)
class Principle:
    """One of the six basic principles, stated in a numbered clause of Art. 3."""

    id: str
    number: int
    name: LocalizedText
    description: LocalizedText
    article: int
    clause: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "name": self.name.to_json(),
            "description": self.description.to_json(),
            "article": self.article,
            "clause": self.clause,
        }


@dataclass(frozen=True, slots=True)
class Chapter:
    """A chapter of the Ethical Norms and the articles it holds."""

    number: int
    title: LocalizedText
    first_article: int
    last_article: int
    category: str | None

    def __post_init__(self) -> None:
        if self.first_article > self.last_article:
            raise ValueError(f"chapter {self.number}: first article after last")

    @property
    def article_numbers(self) -> range:
        return range(self.first_article, self.last_article + 1)

    def label(self, language: str | None = None) -> str:
        """``第二章`` in Chinese, ``Chapter II`` in English."""
        if normalise_language(language) == "en":
            return f"Chapter {roman_numeral(self.number)}"
        return f"第{chinese_numeral(self.number)}章"

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title.to_json(),
            "first_article": self.first_article,
            "last_article": self.last_article,
            "category": self.category,
        }


@dataclass(frozen=True, slots=True)
class ActivityCategory:
    """An activity category of Art. 2 (management, research, supply, use) and its chapter."""

    id: str
    name: LocalizedText
    description: LocalizedText
    chapter: int
    first_article: int
    last_article: int
    clause: int

    @property
    def article_numbers(self) -> range:
        return range(self.first_article, self.last_article + 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.to_json(),
            "description": self.description.to_json(),
            "chapter": self.chapter,
            "first_article": self.first_article,
            "last_article": self.last_article,
            "clause": self.clause,
        }


@dataclass(frozen=True, slots=True)
class Article:
    """An article: the official Chinese text, our English paraphrase, what it serves.

    ``official_title`` says whether the Chinese title is the article's own
    heading (such as 避免偏见歧视) or a label of ours for an article without one.
    ``clauses`` counts its numbered clauses, (一) to (六); zero when it has none.
    """

    number: int
    chapter: int
    category: str | None
    title: LocalizedText
    official_title: bool
    text: LocalizedText
    principles: tuple[str, ...] = ()
    clauses: int = 0

    def label(self, language: str | None = None) -> str:
        """``第十三条`` in Chinese, ``Article 13`` in English."""
        if normalise_language(language) == "en":
            return f"Article {self.number}"
        return f"第{chinese_numeral(self.number)}条"

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "chapter": self.chapter,
            "category": self.category,
            "title": self.title.to_json(),
            "official_title": self.official_title,
            "text": self.text.to_json(),
            "principles": list(self.principles),
            "clauses": self.clauses,
        }


@dataclass(frozen=True, slots=True)
class RequirementItem:
    """One checkable question derived from an article.

    ``id`` is stable (``REQ-13-01``: article 13, first item) and never reused.
    ``tiers`` are the risk tiers the item applies to; ``crosswalk`` maps a
    framework id to the ids of the targets the item helps to meet.
    """

    id: str
    article: int
    question: LocalizedText
    principles: tuple[str, ...]
    category: str
    stage: Stage
    evidence: EvidenceType
    tiers: tuple[Tier, ...]
    clause: int | None = None
    crosswalk: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )

    def __post_init__(self) -> None:
        if not self.principles:
            raise ValueError(f"{self.id}: a requirement item serves at least one principle")
        if not self.tiers:
            raise ValueError(f"{self.id}: a requirement item applies to at least one tier")

    def applies_to(self, tier: str) -> bool:
        """Whether the item is part of the requirement set for ``tier``."""
        return tier in self.tiers

    def targets(self, framework_id: str) -> tuple[str, ...]:
        """The targets of ``framework_id`` the item maps to (empty when none)."""
        return self.crosswalk.get(framework_id, ())

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article": self.article,
            "clause": self.clause,
            "question": self.question.to_json(),
            "principles": list(self.principles),
            "category": self.category,
            "stage": self.stage,
            "evidence": self.evidence,
            "tiers": list(self.tiers),
            "crosswalk": {key: list(value) for key, value in self.crosswalk.items()},
        }


@dataclass(frozen=True, slots=True)
class CrosswalkTarget:
    """A target inside another framework: a pillar, a dimension, an article, a criterion."""

    id: str
    name: LocalizedText
    description: LocalizedText | None = None
    confidence: Confidence | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.to_json(),
            "description": _text(self.description),
            "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class Framework:
    """Another framework that the requirement items are cross-walked to."""

    id: str
    name: LocalizedText
    source: Source
    confidence: Confidence
    effective_from: date
    targets: tuple[CrosswalkTarget, ...]
    note: LocalizedText | None = None

    @property
    def target_ids(self) -> tuple[str, ...]:
        return tuple(target.id for target in self.targets)

    def target(self, target_id: str) -> CrosswalkTarget:
        """The target called ``target_id``; :class:`NotInCatalogueError` if there is none."""
        for target in self.targets:
            if target.id == target_id:
                return target
        raise NotInCatalogueError(
            UNKNOWN_ENTRY.format(
                what=f"target of {self.id}", key=target_id, known=", ".join(self.target_ids)
            ),
            what="crosswalk target",
            key=target_id,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.to_json(),
            "source": self.source.to_json(),
            "confidence": self.confidence,
            "effective_from": self.effective_from.isoformat(),
            "note": _text(self.note),
            "targets": [target.to_json() for target in self.targets],
        }


@dataclass(frozen=True, slots=True)
class ListedActivity:
    """An activity on the list that needs expert re-review after the committee's review."""

    id: str
    name: LocalizedText
    description: LocalizedText
    confidence: Confidence

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.to_json(),
            "description": self.description.to_json(),
            "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class ListChange:
    """One revision of the expert re-review list: what it added and removed."""

    version: str
    effective_from: date
    change: LocalizedText
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "change": self.change.to_json(),
            "added": list(self.added),
            "removed": list(self.removed),
        }


@dataclass(frozen=True, slots=True)
class ExpertReviewList:
    """The dynamic, versioned list of activities that need expert re-review."""

    version: str
    effective_from: date
    source: Source
    confidence: Confidence
    history: tuple[ListChange, ...]
    activities: tuple[ListedActivity, ...]

    @property
    def activity_ids(self) -> tuple[str, ...]:
        return tuple(activity.id for activity in self.activities)

    def __contains__(self, activity_id: object) -> bool:
        return activity_id in self.activity_ids

    def activity(self, activity_id: str) -> ListedActivity:
        """The listed activity ``activity_id``; :class:`NotInCatalogueError` if not listed."""
        for activity in self.activities:
            if activity.id == activity_id:
                return activity
        raise NotInCatalogueError(
            UNKNOWN_ENTRY.format(
                what="listed activity", key=activity_id, known=", ".join(self.activity_ids)
            ),
            what="listed activity",
            key=activity_id,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "source": self.source.to_json(),
            "confidence": self.confidence,
            "history": [change.to_json() for change in self.history],
            "activities": [activity.to_json() for activity in self.activities],
        }


__all__ = [
    "CONFIDENCES",
    "EVIDENCE_TYPES",
    "STAGES",
    "TIERS",
    "ActivityCategory",
    "Article",
    "Chapter",
    "Confidence",
    "CrosswalkTarget",
    "EvidenceType",
    "ExpertReviewList",
    "Framework",
    "ListChange",
    "ListedActivity",
    "Principle",
    "RequirementItem",
    "Source",
    "Stage",
    "Term",
    "Tier",
    "chinese_numeral",
    "roman_numeral",
]
