"""Disparities: one number that compares a rate across groups.

Definitions follow fairlearn where it has one:

- a **difference** is ``max − min`` of a group rate across groups (fairlearn's
  ``method="between_groups"``); *vs reference* it is ``max |rate − reference rate|``;
- a **ratio** is ``min / max``; *vs reference* it is the smallest of
  ``rate / reference rate`` and its inverse, whichever is ≤ 1 (fairlearn's
  ``to_overall`` convention, with the reference group in place of everyone);
- **equalized odds** takes the worse of the TPR and FPR difference (ratio);
- **disparate impact** is ``min`` over the other groups of
  ``selection rate / reference selection rate`` (the four-fifths rule compares
  each group with the most favoured one, where it equals the demographic parity ratio);
- the **between-group generalized entropy index** (α = 2) and **Theil index**
  (α = 1) measure inequality of the benefit ``ŷ − y + 1`` when every person gets
  their group's mean benefit (Speicher et al., KDD 2018); 0 means equal.

Undefined group rates (0/0) are left out of the max and min, like pandas'
``skipna``. All functions accept leading replicate axes: ``(..., groups, 2, 2)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from tianping.fairness._errors import PolicyError
from tianping.fairness._messages import (
    DIFFERENCE_OF,
    DISPARITY_NAMES,
    ERR_UNKNOWN_METRIC,
    METRIC_NAMES,
    RATIO_OF,
    localized,
)
from tianping.fairness._metrics import RATE_NAMES, RATES, rate_parts, rates
from tianping.fairness._uncertainty import (
    TestResult,
    bonferroni,
    independence_test,
    safe_divide,
)
from tianping.text import LocalizedText

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Kind = Literal["difference", "ratio", "index"]


def _nanmax(x: FloatArray) -> FloatArray:
    return np.asarray(np.fmax.reduce(x, axis=-1), dtype=np.float64)


def _nanmin(x: FloatArray) -> FloatArray:
    return np.asarray(np.fmin.reduce(x, axis=-1), dtype=np.float64)


def _at(x: FloatArray, index: IntArray) -> FloatArray:
    return np.take_along_axis(x, index[..., None], axis=-1)


def difference(x: FloatArray) -> FloatArray:
    """``max − min`` over the last axis (groups), ignoring NaN."""
    return _nanmax(x) - _nanmin(x)


def ratio(x: FloatArray) -> FloatArray:
    """``min / max`` over the last axis (groups), ignoring NaN."""
    return safe_divide(_nanmin(x), _nanmax(x))


def difference_vs_reference(x: FloatArray, reference: IntArray) -> FloatArray:
    """``max |x − x[reference]|`` over the groups."""
    return _nanmax(np.abs(x - _at(x, reference)))


def ratio_vs_reference(x: FloatArray, reference: IntArray) -> FloatArray:
    """``min`` over the groups of ``x / x[reference]`` or its inverse, whichever is ≤ 1."""
    r = safe_divide(x, _at(x, reference))
    return _nanmin(np.where(r > 1.0, safe_divide(1.0, r), r))


def impact_ratio(x: FloatArray, reference: IntArray) -> FloatArray:
    """``min`` over the groups other than the reference of ``x / x[reference]``."""
    r = safe_divide(x, _at(x, reference))
    others = np.arange(x.shape[-1]) != reference[..., None]
    return _nanmin(np.where(others, r, np.nan))


def benefits(cells: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per group, the weight and the total benefit ``ŷ − y + 1`` (FN 0, TN and TP 1, FP 2)."""
    weight = cells.sum(axis=(-1, -2))
    benefit = cells[..., 0, 0] + 2.0 * cells[..., 0, 1] + cells[..., 1, 1]
    return weight, benefit


def between_group_entropy(cells: FloatArray, alpha: float) -> FloatArray:
    """Between-group generalized entropy index GE(α) of the benefit, ``(..., G, 2, 2)`` → ``(...)``.

    ``Σ_g (n_g / n) · ((μ_g / μ)^α − 1) / (α(α − 1))``; for α = 1 (Theil)
    ``Σ_g (n_g / n) · (μ_g / μ) · ln(μ_g / μ)``.
    """
    weight, benefit = benefits(cells)
    total = weight.sum(axis=-1, keepdims=True)
    mean = safe_divide(benefit.sum(axis=-1, keepdims=True), total)
    share = safe_divide(weight, total)
    relative = safe_divide(safe_divide(benefit, weight), mean)
    present = weight > 0
    if alpha == 1.0:
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(relative > 0, relative * np.log(relative), 0.0)
    else:
        terms = (np.power(relative, alpha) - 1.0) / (alpha * (alpha - 1.0))
    value = np.where(present, share * terms, 0.0).sum(axis=-1)
    return np.where(np.isfinite(mean[..., 0]) & (mean[..., 0] > 0), value, np.nan)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A disparity's value, its value vs the reference group, and the rate it compares."""

    value: FloatArray
    vs_reference: FloatArray | None
    rate: str


