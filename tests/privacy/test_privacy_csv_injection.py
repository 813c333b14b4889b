"""CSV injection through de-identification: formula cells in a CSV / TSV copy are neutralised.

``tianping privacy deidentify`` copies a table column by column; kept values,
masked values (``=abc`` masks to ``=***``), generalised bands (``-10-0``) and
the column names could start a spreadsheet formula. The copy writes each such
cell with a leading ``'`` (``tianping.csvsafe``); plain numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tianping.cli._privacy import app
from tianping.csvsafe import ESCAPE
from tianping.privacy import deidentify, policy_from_mapping

KEY = "0123456789abcdef-test-key"
HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]
POLICY = {
    "columns": {
        "name": "mask",
        "age": {"action": "generalise", "bands": [-10, 0, 18, 120]},
        "id": {"action": "hash", "length": 16},
    }
}


def _write(path: Path, delimiter: str) -> None:
    rows = [["=name", "name", "age", "id", "note", "balance"]]
    for n, cell in enumerate(HOSTILE):
        rows.append([cell, "=" + "abc"[: n % 3 + 1], str(n - 5), f"id{n}", cell, str(-n - 0.5)])
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)


def _read(path: Path, delimiter: str) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def _check(rows: list[list[str]]) -> None:
    header, body = rows[0], rows[1:]
    assert header == ["'=name", "name", "age", "id", "note", "balance"]
    assert [row[0] for row in body] == [ESCAPE + cell for cell in HOSTILE]  # kept as they were
    assert [row[4] for row in body] == [ESCAPE + cell for cell in HOSTILE]
    assert all(row[1].startswith("'=") and set(row[1][2:]) == {"*"} for row in body)  # masked
    assert [row[2] for row in body][:2] == ["'-10-0", "'-10-0"]  # a band that reads as -10-0
    assert [row[5] for row in body] == [str(-n - 0.5) for n in range(len(HOSTILE))]  # numbers
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or cell.replace(".", "").lstrip("-").isdigit(), cell


@pytest.mark.parametrize(("suffix", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_deidentify_neutralises_formula_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, delimiter: str
) -> None:
    monkeypatch.setenv("TIANPING_DEID_KEY", KEY)
    source, target = tmp_path / f"in.{suffix}", tmp_path / f"out.{suffix}"
    _write(source, delimiter)
    result = deidentify(source, target, policy_from_mapping(POLICY))
    assert result.rows == len(HOSTILE)
    _check(_read(target, delimiter))


def test_the_deidentify_command_writes_a_neutralised_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIANPING_DEID_KEY", KEY)
    source, target, policy = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "p.yaml"
    _write(source, ",")
    policy.write_text(
        "columns:\n  name: mask\n"
        "  age: {action: generalise, bands: [-10, 0, 18, 120]}\n"
        "  id: {action: hash, length: 16}\n",
        encoding="utf-8",
    )
    run = CliRunner().invoke(
        app, ["deidentify", str(source), str(target), "--policy", str(policy)],
        catch_exceptions=False,
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    _check(_read(target, ","))
    assert "=HYPERLINK" not in io.StringIO(target.read_text("utf-8")).readline()
