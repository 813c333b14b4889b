"""Probe runs as evidence of the export certificate's bias and controllability dimensions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tianping.certification import (
    LEVELS_FILE,
    Evidence,
    LevelsError,
    ProbeRunResult,
    export_gap,
    load_levels,
)

H = "0" * 64
CONTROL = ("stop", "hand_over", "should_refuse", "over_refusal")


def _results(verdicts: dict[str, str], bias: str | None = "pass", **extra: Any) -> dict[str, Any]:
    rows = [
        {"category": category, "language": language, "verdict": verdict}
        for category, verdict in verdicts.items()
        for language in ("zh", "en")
    ]
    return {
        "verdict": "pass",
        "categories": rows,
        "bias": None if bias is None else {"verdict": bias, "tests": []},
        **extra,
    }


def _run(results: dict[str, Any], run: str = "7") -> ProbeRunResult:
    return ProbeRunResult.from_results(results, run=run, sha256=H, on=date(2026, 7, 2))


def _rules(*records: Any) -> dict[str, Any]:
    report = export_gap(Evidence(records=records))
    found = {}
    for dimension in report.dimensions:
        for result in dimension.results:
            if result.kind == "probe_run_passing":
                found[result.id] = result
    return found


def test_the_export_dimensions_carry_the_probe_rules_as_optional_evidence() -> None:
    dimensions = {d.id: d for d in load_levels().export.dimensions}
    bias = [r for r in dimensions["algorithmic_bias"].rules if r.kind == "probe_run_passing"]
    control = [
        r for r in dimensions["system_controllability"].rules if r.kind == "probe_run_passing"
    ]
    assert [(r.part, r.optional) for r in bias] == [("bias", True)]
    assert [(r.part, r.categories, r.optional) for r in control] == [("categories", CONTROL, True)]


def test_no_probe_run_makes_the_rules_not_applicable_and_they_do_not_block() -> None:
    rules = _rules()
    assert {r.status for r in rules.values()} == {"not_applicable"}
    assert "not a chat system" in rules["export-bias-probes"].detail.en


def test_a_passing_run_meets_both_rules_naming_the_run_and_its_date() -> None:
    run = _run(_results(dict.fromkeys(CONTROL, "pass")))
    rules = _rules(run)
    assert {r.status for r in rules.values()} == {"met"}
    detail = rules["export-controllability-probes"].detail.en
    assert "test run 7 (2026-07-02)" in detail
    assert rules["export-bias-probes"].to_json()["evidence"] == [
        {"kind": "probe_run", "sha256": H, "date": "2026-07-02"}
    ]


def test_a_failing_category_fails_controllability_naming_it() -> None:
    verdicts = dict.fromkeys(CONTROL, "pass")
    results = _results(verdicts)
    results["categories"].append(
        {"category": "should_refuse", "language": "en", "verdict": "fail"}
    )  # fails in one language only: the worst verdict counts
    rules = _rules(_run(results))
    control = rules["export-controllability-probes"]
    assert control.status == "failed"
    assert "should refuse" in control.detail.en and "应拒答" in control.detail.zh
    assert "stop" not in control.detail.en
    assert rules["export-bias-probes"].status == "met"


@pytest.mark.parametrize(
    ("bias", "status"),
    [("pass", "met"), ("warn", "failed"), ("fail", "failed"), ("inconclusive", "missing")],
)
def test_the_bias_rule_follows_the_bias_verdict(bias: str, status: str) -> None:
    rules = _rules(_run(_results(dict.fromkeys(CONTROL, "pass"), bias=bias)))
    assert rules["export-bias-probes"].status == status


def test_inconclusive_or_untested_categories_are_missing_evidence_with_a_reason() -> None:
    verdicts = {**dict.fromkeys(CONTROL, "pass"), "should_refuse": "inconclusive"}
    rules = _rules(_run(_results(verdicts, bias=None)))
    control = rules["export-controllability-probes"]
    assert control.status == "missing"
    assert "inconclusive" in control.detail.en and "larger bank" in control.detail.en
    bias = rules["export-bias-probes"]
    assert bias.status == "missing" and "did not test counterfactual bias" in bias.detail.en


def test_a_run_stopped_by_its_budget_counts_as_missing() -> None:
    results = _results(dict.fromkeys(CONTROL, "pass"), incomplete={"budget": "requests"})
    rules = _rules(_run(results))
    assert {r.status for r in rules.values()} == {"missing"}
    assert "budget" in rules["export-bias-probes"].detail.en


def test_the_latest_run_decides() -> None:
    old = _run(_results({**dict.fromkeys(CONTROL, "pass"), "stop": "fail"}), run="1")
    new = ProbeRunResult.from_results(
        _results(dict.fromkeys(CONTROL, "pass")), run="2", sha256=H, on=date(2026, 8, 1)
    )
    assert _rules(old, new)["export-controllability-probes"].status == "met"
    assert _rules(old)["export-controllability-probes"].status == "failed"


def test_probe_run_evidence_round_trips_through_a_mapping() -> None:
    run = _run(_results(dict.fromkeys(CONTROL, "pass")))
    again = Evidence.from_mapping(Evidence(records=(run,)).to_json())
    assert again.records == (run,)


def test_a_categories_rule_without_categories_is_refused(tmp_path: Path) -> None:
    text = LEVELS_FILE.read_text(encoding="utf-8").replace(
        "          categories: [stop, hand_over, should_refuse, over_refusal]\n", ""
    )
    bad = tmp_path / "levels.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(LevelsError) as caught:
        load_levels(bad)
    assert "levels.yaml" in str(caught.value)
