"""`tianping intake`: scoring files and standard input, JSON output, clear errors, exit codes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
import yaml
from typer.testing import CliRunner

from tianping.cli import app, main
from tianping.tiering import MAX_ANSWERS_BYTES
from tianping.tiering.messages import (
    ERR_CONTRADICTION,
    ERR_DOCUMENT_ENCODING,
    ERR_DOCUMENT_NOT_MAPPING,
    ERR_DOCUMENT_TOO_LARGE,
    ERR_NOT_BOOLEAN,
    ERR_REQUIRED,
    ERR_UNKNOWN_CHOICE,
    ERR_UNKNOWN_FIELD,
    VALIDATION_SUMMARY,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "intake"
RESULT_KEYS = {
    "tier",
    "expert_review_required",
    "score",
    "reasons",
    "obligations",
    "questionnaire_version",
    "override",
}


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def said(self) -> str:
        """Standard error with the line wrapping undone."""
        return " ".join(self.stderr.split())


def tianping(*args: str, stdin: bytes | None = None, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run the real entry point, ``main()``, which maps library errors to exit code 2."""
    runner = CliRunner()
    monkeypatch.setattr("sys.argv", ["tianping", *args])
    with runner.isolation(input=stdin, env={"COLUMNS": "200"}) as (out, err, _):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        return Run(code, out.getvalue().decode(), err.getvalue().decode())


class Cli(Protocol):
    def __call__(self, *args: str, stdin: bytes | None = None) -> Run: ...


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Cli:
    def run(*args: str, stdin: bytes | None = None) -> Run:
        return tianping(*args, stdin=stdin, monkeypatch=monkeypatch)

    return run


# --- scoring ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("example", "tier"),
    [
        ("credit_scoring.yaml", "high"),
        ("hiring_screen.yaml", "high"),
        ("export_chatbot.yaml", "medium"),
        ("industrial_inspection.yaml", "medium"),
        ("recommendation_feed.yaml", "high"),
        ("medical_triage.yaml", "high"),
        ("internal_document_search.yaml", "low"),
    ],
)
def test_json_output_parses_and_has_exactly_the_result_keys(
    cli: Cli, example: str, tier: str
) -> None:
    run = cli("intake", "score", str(EXAMPLES / example), "--json", "-")
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) == RESULT_KEYS
    assert data["tier"] == tier
    assert set(data["reasons"][0]["text"]) == {"zh-Hans", "en"}


def test_json_output_in_one_language_has_plain_strings(cli: Cli) -> None:
    run = cli(
        "intake", "score", str(EXAMPLES / "recommendation_feed.yaml"), "--json", "-", "--lang", "en"
    )
    data = json.loads(run.stdout)
    assert data["expert_review_required"] is True
    assert data["obligations"][0]["text"].startswith("Enhanced scrutiny")


def test_answers_can_come_from_standard_input_as_json(cli: Cli) -> None:
    answers = (EXAMPLES / "internal_document_search.yaml").read_text(encoding="utf-8")
    document = json.dumps(yaml.safe_load(answers)).encode()
    run = cli("intake", "score", "-", "--json", "-", stdin=document)
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["tier"] == "low"


def test_the_summary_shows_tier_score_reasons_and_obligations(cli: Cli) -> None:
    run = cli("intake", "score", str(EXAMPLES / "credit_scoring.yaml"), "--lang", "en")
    assert run.code == 0, run.stderr
    assert "Tier: HIGH (high)" in run.stdout
    assert "final 20.4 (raw impact 24 − mitigation credit 3.6, 15% earned) of 70" in run.stdout
    assert "band: medium" in run.stdout
    assert "sensitive_pi" in run.stdout
    assert "Automated decisions in hiring or credit: at least medium tier." in run.stdout
    assert "pipl.impact_assessment" in run.stdout


