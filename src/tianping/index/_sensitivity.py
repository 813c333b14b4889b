"""Sensitivity ranges: scores and ranks under Dirichlet weights and both missing-evidence bounds.

Weights are drawn from Dirichlet(concentration × the specification's effective
weights) with a seeded :class:`numpy.random.Generator`, so the ranges are
reproducible. Missing evidence is scored at two bounds: 0, and the indicator's
median over the population (0 when nobody has evidence for it). Ranks are
competition ranks (1 is best; tied systems share the better rank).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from tianping.index._models import (
    BoundRange,
    Interval,
    RankRange,
    Sensitivity,
    Specification,
    SystemEvidence,
)
from tianping.index._scoring import value_matrix

DEFAULT_DRAWS = 1000
DEFAULT_SEED = 0
PERCENTILES = (5.0, 95.0)
DECIMALS = 9
"""Scores are rounded to this many decimals of a point before they are ranked."""

Array = npt.NDArray[np.float64]


def weight_draws(spec: Specification, draws: int, seed: int) -> Array:
    """``draws`` weight vectors (draws × indicators), each summing to 1, from a seeded generator."""
    shares = np.array([float(s) for s in spec.effective_weights()])
    rng = np.random.default_rng(seed)
    result: Array = rng.dirichlet(spec.concentration * shares, size=draws)
    return result


def fill_missing(values: Array) -> tuple[Array, Array]:
    """The value matrix with missing values as 0, and as the indicator's population median."""
    present = ~np.isnan(values)
    zero = np.where(present, values, 0.0)
    medians = np.zeros(values.shape[1])
    any_present = present.any(axis=0)
    if any_present.any():
        medians[any_present] = np.nanmedian(values[:, any_present], axis=0)
    median = np.where(present, values, medians[np.newaxis, :])
    return zero, median


def competition_ranks(totals: Array) -> npt.NDArray[np.int64]:
    """Ranks per column (1 best): one plus the number of strictly higher totals."""
    return _row_ranks(np.ascontiguousarray(totals.T)).T.astype(np.int64)


def _row_ranks(totals: Array) -> npt.NDArray[np.int32]:
    """Competition ranks within each row (draws × systems): 1 + the number of higher totals."""
    rows, n = totals.shape
    order = np.argsort(totals, axis=1)
    ordered = np.take_along_axis(totals, order, axis=1)
    # Without ties the k-th smallest of n ranks n - k; a tie takes the rank of its last member.
    last = np.broadcast_to(np.arange(n, dtype=np.int32), (rows, n)).copy()
    tied = ordered[:, 1:] == ordered[:, :-1]
    for row in np.flatnonzero(tied.any(axis=1)):
        ends = np.where(np.append(~tied[row], True), last[row], np.int32(n))
        last[row] = np.minimum.accumulate(ends[::-1])[::-1]
    ranks = np.empty((rows, n), dtype=np.int32)
    np.put_along_axis(ranks, order, n - last, axis=1)
    return ranks


def _percentile_rows(data: npt.NDArray[np.generic], percentiles: tuple[float, float]) -> Array:
    """The given percentiles over axis 0 (draws) of each column: the inverted-CDF estimator.

    The p-th percentile of N values is the ⌈pN/100⌉-th smallest (at least the first).
    """
    count = data.shape[0]
    ks = [min(count - 1, max(0, math.ceil(p * count / 100) - 1)) for p in percentiles]
    part = np.partition(data, ks, axis=0)
    return np.stack([part[k] for k in ks]).astype(np.float64)


def _bound(
    values: Array, shares: Array, weights: Array, percentiles: tuple[float, float]
) -> list[BoundRange]:
    # Rounded to 1e-9 points: a matrix product may differ in the last bit with a row's
    # position, and equal systems must tie wherever they stand in the population.
    points = np.round(100.0 * values @ shares, DECIMALS)
    point_ranks = _row_ranks(points[np.newaxis, :])[0]
    totals = 100.0 * weights @ values.T  # draws × systems
    np.round(totals, DECIMALS, out=totals)
    score_pct = _percentile_rows(totals, percentiles)
    rank_pct = _percentile_rows(_row_ranks(totals), percentiles)
    del totals
    return [
        BoundRange(
            point=float(points[i]),
            rank=int(point_ranks[i]),
            scores=Interval(
                min(float(score_pct[0, i]), float(points[i])),
                max(float(score_pct[1, i]), float(points[i])),
            ),
            ranks=Interval(
                min(float(rank_pct[0, i]), float(point_ranks[i])),
                max(float(rank_pct[1, i]), float(point_ranks[i])),
            ),
        )
        for i in range(values.shape[0])
    ]


def sensitivity(
    spec: Specification,
    systems: Sequence[str],
    values: Array,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    percentiles: tuple[float, float] = PERCENTILES,
) -> Sensitivity:
    """Sensitivity of a value matrix (systems × indicators, NaN = missing) under ``spec``.

    ``scores`` and ``ranks`` of each bound span the given percentiles of the
    draws and always include the point value (the specification's weights).
    """
    shares = np.array([float(s) for s in spec.effective_weights()])
    weights = weight_draws(spec, draws, seed)
    zero, median = fill_missing(values)
    low = _bound(zero, shares, weights, percentiles)
    high = _bound(median, shares, weights, percentiles)
    ranges = tuple(
        RankRange(
            system=system,
            zero=a,
            median=b,
            score_range=Interval(
                min(a.scores.low, b.scores.low), max(a.scores.high, b.scores.high)
            ),
            rank_range=Interval(min(a.ranks.low, b.ranks.low), max(a.ranks.high, b.ranks.high)),
        )
        for system, a, b in zip(systems, low, high, strict=True)
    )
    return Sensitivity(
        spec_version=spec.version,
        draws=draws,
        seed=seed,
        concentration=spec.concentration,
        percentiles=percentiles,
        systems=ranges,
    )


def rank_ranges(
    spec: Specification,
    population: Sequence[SystemEvidence],
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> Sensitivity:
    """Score and rank ranges of every system in ``population`` (see :func:`sensitivity`).

    Examples
    --------
    >>> from tianping.index import SystemEvidence, load_spec
    >>> spec = load_spec("2026.1")
    >>> empty = [SystemEvidence("a", "a", ()), SystemEvidence("b", "b", ())]
    >>> result = rank_ranges(spec, empty, draws=10)
    >>> result.systems[0].score_range, result.systems[0].zero.rank
    (Interval(low=0.0, high=0.0), 1)
    """
    values = value_matrix(spec, population)
    return sensitivity(spec, [s.system for s in population], values, draws=draws, seed=seed)


__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "PERCENTILES",
    "competition_ranks",
    "fill_missing",
    "rank_ranges",
    "sensitivity",
    "weight_draws",
]
