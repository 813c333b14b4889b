"""The database store keeps the same tree as the library's stores and betrays tampering.

The library's store-agnostic tests run here again with the database store
(``store_factory`` below makes :class:`DatabaseStore` logs); the rest checks
what only a database store does: row locks, triggers, exports of a platform log.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ledger.conftest import ORIGIN, entries
from tests.ledger.test_ledger_stores import (
    fixed,
    signed,
    test_a_store_refuses_an_append_that_lost_a_race,
    test_an_empty_batch_appends_nothing,
    test_an_untouched_store_passes_the_audit,
    test_entries_after_the_last_checkpoint_fail_the_audit_unless_allowed,
    test_every_store_yields_the_same_tree,
)
from tests.web.factories import Network
from tianping.ledger import (
    ConcurrentAppendError,
    Ledger,
    LedgerStore,
    MemoryStore,
    TamperError,
    audit_store,
    export_store,
    verify_export,
)
from tianping.ledger._tree import node_position
from tianping.web.ledger.models import LedgerLog
from tianping.web.ledger.services import _Snapshot, decision_log_of, ledger_export
from tianping.web.ledger.signing import ledger_signer
from tianping.web.ledger.store import DatabaseStore
from tianping.web.systems.models import AISystem

__all__ = [
    "test_a_store_refuses_an_append_that_lost_a_race",
    "test_an_empty_batch_appends_nothing",
    "test_an_untouched_store_passes_the_audit",
    "test_entries_after_the_last_checkpoint_fail_the_audit_unless_allowed",
    "test_every_store_yields_the_same_tree",
]

SIZE = 37
_numbers = itertools.count()


def _log(network: Network, origin: str) -> LedgerLog:
    system = AISystem.objects.create(
        organisation=network.enterprise_a,
        name=f"Store test {next(_numbers)}",
        purpose="Tests the database store.",
        owner="QA",
        sector="other",
        lifecycle_stage="test",
    )
    return LedgerLog.objects.create(origin=origin, kind=LedgerLog.Kind.DECISIONS, system=system)


@pytest.fixture
def store_factory(network: Network) -> Iterator[Callable[[], LedgerStore]]:
    """Database stores named like the library's test logs (one per test: origins are unique)."""

    def make() -> LedgerStore:
        return DatabaseStore(_log(network, ORIGIN))

    yield make


@pytest.fixture
def db_store(network: Network) -> DatabaseStore:
    return DatabaseStore(_log(network, ORIGIN))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=8))
def test_any_batching_gives_the_memory_stores_tree_and_proofs(
    network: Network, batches: list[int]
) -> None:
    store = DatabaseStore(_log(network, f"{ORIGIN}/{next(_numbers)}"))
    ledger, reference = Ledger(store), Ledger(MemoryStore(store.origin))
    start = 0
    for size in batches:
        assert ledger.append_many(entries(size, start=start)) == range(start, start + size)
        start += size
    reference.append_many(entries(start))
    fresh = Ledger(DatabaseStore(LedgerLog.objects.get(origin=store.origin)))
    for size in range(1, start + 1):
        root = reference.tree_hash(size)
        assert fresh.tree_hash(size) == root
        index = (size * 7 + 3) % size
        proof = fresh.inclusion_proof(index, size=size)
        assert proof == reference.inclusion_proof(index, size=size)
        proof.verify(leaf_hash=fresh.leaf_hash(index), root_hash=root)
        old = max(1, size // 2)
        fresh.consistency_proof(old, size).verify(old_root=reference.tree_hash(old), new_root=root)


def test_a_batch_is_one_commit_and_moves_the_committed_size(db_store: DatabaseStore) -> None:
    ledger = Ledger(db_store)
    ledger.append_many(entries(5))
    assert LedgerLog.objects.get(pk=db_store.log_id).size == 5
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        ledger.append_many(entries(3, start=5))
        raise ZeroDivisionError  # the caller's transaction fails: the batch goes with it
    assert db_store.size() == 5
    assert db_store.read_leaves(0, 5) == entries(5)


def test_a_writer_with_a_stale_edge_is_refused_then_catches_up(db_store: DatabaseStore) -> None:
    first = Ledger(db_store)
    other = Ledger(DatabaseStore(LedgerLog.objects.get(pk=db_store.log_id)))
    first.append_many(entries(4))
    nodes, _ = other._hash_batch(entries(1, start=4), 0)
    with pytest.raises(ConcurrentAppendError):
        other.store.append(0, entries(1, start=4), nodes)
    assert other.append_many(entries(2, start=4)) == range(4, 6)
    reference = Ledger(MemoryStore(ORIGIN))
    reference.append_many(entries(6))
    first.refresh()
    assert first.tree_hash() == reference.tree_hash()


def _disable_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
        for table in ("operations_ledgerleaf", "operations_ledgernode"):
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            else:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")


def _tamper(*statements: str, params: list[object] | None = None) -> None:
    _disable_triggers()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params or [])


