"""Scan, profile and anonymity results as frames and HTML: counts only, never a raw value."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from tianping.privacy import Scanner, anonymity, profile_table, scan

from .conftest import AS_OF, SALT

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "privacy"
SCRIPT = "<script>alert(1)</script>"
MOBILES = ["13912345678", "13800138000"]


@pytest.fixture(scope="module")
def table() -> dict[str, list[str | None]]:
    return {
        "phone": [MOBILES[0], None, MOBILES[1], "n/a"],
        SCRIPT: ["甲", "乙", "丙", "丁"],
    }


def test_a_profile_frame_counts_each_column_and_holds_no_value(
    table: dict[str, list[str | None]],
) -> None:
    profile = profile_table(table, scanner=Scanner(salt=SALT, as_of=AS_OF))
    frame = profile.to_frame().set_index("column")
    assert frame.loc["phone", "rows"] == 4 and frame.loc["phone", "non_null"] == 3
    assert frame.loc["phone", "rows_with_findings"] == 2
    assert frame.loc["phone", "share"] == pytest.approx(0.5)
    assert frame.loc["phone", "entities"] == "cn_mobile: 2"
    assert frame.loc[SCRIPT, "rows_with_findings"] == 0
    html = profile._repr_html_()
    for shown in (frame.to_string(), html):
        assert not any(mobile in shown for mobile in MOBILES)
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<svg" in html
    assert isinstance(profile.to_frame(backend="polars"), pl.DataFrame)


def test_a_scan_frame_counts_findings_by_file_column_and_entity() -> None:
    report = scan([EXAMPLES / "notes.txt", EXAMPLES / "people.csv"], salt=SALT, as_of=AS_OF)
    frame = report.to_frame()
    by_entity = frame.groupby("entity")["findings"].sum().to_dict()
    assert by_entity == report.counts()
    assert set(frame["path"]) == {f.path for f in report.findings}
    text = (EXAMPLES / "notes.txt").read_text("utf-8")
    assert "13912345678" in text
    html = report._repr_html_()
    for shown in (frame.to_string(), html):
        assert "13912345678" not in shown and "zhang.san@example.com" not in shown
    assert "<svg" in html and "people.csv" in html


def test_anonymity_frames_agree_with_a_pandas_group_count() -> None:
    path = EXAMPLES / "people.csv"
    quasi = ["age", "sex", "city"]
    report = anonymity(path, quasi=quasi, sensitive="diagnosis", k=3, l=None, t=None)
    people = pd.read_csv(path, dtype=str)
    sizes = people.groupby(quasi).size()
    small = sizes[sizes < 3]
    frame = report.to_frame()
    assert len(frame) == len(small)
    assert set(zip(frame["age"], frame["sex"], frame["city"], strict=True)) == set(small.index)
    assert frame.set_index(quasi)["size"].to_dict() == small.to_dict()
    assert set(frame["violates"]) == {"k"}
    histogram = report.class_size_frame()
    expected = sizes.value_counts().sort_index()
    assert histogram["size"].tolist() == expected.index.tolist()
    assert histogram["classes"].tolist() == expected.tolist()
    assert histogram["rows"].sum() == len(people)
    assert histogram["below_k"].tolist() == [s < 3 for s in expected.index]


def test_anonymity_html_escapes_values_and_an_empty_frame_keeps_its_columns() -> None:
    data = pa.table({"zone": [SCRIPT] * 2 + ["b"] * 5, "sex": ["F"] * 7})
    report = anonymity(data, quasi=["zone", "sex"], k=3, l=None, t=None)
    html = report._repr_html_()
    assert SCRIPT not in html and "&lt;script&gt;" in html and "<svg" in html
    met = anonymity(data, quasi=["sex"], k=3, l=None, t=None)
    empty = met.to_frame(backend="pyarrow")
    assert empty.num_rows == 0 and empty.column_names[:2] == ["sex", "size"]
