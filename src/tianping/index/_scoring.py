"""Scoring: a pure function of (specification, evidence), every point traced to its evidence.

No clock, no randomness, no input is changed: the same specification and the
same evidence always give the same :class:`Scorecard`. Values are exact
fractions (a completeness of 0.8 is 4/5), so totals are exact too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from tianping.index._models import (
    EVIDENCE_KIND,
    DomainScore,
    EvidenceItem,
    Indicator,
    IndicatorScore,
    Scorecard,
    Specification,
    SystemEvidence,
)

HUNDRED = Fraction(100)
_SELECTOR: Mapping[str, str] = {
    "document": "document",
    "fairness_verdict": "check",
    "probe_pass_rate": "suite",
    "switch_tested": "switch",
    "energy_reported": "phase",
    "status_level": "topic",
    "count_ratio": "measure",
}

Outcome = tuple[Fraction | None, tuple[EvidenceItem, ...], str]
"""A rule's result: the value (``None``: missing), the items it used, and why."""


def _number(value: Any) -> Fraction:
    return Fraction(str(value))


def _latest(items: Sequence[EvidenceItem]) -> EvidenceItem:
    return max(items, key=lambda item: (item.date, item.id))


def _matching(indicator: Indicator, system: SystemEvidence) -> list[EvidenceItem]:
    kind = EVIDENCE_KIND[indicator.rule.kind]
    key = _SELECTOR.get(indicator.rule.kind)
    return [
        item
        for item in system.items
        if item.kind == kind and (key is None or item.fields.get(key) == indicator.rule.params[key])
    ]


def _document(indicator: Indicator, item: EvidenceItem) -> Outcome:
    if indicator.rule.params["require"] == "present":
        return Fraction(1), (item,), "document on record"
    if "completeness" not in item.fields:
        return None, (item,), "no completeness recorded for the document"
    value = _number(item.fields["completeness"])
    return value, (item,), f"completeness {item.fields['completeness']}"


def _verdict(indicator: Indicator, item: EvidenceItem) -> Outcome:
    verdict = item.fields["verdict"]
    levels = indicator.rule.params["levels"]
    if verdict not in levels:
        return None, (item,), f"verdict {verdict} has no value in the rule"
    return _number(levels[verdict]), (item,), f"verdict {verdict}"


def _probes(indicator: Indicator, item: EvidenceItem) -> Outcome:
    passed, total = item.fields["passed"], item.fields["total"]
    if passed > total:
        return None, (item,), f"{passed} passed of {total}: more passed than run"
    rate = Fraction(passed, total)
    threshold = indicator.rule.params.get("threshold")
    if threshold is None:
        return rate, (item,), f"{passed} of {total} probes passed"
    value = Fraction(1) if rate >= _number(threshold) else Fraction(0)
    return value, (item,), f"{passed} of {total} probes passed (threshold {threshold})"


def _certificate(indicator: Indicator, item: EvidenceItem) -> Outcome:
    levels = list(indicator.rule.params["levels"])
    level = item.fields["level"]
    if level not in levels:
        return None, (item,), f"certificate level {level} is not one of the rule's levels"
    return Fraction(levels.index(level), len(levels) - 1), (item,), f"certificate level {level}"


def _coverage(indicator: Indicator, item: EvidenceItem) -> Outcome:
    covered, total = item.fields["covered"], item.fields["total"]
    if covered > total:
        return None, (item,), f"{covered} covered of {total}: more covered than exist"
    return Fraction(covered, total), (item,), f"{covered} of {total} endpoints monitored"


def _switch(indicator: Indicator, item: EvidenceItem) -> Outcome:
    result = item.fields["result"]
    return (Fraction(1) if result == "pass" else Fraction(0)), (item,), f"switch test {result}"


def _energy(indicator: Indicator, item: EvidenceItem) -> Outcome:
    method = item.fields["method"]
    levels = indicator.rule.params["levels"]
    if method == "estimated" and not str(item.fields.get("method_note", "")).strip():
        return Fraction(0), (item,), "estimated without the method stated"
    if method not in levels:
        return None, (item,), f"method {method} has no value in the rule"
    return _number(levels[method]), (item,), f"{method}: {item.fields['kwh']} kWh"


def _status(indicator: Indicator, item: EvidenceItem) -> Outcome:
    status = item.fields["status"]
    levels = indicator.rule.params["levels"]
    if status not in levels:
        return None, (item,), f"status {status} has no value in the rule"
    return _number(levels[status]), (item,), f"{indicator.rule.params['topic']}: {status}"


def _ratio(indicator: Indicator, item: EvidenceItem) -> Outcome:
    numerator, denominator = item.fields["numerator"], item.fields["denominator"]
    if numerator > denominator:
        return None, (item,), f"{numerator} of {denominator}: more than the whole"
    rate = Fraction(numerator, denominator)
    threshold = indicator.rule.params.get("threshold")
    if threshold is None:
        return rate, (item,), f"{numerator} of {denominator}"
    value = Fraction(1) if rate >= _number(threshold) else Fraction(0)
    return value, (item,), f"{numerator} of {denominator} (threshold {threshold})"


_SINGLE: Mapping[str, Callable[[Indicator, EvidenceItem], Outcome]] = {
    "document": _document,
    "fairness_verdict": _verdict,
    "probe_pass_rate": _probes,
    "certificate_level": _certificate,
    "monitor_coverage": _coverage,
    "switch_tested": _switch,
    "energy_reported": _energy,
    "status_level": _status,
    "count_ratio": _ratio,
}


