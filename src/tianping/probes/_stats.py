"""The statistics of a probe run: Wilson intervals, paired tests, Holm's correction."""

from __future__ import annotations

import math
from collections.abc import Sequence

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


__all__ = ["cochran_q", "holm", "mcnemar_exact", "paired_test", "wilson"]
