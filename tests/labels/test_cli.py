"""`tianping label check | rules`: output in both languages, JSON, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.labels import samples as s
from tianping import cli

EXAMPLES = Path(__file__).parents[2] / "examples" / "labels"


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


def test_the_examples_say_what_their_names_say(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(str(path) for path in EXAMPLES.iterdir())
    assert len(files) == 4
    code, said = run(monkeypatch, "label", "check", *files, "--json", "-")
    assert code == 1
    verdicts = {Path(f["file"]).name: f["verdict"] for f in json.loads(said)["files"]}
    assert verdicts == {
        "compliant.md": "compliant",
        "compliant.png": "compliant",
        "deviating.jpg": "non_compliant",
        "unlabelled.pdf": "not_found",
    }


def test_all_compliant_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    code, said = run(monkeypatch, "label", "check", str(EXAMPLES / "compliant.png"), "--lang", "en")
    assert code == 0, said
    assert "compliant.png (PNG): compliant" in said
    assert "PNG iTXt XML:com.adobe.xmp AIGC" in said


def test_a_broken_label_names_the_rule_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    code, said = run(monkeypatch, "label", "check", str(EXAMPLES / "deviating.jpg"), "--lang", "zh")
    assert code == 1
    assert "不合规" in said and 'label_value [V] Label 的值为 "AIGC"' in said


def test_an_unconfirmed_rule_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(s.png(s.png_text(s.label_json(ContentProducer="ACME"))))
    code, said = run(monkeypatch, "label", "check", str(path), "--lang", "en")
    assert code == 1 and "producer_code [S, unconfirmed]" in said and "(at PNG tEXt AIGC)" in said


def test_not_found_and_inconclusive_exit_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(s.mp4(None))
    code, said = run(monkeypatch, "label", "check", str(empty), "--lang", "en")
    assert code == 1 and "no implicit label found" in said
    unsure = tmp_path / "unsure.md"
    unsure.write_bytes(s.markdown_label(s.label_json(ContentProducer="", ProduceID="")))
    code, said = run(monkeypatch, "label", "check", str(unsure), "--lang", "en")
    assert code == 1 and "inconclusive" in said and "gives inconclusive only" in said


def test_an_unreadable_file_exits_2_and_the_others_are_still_checked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
    json_file = tmp_path / "out.json"
    good = str(EXAMPLES / "compliant.png")
    code, said = run(monkeypatch, "label", "check", str(bad), good, "--json", str(json_file),
                     "--lang", "en")  # fmt: skip
    assert code == 2
    assert "bad.png: unreadable" in said and "truncated" in said and "Traceback" not in said
    document = json.loads(json_file.read_text("utf-8"))
    assert document["summary"] == {"total": 2, "compliant": 1, "non_compliant": 0,
                                   "not_found": 0, "inconclusive": 0, "unreadable": 1}  # fmt: skip
    assert document["files"][0]["error"]["zh-Hans"].startswith("无法读取")
    code, said = run(monkeypatch, "label", "check", str(tmp_path / "missing.pdf"), "--lang", "en")
    assert code == 2 and "missing.pdf" in said


def test_rules_lists_each_rule_with_its_confidence(monkeypatch: pytest.MonkeyPatch) -> None:
    code, said = run(monkeypatch, "label", "rules", "--lang", "en")
    assert code == 0 and "label_value [V]" in said and "producer_filled [M]" in said
    code, said = run(monkeypatch, "label", "rules", "--json", "-")
    assert code == 0 and json.loads(said)["fields"][0] == "Label"