def _incidents(indicator: Indicator, system: SystemEvidence) -> Outcome:
    severity = indicator.rule.params["severity"]
    items = _matching(indicator, system)
    if severity != "any":
        items = [i for i in items if i.fields["severity"] == severity]
    if not items:
        return None, (), f"no incident history ({severity})"
    latest: dict[str, EvidenceItem] = {}
    for item in sorted(items, key=lambda i: (i.date, i.id)):
        latest[item.fields["severity"]] = item
    used = tuple(latest[s] for s in sorted(latest))
    count = sum(int(i.fields["count"]) for i in used)
    zero_at = int(indicator.rule.params["zero_at"])
    value = max(Fraction(0), 1 - Fraction(count, zero_at))
    return value, used, f"{count} incident(s), zero at {zero_at}"


def _raters(indicator: Indicator, system: SystemEvidence) -> Outcome:
    rating = next((r for r in system.ratings if r.indicator == indicator.id), None)
    if rating is None:
        return None, (), "not rated"
    final = rating.final
    scores = ", ".join(f"{k} {v}" for k, v in sorted(rating.scores.items()))
    if final is None:
        return None, (), f"raters disagree ({scores}) and no resolution is on record"
    how = f"resolved {final}" if rating.resolved is not None and not rating.agreed else f"{final}"
    return Fraction(final, indicator.levels), (), f"raters: {scores or 'consensus'} → {how}"


def evaluate(indicator: Indicator, system: SystemEvidence) -> Outcome:
    """The value of one indicator for one system under its rule, the items used, and why."""
    kind = indicator.rule.kind
    if kind == "raters":
        return _raters(indicator, system)
    if kind == "incident_count":
        return _incidents(indicator, system)
    items = _matching(indicator, system)
    if not items:
        return None, (), f"no {EVIDENCE_KIND[kind]} evidence"
    return _SINGLE[kind](indicator, _latest(items))


def score(spec: Specification, system: SystemEvidence) -> Scorecard:
    """The scorecard of one system: a pure function of ``spec`` and ``system``.

    Missing evidence counts 0 in ``total`` and is listed in ``missing``; each
    :class:`IndicatorScore` names the rule, the items (id and SHA-256) and the reason.

    Examples
    --------
    >>> from tianping.index import SystemEvidence, load_spec
    >>> card = score(load_spec("2026.1"), SystemEvidence("empty", "empty", ()))
    >>> card.total, len(card.missing) == len(card.indicators)
    (Fraction(0, 1), True)
    """
    shares = spec.effective_weights()
    scores: list[IndicatorScore] = []
    for indicator, share in zip(spec.indicators, shares, strict=True):
        value, items, reason = evaluate(indicator, system)
        points = HUNDRED * share * (value or 0)
        scores.append(
            IndicatorScore(
                indicator=indicator.id,
                domain=indicator.domain,
                value=value,
                points=points,
                rule=indicator.rule.describe(),
                evidence=tuple((item.id, item.sha256) for item in items),
                reason=reason,
                missing=reason if value is None else "",
            )
        )
    domains = _groups(spec, scores, shares, lambda i: i.domain)
    subdomains = (
        _groups(spec, scores, shares, lambda i: i.subdomain)
        if any(i.subdomain for i in spec.indicators)
        else ()
    )
    return Scorecard(
        system=system.system,
        spec_version=spec.version,
        total=sum((s.points for s in scores), Fraction(0)),
        indicators=tuple(scores),
        domains=domains,
        subdomains=subdomains,
        missing=tuple(s.indicator for s in scores if s.value is None),
    )


def _groups(
    spec: Specification,
    scores: Sequence[IndicatorScore],
    shares: Sequence[Fraction],
    key: Callable[[Indicator], str],
) -> tuple[DomainScore, ...]:
    order: list[str] = []
    acc: dict[str, list[Fraction | int]] = {}
    for indicator, result, share in zip(spec.indicators, scores, shares, strict=True):
        group = key(indicator)
        if group not in acc:
            order.append(group)
            acc[group] = [Fraction(0), Fraction(0), Fraction(0), Fraction(0), 0]
        row = acc[group]
        row[0] += indicator.weight * (result.value or 0)
        row[1] += indicator.weight
        row[2] += result.points
        row[3] += HUNDRED * share
        row[4] += result.value is None
    return tuple(
        DomainScore(
            id=group,
            score=HUNDRED * Fraction(acc[group][0]) / Fraction(acc[group][1]),
            points=Fraction(acc[group][2]),
            max_points=Fraction(acc[group][3]),
            missing=int(acc[group][4]),
        )
        for group in order
    )


def score_all(spec: Specification, population: Sequence[SystemEvidence]) -> tuple[Scorecard, ...]:
    """:func:`score` of every system, in order (each system's card depends on it alone)."""
    return tuple(score(spec, system) for system in population)


def value_matrix(
    spec: Specification, population: Sequence[SystemEvidence]
) -> npt.NDArray[np.float64]:
    """Each system's indicator values as a (systems × indicators) array; NaN where missing."""
    values = np.full((len(population), len(spec.indicators)), np.nan)
    for row, system in enumerate(population):
        for column, indicator in enumerate(spec.indicators):
            value = evaluate(indicator, system)[0]
            if value is not None:
                values[row, column] = float(value)
    return values


__all__ = ["evaluate", "score", "score_all", "value_matrix"]
