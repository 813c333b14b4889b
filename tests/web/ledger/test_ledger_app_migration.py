"""The ledger app's state-only migrations: a database of the previous migrations keeps its ledger.

``ledger/0001_initial`` and ``operations/0006_ledger_moved_to_its_app`` move the
ledger's models from ``operations`` to ``ledger`` without touching a table. A
database built by the migrations before them, holding a log with entries, a
checkpoint, a platform action and an ingested batch, migrates forward with every
row in place, the same tree hash, its append-only triggers, and appends still work.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.web.factories import Network
from tianping.ledger import Ledger, audit_store
from tianping.web.ledger.models import LedgerLog
from tianping.web.ledger.services import ledger_record_action
from tianping.web.ledger.signing import ledger_signer
from tianping.web.ledger.store import DatabaseStore
from tianping.web.operations.models import IngestBatch

BEFORE = [("operations", "0005_playbook_empty_defaults"), ("ledger", None)]
"""The state before the move: operations at its last migration before it, no ledger app."""
TABLES = (
    "operations_ledgerlog",
    "operations_ledgerleaf",
    "operations_ledgernode",
    "operations_ledgercheckpoint",
    "operations_ledgersalt",
    "operations_platformaction",
    "operations_ingestbatch",
)
ORIGIN = "tianping.test/migration/decisions"


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _latest() -> list[tuple[str, str | None]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _rows() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _entries(count: int, start: int = 0) -> list[bytes]:
    return [b'{"decision":%d}' % n for n in range(start, start + count)]


@pytest.fixture
def previous_schema() -> Iterator[MigrationExecutor]:
    """The database as the migrations before the move left it; migrated forward afterwards."""
    latest = _latest()
    executor = _migrate(BEFORE)
    try:
        yield executor
    finally:
        _migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_previous_migrations_keeps_its_ledger(
    network: Network, previous_schema: MigrationExecutor
) -> None:
    old = previous_schema.loader.project_state(BEFORE[:1]).apps
    assert ("operations", "ledgerlog") in {
        (m._meta.app_label, m._meta.model_name) for m in old.get_models()
    }
    # Rows written through the previous state's models (the operations app's).
    system = network.system_a
    log = old.get_model("operations", "LedgerLog").objects.create(
        origin=ORIGIN, kind="decisions", system_id=system.pk
    )
    ledger = Ledger(DatabaseStore(LedgerLog.objects.get(pk=log.pk)))
    ledger.append_many(_entries(7))
    ledger.sign_checkpoint(ledger_signer(ORIGIN))
    ledger.append_many(_entries(3, start=7))
    old.get_model("operations", "IngestBatch").objects.create(
        log_id=log.pk, key="before", digest="0" * 64, first_index=0, count=7
    )
    old.get_model("operations", "LedgerSalt").objects.create(log_id=log.pk, idx=2, salt=b"s" * 16)
    now = timezone.now()
    old.get_model("operations", "PlatformAction").objects.create(
        log_id=log.pk, idx=0, kind="switch_changed", system_id=system.pk, subject="x", at=now
    )
    rows, root = _rows(), ledger.tree_hash()

    new = _migrate(_latest()).loader.project_state(_latest()).apps

    # The models moved in the state only: same tables, every row in place.
    moved = new.get_model("ledger", "LedgerLog")
    assert moved._meta.db_table == "operations_ledgerlog"
    assert ("operations", "ledgerlog") not in {
        (m._meta.app_label, m._meta.model_name) for m in new.get_models()
    }
    assert _rows() == rows
    store = DatabaseStore(LedgerLog.objects.get(pk=log.pk))
    reopened = Ledger(store)
    assert reopened.size == 10 and reopened.tree_hash() == root
    assert IngestBatch.objects.get(key="before").log == LedgerLog.objects.get(pk=log.pk)
    # The triggers still refuse to change an entry.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE operations_ledgerleaf SET data = %s WHERE idx = 0", [b"{}"])
    # Appends work, and the grown log extends the one signed before the migration.
    reopened.append_many(_entries(2, start=10))
    signed = reopened.sign_checkpoint(ledger_signer(ORIGIN))
    assert signed.checkpoint.size == 12
    reopened.consistency_proof(10, 12).verify(old_root=root, new_root=reopened.tree_hash())
    assert audit_store(store, key=ledger_signer(ORIGIN).verifier).size == 12
    index = ledger_record_action(
        actor=network.applicant_a, kind="switch_changed", subject=system, payload={"to": "paused"}
    )
    assert index == 0
