"""Open or create a ledger store from a path: a directory or an SQLite file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tianping.ledger._filestore import FileStore
from tianping.ledger._sqlite import SQLiteStore

SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
"""Paths ending so hold an SQLite ledger; any other path is a directory of files."""

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _is_sqlite(path: Path) -> bool:
    if path.suffix.lower() in SQLITE_SUFFIXES:
        return True
    if path.is_file():
        with path.open("rb") as handle:
            return handle.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    return False


def create_store(
    path: Path | str, *, origin: str, metadata: Mapping[str, object] | None = None
) -> FileStore | SQLiteStore:
    """Create an empty ledger at ``path``: SQLite for ``*.sqlite``/``*.db``, else files."""
    path = Path(path)
    if _is_sqlite(path):
        return SQLiteStore.create(path, origin=origin, metadata=metadata)
    return FileStore.create(path, origin=origin, metadata=metadata)


def open_store(path: Path | str, *, readonly: bool = False) -> FileStore | SQLiteStore:
    """Open the ledger at ``path`` (a directory of files or an SQLite database)."""
    path = Path(path)
    if _is_sqlite(path):
        return SQLiteStore.open(path, readonly=readonly)
    return FileStore.open(path, readonly=readonly)
