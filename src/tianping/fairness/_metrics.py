"""Group metrics: rates of each group's confusion matrix, AUC and calibration.

Every rate is a ratio of two sums of confusion-matrix cells (true negatives
``tn``, false positives ``fp``, false negatives ``fn``, true positives ``tp``),
with the definitions of fairlearn and scikit-learn, e.g. ``tpr = tp / (tp + fn)``.
A ratio whose denominator is 0 (``0/0``) is undefined: NaN here, ``null`` in
JSON. (fairlearn's rates, through scikit-learn, report 0 for these.) All
functions take arrays with any leading axes, ``(..., 2, 2)``, so that the same
code serves one table and a thousand bootstrap replicates.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tianping.fairness._counts import CountTable, ScoreHistogram
from tianping.fairness._io import json_number
from tianping.fairness._uncertainty import DEFAULT_CONFIDENCE, safe_divide, wilson_interval

FloatArray = npt.NDArray[np.float64]

DEFAULT_MIN_GROUP_SIZE = 30
DEFAULT_CALIBRATION_BINS = 10

CELLS = ("tn", "fp", "fn", "tp")
"""The cells of ``counts[g]`` flattened: ``[label, prediction]`` = (0,0), (0,1), (1,0), (1,1)."""


@dataclass(frozen=True, slots=True)
class Rate:
    """A group rate: the share of the ``denominator`` cells that are ``numerator`` cells."""

    name: str
    numerator: frozenset[str]
    denominator: frozenset[str]

    def __post_init__(self) -> None:
        if not self.numerator <= self.denominator <= frozenset(CELLS):
            raise ValueError(f"rate {self.name}: numerator cells must be denominator cells")


_ALL = frozenset(CELLS)
RATES: Mapping[str, Rate] = {
    rate.name: rate
    for rate in (
        Rate("base_rate", frozenset({"fn", "tp"}), _ALL),
        Rate("selection_rate", frozenset({"fp", "tp"}), _ALL),
        Rate("tpr", frozenset({"tp"}), frozenset({"fn", "tp"})),
        Rate("fpr", frozenset({"fp"}), frozenset({"tn", "fp"})),
        Rate("tnr", frozenset({"tn"}), frozenset({"tn", "fp"})),
        Rate("fnr", frozenset({"fn"}), frozenset({"fn", "tp"})),
        Rate("precision", frozenset({"tp"}), frozenset({"fp", "tp"})),
        Rate("npv", frozenset({"tn"}), frozenset({"tn", "fn"})),
        Rate("fdr", frozenset({"fp"}), frozenset({"fp", "tp"})),
        Rate("for", frozenset({"fn"}), frozenset({"tn", "fn"})),
        Rate("accuracy", frozenset({"tn", "tp"}), _ALL),
        Rate("error_rate", frozenset({"fp", "fn"}), _ALL),
    )
}
"""The group rates, by name: base rate (share of true positives), selection rate, TPR
(recall), FPR, TNR, FNR, precision (PPV), NPV, FDR, FOR (false omission rate),
accuracy and error rate."""

RATE_NAMES: tuple[str, ...] = tuple(RATES)


def _masks(side: str) -> FloatArray:
    matrix = np.zeros((4, len(RATES)))
    for j, rate in enumerate(RATES.values()):
        for cell in rate.numerator if side == "numerator" else rate.denominator:
            matrix[CELLS.index(cell), j] = 1.0
    return matrix


_NUMERATORS = _masks("numerator")
_DENOMINATORS = _masks("denominator")


def rate_parts(cells: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Numerators and denominators of every rate: ``(..., 2, 2)`` → two ``(..., rates)``."""
    array = np.asarray(cells, dtype=np.float64)
    flat = array.reshape(*array.shape[:-2], 4)
    return flat @ _NUMERATORS, flat @ _DENOMINATORS


def rates(cells: npt.ArrayLike) -> FloatArray:
    """Every rate of :data:`RATE_NAMES`: ``(..., 2, 2)`` → ``(..., rates)``, NaN where 0/0.

    >>> rates([[5, 5], [2, 8]])[RATE_NAMES.index("tpr")]
    np.float64(0.8)
    """
    numerator, denominator = rate_parts(cells)
    return safe_divide(numerator, denominator)


