"""`tianping cert levels | gap | verify`: output, exit codes 0 / 1 / 2, hostile files."""

from __future__ import annotations

import json
import runpy
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tianping import cli

EXAMPLES = Path(__file__).parents[2] / "examples" / "certificates"
CERT = EXAMPLES / "certificate.json"
LISTS = ["--status-list", str(EXAMPLES / "status-revocation.json"),
         "--status-list", str(EXAMPLES / "status-suspension.json")]  # fmt: skip
AT = ["--at", "2027-01-01T00:00:00Z"]
DID = json.loads((EXAMPLES / "TEST-ONLY-issuer-key.json").read_text())["did"]


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


def test_levels_in_both_languages_and_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    code, said = run(monkeypatch, "cert", "levels", "--lang", "zh-Hans")
    assert code == 0 and "基础合规" in said and "可信人工智能平台" in said and "未经确认" in said
    code, said = run(monkeypatch, "cert", "levels", "--lang", "en", "--json", "-")
    assert code == 0 and json.loads(said)["levels"][0]["id"] == "basic_compliance"


def test_gap_exits_0_when_met_and_1_when_not(monkeypatch: pytest.MonkeyPatch) -> None:
    evidence = str(EXAMPLES / "evidence.yaml")
    code, said = run(
        monkeypatch, "cert", "gap", evidence, "--level", "basic_compliance", "--lang", "en"
    )
    assert code == 0 and "12 met" in said
    code, said = run(monkeypatch, "cert", "gap", evidence, "--level", "managed_governance",
                     "--json", "-")  # fmt: skip
    assert code == 1 and json.loads(said)["highest_level_met"] == "basic_compliance"
    code, said = run(monkeypatch, "cert", "gap", evidence, "--level", "gold", "--lang", "en")
    assert code == 2 and "basic_compliance" in said


def test_verify_valid_pinned_and_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    code, said = run(monkeypatch, "cert", "verify", str(CERT), *LISTS, *AT, "--lang", "en")
    assert code == 0 and said.startswith("Valid"), said
    code, said = run(monkeypatch, "cert", "verify", str(CERT), *LISTS, *AT, "--key", DID)
    assert code == 0, said
    pinned = str(EXAMPLES / "issuer-did.json")
    code, said = run(monkeypatch, "cert", "verify", str(CERT), *LISTS, *AT, "--key", pinned)
    assert code == 0, said
    code, said = run(monkeypatch, "cert", "verify", str(CERT), *LISTS, *AT, "--json", "-")
    assert code == 0 and json.loads(said)["valid"] is True


def test_verify_invalid_exits_1_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, said = run(monkeypatch, "cert", "verify", str(CERT), *LISTS, "--at",
                     "2029-01-01T00:00:00Z", "--lang", "en")  # fmt: skip
    assert code == 1 and "expired" in said
    code, said = run(monkeypatch, "cert", "verify", str(CERT), *AT, "--lang", "zh-Hans")
    assert code == 1 and "状态列表" in said
    other = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
    code, said = run(monkeypatch, "cert", "verify", str(CERT), *LISTS, *AT, "--key", other)
    assert code == 1 and "resolved" in said
    changed = json.loads(CERT.read_text())
    changed["credentialSubject"]["level"]["id"] = "trusted_ai_platform"
    (tmp_path / "c.json").write_text(json.dumps(changed))
    code, said = run(monkeypatch, "cert", "verify", str(tmp_path / "c.json"), *LISTS, *AT,
                     "--lang", "en")  # fmt: skip
    assert code == 1 and "signature is invalid" in said


def test_the_signed_w3c_vector_verifies_with_its_did_key(monkeypatch: pytest.MonkeyPatch) -> None:
    vector = Path(__file__).parent / "vectors" / "signedJCS.json"
    did = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    code, said = run(monkeypatch, "cert", "verify", str(vector), "--key", did)
    assert code == 0, said


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"[" * 100_000, "nested deeper"),
        (b'{"a": 1' + b"0" * 5000 + b"}", "characters"),
        (b'{"a": 1, "a": 2}', "duplicate key"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[1, 2]", "no JSON object"),
        (b"not json", "Cannot read"),
    ],
)
def test_hostile_certificates_exit_2_with_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: bytes, said: str
) -> None:
    path = tmp_path / "cert.json"
    path.write_bytes(content)
    for args in (
        ["cert", "verify", str(path)],
        ["cert", "verify", str(CERT), "--status-list", str(path)],
        ["cert", "verify", str(CERT), "--key", str(path)],
    ):
        code, output = run(monkeypatch, *args, "--lang", "en")
        assert code == 2 and said in output and "Traceback" not in output, (args, output)


def test_an_oversize_certificate_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (2 * 1024 * 1024 + 1) + b"{}")
    code, said = run(monkeypatch, "cert", "verify", str(path), "--lang", "en")
    assert code == 2 and "more than" in said


def test_bad_at_and_missing_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, said = run(monkeypatch, "cert", "verify", str(CERT), "--at", "tomorrow")
    assert code == 2 and "--at" in said
    code, said = run(monkeypatch, "cert", "verify", str(tmp_path / "none.json"), "--lang", "en")
    assert code == 2 and "Cannot read" in said


def test_examples_are_what_the_generator_writes(tmp_path: Path) -> None:
    """The committed examples are reproducible (Ed25519 signatures are deterministic)."""
    folder = tmp_path / "certificates"
    shutil.copytree(EXAMPLES, folder)
    runpy.run_path(str(folder / "make_examples.py"), run_name="__main__")
    for name in (
        "certificate.json",
        "issuer-did.json",
        "status-revocation.json",
        "status-suspension.json",
    ):
        assert (folder / name).read_text() == (EXAMPLES / name).read_text(), name
