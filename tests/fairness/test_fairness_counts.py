"""The count table: one grouped pass in any engine, addable, JSON, and clear input errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from tianping.fairness import (
    MISSING,
    CountTable,
    FairnessDataError,
    FairnessError,
    audit,
    audit_table,
    bin_labels,
    count_table,
    level_name,
)
from tianping.fairness._messages import (
    ERR_BAD_BINS,
    ERR_BINS_NOT_NUMERIC,
    ERR_BINS_NOT_PROTECTED,
    ERR_DUPLICATE_COLUMN,
    ERR_EMPTY_DATA,
    ERR_FILE_NOT_FOUND,
    ERR_MISSING_COLUMNS,
    ERR_MISSING_VALUES,
    ERR_NEGATIVE_WEIGHTS,
    ERR_NO_PREDICTION,
    ERR_NO_PROTECTED,
    ERR_NON_BINARY,
    ERR_NOT_A_COUNT_TABLE,
    ERR_POSITIVE_ABSENT,
    ERR_SCORE_RANGE,
    ERR_TABLES_INCOMPATIBLE,
    ERR_UNREADABLE_FILE,
    ERR_UNSUPPORTED_DATA,
    ERR_UNSUPPORTED_FORMAT,
)

from .conftest import decisions

OPTIONS: dict[str, Any] = {
    "protected": ["sex", "race", "age"],
    "label": "y",
    "prediction": "yhat",
    "score": "score",
    "weights": "w",
    "bins": {"age": [0, 25, 40, 60, 200]},
}


def _parquet(df: pd.DataFrame, tmp: Path) -> str:
    df.to_parquet(tmp / "log.parquet")
    return str(tmp / "log.parquet")


def _csv(df: pd.DataFrame, tmp: Path) -> Path:
    df.to_csv(tmp / "log.csv", index=False)
    return tmp / "log.csv"


def _jsonl(df: pd.DataFrame, tmp: Path) -> str:
    df.to_json(tmp / "log.jsonl", orient="records", lines=True)
    return str(tmp / "log.jsonl")


def _duckdb(df: pd.DataFrame, tmp: Path) -> Any:
    return duckdb.connect().from_arrow(pa.Table.from_pandas(df, preserve_index=False))


ENGINES: dict[str, Callable[[pd.DataFrame, Path], Any]] = {
    "pandas": lambda df, tmp: df,
    "polars": lambda df, tmp: pl.from_pandas(df),
    "polars-lazy": lambda df, tmp: pl.from_pandas(df).lazy(),
    "pyarrow": lambda df, tmp: pa.Table.from_pandas(df, preserve_index=False),
    "duckdb": _duckdb,
    "parquet": _parquet,
    "csv": _csv,
    "jsonl": _jsonl,
}


ENGINE_NAMES = {
    "pandas": "pandas",
    "polars": "polars",
    "polars-lazy": "polars",
    "pyarrow": "pyarrow",
    "duckdb": "duckdb",
    "parquet": "duckdb (parquet file)",
    "csv": "duckdb (csv file)",
    "jsonl": "duckdb (jsonl file)",
}


@pytest.fixture(scope="module")
def reference_table() -> CountTable:
    return count_table(decisions(1500, seed=21, missing=True, dyadic=True), **OPTIONS)


@pytest.fixture(scope="module")
def reference_audit(reference_table: CountTable) -> dict[str, Any]:
    return audit_table(reference_table, replicates=50).to_json()


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_every_engine_counts_the_same_table_and_audits_the_same(
    engine: str, reference_table: CountTable, reference_audit: dict[str, Any], tmp_path: Path
) -> None:
    df = decisions(1500, seed=21, missing=True, dyadic=True)
    data = ENGINES[engine](df, tmp_path)
    assert count_table(data, **OPTIONS) == reference_table
    result = audit(data, **OPTIONS, replicates=50).to_json()
    assert result["meta"]["engine"] == ENGINE_NAMES[engine]
    for key in ("engine", "label", "prediction", "score", "threshold", "positive"):
        result["meta"][key] = reference_audit["meta"][key]
    assert result == reference_audit


def test_the_count_is_one_grouped_pass_pushed_into_duckdb(tmp_path: Path) -> None:
    path = _parquet(decisions(500, seed=1), tmp_path)
    plan: list[str] = []
    original = duckdb.DuckDBPyRelation.aggregate

    def spy(self: duckdb.DuckDBPyRelation, *args: Any, **kwargs: Any) -> Any:
        plan.append("aggregate")
        return original(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(duckdb.DuckDBPyRelation, "aggregate", spy)
        table = count_table(path, protected=["sex"], label="y", prediction="yhat")
    assert plan == ["aggregate"]
    assert table.rows == 500


def test_missing_attribute_values_form_their_own_group() -> None:
    df = pd.DataFrame({"sex": ["F", None, "M", None], "y": [1, 0, 1, 1], "p": [1, 0, 0, 1]})
    table = count_table(df, protected="sex", label="y", prediction="p")
    assert table.groups == (("F",), ("M",), (MISSING,))
    assert table.counts[2].tolist() == [[1, 0], [0, 1]]


def test_numeric_attributes_are_binned_by_edges() -> None:
    df = pd.DataFrame({"age": [-3.0, 0, 24.9, 25, 39, 60, 200, 250, np.nan], "y": 1, "p": 1})
    table = count_table(
        df, protected="age", label="y", prediction="p", bins={"age": [0, 25, 60, 200]}
    )
    sizes = dict(zip([g[0] for g in table.groups], table.group_sizes.tolist(), strict=True))
    assert sizes == {"<0": 1, "0-25": 2, "25-60": 2, "60-200": 1, ">=200": 2, MISSING: 1}
    assert [g[0] for g in table.groups] == ["<0", "0-25", "25-60", "60-200", ">=200", MISSING]
    assert bin_labels([0, 2.5, 10]) == ("<0", "0-2.5", "2.5-10", ">=10")


def test_group_labels_do_not_depend_on_the_engine_dtype() -> None:
    assert level_name(25.0) == level_name(25) == level_name(np.int64(25)) == "25"
    assert level_name(float("nan")) == level_name(None) == level_name(pd.NA) == MISSING
    assert level_name(np.True_) == "True" and level_name(0.5) == "0.5"


def test_labels_may_be_booleans_or_minus_one_and_one() -> None:
    base = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1, 0, 1, 0], "p": [1, 1, 0, 0]})
    expected = count_table(base, protected="g", label="y", prediction="p")
    as_bool = base.assign(y=base["y"].astype(bool), p=base["p"].astype(bool))
    as_sign = base.assign(y=base["y"] * 2 - 1, p=base["p"] * 2 - 1)
    assert count_table(as_bool, protected="g", label="y", prediction="p") == expected
    assert count_table(as_sign, protected="g", label="y", prediction="p") == expected


def test_positive_names_the_positive_class_one_vs_rest() -> None:
    df = pd.DataFrame(
        {
            "g": ["a", "a", "a", "b", "b", "b"],
            "y": ["cat", "dog", "bird", "dog", "dog", "cat"],
            "p": ["cat", "cat", "bird", "dog", "cat", "cat"],
        }
    )
    cat = count_table(df, protected="g", label="y", prediction="p", positive="cat")
    assert cat.counts.tolist() == [[[1, 1], [0, 1]], [[1, 1], [0, 1]]]
    pets = count_table(df, protected="g", label="y", prediction="p", positive=["cat", "dog"])
    assert pets.counts[:, 1, 1].tolist() == [2, 3]
    # A positive given as text matches numbers (the command line passes text).
    numbers = pd.DataFrame({"g": ["a", "b"], "y": [3, 1], "p": [3, 3]})
    assert count_table(numbers, protected="g", label="y", prediction="p", positive="3").rows == 2


def test_a_score_gives_the_prediction_and_a_histogram() -> None:
    df = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1, 0, 1, 0], "s": [0.9, 0.5, 0.2, 1.0]})
    table = count_table(df, protected="g", label="y", score="s", threshold=0.5, score_bins=10)
    assert table.counts.tolist() == [[[0, 1], [0, 1]], [[0, 1], [1, 0]]]
    assert table.scores is not None and table.scores.bins == 10
    assert table.scores.weights[1, 0, 9] == 1.0  # score 1.0 falls in the last, closed bin
    assert table.scores.sums[0].sum() == pytest.approx(1.4)


def test_count_tables_add_up_across_partitions() -> None:
    df = decisions(1200, seed=3, missing=True, dyadic=True)
    whole = count_table(df, **OPTIONS)
    parts = [count_table(df.iloc[i::3], **OPTIONS) for i in range(3)]
    assert sum(parts) == whole
    assert parts[0] + parts[1] + parts[2] == whole


def test_a_partition_may_lack_some_groups() -> None:
    df = decisions(300, seed=4)
    women = count_table(df[df["sex"] == "F"], protected=["sex"], label="y", prediction="yhat")
    men = count_table(df[df["sex"] == "M"], protected=["sex"], label="y", prediction="yhat")
    assert (women + men).groups == (("F",), ("M",))
    assert (men + women) == (women + men)


def test_tables_of_different_shape_do_not_add() -> None:
    df = decisions(200, seed=5)
    by_sex = count_table(df, protected="sex", label="y", prediction="yhat")
    by_race = count_table(df, protected="race", label="y", prediction="yhat")
    weighted = count_table(df, protected="sex", label="y", prediction="yhat", weights="w")
    for other in (by_race, weighted):
        with pytest.raises(FairnessError) as caught:
            by_sex + other
        assert caught.value.template == ERR_TABLES_INCOMPATIBLE


def test_count_tables_round_trip_through_json() -> None:
    table = count_table(decisions(800, seed=6, missing=True), **OPTIONS)
    text = json.dumps(table.to_json(), allow_nan=False)
    again = CountTable.from_json(json.loads(text))
    assert again == table
    np.testing.assert_array_equal(again.counts, table.counts)
    assert again.scores is not None and table.scores is not None
    np.testing.assert_allclose(again.scores.sums, table.scores.sums)


def test_json_groups_may_come_in_any_order() -> None:
    table = count_table(decisions(300, seed=7), protected="race", label="y", prediction="yhat")
    data = table.to_json()
    data["groups"].reverse()
    data["counts"].reverse()
    assert CountTable.from_json(data) == table


def test_a_malformed_count_table_document_is_an_error() -> None:
    with pytest.raises(FairnessError) as caught:
        CountTable.from_json({"format": "something else"})
    assert caught.value.template == ERR_NOT_A_COUNT_TABLE


def test_marginals_sum_over_the_other_attributes() -> None:
    df = decisions(600, seed=8)
    table = count_table(df, protected=["sex", "race"], label="y", prediction="yhat")
    by_race = count_table(df, protected="race", label="y", prediction="yhat")
    assert table.marginal(["race"]) == by_race
    assert table.marginal([]).counts.sum() == 600


def test_the_constructor_checks_its_invariants() -> None:
    counts = np.ones((2, 2, 2), dtype=np.int64)
    with pytest.raises(ValueError, match="sorted"):
        CountTable(("g",), (("b",), ("a",)), counts)
    with pytest.raises(ValueError, match="at least one row"):
        CountTable(("g",), (("a",), ("b",)), np.zeros((2, 2, 2), dtype=np.int64))
    with pytest.raises(ValueError, match="shape"):
        CountTable(("g",), (("a",),), counts)


# --- bad inputs --------------------------------------------------------------------------------

SMALL = pd.DataFrame(
    {"g": ["a", "b", "a", "b"], "y": [1, 0, 1, 0], "p": [1, 1, 0, 0], "s": [0.1, 0.2, 0.3, 0.4]}
)


def _error(**kwargs: Any) -> FairnessError:
    data = kwargs.pop("data", SMALL)
    options = {"protected": "g", "label": "y", "prediction": "p", **kwargs}
    with pytest.raises(FairnessError) as caught:
        count_table(data, **options)
    return caught.value


def test_missing_columns_are_named() -> None:
    error = _error(protected=["g", "region"], label="outcome")
    assert isinstance(error, FairnessDataError)
    assert error.template == ERR_MISSING_COLUMNS
    assert error.params["columns"] == "region, outcome"
    assert str(error) == ERR_MISSING_COLUMNS.en.format(
        columns="region, outcome", available="g, y, p, s"
    )


def test_a_non_binary_label_needs_positive() -> None:
    error = _error(data=SMALL.assign(y=["yes", "no", "maybe", "no"]))
    assert error.template == ERR_NON_BINARY
    assert error.params["values"] == "maybe, no, yes"
    assert "positive" in str(error)


def test_a_positive_value_that_never_occurs_is_an_error() -> None:
    assert _error(positive="approved").template == ERR_POSITIVE_ABSENT


def test_missing_labels_predictions_scores_and_weights_are_errors() -> None:
    assert _error(data=SMALL.assign(y=[1, None, 0, 1])).template == ERR_MISSING_VALUES
    assert _error(data=SMALL.assign(p=[1.0, np.nan, 0, 1])).params["count"] == 1
    error = _error(prediction=None, score="s", data=SMALL.assign(s=[0.1, None, 0.2, 0.3]))
    assert error.template == ERR_MISSING_VALUES and error.params["column"] == "s"
    error = _error(weights="w", data=SMALL.assign(w=[1.0, np.nan, 1.0, 1.0]))
    assert error.template == ERR_MISSING_VALUES and error.params["column"] == "w"


def test_negative_weights_are_an_error() -> None:
    error = _error(weights="w", data=SMALL.assign(w=[1.0, -1.0, 1.0, 1.0]))
    assert error.template == ERR_NEGATIVE_WEIGHTS


def test_scores_outside_the_range_are_an_error() -> None:
    error = _error(prediction=None, score="s", data=SMALL.assign(s=[0.1, 1.5, -0.2, 0.3]))
    assert error.template == ERR_SCORE_RANGE and error.params["count"] == 2
    table = count_table(
        SMALL.assign(s=[0.1, 1.5, -0.2, 0.3]),
        protected="g",
        label="y",
        score="s",
        score_range=(-1.0, 2.0),
    )
    assert table.rows == 4


def test_empty_data_is_an_error() -> None:
    assert _error(data=SMALL.iloc[:0]).template == ERR_EMPTY_DATA


def test_arguments_that_cannot_work_are_errors() -> None:
    assert _error(protected=[]).template == ERR_NO_PROTECTED
    assert _error(prediction=None).template == ERR_NO_PREDICTION
    assert _error(protected=["g", "y"]).template == ERR_DUPLICATE_COLUMN
    assert _error(bins={"age": [0, 10]}).template == ERR_BINS_NOT_PROTECTED
    assert _error(bins={"g": [0, 10]}).template == ERR_BINS_NOT_NUMERIC
    numeric = SMALL.assign(g=[1.0, 2.0, 3.0, 4.0])
    assert _error(data=numeric, bins={"g": [10, 0]}).template == ERR_BAD_BINS
    assert _error(data=numeric, bins={"g": [0]}).template == ERR_BAD_BINS


def test_unreadable_inputs_are_errors(tmp_path: Path) -> None:
    assert _error(data=tmp_path / "nowhere.parquet").template == ERR_FILE_NOT_FOUND
    (tmp_path / "log.xlsx").write_bytes(b"PK")
    assert _error(data=tmp_path / "log.xlsx").template == ERR_UNSUPPORTED_FORMAT
    (tmp_path / "broken.parquet").write_bytes(b"not parquet at all")
    error = _error(data=tmp_path / "broken.parquet")
    assert error.template == ERR_UNREADABLE_FILE and "broken.parquet" in str(error)
    assert _error(data=[1, 2, 3]).template == ERR_UNSUPPORTED_DATA


def test_errors_can_be_worded_in_chinese() -> None:
    error = _error(label="outcome")
    assert error.in_language("zh-Hans").message == ERR_MISSING_COLUMNS.zh.format(
        columns="outcome", available="g, y, p, s"
    )
