"""PySpark: the grouped count runs in Spark (local mode) and gives DuckDB's results exactly.

Spark starts once for the module (``local[1]``, no UI) and reads the same
Parquet and CSV files DuckDB reads. Scores and weights are binary fractions
(``dyadic``), so every sum is exact whatever order an engine adds in, and
count tables and audits can be compared for equality, not closeness.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tianping.fairness import audit, count_table

from .conftest import decisions
from .test_fairness_cli import Tianping, cli  # noqa: F401 (the CLI fixture)

pyspark = pytest.importorskip(
    "pyspark", reason="pyspark is not installed: pip install 'tianping[spark]' (needs Java 17+)"
)

BINS = {"age": [0, 30, 50, 200]}


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[1]")
        .appName("tianping tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("spark")
    log = decisions(3000, seed=83, missing=True, dyadic=True)
    log["outcome"] = log["y"].map({0: "denied", 1: "repaid"})
    log["decision"] = log["yhat"].map({0: "denied", 1: "repaid"})
    paths = {"parquet": folder / "log.parquet", "csv": folder / "log.csv"}
    log.to_parquet(paths["parquet"])
    log.drop(columns=["outcome", "decision"]).to_csv(paths["csv"], index=False)
    return paths


CASES: dict[str, dict[str, Any]] = {
    "prediction": {"protected": ["sex", "race"], "label": "y", "prediction": "yhat"},
    "binned-score-weights": {
        "protected": ["sex", "age"],
        "bins": BINS,
        "label": "y",
        "score": "score",
        "threshold": 0.4,
        "weights": "w",
    },
    "positive": {
        "protected": ["race"],
        "label": "outcome",
        "prediction": "decision",
        "positive": "repaid",
    },
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_spark_dataframe_counts_exactly_as_duckdb_reads_the_file(
    spark: Any, files: dict[str, Path], case: str
) -> None:
    frame = spark.read.parquet(str(files["parquet"]))
    from_spark = count_table(frame, **CASES[case])
    from_duckdb = count_table(files["parquet"], **CASES[case])
    assert from_spark == from_duckdb
    assert from_spark.rows == 3000
    assert ("(missing)",) in {g[:1] for g in from_spark.groups} or case == "positive"


def test_a_spark_audit_equals_the_duckdb_audit(spark: Any, files: dict[str, Path]) -> None:
    settings: dict[str, Any] = {
        "protected": ["sex", "race", "age"],
        "bins": BINS,
        "label": "y",
        "prediction": "yhat",
        "score": "score",
        "weights": "w",
        "policy": "export-review",
        "replicates": 200,
    }
    from_spark = audit(spark.read.parquet(str(files["parquet"])), **settings).to_json()
    from_duckdb = audit(files["parquet"], **settings).to_json()
    assert from_spark["meta"].pop("engine") == "pyspark"
    assert from_duckdb["meta"].pop("engine") == "duckdb (parquet file)"
    assert from_spark == from_duckdb


def test_a_spark_dataframe_built_in_memory_counts_as_pandas_does(spark: Any) -> None:
    import pyarrow as pa

    log = decisions(1500, seed=84, missing=True, dyadic=True)
    settings: dict[str, Any] = {"protected": ["sex", "age"], "bins": BINS, "label": "y"}
    frame = spark.createDataFrame(pa.Table.from_pandas(log, preserve_index=False))
    from_spark = count_table(frame, prediction="yhat", **settings)
    assert from_spark == count_table(log, prediction="yhat", **settings)


def test_the_command_line_counts_in_spark_when_asked(
    spark: Any,
    files: dict[str, Path],
    cli: Tianping,  # noqa: F811
) -> None:
    common = ["--protected", "sex,age", "--bins", "age=0,30,50,200", "--label", "y"]
    common += ["--prediction", "yhat", "--bootstrap", "100", "--json", "-"]
    by_spark = cli("fairness", "audit", str(files["csv"]), *common, "--engine", "spark")
    by_duckdb = cli("fairness", "audit", str(files["csv"]), *common, "--engine", "duckdb")
    assert by_spark.code == 0, by_spark.stderr
    assert by_duckdb.code == 0, by_duckdb.stderr
    spark_json, duckdb_json = json.loads(by_spark.stdout), json.loads(by_duckdb.stdout)
    assert spark_json["meta"].pop("engine") == "pyspark"
    assert duckdb_json["meta"].pop("engine") == "duckdb (csv file)"
    assert spark_json == duckdb_json
    # The session the tests started is still there: the command stops only one it started.
    assert spark.sparkContext._jsc is not None


def test_spark_errors_are_worded_for_the_console(
    spark: Any,
    tmp_path: Path,
    cli: Tianping,  # noqa: F811
) -> None:
    missing = tmp_path / "absent.parquet"
    run = cli(
        "fairness",
        "audit",
        str(missing),
        "--protected",
        "sex",
        "--label",
        "y",
        "--prediction",
        "yhat",
        "--engine",
        "spark",
        "--lang",
        "en",
    )
    assert run.code == 2
    assert f"Spark could not read {missing}" in run.said
