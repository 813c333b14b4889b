"""Export (CSV through csvsafe, JSON) and the `tianping cases` commands."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cases.helpers import SNAPSHOT
from tianping import cli
from tianping.cases import CSV_COLUMNS, cases_json, load_cases, write_cases_csv


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["tianping", *args])
    with CliRunner().isolation(env={"COLUMNS": "200"}) as (out, err, _):
        try:
            cli.main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode() + err.getvalue().decode()


def test_csv_export_has_every_case_and_neutralises_formulas() -> None:
    cases = load_cases()
    hostile = dataclasses.replace(
        cases[0], title=dataclasses.replace(cases[0].title, en='=HYPERLINK("x")')
    )
    out = io.StringIO()
    assert write_cases_csv([*cases, hostile], out) == len(cases) + 1
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(cases) + 2
    assert rows[-1][CSV_COLUMNS.index("title_en")] == '\'=HYPERLINK("x")'
    assert rows[1][CSV_COLUMNS.index("licence")] == "CC-BY-SA-4.0"


def test_json_export_is_bilingual_unless_a_language_is_asked() -> None:
    both = cases_json(load_cases())
    assert both["count"] == len(load_cases())
    assert set(both["cases"][0]["title"]) == {"zh-Hans", "en"}
    assert both["licences"] == ["CC-BY-SA-4.0"]
    english = cases_json(load_cases(), "en")
    assert isinstance(english["cases"][0]["title"], str)


def test_search_command_prints_a_table_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run(monkeypatch, "cases", "search", "自动驾驶 事故", "--limit", "3")
    assert code == 0
    assert "AIID-4" in out and "失控" in out
    code, out = run(monkeypatch, "cases", "search", "deepfake", "--risk", "fraud_impersonation",
                    "--json", "-", "--lang", "en")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["language"] == "en"
    assert {hit["case"]["risk_category"] for hit in data["hits"]} == {"fraud_impersonation"}


def test_similar_command_names_the_matched_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run(monkeypatch, "cases", "similar", "--text", "resume screening model for hiring",
                    "--sector", "employment", "--json", "-")  # fmt: skip
    assert code == 0
    hits = json.loads(out)["hits"]
    assert hits[0]["case"]["id"] == "AIID-37"
    assert "sector" in hits[0]["matched_fields"]


def test_import_command_summarises_and_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run(monkeypatch, "cases", "import", str(SNAPSHOT), "--lang", "en")
    assert code == 0
    assert "32 incidents" in out
    assert "32 match, 0 differ" in out
    code, out = run(monkeypatch, "cases", "import", str(SNAPSHOT), "--json", "-")
    assert json.loads(out)["incidents"] == 32


def test_export_command_writes_csv_and_json(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target_csv, target_json = tmp_path / "cases.csv", tmp_path / "cases.json"
    code, out = run(monkeypatch, "cases", "export", "--csv", str(target_csv), "--json",
                    str(target_json), "--lang", "en")  # fmt: skip
    assert code == 0, out
    assert json.loads(target_json.read_text("utf-8"))["count"] == len(load_cases())
    assert target_csv.read_text("utf-8-sig").startswith("id,date,title_zh")
    code, out = run(monkeypatch, "cases", "export", "--csv", "-", "--json", "-")
    assert code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "x", "--sector", "mining", "--lang", "en"], "facet sector has no value mining"),
        (["search", "x", "--sector", "mining", "--lang", "zh-Hans"], "分面 sector 没有取值 mining"),
        (["import", "/nonexistent/incidents.csv", "--lang", "en"], "cannot read"),
        (["similar", "--text", "...", "--lang", "en"], "no searchable words"),
    ],
)
def test_bad_input_exits_2_with_a_worded_error(
    monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    code, out = run(monkeypatch, "cases", *args)
    assert code == 2
    assert message in out
    assert "Traceback" not in out
