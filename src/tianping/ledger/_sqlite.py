"""A ledger in one SQLite database (stdlib ``sqlite3``), with group commit.

WAL journal, ``synchronous=FULL`` (a commit is on disk when it returns), and
one ``BEGIN IMMEDIATE`` transaction per :meth:`SQLiteStore.append`: a batch
of entries costs one fsync, which is what makes thousands of durable appends
per second possible. Triggers refuse ``UPDATE`` and ``DELETE`` on every table,
so a bug cannot rewrite history; a person with the file can, and the audit
(:func:`~tianping.ledger.audit_store`) then finds the first changed entry.

Tables: ``meta(key, value)``, ``leaf(idx, data)``, ``node(pos, hash)`` with
``pos`` the node's post-order position (see
:func:`~tianping.ledger._tree.node_position`), ``checkpoint(seq, size, note)``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from tianping.ledger._errors import CorruptStoreError, StoreError
from tianping.ledger._messages import (
    ERR_STORE_CORRUPT,
    ERR_STORE_EXISTS,
    ERR_STORE_FORMAT,
    ERR_STORE_MISSING,
    ERR_STORE_NODE_MISSING,
    ERR_STORE_READONLY,
    HINT_AUDIT,
)
from tianping.ledger._store import (
    StoredNode,
    check_append,
    check_checkpoint_size,
    check_origin,
    check_range,
)
from tianping.ledger._tree import NodeAddress, node_position, stored_node_count

SQLITE_FORMAT = "tianping-ledger-sqlite/1"
"""The ``format`` row of the ``meta`` table."""

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE leaf (idx INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE node (pos INTEGER PRIMARY KEY, hash BLOB NOT NULL);
CREATE TABLE checkpoint (seq INTEGER PRIMARY KEY, size INTEGER NOT NULL, note TEXT NOT NULL);
"""
_APPEND_ONLY = """
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
"""
_BUSY_TIMEOUT_S = 30.0
_MAX_VARIABLES = 500


