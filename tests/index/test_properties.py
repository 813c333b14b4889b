"""Properties of the index under the newest specification, over generated evidence: adding
evidence never lowers an indicator that rewards it, the order of the systems changes no score,
and evidence that is absent is reported as missing."""

from __future__ import annotations

from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tianping.index import (
    EVIDENCE_KIND,
    EvidenceItem,
    Indicator,
    Rating,
    SystemEvidence,
    evaluate,
    item_hash,
    load_spec,
    rank_ranges,
    score,
    score_all,
    value_matrix,
)

SPEC = load_spec()
AUTOMATIC = [i for i in SPEC.indicators if i.rule.automatic]
RATED = [i for i in SPEC.indicators if not i.rule.automatic]
DATES = st.dates().map(lambda d: d.isoformat())
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def _item(ident: str, kind: str, date: str, fields: dict[str, Any]) -> EvidenceItem:
    digest = item_hash({"id": ident, "kind": kind, "date": date, **fields})
    return EvidenceItem(ident, kind, digest, MappingProxyType(fields), date)


@st.composite
def fields_for(draw: st.DrawFn, indicator: Indicator) -> tuple[str, dict[str, Any]]:
    """Any evidence item the indicator's rule reads: its kind and fields."""
    rule, p = indicator.rule.kind, indicator.rule.params
    whole = draw(st.integers(1, 50))
    part = draw(st.integers(0, whole))
    if rule == "document":
        extra = draw(st.sampled_from([{}, {"completeness": part / whole}]))
        return "document", {"document": p["document"], **extra}
    if rule == "fairness_verdict":
        verdict = draw(st.sampled_from(["pass", "warn", "fail", "inconclusive"]))
        return "fairness_verdict", {"check": p["check"], "verdict": verdict}
    if rule == "probe_pass_rate":
        return "probe_result", {"suite": p["suite"], "passed": part, "total": whole}
    if rule == "certificate_level":
        return "certificate", {"level": draw(st.sampled_from(list(p["levels"])))}
    if rule == "incident_count":
        severity = p["severity"] if p["severity"] != "any" else draw(st.sampled_from(["a", "b"]))
        return "incident_history", {"severity": severity, "count": part}
    if rule == "monitor_coverage":
        return "monitor_coverage", {"covered": part, "total": whole}
    if rule == "switch_tested":
        result = draw(st.sampled_from(["pass", "fail"]))
        return "switch_test", {"switch": p["switch"], "result": result}
    if rule == "energy_reported":
        method = draw(st.sampled_from(["measured", "estimated"]))
        note = draw(st.sampled_from(["", "GPU hours × board power"]))
        return "energy_report", {
            "phase": p["phase"],
            "method": method,
            "kwh": 1.0,
            "method_note": note,
        }
    if rule == "status_level":
        return "status", {"topic": p["topic"], "status": draw(st.sampled_from(sorted(p["levels"])))}
    assert rule == "count_ratio", rule
    return "count", {"measure": p["measure"], "numerator": part, "denominator": whole}


def best_fields(indicator: Indicator) -> tuple[str, dict[str, Any]]:
    """The evidence item that rewards the indicator most."""
    rule, p = indicator.rule.kind, indicator.rule.params
    if rule == "document":
        return "document", {"document": p["document"], "completeness": 1}
    if rule == "fairness_verdict":
        verdict = max(p["levels"], key=lambda k: Fraction(str(p["levels"][k])))
        return "fairness_verdict", {"check": p["check"], "verdict": verdict}
    if rule == "probe_pass_rate":
        return "probe_result", {"suite": p["suite"], "passed": 7, "total": 7}
    if rule == "certificate_level":
        return "certificate", {"level": p["levels"][-1]}
    if rule == "incident_count":
        severity = p["severity"] if p["severity"] != "any" else "a"
        return "incident_history", {"severity": severity, "count": 0}
    if rule == "monitor_coverage":
        return "monitor_coverage", {"covered": 3, "total": 3}
    if rule == "switch_tested":
        return "switch_test", {"switch": p["switch"], "result": "pass"}
    if rule == "energy_reported":
        return "energy_report", {"phase": p["phase"], "method": "measured", "kwh": 1.0}
    if rule == "status_level":
        status = max(p["levels"], key=lambda k: Fraction(str(p["levels"][k])))
        return "status", {"topic": p["topic"], "status": status}
    assert rule == "count_ratio", rule
    return "count", {"measure": p["measure"], "numerator": 4, "denominator": 4}


@st.composite
def systems(draw: st.DrawFn, name: str = "s") -> SystemEvidence:
    chosen = draw(st.lists(st.sampled_from(AUTOMATIC), max_size=25))
    items = []
    for n, indicator in enumerate(chosen):
        kind, fields = draw(fields_for(indicator))
        items.append(_item(f"e{n}", kind, draw(DATES), fields))
    ratings = []
    for indicator in draw(st.lists(st.sampled_from(RATED), max_size=6, unique_by=lambda i: i.id)):
        scores = draw(st.lists(st.integers(0, indicator.levels), min_size=2, max_size=2))
        ratings.append(Rating(indicator.id, MappingProxyType({"r1": scores[0], "r2": scores[1]})))
    return SystemEvidence(name, name, tuple(items), tuple(ratings))


