"""Every store gives the same tree, keeps it across reopening, and betrays tampering."""

from __future__ import annotations

import os
import sqlite3
import struct
from pathlib import Path

import pytest

from tianping.ledger import (
    ConcurrentAppendError,
    CorruptStoreError,
    FileStore,
    Ledger,
    LedgerStore,
    MemoryStore,
    NoteSigner,
    SQLiteStore,
    StoreError,
    TamperError,
    audit_store,
    create_store,
    open_store,
)
from tianping.ledger._messages import (
    ERR_LEAF_HASH_MISMATCH,
    ERR_NODE_HASH_MISMATCH,
    ERR_STORE_CONFLICT,
    ERR_UNSIGNED_TAIL,
)
from tianping.ledger._tree import node_position

from .conftest import ORIGIN, StoreFactory, entries

SIZE = 37


def fixed(count: int) -> list[bytes]:
    """Entries of one length, so records can be swapped in place."""
    return [b'{"case":"%04d"}' % n for n in range(count)]


def test_every_store_yields_the_same_tree(store_factory: StoreFactory) -> None:
    reference = Ledger(MemoryStore(ORIGIN))
    reference.append_many(entries(SIZE))
    ledger = Ledger(store_factory())
    for start in range(0, SIZE, 5):  # batches of several sizes
        ledger.append_many(entries(min(5, SIZE - start), start=start))
    for size in range(SIZE + 1):
        assert ledger.tree_hash(size) == reference.tree_hash(size)
    assert ledger.inclusion_proof(17, size=30) == reference.inclusion_proof(17, size=30)
    assert ledger.consistency_proof(9, 33) == reference.consistency_proof(9, 33)
    assert ledger.store.read_leaves(10, 13) == entries(3, start=10)


def test_an_empty_batch_appends_nothing(store_factory: StoreFactory) -> None:
    ledger = Ledger(store_factory())
    assert ledger.append_many([]) == range(0, 0)
    assert ledger.size == 0


def test_a_store_refuses_an_append_that_lost_a_race(store_factory: StoreFactory) -> None:
    store = store_factory()
    first = Ledger(store)
    first.append_many(entries(3))
    nodes, _ = first._hash_batch(entries(1, start=3), 2)
    with pytest.raises(ConcurrentAppendError) as raised:
        store.append(2, entries(1, start=3), nodes)
    assert raised.value.message == ERR_STORE_CONFLICT.format(expected=2, actual=3)
    assert store.size() == 3


@pytest.mark.parametrize("suffix", ["", ".sqlite"])
def test_a_reopened_store_continues_the_same_tree(tmp_path: Path, suffix: str) -> None:
    signer = NoteSigner.generate(ORIGIN)
    path = tmp_path / f"log{suffix}"
    with create_store(path, origin=ORIGIN, metadata={"team": "ethics"}) as store:
        ledger = Ledger(store)
        ledger.append_many(entries(20))
        ledger.sign_checkpoint(signer)
        root = ledger.tree_hash()
    with open_store(path) as store:
        assert store.metadata["team"] == "ethics"
        ledger = Ledger(store)
        assert (ledger.size, ledger.tree_hash()) == (20, root)
        ledger.append_many(entries(5, start=20))
        assert ledger.sign_checkpoint(signer).checkpoint.size == 25
    with open_store(path, readonly=True) as store:
        assert audit_store(store, key=signer.verifier).size == 25
        with pytest.raises(StoreError):
            Ledger(store).append(entries(1, start=25)[0])


