"""`tianping norms …`: listing, showing and checking the normative catalogue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import tianping
from tianping.cli import _norms
from tianping.cli import app as root_app
from tianping.norms import CATALOGUE_FILES, DATA_DIR, load_catalogue
from tianping.norms import _errors as msg

WIDE = {"COLUMNS": "200", "NO_COLOR": "1"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *arguments: str) -> tuple[int, str]:
    result = runner.invoke(root_app, ["norms", *arguments], env=WIDE)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def run_tianping(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run the real entry point in a child process, as a user would."""
    source = str(Path(tianping.__file__).resolve().parents[1])
    path = os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "tianping", *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **WIDE, "PYTHONPATH": path},
        check=False,
        timeout=60,
    )


# -- list ------------------------------------------------------------------------------
def test_list_without_filters_shows_every_requirement_item(runner: CliRunner) -> None:
    code, output = run(runner, "list")
    assert code == 0
    for item in load_catalogue().items:
        assert item.id in output


def test_list_filters_by_principle_and_tier(runner: CliRunner) -> None:
    code, output = run(runner, "list", "--principle", "fairness", "--tier", "low")
    assert code == 0
    assert "REQ-03-05" in output and "REQ-13-01" in output
    assert "REQ-13-02" not in output  # a medium-tier item


def test_list_filters_by_article_and_stage(runner: CliRunner) -> None:
    code, output = run(runner, "list", "--article", "13", "--stage", "test")
    assert code == 0
    assert "REQ-13-02" in output
    assert "REQ-13-01" not in output  # checked at the data stage


def test_list_searches_chinese_text(runner: CliRunner) -> None:
    code, output = run(runner, "list", "--search", "代表性")
    assert code == 0
    assert "REQ-13-01" in output
    assert "REQ-03-01" not in output


def test_list_searches_english_text_ignoring_case(runner: CliRunner) -> None:
    code, output = run(runner, "list", "--search", "EMERGENCY PLAN", "--lang", "en")
    assert code == 0
    assert "REQ-17-01" in output


def test_list_says_so_when_nothing_matches(runner: CliRunner) -> None:
    code, output = run(runner, "list", "--search", "量子纠缠")
    assert code == 0
    assert _norms.NO_MATCH.format(what="requirement items") in output


def test_list_prints_json_for_scripts(runner: CliRunner) -> None:
    code, output = run(runner, "list", "--article", "16", "--json", "-")
    assert code == 0
    data = json.loads(output)
    assert data["catalogue"] == "2026.1"
    assert data["count"] == len(data["results"]) >= 4
    assert all(entry["article"] == 16 for entry in data["results"])
    assert "zh-Hans" in data["results"][0]["question"]


@pytest.mark.parametrize(
    ("what", "expected"),
    [
        ("articles", "避免偏见歧视"),
        ("principles", "ethical_literacy"),
        ("categories", "management"),
        ("frameworks", "export_review_2026"),
        ("listed", "autonomous_decision_safety"),
    ],
)
def test_list_shows_other_kinds_of_entry(runner: CliRunner, what: str, expected: str) -> None:
    code, output = run(runner, "list", "--what", what)
    assert code == 0
    assert expected in output


def test_list_of_articles_can_be_searched_in_their_text(runner: CliRunner) -> None:
    code, output = run(runner, "list", "--what", "articles", "--search", "知识产权", "--json", "-")
    assert code == 0
    assert [entry["number"] for entry in json.loads(output)["results"]] == [14]


def test_a_filter_that_does_not_apply_is_a_usage_error(runner: CliRunner) -> None:
    code, output = run(runner, "list", "--what", "principles", "--tier", "low")
    assert code == 2
    assert "--tier does not apply to --what principles" in output


def test_an_unknown_stage_is_a_usage_error(runner: CliRunner) -> None:
    code, output = run(runner, "list", "--stage", "deploy")
    assert code == 2
    assert "deploy" in output


# -- show ------------------------------------------------------------------------------
def test_show_13_prints_both_languages_and_the_item_ids(runner: CliRunner) -> None:
    code, output = run(runner, "show", "13")
    assert code == 0
    article = load_catalogue().article(13)
    assert "第十三条 避免偏见歧视" in output
    assert "Article 13" in output
    assert article.text.zh in output
    assert article.text.en in output
    for item in load_catalogue().items_for_article(13):
        assert item.id in output


