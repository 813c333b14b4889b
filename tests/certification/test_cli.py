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


ISSUE = ["cert", "issue", str(EXAMPLES / "subject.yaml"),
         "--issuer-key", str(EXAMPLES / "TEST-ONLY-issuer-key.json")]  # fmt: skip
EXAMPLE_STATUS = ["--status-index", "4242",
                  "--status-base", "https://tianping.example/status/{purpose}/1"]  # fmt: skip


def test_issue_reproduces_the_example_certificate(monkeypatch: pytest.MonkeyPatch) -> None:
    code, said = run(
        monkeypatch, *ISSUE, "--level", "basic_compliance", *EXAMPLE_STATUS,
        "--valid-from", "2026-07-01T00:00:00Z",
        "--id", "urn:uuid:6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e",
    )  # fmt: skip
    assert code == 0
    assert json.loads(said) == json.loads(CERT.read_text())


def test_issue_export_verifies_and_lasts_two_years(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "export.json"
    code, _said = run(
        monkeypatch, *ISSUE, "--export", "--valid-from", "2026-08-01T08:00:00+08:00",
        "--out", str(out), "--lang", "en",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out.read_text())
    assert document["validUntil"] == "2028-08-01T00:00:00Z"
    assert "AIExportEthicalComplianceCertificate" in document["type"]
    assert "credentialStatus" not in document
    code, said = run(monkeypatch, "cert", "verify", str(out), "--key", DID, *AT, "--lang", "en")
    assert code == 0 and "Valid" in said


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--level", "basic_compliance", "--export"], "exactly one"),
        ([], "exactly one"),
        (["--level", "no_such_level"], "no_such_level"),
        (["--level", "basic_compliance", "--status-index", "1"], "--status-base"),
    ],
)
def test_issue_refuses_bad_options(
    monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str
) -> None:
    code, said = run(monkeypatch, *ISSUE, *args, "--lang", "en")
    assert code == 2 and needle in said


def test_issue_refuses_a_key_whose_did_is_not_its_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key = json.loads((EXAMPLES / "TEST-ONLY-issuer-key.json").read_text())
    key["did"] = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    bad = tmp_path / "key.json"
    bad.write_text(json.dumps(key))
    code, said = run(
        monkeypatch, "cert", "issue", str(EXAMPLES / "subject.yaml"), "--issuer-key", str(bad),
        "--level", "basic_compliance", "--lang", "en",
    )  # fmt: skip
    assert code == 2 and "did" in said


def _lists(tmp_path: Path, revoked: bool, suspended: bool) -> list[str]:
    from tianping.certification import issue_credential, read_signing_key, update_status

    key = read_signing_key(EXAMPLES / "TEST-ONLY-issuer-key.json")
    args = []
    for name, flag in (("revocation", revoked), ("suspension", suspended)):
        document = json.loads((EXAMPLES / f"status-{name}.json").read_text())
        if flag:
            document = issue_credential(update_status(document, 4242), key)
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(document))
        args += ["--status-list", str(path)]
    return args


@pytest.mark.parametrize(
    ("revoked", "suspended", "code", "word"),
    [(False, False, 0, "active"), (True, False, 1, "revoked"), (False, True, 1, "suspended")],
)
def test_status_prints_active_revoked_or_suspended(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    revoked: bool,
    suspended: bool,
    code: int,
    word: str,
) -> None:
    lists = _lists(tmp_path, revoked, suspended)
    got, said = run(monkeypatch, "cert", "status", str(CERT), *lists, *AT, "--lang", "en")
    assert (got, said.strip()) == (code, word)
    got, said = run(monkeypatch, "cert", "status", str(CERT), *lists, *AT, "--json", "-")
    assert json.loads(said)["status"] == word


def test_status_without_a_list_or_from_an_unreachable_url(monkeypatch: pytest.MonkeyPatch) -> None:
    code, said = run(
        monkeypatch, "cert", "status", str(CERT), "--status-list",
        str(EXAMPLES / "status-revocation.json"), *AT, "--lang", "en",
    )  # fmt: skip
    assert code == 1 and "status list" in said
    code, said = run(
        monkeypatch, "cert", "status", str(CERT), "--status-list",
        "http://127.0.0.1:9/status/revocation", *AT, "--lang", "en",
    )  # fmt: skip
    assert code == 2 and "127.0.0.1:9" in said
