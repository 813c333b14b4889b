"""`tianping fairness audit`: --engine (who counts) and --html (the bias assessment report)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tianping.cli._fairness import Engine, _engine_for
from tianping.fairness import metric_title, verdict_title

from .conftest import decisions
from .test_fairness_cli import Tianping, cli  # noqa: F401 (the CLI fixture)

AUDIT = ["--protected", "sex", "--label", "y", "--prediction", "yhat", "--bootstrap", "50"]


@pytest.fixture(scope="module")
def csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "log.csv"
    decisions(1200, seed=91).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("data", "engine", "expected"),
    [
        ("log.parquet", Engine.AUTO, Engine.DUCKDB),
        ("hdfs://cluster/decisions/part-*.parquet", Engine.AUTO, Engine.SPARK),
        ("s3a://bucket/log.csv", Engine.AUTO, Engine.SPARK),
        ("log.parquet", Engine.SPARK, Engine.SPARK),
        ("hdfs://cluster/log.parquet", Engine.DUCKDB, Engine.DUCKDB),
    ],
)
def test_auto_hands_cluster_urls_to_spark_and_files_to_duckdb(
    data: str, engine: Engine, expected: Engine
) -> None:
    assert _engine_for(data, engine) is expected


def test_the_spark_engine_without_pyspark_says_how_to_install_it(
    cli: Tianping,  # noqa: F811
    csv: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.errors", None)
    run = cli("fairness", "audit", str(csv), *AUDIT, "--engine", "spark", "--lang", "en")
    assert run.code == 2
    assert "--engine spark needs PySpark" in run.said
    assert "pip install 'tianping[spark]'" in run.said


def test_html_writes_the_bias_assessment_report(
    cli: Tianping,  # noqa: F811
    csv: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "audit.html"
    run = cli(
        "fairness", "audit", str(csv), *AUDIT, "--html", str(out), "--system", "信贷评分",
        "--lang", "zh-Hans",
    )  # fmt: skip
    assert run.code == 0, run.stderr
    html = out.read_text(encoding="utf-8")
    assert "人工智能系统偏见评估报告" in html and "信贷评分" in html
    assert html.count("<svg") >= 2
    assert "差别影响比率" in html


def test_metric_and_verdict_names_come_in_both_languages() -> None:
    assert metric_title("selection_rate").en == "selection rate"
    assert metric_title("fpr_difference").zh == "假正例率差异"
    assert verdict_title("warn").zh == "警告"
    with pytest.raises(ValueError, match="unknown verdict"):
        verdict_title("maybe")
