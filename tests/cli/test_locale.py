"""``--lang`` defaults to the locale (LC_ALL, then LC_MESSAGES, then LANG), English otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tianping.cli import main
from tianping.cli._common import locale_language
from tianping.privacy._messages import ERR_PATH_NOT_FOUND

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def tianping(monkeypatch: pytest.MonkeyPatch, *args: str, **locale: str) -> Run:
    """``main()`` in this process, under exactly the locale variables given."""
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in locale.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.argv", ["tianping", *args])
    with CliRunner().isolation(env={"COLUMNS": "200"}) as (out, err, _):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        return Run(code, out.getvalue().decode(), err.getvalue().decode())


# One command of each module whose messages are bilingual: (arguments, English, Chinese).
COMMANDS = {
    "intake": (
        ["intake", "score", str(EXAMPLES / "intake" / "industrial_inspection.yaml")],
        "Tier: MEDIUM",
        "风险等级: MEDIUM",
    ),
    "review": (["review", "rules", "--on", "2026-11-01"], "Rule set", "规则集"),
    "fairness": (["fairness", "policies"], "tolerances", "容差"),
    "privacy": (
        ["privacy", "scan", "no-such-folder/"],
        ERR_PATH_NOT_FOUND.en.format(path="no-such-folder/"),
        ERR_PATH_NOT_FOUND.zh.format(path="no-such-folder/"),
    ),
}


def said(run: Run) -> str:
    return run.stdout + run.stderr


@pytest.mark.parametrize("module", COMMANDS)
def test_an_english_locale_gives_english(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    args, english, chinese = COMMANDS[module]
    run = tianping(monkeypatch, *args, LANG="en_US.UTF-8")
    assert english in said(run) and chinese not in said(run)


@pytest.mark.parametrize("module", COMMANDS)
def test_a_chinese_locale_gives_chinese(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    args, english, chinese = COMMANDS[module]
    run = tianping(monkeypatch, *args, LANG="zh_CN.UTF-8")
    assert chinese in said(run) and english not in said(run)


@pytest.mark.parametrize("module", COMMANDS)
def test_lang_overrides_the_locale(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    args, english, chinese = COMMANDS[module]
    assert english in said(tianping(monkeypatch, *args, "--lang", "en", LANG="zh_CN.UTF-8"))
    assert chinese in said(tianping(monkeypatch, *args, "--lang", "zh-Hans", LANG="en_US.UTF-8"))


@pytest.mark.parametrize("locale", [{}, {"LANG": "fr_FR.UTF-8"}, {"LANG": "C"}, {"LANG": ""}])
def test_an_unset_or_unknown_locale_gives_english(
    monkeypatch: pytest.MonkeyPatch, locale: dict[str, str]
) -> None:
    args, english, _chinese = COMMANDS["review"]
    assert english in said(tianping(monkeypatch, *args, **locale))


def test_a_missing_path_to_scan_is_an_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    run = tianping(monkeypatch, "privacy", "scan", "data/", LANG="en_US.UTF-8")
    assert run.code == 2
    assert ERR_PATH_NOT_FOUND.en.format(path="data/") in run.stderr
    assert "Scanned" not in said(run)


@pytest.mark.parametrize(
    ("variables", "language"),
    [
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh-Hans"),
        ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_TW.UTF-8"}, "en"),
        ({"LC_ALL": "", "LC_MESSAGES": "zh_SG@pinyin", "LANG": "en_US"}, "zh-Hans"),
        ({"LANG": "zh_CN.GB18030"}, "zh-Hans"),
        ({}, "en"),
    ],
)
def test_the_first_locale_variable_set_decides(variables: dict[str, str], language: str) -> None:
    assert locale_language(variables) == language
