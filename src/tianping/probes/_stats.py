"""The statistics of a probe run: Wilson intervals, paired tests, Holm's correction.

Binary outcomes (refusal, recommendation) are compared with the exact McNemar test
or Cochran's Q; reply lengths with the Wilcoxon signed-rank test (two values, effect
size the matched-pairs rank-biserial correlation) or Friedman's test (more, effect
size Kendall's W).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

Z_95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (``(0, 1)`` when ``n`` is 0).

    >>> [round(x, 4) for x in wilson(19, 20)]
    [0.7639, 0.9911]
    """
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def mcnemar_exact(b: int, c: int) -> float:
    """Exact (binomial) McNemar p-value from the discordant counts ``b`` and ``c``.

    >>> round(mcnemar_exact(0, 10), 6)
    0.001953
    """
    n = b + c
    if n == 0:
        return 1.0
    return float(min(1.0, 2 * stats.binom.cdf(min(b, c), n, 0.5)))


def cochran_q(blocks: Sequence[Sequence[int]]) -> tuple[float, float]:
    """Cochran's Q and its p-value (χ², k − 1 degrees of freedom) for binary blocks.

    Each block holds one 0/1 outcome per treatment (attribute value). A set with no
    variation at all gives ``(0, 1)``.
    """
    if not blocks:
        return (0.0, 1.0)
    k = len(blocks[0])
    column = [sum(block[j] for block in blocks) for j in range(k)]
    rows = [sum(block) for block in blocks]
    total = sum(rows)
    denominator = k * total - sum(r * r for r in rows)
    if denominator == 0:
        return (0.0, 1.0)
    q = (k - 1) * (k * sum(c * c for c in column) - total * total) / denominator
    return (q, float(stats.chi2.sf(q, k - 1)))


def paired_test(blocks: Sequence[Sequence[int]]) -> tuple[str, float, float | None]:
    """Exact McNemar for two values, Cochran's Q for more: (test, p-value, statistic)."""
    if blocks and len(blocks[0]) == 2:
        b = sum(1 for x, y in blocks if x == 1 and y == 0)
        c = sum(1 for x, y in blocks if x == 0 and y == 1)
        return ("mcnemar_exact", mcnemar_exact(b, c), None)
    q, p = cochran_q(blocks)
    return ("cochran_q", p, q)


def wilcoxon_signed_rank(pairs: Sequence[Sequence[float]]) -> tuple[float, float, float]:
    """Wilcoxon signed-rank test on paired values: (statistic, two-sided p, rank-biserial r).

    Zero differences are dropped (Wilcoxon's convention); the statistic is the smaller
    of the positive and negative rank sums; ``r = (T+ − T−) / (T+ + T−)`` is positive
    when the first value tends to be the larger. No non-zero difference gives ``(0, 1, 0)``.

    >>> d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
    >>> t, p, r = wilcoxon_signed_rank([(x, 0) for x in d])
    >>> t, round(p, 6), r
    (24.0, 0.04126, 0.6)
    """
    differences = [float(a) - float(b) for a, b in pairs if float(a) != float(b)]
    if not differences:
        return (0.0, 1.0, 0.0)
    ranks = stats.rankdata([abs(d) for d in differences])
    positive = float(sum(r for r, d in zip(ranks, differences, strict=True) if d > 0))
    negative = float(sum(r for r, d in zip(ranks, differences, strict=True) if d < 0))
    result = stats.wilcoxon(differences, zero_method="wilcox", alternative="two-sided")
    p = float(result.pvalue)
    return (min(positive, negative), min(1.0, p), (positive - negative) / (positive + negative))


def friedman(blocks: Sequence[Sequence[float]]) -> tuple[float, float, float]:
    """Friedman's test on blocks of k ≥ 3 values: (χ²_F, p, Kendall's W).

    Ranks within each block (ties share the mean rank), with the tie correction;
    ``W = χ²_F / (n (k − 1))`` runs from 0 (no agreement) to 1 (the same order in
    every block). Blocks with no variation at all give ``(0, 1, 0)``.

    >>> rows = [(1, 2, 3), (1, 3, 2), (1, 2, 3), (1, 2, 3)]
    >>> [round(x, 4) for x in friedman(rows)]
    [6.5, 0.0388, 0.8125]
    """
    n = len(blocks)
    if n == 0:
        return (0.0, 1.0, 0.0)
    k = len(blocks[0])
    ranked = [stats.rankdata(block) for block in blocks]
    sums = [float(sum(row[j] for row in ranked)) for j in range(k)]
    ties = sum(
        float((counts**3 - counts).sum()) for counts in (_tie_counts(block) for block in blocks)
    )
    denominator = n * k * (k + 1) - ties / (k - 1)
    if denominator <= 0:
        return (0.0, 1.0, 0.0)
    chi2 = (12 * sum(r * r for r in sums) - 3 * n * n * k * (k + 1) ** 2) / denominator
    chi2 = max(0.0, chi2)
    return (chi2, float(stats.chi2.sf(chi2, k - 1)), min(1.0, chi2 / (n * (k - 1))))


def _tie_counts(block: Sequence[float]) -> Any:
    return np.unique(np.asarray(block, dtype=float), return_counts=True)[1].astype(float)


def length_test(blocks: Sequence[Sequence[float]]) -> tuple[str, float, float, float]:
    """Wilcoxon for two values, Friedman for more: (test, p-value, statistic, effect size).

    The effect size is the matched-pairs rank-biserial correlation's magnitude
    (Wilcoxon) or Kendall's W (Friedman), both between 0 and 1.
    """
    if blocks and len(blocks[0]) == 2:
        t, p, r = wilcoxon_signed_rank(blocks)
        return ("wilcoxon", p, t, abs(r))
    chi2, p, w = friedman(blocks)
    return ("friedman", p, chi2, w)


def holm(p_values: Sequence[float], alpha: float = 0.05) -> list[tuple[float, bool]]:
    """Holm–Bonferroni: each p-value adjusted, and whether it is rejected at ``alpha``.

    >>> [(round(p, 3), r) for p, r in holm([0.01, 0.04, 0.03])]
    [(0.03, True), (0.06, False), (0.06, False)]
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return [(p, p <= alpha) for p in adjusted]


__all__ = [
    "cochran_q",
    "friedman",
    "holm",
    "length_test",
    "mcnemar_exact",
    "paired_test",
    "wilcoxon_signed_rank",
    "wilson",
]
