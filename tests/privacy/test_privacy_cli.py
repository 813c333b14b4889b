"""`tianping privacy` commands: output, JSON, exit codes (errors → 2 through cli.main)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
from typer.testing import CliRunner

from tianping.cli._privacy import app

runner = CliRunner()
LINE = "身份证号11010519491231002X，手机13912345678。\n"


def invoke(*args: str):
    return runner.invoke(app, [*args], catch_exceptions=False)


def test_scan_prints_a_summary_and_writes_json(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(LINE, encoding="utf-8")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01")
    out = tmp_path / "report.json"
    result = invoke("scan", str(tmp_path), "--json", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "cn_resident_id" in result.output and "binary file" in result.output
    document = json.loads(out.read_text("utf-8"))
    assert document["summary"]["by_entity"] == {"cn_mobile": 1, "cn_resident_id": 1}
    assert "11010519491231002X" not in out.read_text("utf-8")


def test_scan_json_to_stdout_is_pure_json(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(LINE, encoding="utf-8")
    result = runner.invoke(app, ["scan", str(tmp_path), "--json", "-", "--entities", "cn_mobile"])
    document = json.loads(result.stdout)
    assert [f["entity"] for f in document["findings"]] == ["cn_mobile"]


def test_scan_can_fail_on_findings_and_rejects_unknown_entities(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(LINE, encoding="utf-8")
    assert invoke("scan", str(tmp_path), "--fail-on-findings").exit_code == 1
    result = runner.invoke(app, ["scan", str(tmp_path), "--entities", "phone"])
    assert result.exit_code == 2 and "phone" in result.output


def test_profile_anonymity_and_deidentify(tmp_path, monkeypatch) -> None:
    table = tmp_path / "t.csv"
    pd.DataFrame(
        {
            "name": ["张伟", "李娜", "王芳"],
            "phone": ["13912345678", "13812345678", "13712345678"],
            "zip": ["100", "100", "200"],
            "disease": ["flu", "cold", "flu"],
        }
    ).to_csv(table, index=False)
    result = invoke("profile", str(table), "--lang", "en")
    assert result.exit_code == 0 and "person_name" in result.output
    result = invoke(
        "anonymity", str(table), "--quasi", "zip", "--sensitive", "disease", "--k", "2",
        "--json", str(tmp_path / "a.json"),
    )  # fmt: skip
    assert result.exit_code == 0
    assert json.loads((tmp_path / "a.json").read_text())["k"] == 1
    policy = tmp_path / "p.yaml"
    policy.write_text("columns:\n  phone: {action: hash}\n  name: mask\n", encoding="utf-8")
    monkeypatch.setenv("TIANPING_DEID_KEY", "0123456789abcdef0123")
    result = invoke("deidentify", str(table), str(tmp_path / "o.csv"), "--policy", str(policy))
    assert result.exit_code == 0
    assert "13912345678" not in (tmp_path / "o.csv").read_text("utf-8")


def test_evaluate_reports_scores_and_can_gate(tmp_path) -> None:
    result = invoke("evaluate", "--documents", "30", "--json", str(tmp_path / "e.json"))
    assert result.exit_code == 0
    assert json.loads((tmp_path / "e.json").read_text())["overall"]["f1"] > 0.9
    from tianping.privacy import Corpus, Label, Sample

    wrong = Corpus(0, (Sample("x", "prose_en", (Label("email", 0, 4),), text="none here"),))
    path = wrong.write(tmp_path / "wrong.jsonl")
    assert invoke("evaluate", "--corpus", str(path), "--min-f1", "0.5").exit_code == 1


def test_entities_lists_every_entity() -> None:
    from tianping.privacy import ENTITIES

    result = invoke("entities", "--lang", "en")
    assert all(name in result.output for name in ENTITIES)


def test_library_errors_exit_with_status_two_through_main(tmp_path) -> None:
    cases = [
        ["profile", "missing.csv"],
        ["anonymity", "missing.csv", "--quasi", "a"],
        ["deidentify", "in.csv", "out.csv", "--policy", "missing.yaml"],
    ]
    script = (
        "import sys\n"
        "from tianping.cli import main, app\n"
        "from tianping.cli._privacy import app as privacy\n"
        "app.add_typer(privacy, name='privacy')\n"
        "codes = []\n"
        f"for args in {cases!r}:\n"
        "    sys.argv = ['tianping', 'privacy', *args]\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as exc:\n"
        "        codes.append(exc.code)\n"
        "print(codes)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "[2, 2, 2]", done.stderr
    assert done.stderr.count("Error") == 3