def test_show_in_english_leaves_out_the_chinese_text(runner: CliRunner) -> None:
    code, output = run(runner, "show", "13", "--lang", "en")
    assert code == 0
    assert load_catalogue().article(13).text.en in output
    assert "在数据采集和算法开发中" not in output


def test_show_in_chinese_leaves_out_the_english_text(runner: CliRunner) -> None:
    code, output = run(runner, "show", "3", "--lang", "zh-Hans")
    assert code == 0
    assert "（六）提升伦理素养" in output
    assert "Raise ethical literacy" not in output


def test_show_an_article_without_items_says_so(runner: CliRunner) -> None:
    code, output = run(runner, "show", "25")
    assert code == 0
    assert "No requirement items derive from this article." in output


def test_show_prints_json_for_scripts(runner: CliRunner) -> None:
    code, output = run(runner, "show", "13", "--json", "-")
    assert code == 0
    data = json.loads(output)
    assert data["article"]["title"] == {
        "zh-Hans": "避免偏见歧视",
        "en": "Prevent bias and discrimination",
    }
    assert data["items"][0]["id"] == "REQ-13-01"


def test_show_of_an_unknown_article_raises_the_library_error(runner: CliRunner) -> None:
    result = runner.invoke(root_app, ["norms", "show", "99"], env=WIDE)
    assert result.exception is not None
    assert str(result.exception) == msg.UNKNOWN_ARTICLE.format(number=99, first=1, last=25)


def test_the_tianping_command_exits_2_for_an_unknown_article() -> None:
    completed = run_tianping("norms", "show", "99")
    assert completed.returncode == 2
    assert msg.UNKNOWN_ARTICLE.format(number=99, first=1, last=25) in " ".join(
        completed.stderr.split()
    )
    assert completed.stdout == ""


def test_the_tianping_command_exits_2_for_a_filter_that_does_not_apply() -> None:
    completed = run_tianping("norms", "list", "--what", "listed", "--article", "3")
    assert completed.returncode == 2
    assert "--article does not apply to --what listed" in " ".join(completed.stderr.split())


def test_the_tianping_command_shows_an_article() -> None:
    completed = run_tianping("norms", "show", "16", "--lang", "zh-Hans")
    assert completed.returncode == 0
    assert "保障用户权益" in completed.stdout


# -- crosswalk and validate -----------------------------------------------------------------
def test_crosswalk_shows_the_items_behind_each_target(runner: CliRunner) -> None:
    code, output = run(runner, "crosswalk", "pipl", "--lang", "en")
    assert code == 0
    assert "art_28" in output and "REQ-03-09" in output


def test_crosswalk_of_an_unknown_framework_raises_the_library_error(runner: CliRunner) -> None:
    result = runner.invoke(root_app, ["norms", "crosswalk", "gdpr"], env=WIDE)
    assert "framework 'gdpr'" in str(result.exception)


def test_validate_reports_the_shipped_catalogue_as_valid(runner: CliRunner) -> None:
    code, output = run(runner, "validate")
    assert code == 0
    assert f"Normative catalogue {DATA_DIR}: valid." in output


def test_validate_exits_1_for_a_broken_catalogue(runner: CliRunner, tmp_path: Path) -> None:
    for name in CATALOGUE_FILES.values():
        (tmp_path / name).write_bytes((DATA_DIR / name).read_bytes())
    (tmp_path / "requirements.yaml").unlink()
    code, output = run(runner, "validate", str(tmp_path))
    assert code == 1
    assert "requirements.yaml: file is missing" in output


# -- help ------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["list", "show", "crosswalk", "validate"])
def test_every_command_explains_itself_and_each_of_its_parameters(
    runner: CliRunner, command: str
) -> None:
    code, output = run(runner, command, "--help")
    assert code == 0
    group = typer.main.get_command(_norms.app)
    sub = group.commands[command]  # type: ignore[attr-defined]
    assert sub.help and sub.help.split("\n")[0] in " ".join(output.split())
    for parameter in sub.params:
        assert getattr(parameter, "help", None), f"{command} {parameter.name} has no help"


def test_norms_without_a_command_shows_its_help(runner: CliRunner) -> None:
    result = runner.invoke(root_app, ["norms"], env=WIDE)
    assert "normative catalogue" in result.output
    assert "show" in result.output
