"""Hostile JSON Lines to the fairness reader: DuckDB bounds nesting at the same 128 levels.

``tianping.fairness`` reads JSON Lines with DuckDB (its rows never become
Python objects), whose parser refuses values nested deeper than 128 levels,
the limit of ``tianping.jsonsafe``; the error becomes ``FairnessDataError``.
A 5,000-digit number is read as a double, without an error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tianping.fairness import FairnessDataError, count_table
from tianping.jsonsafe import MAX_DEPTH

ROWS = "".join(f'{{"sex": "{s}", "y": {n % 2}, "yhat": {n % 3 % 2}}}\n' for n, s in
               enumerate("FMFMFMFMFM"))  # fmt: skip


def _count(path: Path) -> object:
    return count_table(str(path), protected="sex", label="y", prediction="yhat")


@pytest.mark.parametrize("where", ["first", "later"])
def test_100000_nested_brackets_are_a_fairness_data_error(tmp_path: Path, where: str) -> None:
    path = tmp_path / "log.jsonl"
    deep = "[" * 100_000 + "\n"
    path.write_text(deep + ROWS if where == "first" else ROWS + deep, encoding="utf-8")
    with pytest.raises(FairnessDataError):
        _count(path)


def test_duckdb_refuses_values_nested_past_the_jsonsafe_depth(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    nested = "[" * MAX_DEPTH + "1" + "]" * MAX_DEPTH
    path.write_text(ROWS.replace('"yhat"', f'"x": {"[" + nested + "]"}, "yhat"', 1),
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(FairnessDataError, match="depth"):
        _count(path)


def test_a_5000_digit_number_is_read_without_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(ROWS.replace('"yhat"', f'"amount": {"1" * 5000}, "yhat"'), encoding="utf-8")
    assert _count(path) is not None
