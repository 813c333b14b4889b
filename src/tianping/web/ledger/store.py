"""A :class:`~tianping.ledger.LedgerStore` in the platform's database (SQLite or PostgreSQL).

The library's :class:`~tianping.ledger.Ledger` does all hashing and proving;
this store only keeps bytes, append-only:

- ``operations_ledgerleaf(log_id, idx, data, hash)``: each entry and its leaf
  hash (the level-0 node), so a proof reads leaf hashes without a second table;
- ``operations_ledgernode(log_id, pos, hash)``: every perfect subtree above
  the leaves, at its post-order position (docs/ledger.md, "The tree");
- ``operations_ledgercheckpoint``: signed checkpoints in signing order;
- ``operations_ledgerlog.size``: the committed size. An append locks this row
  (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` locks the
  database), checks it, writes the batch's leaves and nodes and moves the size
  on, in one transaction: one durable commit per batch (group commit).

Database triggers refuse ``UPDATE`` of leaves, nodes and checkpoints (and
``DELETE`` on PostgreSQL); whoever bypasses them is caught by the audit and by
every signed checkpoint (:func:`~tianping.ledger.audit_store`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, transaction

from tianping.ledger import (
    ConcurrentAppendError,
    CorruptStoreError,
    NodeAddress,
    StoredNode,
    StoreError,
    check_append,
    check_checkpoint_size,
    check_origin,
    check_range,
    node_position,
    stored_node_count,
)
from tianping.web.ledger.models import LedgerCheckpoint, LedgerLeaf, LedgerLog, LedgerNode

ERR_NODE_MISSING = "the hash of node ({level}, {index}) is missing from the database"
ERR_ENTRY_MISSING = "entry {index} is missing from the database"
ERR_POST_ORDER = "nodes must come in post-order"

_LEAF_TABLE = LedgerLeaf._meta.db_table
_NODE_TABLE = LedgerNode._meta.db_table
_IN_CHUNK = 500
_MAX_ROWS_PER_INSERT = 1000


def insert_rows(
    table: str, columns: tuple[str, ...], rows: list[tuple[object, ...]], *, using: str = "default"
) -> None:
    """Insert ``rows`` in bulk: ``COPY`` on PostgreSQL, multi-row ``INSERT`` on SQLite.

    The hot path of ingestion: a batch's leaves, nodes and salts are thousands of
    rows, which the ORM would first build as model instances.
    """
    if not rows:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one statement, inside the current transaction.
            raw = cursor.cursor
            with raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        head = f"INSERT INTO {quote(table)} ({names}) VALUES "  # noqa: S608 - fixed names
        marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
        limit = connection.features.max_query_params
        per_statement = _MAX_ROWS_PER_INSERT if limit is None else max(1, limit // len(columns))
        per_statement = min(per_statement, _MAX_ROWS_PER_INSERT)
        for chunk in range(0, len(rows), per_statement):
            part = rows[chunk : chunk + per_statement]
            # Only %s placeholders are interpolated; values travel as parameters.
            params: list[Any] = [v for row in part for v in row]
            cursor.execute(head + ", ".join([marks] * len(part)), params)


class DatabaseStore:
    """The store of one :class:`LedgerLog`, read and written through Django's connection.

    Use it inside the thread that opened it; wrap reads that must agree with
    each other in a transaction.
    """

    def __init__(self, log: LedgerLog, *, using: str = "default") -> None:
        if log.pk is None:
            raise StoreError("the ledger log must be saved before it is used")
        self._log_id: int = log.pk
        self._origin = check_origin(log.origin)
        self._using = using

    @property
    def log_id(self) -> int:
        """The primary key of the :class:`LedgerLog` this store keeps."""
        return self._log_id

    @property
    def origin(self) -> str:
        return self._origin

    def size(self) -> int:
        return int(
            LedgerLog.objects.using(self._using).values_list("size", flat=True).get(pk=self._log_id)
        )

    def lock(self) -> int:
        """Lock the log's row until the end of the transaction; return the committed size.

        Call inside ``transaction.atomic()``. Whoever holds the lock is the log's only
        writer: the tree's right edge cannot move under it.
        """
        return int(
            LedgerLog.objects.using(self._using)
            .select_for_update()
            .values_list("size", flat=True)
            .get(pk=self._log_id)
        )

    def append(self, start: int, leaves: Sequence[bytes], nodes: Sequence[StoredNode]) -> None:
        first = stored_node_count(start)
        leaf_hashes: list[bytes] = []
        upper: list[tuple[int, bytes]] = []
        for position, (level, index, value) in enumerate(nodes, start=first):
            if node_position(level, index) != position:
                raise StoreError(ERR_POST_ORDER)
            if level == 0:
                leaf_hashes.append(value)
            else:
                upper.append((position, value))
        with transaction.atomic(using=self._using):
            # The lock on the log's row serialises appenders; the size read under it is current.
            check_append(start, self.lock(), leaves, nodes)
            if len(leaf_hashes) != len(leaves):
                raise StoreError(ERR_POST_ORDER)
            log = self._log_id
            self._insert(
                _LEAF_TABLE,
                ("log_id", "idx", "data", "hash"),
                [
                    (log, start + offset, bytes(data), value)
                    for offset, (data, value) in enumerate(zip(leaves, leaf_hashes, strict=True))
                ],
            )
            self._insert(
                _NODE_TABLE, ("log_id", "pos", "hash"), [(log, pos, value) for pos, value in upper]
            )
            updated = (
                LedgerLog.objects.using(self._using)
                .filter(pk=self._log_id, size=start)
                .update(size=start + len(leaves))
            )
            if updated != 1:  # pragma: no cover - the row lock makes this impossible
                raise ConcurrentAppendError("the ledger moved on during the append")

    def _insert(self, table: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
        insert_rows(table, columns, rows, using=self._using)

    def read_leaves(self, start: int, stop: int) -> list[bytes]:
        check_range(start, stop, self.size())
        rows = (
            LedgerLeaf.objects.using(self._using)
            .filter(log_id=self._log_id, idx__gte=start, idx__lt=stop)
            .order_by("idx")
            .values_list("idx", "data")
        )
        leaves: list[bytes] = []
        for expected, (index, data) in enumerate(rows, start=start):
            if index != expected:
                raise CorruptStoreError(ERR_ENTRY_MISSING.format(index=expected), index=expected)
            leaves.append(bytes(data))
        if len(leaves) != stop - start:
            missing = start + len(leaves)
            raise CorruptStoreError(ERR_ENTRY_MISSING.format(index=missing), index=missing)
        return leaves

    def read_nodes(self, addresses: Sequence[NodeAddress]) -> list[bytes]:
        leaf_indexes = [index for level, index in addresses if level == 0]
        positions = [node_position(level, index) for level, index in addresses if level > 0]
        leaf_hashes = self._fetch(LedgerLeaf, "idx", leaf_indexes)
        node_hashes = self._fetch(LedgerNode, "pos", positions)
        result: list[bytes] = []
        for level, index in addresses:
            value = (
                leaf_hashes.get(index)
                if level == 0
                else node_hashes.get(node_position(level, index))
            )
            if value is None:
                raise CorruptStoreError(
                    ERR_NODE_MISSING.format(level=level, index=index),
                    index=max(index, 0) << max(level, 0),
                )
            result.append(value)
        return result

    def _fetch(
        self, model: type[LedgerLeaf] | type[LedgerNode], key: str, wanted: list[int]
    ) -> dict[int, bytes]:
        if not wanted:
            return {}
        rows = model.objects.using(self._using).filter(log_id=self._log_id)
        found: dict[int, bytes] = {}
        low, high = min(wanted), max(wanted)
        if high - low + 1 == len(wanted):  # a contiguous run (an export, a range of leaves)
            query = rows.filter(**{f"{key}__gte": low, f"{key}__lte": high})
            found.update((int(k), bytes(v)) for k, v in query.values_list(key, "hash"))
            return found
        unique = sorted(set(wanted))
        for chunk in range(0, len(unique), _IN_CHUNK):
            part = unique[chunk : chunk + _IN_CHUNK]
            query = rows.filter(**{f"{key}__in": part})
            found.update((int(k), bytes(v)) for k, v in query.values_list(key, "hash"))
        return found

    def checkpoints(self) -> list[str]:
        return list(
            LedgerCheckpoint.objects.using(self._using)
            .filter(log_id=self._log_id)
            .order_by("id")
            .values_list("note", flat=True)
        )

    def latest_checkpoint(self) -> str | None:
        return (
            LedgerCheckpoint.objects.using(self._using)
            .filter(log_id=self._log_id)
            .order_by("-id")
            .values_list("note", flat=True)
            .first()
        )

    def add_checkpoint(self, size: int, note: str) -> None:
        with transaction.atomic(using=self._using):
            self.lock()
            latest = (
                LedgerCheckpoint.objects.using(self._using)
                .filter(log_id=self._log_id)
                .order_by("-id")
                .values_list("size", flat=True)
                .first()
            )
            check_checkpoint_size(size, latest)
            LedgerCheckpoint.objects.using(self._using).create(
                log_id=self._log_id, size=size, note=note
            )

    def close(self) -> None:
        """Nothing to release: the connection belongs to Django."""
