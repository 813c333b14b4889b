"""Tianping vs fairlearn's MetricFrame: the same group metrics and disparities on 1M rows.

1,000,000 rows, three protected attributes of four values each (64 intersections),
binary label and prediction. Both libraries get the same pandas DataFrame in
one process; each computes the twelve group rates and counts for every
intersection and overall, and the demographic parity, equalized odds and equal
opportunity differences and ratios. Tianping's audit does more (marginals,
Wilson intervals, tests, entropy indices, verdicts; bootstrap off here for a
like-for-like comparison: see fairness_bootstrap.py).

    .venv/bin/python benchmarks/fairness_vs_fairlearn.py [--rows 1000000] [--repeat 3]

Prints a table of timings, the speed-up, and the largest difference between
the two libraries' numbers (they should agree to 1e-9).
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
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
from sklearn.metrics import accuracy_score, precision_score

from tianping.fairness import RATE_NAMES, audit, count_table, group_metrics

DISPARITIES = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
]


def make_data(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    attributes = {
        "region": rng.choice(["north", "south", "east", "west"], rows),
        "age_band": rng.choice(["18-25", "25-40", "40-60", "60+"], rows),
        "group": rng.choice(["a", "b", "c", "d"], rows),
    }
    df = pd.DataFrame(attributes)
    uplift = (df["group"] == "a") * 0.1 - (df["age_band"] == "60+") * 0.08
    y = rng.random(rows) < 0.4
    df["y"] = y.astype(np.int64)
    df["yhat"] = (rng.random(rows) < 0.3 + 0.3 * y + uplift).astype(np.int64)
    return df


def _base_rate(y_true: Any, y_pred: Any) -> float:
    return float(mean_prediction(y_pred, y_true))


def _npv(y_true: Any, y_pred: Any) -> float:
    return float(precision_score(y_true, y_pred, pos_label=0, zero_division=np.nan))


def _precision(y_true: Any, y_pred: Any) -> float:
    return float(precision_score(y_true, y_pred, zero_division=np.nan))


FAIRLEARN: dict[str, Callable[..., float]] = {
    "base_rate": _base_rate,
    "selection_rate": selection_rate,
    "tpr": true_positive_rate,
    "fpr": false_positive_rate,
    "tnr": true_negative_rate,
    "fnr": false_negative_rate,
    "precision": _precision,
    "npv": _npv,
    "fdr": lambda t, p: 1.0 - _precision(t, p),
    "for": lambda t, p: 1.0 - _npv(t, p),
    "accuracy": accuracy_score,
    "error_rate": lambda t, p: 1.0 - accuracy_score(t, p),
    "count": count,
}


def run_fairlearn(df: pd.DataFrame, attributes: list[str]) -> tuple[pd.DataFrame, dict[str, float]]:
    frame = MetricFrame(
        metrics=FAIRLEARN, y_true=df["y"], y_pred=df["yhat"], sensitive_features=df[attributes]
    )
    by_group = frame.by_group
    difference, ratio = frame.difference(), frame.ratio()
    disparities = {
        "demographic_parity_difference": difference["selection_rate"],
        "demographic_parity_ratio": ratio["selection_rate"],
        "equalized_odds_difference": max(difference["tpr"], difference["fpr"]),
        "equalized_odds_ratio": min(ratio["tpr"], ratio["fpr"]),
        "equal_opportunity_difference": difference["tpr"],
        "equal_opportunity_ratio": ratio["tpr"],
    }
    return by_group, disparities


def best_of(repeat: int, function: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="Tianping runs (best of)")
    args = parser.parse_args()
    attributes = ["region", "age_band", "group"]
    df = make_data(args.rows)
    polars_df = pl.from_pandas(df)
    options: dict[str, Any] = {"protected": attributes, "label": "y", "prediction": "yhat"}

    fairlearn_s, (by_group, fl_disparities) = best_of(1, lambda: run_fairlearn(df, attributes))
    count_s, table = best_of(args.repeat, lambda: count_table(df, **options))
    metrics_s, _ = best_of(args.repeat, lambda: group_metrics(table, min_group_size=0))
    audit_s, result = best_of(
        args.repeat, lambda: audit(df, **options, replicates=0, min_group_size=0)
    )
    polars_s, _ = best_of(
        args.repeat, lambda: audit(polars_df, **options, replicates=0, min_group_size=0)
    )

    worst = 0.0
    for group in result.groups:
        expected = by_group.loc[tuple(group.attributes[a] for a in attributes)]
        for name in RATE_NAMES:
            if not (math.isnan(group.rates[name]) and math.isnan(expected[name])):
                worst = max(worst, abs(group.rates[name] - expected[name]))
    for name in DISPARITIES:
        worst = max(worst, abs(result.disparity(name).value - fl_disparities[name]))

    groups = len(result.groups)
    print(
        f"rows: {args.rows:,}   intersections: {groups}   metrics: {len(RATE_NAMES)} rates + count"
    )
    print(f"{'step':<52}{'seconds':>12}{'vs fairlearn':>16}")
    lines = [
        ("fairlearn MetricFrame (by_group, difference, ratio)", fairlearn_s),
        ("tianping count_table (pandas group-by via narwhals)", count_s),
        ("tianping group_metrics (NumPy on the count table)", metrics_s),
        ("tianping audit, pandas (all metrics, 30 disparities)", audit_s),
        ("tianping audit, polars", polars_s),
    ]
    for label, seconds in lines:
        ratio = "" if label.startswith("fairlearn") else f"{fairlearn_s / seconds:,.0f}×"
        print(f"{label:<52}{seconds:>12.4f}{ratio:>16}")
    print(f"largest difference between the two libraries: {worst:.3g}")
    print(f"speed-up of the full audit over MetricFrame: {fairlearn_s / audit_s:,.0f}×")


if __name__ == "__main__":
    main()