def rate(cells: npt.ArrayLike, name: str) -> FloatArray:
    """One rate, by name: ``(..., 2, 2)`` → ``(...)``."""
    return rates(cells)[..., RATE_NAMES.index(name)]


def auc(histogram: npt.ArrayLike) -> FloatArray:
    """Area under the ROC curve from binned scores by label: ``(..., 2, bins)`` → ``(...)``.

    The probability that a positive scores above a negative, ties counting one
    half; scores in the same bin count as ties, so the result is exact for
    scores that are constant within bins and within half the bins' mass of the
    exact AUC otherwise. NaN for a group without both labels.
    """
    array = np.asarray(histogram, dtype=np.float64)
    negative, positive = array[..., 0, :], array[..., 1, :]
    below = np.cumsum(negative, axis=-1) - negative
    wins = (positive * (below + 0.5 * negative)).sum(axis=-1)
    # Rounding in the sums can leave 1 + 1e-16; an AUC is a probability.
    return np.clip(safe_divide(wins, positive.sum(axis=-1) * negative.sum(axis=-1)), 0.0, 1.0)


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """One bin of a calibration curve: mean score against observed positive rate."""

    low: float
    high: float
    weight: float
    mean_score: float
    positive_rate: float

    def to_json(self) -> dict[str, float | None]:
        return {
            "low": self.low,
            "high": self.high,
            "weight": self.weight,
            "mean_score": json_number(self.mean_score),
            "positive_rate": json_number(self.positive_rate),
        }


def calibration(
    scores: ScoreHistogram, *, bins: int = DEFAULT_CALIBRATION_BINS
) -> tuple[list[list[CalibrationBin]], FloatArray]:
    """Per group, the calibration curve in ``bins`` coarse bins and the expected calibration error.

    The coarse bins group the histogram's fine bins; each reports its (weighted)
    rows, mean score (exact: from score sums) and share of positives. The
    expected calibration error is ``Σ (weight / total) · |mean score − positive rate|``.
    """
    fine = scores.bins
    bins = max(1, min(bins, fine))
    coarse = (np.arange(fine) * bins) // fine
    member = np.zeros((fine, bins))
    member[np.arange(fine), coarse] = 1.0
    weight = scores.weights.sum(axis=1) @ member
    positives = scores.weights[:, 1, :] @ member
    sums = scores.sums.sum(axis=1) @ member
    mean_score = safe_divide(sums, weight)
    positive_rate = safe_divide(positives, weight)
    total = weight.sum(axis=1, keepdims=True)
    gap = np.where(weight > 0, np.abs(mean_score - positive_rate), 0.0)
    ece = np.where(total[:, 0] > 0, (safe_divide(weight, total) * gap).sum(axis=1), np.nan)
    width = (scores.high - scores.low) / fine
    first = np.searchsorted(coarse, np.arange(bins), side="left")
    last = np.searchsorted(coarse, np.arange(bins), side="right")
    curves = [
        [
            CalibrationBin(
                low=round(scores.low + first[c] * width, 12),
                high=round(scores.low + last[c] * width, 12),
                weight=float(weight[g, c]),
                mean_score=float(mean_score[g, c]),
                positive_rate=float(positive_rate[g, c]),
            )
            for c in range(bins)
            if weight[g, c] > 0
        ]
        for g in range(weight.shape[0])
    ]
    return curves, ece


def effective_trials(table: CountTable) -> FloatArray:
    """Per group and rate, the sample size behind the rate's denominator (Kish with weights)."""
    _, counts = rate_parts(table.counts)
    if table.weights is None or table.weights_squared is None:
        return counts
    _, weight = rate_parts(table.weights)
    _, weight_sq = rate_parts(table.weights_squared)
    return np.where(counts > 0, safe_divide(weight * weight, weight_sq), 0.0)