Evaluator = Callable[[FloatArray, IntArray], Evaluation]


@dataclass(frozen=True)
class DisparityDefinition:
    """A disparity metric: its name, kind (ratio ≥, difference/index ≤), and how to compute it."""

    name: str
    kind: Kind
    title: LocalizedText
    evaluate: Evaluator
    test: Callable[[FloatArray], TestResult]

    @property
    def higher_is_fairer(self) -> bool:
        """Ratios are fairer near 1 (higher); differences and indices near 0 (lower)."""
        return self.kind == "ratio"


def _rate_values(cells: FloatArray, name: str) -> FloatArray:
    return rates(cells)[..., RATE_NAMES.index(name)]


def rate_table(cells: npt.ArrayLike, name: str) -> FloatArray:
    """The contingency table ``groups × (not counted, counted)`` behind a rate."""
    array = np.asarray(cells, dtype=np.float64)
    numerator, denominator = rate_parts(array)
    j = RATE_NAMES.index(name)
    return np.stack([denominator[..., j] - numerator[..., j], numerator[..., j]], axis=-1)


def _rate_test(name: str) -> Callable[[FloatArray], TestResult]:
    return lambda counts: independence_test(rate_table(counts, name))


def _benefit_test(counts: FloatArray) -> TestResult:
    classes = np.stack(
        [counts[:, 1, 0], counts[:, 0, 0] + counts[:, 1, 1], counts[:, 0, 1]], axis=-1
    )
    return independence_test(classes)


def _odds_test(counts: FloatArray) -> TestResult:
    return bonferroni(
        independence_test(rate_table(counts, "tpr")), independence_test(rate_table(counts, "fpr"))
    )


def _rate_difference(name: str) -> Evaluator:
    def evaluate(cells: FloatArray, reference: IntArray) -> Evaluation:
        x = _rate_values(cells, name)
        return Evaluation(difference(x), difference_vs_reference(x, reference), name)

    return evaluate


def _rate_ratio(name: str) -> Evaluator:
    def evaluate(cells: FloatArray, reference: IntArray) -> Evaluation:
        x = _rate_values(cells, name)
        return Evaluation(ratio(x), ratio_vs_reference(x, reference), name)

    return evaluate


def _disparate_impact(cells: FloatArray, reference: IntArray) -> Evaluation:
    x = _rate_values(cells, "selection_rate")
    value = impact_ratio(x, reference)
    return Evaluation(value, value, "selection_rate")


def _odds(kind: Kind) -> Evaluator:
    def evaluate(cells: FloatArray, reference: IntArray) -> Evaluation:
        tpr = _rate_values(cells, "tpr")
        fpr = _rate_values(cells, "fpr")
        if kind == "difference":
            a, b = difference(tpr), difference(fpr)
            value = np.fmax(a, b)
            vs = np.fmax(
                difference_vs_reference(tpr, reference), difference_vs_reference(fpr, reference)
            )
            worse = (
                "tpr" if np.all(np.nan_to_num(a, nan=-1.0) >= np.nan_to_num(b, nan=-1.0)) else "fpr"
            )
        else:
            a, b = ratio(tpr), ratio(fpr)
            value = np.fmin(a, b)
            vs = np.fmin(ratio_vs_reference(tpr, reference), ratio_vs_reference(fpr, reference))
            worse = (
                "tpr" if np.all(np.nan_to_num(a, nan=2.0) <= np.nan_to_num(b, nan=2.0)) else "fpr"
            )
        return Evaluation(value, vs, worse)

    return evaluate


def _entropy(alpha: float) -> Evaluator:
    def evaluate(cells: FloatArray, reference: IntArray) -> Evaluation:
        return Evaluation(between_group_entropy(cells, alpha), None, "benefit")

    return evaluate