def _at_least(new: Fraction | None, old: Fraction | None) -> bool:
    return old is None or (new is not None and new >= old)


@SETTINGS
@given(system=systems(), indicator=st.sampled_from(AUTOMATIC), date=DATES)
def test_adding_evidence_never_lowers_an_indicator_that_rewards_it(
    system: SystemEvidence, indicator: Indicator, date: str
) -> None:
    kind, fields = best_fields(indicator)
    more = SystemEvidence(
        system.system,
        system.name,
        (*system.items, _item("added", kind, date, fields)),
        system.ratings,
    )
    assert _at_least(evaluate(indicator, more)[0], evaluate(indicator, system)[0])
    assert score(SPEC, more).total >= score(SPEC, system).total


@SETTINGS
@given(system=systems(), indicator=st.sampled_from(RATED), level=st.integers(0, 10))
def test_adding_an_agreed_rating_never_lowers_a_missing_indicator(
    system: SystemEvidence, indicator: Indicator, level: int
) -> None:
    if any(r.indicator == indicator.id for r in system.ratings):
        return
    agreed = min(level, indicator.levels)
    rating = Rating(indicator.id, MappingProxyType({"r1": agreed, "r2": agreed}))
    more = SystemEvidence(system.system, system.name, system.items, (*system.ratings, rating))
    assert evaluate(indicator, system)[0] is None
    assert evaluate(indicator, more)[0] == Fraction(agreed, indicator.levels)
    assert score(SPEC, more).total >= score(SPEC, system).total


@SETTINGS
@given(
    population=st.lists(systems(), min_size=2, max_size=6).map(
        lambda found: [
            SystemEvidence(f"s{n}", f"s{n}", s.items, s.ratings) for n, s in enumerate(found)
        ]
    ),
    permutation=st.randoms(use_true_random=False),
)
def test_permuting_the_systems_does_not_change_their_scores(
    population: list[SystemEvidence], permutation: Any
) -> None:
    shuffled = list(population)
    permutation.shuffle(shuffled)
    cards = {c.system: c for c in score_all(SPEC, population)}
    assert {c.system: c for c in score_all(SPEC, shuffled)} == cards
    before = {r.system: r for r in rank_ranges(SPEC, population, draws=30, seed=3).systems}
    after = {r.system: r for r in rank_ranges(SPEC, shuffled, draws=30, seed=3).systems}
    assert after == before


@SETTINGS
@given(system=systems())
def test_a_missing_evidence_item_is_reported_as_missing(system: SystemEvidence) -> None:
    card = score(SPEC, system)
    kinds = {(item.kind, tuple(sorted(item.fields.items()))) for item in system.items}
    rated = {r.indicator for r in system.ratings if r.final is not None}
    for indicator, result in zip(SPEC.indicators, card.indicators, strict=True):
        if indicator.rule.automatic:
            held = any(_reads(indicator, kind, dict(fields)) for kind, fields in kinds)
        else:
            held = indicator.id in rated
        if not held:
            assert result.value is None and result.missing, result
            assert indicator.id in card.missing
            assert result.points == 0 and not result.evidence
        if result.value is None:
            assert indicator.id in card.missing and result.missing
    # The sensitivity ranges see the same indicators as missing (NaN), never as 0.
    assert int(np.isnan(value_matrix(SPEC, [system])).sum()) == len(card.missing)


def _reads(indicator: Indicator, kind: str, fields: dict[str, Any]) -> bool:
    """Whether an item of this kind and fields is one the indicator's rule reads."""
    if EVIDENCE_KIND[indicator.rule.kind] != kind:
        return False
    p = indicator.rule.params
    for key in ("document", "check", "suite", "switch", "phase", "topic", "measure"):
        if key in p:
            return fields.get(key) == p[key]
    if indicator.rule.kind == "incident_count" and p["severity"] != "any":
        return fields.get("severity") == p["severity"]
    return True


def test_the_new_rules_score_status_levels_and_ratios() -> None:
    review = SPEC.indicator("ac.review_outcome")
    ledger = SPEC.indicator("ac.ledger_activity")
    assert review is not None and ledger is not None
    system = SystemEvidence(
        "x",
        "x",
        (
            _item(
                "r",
                "status",
                "2026-01-01",
                {"topic": "review_outcome", "status": "approve_after_modification"},
            ),
            _item(
                "l",
                "count",
                "2026-01-01",
                {"measure": "ledger_active_months", "numerator": 4, "denominator": 6},
            ),
        ),
    )
    assert evaluate(review, system)[0] == Fraction(3, 4)
    assert evaluate(ledger, system)[0] == Fraction(2, 3)
    odd = SystemEvidence(
        "y",
        "y",
        (
            _item("r", "status", "2026-01-01", {"topic": "review_outcome", "status": "withdrawn"}),
            _item(
                "l",
                "count",
                "2026-01-01",
                {"measure": "ledger_active_months", "numerator": 7, "denominator": 6},
            ),
        ),
    )
    # A status the rule gives no value, or a count over its whole: missing, with the reason.
    for indicator in (review, ledger):
        value, items, reason = evaluate(indicator, odd)
        assert value is None and items and reason
