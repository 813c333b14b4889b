"""`tianping docs generate KIND INPUT.yaml --out DIR`."""

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


def test_generates_the_user_notice_as_json_html_and_text(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    result = runner.invoke(
        app,
        ["docs", "generate", "user-notice", str(EXAMPLE), "--out", str(out),
         "--format", "json,html,txt", "--lang", "en"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "user-notice.html",
        "user-notice.json",
        "user-notice.txt",
    ]
    data = json.loads((out / "user-notice.json").read_text("utf-8"))
    assert data["kind"] == "user-notice" and data["version"] == "2026.1"
    assert data["sha256"] in result.stdout
    html = (out / "user-notice.html").read_text("utf-8")
    assert html.startswith('<section class="tianping-ai-notice" lang="en">')
    assert "How to opt out" in html and "如何退出" not in html
    assert (out / "user-notice.txt").read_text("utf-8").startswith("About the AI")


def test_an_incomplete_document_is_written_and_exits_1(tmp_path: Path) -> None:
    source = tmp_path / "bare.yaml"
    source.write_text('version: "1"\nas_of: 2026-06-30\nsystem: {name: 客服机器人}\n', "utf-8")
    result = runner.invoke(
        app,
        ["docs", "generate", "playbook", str(source), "--out", str(tmp_path), "--lang", "zh-Hans"],
    )
    assert result.exit_code == 1, result.output
    assert "缺少 暂停权限、人工接管阈值" in " ".join(result.stdout.split())
    html = (tmp_path / "playbook.html").read_text("utf-8")
    assert "事件应急手册" in html and "Incident playbook" not in html


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["model_card", str(EXAMPLE)], "unknown document kind 'model_card'"),
        (["model-card", str(EXAMPLE), "--format", "docx"], "unknown format docx"),
        (["model-card", str(EXAMPLE), "--format", "txt"], "(txt) is for user-notice only"),
        (["model-card", str(EXAMPLE), "--lang", "fr"], "unsupported report language 'fr'"),
        (["model-card", "missing.yaml"], "does not exist or is not a file"),
        (["model-card", str(EXAMPLE), "--out", str(EXAMPLE)], "is not a folder"),
    ],
)
def test_errors_exit_2_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    args: list[str],
    expected: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    out = [] if "--out" in args else ["--out", str(tmp_path / "out")]
    monkeypatch.setattr(sys, "argv", ["tianping", "docs", "generate", *args, *out])
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 2
    assert expected in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "out").exists()


def test_bad_input_names_the_key_in_the_chosen_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text('version: "1"\nas_of: 2026-06-30\nsystem: {name: x, colour: red}\n', "utf-8")
    monkeypatch.setattr(
        sys,
        "argv",
        ["tianping", "docs", "generate", "model-card", str(source), "--out", str(tmp_path / "o"),
         "--lang", "zh-Hans"],
    )  # fmt: skip
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "system 含有未知的键：colour" in err and "docs/transparency.md" in err
    assert not (tmp_path / "o").exists()
