"""`tianping review rules` and `tianping review check-committee` (registered by the lead)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import tianping.cli
from tianping.cli import _review

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "review"
ENV = {"COLUMNS": "200", "NO_COLOR": "1"}


@pytest.fixture
def root() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(_review.app, name="review")
    return app


def run(root: typer.Typer, *arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(root, ["review", *arguments], env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_rules_prints_every_rule_with_its_citation(root: typer.Typer) -> None:
    code, output = run(root, "rules", "--on", "2026-11-01", "--lang", "en")
    assert code == 0
    assert "quorum.min_present" in output and "Art. 14" in output
    assert "committee.odd_size" not in output


def test_rules_for_a_province_shows_the_overlay(root: typer.Typer) -> None:
    code, output = run(
        root, "rules", "--province", "sichuan", "--on", "2026-11-01", "--lang", "zh-Hans"
    )
    assert code == 0
    assert (
        "committee.odd_size" in output and "《四川省科技伦理审查实施细则（试行）》第七条" in output
    )


def test_rules_as_json(root: typer.Typer) -> None:
    code, output = run(root, "rules", "--province", "sichuan", "--json", "-", "--on", "2026-11-01")
    assert code == 0
    document = json.loads(output)
    assert document["chain"] == ["national", "sichuan"]
    assert {"zh-Hans", "en"} <= set(document["rules"][0]["citation"])


def test_an_unknown_province_is_a_usage_error(root: typer.Typer) -> None:
    code, output = run(root, "rules", "--province", "atlantis")
    assert code == 2 and "use one of national, sichuan" in output


def test_check_committee_passes_a_compliant_committee(root: typer.Typer) -> None:
    code, output = run(
        root,
        "check-committee",
        str(EXAMPLES / "acme_committee.yaml"),
        "--on",
        "2026-11-01",
        "--lang",
        "en",
    )
    assert code == 0, output
    assert "meets rule set national" in output and "nothing to file" in output


def test_check_committee_exits_1_and_lists_the_overlay_failures(root: typer.Typer) -> None:
    code, output = run(
        root,
        "check-committee",
        str(EXAMPLES / "acme_committee.yaml"),
        "--province",
        "sichuan",
        "--on",
        "2026-11-01",
        "--lang",
        "en",
    )
    assert code == 1
    assert "committee.odd_size" in output and "committee.pledges" in output


def test_check_committee_as_json_lists_every_failure_and_reminder(root: typer.Typer) -> None:
    code, output = run(
        root,
        "check-committee",
        str(EXAMPLES / "startup_committee.yaml"),
        "--on",
        "2026-11-01",
        "--json",
        "-",
        "--lang",
        "en",
    )
    assert code == 1
    document = json.loads(output)
    rules = [f["rule"] for f in document["composition"]["findings"]]
    assert rules == [
        "committee.max_term_years",
        "committee.max_term_years",
        "committee.min_size",
        "committee.disciplines",
        "ai_committee.disciplines",
        "committee.both_genders",
        "committee.min_external",
    ]
    assert [r["status"] for r in document["reminders"]["reminders"]] == ["overdue"] * 3


def test_the_review_centre_example_meets_the_sichuan_overlay(root: typer.Typer) -> None:
    code, _ = run(
        root,
        "check-committee",
        str(EXAMPLES / "chengdu_centre.yaml"),
        "--province",
        "sichuan",
        "--on",
        "2026-11-01",
    )
    assert code == 0


def _main(monkeypatch: pytest.MonkeyPatch, root: typer.Typer, *arguments: str) -> int:
    monkeypatch.setattr(tianping.cli, "app", root)
    monkeypatch.setattr("sys.argv", ["tianping", "review", *arguments])
    with pytest.raises(SystemExit) as exited:
        tianping.cli.main()
    return int(exited.value.code or 0)


def test_a_bad_committee_file_exits_2_through_main(
    monkeypatch: pytest.MonkeyPatch,
    root: typer.Typer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "committee.yaml"
    bad.write_text(
        "id: c\nname: C\norganisation: O\nestablished_on: '2026-01-01'\n"
        "members:\n  - {id: m1, name: M, disciplines: [magic], gender: other,"
        " external: true, term_start: '2026-01-01', term_end: '2030-12-31'}\n",
        encoding="utf-8",
    )
    assert _main(monkeypatch, root, "check-committee", str(bad), "--lang", "en") == 2
    err = capsys.readouterr().err
    assert "members[0].disciplines[0]" in err and "members[0].gender" in err
    assert "members[0]: 'organisation' is a required property" in err


def test_a_missing_file_and_a_day_before_the_measures_exit_2(
    monkeypatch: pytest.MonkeyPatch, root: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(monkeypatch, root, "check-committee", "/nonexistent.yaml", "--lang", "zh") == 2
    assert "无法读取 /nonexistent.yaml" in capsys.readouterr().err
    assert _main(monkeypatch, root, "rules", "--on", "2020-01-01", "--lang", "en") == 2
    assert "not in force on 2020-01-01" in capsys.readouterr().err