def test_two_sqlite_connections_append_to_one_tree(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    with SQLiteStore.create(path, origin=ORIGIN) as first_store, SQLiteStore.open(path) as second:
        first, other = Ledger(first_store), Ledger(second)
        first.append_many(entries(3))
        # `other` last saw an empty tree: its append is refused, then retried on the new one.
        assert other.append_many(entries(2, start=3)) == range(3, 5)
        reference = Ledger(MemoryStore(ORIGIN))
        reference.append_many(entries(5))
        first.refresh()
        assert first.tree_hash() == reference.tree_hash()


def test_a_second_writer_cannot_open_a_file_store(tmp_path: Path) -> None:
    with FileStore.create(tmp_path / "log", origin=ORIGIN):
        with pytest.raises(StoreError):
            FileStore.open(tmp_path / "log")
        with FileStore.open(tmp_path / "log", readonly=True) as reader:
            assert reader.size() == 0


def test_creating_over_an_existing_ledger_is_refused(tmp_path: Path) -> None:
    for path in (tmp_path / "log", tmp_path / "log.sqlite"):
        create_store(path, origin=ORIGIN).close()
        with pytest.raises(StoreError):
            create_store(path, origin=ORIGIN)


@pytest.mark.parametrize("origin", ["", "has space", "has+plus", "tab\there"])
def test_origins_that_cannot_be_key_names_are_refused(tmp_path: Path, origin: str) -> None:
    with pytest.raises(StoreError):
        FileStore.create(tmp_path / "log", origin=origin)


# --- tampering ------------------------------------------------------------------------------


def signed(store: LedgerStore, leaves: list[bytes]) -> NoteSigner:
    signer = NoteSigner.generate(ORIGIN)
    ledger = Ledger(store)
    ledger.append_many(leaves)
    ledger.sign_checkpoint(signer)
    return signer


def audit_finds(store: LedgerStore, signer: NoteSigner) -> TamperError:
    with pytest.raises(TamperError) as raised:
        audit_store(store, key=signer.verifier)
    return raised.value


def test_an_untouched_store_passes_the_audit(store_factory: StoreFactory) -> None:
    store = store_factory()
    signer = signed(store, entries(SIZE))
    report = audit_store(store, key=signer.verifier)
    assert (report.size, report.checkpoints, report.key_pinned) == (SIZE, 1, True)


def test_entries_after_the_last_checkpoint_fail_the_audit_unless_allowed(
    store_factory: StoreFactory,
) -> None:
    store = store_factory()
    signer = signed(store, entries(10))
    Ledger(store).append_many(entries(3, start=10))
    error = audit_finds(store, signer)
    assert (error.message, error.index) == (ERR_UNSIGNED_TAIL.format(first=10, last=12), 10)
    assert audit_store(store, key=signer.verifier, allow_unsigned_tail=True).size == 13


def test_memory_store_changes_are_located() -> None:
    store = MemoryStore(ORIGIN)
    signer = signed(store, entries(SIZE))
    store._replace_leaf(12, b'{"case":12,"decision":"deny"}')
    error = audit_finds(store, signer)
    assert (error.message, error.index) == (ERR_LEAF_HASH_MISMATCH.format(index=12), 12)


def _file(path: Path, name: str) -> bytearray:
    return bytearray((path / name).read_bytes())


def _leaf_offset(path: Path, index: int) -> int:
    (offset,) = struct.unpack_from(">Q", _file(path, "leaves.idx"), 8 * index)
    return int(offset)


@pytest.fixture
def file_log(tmp_path: Path) -> tuple[Path, NoteSigner]:
    path = tmp_path / "log"
    with FileStore.create(path, origin=ORIGIN) as store:
        signer = signed(store, fixed(SIZE))
    return path, signer


def reopen_and_audit(path: Path, signer: NoteSigner) -> TamperError:
    with FileStore.open(path, readonly=True) as store:
        return audit_finds(store, signer)


def test_file_store_a_changed_entry_is_located(file_log: tuple[Path, NoteSigner]) -> None:
    path, signer = file_log
    leaves = _file(path, "leaves.log")
    leaves[_leaf_offset(path, 21) + 4 + len(b'{"case":"00')] ^= 0x01
    (path / "leaves.log").write_bytes(leaves)
    assert reopen_and_audit(path, signer).index == 21


def test_file_store_reordered_entries_are_located(file_log: tuple[Path, NoteSigner]) -> None:
    path, signer = file_log
    leaves = _file(path, "leaves.log")
    a, b = _leaf_offset(path, 8), _leaf_offset(path, 9)
    record = b - a
    leaves[a : a + record], leaves[b : b + record] = leaves[b : b + record], leaves[a : a + record]
    (path / "leaves.log").write_bytes(leaves)
    assert reopen_and_audit(path, signer).index == 8


def test_file_store_a_deleted_entry_is_located(file_log: tuple[Path, NoteSigner]) -> None:
    path, signer = file_log
    leaves = _file(path, "leaves.log")
    start, end = _leaf_offset(path, 30), _leaf_offset(path, 31)
    del leaves[start:end]
    (path / "leaves.log").write_bytes(leaves)
    assert reopen_and_audit(path, signer).index == 30
    with pytest.raises(CorruptStoreError):  # a writer refuses outright
        FileStore.open(path)


def test_file_store_a_changed_hash_is_located(file_log: tuple[Path, NoteSigner]) -> None:
    path, signer = file_log
    hashes = _file(path, "hashes.bin")
    hashes[32 * node_position(2, 3) + 5] ^= 0x80  # the subtree over entries 12..15
    (path / "hashes.bin").write_bytes(hashes)
    error = reopen_and_audit(path, signer)
    assert error.message == ERR_NODE_HASH_MISMATCH.format(
        index=12, level=2, node_index=3, first=12, last=15
    )
    assert error.index == 12


def test_file_store_a_changed_leaf_hash_is_located(file_log: tuple[Path, NoteSigner]) -> None:
    path, signer = file_log
    hashes = _file(path, "hashes.bin")
    hashes[32 * node_position(0, 5)] ^= 0x01
    (path / "hashes.bin").write_bytes(hashes)
    assert reopen_and_audit(path, signer).index == 5


def test_file_store_a_deleted_hash_is_located(file_log: tuple[Path, NoteSigner]) -> None:
    path, signer = file_log
    hashes = _file(path, "hashes.bin")
    position = node_position(0, 26)
    del hashes[32 * position : 32 * position + 32]
    (path / "hashes.bin").write_bytes(hashes)
    assert reopen_and_audit(path, signer).index == 26


@pytest.fixture
def sqlite_log(tmp_path: Path) -> tuple[Path, NoteSigner]:
    path = tmp_path / "log.sqlite"
    with SQLiteStore.create(path, origin=ORIGIN) as store:
        signer = signed(store, fixed(SIZE))
    return path, signer


def tamper_sql(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path)
    with db:
        for table in ("leaf", "node"):
            db.execute(f"DROP TRIGGER {table}_no_update")
            db.execute(f"DROP TRIGGER {table}_no_delete")
        for statement in statements:
            db.execute(statement)
    db.close()


def sqlite_audit(path: Path, signer: NoteSigner) -> TamperError:
    with SQLiteStore.open(path, readonly=True) as store:
        return audit_finds(store, signer)


def test_sqlite_store_refuses_updates_and_deletes(sqlite_log: tuple[Path, NoteSigner]) -> None:
    path, _ = sqlite_log
    db = sqlite3.connect(path)
    for statement in ("UPDATE leaf SET data = x'00' WHERE idx = 1", "DELETE FROM node"):
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(statement)
    db.close()


@pytest.mark.parametrize(
    ("statements", "index"),
    [
        (['UPDATE leaf SET data = CAST(\'{"case":"9999"}\' AS BLOB) WHERE idx = 14'], 14),
        (["DELETE FROM leaf WHERE idx = 19"], 19),
        (
            [
                "UPDATE leaf SET idx = -1 WHERE idx = 6",
                "UPDATE leaf SET idx = 6 WHERE idx = 7",
                "UPDATE leaf SET idx = 7 WHERE idx = -1",
            ],
            6,
        ),
        ([f"UPDATE node SET hash = zeroblob(32) WHERE pos = {node_position(1, 11)}"], 22),
        ([f"DELETE FROM node WHERE pos = {node_position(0, 33)}"], 33),
    ],
    ids=["changed", "deleted", "reordered", "changed-node", "deleted-node"],
)
def test_sqlite_store_tampering_is_located(
    sqlite_log: tuple[Path, NoteSigner], statements: list[str], index: int
) -> None:
    path, signer = sqlite_log
    tamper_sql(path, *statements)
    assert sqlite_audit(path, signer).index == index


def test_file_store_layout_keeps_offsets_of_eight_bytes(file_log: tuple[Path, NoteSigner]) -> None:
    path, _ = file_log
    assert os.path.getsize(path / "leaves.idx") == 8 * SIZE
    assert os.path.getsize(path / "hashes.bin") == 32 * (2 * SIZE - SIZE.bit_count())


@pytest.mark.parametrize("name", ["log", "log.sqlite"])
def test_a_store_in_a_missing_directory_is_a_clear_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(StoreError):
        create_store(tmp_path / "missing" / name, origin=ORIGIN)
    with pytest.raises(StoreError):
        open_store(tmp_path / "missing" / name)