@dataclass(frozen=True)
class GroupMetrics:
    """The metrics of one group (an intersection, a marginal level, or everyone).

    ``rates`` holds every rate of :data:`RATE_NAMES` (NaN when undefined);
    ``ci`` their Wilson intervals; ``auc`` and ``calibration`` are ``None``
    without a score. ``insufficient_data`` marks a group with fewer rows than
    the minimum group size: reported, never dropped, left out of verdicts.
    """

    attributes: Mapping[str, str]
    count: int
    weight: float
    rates: Mapping[str, float]
    ci: Mapping[str, tuple[float, float]]
    insufficient_data: bool
    auc: float | None = None
    calibration: tuple[CalibrationBin, ...] | None = None
    calibration_error: float | None = None

    def __post_init__(self) -> None:
        if self.count < 0 or self.weight < 0:
            raise ValueError("a group's count and weight are non-negative")
        if set(self.rates) != set(RATE_NAMES):
            raise ValueError("a group needs every rate")

    def to_json(self) -> dict[str, Any]:
        """The group as JSON: attributes, count, each rate, ``ci``, ``insufficient_data`` …"""
        out: dict[str, Any] = {"attributes": dict(self.attributes), "count": self.count}
        out["weight"] = self.weight
        out.update({name: json_number(value) for name, value in self.rates.items()})
        out["auc"] = None if self.auc is None else json_number(self.auc)
        out["calibration_error"] = (
            None if self.calibration_error is None else json_number(self.calibration_error)
        )
        out["calibration"] = (
            None if self.calibration is None else [b.to_json() for b in self.calibration]
        )
        out["ci"] = {
            name: [json_number(low), json_number(high)] for name, (low, high) in self.ci.items()
        }
        out["insufficient_data"] = self.insufficient_data
        return out


def group_metrics(
    table: CountTable,
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    confidence: float = DEFAULT_CONFIDENCE,
    calibration_bins: int = DEFAULT_CALIBRATION_BINS,
) -> tuple[GroupMetrics, ...]:
    """The metrics of every group of ``table``, in the table's group order.

    Examples
    --------
    >>> import pandas as pd
    >>> from tianping.fairness import count_table
    >>> df = pd.DataFrame({"g": list("aabb"), "y": [1, 0, 1, 1], "p": [1, 1, 0, 1]})
    >>> m = group_metrics(count_table(df, protected="g", label="y", prediction="p"))
    >>> [(x.attributes["g"], x.rates["selection_rate"], x.insufficient_data) for x in m]
    [('a', 1.0, True), ('b', 0.5, True)]
    """
    cells = table.cell_weights
    values = rates(cells)
    numerators, denominators = rate_parts(cells)
    trials = effective_trials(table)
    successes = safe_divide(numerators, denominators) * trials
    low, high = wilson_interval(np.nan_to_num(successes), trials, confidence=confidence)
    sizes = table.group_sizes
    weights = cells.sum(axis=(1, 2))
    aucs = curves = errors = None
    if table.scores is not None:
        aucs = auc(table.scores.weights)
        curves, errors = calibration(table.scores, bins=calibration_bins)
    out = []
    for g, labels in enumerate(table.group_labels()):
        out.append(
            GroupMetrics(
                attributes=labels,
                count=int(sizes[g]),
                weight=float(weights[g]),
                rates={name: float(values[g, j]) for j, name in enumerate(RATE_NAMES)},
                ci={
                    name: (float(low[g, j]), float(high[g, j])) for j, name in enumerate(RATE_NAMES)
                },
                insufficient_data=bool(sizes[g] < min_group_size),
                auc=None if aucs is None else float(aucs[g]),
                calibration=None if curves is None else tuple(curves[g]),
                calibration_error=None if errors is None else float(errors[g]),
            )
        )
    return tuple(out)


def is_defined(value: float | None) -> bool:
    """Whether a metric value is a number (not ``None``, NaN or infinite)."""
    return value is not None and math.isfinite(value)


__all__ = [
    "CELLS",
    "DEFAULT_CALIBRATION_BINS",
    "DEFAULT_MIN_GROUP_SIZE",
    "RATES",
    "RATE_NAMES",
    "CalibrationBin",
    "GroupMetrics",
    "Rate",
    "auc",
    "calibration",
    "effective_trials",
    "group_metrics",
    "is_defined",
    "rate",
    "rate_parts",
    "rates",
]