def test_the_summary_is_in_chinese_under_a_chinese_locale(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    run = cli("intake", "score", str(EXAMPLES / "industrial_inspection.yaml"))
    assert run.code == 0, run.stderr
    assert "风险等级: MEDIUM (中风险)" in run.stdout
    assert "export.ethics_review" in run.stdout


# --- bad input ---------------------------------------------------------------------------------


def test_validation_errors_list_every_field_and_exit_2(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "personal_info: 'yes'\nsensitive_pi: true\nbogus: 1\nscale: huge\nexported: false\n",
        encoding="utf-8",
    )
    run = cli("intake", "score", str(path), "--lang", "en")
    assert run.code == 2
    assert run.stdout == ""
    not_boolean = ERR_NOT_BOOLEAN.en.format(got='"yes"')
    unknown_choice = ERR_UNKNOWN_CHOICE.en.format(choice='"huge"', choices="lt_10k, 10k_1m, gt_1m")
    assert VALIDATION_SUMMARY.en.format(count=10) in run.said
    assert f"bogus: {ERR_UNKNOWN_FIELD.en.format(version='2026.1')}" in run.said
    assert f"personal_info: {not_boolean}" in run.said
    assert f"scale: {unknown_choice}" in run.said
    assert f"mitigations: {ERR_REQUIRED.en}" in run.said


def test_a_contradiction_is_explained_in_the_chosen_language(cli: Cli, tmp_path: Path) -> None:
    answers = (EXAMPLES / "internal_document_search.yaml").read_text(encoding="utf-8")
    path = tmp_path / "contradiction.yaml"
    answers = answers.replace("personal_info: true", "personal_info: false")
    path.write_text(answers.replace("sensitive_pi: false", "sensitive_pi: true"))
    run = cli("intake", "score", str(path), "--lang", "zh-Hans")
    assert run.code == 2
    expected = ERR_CONTRADICTION.zh.format(condition="personal_info 为 true")
    assert f"sensitive_pi: {expected}" in run.said


def test_brackets_in_answers_are_shown_literally(cli: Cli) -> None:
    run = cli("intake", "score", "-", "--lang", "en", stdin=b"scale: '[bold]x'\n")
    assert run.code == 2
    assert '"[bold]x" is not a choice' in run.said


def test_invalid_utf8_exits_2_with_a_clear_message(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    data = "scale: lt_10k\n# Zürich\n".encode("latin-1")
    path.write_bytes(data)
    run = cli("intake", "score", str(path), "--lang", "en")
    assert run.code == 2
    position = data.index("ü".encode("latin-1"))
    assert ERR_DOCUMENT_ENCODING.en.format(source=path, position=position) in run.said


def test_a_yaml_syntax_error_exits_2_naming_the_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("personal_info: true\nmitigations: [human_review\nscale: lt_10k\n")
    run = cli("intake", "score", str(path), "--lang", "en")
    assert run.code == 2
    assert f"{path} is not valid YAML or JSON" in run.said
    assert "line 3" in run.said


def test_a_list_at_the_top_level_exits_2(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- personal_info: true\n- scale: lt_10k\n")
    run = cli("intake", "score", str(path), "--lang", "en")
    assert run.code == 2
    assert ERR_DOCUMENT_NOT_MAPPING.en.format(source=path, got="a list") in run.said


def test_a_twenty_megabyte_file_exits_2_naming_the_size_cap(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"personal_info: true\n")
        handle.write(b"# padding\n" * 2_000_000)
    run = cli("intake", "score", str(path), "--json", "-", "--lang", "en")
    assert run.code == 2
    assert run.stdout == ""
    assert ERR_DOCUMENT_TOO_LARGE.en.format(source=path, limit=MAX_ANSWERS_BYTES) in run.said


def test_oversized_standard_input_is_refused_too(cli: Cli) -> None:
    run = cli("intake", "score", "-", "--lang", "en", stdin=b"#" * (MAX_ANSWERS_BYTES + 10))
    assert run.code == 2
    assert "<stdin> is larger than" in run.said


def test_a_missing_file_exits_2(cli: Cli, tmp_path: Path) -> None:
    run = cli("intake", "score", str(tmp_path / "absent.yaml"), "--lang", "en")
    assert run.code == 2
    assert "cannot read" in run.said and "No such file" in run.said


def test_an_unknown_language_is_a_usage_error() -> None:
    # Usage errors are Typer's to report (standalone mode), with its exit code 2.
    result = CliRunner().invoke(
        app, ["intake", "score", str(EXAMPLES / "credit_scoring.yaml"), "--lang", "fr"]
    )
    assert result.exit_code == 2
    assert "use one of zh-Hans, en" in " ".join(result.output.split())


# --- questions and help --------------------------------------------------------------------------


def test_questions_lists_every_question(cli: Cli) -> None:
    run = cli("intake", "questions", "--lang", "en")
    assert run.code == 0, run.stderr
    for question_id in ("personal_info", "sensitive_pi", "export_markets", "mitigations"):
        assert question_id in run.stdout
    assert "Does the system process sensitive personal information?" in run.stdout


def test_questions_as_json_is_the_questionnaire(cli: Cli) -> None:
    run = cli("intake", "questions", "--json", "-", "--lang", "en")
    data = json.loads(run.stdout)
    assert data["version"] == "2026.1"
    assert [q["id"] for q in data["questions"]][:3] == ["personal_info", "sensitive_pi", "minors"]


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (("intake", "--help"), "score"),
        (("intake", "score", "--help"), "--json"),
        (("intake", "questions", "--help"), "--lang"),
    ],
)
def test_every_command_has_real_help(cli: Cli, args: tuple[str, ...], mentions: str) -> None:
    run = cli(*args)
    assert run.code == 0
    assert mentions in run.stdout
    assert "under construction" not in run.stdout
