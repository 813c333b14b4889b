"""Torn writes: what an interrupted append leaves behind is found, reported and cut off.

A process can stop anywhere in an append: after some data bytes, after the data
but before its commit record, in the middle of the commit record. On the next
open the store keeps exactly the last complete commit -- what ``append``
returned for -- and says what it dropped. Committed data that went missing is
not a torn write: opening for writing refuses.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tianping.ledger import (
    CorruptStoreError,
    FileStore,
    Ledger,
    MemoryStore,
    NoteSigner,
    audit_store,
)
from tianping.ledger._filestore import COMMIT_RECORD_SIZE

from .conftest import ORIGIN, entries


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "log"
    with FileStore.create(path, origin=ORIGIN) as store:
        Ledger(store).append_many(entries(10))
    return path


def expected_root(size: int) -> bytes:
    reference = Ledger(MemoryStore(ORIGIN))
    reference.append_many(entries(size))
    return reference.tree_hash()


def interrupted_append(path: Path, *, stop_after: str) -> None:
    """Append entries 10..14 the way FileStore does, stopping part-way."""
    store = Ledger(MemoryStore(ORIGIN))
    store.append_many(entries(10))
    nodes, _ = store._hash_batch(entries(5, start=10), 10)
    with FileStore.open(path) as files:
        original = files._write_commit

        def crash(*args: object) -> None:
            if stop_after == "commit-half":
                os.write(files._fds["commits.log"], b"TPc1" + bytes(20))
            raise KeyboardInterrupt("the process stops here")

        files._write_commit = crash  # type: ignore[method-assign]
        files._roll_back = lambda: None  # type: ignore[method-assign]  # no clean-up: a crash
        with pytest.raises(KeyboardInterrupt):
            files.append(10, entries(5, start=10), nodes)
        files._write_commit = original  # type: ignore[method-assign]


@pytest.mark.parametrize("stop_after", ["data", "commit-half"])
def test_an_interrupted_append_is_cut_off_and_reported(log: Path, stop_after: str) -> None:
    interrupted_append(log, stop_after=stop_after)
    with FileStore.open(log) as store:
        assert store.size() == 10
        assert store.recovered  # never silently
        assert any("leaves.log: dropped" in note for note in store.recovered)
        ledger = Ledger(store)
        assert ledger.tree_hash() == expected_root(10)
        ledger.append_many(entries(5, start=10))  # and the log goes on
        assert ledger.tree_hash() == expected_root(15)
    with FileStore.open(log) as store:
        assert store.recovered == ()


def test_a_zero_filled_commit_record_is_a_torn_write(log: Path) -> None:
    with open(log / "commits.log", "ab") as handle:
        handle.write(bytes(COMMIT_RECORD_SIZE))
    with FileStore.open(log) as store:
        assert store.size() == 10
        assert any("incomplete commit record" in note for note in store.recovered)


def test_bytes_past_the_last_commit_in_any_file_are_dropped(log: Path) -> None:
    for name in ("leaves.log", "leaves.idx", "hashes.bin", "checkpoints.log"):
        with open(log / name, "ab") as handle:
            handle.write(b"\x00garbage")
    with FileStore.open(log) as store:
        assert len(store.recovered) == 4
        assert Ledger(store).tree_hash() == expected_root(10)


def test_a_read_only_reader_ignores_a_torn_tail_without_cutting_it(log: Path) -> None:
    with open(log / "leaves.log", "ab") as handle:
        handle.write(b"torn")
    size = os.path.getsize(log / "leaves.log")
    with FileStore.open(log, readonly=True) as store:
        assert store.size() == 10 and store.recovered
    assert os.path.getsize(log / "leaves.log") == size


def test_a_damaged_commit_record_followed_by_more_bytes_is_corruption(log: Path) -> None:
    # Only the record being written when the process stopped can be incomplete;
    # a bad record with bytes after it did not come from a crash.
    commits = bytearray((log / "commits.log").read_bytes())
    commits[-5] ^= 0xFF
    (log / "commits.log").write_bytes(bytes(commits) + b"TPc1")
    with pytest.raises(CorruptStoreError):
        FileStore.open(log)


def test_committed_bytes_that_went_missing_are_corruption_not_a_torn_write(log: Path) -> None:
    hashes = (log / "hashes.bin").read_bytes()
    (log / "hashes.bin").write_bytes(hashes[:-32])
    with pytest.raises(CorruptStoreError):
        FileStore.open(log)


def test_a_changed_right_edge_is_refused_before_anything_is_written_on_it(log: Path) -> None:
    hashes = bytearray((log / "hashes.bin").read_bytes())
    hashes[-1] ^= 0x01
    (log / "hashes.bin").write_bytes(hashes)
    with pytest.raises(CorruptStoreError):
        FileStore.open(log)


def test_a_failed_write_is_rolled_back_in_the_same_process(log: Path) -> None:
    with FileStore.open(log) as store:
        ledger = Ledger(store)

        def full_disk(*args: object) -> None:
            raise OSError(28, "No space left on device")

        store._write_commit = full_disk  # type: ignore[method-assign]
        with pytest.raises(OSError):
            ledger.append_many(entries(3, start=10))
        assert ledger.size == 10
        del store._write_commit  # back to the class's method
        ledger.append_many(entries(3, start=10))
        assert ledger.tree_hash() == expected_root(13)


def test_an_interrupted_checkpoint_is_dropped_and_the_log_stays_verifiable(log: Path) -> None:
    signer = NoteSigner.generate(ORIGIN)
    with FileStore.open(log) as store:
        Ledger(store).sign_checkpoint(signer)
    with open(log / "checkpoints.log", "ab") as handle:
        handle.write(b"\x00\x00\x01\x00half a note")
    with FileStore.open(log) as store:
        assert len(store.checkpoints()) == 1
        assert audit_store(store, key=signer.verifier).checkpoints == 1
