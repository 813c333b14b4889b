"""The platform's home folder (``TIANPING_HOME``): private to the account that runs it.

The home holds the embedded SQLite database (password hashes, token digests,
attachments), the generated secrets, uploaded predictions files and the e-mail
outbox. Its folders are made mode 0700 and its files 0600, whatever the umask:

- :func:`private_dir` creates a folder 0700 (and takes group and other
  permissions off an existing one the account owns);
- :func:`private_sqlite` creates the database file 0600 before SQLite opens it,
  so the ``-wal`` and ``-shm`` files SQLite makes next to it take the same mode,
  and takes group and other permissions off all of them; :func:`on_connection_created`
  runs it again each time Django opens an SQLite connection (the file may have been
  removed since the settings were read: ``tianping demo --reset``).

This module is imported by the settings: it must not import Django's models.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database (write-ahead log, shared memory, rollback journal)."""


def _owned(st: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or st.st_uid == os.getuid()


def _tighten(path: Path) -> None:
    """Take group and other permissions off ``path`` if it exists and this account owns it."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077 and _owned(st):
        path.chmod(mode & ~0o077)


def private_dir(path: Path | str) -> Path:
    """``path`` as a folder only its owner can enter (0700), created with its parents if missing."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    _tighten(folder)
    return folder


def sqlite_file(name: object) -> Path | None:
    """The database file an SQLite ``NAME`` setting names; ``None`` for in-memory databases."""
    text = str(name or "")
    if not text or text == ":memory:" or text.startswith("file:") or "mode=memory" in text:
        return None
    return Path(text)


def private_sqlite(name: object, *, create: bool = True) -> None:
    """Make the SQLite database ``name`` and its companion files readable by their owner only.

    With ``create``, a missing database file is created empty (a valid SQLite
    database) with mode 0600, so SQLite, which gives the ``-wal`` and ``-shm``
    files the database file's mode, never makes them readable by others.
    """
    path = sqlite_file(name)
    if path is None:
        return
    if create and not path.exists() and path.parent.is_dir():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in SQLITE_COMPANIONS)):
        _tighten(candidate)


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Django's ``connection_created`` signal: keep an SQLite database's files private."""
    if connection.vendor == "sqlite":
        private_sqlite(connection.settings_dict.get("NAME"), create=False)


__all__ = [
    "PRIVATE_DIR_MODE",
    "PRIVATE_FILE_MODE",
    "on_connection_created",
    "private_dir",
    "private_sqlite",
    "sqlite_file",
]
