"""`tianping index compute | explain | fmti`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tianping import cli
from tianping.cli import app

from .conftest import EXAMPLE

runner = CliRunner()


def test_fmti_prints_each_company_total_and_the_mean() -> None:
    result = runner.invoke(app, ["index", "fmti", "--json", "-", "--lang", "en"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    means = {e["edition"]: e["mean"] for e in data["editions"]}
    assert means == {"October2023": 37.0, "May2024": 57.9, "Dec2025": 40.7}
    dec = next(e for e in data["editions"] if e["edition"] == "Dec2025")
    assert {c["company"]: c["total"] for c in dec["companies"]}["IBM"] == 95
    assert all(e["mismatches"] == [] for e in data["editions"])


def test_compute_writes_scorecards_ranges_and_agreement(tmp_path: Path) -> None:
    out = tmp_path / "index.json"
    result = runner.invoke(
        app, ["index", "compute", str(EXAMPLE), "--draws", "50", "--json", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text("utf-8"))
    assert [c["system"] for c in data["scorecards"]] == ["credit-scoring", "chat-assistant"]
    assert data["sensitivity"]["draws"] == 50
    assert data["agreement"]["items"] == 5
    table = runner.invoke(
        app, ["index", "compute", str(EXAMPLE), "--draws", "50", "--lang", "zh-Hans"]
    )
    assert "credit-scoring" in table.stdout and "κ" in table.stdout


def test_explain_traces_an_indicator_to_its_evidence() -> None:
    result = runner.invoke(
        app,
        [
            "index",
            "explain",
            str(EXAMPLE),
            "co.kill_switch",
            "--system",
            "credit-scoring",
            "--json",
            "-",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (system,) = data["systems"]
    assert system["value"] == 1.0 and system["evidence"][0]["id"] == "switch-2026-01"
    assert len(system["evidence"][0]["sha256"]) == 64


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["index", "explain", str(EXAMPLE), "no.such"], "has no indicator no.such"),
        (
            ["index", "explain", str(EXAMPLE), "co.kill_switch", "--system", "nope"],
            "has no system nope",
        ),
        (
            ["index", "compute", str(EXAMPLE), "--spec", "1999.1"],
            "no index specification version 1999.1",
        ),
        (["index", "compute", "/nonexistent/evidence.yaml"], "cannot read evidence file"),
    ],
)
def test_errors_exit_2_with_a_message(monkeypatch, capsys, args: list[str], expected: str) -> None:
    monkeypatch.setattr(sys, "argv", ["tianping", *args, "--lang", "en"])
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 2
    assert expected in " ".join(capsys.readouterr().err.split())


def test_a_duplicated_key_in_evidence_names_the_line(tmp_path: Path, monkeypatch, capsys) -> None:
    path = tmp_path / "evidence.yaml"
    path.write_text("systems:\n  - id: a\n    id: b\n", "utf-8")
    monkeypatch.setattr(sys, "argv", ["tianping", "index", "compute", str(path), "--lang", "en"])
    with pytest.raises(SystemExit):
        cli.main()
    err = " ".join(capsys.readouterr().err.split())
    assert "line 3" in err and "duplicate key 'id'" in err


def test_an_unknown_evidence_kind_is_refused_with_its_path(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    path = tmp_path / "evidence.yaml"
    path.write_text("systems:\n  - id: a\n    evidence:\n      - {id: x, kind: rumour}\n", "utf-8")
    monkeypatch.setattr(
        sys, "argv", ["tianping", "index", "compute", str(path), "--lang", "zh-Hans"]
    )
    with pytest.raises(SystemExit):
        cli.main()
    err = " ".join(capsys.readouterr().err.split())
    assert "systems[0].evidence[0].kind" in err and "证据文件" in err
