"""The frozen values of the index: specification, evidence, scorecards and sensitivity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Literal

from tianping.text import LocalizedText

Scale = Literal["binary", "fraction", "ordinal"]
RuleKind = Literal[
    "document",
    "fairness_verdict",
    "probe_pass_rate",
    "certificate_level",
    "incident_count",
    "monitor_coverage",
    "switch_tested",
    "energy_reported",
    "status_level",
    "count_ratio",
    "raters",
]
RULE_KINDS: tuple[RuleKind, ...] = (
    "document",
    "fairness_verdict",
    "probe_pass_rate",
    "certificate_level",
    "incident_count",
    "monitor_coverage",
    "switch_tested",
    "energy_reported",
    "status_level",
    "count_ratio",
    "raters",
)
"""Every evidence rule an indicator may name."""

EVIDENCE_KIND: Mapping[str, str] = MappingProxyType(
    {
        "document": "document",
        "fairness_verdict": "fairness_verdict",
        "probe_pass_rate": "probe_result",
        "certificate_level": "certificate",
        "incident_count": "incident_history",
        "monitor_coverage": "monitor_coverage",
        "switch_tested": "switch_test",
        "energy_reported": "energy_report",
        "status_level": "status",
        "count_ratio": "count",
    }
)
"""The kind of evidence item each automatic rule reads."""

NO_PARAMS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Rule:
    """How an indicator's value in [0, 1] comes from evidence.

    ``kind`` is one of :data:`RULE_KINDS`; ``params`` are the rule's settings as
    written in the specification (``document: model_card``, ``zero_at: 5`` …).
    ``raters`` rules are scored by two human raters, the others automatically.
    """

    kind: RuleKind
    params: Mapping[str, Any] = field(default_factory=lambda: NO_PARAMS)

    @property
    def automatic(self) -> bool:
        return self.kind != "raters"

    def describe(self) -> str:
        """``kind(key=value, …)``: the rule as a trace records it."""
        inner = ", ".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        return f"{self.kind}({inner})"


@dataclass(frozen=True, slots=True)
class Domain:
    """A group of indicators and its weight in the total."""

    id: str
    name: LocalizedText
    weight: Fraction


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator: its definition, scale, weight within its domain and evidence rule.

    ``levels`` is the top of an ordinal scale (0 … levels); a binary scale has 1.
    """

    id: str
    domain: str
    name: LocalizedText
    definition: LocalizedText
    scale: Scale
    weight: Fraction
    rule: Rule
    levels: int = 1
    subdomain: str = ""
    basis: LocalizedText | None = None
    """Where the indicator comes from (an article of the Norms, a regulation)."""
    confidence: str = ""
    """How firmly the basis supports the indicator: ``high``, ``medium`` or ``low``."""


