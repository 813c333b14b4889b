"""`tianping bom verify | export`: output in both languages, JSON, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.bom.helpers import CERTIFICATES, EXAMPLE_BOM, EXAMPLE_SYSTEM, example_bom
from tianping import cli

CERT = ["--cert", str(CERTIFICATES / "certificate.json")]
LISTS = ["--status-list", str(CERTIFICATES / "status-revocation.json"),
         "--status-list", str(CERTIFICATES / "status-suspension.json")]  # fmt: skip
AT = ["--at", "2027-01-01T00:00:00Z"]


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


def model_only(tmp_path: Path) -> Path:
    document = example_bom()
    del document["components"][1]
    document["dependencies"] = []
    path = tmp_path / "model-only.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_the_example_fails_on_its_uncertified_data(monkeypatch: pytest.MonkeyPatch) -> None:
    code, said = run(monkeypatch, "bom", "verify", str(EXAMPLE_BOM), *CERT, *LISTS, *AT,
                     "--lang", "en")  # fmt: skip
    assert code == 1, said
    assert "weakest status: uncertified (fails)" in said
    assert "[certified] model credit-scoring 2.3.0" in said
    assert "[uncertified] data loan-applications" in said
    code, said = run(monkeypatch, "bom", "verify", str(EXAMPLE_BOM), *CERT, *LISTS, *AT,
                     "--lang", "zh-Hans")  # fmt: skip
    assert code == 1 and "最弱状态：未认证" in said and "[已认证] 模型" in said


def test_all_certified_exits_0_and_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bom = str(model_only(tmp_path))
    code, said = run(monkeypatch, "bom", "verify", bom, *CERT, *LISTS, *AT, "--json", "-")
    assert code == 0, said
    report = json.loads(said)
    assert report["status"] == "certified" and report["passes"] is True
    # revoked after the certificate's validity: expired, exit 1
    code, said = run(monkeypatch, "bom", "verify", bom, *CERT, *LISTS,
                     "--at", "2029-01-01T00:00:00Z", "--json", "-")  # fmt: skip
    assert code == 1 and json.loads(said)["status"] == "expired"
    # a pinned issuer
    did = json.loads((CERTIFICATES / "TEST-ONLY-issuer-key.json").read_text())["did"]
    assert run(monkeypatch, "bom", "verify", bom, *CERT, *LISTS, *AT, "--key", did)[0] == 0


def test_an_application_makes_the_data_eligible(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    apps = tmp_path / "applications.yaml"
    apps.write_text(
        "applications:\n  - reference: APP-2026-7\n    supplier: Example Data Co. (test data)\n"
        "    component: loan-applications\n    state: open\n    submission_complete: true\n",
        encoding="utf-8",
    )
    code, said = run(monkeypatch, "bom", "verify", str(EXAMPLE_BOM), *CERT, *LISTS, *AT,
                     "--applications", str(apps), "--lang", "en")  # fmt: skip
    assert code == 0, said
    assert "weakest status: eligible (passes)" in said


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"bomFormat": "CycloneDX", "specVersion": "1.5"}', "specVersion '1.5'"),
        ("[" * 50_000, "deeper than"),
        ("not json", "Expecting value"),
    ],
)
def test_bad_boms_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "bom.json"
    path.write_text(content, encoding="utf-8")
    code, said = run(monkeypatch, "bom", "verify", str(path), "--lang", "en")
    assert code == 2 and expected in said and "Traceback" not in said


def test_bad_certificate_or_date_exits_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "cert.json").write_text("[]", encoding="utf-8")
    code, said = run(monkeypatch, "bom", "verify", str(EXAMPLE_BOM), "--cert",
                     str(tmp_path / "cert.json"), "--lang", "en")  # fmt: skip
    assert code == 2 and "no JSON object" in said
    code, said = run(monkeypatch, "bom", "verify", str(EXAMPLE_BOM), "--at", "tomorrow")
    assert code == 2 and "--at" in said


def test_export_writes_a_bom_that_verifies(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "bom.json"
    code, said = run(monkeypatch, "bom", "export", str(EXAMPLE_SYSTEM), "--out", str(out),
                     "--lang", "en")  # fmt: skip
    assert code == 0 and "Written to" in said
    assert json.loads(out.read_text("utf-8"))["specVersion"] == "1.6"
    code, said = run(monkeypatch, "bom", "verify", str(out), *CERT, *LISTS, *AT, "--lang", "en")
    assert code == 1 and "[certified] model credit-scoring" in said
    code, said = run(monkeypatch, "bom", "export", str(EXAMPLE_BOM), "--out", "-", "--lang", "en")
    assert code == 2 and "'name' is a required property" in said  # a BOM is no description
