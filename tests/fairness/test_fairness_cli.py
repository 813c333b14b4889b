"""`tianping fairness`: audit a file, write JSON, list policies, clear errors with exit code 2."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
import typer
from typer.testing import CliRunner

import tianping.cli
from tianping.cli import _fairness, main
from tianping.fairness._messages import (
    ERR_FILE_NOT_FOUND,
    ERR_MISSING_COLUMNS,
    ERR_NON_BINARY,
    ERR_SINGLE_GROUP,
    ERR_UNKNOWN_POLICY,
)

from .conftest import decisions


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def said(self) -> str:
        """Standard error with the line wrapping undone."""
        return " ".join(self.stderr.split())


class Tianping(Protocol):
    def __call__(self, *args: str) -> Run: ...


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Tianping:
    """The real entry point, ``main()``, with ``fairness`` registered as ``tianping.cli`` will."""
    root = typer.Typer(pretty_exceptions_enable=False)
    root.add_typer(_fairness.app, name="fairness")
    monkeypatch.setattr(tianping.cli, "app", root)

    def run(*args: str) -> Run:
        runner = CliRunner()
        monkeypatch.setattr("sys.argv", ["tianping", *args])
        with runner.isolation(env={"COLUMNS": "200"}) as (out, err, _):
            try:
                main()
                code = 0
            except SystemExit as exc:
                code = int(exc.code or 0)
            return Run(code, out.getvalue().decode(), err.getvalue().decode())

    return run


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fairness") / "log.parquet"
    decisions(3000, seed=61, missing=True).to_parquet(path)
    return path


AUDIT = ["--protected", "sex,age", "--bins", "age=0,30,50,200", "--label", "y"]


def test_audit_prints_a_summary_and_writes_json(
    cli: Tianping, parquet: Path, tmp_path: Path
) -> None:
    out = tmp_path / "audit.json"
    run = cli(
        "fairness",
        "audit",
        str(parquet),
        *AUDIT,
        "--prediction",
        "yhat",
        "--score",
        "score",
        "--bootstrap",
        "100",
        "--json",
        str(out),
        "--lang",
        "en",
    )
    assert run.code == 0, run.stderr
    assert "Disparities" in run.stdout and "disparate_impact" in run.stdout
    assert "insufficient data" in run.stdout
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["meta"]["engine"] == "duckdb (parquet file)"
    assert document["meta"]["replicates"] == 100 and document["language"] == "en"
    assert document["groups"][0]["attributes"] == {"sex": "F", "age": "0-30"}


def test_audit_json_to_standard_output_prints_nothing_else(cli: Tianping, parquet: Path) -> None:
    run = cli(
        "fairness",
        "audit",
        str(parquet),
        *AUDIT,
        "--prediction",
        "yhat",
        "--bootstrap",
        "0",
        "--policy",
        "export-review",
        "--reference-group",
        "sex=M,age=30-50",
        "--json",
        "-",
        "--lang",
        "zh-Hans",
    )
    assert run.code == 0, run.stderr
    document = json.loads(run.stdout)
    assert document["meta"]["policy"]["id"] == "export-review"
    assert document["disparities"][0]["reference"] == {"sex": "M", "age": "30-50"}
    assert document["language"] == "zh-Hans"


def test_audit_checks_representativeness_against_a_reference(
    cli: Tianping, parquet: Path, tmp_path: Path
) -> None:
    reference = tmp_path / "census.yaml"
    reference.write_text("sex: {F: 0.49, M: 0.51}\n", encoding="utf-8")
    run = cli(
        "fairness",
        "audit",
        str(parquet),
        *AUDIT,
        "--prediction",
        "yhat",
        "--bootstrap",
        "0",
        "--reference",
        str(reference),
        "--json",
        "-",
    )
    assert run.code == 0, run.stderr
    [represented] = json.loads(run.stdout)["representativeness"]
    assert represented["attributes"] == ["sex"]


def test_missing_columns_exit_2_naming_them(cli: Tianping, parquet: Path) -> None:
    run = cli("fairness", "audit", str(parquet), *AUDIT, "--prediction", "decision", "--lang", "en")
    assert run.code == 2
    expected = ERR_MISSING_COLUMNS.en.format(columns="decision", available="")
    assert expected.split(";")[0] in run.said


def test_errors_are_worded_in_the_chosen_language(cli: Tianping, parquet: Path) -> None:
    run = cli(
        "fairness", "audit", str(parquet), *AUDIT, "--prediction", "decision", "--lang", "zh-Hans"
    )
    assert run.code == 2
    assert (
        ERR_MISSING_COLUMNS.zh.format(columns="decision", available="").split("；")[0] in run.said
    )


def test_a_non_binary_label_without_positive_exits_2(cli: Tianping, tmp_path: Path) -> None:
    path = tmp_path / "grades.csv"
    df = decisions(200, seed=62).assign(grade=lambda d: d["race"])
    df.to_csv(path, index=False)
    run = cli(
        "fairness",
        "audit",
        str(path),
        "--protected",
        "sex",
        "--label",
        "grade",
        "--prediction",
        "race",
        "--lang",
        "en",
    )
    assert run.code == 2
    assert ERR_NON_BINARY.en.split("{")[0] in run.said
    ok = cli(
        "fairness",
        "audit",
        str(path),
        "--protected",
        "sex",
        "--label",
        "grade",
        "--prediction",
        "race",
        "--positive",
        "A",
        "--bootstrap",
        "0",
        "--json",
        "-",
    )
    assert ok.code == 0, ok.stderr
    assert json.loads(ok.stdout)["meta"]["positive"] == "A"


def test_one_group_an_unknown_policy_and_a_missing_file_exit_2(
    cli: Tianping, parquet: Path, tmp_path: Path
) -> None:
    path = tmp_path / "one.csv"
    decisions(100, seed=63).assign(sex="F").to_csv(path, index=False)
    run = cli(
        "fairness",
        "audit",
        str(path),
        "--protected",
        "sex",
        "--label",
        "y",
        "--prediction",
        "yhat",
        "--lang",
        "en",
    )
    assert run.code == 2 and ERR_SINGLE_GROUP.en.split("(")[0].format(rows=100) in run.said
    run = cli(
        "fairness",
        "audit",
        str(parquet),
        *AUDIT,
        "--prediction",
        "yhat",
        "--policy",
        "lenient",
        "--lang",
        "en",
    )
    assert run.code == 2 and "unknown fairness policy lenient" in run.said
    assert ERR_UNKNOWN_POLICY.en.split("{")[0] in run.said
    missing = tmp_path / "nowhere.parquet"
    run = cli("fairness", "audit", str(missing), *AUDIT, "--prediction", "yhat", "--lang", "en")
    assert run.code == 2 and ERR_FILE_NOT_FOUND.en.format(path=missing) in run.said


def test_malformed_options_are_usage_errors(cli: Tianping, parquet: Path) -> None:
    run = cli(
        "fairness",
        "audit",
        str(parquet),
        "--protected",
        "sex",
        "--label",
        "y",
        "--prediction",
        "yhat",
        "--bins",
        "age:0-30",
    )
    assert run.code == 2 and "COLUMN=EDGE" in run.said


def test_policies_lists_the_presets(cli: Tianping) -> None:
    run = cli("fairness", "policies", "--lang", "en")
    assert run.code == 0
    assert "four-fifths" in run.stdout and "export-review" in run.stdout
