"""`tianping ledger`: init, append, checkpoint, prove, export, verify, verify-receipt.

The commands run through the real entry point, ``main()``, which maps library
errors to exit code 2. Until the lead registers the sub-command in
``tianping.cli``, this module registers it on the application for the test run.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
from typer.testing import CliRunner

from tianping import cli
from tianping.cli import _ledger

if not any(group.name == "ledger" for group in cli.app.registered_groups):
    cli.app.add_typer(_ledger.app, name="ledger")

ORIGIN = "tianping.example/decisions"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def said(self) -> str:
        """Standard error with the line wrapping undone."""
        return " ".join(self.stderr.split())


class Cli(Protocol):
    def __call__(self, *args: str) -> Run: ...


@pytest.fixture
def tianping(monkeypatch: pytest.MonkeyPatch) -> Cli:
    def run(*args: str) -> Run:
        runner = CliRunner()
        monkeypatch.setattr("sys.argv", ["tianping", *args])
        with runner.isolation(env={"COLUMNS": "200"}) as (out, err, _):
            try:
                cli.main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            return Run(code, out.getvalue().decode(), err.getvalue().decode())

    return run


@pytest.fixture
def records(tmp_path: Path) -> Path:
    path = tmp_path / "decisions.jsonl"
    lines = [
        json.dumps({"case": n, "decision": "approve", "applicant": f"Person {n}", "score": n / 7})
        for n in range(30)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(params=["log", "log.sqlite"])
def log(request: pytest.FixtureRequest, tmp_path: Path, tianping: Cli) -> Path:
    path = tmp_path / request.param
    run = tianping("ledger", "init", str(path), "--name", ORIGIN, "--key-file", str(tmp_path / "k"))
    assert run.code == 0, run.stderr
    return path


def vkey(tmp_path: Path) -> str:
    from tianping.ledger import read_key_file

    return read_key_file(tmp_path / "k").verifier.text


def test_init_writes_a_0600_key_and_prints_the_verifier_key(
    log: Path, tmp_path: Path, tianping: Cli
) -> None:
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600
    again = tianping(
        "ledger",
        "init",
        str(tmp_path / "other"),
        "--name",
        ORIGIN,
        "--key-file",
        str(tmp_path / "k"),
    )
    assert again.code == 2 and "refusing to overwrite a key" in again.said
    assert not (tmp_path / "other").exists()


def test_append_checkpoint_prove_and_verify_a_receipt(
    log: Path, records: Path, tmp_path: Path, tianping: Cli
) -> None:
    run = tianping(
        "ledger",
        "append",
        str(log),
        str(records),
        "-p",
        "applicant",
        "--salts-out",
        str(tmp_path / "salts.jsonl"),
        "--batch-size",
        "7",
    )
    assert run.code == 0, run.stderr
    assert "Appended 30 entries (0..29)" in run.stdout
    salts = [json.loads(line) for line in (tmp_path / "salts.jsonl").read_text().splitlines()]
    assert [salt["index"] for salt in salts] == list(range(30))
    assert stat.S_IMODE((tmp_path / "salts.jsonl").stat().st_mode) == 0o600

    run = tianping("ledger", "checkpoint", str(log))
    assert run.code == 0, run.stderr
    assert run.stdout.startswith(f"{ORIGIN}\n30\n")

    run = tianping("ledger", "prove", str(log), "12", "--json", "-")
    assert run.code == 0, run.stderr
    receipt = json.loads(run.stdout)
    assert receipt["format"] == "tianping-receipt/1" and receipt["tree_size"] == 30
    assert "Person" not in receipt["leaf"]
    (tmp_path / "receipt.json").write_text(run.stdout, encoding="utf-8")
    (tmp_path / "vkey").write_text(vkey(tmp_path) + "\n", encoding="utf-8")

    for key in (vkey(tmp_path), str(tmp_path / "vkey")):
        run = tianping("ledger", "verify-receipt", str(tmp_path / "receipt.json"), "--key", key)
        assert run.code == 0, run.stderr
        assert run.stdout.startswith("OK: entry 12 is in")

    table = tianping("ledger", "prove", str(log), "12")
    assert table.code == 0 and "Entry 12 in the tree of size 30" in table.stdout


def test_prove_against_an_unsigned_size_gives_a_bare_proof(
    log: Path, records: Path, tianping: Cli
) -> None:
    tianping("ledger", "append", str(log), str(records))
    tianping("ledger", "checkpoint", str(log))
    run = tianping("ledger", "prove", str(log), "3", "--size", "9", "--json", "-")
    assert run.code == 0, run.stderr
    proof = json.loads(run.stdout)
    assert (proof["format"], proof["tree_size"]) == (_ledger.PROOF_FORMAT, 9)


def test_export_and_verify_then_find_a_changed_entry(
    log: Path, records: Path, tmp_path: Path, tianping: Cli
) -> None:
    tianping("ledger", "append", str(log), str(records))
    tianping("ledger", "checkpoint", str(log))
    export = tmp_path / "export.jsonl"
    assert tianping("ledger", "export", str(log), str(export)).code == 0
    run = tianping("ledger", "verify", str(export), "--key", vkey(tmp_path))
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("OK: 30 entries re-derived")

    unpinned = tianping("ledger", "verify", str(export))
    assert unpinned.code == 0 and "pass --key" in unpinned.said

    lines = export.read_text(encoding="utf-8").splitlines()
    lines[1 + 17] = lines[1 + 17].replace('\\"case\\":17', '\\"case\\":71')
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = tianping("ledger", "verify", str(export), "--key", vkey(tmp_path))
    assert run.code == 2
    assert "entry 17's data does not match its leaf hash" in run.said


def test_verify_a_log_directly(log: Path, records: Path, tmp_path: Path, tianping: Cli) -> None:
    tianping("ledger", "append", str(log), str(records))
    unsigned = tianping("ledger", "verify", str(log), "--key", vkey(tmp_path))
    assert unsigned.code == 2 and "no signed checkpoint" in unsigned.said
    allowed = tianping("ledger", "verify", str(log), "--allow-unsigned-tail")
    assert allowed.code == 2  # no checkpoint at all still fails
    tianping("ledger", "checkpoint", str(log))
    run = tianping("ledger", "verify", str(log), "--key", vkey(tmp_path))
    assert run.code == 0, run.stderr


def test_bad_input_changes_nothing(log: Path, tmp_path: Path, tianping: Cli) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"case": 1}\n{"case": 2, "case": 3}\n', encoding="utf-8")
    run = tianping("ledger", "append", str(log), str(bad))
    assert run.code == 2 and "line 2" in run.said and "twice" in run.said
    bad.write_text('{"case": 1}\n[1, 2]\n', encoding="utf-8")
    assert tianping("ledger", "append", str(log), str(bad)).code == 2
    bad.write_text('{"id": 12345678901234567891}\n', encoding="utf-8")
    assert tianping("ledger", "append", str(log), str(bad)).code == 2
    run = tianping("ledger", "checkpoint", str(log))
    assert run.code == 2 and "the ledger is empty" in run.said


def test_personal_fields_need_somewhere_to_keep_the_salts(
    log: Path, records: Path, tianping: Cli
) -> None:
    run = tianping("ledger", "append", str(log), str(records), "-p", "applicant")
    assert run.code == 2 and "--salts-out" in run.said


def test_a_receipt_checked_with_another_key_fails(
    log: Path, records: Path, tmp_path: Path, tianping: Cli
) -> None:
    from tianping.ledger import NoteSigner

    tianping("ledger", "append", str(log), str(records))
    tianping("ledger", "checkpoint", str(log))
    (tmp_path / "r.json").write_text(
        tianping("ledger", "prove", str(log), "0", "--json", "-").stdout
    )
    other = NoteSigner.generate(ORIGIN).verifier.text
    run = tianping("ledger", "verify-receipt", str(tmp_path / "r.json"), "--key", other)
    assert run.code == 2 and "no signature on this note by a trusted key" in run.said


def test_the_guide_documents_every_command_and_every_option() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "ledger.md").read_text("utf-8")
    import typer.main

    group = typer.main.get_group(_ledger.app)
    for name, command in group.commands.items():
        assert f"tianping ledger {name}" in guide, name
        for parameter in command.params:
            for option in getattr(parameter, "opts", []):
                if option.startswith("--") and option != "--help":
                    assert option in guide, f"{name} {option}"


def test_append_refuses_a_file_with_undeclared_personal_data_and_appends_nothing(
    log: Path, tmp_path: Path, tianping: Cli
) -> None:
    lines = tmp_path / "raw.jsonl"
    lines.write_text(
        '{"case": 1, "decision": "approve"}\n'
        '{"case": 2, "decision": "refer", "contact": {"mobile": "13912345678"}}\n',
        encoding="utf-8",
    )
    run = tianping("ledger", "append", str(log), str(lines))
    assert run.code == 2
    assert "line 2" in run.said and "/contact/mobile (cn_mobile)" in run.said
    assert "13912345678" not in run.stderr + run.stdout
    assert tianping("ledger", "checkpoint", str(log)).code == 2  # still empty

    hashed = tianping(
        "ledger", "append", str(log), str(lines), "--on-personal-data", "hash",
        "--salts-out", str(tmp_path / "salts.jsonl"),
    )  # fmt: skip
    assert hashed.code == 0, hashed.stderr
    salts = [json.loads(s) for s in (tmp_path / "salts.jsonl").read_text().splitlines()]
    assert [s["index"] for s in salts] == [1]  # only the entry that held personal data
    assert tianping("ledger", "checkpoint", str(log)).code == 0
    proof = tianping("ledger", "prove", str(log), "1", "--json", "-")
    assert "13912345678" not in proof.stdout and "salted_sha256" in proof.stdout
