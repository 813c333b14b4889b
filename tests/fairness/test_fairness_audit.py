"""The audit: JSON shape, references, small groups, verdicts, and properties of the count."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tianping.fairness import (
    DEFAULT_DISPARITIES,
    STAGES,
    AuditResult,
    FairnessDataError,
    FairnessError,
    audit,
    audit_table,
    count_table,
)
from tianping.fairness._messages import (
    ERR_BAD_PARAMETER,
    ERR_BAD_REFERENCE,
    ERR_REFERENCE_TOO_SMALL,
    ERR_SINGLE_GROUP,
    ERR_SINGLE_LEVEL,
    ERR_UNKNOWN_REFERENCE,
    EXPLAIN_EXCLUDED,
    localized,
)

from .conftest import decisions

GROUP_KEYS = {
    "attributes",
    "count",
    "weight",
    "selection_rate",
    "base_rate",
    "tpr",
    "fpr",
    "tnr",
    "fnr",
    "precision",
    "npv",
    "fdr",
    "for",
    "accuracy",
    "error_rate",
    "auc",
    "calibration",
    "calibration_error",
    "ci",
    "insufficient_data",
}
DISPARITY_KEYS = {
    "metric",
    "attributes",
    "value",
    "vs_reference",
    "reference",
    "compared_rate",
    "lowest",
    "highest",
    "ci",
    "p_value",
    "test",
    "verdict",
    "explanation",
    "explanation_i18n",
    "groups_compared",
    "excluded_groups",
}
AUDIT = {"protected": ["sex", "age"], "label": "y", "prediction": "yhat"}
BINS = {"age": [0, 30, 50, 200]}


@pytest.fixture(scope="module")
def result() -> AuditResult:
    df = decisions(3000, seed=51, missing=True)
    return audit(df, **AUDIT, bins=BINS, score="score", replicates=200)


def test_the_json_has_groups_marginals_disparities_and_meta(result: AuditResult) -> None:
    document = json.loads(json.dumps(result.to_json(language="en"), allow_nan=False))
    assert {"schema", "language", "verdict", "meta", "overall", "groups", "marginals"} <= set(
        document
    )
    first = document["groups"][0]
    assert set(first) == GROUP_KEYS
    assert first["attributes"] == {"sex": "F", "age": "0-30"}
    assert set(document["marginals"]) == {"sex", "age"}
    assert [g["attributes"] for g in document["marginals"]["sex"]] == [
        {"sex": "F"},
        {"sex": "M"},
        {"sex": "(missing)"},
    ]
    assert all(set(d) == DISPARITY_KEYS for d in document["disparities"])
    assert len(document["disparities"]) == 3 * len(DEFAULT_DISPARITIES)
    meta = document["meta"]
    assert meta["rows"] == 3000 and meta["engine"] == "pandas" and meta["seed"] == 0
    assert meta["replicates"] == 200 and meta["policy"]["id"] == "four-fifths"
    assert meta["version"] and meta["score"] == "score" and meta["threshold"] is None


def test_groups_are_intersections_and_marginals_one_attribute_at_a_time(
    result: AuditResult,
) -> None:
    assert all(set(g.attributes) == {"sex", "age"} for g in result.groups)
    for attribute, groups in result.marginals.items():
        assert all(set(g.attributes) == {attribute} for g in groups)
        assert sum(g.count for g in groups) == result.meta.rows
    assert result.overall.count == result.meta.rows and result.overall.attributes == {}


def test_missing_values_are_a_reported_group(result: AuditResult) -> None:
    sexes = {g.attributes["sex"] for g in result.groups}
    ages = {g.attributes["age"] for g in result.groups}
    assert "(missing)" in sexes and "(missing)" in ages


def test_small_groups_are_flagged_reported_and_excluded_from_verdicts(
    result: AuditResult,
) -> None:
    small = [g for g in result.groups if g.count < 30]
    assert small and all(g.insufficient_data for g in small)
    di = result.disparity("disparate_impact")
    assert list(di.excluded_groups) == [g.attributes for g in small]
    assert di.groups_compared == len(result.groups) - len(small)
    sentence = localized(
        EXPLAIN_EXCLUDED,
        count=len(small),
        minimum=30,
        groups="; ".join(", ".join(f"{k}={v}" for k, v in g.attributes.items()) for g in small),
    )
    assert sentence.en in di.explanation.en and sentence.zh in di.explanation.zh


def test_the_four_fifths_rule_finds_the_built_in_bias(result: AuditResult) -> None:
    di = result.disparity("disparate_impact", ["sex"])
    assert di.value < 0.8 and di.verdict in {"warn", "fail"}
    assert di.lowest == {"sex": "F"} and di.reference == {"sex": "M"}
    assert di.p_value < 0.001 and di.test == "chi-square"
    assert di.ci is not None and di.ci[0] < di.value < di.ci[1]
    assert result.verdict in {"warn", "fail"}
    # Metrics the policy does not judge are reported without a verdict.
    assert result.disparity("theil_index").verdict is None


def test_the_export_review_policy_judges_several_metrics() -> None:
    df = decisions(3000, seed=52)
    result = audit(df, **AUDIT, bins=BINS, policy="export-review", replicates=0)
    judged = {d.metric for d in result.disparities if d.verdict is not None}
    assert len(judged) >= 5
    assert all(d.ci is None for d in result.disparities)
    assert result.meta.policy.id == "export-review"


def test_custom_tolerances_judge_any_rate_difference() -> None:
    df = decisions(2000, seed=53)
    result = audit(
        df,
        **AUDIT,
        bins=BINS,
        tolerances={"fpr_difference": {"pass": 0.5, "warn": 0.6}},
        replicates=0,
    )
    assert result.disparity("fpr_difference").verdict == "pass"
    assert result.meta.policy.id == "four-fifths+custom"


@pytest.mark.parametrize("reference", ["largest", "most_favoured", {"sex": "F", "age": "30-50"}])
def test_the_reference_group_can_be_chosen(reference: Any) -> None:
    df = decisions(3000, seed=54)
    result = audit(df, **AUDIT, bins=BINS, reference=reference, replicates=0)
    dp = result.disparity("demographic_parity_difference")
    by_group = {tuple(g.attributes.values()): g for g in result.groups}
    if reference == "largest":
        expected = max(result.groups, key=lambda g: g.count).attributes
    elif reference == "most_favoured":
        expected = max(result.groups, key=lambda g: g.rates["selection_rate"]).attributes
    else:
        expected = reference
    assert dp.reference == expected
    ref_rate = by_group[tuple(expected.values())].rates["selection_rate"]
    gaps = [abs(g.rates["selection_rate"] - ref_rate) for g in result.groups]
    assert dp.vs_reference == pytest.approx(max(gaps))
    assert result.disparity("demographic_parity_difference", ["sex"]).reference == (
        {"sex": expected["sex"]}
    )


@pytest.mark.parametrize(
    ("reference", "template"),
    [
        ({"sex": "X", "age": "30-50"}, ERR_UNKNOWN_REFERENCE),
        ({"sex": "F"}, ERR_BAD_REFERENCE),
        ("smallest", ERR_BAD_REFERENCE),
    ],
)
def test_a_bad_reference_group_is_an_error(reference: Any, template: object) -> None:
    with pytest.raises(FairnessError) as caught:
        audit(decisions(500, seed=55), **AUDIT, bins=BINS, reference=reference, replicates=0)
    assert caught.value.template == template


def test_a_reference_group_with_too_few_rows_is_an_error() -> None:
    df = decisions(500, seed=56)
    df.loc[df.index[:5], "sex"] = "X"
    with pytest.raises(FairnessError) as caught:
        audit(df, **AUDIT, bins=BINS, reference={"sex": "X", "age": "30-50"}, replicates=0)
    assert caught.value.template in {ERR_REFERENCE_TOO_SMALL, ERR_UNKNOWN_REFERENCE}
    with pytest.raises(FairnessError) as caught:
        audit(df, protected="sex", label="y", prediction="yhat", reference={"sex": "X"})
    assert caught.value.template == ERR_REFERENCE_TOO_SMALL


def test_all_rows_in_one_group_is_an_error() -> None:
    df = decisions(200, seed=57).assign(sex="F")
    with pytest.raises(FairnessDataError) as caught:
        audit(df, protected="sex", label="y", prediction="yhat")
    assert caught.value.template == ERR_SINGLE_GROUP
    assert caught.value.params["group"] == "sex=F"
    with pytest.raises(FairnessDataError) as caught:
        audit(df, protected=["race", "sex"], label="y", prediction="yhat")
    assert caught.value.template == ERR_SINGLE_LEVEL


def test_bad_parameters_are_errors() -> None:
    with pytest.raises(FairnessError) as caught:
        audit(decisions(100), **AUDIT, bins=BINS, confidence=1.5)
    assert caught.value.template == ERR_BAD_PARAMETER


def test_progress_reports_each_stage_in_order() -> None:
    stages: list[str] = []
    audit(decisions(300, seed=58), **AUDIT, bins=BINS, replicates=10, progress=stages.append)
    assert stages == list(STAGES)


def test_undefined_values_are_null_in_json() -> None:
    df = pd.DataFrame({"g": ["a"] * 40 + ["b"] * 40, "y": [0] * 80, "p": [1, 0] * 40})
    result = audit(df, protected="g", label="y", prediction="p", replicates=50)
    document = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert document["groups"][0]["tpr"] is None
    eo = next(d for d in document["disparities"] if d["metric"] == "equal_opportunity_difference")
    assert eo["value"] is None and eo["ci"] is None


def test_explanations_are_bilingual(result: AuditResult) -> None:
    di = result.disparity("disparate_impact")
    # The policy is named by its title in each language, not by its id.
    assert "Four-fifths rule" in di.explanation.en and "策略“五分之四规则" in di.explanation.zh
    zh = result.to_json()["disparities"][2]
    assert zh["explanation"] == zh["explanation_i18n"]["zh-Hans"]


def test_a_weighted_audit_records_total_weight() -> None:
    df = decisions(800, seed=59)
    result = audit(df, **AUDIT, bins=BINS, weights="w", replicates=20)
    assert result.meta.weighted and result.meta.total_weight == pytest.approx(df["w"].sum())
    assert result.overall.weight == pytest.approx(df["w"].sum())


# --- properties of the count --------------------------------------------------------------------

rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from(["x", "y"]),
        st.integers(0, 1),
        st.integers(0, 1),
        st.integers(1, 4),
    ),
    min_size=4,
    max_size=60,
)
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OPTIONS: dict[str, Any] = {"protected": ["g", "h"], "label": "y", "prediction": "p", "weights": "w"}


def frame(data: list[tuple[str, str, int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(data, columns=["g", "h", "y", "p", "w"]).astype({"w": float})


def auditable(df: pd.DataFrame) -> bool:
    return df["g"].nunique() > 1 and df["h"].nunique() > 1


def same(a: dict[str, Any], b: dict[str, Any]) -> None:
    a, b = dict(a), dict(b)
    source = {"engine", "label", "prediction", "score", "threshold", "positive"}
    a["meta"] = {k: v for k, v in a["meta"].items() if k not in source}
    b["meta"] = {k: v for k, v in b["meta"].items() if k not in source}
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@PROPERTY
@given(first=rows, second=rows)
def test_merging_count_tables_equals_auditing_the_concatenated_data(
    first: list[tuple[str, str, int, int, int]], second: list[tuple[str, str, int, int, int]]
) -> None:
    df = frame(first + second)
    assume(auditable(df))
    merged = count_table(frame(first), **OPTIONS) + count_table(frame(second), **OPTIONS)
    assert merged == count_table(df, **OPTIONS)
    same(
        audit_table(merged, min_group_size=2, replicates=30).to_json(),
        audit(df, **OPTIONS, min_group_size=2, replicates=30).to_json(),
    )


@PROPERTY
@given(data=rows, seed=st.integers(0, 2**16))
def test_row_order_changes_nothing(data: list[tuple[str, str, int, int, int]], seed: int) -> None:
    df = frame(data)
    assume(auditable(df))
    shuffled = df.sample(frac=1.0, random_state=seed)
    same(
        audit(df, **OPTIONS, min_group_size=2, replicates=30).to_json(),
        audit(shuffled, **OPTIONS, min_group_size=2, replicates=30).to_json(),
    )


@PROPERTY
@given(data=rows)
def test_relabelling_groups_permutes_the_results(
    data: list[tuple[str, str, int, int, int]],
) -> None:
    df = frame(data)
    assume(auditable(df))
    rename = {"a": "zeta", "b": "alpha", "c": "mu"}
    before = audit(df, **OPTIONS, min_group_size=2, replicates=0)
    after = audit(df.assign(g=df["g"].map(rename)), **OPTIONS, min_group_size=2, replicates=0)
    moved = {(rename[g.attributes["g"]], g.attributes["h"]): g for g in before.groups}
    assert len(moved) == len(after.groups)
    for group in after.groups:
        original = moved[(group.attributes["g"], group.attributes["h"])]
        assert group.count == original.count
        np.testing.assert_allclose(
            list(group.rates.values()), list(original.rates.values()), rtol=1e-12, equal_nan=True
        )
    for a, b in zip(before.disparities, after.disparities, strict=True):
        assert a.metric == b.metric
        assert a.value == pytest.approx(b.value, rel=1e-12, nan_ok=True)
        assert (math.isnan(a.p_value) and math.isnan(b.p_value)) or a.p_value == pytest.approx(
            b.p_value, rel=1e-9
        )