DISPARITIES: Mapping[str, DisparityDefinition] = {
    d.name: d
    for d in (
        DisparityDefinition(
            "demographic_parity_difference",
            "difference",
            DISPARITY_NAMES["demographic_parity_difference"],
            _rate_difference("selection_rate"),
            _rate_test("selection_rate"),
        ),
        DisparityDefinition(
            "demographic_parity_ratio",
            "ratio",
            DISPARITY_NAMES["demographic_parity_ratio"],
            _rate_ratio("selection_rate"),
            _rate_test("selection_rate"),
        ),
        DisparityDefinition(
            "disparate_impact",
            "ratio",
            DISPARITY_NAMES["disparate_impact"],
            _disparate_impact,
            _rate_test("selection_rate"),
        ),
        DisparityDefinition(
            "equalized_odds_difference",
            "difference",
            DISPARITY_NAMES["equalized_odds_difference"],
            _odds("difference"),
            _odds_test,
        ),
        DisparityDefinition(
            "equalized_odds_ratio",
            "ratio",
            DISPARITY_NAMES["equalized_odds_ratio"],
            _odds("ratio"),
            _odds_test,
        ),
        DisparityDefinition(
            "equal_opportunity_difference",
            "difference",
            DISPARITY_NAMES["equal_opportunity_difference"],
            _rate_difference("tpr"),
            _rate_test("tpr"),
        ),
        DisparityDefinition(
            "equal_opportunity_ratio",
            "ratio",
            DISPARITY_NAMES["equal_opportunity_ratio"],
            _rate_ratio("tpr"),
            _rate_test("tpr"),
        ),
        DisparityDefinition(
            "predictive_parity_difference",
            "difference",
            DISPARITY_NAMES["predictive_parity_difference"],
            _rate_difference("precision"),
            _rate_test("precision"),
        ),
        DisparityDefinition(
            "generalized_entropy_index",
            "index",
            DISPARITY_NAMES["generalized_entropy_index"],
            _entropy(2.0),
            _benefit_test,
        ),
        DisparityDefinition(
            "theil_index",
            "index",
            DISPARITY_NAMES["theil_index"],
            _entropy(1.0),
            _benefit_test,
        ),
    )
}
"""The disparities every audit reports, by name."""

DEFAULT_DISPARITIES: tuple[str, ...] = tuple(DISPARITIES)


def disparity_definition(name: str) -> DisparityDefinition:
    """A disparity by name: one of :data:`DISPARITIES`, or ``<rate>_difference`` /
    ``<rate>_ratio`` for any group rate (``fpr_difference``, ``accuracy_ratio`` …).

    Raises
    ------
    PolicyError
        The name is neither.
    """
    if name in DISPARITIES:
        return DISPARITIES[name]
    for suffix, kind in (("_difference", "difference"), ("_ratio", "ratio")):
        base = name.removesuffix(suffix)
        if name.endswith(suffix) and base in RATES:
            template = DIFFERENCE_OF if kind == "difference" else RATIO_OF
            return DisparityDefinition(
                name,
                "difference" if kind == "difference" else "ratio",
                localized(template, rate=METRIC_NAMES[base]),
                _rate_difference(base) if kind == "difference" else _rate_ratio(base),
                _rate_test(base),
            )
    known = [*DISPARITIES, *(f"<rate>_{s}" for s in ("difference", "ratio"))]
    raise PolicyError(ERR_UNKNOWN_METRIC, params={"metric": name, "known": ", ".join(known)})


def metric_title(name: str) -> LocalizedText:
    """The name of a group metric (a rate, ``benefit``) or of a disparity, in both languages.

    >>> metric_title("tpr").en, metric_title("disparate_impact").zh
    ('true positive rate', '差别影响比率')

    Raises
    ------
    PolicyError
        ``name`` is neither a group metric nor a disparity.
    """
    if name in METRIC_NAMES:
        return METRIC_NAMES[name]
    return disparity_definition(name).title


def is_disparity(name: str) -> bool:
    """Whether ``name`` names a disparity (see :func:`disparity_definition`)."""
    try:
        disparity_definition(name)
    except PolicyError:
        return False
    return True


def group_values(cells: FloatArray, rate_name: str) -> FloatArray:
    """Per group, the value a disparity compares: a rate, or the mean benefit."""
    if rate_name == "benefit":
        weight, benefit = benefits(cells)
        return safe_divide(benefit, weight)
    return _rate_values(cells, rate_name)


__all__ = [
    "DEFAULT_DISPARITIES",
    "DISPARITIES",
    "DisparityDefinition",
    "Evaluation",
    "Kind",
    "benefits",
    "between_group_entropy",
    "difference",
    "difference_vs_reference",
    "disparity_definition",
    "group_values",
    "impact_ratio",
    "is_disparity",
    "metric_title",
    "rate_table",
    "ratio",
    "ratio_vs_reference",
]