class SQLiteStore:
    """A ledger kept in an SQLite database file.

    Several processes may open the same file; appends are serialised by
    SQLite's write lock, and an append that lost the race is refused
    (:class:`~tianping.ledger.ConcurrentAppendError`), which
    :class:`~tianping.ledger.Ledger` retries on the new tree.
    """

    def __init__(self, path: Path, *, readonly: bool, create: bool, origin: str | None) -> None:
        self.path = path
        self.readonly = readonly
        if create:
            if path.exists() and path.stat().st_size:
                raise StoreError(ERR_STORE_EXISTS.format(path=path))
        elif not path.is_file():
            raise StoreError(ERR_STORE_MISSING.format(path=path, marker="database"))
        uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rwc'}"
        try:
            self._db = sqlite3.connect(
                uri,
                uri=True,
                isolation_level=None,
                timeout=_BUSY_TIMEOUT_S,
                check_same_thread=True,
            )
        except sqlite3.Error as error:
            raise StoreError(ERR_STORE_CORRUPT.format(path=path, reason=error)) from None
        try:
            if not readonly:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            if create:
                assert origin is not None
                self._create(origin)
            self._meta = self._read_meta()
        except sqlite3.Error as error:
            self._db.close()
            raise StoreError(ERR_STORE_CORRUPT.format(path=path, reason=error)) from None
        except BaseException:
            self._db.close()
            raise

    @classmethod
    def create(
        cls, path: Path | str, *, origin: str, metadata: Mapping[str, object] | None = None
    ) -> Self:
        """Create a ledger in the new database file ``path``."""
        check_origin(origin)
        store = cls(Path(path), readonly=False, create=True, origin=origin)
        if metadata:
            with store._transaction():
                store._db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [(str(key), str(value)) for key, value in metadata.items()],
                )
            store._meta = store._read_meta()
        return store

    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False) -> Self:
        """Open an existing ledger database."""
        return cls(Path(path), readonly=readonly, create=False, origin=None)

    def _create(self, origin: str) -> None:
        triggers = "".join(
            _APPEND_ONLY.format(table=table) for table in ("meta", "leaf", "node", "checkpoint")
        )
        self._db.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}{triggers}COMMIT;")
        with self._transaction():
            self._db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("format", SQLITE_FORMAT), ("origin", origin)],
            )

    def _read_meta(self) -> dict[str, str]:
        try:
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as error:
            raise StoreError(
                ERR_STORE_MISSING.format(path=self.path, marker="meta table")
            ) from error
        if meta.get("format") != SQLITE_FORMAT:
            raise StoreError(
                ERR_STORE_FORMAT.format(
                    path=self.path, actual=meta.get("format"), expected=SQLITE_FORMAT
                )
            )
        check_origin(meta.get("origin"))
        return meta

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def _corrupt(self, reason: str, *, index: int | None = None) -> CorruptStoreError:
        return CorruptStoreError(
            ERR_STORE_CORRUPT.format(path=self.path, reason=reason), index=index, hint=HINT_AUDIT
        )

    # --- the protocol ----------------------------------------------------------------------

    @property
    def origin(self) -> str:
        return self._meta["origin"]

    @property
    def metadata(self) -> Mapping[str, Any]:
        """The ``meta`` table: the format, the origin and what the creator added."""
        return dict(self._meta)

    def size(self) -> int:
        (last,) = self._db.execute("SELECT MAX(idx) FROM leaf").fetchone()
        return 0 if last is None else int(last) + 1

    def append(self, start: int, leaves: Sequence[bytes], nodes: Sequence[StoredNode]) -> None:
        if self.readonly:
            raise StoreError(ERR_STORE_READONLY.format(path=self.path))
        first = stored_node_count(start)
        rows = []
        for position, (level, index, value) in enumerate(nodes, start=first):
            if node_position(level, index) != position:
                raise StoreError("nodes must come in post-order")
            rows.append((position, value))
        with self._transaction():
            # Inside BEGIN IMMEDIATE no other writer can append: check, then write.
            check_append(start, self.size(), leaves, nodes)
            self._db.executemany(
                "INSERT INTO leaf (idx, data) VALUES (?, ?)",
                zip(range(start, start + len(leaves)), leaves, strict=True),
            )
            self._db.executemany("INSERT INTO node (pos, hash) VALUES (?, ?)", rows)

    def read_leaves(self, start: int, stop: int) -> list[bytes]:
        check_range(start, stop, self.size())
        rows = self._db.execute(
            "SELECT idx, data FROM leaf WHERE idx >= ? AND idx < ? ORDER BY idx", (start, stop)
        ).fetchall()
        leaves: list[bytes] = []
        for expected, (index, data) in enumerate(rows, start=start):
            if index != expected:
                raise self._corrupt("an entry is missing", index=expected)
            leaves.append(bytes(data))
        if len(leaves) != stop - start:
            raise self._corrupt("an entry is missing", index=start + len(leaves))
        return leaves

    def read_nodes(self, addresses: Sequence[NodeAddress]) -> list[bytes]:
        positions = [node_position(level, index) for level, index in addresses]
        found: dict[int, bytes] = {}
        first = positions[0] if positions else 0
        if positions == list(range(first, first + len(positions))):
            rows = self._db.execute(
                "SELECT pos, hash FROM node WHERE pos >= ? AND pos < ?",
                (first, first + len(positions)),
            ).fetchall()
            found.update((int(pos), bytes(value)) for pos, value in rows)
        else:
            unique = sorted(set(positions))
            for chunk in range(0, len(unique), _MAX_VARIABLES):
                part = unique[chunk : chunk + _MAX_VARIABLES]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT pos, hash FROM node WHERE pos IN ({marks})",  # noqa: S608 - only ?s
                    part,
                ).fetchall()
                found.update((int(pos), bytes(value)) for pos, value in rows)
        result: list[bytes] = []
        for (level, index), position in zip(addresses, positions, strict=True):
            value = found.get(position)
            if value is None:
                raise CorruptStoreError(
                    ERR_STORE_NODE_MISSING.format(level=level, index=index),
                    index=max(index, 0) << max(level, 0),
                )
            result.append(value)
        return result

    def checkpoints(self) -> list[str]:
        rows = self._db.execute("SELECT note FROM checkpoint ORDER BY seq").fetchall()
        return [str(note) for (note,) in rows]

    def latest_checkpoint(self) -> str | None:
        row = self._db.execute("SELECT note FROM checkpoint ORDER BY seq DESC LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def add_checkpoint(self, size: int, note: str) -> None:
        if self.readonly:
            raise StoreError(ERR_STORE_READONLY.format(path=self.path))
        with self._transaction():
            row = self._db.execute(
                "SELECT size FROM checkpoint ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            check_checkpoint_size(size, None if row is None else int(row[0]))
            self._db.execute("INSERT INTO checkpoint (size, note) VALUES (?, ?)", (size, note))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._db.in_transaction:
            return
        if kind is None:
            self._db.execute("COMMIT")
        else:
            self._db.execute("ROLLBACK")
