"""Policies are data: presets, custom tolerances, verdicts, and clear errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from tianping.fairness import (
    PolicyError,
    Tolerance,
    available_policies,
    load_policy,
    policy_from_mapping,
)
from tianping.fairness._messages import ERR_INVALID_POLICY, ERR_UNKNOWN_METRIC, ERR_UNKNOWN_POLICY
from tianping.text import LocalizedText


def test_the_presets_ship_as_data() -> None:
    assert available_policies() == ("export-review", "four-fifths")
    for name in available_policies():
        policy = load_policy(name)
        assert policy.id == name
        assert policy.title.zh and policy.title.en and policy.source


@pytest.mark.parametrize(
    ("value", "verdict"),
    [(0.95, "pass"), (0.8, "pass"), (0.79, "warn"), (0.7, "warn"), (0.69, "fail"), (0.0, "fail")],
)
def test_four_fifths_passes_at_eighty_percent_and_warns_down_to_seventy(
    value: float, verdict: str
) -> None:
    tolerance = load_policy("four-fifths").tolerance_for("disparate_impact")
    assert tolerance is not None
    assert tolerance.judge(value) == verdict


def test_export_review_is_stricter_and_judges_several_metrics() -> None:
    export = load_policy("export-review")
    four_fifths = load_policy("four-fifths")
    assert len(export.metrics) > len(four_fifths.metrics)
    di = export.tolerance_for("disparate_impact")
    assert di is not None and di.judge(0.85) == "warn"
    dp = export.tolerance_for("demographic_parity_difference")
    assert dp is not None and dp.direction == "at_most"
    assert [dp.judge(v) for v in (0.03, 0.08, 0.2)] == ["pass", "warn", "fail"]


def test_an_undefined_value_is_inconclusive_never_a_pass() -> None:
    tolerance = Tolerance("disparate_impact", "at_least", 0.8, 0.7)
    assert tolerance.judge(math.nan) == "inconclusive"
    assert tolerance.judge(None) == "inconclusive"


def test_custom_tolerances_add_or_replace_metrics() -> None:
    policy = load_policy("four-fifths").with_tolerances(
        {
            "disparate_impact": {"pass": 0.9, "warn": 0.85},
            "fpr_difference": {"pass": 0.02, "warn": 0.05},
        }
    )
    assert policy.id == "four-fifths+custom"
    di = policy.tolerance_for("disparate_impact")
    assert di is not None and di.judge(0.87) == "warn"
    fpr = policy.tolerance_for("fpr_difference")
    assert fpr is not None and fpr.direction == "at_most" and fpr.judge(0.04) == "warn"


def test_a_policy_file_can_be_loaded(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "id": "bank",
                "title": {"zh-Hans": "银行", "en": "Bank"},
                "description": {"zh-Hans": "信贷审批", "en": "Credit approvals"},
                "tolerances": {"equal_opportunity_difference": {"pass": 0.03, "warn": 0.06}},
            }
        ),
        encoding="utf-8",
    )
    policy = load_policy(path)
    assert policy.id == "bank" and policy.metrics == ("equal_opportunity_difference",)
    assert load_policy(str(path)) == policy


def test_an_unknown_policy_is_a_clear_error() -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy("five-sixths")
    assert caught.value.template == ERR_UNKNOWN_POLICY
    assert str(caught.value) == ERR_UNKNOWN_POLICY.en.format(
        name="five-sixths", known="export-review, four-fifths"
    )


@pytest.mark.parametrize(
    ("tolerances", "template"),
    [
        ({"disparate_impact": {"pass": 0.7, "warn": 0.8}}, ERR_INVALID_POLICY),  # warn > pass
        ({"demographic_parity_difference": {"pass": 0.1, "warn": 0.05}}, ERR_INVALID_POLICY),
        ({"disparate_impact": {"pass": 0.8}}, ERR_INVALID_POLICY),
        ({"disparate_impact": {"pass": "high", "warn": 0.7}}, ERR_INVALID_POLICY),
        ({"happiness_index": {"pass": 1, "warn": 2}}, ERR_UNKNOWN_METRIC),
        ({}, ERR_INVALID_POLICY),
    ],
)
def test_an_invalid_policy_is_a_clear_error(
    tolerances: dict[str, object], template: LocalizedText
) -> None:
    data = {
        "id": "x",
        "title": {"zh-Hans": "x", "en": "x"},
        "description": {"zh-Hans": "x", "en": "x"},
        "tolerances": tolerances,
    }
    with pytest.raises(PolicyError) as caught:
        policy_from_mapping(data)
    assert caught.value.template == template


def test_a_policy_without_titles_is_invalid() -> None:
    with pytest.raises(PolicyError) as caught:
        policy_from_mapping({"id": "x", "tolerances": {}})
    assert caught.value.template == ERR_INVALID_POLICY
