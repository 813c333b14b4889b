"""Wilson intervals, the vectorised bootstrap and the independence tests."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from tianping.fairness import (
    CountTable,
    audit_table,
    bootstrap_statistics,
    count_table,
    independence_test,
    percentile_interval,
    wilson_interval,
)
from tianping.fairness._metrics import rate
from tianping.fairness._uncertainty import bonferroni

from .conftest import decisions

# Published 95% Wilson intervals (Newcombe 1998, Statistics in Medicine 17:857-872, table I).
KNOWN_WILSON = [
    ((81, 263), (0.2553, 0.3662)),
    ((15, 148), (0.0624, 0.1605)),
    ((0, 20), (0.0, 0.1611)),
    ((1, 29), (0.0061, 0.1718)),
]


@pytest.mark.parametrize(("observed", "expected"), KNOWN_WILSON)
def test_wilson_interval_gives_published_values(
    observed: tuple[int, int], expected: tuple[float, float]
) -> None:
    low, high = wilson_interval(*observed)
    assert (round(float(low), 4), round(float(high), 4)) == expected


@pytest.mark.parametrize(("k", "n"), [(0, 1), (3, 7), (50, 50), (499, 1000)])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_interval_matches_scipy(k: int, n: int, confidence: float) -> None:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    low, high = wilson_interval(k, n, confidence=confidence)
    assert float(low) == pytest.approx(ci.low, abs=1e-12)
    assert float(high) == pytest.approx(ci.high, abs=1e-12)


def test_wilson_interval_without_trials_is_undefined() -> None:
    low, high = wilson_interval(np.array([0, 2]), np.array([0, 4]))
    assert math.isnan(low[0]) and math.isnan(high[0])
    assert 0 < low[1] < 0.5 < high[1] < 1


def _selection_gap(cells: np.ndarray) -> np.ndarray:
    selection = rate(cells, "selection_rate")
    return (selection[:, 1] - selection[:, 0])[:, None]


@pytest.fixture(scope="module")
def table() -> CountTable:
    return count_table(decisions(2000, seed=31), protected="sex", label="y", prediction="yhat")


def test_the_bootstrap_is_reproducible_with_a_seed(table: CountTable) -> None:
    a = bootstrap_statistics(table, _selection_gap, replicates=300, seed=7)
    b = bootstrap_statistics(table, _selection_gap, replicates=300, seed=7)
    c = bootstrap_statistics(table, _selection_gap, replicates=300, seed=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.shape == (300, 1)


def test_bootstrap_replicates_resample_the_rows(table: CountTable) -> None:
    seen: list[np.ndarray] = []

    def keep(cells: np.ndarray) -> np.ndarray:
        seen.append(cells)
        return cells.sum(axis=(1, 2, 3))[:, None]

    totals = bootstrap_statistics(table, keep, replicates=200, seed=1)
    np.testing.assert_array_equal(totals[:, 0], table.rows)  # every replicate has all rows
    cells = np.concatenate(seen)
    np.testing.assert_allclose(cells.mean(axis=0), table.counts, rtol=0.05)


def test_the_bootstrap_interval_agrees_with_the_normal_approximation(table: CountTable) -> None:
    samples = bootstrap_statistics(table, _selection_gap, replicates=2000, seed=3)
    low, high = percentile_interval(samples)
    selection = rate(table.cell_weights, "selection_rate")
    sizes = table.group_sizes
    gap = selection[1] - selection[0]
    se = math.sqrt(sum(s * (1 - s) / n for s, n in zip(selection, sizes, strict=True)))
    assert float(low[0]) == pytest.approx(gap - 1.96 * se, abs=0.01)
    assert float(high[0]) == pytest.approx(gap + 1.96 * se, abs=0.01)


def test_weighted_replicates_carry_each_cells_mean_weight() -> None:
    df = decisions(500, seed=32).assign(w=3.0)
    weighted = count_table(df, protected="sex", label="y", prediction="yhat", weights="w")
    totals = bootstrap_statistics(
        weighted, lambda c: c.sum(axis=(1, 2, 3))[:, None], replicates=10, seed=0
    )
    np.testing.assert_allclose(totals[:, 0], 1500.0)


def test_percentile_interval_leaves_out_undefined_replicates() -> None:
    samples = np.array([[1.0, np.nan], [2.0, np.nan], [np.nan, np.nan], [3.0, np.nan]])
    low, high = percentile_interval(samples, confidence=0.5)
    assert (low[0], high[0]) == (1.5, 2.5)
    assert math.isnan(low[1]) and math.isnan(high[1])


def test_independence_test_uses_chi_square_on_large_tables() -> None:
    observed = np.array([[120, 80], [90, 110], [30, 20]])
    result = independence_test(observed)
    expected = stats.chi2_contingency(observed, correction=False)
    assert result.method == "chi-square" and result.dof == 2
    assert result.p_value == pytest.approx(expected.pvalue)


def test_independence_test_uses_fisher_when_an_expected_count_is_below_five() -> None:
    observed = np.array([[8, 2], [1, 5]])
    result = independence_test(observed)
    assert result.method == "fisher-exact"
    assert result.p_value == pytest.approx(stats.fisher_exact(observed).pvalue)


def test_independence_test_drops_empty_rows_and_needs_two_by_two() -> None:
    assert math.isnan(independence_test(np.array([[5, 0], [7, 0]])).p_value)
    result = independence_test(np.array([[50, 60], [0, 0], [70, 40]]))
    assert result.method == "chi-square" and result.dof == 1


def test_bonferroni_combines_tests_by_their_smallest_p_value() -> None:
    a = independence_test(np.array([[120, 80], [90, 110]]))
    b = independence_test(np.array([[100, 100], [101, 99]]))
    combined = bonferroni(a, b)
    assert combined.method == "bonferroni"
    assert combined.p_value == pytest.approx(min(1.0, 2 * min(a.p_value, b.p_value)))


def test_audit_intervals_are_reproducible_and_change_with_the_seed(table: CountTable) -> None:
    first = audit_table(table, replicates=200, seed=5, min_group_size=0)
    again = audit_table(table, replicates=200, seed=5, min_group_size=0)
    other = audit_table(table, replicates=200, seed=6, min_group_size=0)
    assert first.to_json() == again.to_json()
    d = first.disparity("demographic_parity_difference")
    assert d.ci is not None and d.ci[0] <= d.value <= d.ci[1]
    assert other.disparity("demographic_parity_difference").ci != d.ci
