"""Opt-in limits on the tables the command line reads: off by default, exit 2 when passed."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tianping import cli
from tianping.datalimits import DataLimitError, DataLimits, Measure, measure

ROWS = 300_000


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.parquet"
    table = pa.table(
        {
            "sex": pa.array(["F", "M"] * (ROWS // 2)),
            "y": pa.array([1, 0] * (ROWS // 2), type=pa.int64()),
            "yhat": pa.array([1, 1] * (ROWS // 2), type=pa.int64()),
        }
    )
    pq.write_table(table, path, compression="zstd")
    return path


def _run(*args: str) -> tuple[int, str]:
    import sys

    runner = CliRunner()
    old = sys.argv
    sys.argv = ["tianping", *args]
    try:
        with runner.isolation() as (out, err, _):
            try:
                cli.main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            return code, out.getvalue().decode() + err.getvalue().decode()
    finally:
        sys.argv = old


AUDIT = ("fairness", "audit", "--protected", "sex", "--label", "y", "--prediction", "yhat",
         "--bootstrap", "0", "--lang", "en")  # fmt: skip


def test_the_footer_tells_rows_and_a_floor_of_the_decoded_size(bomb: Path) -> None:
    found = measure(bomb)
    assert (found.rows, found.columns) == (ROWS, 3)
    assert found.decoded_bytes >= ROWS * 3 * 8 > bomb.stat().st_size


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--max-rows", "1000", "--max-rows"),
        ("--max-cells", "100000", "--max-cells"),
        ("--max-decoded-bytes", "100000", "--max-decoded-bytes"),
    ],
)
def test_a_table_over_a_limit_asked_for_exits_2_naming_it(
    bomb: Path, option: str, value: str, named: str
) -> None:
    for args in (
        (*AUDIT, str(bomb)),
        ("privacy", "profile", str(bomb), "--lang", "en"),
        ("privacy", "scan", str(bomb), "--lang", "en"),
        ("privacy", "anonymity", str(bomb), "--quasi", "sex", "--lang", "en"),
    ):
        code, said = _run(*args, option, value)
        assert code == 2, (args, said)
        assert named in " ".join(said.split()), said


def test_without_limits_the_same_table_is_read(bomb: Path) -> None:
    code, said = _run(*AUDIT, str(bomb))
    assert code == 0, said


def test_limits_compare_inclusively() -> None:
    limits = DataLimits(max_rows=10, max_cells=20, max_decoded_bytes=160)
    assert limits.check(Measure(rows=10, columns=2, decoded_bytes=160)).rows == 10
    with pytest.raises(DataLimitError):
        limits.check(Measure(rows=10, columns=3, decoded_bytes=160))
