"""k-anonymity, l-diversity, t-closeness and risks against hand-computed tables and pycanon."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tianping.privacy import PrivacyDataError, anonymity, violating_records

# Hand-computed: classes (zip, age) → diseases
#   (100, 30): flu, cold, flu      size 3, distinct 2
#   (200, 40): hiv, hiv            size 2, distinct 1
#   (300, 50): flu, cold, hiv, flu size 4, distinct 3
TABLE = pd.DataFrame(
    {
        "zip": ["100", "100", "100", "200", "200", "300", "300", "300", "300"],
        "age": [30, 30, 30, 40, 40, 50, 50, 50, 50],
        "disease": ["flu", "cold", "flu", "hiv", "hiv", "flu", "cold", "hiv", "flu"],
        "income": [3, 4, 5, 6, 6, 3, 4, 5, 9],
    }
)


def test_k_and_distinct_l_from_a_hand_computed_table() -> None:
    report = anonymity(TABLE, quasi=["zip", "age"], sensitive="disease", k=3, l=2, t=None)
    assert (report.rows, report.classes, report.k, report.l_distinct) == (9, 3, 2, 1)
    assert [c.values for c in report.violating_classes] == [{"zip": "200", "age": "40"}]
    assert report.violating_classes[0].violates == ("k", "l")
    assert report.violating_records == 2


def test_entropy_l_is_exp_of_the_smallest_class_entropy() -> None:
    report = anonymity(TABLE, quasi="zip,age", sensitive="disease", k=1, l=1, t=None)
    h100 = -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3))
    assert report.l_entropy == pytest.approx(1.0)  # the (200, 40) class has one value
    only = TABLE[TABLE.zip != "200"]
    assert anonymity(only, quasi="zip,age", sensitive="disease").l_entropy == pytest.approx(
        math.exp(h100)
    )


def test_categorical_t_is_half_the_l1_distance() -> None:
    # whole table: flu 4/9, cold 2/9, hiv 3/9; class (200, 40) is all hiv
    expected = 0.5 * (4 / 9 + 2 / 9 + (1 - 3 / 9))
    report = anonymity(TABLE, quasi=["zip", "age"], sensitive="disease", t=0.5)
    assert report.sensitive_kind == "categorical"
    assert report.t == pytest.approx(expected)
    assert [c.values["zip"] for c in report.violating_classes if "t" in c.violates] == ["200"]


def test_ordered_t_is_the_emd_over_sorted_values() -> None:
    # values 3,4,5,6,9 (m = 5); whole: 2/9, 2/9, 2/9, 2/9, 1/9; class (200, 40): all 6
    whole = np.array([2, 2, 2, 2, 1]) / 9
    cls = np.array([0, 0, 0, 1, 0])
    expected = np.abs(np.cumsum(cls - whole)).sum() / 4
    report = anonymity(TABLE, quasi=["zip", "age"], sensitive="income", l=1, t=1.0)
    assert report.sensitive_kind == "ordered"
    every = anonymity(TABLE, quasi=["zip", "age"], sensitive="income", k=10, l=1, t=1.0)
    emd = {c.values["zip"]: c.emd for c in every.violating_classes}
    assert emd["200"] == pytest.approx(expected)
    assert report.t == pytest.approx(max(emd.values()))


def _brute_ordered_t(frame: pd.DataFrame, quasi: list[str], sensitive: str) -> float:
    values = np.sort(frame[sensitive].unique())
    whole = frame[sensitive].value_counts(normalize=True).reindex(values, fill_value=0).to_numpy()
    worst = 0.0
    for _, group in frame.groupby(quasi):
        p = group[sensitive].value_counts(normalize=True).reindex(values, fill_value=0).to_numpy()
        emd = np.abs(np.cumsum(p - whole)).sum() / (len(values) - 1) if len(values) > 1 else 0.0
        worst = max(worst, emd)
    return worst


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 9)), min_size=2, max_size=60
    )
)
def test_ordered_emd_matches_brute_force(rows) -> None:
    frame = pd.DataFrame(rows, columns=["a", "b", "s"])
    report = anonymity(frame, quasi=["a", "b"], sensitive="s", k=1, l=1, t=1.0)
    assert report.t == pytest.approx(_brute_ordered_t(frame, ["a", "b"], "s"), abs=1e-9)


def test_pycanon_agrees_on_k_l_entropy_l_and_t() -> None:
    pycanon = pytest.importorskip("pycanon.anonymity")
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "age": rng.integers(20, 30, 400),
            "sex": rng.choice(["F", "M"], 400),
            "zip": rng.choice(["100", "200", "300"], 400),
            "disease": rng.choice(["flu", "cold", "hiv", "none"], 400),
            "income": rng.integers(1, 8, 400),
        }
    )
    quasi = ["age", "sex", "zip"]
    report = anonymity(frame, quasi=quasi, sensitive="disease")
    assert report.k == pycanon.k_anonymity(frame, quasi)
    assert report.l_distinct == pycanon.l_diversity(frame, quasi, ["disease"])
    assert int(report.l_entropy) == pycanon.entropy_l_diversity(frame, quasi, ["disease"])
    assert report.t == pytest.approx(pycanon.t_closeness(frame, quasi, ["disease"]))
    ordered = anonymity(frame, quasi=quasi, sensitive="income")
    assert ordered.t == pytest.approx(pycanon.t_closeness(frame, quasi, ["income"]))


def test_prosecutor_risk_from_class_sizes() -> None:
    report = anonymity(TABLE, quasi=["zip", "age"], k=3)
    assert report.prosecutor.highest == pytest.approx(1 / 2)
    assert report.prosecutor.average == pytest.approx(3 / 9)
    assert report.prosecutor.records_at_risk == pytest.approx(2 / 9)  # risk 1/2 > 1/3
    assert report.journalist == report.prosecutor
    assert report.l_distinct is None and report.t is None


def test_journalist_risk_uses_the_population() -> None:
    population = pd.concat([TABLE] * 3, ignore_index=True)  # every class three times larger
    report = anonymity(TABLE, quasi=["zip", "age"], k=3, population=population)
    assert report.journalist.basis == "population"
    assert report.journalist.highest == pytest.approx(1 / 6)
    assert report.journalist.average == pytest.approx(3 / 27)


@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow", "duckdb", "parquet", "csv"])
def test_every_input_kind_gives_the_same_report(tmp_path, kind) -> None:
    if kind == "pandas":
        data = TABLE
    elif kind == "polars":
        data = pl.from_pandas(TABLE)
    elif kind == "pyarrow":
        data = pa.Table.from_pandas(TABLE)
    elif kind == "duckdb":
        data = duckdb.from_arrow(pa.Table.from_pandas(TABLE))
    else:
        data = tmp_path / f"t.{kind}"
        TABLE.to_parquet(data) if kind == "parquet" else TABLE.to_csv(data, index=False)
    report = anonymity(data, quasi=["zip", "age"], sensitive="disease", k=3)
    assert (report.k, report.l_distinct, report.classes) == (2, 1, 3)


def test_missing_values_are_a_class_of_their_own() -> None:
    frame = pd.DataFrame({"zip": ["1", None, None], "s": ["a", "b", "a"]})
    report = anonymity(frame, quasi=["zip"], sensitive="s", k=2, l=1, t=None)
    assert report.classes == 2
    assert [c.values for c in report.violating_classes] == [{"zip": "1"}]


def test_violating_records_are_the_rows_of_violating_classes(tmp_path) -> None:
    report = anonymity(TABLE, quasi=["zip", "age"], sensitive="disease", k=3, l=2, t=None)
    rows = violating_records(TABLE, report).to_pandas()
    assert rows["zip"].tolist() == ["200", "200"]
    path = tmp_path / "t.parquet"
    TABLE.to_parquet(path)
    assert violating_records(path, report).num_rows == 2
    assert violating_records(TABLE, report, limit=1).num_rows == 1


def test_bad_requests_are_errors() -> None:
    with pytest.raises(PrivacyDataError):
        anonymity(TABLE, quasi=[], sensitive="disease")
    with pytest.raises(PrivacyDataError, match="nope"):
        anonymity(TABLE, quasi=["nope"])
    with pytest.raises(PrivacyDataError):
        anonymity(TABLE.iloc[:0], quasi=["zip"])
    with pytest.raises(PrivacyDataError):
        anonymity(TABLE, quasi=["zip"], k=0)
    with pytest.raises(PrivacyDataError):
        anonymity(object(), quasi=["zip"])


def test_the_report_serialises() -> None:
    document = anonymity(TABLE, quasi=["zip", "age"], sensitive="disease", k=3).to_json()
    assert document["format"] == "tianping.privacy.anonymity"
    assert document["violating_classes_total"] == len(document["violating_classes"]) >= 1
    assert document["class_size_histogram"] == {"2": 1, "3": 1, "4": 1}
