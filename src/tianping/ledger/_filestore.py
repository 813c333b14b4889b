"""A ledger in a directory of append-only files, for the command line.

Files (all big-endian):

``ledger.json``
    The format, the origin and free metadata (written once, atomically).
``leaves.log``
    Each entry as a 4-byte length and its bytes.
``leaves.idx``
    Each entry's offset in ``leaves.log``, 8 bytes.
``hashes.bin``
    The perfect subtrees' hashes, 32 bytes each, in post-order (see
    :func:`~tianping.ledger._tree.node_position`): node ``(level, index)``
    sits at byte ``32 × node_position(level, index)``.
``checkpoints.log``
    Each signed checkpoint as a 4-byte length and its UTF-8 note.
``commits.log``
    One 72-byte record per commit: magic ``TPc1``, size, the committed
    lengths of ``leaves.log`` and ``checkpoints.log``, the offset of the
    latest checkpoint, the root hash, and a CRC-32 of the rest.

An append writes the data files, fsyncs them, then appends a commit record
and fsyncs it: a commit record exists only for data already on disk. On open,
bytes past the last valid commit are a torn (interrupted) write: they are
detected, reported in :attr:`FileStore.recovered` and truncated -- never
accepted. Committed bytes that are missing, or a commit record that is not the
last yet fails its CRC, are corruption: opening for writing refuses.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from tianping import jsonsafe
from tianping.ledger._checkpoint import SignedCheckpoint
from tianping.ledger._errors import CorruptStoreError, StoreError
from tianping.ledger._hashing import HASH_SIZE
from tianping.ledger._messages import (
    ERR_STORE_CORRUPT,
    ERR_STORE_EXISTS,
    ERR_STORE_FORMAT,
    ERR_STORE_LOCKED,
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
from tianping.ledger._tree import NodeAddress, node_position, stored_node_count, tree_hash

try:  # POSIX advisory locks keep a second writer out.
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

FILE_FORMAT = "tianping-ledger-files/1"
"""The ``format`` of ``ledger.json``."""

META_FILE = "ledger.json"
LEAVES_FILE = "leaves.log"
INDEX_FILE = "leaves.idx"
HASHES_FILE = "hashes.bin"
CHECKPOINTS_FILE = "checkpoints.log"
COMMITS_FILE = "commits.log"
LOCK_FILE = "lock"

_MAGIC = b"TPc1"
_COMMIT = struct.Struct(">4sQQQQ32s")
_CRC = struct.Struct(">I")
COMMIT_RECORD_SIZE = _COMMIT.size + _CRC.size  # 72
_LENGTH = struct.Struct(">I")
_OFFSET = struct.Struct(">Q")
_NO_CHECKPOINT = 2**64 - 1


@dataclass(frozen=True, slots=True)
class _Commit:
    size: int
    leaves_bytes: int
    checkpoints_bytes: int
    latest_checkpoint: int  # offset of the latest checkpoint record, or _NO_CHECKPOINT
    root: bytes

    def record(self) -> bytes:
        body = _COMMIT.pack(
            _MAGIC,
            self.size,
            self.leaves_bytes,
            self.checkpoints_bytes,
            self.latest_checkpoint,
            self.root,
        )
        return body + _CRC.pack(zlib.crc32(body))

    @classmethod
    def parse(cls, record: bytes) -> _Commit | None:
        body, crc = record[: _COMMIT.size], record[_COMMIT.size :]
        if len(record) != COMMIT_RECORD_SIZE or _CRC.unpack(crc)[0] != zlib.crc32(body):
            return None
        magic, size, leaves, checkpoints, latest, root = _COMMIT.unpack(body)
        if magic != _MAGIC:
            return None
        return cls(size, leaves, checkpoints, latest, root)


_EMPTY = _Commit(0, 0, 0, _NO_CHECKPOINT, bytes(HASH_SIZE))


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _sync(descriptor: int) -> None:
    # fdatasync suffices for data; file sizes are data for this purpose on Linux.
    (getattr(os, "fdatasync", None) or os.fsync)(descriptor)


def _sync_directory(path: Path) -> None:
    if os.name != "posix":  # pragma: no cover
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class FileStore:
    """A ledger kept in a directory of append-only files (see the module's docstring).

    Open with :meth:`create` or :meth:`open`; one writer at a time (an
    advisory lock), any number of read-only readers.
    """

    def __init__(self, path: Path, *, readonly: bool, _token: object = None) -> None:
        if _token is not _PRIVATE:
            raise TypeError("use FileStore.create() or FileStore.open()")
        self.path = path
        self.readonly = readonly
        self.recovered: tuple[str, ...] = ()
        self._fds: dict[str, int] = {}
        self._lock_fd: int | None = None
        self._meta: dict[str, Any] = {}
        self._commit = _EMPTY
        self._commits_bytes = 0
        self._latest_note: str | None = None
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    # --- creating and opening -------------------------------------------------------------

    @classmethod
    def create(
        cls, path: Path | str, *, origin: str, metadata: Mapping[str, object] | None = None
    ) -> Self:
        """Create an empty ledger in the new (or empty) directory ``path``."""
        path = Path(path)
        check_origin(origin)
        if (path / META_FILE).exists() or (path.exists() and any(path.iterdir())):
            raise StoreError(ERR_STORE_EXISTS.format(path=path))
        meta = {**dict(metadata or {}), "format": FILE_FORMAT, "origin": origin}
        try:
            path.mkdir(parents=False, exist_ok=True)
            for name in (LEAVES_FILE, INDEX_FILE, HASHES_FILE, CHECKPOINTS_FILE, COMMITS_FILE):
                os.close(os.open(path / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            temporary = path / (META_FILE + ".tmp")
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(meta, handle, ensure_ascii=False, indent=2, sort_keys=True)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path / META_FILE)
            _sync_directory(path)
        except OSError as error:
            raise StoreError(
                ERR_STORE_CORRUPT.format(path=path, reason=f"cannot create: {error.strerror}")
            ) from None
        return cls(path, readonly=False, _token=_PRIVATE)

    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False) -> Self:
        """Open an existing ledger; a writer recovers from a torn write first."""
        return cls(Path(path), readonly=readonly, _token=_PRIVATE)

    def _open(self) -> None:
        meta_path = self.path / META_FILE
        if not meta_path.is_file():
            raise StoreError(ERR_STORE_MISSING.format(path=self.path, marker=META_FILE))
        try:
            meta = jsonsafe.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise self._corrupt(f"{META_FILE} is unreadable ({error})") from None
        if not isinstance(meta, dict) or meta.get("format") != FILE_FORMAT:
            actual = meta.get("format") if isinstance(meta, dict) else None
            raise StoreError(
                ERR_STORE_FORMAT.format(path=self.path, actual=actual, expected=FILE_FORMAT)
            )
        check_origin(meta.get("origin"))
        self._meta = meta
        if not self.readonly:
            self._lock()
        flags = os.O_RDONLY if self.readonly else os.O_RDWR | os.O_APPEND
        for name in (LEAVES_FILE, INDEX_FILE, HASHES_FILE, CHECKPOINTS_FILE, COMMITS_FILE):
            try:
                self._fds[name] = os.open(self.path / name, flags)
            except FileNotFoundError:
                raise self._corrupt(f"{name} is missing") from None
        self._recover()

    def _lock(self) -> None:
        self._lock_fd = os.open(self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is None:  # pragma: no cover
            return
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(ERR_STORE_LOCKED.format(path=self.path)) from None

    def _corrupt(self, reason: str, *, index: int | None = None) -> CorruptStoreError:
        return CorruptStoreError(
            ERR_STORE_CORRUPT.format(path=self.path, reason=reason), index=index, hint=HINT_AUDIT
        )

    def _length(self, name: str) -> int:
        return os.fstat(self._fds[name]).st_size

    def _recover(self) -> None:
        """Find the last valid commit; drop (or, read-only, ignore) what follows it."""
        notes: list[str] = []
        commits = self._fds[COMMITS_FILE]
        full, partial = divmod(self._length(COMMITS_FILE), COMMIT_RECORD_SIZE)
        if partial:
            notes.append(f"{COMMITS_FILE}: dropped a torn commit record of {partial} bytes")
        commit = _EMPTY
        if full:
            last = _Commit.parse(
                os.pread(commits, COMMIT_RECORD_SIZE, (full - 1) * COMMIT_RECORD_SIZE)
            )
            if last is None:
                # Only the record being written when the process stopped may be bad;
                # a bad record followed by more bytes is damage, not a torn write.
                if partial:
                    raise self._corrupt(f"commit record {full - 1} is damaged")
                notes.append(f"{COMMITS_FILE}: dropped an incomplete commit record")
                full -= 1
                if full:
                    previous = _Commit.parse(
                        os.pread(commits, COMMIT_RECORD_SIZE, (full - 1) * COMMIT_RECORD_SIZE)
                    )
                    if previous is None:
                        raise self._corrupt(f"commit record {full - 1} is damaged")
                    commit = previous
            else:
                commit = last
        committed = {
            LEAVES_FILE: commit.leaves_bytes,
            INDEX_FILE: commit.size * _OFFSET.size,
            HASHES_FILE: stored_node_count(commit.size) * HASH_SIZE,
            CHECKPOINTS_FILE: commit.checkpoints_bytes,
            COMMITS_FILE: full * COMMIT_RECORD_SIZE,
        }
        for name, expected in committed.items():
            actual = self._length(name)
            if actual < expected:
                if self.readonly:
                    continue  # reads of the missing part fail, naming the entry
                raise self._corrupt(
                    f"{name} has {actual} bytes but {expected} were committed; "
                    "committed data was removed"
                )
            if actual > expected:
                if name != COMMITS_FILE:
                    notes.append(f"{name}: dropped {actual - expected} uncommitted bytes")
                if not self.readonly:
                    os.ftruncate(self._fds[name], expected)
                    _sync(self._fds[name])
        self._commit = commit
        self._commits_bytes = full * COMMIT_RECORD_SIZE
        self.recovered = tuple(notes)
        if not self.readonly:
            self._check_right_edge()
        self._latest_note = self._read_latest_note()

    def _check_right_edge(self) -> None:
        """Before writing on top of the tree, check its right edge against the last commit."""
        size = self._commit.size
        if size == 0:
            return
        if tree_hash(size, self.read_nodes) != self._commit.root:
            raise self._corrupt(f"{HASHES_FILE} does not match the root of the last commit")
        offset = self._read_offsets(size - 1, size)[0]
        (length,) = _LENGTH.unpack(self._pread(LEAVES_FILE, _LENGTH.size, offset, size - 1))
        if offset + _LENGTH.size + length != self._commit.leaves_bytes:
            raise self._corrupt(f"{LEAVES_FILE} and {INDEX_FILE} disagree", index=size - 1)

    def _read_latest_note(self) -> str | None:
        offset = self._commit.latest_checkpoint
        if offset == _NO_CHECKPOINT:
            return None
        records = self._read_checkpoint_records(offset, self._commit.checkpoints_bytes)
        return records[-1] if records else None

    # --- the protocol ----------------------------------------------------------------------

    @property
    def origin(self) -> str:
        return str(self._meta["origin"])

    @property
    def metadata(self) -> Mapping[str, Any]:
        """``ledger.json``: the format, the origin and what the creator added."""
        return dict(self._meta)

    def size(self) -> int:
        return self._commit.size

    def _pread(self, name: str, length: int, offset: int, index: int | None = None) -> bytes:
        data = os.pread(self._fds[name], length, offset)
        if len(data) != length:
            raise self._corrupt(f"{name} ends before committed data", index=index)
        return data

    def _read_offsets(self, start: int, stop: int) -> list[int]:
        raw = self._pread(INDEX_FILE, (stop - start) * _OFFSET.size, start * _OFFSET.size, start)
        return [value for (value,) in _OFFSET.iter_unpack(raw)]

    def read_leaves(self, start: int, stop: int) -> list[bytes]:
        check_range(start, stop, self._commit.size)
        if start == stop:
            return []
        offsets = self._read_offsets(start, stop)
        end = (
            self._read_offsets(stop, stop + 1)[0]
            if stop < self._commit.size
            else self._commit.leaves_bytes
        )
        if not offsets[0] <= end:
            raise self._corrupt(f"{INDEX_FILE} is out of order", index=start)
        blob = self._pread(LEAVES_FILE, end - offsets[0], offsets[0], start)
        leaves: list[bytes] = []
        base = offsets[0]
        for position, offset in enumerate(offsets):
            index = start + position
            following = offsets[position + 1] if position + 1 < len(offsets) else end
            at = offset - base
            if at < 0 or at + _LENGTH.size > len(blob):
                raise self._corrupt(f"{INDEX_FILE} points outside {LEAVES_FILE}", index=index)
            (length,) = _LENGTH.unpack_from(blob, at)
            if offset + _LENGTH.size + length != following:
                raise self._corrupt(
                    f"the record lengths in {LEAVES_FILE} disagree with {INDEX_FILE}", index=index
                )
            leaves.append(blob[at + _LENGTH.size : at + _LENGTH.size + length])
        return leaves

    def read_nodes(self, addresses: Sequence[NodeAddress]) -> list[bytes]:
        return self._read_nodes(addresses, self._commit.size)

    def _read_nodes(self, addresses: Sequence[NodeAddress], size: int) -> list[bytes]:
        count = stored_node_count(size)
        positions = [node_position(level, index) for level, index in addresses]
        for (level, index), position in zip(addresses, positions, strict=True):
            if index < 0 or level < 0 or not position < count:
                raise CorruptStoreError(
                    ERR_STORE_NODE_MISSING.format(level=level, index=index),
                    index=max(index, 0) << max(level, 0),
                )
        if not positions:
            return []
        first = positions[0]
        if positions == list(range(first, first + len(positions))):
            blob = self._pread(HASHES_FILE, HASH_SIZE * len(positions), HASH_SIZE * first)
            return [blob[i : i + HASH_SIZE] for i in range(0, len(blob), HASH_SIZE)]
        return [self._pread(HASHES_FILE, HASH_SIZE, HASH_SIZE * p) for p in positions]

    def append(self, start: int, leaves: Sequence[bytes], nodes: Sequence[StoredNode]) -> None:
        self._writable()
        check_append(start, self._commit.size, leaves, nodes)
        first = stored_node_count(start)
        leaf_chunks: list[bytes] = []
        offsets: list[bytes] = []
        offset = self._commit.leaves_bytes
        for data in leaves:
            if len(data) >= 2**32:
                raise StoreError("an entry of 4 GiB or more does not fit a length prefix")
            offsets.append(_OFFSET.pack(offset))
            leaf_chunks.append(_LENGTH.pack(len(data)))
            leaf_chunks.append(data)
            offset += _LENGTH.size + len(data)
        hashes: list[bytes] = []
        for position, (level, index, value) in enumerate(nodes, start=first):
            if node_position(level, index) != position or len(value) != HASH_SIZE:
                raise StoreError("nodes must be 32-byte hashes in post-order")
            hashes.append(value)
        size = start + len(leaves)
        try:
            _write_all(self._fds[LEAVES_FILE], b"".join(leaf_chunks))
            _write_all(self._fds[INDEX_FILE], b"".join(offsets))
            _write_all(self._fds[HASHES_FILE], b"".join(hashes))
            for name in (LEAVES_FILE, INDEX_FILE, HASHES_FILE):
                _sync(self._fds[name])
            commit = replace(
                self._commit,
                size=size,
                leaves_bytes=offset,
                # The root of the new tree, from the nodes just written, so that
                # opening can check the right edge against it.
                root=tree_hash(size, lambda addresses: self._read_nodes(addresses, size)),
            )
            self._write_commit(commit)
        except BaseException:
            self._roll_back()
            raise

    def _write_commit(self, commit: _Commit) -> None:
        _write_all(self._fds[COMMITS_FILE], commit.record())
        _sync(self._fds[COMMITS_FILE])
        self._commit = commit
        self._commits_bytes += COMMIT_RECORD_SIZE

    def _roll_back(self) -> None:
        """Cut every file back to the last commit after a failed write."""
        lengths = {
            LEAVES_FILE: self._commit.leaves_bytes,
            INDEX_FILE: self._commit.size * _OFFSET.size,
            HASHES_FILE: stored_node_count(self._commit.size) * HASH_SIZE,
            CHECKPOINTS_FILE: self._commit.checkpoints_bytes,
            COMMITS_FILE: self._commits_bytes,
        }
        for name, length in lengths.items():
            # If this fails too, the next open drops the uncommitted bytes.
            with contextlib.suppress(OSError):
                os.ftruncate(self._fds[name], length)

    def _writable(self) -> None:
        if self.readonly:
            raise StoreError(ERR_STORE_READONLY.format(path=self.path))

    def _read_checkpoint_records(self, start: int, stop: int) -> list[str]:
        blob = self._pread(CHECKPOINTS_FILE, stop - start, start)
        notes: list[str] = []
        at = 0
        while at < len(blob):
            if at + _LENGTH.size > len(blob):
                raise self._corrupt(f"{CHECKPOINTS_FILE} has a broken record")
            (length,) = _LENGTH.unpack_from(blob, at)
            record = blob[at + _LENGTH.size : at + _LENGTH.size + length]
            if len(record) != length:
                raise self._corrupt(f"{CHECKPOINTS_FILE} has a broken record")
            try:
                notes.append(record.decode("utf-8"))
            except UnicodeDecodeError:
                raise self._corrupt(f"{CHECKPOINTS_FILE} has a record that is not UTF-8") from None
            at += _LENGTH.size + length
        return notes

    def checkpoints(self) -> list[str]:
        return self._read_checkpoint_records(0, self._commit.checkpoints_bytes)

    def latest_checkpoint(self) -> str | None:
        return self._latest_note

    def add_checkpoint(self, size: int, note: str) -> None:
        self._writable()
        previous = self._latest_note
        latest_size = (
            None
            if previous is None
            else SignedCheckpoint.parse_unverified(previous).checkpoint.size
        )
        check_checkpoint_size(size, latest_size)
        raw = note.encode("utf-8")
        offset = self._commit.checkpoints_bytes
        try:
            _write_all(self._fds[CHECKPOINTS_FILE], _LENGTH.pack(len(raw)) + raw)
            _sync(self._fds[CHECKPOINTS_FILE])
            self._write_commit(
                replace(
                    self._commit,
                    checkpoints_bytes=offset + _LENGTH.size + len(raw),
                    latest_checkpoint=offset,
                )
            )
        except BaseException:
            self._roll_back()
            raise
        self._latest_note = note

    def close(self) -> None:
        for descriptor in self._fds.values():
            os.close(descriptor)
        self._fds.clear()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


_PRIVATE = object()
