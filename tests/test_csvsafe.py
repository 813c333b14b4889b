"""CSV injection: the shared writer neutralises formula cells, and nothing writes CSV around it."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import io
import re
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import tianping
from tianping import csvsafe
from tianping.csvsafe import (
    ESCAPE,
    ArrowCSVWriter,
    DictWriter,
    neutralise_cell,
    neutralise_frame,
    neutralise_table,
    writer,
)

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=",
    "-",
    "-2,5",
    "+ 3",
    "-1e5+1",
]
"""Cells a spreadsheet would evaluate (or that are not plain numbers): each gets the quote."""

KEPT = ["-2", "+3", "-2.5", "1e-3", "-.5", "12", "张*", "a=b", " =1", "'=1", "", "SUM(A1)"]
"""Text that stays as it is: plain numbers, and text not starting with a trigger."""


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_that_would_start_a_formula_gets_a_leading_quote(cell: str) -> None:
    assert neutralise_cell(cell) == ESCAPE + cell


@pytest.mark.parametrize("cell", KEPT)
def test_plain_numbers_and_other_text_stay_as_they_are(cell: str) -> None:
    assert neutralise_cell(cell) == cell


@pytest.mark.parametrize("value", [-2, -2.5, 0, None, True, dt.date(2024, 1, 1), b"=1"])
def test_values_that_are_not_text_stay_as_they_are(value: object) -> None:
    assert neutralise_cell(value) is value


def test_the_row_writers_neutralise_the_header_and_every_row() -> None:
    out = io.StringIO()
    w = writer(out)
    w.writerow(["name", "=total"])
    w.writerows([[cell, -2] for cell in HOSTILE])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["name", "'=total"]
    assert [row[0] for row in rows[1:]] == [ESCAPE + cell for cell in HOSTILE]
    assert {row[1] for row in rows[1:]} == {"-2"}

    out = io.StringIO()
    dict_writer = DictWriter(out, fieldnames=["@who", "v"], delimiter="\t")
    dict_writer.writeheader()
    dict_writer.writerows(
        [{"@who": cell, "v": kept} for cell, kept in zip(HOSTILE, KEPT, strict=False)]
    )
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter="\t"))
    assert rows[0] == ["'@who", "v"]
    assert [row[0] for row in rows[1:]] == [ESCAPE + cell for cell in HOSTILE]
    assert [row[1] for row in rows[1:]] == KEPT[: len(HOSTILE)]


def test_arrow_tables_are_neutralised_column_by_column() -> None:
    table = pa.table(
        {
            "=name": pa.array([*HOSTILE, None]),
            "kept": pa.array([*KEPT[: len(HOSTILE)], None]),
            "large": pa.array([*HOSTILE, None], type=pa.large_string()),
            "coded": pa.array([*HOSTILE, None]).dictionary_encode(),
            "n": pa.array(range(len(HOSTILE) + 1)),
        }
    )
    safe = neutralise_table(table)
    expected = [ESCAPE + cell for cell in HOSTILE] + [None]
    assert safe.column_names == ["'=name", "kept", "large", "coded", "n"]
    assert safe.column("'=name").to_pylist() == expected
    assert safe.column("kept").to_pylist() == [*KEPT[: len(HOSTILE)], None]
    assert safe.column("large").to_pylist() == expected
    assert safe.column("large").type == pa.large_string()
    assert safe.column("coded").to_pylist() == expected
    assert safe.column("n").to_pylist() == list(range(len(HOSTILE) + 1))
    assert neutralise_table(table.slice(0, 0)).num_rows == 0


@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow"])
def test_dataframes_come_back_neutralised_and_of_the_same_kind(kind: str) -> None:
    data = {"v": HOSTILE, "n": list(range(len(HOSTILE)))}
    frame = {"pandas": pd.DataFrame, "polars": pl.DataFrame, "pyarrow": pa.table}[kind](data)
    safe = neutralise_frame(frame)
    assert type(safe) is type(frame)
    values = safe["v"].to_pylist() if kind == "pyarrow" else list(safe["v"])
    assert values == [ESCAPE + cell for cell in HOSTILE]
    assert list(safe["n"].to_pylist() if kind == "pyarrow" else safe["n"]) == data["n"]


def test_a_dataframe_written_with_its_own_to_csv_after_neutralising_is_safe(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.csv"
    cells = [c for c in HOSTILE if "\r" not in c]  # pandas leaves a lone CR unquoted
    neutralise_frame(pd.DataFrame({"v": cells})).to_csv(target, index=False)
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert [row[0] for row in rows] == ["v"] + [ESCAPE + c for c in cells]


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_the_arrow_writer_writes_neutralised_batches(delimiter: str) -> None:
    table = pa.table({"=v": HOSTILE + KEPT, "n": list(range(len(HOSTILE + KEPT)))})
    sink = io.BytesIO()
    with ArrowCSVWriter(sink, table.schema, delimiter=delimiter) as w:
        for batch in table.to_batches(max_chunksize=3):
            w.write_table(batch)
    back = pacsv.read_csv(
        io.BytesIO(sink.getvalue()),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={"'=v": pa.string()}, strings_can_be_null=False
        ),
    )
    assert back.column_names == ["'=v", "n"]
    assert back.column("'=v").to_pylist() == [ESCAPE + c for c in HOSTILE] + KEPT


def test_docstring_examples_run() -> None:
    result = doctest.testmod(csvsafe, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


# --- discovery: no CSV or spreadsheet is written except through tianping.csvsafe -------------

SOURCE = Path(tianping.__file__).parent
SHARED = SOURCE / "csvsafe.py"
CSV_WRITERS = {
    "csv.writer": re.compile(r"\bcsv\s*\.\s*writer\b"),
    "csv.DictWriter": re.compile(r"\bcsv\s*\.\s*DictWriter\b"),
    "from csv import writer": re.compile(r"\bfrom\s+csv\s+import\b[^\n]*\b(?:writer|DictWriter)\b"),
    ".to_csv(": re.compile(r"\.to_csv\s*\("),
    "write_csv": re.compile(r"\bwrite_csv\b"),
    "pyarrow CSVWriter": re.compile(r"\bCSVWriter\b"),
    "COPY … TO (SQL)": re.compile(r"(?is)\bcopy\b[^;]{0,300}?\bto\s*['\"{(]"),
    "spreadsheet library": re.compile(
        r"\b(?:openpyxl|xlsxwriter|xlwt|pyexcel|odf\.opendocument)\b"
    ),
}


def _uses(text: str) -> list[str]:
    return [name for name, pattern in CSV_WRITERS.items() if pattern.search(text)]


@pytest.mark.parametrize(
    ("snippet", "found"),
    [
        ("w = csv.writer(handle)", ["csv.writer"]),
        ("csv.DictWriter(f, fieldnames=names)", ["csv.DictWriter"]),
        ("from csv import reader, writer", ["from csv import writer"]),
        ("frame.to_csv(path, index=False)", [".to_csv("]),
        ("pl_frame.write_csv(path)", ["write_csv"]),
        ("pacsv.write_csv(table, path)", ["write_csv"]),
        ("with pacsv.CSVWriter(dst, schema) as w:", ["pyarrow CSVWriter"]),
        ("con.sql(f\"COPY t TO '{path}' (FORMAT csv)\")", ["COPY … TO (SQL)"]),
        ("con.execute(\"copy (select 1) to 'x.csv'\")", ["COPY … TO (SQL)"]),
        ("import openpyxl", ["spreadsheet library"]),
        ('raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN")', []),
        ("rows = list(csv.reader(handle)); pacsv.open_csv(src)", []),
        ('"""Copy an upload to a private temporary file."""', []),
    ],
)
def test_the_discovery_patterns_find_csv_writers(snippet: str, found: list[str]) -> None:
    assert _uses(snippet) == found


def test_no_module_writes_csv_except_through_the_shared_writer() -> None:
    offenders = [
        f"{path.relative_to(SOURCE.parent)}: {', '.join(found)}"
        for path in sorted(SOURCE.rglob("*.py"))
        if path != SHARED and (found := _uses(path.read_text("utf-8")))
    ]
    assert not offenders, (
        "CSV and spreadsheet output must go through tianping.csvsafe (writer, DictWriter, "
        "ArrowCSVWriter, neutralise_frame) so formula cells are neutralised:\n"
        + "\n".join(offenders)
    )
