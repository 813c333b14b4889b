"""Scoring is a pure function of (specification, evidence), traced point by point."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from tianping.index import (
    EvidenceItem,
    SystemEvidence,
    item_hash,
    load_spec,
    parse_evidence,
    read_evidence_file,
    score,
    score_all,
)

from .conftest import EXAMPLE


def test_the_same_inputs_give_the_same_scorecard_and_change_nothing(spec, population) -> None:
    fresh = read_evidence_file(EXAMPLE, spec)  # an equal but separate copy of the input
    first = score_all(spec, population)
    second = score_all(spec, fresh)
    assert first == second
    assert population == read_evidence_file(EXAMPLE, spec)
    assert spec == load_spec("2026.1")


def test_every_point_traces_to_its_evidence_and_rule(spec, population) -> None:
    for system, card in zip(population, score_all(spec, population), strict=True):
        items = {item.id: item for item in system.items}
        assert card.total == sum(s.points for s in card.indicators)
        for result in card.indicators:
            indicator = spec.indicator(result.indicator)
            assert result.rule == indicator.rule.describe()
            assert result.reason
            if result.value is not None and indicator.rule.automatic:
                assert result.evidence, result
            for ident, digest in result.evidence:
                assert items[ident].sha256 == digest
                assert items[ident].kind


def test_hashes_are_of_the_item_content() -> None:
    item = {"id": "a", "kind": "document", "document": "model_card", "completeness": 0.5}
    assert item_hash(item) == item_hash(dict(reversed(item.items())))
    assert item_hash(item) != item_hash({**item, "completeness": 0.6})


def test_missing_evidence_is_reported_as_missing_never_silently_zero(spec) -> None:
    card = score(spec, SystemEvidence("bare", "bare", ()))
    assert card.total == 0
    assert set(card.missing) == {i.id for i in spec.indicators}
    for result in card.indicators:
        assert result.value is None and result.missing


def test_a_failed_switch_test_is_zero_not_missing(spec, population) -> None:
    card = score(spec, population[1])
    result = card.indicator("co.kill_switch")
    assert result.value == 0 and not result.missing and "co.kill_switch" not in card.missing


def test_unresolved_disagreement_is_missing_and_a_resolution_counts(spec, population) -> None:
    card = score(spec, population[0])
    assert "co.opt_out" in card.missing
    assert "disagree" in card.indicator("co.opt_out").reason
    assert card.indicator("fa.mitigation_plan").value == Fraction(2, 3)


def _with(system: SystemEvidence, item: dict) -> SystemEvidence:
    extra = EvidenceItem(
        item["id"],
        item["kind"],
        item_hash(item),
        {k: v for k, v in item.items() if k not in ("id", "kind")},
    )
    return dataclasses.replace(system, items=(*system.items, extra))


def test_adding_evidence_never_lowers_an_indicator_that_rewards_it(spec, population) -> None:
    rewarding = [
        ("tr.model_card", {"id": "new", "kind": "document", "document": "model_card"}),
        (
            "tr.algorithm_documentation",
            {
                "id": "new",
                "kind": "document",
                "document": "algorithm_documentation",
                "completeness": 0.2,
            },
        ),
        (
            "sa.robustness",
            {"id": "new", "kind": "probe_result", "suite": "robustness", "passed": 1, "total": 9},
        ),
        (
            "en.training_energy",
            {
                "id": "new",
                "kind": "energy_report",
                "phase": "training",
                "method": "measured",
                "kwh": 3,
            },
        ),
        (
            "co.human_override",
            {"id": "new", "kind": "switch_test", "switch": "human_override", "result": "pass"},
        ),
    ]
    for system in population:
        base = score(spec, system)
        for indicator, item in rewarding:
            after = score(spec, _with(system, item))
            before_value = base.indicator(indicator).value or 0
            assert after.indicator(indicator).value >= before_value, indicator
            assert after.total >= base.total


def test_permuting_systems_does_not_change_their_scores(spec, population) -> None:
    forward = {c.system: c for c in score_all(spec, population)}
    backward = {c.system: c for c in score_all(spec, tuple(reversed(population)))}
    assert forward == backward


def test_the_latest_item_of_a_kind_counts(spec) -> None:
    document = {
        "systems": [
            {
                "id": "s",
                "evidence": [
                    {
                        "id": "old",
                        "kind": "probe_result",
                        "suite": "bias",
                        "passed": 1,
                        "total": 2,
                        "date": "2025-01-01",
                    },
                    {
                        "id": "new",
                        "kind": "probe_result",
                        "suite": "bias",
                        "passed": 3,
                        "total": 4,
                        "date": "2026-01-01",
                    },
                ],
            }
        ]
    }
    (system,) = parse_evidence(document, spec)
    result = score(spec, system).indicator("fa.bias_probes")
    assert result.value == Fraction(3, 4) and result.evidence[0][0] == "new"
