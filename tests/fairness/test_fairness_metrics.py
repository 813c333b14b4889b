"""Group metrics agree with fairlearn's MetricFrame and scikit-learn, undefined rates are NaN."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    false_negative_rate,
    false_positive_rate,
    mean_prediction,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, precision_score, roc_auc_score

from tianping.fairness import (
    RATE_NAMES,
    CountTable,
    auc,
    count_table,
    group_metrics,
    rates,
)

from .conftest import decisions

TOLERANCE = 1e-9


def _base_rate(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    return float(mean_prediction(y_pred, y_true, sample_weight=sample_weight))


def _precision(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    # Undefined (no predicted positives) is NaN, as in Tianping, rather than a warning and 0.
    return float(precision_score(y_true, y_pred, sample_weight=sample_weight, zero_division=np.nan))


def _npv(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    return float(
        precision_score(
            y_true, y_pred, pos_label=0, sample_weight=sample_weight, zero_division=np.nan
        )
    )


def _complement(metric: Callable[..., float]) -> Callable[..., float]:
    return lambda y_true, y_pred, sample_weight=None: (
        1.0 - metric(y_true, y_pred, sample_weight=sample_weight)
    )


# Our rate name → the fairlearn / scikit-learn function that defines it.
REFERENCE_METRICS: dict[str, Callable[..., float]] = {
    "base_rate": _base_rate,
    "selection_rate": selection_rate,
    "tpr": true_positive_rate,
    "fpr": false_positive_rate,
    "tnr": true_negative_rate,
    "fnr": false_negative_rate,
    "precision": _precision,
    "npv": _npv,
    "fdr": _complement(_precision),
    "for": _complement(_npv),
    "accuracy": accuracy_score,
    "error_rate": _complement(accuracy_score),
}


def metric_frame(df: pd.DataFrame, attributes: list[str], *, weighted: bool) -> MetricFrame:
    params = {name: {"sample_weight": df["w"].to_numpy()} for name in REFERENCE_METRICS}
    return MetricFrame(
        metrics={**REFERENCE_METRICS, "count": count},
        y_true=df["y"].to_numpy(),
        y_pred=df["yhat"].to_numpy(),
        sensitive_features=df[attributes],
        sample_params=params if weighted else None,
    )


def test_every_rate_is_defined_like_fairlearn() -> None:
    assert set(REFERENCE_METRICS) == set(RATE_NAMES)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_group_metrics_agree_with_fairlearn_metricframe(seed: int, weighted: bool) -> None:
    df = decisions(3000, seed=seed)
    attributes = ["sex", "race"]
    table = count_table(
        df, protected=attributes, label="y", prediction="yhat", weights="w" if weighted else None
    )
    ours = group_metrics(table)
    frame = metric_frame(df, attributes, weighted=weighted).by_group
    assert len(ours) == len(frame)
    for group in ours:
        expected = frame.loc[(group.attributes["sex"], group.attributes["race"])]
        assert group.count == expected["count"]
        for name in RATE_NAMES:
            assert group.rates[name] == pytest.approx(expected[name], abs=TOLERANCE), name


@pytest.mark.parametrize("weighted", [False, True])
def test_overall_and_marginal_metrics_agree_with_fairlearn(weighted: bool) -> None:
    df = decisions(2000, seed=5)
    table = count_table(
        df,
        protected=["sex", "race"],
        label="y",
        prediction="yhat",
        weights="w" if weighted else None,
    )
    frame = metric_frame(df, ["race"], weighted=weighted)
    for group in group_metrics(table.marginal(["race"])):
        expected = frame.by_group.loc[group.attributes["race"]]
        for name in RATE_NAMES:
            assert group.rates[name] == pytest.approx(expected[name], abs=TOLERANCE)
    [everyone] = group_metrics(table.marginal([]))
    for name in RATE_NAMES:
        assert everyone.rates[name] == pytest.approx(frame.overall[name], abs=TOLERANCE)


def test_a_rate_without_denominator_is_nan_and_null_in_json() -> None:
    # group "b" has no true positives or false negatives: TPR and FNR are 0/0.
    df = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1, 0, 0, 0], "p": [1, 0, 1, 0]})
    b = group_metrics(count_table(df, protected="g", label="y", prediction="p"))[1]
    assert math.isnan(b.rates["tpr"]) and math.isnan(b.rates["fnr"])
    assert b.rates["fpr"] == 0.5
    document = json.loads(json.dumps(b.to_json(), allow_nan=False))
    assert document["tpr"] is None and document["ci"]["tpr"] == [None, None]


def test_rates_accept_leading_replicate_axes() -> None:
    cells = np.array([[[5.0, 5.0], [2.0, 8.0]], [[1.0, 0.0], [0.0, 1.0]]])
    batch = rates(cells)
    assert batch.shape == (2, len(RATE_NAMES))
    np.testing.assert_allclose(batch[0], rates(cells[0]))
    assert batch[1, RATE_NAMES.index("accuracy")] == 1.0


@pytest.mark.parametrize("weighted", [False, True])
def test_auc_per_group_matches_scikit_learn_for_scores_at_bin_centres(weighted: bool) -> None:
    df = decisions(3000, seed=3)
    bins = 1000
    df["score"] = (np.minimum(np.floor(df["score"] * bins), bins - 1) + 0.5) / bins
    table = count_table(
        df,
        protected=["race"],
        label="y",
        score="score",
        weights="w" if weighted else None,
        score_bins=bins,
    )
    assert table.scores is not None
    ours = auc(table.scores.weights)
    for i, (race,) in enumerate(table.groups):
        part = df[df["race"] == race]
        expected = roc_auc_score(
            part["y"], part["score"], sample_weight=part["w"] if weighted else None
        )
        assert ours[i] == pytest.approx(expected, abs=TOLERANCE)


def test_auc_of_a_group_with_one_label_is_undefined() -> None:
    histogram = np.zeros((2, 10))
    histogram[1, 3] = 5.0
    assert math.isnan(float(auc(histogram)))


def test_calibration_reports_mean_score_and_positive_rate_by_bin() -> None:
    df = pd.DataFrame(
        {
            "g": ["a"] * 4 + ["b"] * 4,
            "y": [0, 1, 1, 1, 0, 0, 0, 1],
            "s": [0.05, 0.15, 0.95, 0.85, 0.1, 0.12, 0.9, 0.9],
        }
    )
    table = count_table(df, protected="g", label="y", score="s", score_bins=100)
    a, b = group_metrics(table, calibration_bins=2)
    assert a.calibration is not None and b.calibration is not None
    low, high = a.calibration
    assert (low.low, low.high, high.low, high.high) == (0.0, 0.5, 0.5, 1.0)
    assert low.weight == 2 and low.mean_score == pytest.approx(0.1) and low.positive_rate == 0.5
    assert high.mean_score == pytest.approx(0.9) and high.positive_rate == 1.0
    assert a.calibration_error == pytest.approx(0.5 * 0.4 + 0.5 * 0.1)
    assert b.auc == pytest.approx(5 / 6)


def test_groups_below_the_minimum_size_are_flagged_not_dropped() -> None:
    df = decisions(400, seed=4)
    table = count_table(df, protected=["race"], label="y", prediction="yhat")
    sizes = dict(zip([g[0] for g in table.groups], table.group_sizes.tolist(), strict=True))
    metrics = group_metrics(table, min_group_size=60)
    assert [m.attributes["race"] for m in metrics] == ["A", "B", "C", "D"]
    for m in metrics:
        assert m.insufficient_data == (sizes[m.attributes["race"]] < 60)
    assert any(m.insufficient_data for m in metrics)


def test_weighted_intervals_use_the_effective_sample_size() -> None:
    df = pd.DataFrame({"g": ["a"] * 50 + ["b"] * 50, "y": [1] * 100, "p": [1, 0] * 50})
    plain = count_table(df, protected="g", label="y", prediction="p")
    doubled = count_table(df.assign(w=2.0), protected="g", label="y", prediction="p", weights="w")
    assert isinstance(doubled, CountTable) and doubled.weighted
    # Constant weights leave the effective sample size, hence the interval, unchanged.
    a, b = group_metrics(plain)[0].ci, group_metrics(doubled)[0].ci
    for name in RATE_NAMES:
        np.testing.assert_allclose(a[name], b[name], rtol=1e-12)
