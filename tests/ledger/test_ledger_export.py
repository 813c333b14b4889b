"""Exports: one JSON Lines file anyone can verify; every change is found and located."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tianping.ledger import (
    EXPORT_FORMAT,
    EmptyLedgerError,
    ExportError,
    Ledger,
    MemoryStore,
    NoteSigner,
    TamperError,
    export_store,
    verify_export,
)
from tianping.ledger._messages import (
    ERR_EXPORT_CHECKPOINT_ROOT,
    ERR_EXPORT_INDEX,
    ERR_EXPORT_LEAF_HASH,
    ERR_UNSIGNED_TAIL,
)
from tianping.ledger._proofs import encode_hash

from .conftest import ORIGIN, entries

Lines = list[dict[str, object]]


@pytest.fixture
def signer() -> NoteSigner:
    return NoteSigner.generate(ORIGIN)


@pytest.fixture
def exported(tmp_path: Path, signer: NoteSigner) -> Path:
    ledger = Ledger(MemoryStore(ORIGIN))
    ledger.append_many(entries(10))
    ledger.sign_checkpoint(signer)
    ledger.append_many(entries(15, start=10))
    ledger.sign_checkpoint(signer)
    path = tmp_path / "export.jsonl"
    report = export_store(ledger.store, path, vkey=signer.verifier)
    assert (report.size, report.checkpoints) == (25, 2)
    return path


def read(path: Path) -> Lines:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write(path: Path, lines: Lines) -> None:
    path.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )


def tampered(path: Path, change: Callable[[Lines], None]) -> Path:
    lines = read(path)
    change(lines)
    write(path, lines)
    return path


def test_the_export_has_a_header_entries_and_checkpoints_in_place(
    exported: Path, signer: NoteSigner
) -> None:
    lines = read(exported)
    assert lines[0] == {
        "format": EXPORT_FORMAT,
        "origin": ORIGIN,
        "size": 25,
        "vkey": signer.verifier.text,
    }
    assert lines[1]["index"] == 0 and "leaf_hash" in lines[1]
    assert "checkpoint" in lines[11] and lines[11]["checkpoint"].split("\n")[1] == "10"  # type: ignore[union-attr]
    assert "checkpoint" in lines[-1]
    report = verify_export(exported, key=signer.verifier)
    assert (report.size, report.checkpoints, report.key_pinned) == (25, 2, True)


def test_without_a_key_the_exports_own_key_is_used_and_the_report_says_so(
    exported: Path,
) -> None:
    assert verify_export(exported).key_pinned is False


def test_a_changed_entry_is_located(exported: Path, signer: NoteSigner) -> None:
    def change(lines: Lines) -> None:
        lines[1 + 7]["leaf"] = '{"case":7,"decision":"deny"}'

    with pytest.raises(TamperError) as raised:
        verify_export(tampered(exported, change), key=signer.verifier)
    assert raised.value.message == ERR_EXPORT_LEAF_HASH.format(line=9, index=7)
    assert (raised.value.index, raised.value.line) == (7, 9)


def test_a_changed_leaf_hash_is_located(exported: Path, signer: NoteSigner) -> None:
    def change(lines: Lines) -> None:
        lines[1 + 3]["leaf_hash"] = encode_hash(bytes(32))

    with pytest.raises(TamperError) as raised:
        verify_export(tampered(exported, change), key=signer.verifier)
    assert raised.value.index == 3


def test_a_deleted_entry_is_located(exported: Path, signer: NoteSigner) -> None:
    with pytest.raises(TamperError) as raised:
        verify_export(tampered(exported, lambda lines: lines.pop(1 + 4)), key=signer.verifier)
    assert raised.value.message == ERR_EXPORT_INDEX.format(line=6, expected=4, actual=5)
    assert raised.value.index == 4


def test_reordered_entries_are_located(exported: Path, signer: NoteSigner) -> None:
    def swap(lines: Lines) -> None:
        lines[1 + 5], lines[1 + 6] = lines[1 + 6], lines[1 + 5]

    with pytest.raises(TamperError) as raised:
        verify_export(tampered(exported, swap), key=signer.verifier)
    assert raised.value.index == 5


def test_a_rewritten_entry_with_recomputed_hash_and_indexes_is_caught_by_the_checkpoint(
    exported: Path, signer: NoteSigner
) -> None:
    # The forger recomputes the leaf hash; only the signed checkpoint can tell, and it
    # narrows the change down to the entries it was the first to cover (10..24).
    from tianping.ledger import leaf_hash

    def forge(lines: Lines) -> None:
        forged = b'{"case":12,"decision":"deny"}'
        lines[1 + 12 + 1]["leaf"] = forged.decode()  # +1: the checkpoint line after entry 9
        lines[1 + 12 + 1]["leaf_hash"] = encode_hash(leaf_hash(forged))

    with pytest.raises(TamperError) as raised:
        verify_export(tampered(exported, forge), key=signer.verifier)
    assert raised.value.message == ERR_EXPORT_CHECKPOINT_ROOT.format(
        line=28, size=25, first=10, last=24
    )
    assert raised.value.index == 10


def test_a_checkpoint_signed_by_another_key_fails(exported: Path) -> None:
    with pytest.raises(TamperError):
        verify_export(exported, key=NoteSigner.generate(ORIGIN).verifier)


def test_a_changed_checkpoint_fails(exported: Path, signer: NoteSigner) -> None:
    def change(lines: Lines) -> None:
        note = str(lines[-1]["checkpoint"])
        lines[-1]["checkpoint"] = note.replace("\n25\n", "\n24\n", 1)

    with pytest.raises(TamperError):
        verify_export(tampered(exported, change), key=signer.verifier)


def test_entries_beyond_the_last_checkpoint_are_not_attested(
    exported: Path, signer: NoteSigner
) -> None:
    def drop_last_checkpoint(lines: Lines) -> None:
        lines.pop()

    with pytest.raises(TamperError) as raised:
        verify_export(tampered(exported, drop_last_checkpoint), key=signer.verifier)
    assert raised.value.message == ERR_UNSIGNED_TAIL.format(first=10, last=24)


def test_a_truncated_export_is_detected(exported: Path, signer: NoteSigner) -> None:
    text = exported.read_bytes()
    exported.write_bytes(text[: len(text) // 2])
    with pytest.raises(TamperError):
        verify_export(exported, key=signer.verifier)


@pytest.mark.parametrize(
    "header",
    [{"format": "other/1", "origin": ORIGIN, "size": 1}, {"format": EXPORT_FORMAT}, ["x"]],
)
def test_an_unknown_header_is_refused(tmp_path: Path, header: object) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(header) + "\n", encoding="utf-8")
    with pytest.raises(ExportError):
        verify_export(path)


def test_an_export_is_never_written_over_an_existing_file(exported: Path) -> None:
    ledger = Ledger(MemoryStore(ORIGIN))
    ledger.append_many(entries(2))
    with pytest.raises(ExportError):
        export_store(ledger.store, exported)


def test_an_empty_ledger_is_not_exported(tmp_path: Path) -> None:
    with pytest.raises(EmptyLedgerError):
        export_store(MemoryStore(ORIGIN), tmp_path / "empty.jsonl")
    assert not (tmp_path / "empty.jsonl").exists()
