"""Disparities agree with fairlearn; entropy indices with their individual-level definition."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    selection_rate,
)
from sklearn.metrics import precision_score

from tianping.fairness import (
    DISPARITIES,
    PolicyError,
    audit_table,
    between_group_entropy,
    count_table,
    disparity_definition,
)
from tianping.fairness._disparities import (
    difference_vs_reference,
    impact_ratio,
    ratio_vs_reference,
)
from tianping.fairness._messages import ERR_UNKNOWN_METRIC

from .conftest import decisions

TOLERANCE = 1e-9
FAIRLEARN = {
    "demographic_parity_difference": demographic_parity_difference,
    "demographic_parity_ratio": demographic_parity_ratio,
    "equalized_odds_difference": equalized_odds_difference,
    "equalized_odds_ratio": equalized_odds_ratio,
    "equal_opportunity_difference": equal_opportunity_difference,
    "equal_opportunity_ratio": equal_opportunity_ratio,
}


def evaluate(name: str, cells: np.ndarray, reference: int = 0) -> tuple[float, float | None]:
    result = disparity_definition(name).evaluate(cells, np.asarray(reference, dtype=np.int64))
    vs = None if result.vs_reference is None else float(result.vs_reference)
    return float(result.value), vs


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", sorted(FAIRLEARN))
def test_disparity_agrees_with_fairlearn(name: str, weighted: bool, seed: int) -> None:
    df = decisions(3000, seed=seed)
    attributes = ["sex", "race"]
    table = count_table(
        df, protected=attributes, label="y", prediction="yhat", weights="w" if weighted else None
    )
    ours, _ = evaluate(name, table.cell_weights)
    expected = FAIRLEARN[name](
        df["y"],
        df["yhat"],
        sensitive_features=df[attributes],
        sample_weight=df["w"] if weighted else None,
    )
    assert ours == pytest.approx(expected, abs=TOLERANCE)


@pytest.mark.parametrize("weighted", [False, True])
def test_predictive_parity_difference_is_the_precision_difference(weighted: bool) -> None:
    df = decisions(3000, seed=7)
    table = count_table(
        df, protected=["race"], label="y", prediction="yhat", weights="w" if weighted else None
    )
    frame = MetricFrame(
        metrics=precision_score,
        y_true=df["y"],
        y_pred=df["yhat"],
        sensitive_features=df["race"],
        sample_params={"sample_weight": df["w"]} if weighted else None,
    )
    ours, _ = evaluate("predictive_parity_difference", table.cell_weights)
    assert ours == pytest.approx(frame.difference(), abs=TOLERANCE)


def test_disparate_impact_with_the_most_favoured_reference_is_the_parity_ratio() -> None:
    df = decisions(3000, seed=8)
    table = count_table(df, protected=["sex", "race"], label="y", prediction="yhat")
    frame = MetricFrame(
        metrics=selection_rate,
        y_true=df["y"],
        y_pred=df["yhat"],
        sensitive_features=df[["sex", "race"]],
    )
    favoured = int(np.argmax(frame.by_group.to_numpy()))
    value, vs = evaluate("disparate_impact", table.cell_weights, favoured)
    assert value == vs == pytest.approx(frame.ratio(), abs=TOLERANCE)


def test_vs_reference_compares_every_group_with_the_reference() -> None:
    x = np.array([0.2, 0.5, 0.4])
    reference = np.asarray(2, dtype=np.int64)
    assert float(difference_vs_reference(x, reference)) == pytest.approx(0.2)
    assert float(ratio_vs_reference(x, reference)) == pytest.approx(0.5)  # 0.2 / 0.4
    assert float(ratio_vs_reference(np.array([0.6, 0.3]), np.asarray(1))) == pytest.approx(0.5)
    # Disparate impact is not inverted: a group above the reference does not lower it.
    assert float(impact_ratio(x, reference)) == pytest.approx(0.5)
    assert float(impact_ratio(np.array([0.3, 0.6]), np.asarray(0))) == pytest.approx(2.0)


def test_vs_reference_matches_fairlearn_to_overall_with_everyone_as_reference() -> None:
    df = decisions(2000, seed=9)
    table = count_table(df, protected=["race"], label="y", prediction="yhat")
    frame = MetricFrame(
        metrics=selection_rate, y_true=df["y"], y_pred=df["yhat"], sensitive_features=df["race"]
    )
    overall = table.marginal([]).cell_weights
    cells = np.concatenate([table.cell_weights, overall])  # the last "group" is everyone
    rates = cells[:, :, 1].sum(axis=1) / cells.sum(axis=(1, 2))
    reference = np.asarray(len(cells) - 1)
    assert float(difference_vs_reference(rates, reference)) == pytest.approx(
        frame.difference(method="to_overall"), abs=TOLERANCE
    )
    assert float(ratio_vs_reference(rates, reference)) == pytest.approx(
        frame.ratio(method="to_overall"), abs=TOLERANCE
    )


def _individual_entropy(benefit: np.ndarray, weight: np.ndarray, alpha: float) -> float:
    mean = np.average(benefit, weights=weight)
    r = benefit / mean
    if alpha == 1.0:
        terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
    else:
        terms = (r**alpha - 1) / (alpha * (alpha - 1))
    return float(np.average(terms, weights=weight))


@pytest.mark.parametrize(
    ("name", "alpha"), [("generalized_entropy_index", 2.0), ("theil_index", 1.0)]
)
@pytest.mark.parametrize("weighted", [False, True])
def test_between_group_entropy_replaces_each_benefit_by_its_group_mean(
    name: str, alpha: float, weighted: bool
) -> None:
    df = decisions(3000, seed=10)
    table = count_table(
        df,
        protected=["sex", "race"],
        label="y",
        prediction="yhat",
        weights="w" if weighted else None,
    )
    benefit = (df["yhat"] - df["y"] + 1).astype(float)
    weight = df["w"].to_numpy() if weighted else np.ones(len(df))
    frame = pd.DataFrame({"b": benefit * weight, "w": weight, "sex": df["sex"], "race": df["race"]})
    sums = frame.groupby(["sex", "race"])[["b", "w"]].transform("sum")
    group_mean = (sums["b"] / sums["w"]).to_numpy()
    expected = _individual_entropy(group_mean, weight, alpha)
    ours, vs = evaluate(name, table.cell_weights)
    assert ours == pytest.approx(expected, abs=TOLERANCE)
    assert vs is None
    assert float(between_group_entropy(table.cell_weights, alpha)) == pytest.approx(ours)


def test_equal_groups_have_no_disparity() -> None:
    cells = np.array([[[40.0, 10.0], [5.0, 45.0]]] * 3)
    for name in DISPARITIES:
        value, _ = evaluate(name, cells)
        parity = 1.0 if disparity_definition(name).kind == "ratio" else 0.0
        assert value == pytest.approx(parity, abs=1e-12), name


def test_undefined_rates_are_left_out_of_max_and_min() -> None:
    # Group 2 has no positives: its TPR is 0/0 and does not count.
    cells = np.array(
        [[[5.0, 5.0], [2.0, 8.0]], [[5.0, 5.0], [4.0, 6.0]], [[10.0, 0.0], [0.0, 0.0]]]
    )
    value, _ = evaluate("equal_opportunity_difference", cells)
    assert value == pytest.approx(0.2)
    empty = np.array([[[10.0, 0.0], [0.0, 0.0]], [[3.0, 1.0], [0.0, 0.0]]])
    value, _ = evaluate("equal_opportunity_ratio", empty)
    assert math.isnan(value)


def test_evaluation_takes_a_batch_of_replicates() -> None:
    df = decisions(1000, seed=11)
    table = count_table(df, protected=["race"], label="y", prediction="yhat")
    batch = np.stack([table.cell_weights, table.cell_weights * 2.0])
    references = np.array([0, 1])
    for name in DISPARITIES:
        result = disparity_definition(name).evaluate(batch, references)
        assert result.value.shape == (2,)
        assert float(result.value[0]) == pytest.approx(evaluate(name, table.cell_weights)[0])


def test_any_rate_has_a_difference_and_a_ratio() -> None:
    df = decisions(2000, seed=12)
    table = count_table(df, protected=["race"], label="y", prediction="yhat")
    fpr, _ = evaluate("fpr_difference", table.cell_weights)
    frame = MetricFrame(
        metrics={"acc": lambda y, p: float((y == p).mean())},
        y_true=df["y"],
        y_pred=df["yhat"],
        sensitive_features=df["race"],
    )
    accuracy, _ = evaluate("accuracy_ratio", table.cell_weights)
    assert accuracy == pytest.approx(frame.ratio()["acc"], abs=TOLERANCE)
    assert 0.0 < fpr <= evaluate("equalized_odds_difference", table.cell_weights)[0]
    assert disparity_definition("fpr_difference").kind == "difference"
    assert disparity_definition("accuracy_ratio").higher_is_fairer


def test_an_unknown_disparity_metric_is_an_error() -> None:
    with pytest.raises(PolicyError) as caught:
        disparity_definition("fairness_score")
    assert caught.value.template == ERR_UNKNOWN_METRIC
    assert "fairness_score" in str(caught.value)


def test_disparities_exclude_insufficient_groups_and_need_two_groups() -> None:
    df = decisions(600, seed=13)
    table = count_table(df, protected=["race"], label="y", prediction="yhat")
    sizes = table.group_sizes
    result = audit_table(table, min_group_size=int(sizes.max()), replicates=0)
    d = result.disparity("demographic_parity_difference")
    assert math.isnan(d.value) and d.groups_compared == 1
    assert len(d.excluded_groups) == len(table.groups) - 1
