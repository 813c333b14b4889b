"""Representativeness against a reference population: distance, test, under-represented groups."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from tianping.fairness import (
    PopulationError,
    count_table,
    load_population,
    representativeness,
)
from tianping.fairness._messages import ERR_INVALID_POPULATION, ERR_POPULATION_ATTRIBUTE

from .conftest import decisions


def _table(df: pd.DataFrame) -> object:
    return count_table(
        df, protected=["sex", "age"], label="y", prediction="yhat", bins={"age": [0, 40, 200]}
    )


def test_shares_per_attribute_give_distance_test_and_flags() -> None:
    df = pd.DataFrame({"sex": ["F"] * 30 + ["M"] * 70, "age": 30, "y": 1, "yhat": 1})
    [result] = representativeness(_table(df), {"sex": {"F": 0.5, "M": 0.5}})
    assert result.attributes == ("sex",)
    assert result.total_variation_distance == pytest.approx(0.2)
    expected = stats.chisquare([30, 70], [50, 50])
    assert result.chi_square == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)
    f, m = result.groups
    assert (f.observed_share, f.ratio, f.under_represented) == (0.3, pytest.approx(0.6), True)
    assert m.under_represented is False


def test_joint_shares_cover_several_attributes(tmp_path: Path) -> None:
    path = tmp_path / "census.yaml"
    path.write_text(
        "joint:\n"
        "  - attributes: [sex, age]\n"
        "    shares:\n"
        "      - {group: {sex: F, age: 0-40}, share: 0.25}\n"
        "      - {group: {sex: F, age: 40-200}, share: 0.25}\n"
        "      - {group: {sex: M, age: 0-40}, share: 0.25}\n"
        "      - {group: {sex: M, age: 40-200}, share: 0.25}\n",
        encoding="utf-8",
    )
    df = decisions(2000, seed=41)
    [result] = representativeness(_table(df), path)
    assert result.attributes == ("sex", "age")
    assert len(result.groups) == 4
    assert sum(g.observed_share for g in result.groups) == pytest.approx(1.0)


def test_groups_outside_the_reference_are_reported_not_tested() -> None:
    df = decisions(1000, seed=42, missing=True)
    [result] = representativeness(_table(df), {"sex": {"F": 0.45, "M": 0.55}})
    missing = [g for g in result.groups if g.attributes["sex"] == "(missing)"]
    assert missing and missing[0].reference_share is None and math.isnan(missing[0].ratio)
    assert result.unmatched_share == pytest.approx(missing[0].observed_share)
    assert result.dof == 1


def test_a_reference_group_absent_from_the_data_is_under_represented() -> None:
    df = pd.DataFrame({"sex": ["F"] * 50 + ["M"] * 50, "age": 30, "y": 1, "yhat": 0})
    [result] = representativeness(_table(df), {"sex": {"F": 0.4, "M": 0.4, "X": 0.2}})
    x = next(g for g in result.groups if g.attributes["sex"] == "X")
    assert x.count == 0 and x.under_represented


def test_weighted_shares_use_the_weights() -> None:
    df = pd.DataFrame({"sex": ["F", "M"], "age": 30, "y": 1, "yhat": 1, "w": [3.0, 1.0]})
    table = count_table(
        df,
        protected=["sex", "age"],
        label="y",
        prediction="yhat",
        weights="w",
        bins={"age": [0, 99]},
    )
    [result] = representativeness(table, {"sex": {"F": 0.75, "M": 0.25}})
    assert result.total_variation_distance == pytest.approx(0.0)


@pytest.mark.parametrize(
    "population",
    [
        {"sex": {"F": 0.6, "M": 0.6}},
        {"sex": {"F": -0.1, "M": 1.1}},
        {"sex": ["F", "M"]},
        {"joint": [{"attributes": ["sex"], "shares": [{"group": {"age": "x"}, "share": 1.0}]}]},
        {},
    ],
)
def test_invalid_shares_are_a_clear_error(population: dict[str, object]) -> None:
    with pytest.raises(PopulationError) as caught:
        load_population(population)
    assert caught.value.template == ERR_INVALID_POPULATION


def test_shares_of_an_attribute_not_audited_are_an_error() -> None:
    df = decisions(200, seed=43)
    with pytest.raises(PopulationError) as caught:
        representativeness(_table(df), {"region": {"north": 0.5, "south": 0.5}})
    assert caught.value.template == ERR_POPULATION_ATTRIBUTE
