"""Rules as data: the definitions the code knows, and the rule set a check is given.

Every number the review checks use (committee size, quorum, the 2/3 threshold,
deadlines …) is a :class:`Rule` read from a YAML rule file, with the document
and article it comes from, how sure we are of it (``confidence``) and the date
it applies from. The code knows only *which* rules exist and *what kind* of
value each holds (:data:`RULE_DEFINITIONS`); that is also what lets an overlay
be checked: a provincial rule may keep or tighten an inherited rule, never
loosen it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Literal, TypeAlias

from tianping.norms import Confidence
from tianping.review._calendar import chinese_number
from tianping.review._errors import ReviewInputError
from tianping.review._messages import CITATION, CITATION_NO_ARTICLE, ERR_RULE_ABSENT, localized
from tianping.text import LocalizedText

ValueKind = Literal["count", "flag", "names", "fraction", "month_day", "bundle"]
Direction = Literal["at_least", "at_most", "on", "superset", "subset", "no_later", "bundle"]


@dataclass(frozen=True, slots=True)
class RuleDefinition:
    """What the code knows about a rule id: its value kind, which way is stricter, whether optional.

    Attributes
    ----------
    kind
        ``count`` (a positive integer), ``flag`` (yes/no), ``names`` (a list of
        ids from a fixed vocabulary), ``fraction`` (``"2/3"``), ``month_day``
        (``"03-31"``) or ``bundle`` (the application items).
    direction
        Which change tightens the rule: ``at_least`` (a minimum: may rise),
        ``at_most`` (a maximum: may fall), ``on`` (a requirement: may be switched
        on, never off), ``superset`` (a list of requirements: may grow),
        ``subset`` (a list of permissions: may shrink), ``no_later`` (a due day:
        may come earlier), ``bundle`` (items may be added, waivers withdrawn).
    optional
        Whether a rule set may lack the rule: a base rule set must define every
        rule that is not optional, and a check skips an optional rule that is
        absent (or not yet in force).
    """

    kind: ValueKind
    direction: Direction
    optional: bool = False


#: Every rule id the checks know, in display order.
RULE_DEFINITIONS: Mapping[str, RuleDefinition] = MappingProxyType(
    {
        "committee.min_size": RuleDefinition("count", "at_least"),
        "committee.chair": RuleDefinition("flag", "on"),
        "committee.disciplines": RuleDefinition("names", "superset"),
        "committee.both_genders": RuleDefinition("flag", "on"),
        "committee.min_external": RuleDefinition("count", "at_least"),
        "committee.max_term_years": RuleDefinition("count", "at_most"),
        "committee.odd_size": RuleDefinition("flag", "on", optional=True),
        "committee.pledges": RuleDefinition("names", "superset", optional=True),
        "ai_committee.min_size": RuleDefinition("count", "at_least", optional=True),
        "ai_committee.disciplines": RuleDefinition("names", "superset", optional=True),
        "registration.committee_days": RuleDefinition("count", "at_most"),
        "registration.annual_report_due": RuleDefinition("month_day", "no_later"),
        "registration.listed_activity_days": RuleDefinition("count", "at_most"),
        "application.bundle": RuleDefinition("bundle", "bundle"),
        "application.single_notice": RuleDefinition("flag", "on"),
        "procedure.simplified_grounds": RuleDefinition("names", "subset"),
        "decision.deadline_days": RuleDefinition("count", "at_most"),
        "decision.extension_reason": RuleDefinition("flag", "on"),
        "emergency.deadline_hours": RuleDefinition("count", "at_most"),
        "quorum.min_present": RuleDefinition("count", "at_least"),
        "quorum.categories": RuleDefinition("names", "superset"),
        "quorum.consultants_excluded": RuleDefinition("flag", "on"),
        "decision.threshold": RuleDefinition("fraction", "at_least"),
        "decision.reasons_required": RuleDefinition("flag", "on"),
        "conflict.recusal_grounds": RuleDefinition("names", "superset"),
        "simplified.min_reviewers": RuleDefinition("count", "at_least"),
        "simplified.escalation": RuleDefinition("names", "superset"),
        "simplified.negative_views": RuleDefinition("names", "superset"),
        "follow_up.interval_months": RuleDefinition("count", "at_most"),
        "follow_up.listed_interval_months": RuleDefinition("count", "at_most"),
        "expert_panel.min_size": RuleDefinition("count", "at_least"),
        "expert_panel.disciplines": RuleDefinition("names", "superset"),
        "expert_panel.excludes_first_committee": RuleDefinition("flag", "on"),
        "expert_panel.interests_declared": RuleDefinition("flag", "on"),
        "expert_panel.threshold": RuleDefinition("fraction", "at_least"),
        "expert_review.deadline_days": RuleDefinition("count", "at_most"),
    }
)


@dataclass(frozen=True, slots=True, order=True)
class MonthDay:
    """A day of the year, such as 31 March (``03-31``), on which something is due each year.

    Examples
    --------
    >>> MonthDay.parse("03-31").on(2027)
    datetime.date(2027, 3, 31)
    """

    month: int
    day: int

    def __post_init__(self) -> None:
        # A non-leap year: 29 February is not a day that recurs every year.
        date(2023, self.month, self.day)

    @classmethod
    def parse(cls, text: str) -> MonthDay:
        """Read ``MM-DD``; raises :class:`ValueError` for anything else."""
        month, _, day = text.partition("-")
        if len(month) != 2 or len(day) != 2 or not (month + day).isdigit():
            raise ValueError(f"{text!r} is not MM-DD")
        return cls(int(month), int(day))

    def on(self, year: int) -> date:
        """This day in ``year``."""
        return date(year, self.month, self.day)

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True, slots=True)
class BundleItem:
    """One required item of an application (Measures 2023 Art. 9), as a typed attachment.

    Attributes
    ----------
    id
        The attachment type, e.g. ``emergency_plan``.
    label
        Its name, in both languages.
    clause
        The numbered clause of the article that asks for it (Art. 9 (二) → 2).
    waivable
        Whether the applicant may mark it "not applicable" with a reason (a
        consent form when nobody takes part as a research participant).
    """

    id: str
    label: LocalizedText
    clause: int | None = None
    waivable: bool = False

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "id": self.id,
            "label": self.label.to_json() if language is None else self.label.get(language),
            "clause": self.clause,
            "waivable": self.waivable,
        }


RuleValue: TypeAlias = int | bool | tuple[str, ...] | Fraction | MonthDay | tuple[BundleItem, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """A document rules come from.

    Attributes
    ----------
    id
        Its key in the rule files, e.g. ``measures_2023``.
    title, short
        The full title and the short name used in citations.
    issuer, issued, effective_from
        Who issued it and when, where known.
    note
        A caveat about the document, where there is one.
    """

    id: str
    title: LocalizedText
    short: LocalizedText
    issuer: LocalizedText | None = None
    issued: date | None = None
    effective_from: date | None = None
    note: LocalizedText | None = None

    def to_json(self, language: str | None = None) -> dict[str, object]:
        def text(value: LocalizedText | None) -> object:
            if value is None:
                return None
            return value.to_json() if language is None else value.get(language)

        return {
            "id": self.id,
            "title": text(self.title),
            "short": text(self.short),
            "issuer": text(self.issuer),
            "issued": None if self.issued is None else self.issued.isoformat(),
            "effective_from": (
                None if self.effective_from is None else self.effective_from.isoformat()
            ),
            "note": text(self.note),
        }


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: its value and where it comes from.

    Attributes
    ----------
    id
        The rule id, one of :data:`RULE_DEFINITIONS` (``quorum.min_present``).
    title
        What the rule says, in a line.
    value
        The number, flag, list, fraction or day the checks use.
    source, article
        The document and article it comes from (``article`` is ``None`` where
        the article is not identified).
    confidence
        How sure the value is: ``V`` checked against the legal text, ``S``
        secondary source, ``M`` recollection of the official text, ``?``
        uncertain.
    article_confidence
        How sure the article number is (same scale); defaults to ``confidence``.
    effective_from
        The first day the rule applies.
    layer
        The rule set that set it (``national``, ``sichuan``).
    note
        A caveat, where there is one.
    """

    id: str
    title: LocalizedText
    value: RuleValue
    source: Source
    article: int | None
    confidence: Confidence
    effective_from: date
    layer: str
    article_confidence: Confidence | None = None
    note: LocalizedText | None = None

    @property
    def definition(self) -> RuleDefinition:
        """What the code knows about this rule id."""
        return RULE_DEFINITIONS[self.id]

    @property
    def citation(self) -> LocalizedText:
        """Where the rule comes from, e.g. ``S&T Ethics Review Measures (2023), Art. 14``."""
        if self.article is None:
            return localized(CITATION_NO_ARTICLE, source=self.source.short)
        return localized(
            CITATION,
            source=self.source.short,
            article=self.article,
            article_zh=chinese_number(self.article),
        )

    def value_text(self, language: str | None = None) -> str:
        """The value as a reader sees it: ``7``, ``yes``, ``domain, ethics, law``, ``2/3``."""
        english = language is not None and language.lower().startswith("en")
        value = self.value
        if isinstance(value, bool):
            return ("yes" if value else "no") if english else ("是" if value else "否")
        if isinstance(value, tuple):
            return ", ".join(v.id if isinstance(v, BundleItem) else v for v in value)
        return str(value)

    def to_json(self, language: str | None = None) -> dict[str, object]:
        """The rule as JSON: both languages when ``language`` is ``None``."""

        def text(value: LocalizedText | None) -> object:
            if value is None:
                return None
            return value.to_json() if language is None else value.get(language)

        value = self.value
        encoded: object
        if isinstance(value, tuple):
            encoded = [v.to_json(language) if isinstance(v, BundleItem) else v for v in value]
        elif isinstance(value, Fraction | MonthDay):
            encoded = str(value)
        else:
            encoded = value
        return {
            "id": self.id,
            "title": text(self.title),
            "value": encoded,
            "source": self.source.id,
            "article": self.article,
            "citation": text(self.citation),
            "confidence": self.confidence,
            "article_confidence": self.article_confidence or self.confidence,
            "effective_from": self.effective_from.isoformat(),
            "layer": self.layer,
            "note": text(self.note),
        }


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The effective rules a check applies: a base rule set merged with its overlays.

    Build one with :func:`tianping.review.load_rules`. ``chain`` names the
    layers from the base to the most specific (``("national", "sichuan")``);
    each rule records the layer that set it.

    Examples
    --------
    >>> from tianping.review import load_rules
    >>> rules = load_rules("sichuan")
    >>> rules.chain, rules.count("quorum.min_present"), rules.flag("committee.odd_size")
    (('national', 'sichuan'), 5, True)
    >>> rules["committee.odd_size"].layer
    'sichuan'
    """

    id: str
    name: LocalizedText
    version: str
    chain: tuple[str, ...]
    rules: Mapping[str, Rule]
    sources: Mapping[str, Source] = field(default_factory=lambda: MappingProxyType({}))
    on: date | None = None

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self.rules

    def __getitem__(self, rule_id: str) -> Rule:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise ReviewInputError(
                ERR_RULE_ABSENT, params={"ruleset": self.id, "rule": rule_id}
            ) from None

    def get(self, rule_id: str) -> Rule | None:
        """The rule, or ``None`` when this rule set lacks it (an optional rule)."""
        return self.rules.get(rule_id)

    def count(self, rule_id: str) -> int:
        """The value of a ``count`` rule."""
        value = self[rule_id].value
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"rule {rule_id} is not a count")
        return value

    def flag(self, rule_id: str) -> bool:
        """The value of a ``flag`` rule; ``False`` when an optional flag is absent."""
        rule = self.get(rule_id)
        if rule is None and RULE_DEFINITIONS[rule_id].optional:
            return False
        value = self[rule_id].value
        if not isinstance(value, bool):
            raise TypeError(f"rule {rule_id} is not a flag")
        return value

    def names(self, rule_id: str) -> tuple[str, ...]:
        """The value of a ``names`` rule; empty when an optional list is absent."""
        rule = self.get(rule_id)
        if rule is None and RULE_DEFINITIONS[rule_id].optional:
            return ()
        value = self[rule_id].value
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"rule {rule_id} is not a list of names")
        return tuple(str(v) for v in value)

    def fraction(self, rule_id: str) -> Fraction:
        """The value of a ``fraction`` rule."""
        value = self[rule_id].value
        if not isinstance(value, Fraction):
            raise TypeError(f"rule {rule_id} is not a fraction")
        return value

    def month_day(self, rule_id: str) -> MonthDay:
        """The value of a ``month_day`` rule."""
        value = self[rule_id].value
        if not isinstance(value, MonthDay):
            raise TypeError(f"rule {rule_id} is not a day of the year")
        return value

    def bundle(self) -> tuple[BundleItem, ...]:
        """The items of an application (rule ``application.bundle``)."""
        value = self["application.bundle"].value
        if not isinstance(value, tuple) or not all(isinstance(v, BundleItem) for v in value):
            raise TypeError("rule application.bundle is not a list of bundle items")
        return tuple(v for v in value if isinstance(v, BundleItem))

    def to_json(self, language: str | None = None) -> dict[str, object]:
        """The effective rule set with its citations; both languages when ``language`` is None."""
        return {
            "id": self.id,
            "name": self.name.to_json() if language is None else self.name.get(language),
            "version": self.version,
            "chain": list(self.chain),
            "on": None if self.on is None else self.on.isoformat(),
            "sources": [source.to_json(language) for source in self.sources.values()],
            "rules": [rule.to_json(language) for rule in self.rules.values()],
        }


__all__ = [
    "RULE_DEFINITIONS",
    "BundleItem",
    "Direction",
    "MonthDay",
    "Rule",
    "RuleDefinition",
    "RuleSet",
    "RuleValue",
    "Source",
    "ValueKind",
]