@dataclass(frozen=True, slots=True)
class Specification:
    """One version of the index: domains, indicators, Dirichlet concentration, reply period."""

    version: str
    title: LocalizedText
    domains: tuple[Domain, ...]
    indicators: tuple[Indicator, ...]
    concentration: float
    reply_period_days: int
    source: str = ""
    previous: str = ""
    """The version this one replaces (empty for the first)."""
    changes: LocalizedText | None = None
    """What changed against ``previous``."""

    def indicator(self, indicator_id: str) -> Indicator | None:
        """The indicator with this id, or ``None``."""
        return next((i for i in self.indicators if i.id == indicator_id), None)

    def effective_weights(self) -> tuple[Fraction, ...]:
        """Each indicator's share of the total (they sum to 1), in indicator order.

        The domain's share of the domain weights times the indicator's share of its domain.
        """
        total = sum((d.weight for d in self.domains), Fraction(0))
        within = {d.id: Fraction(0) for d in self.domains}
        for indicator in self.indicators:
            within[indicator.domain] += indicator.weight
        share = {d.id: d.weight / total for d in self.domains}
        return tuple(share[i.domain] * i.weight / within[i.domain] for i in self.indicators)


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One piece of evidence about a system: its id, kind, content hash and fields."""

    id: str
    kind: str
    sha256: str
    fields: Mapping[str, Any]
    date: str = ""


@dataclass(frozen=True, slots=True)
class Rating:
    """Two raters' scores for one indicator, and the score resolved on record.

    ``scores`` maps each rater to a score on the indicator's scale (0 … levels);
    ``resolved`` is required when they differ, with a ``note`` saying how. A
    rating with no rater scores records an already-resolved score (for instance
    a published index's consensus score).
    """

    indicator: str
    scores: Mapping[str, int]
    resolved: int | None = None
    note: str = ""

    @property
    def agreed(self) -> bool:
        return len(set(self.scores.values())) <= 1

    @property
    def final(self) -> int | None:
        """The score that counts: the resolution, else the raters' common score."""
        if self.resolved is not None:
            return self.resolved
        values = set(self.scores.values())
        return values.pop() if len(values) == 1 else None


@dataclass(frozen=True, slots=True)
class SystemEvidence:
    """Everything known about one system: its evidence items and its ratings."""

    system: str
    name: str
    items: tuple[EvidenceItem, ...]
    ratings: tuple[Rating, ...] = ()


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """One indicator's value and where it came from.

    ``value`` is in [0, 1], or ``None`` when the evidence is missing (then
    ``missing`` says why); ``points`` is value × the indicator's share of the
    total × 100. ``evidence`` lists ``(id, sha256)`` of each item used.
    """

    indicator: str
    domain: str
    value: Fraction | None
    points: Fraction
    rule: str
    evidence: tuple[tuple[str, str], ...]
    reason: str
    missing: str = ""


@dataclass(frozen=True, slots=True)
class DomainScore:
    """A domain's (or subdomain's) score: share of its weight achieved, 0–100, and its points."""

    id: str
    score: Fraction
    points: Fraction
    max_points: Fraction
    missing: int


@dataclass(frozen=True, slots=True)
class Scorecard:
    """The score of one system under one specification version.

    ``total`` (0–100) counts missing evidence as 0; ``missing`` names each
    indicator whose evidence is missing, so that never happens silently.
    """

    system: str
    spec_version: str
    total: Fraction
    indicators: tuple[IndicatorScore, ...]
    domains: tuple[DomainScore, ...]
    subdomains: tuple[DomainScore, ...] = ()
    missing: tuple[str, ...] = field(default=())

    def indicator(self, indicator_id: str) -> IndicatorScore | None:
        return next((s for s in self.indicators if s.indicator == indicator_id), None)


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed range ``[low, high]``."""

    low: float
    high: float

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int | float | Fraction) and self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class BoundRange:
    """Scores and ranks of one system under one missing-evidence bound.

    ``point`` and ``rank`` use the specification's weights; ``scores`` and
    ``ranks`` span the 5th–95th percentiles over the Dirichlet draws, widened to
    include the point values.
    """

    point: float
    rank: int
    scores: Interval
    ranks: Interval


@dataclass(frozen=True, slots=True)
class RankRange:
    """A system's sensitivity: scores and ranks under both missing-evidence bounds.

    ``zero`` scores missing evidence 0; ``median`` the indicator's median over
    the population. ``score_range`` and ``rank_range`` cover both.
    """

    system: str
    zero: BoundRange
    median: BoundRange
    score_range: Interval
    rank_range: Interval


@dataclass(frozen=True, slots=True)
class Sensitivity:
    """The sensitivity of a population's scores: settings and one :class:`RankRange` per system."""

    spec_version: str
    draws: int
    seed: int
    concentration: float
    percentiles: tuple[float, float]
    systems: tuple[RankRange, ...]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Two raters' differing scores on one item and how the difference was resolved."""

    system: str
    indicator: str
    scores: Mapping[str, int]
    resolved: int | None
    note: str


@dataclass(frozen=True, slots=True)
class Agreement:
    """Agreement between two raters: Cohen's κ, observed and chance agreement, disagreements."""

    kappa: float | None
    observed: float
    expected: float
    items: int
    disagreements: tuple[Disagreement, ...] = ()

    @property
    def unresolved(self) -> tuple[Disagreement, ...]:
        return tuple(d for d in self.disagreements if d.resolved is None)


__all__ = [
    "EVIDENCE_KIND",
    "RULE_KINDS",
    "Agreement",
    "BoundRange",
    "Disagreement",
    "Domain",
    "DomainScore",
    "EvidenceItem",
    "Indicator",
    "IndicatorScore",
    "Interval",
    "RankRange",
    "Rating",
    "Rule",
    "RuleKind",
    "Scale",
    "Scorecard",
    "Sensitivity",
    "Specification",
    "SystemEvidence",
]