@pytest.fixture
def sealed(db_store: DatabaseStore) -> tuple[DatabaseStore, str]:
    """A database log of SIZE fixed-length entries with a signed checkpoint; its verifier key."""
    signer = signed(db_store, fixed(SIZE))
    return db_store, signer.verifier.text


def test_the_triggers_refuse_to_rewrite_an_entry(sealed: tuple[DatabaseStore, str]) -> None:
    store, _key = sealed
    for statement in (
        "UPDATE operations_ledgerleaf SET data = %s WHERE idx = 3",
        "UPDATE operations_ledgernode SET hash = %s WHERE pos = 2",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [b"{}"])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM operations_ledgerleaf WHERE idx = 3")
    assert store.read_leaves(3, 4) == fixed(SIZE)[3:4]


@pytest.mark.parametrize(
    ("statements", "index"),
    [
        (["UPDATE operations_ledgerleaf SET data = %s WHERE idx = 14"], 14),
        (["DELETE FROM operations_ledgerleaf WHERE idx = 19"], 19),
        (
            [
                "UPDATE operations_ledgerleaf SET idx = -1 WHERE idx = 6",
                "UPDATE operations_ledgerleaf SET idx = 6 WHERE idx = 7",
                "UPDATE operations_ledgerleaf SET idx = 7 WHERE idx = -1",
            ],
            6,
        ),
        ([f"UPDATE operations_ledgernode SET hash = %s WHERE pos = {node_position(1, 11)}"], 22),
        ([f"UPDATE operations_ledgerleaf SET hash = %s WHERE idx = {33}"], 33),
    ],
    ids=["changed", "deleted", "reordered", "changed-node", "changed-leaf-hash"],
)
def test_tampering_in_the_database_is_located(
    sealed: tuple[DatabaseStore, str], statements: list[str], index: int
) -> None:
    store, key = sealed
    params: list[object] = [b'{"case":"9999"}'] if "%s" in statements[0] else []
    if "hash" in statements[0]:
        params = [bytes(32)]
    _tamper(*statements, params=params)
    with pytest.raises(TamperError) as raised:
        audit_store(store, key=key)
    assert raised.value.index == index


def test_the_export_of_a_database_log_verifies_offline_and_with_the_cli(
    network: Network, tmp_path: Path
) -> None:
    log = decision_log_of(network.system_a)
    ledger = Ledger(DatabaseStore(log))
    for start in range(0, 40, 8):
        ledger.append_many(entries(8, start=start))
        if start % 16 == 0:
            ledger.sign_checkpoint(ledger_signer(log.origin))
    path = tmp_path / "export.jsonl"
    written = ledger_export(log=log, path=path)
    assert (written.size, written.checkpoints) == (40, 3)
    vkey = ledger_signer(log.origin).verifier.text
    report = verify_export(path, key=vkey)
    assert (report.size, report.key_pinned) == (40, True)
    run = subprocess.run(
        [sys.executable, "-m", "tianping", "ledger", "verify", str(path), "--key", vkey],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_an_export_stops_at_its_snapshot_whatever_is_signed_meanwhile(
    network: Network, tmp_path: Path
) -> None:
    log = decision_log_of(network.system_a)
    ledger = Ledger(DatabaseStore(log))
    signer = ledger_signer(log.origin)
    ledger.append_many(entries(5))
    ledger.sign_checkpoint(signer)
    ledger.append_many(entries(3, start=5))
    ledger.sign_checkpoint(signer)  # signed after the snapshot of size 5 was taken
    snapshot = _Snapshot(DatabaseStore(log), 5)
    export_store(snapshot, tmp_path / "a.jsonl", vkey=signer.verifier)
    report = verify_export(tmp_path / "a.jsonl", key=signer.verifier)
    assert (report.size, report.checkpoints) == (5, 1)


def test_one_decision_log_per_system_and_one_platform_log(network: Network) -> None:
    log = decision_log_of(network.system_a)
    assert decision_log_of(network.system_a) == log
    assert log.origin.endswith(f"/systems/{network.system_a.pk}/decisions")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerLog.objects.create(origin="x.example/other", kind="decisions", system=log.system)
    LedgerLog.objects.create(origin="x.example/platform", kind="platform")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerLog.objects.create(origin="x.example/platform-2", kind="platform")
