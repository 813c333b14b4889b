"""The on-disk spool: records survive a crash or an outage, and every batch is sent once.

A spool folder holds

``spool.json``
    format, the client's random id, the system it spools for;
``records-<first seq>.log``
    segments of records, one line each: the canonical JSON the platform expects
    (``{"personal_fields": […], "record": {…}}``), appended with one ``write``
    per call and ``fsync``-ed before :meth:`Spool.append` returns (group commit:
    concurrent callers share one ``fsync``);
``journal.log``
    one line when a batch is formed (``open``: its idempotency key and record
    range), fsync-ed *before* the batch is first sent, and one when the
    platform acknowledged it (``ack``: the ledger indices);
``switch.json``
    the last runtime-switch state seen, for the fail-safe after a restart;
``dead-letter.jsonl``
    batches the platform refused for what they hold (HTTP 422, e.g. personal
    data outside the declared personal fields), one line each with the
    platform's reason and the records, mode 0600; the journal's ``dead`` line
    marks them settled, so they are never sent again and sending carries on.

Exactly once: a batch's range and key are on disk before any byte goes out,
so after a crash it is sent again with the same key and the same records; the
platform answers a repeated key with the original indices and appends nothing.
Records past the last formed batch simply form new batches. A last line cut by
a crash was never reported written to the caller: it is dropped on opening.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from tianping.sdk._errors import SpoolCorruptError, SpoolError
from tianping.sdk._messages import (
    ERR_SPOOL_FORMAT,
    ERR_SPOOL_GAP,
    ERR_SPOOL_JOURNAL,
    ERR_SPOOL_LINE,
    ERR_SPOOL_LOCKED,
    ERR_SPOOL_SYSTEM,
    HINT_SPOOL,
)

SPOOL_FORMAT = "tianping-spool/1"
SEGMENT_BYTES = 16 * 1024 * 1024
JOURNAL_COMPACT_BYTES = 1024 * 1024
DEAD_LETTER_FILE = "dead-letter.jsonl"
_SEGMENT_PREFIX = "records-"
_SEGMENT_SUFFIX = ".log"


@dataclass(frozen=True, slots=True)
class Batch:
    """Records ``first`` … ``last`` of the spool, sent under the idempotency ``key``."""

    key: str
    first: int
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True, slots=True)
class Ack:
    """A batch the platform committed: its records are ledger entries ``first_index`` …"""

    key: str
    first: int
    last: int
    first_index: int
    count: int
    origin: str

    def index_of(self, seq: int) -> int:
        """The ledger index of spooled record ``seq`` of this batch."""
        if not self.first <= seq <= self.last:
            raise ValueError(f"record {seq} is not in batch {self.key}")
        return self.first_index + (seq - self.first)


def _segment_name(first: int) -> str:
    return f"{_SEGMENT_PREFIX}{first:016d}{_SEGMENT_SUFFIX}"


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def read_journal(directory: Path | str) -> tuple[list[Ack], Batch | None]:
    """The acknowledged batches a spool's journal records, and the batch left open, if any."""
    acks, opened, _settled = _journal_state(directory)
    return acks, opened


def _journal_state(directory: Path | str) -> tuple[list[Ack], Batch | None, int]:
    """Acknowledged batches, the open batch, and the last record settled (acked or dead)."""
    path = Path(directory) / "journal.log"
    acks: list[Ack] = []
    opened: Batch | None = None
    settled = -1
    if not path.exists():
        return acks, opened, settled
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        last_line = number == len(lines)  # no newline after it: cut by a crash
        try:
            entry = json.loads(line)
            if "open" in entry:
                opened = Batch(key=entry["open"], first=entry["first"], last=entry["last"])
            elif "ack" in entry or "dead" in entry:
                key = entry["ack"] if "ack" in entry else entry["dead"]
                if "ack" in entry:
                    acks.append(
                        Ack(
                            key=key,
                            first=entry["first"],
                            last=entry["last"],
                            first_index=entry["first_index"],
                            count=entry["count"],
                            origin=entry.get("origin", ""),
                        )
                    )
                settled = max(settled, int(entry["last"]))
                if opened is not None and opened.key == key:
                    opened = None
            else:
                raise KeyError("open, ack or dead")
        except (ValueError, KeyError, TypeError) as error:
            if last_line:
                break
            raise SpoolCorruptError(
                ERR_SPOOL_JOURNAL.format(path=path, line=number, reason=error),
                path=str(path),
                hint=HINT_SPOOL,
            ) from None
    return acks, opened, settled


class Spool:
    """An append-only, crash-safe queue of decision records in one folder.

    Thread-safe. One :class:`Spool` (one process) per folder at a time: an
    exclusive lock on ``lock`` keeps a second client out.
    """

    def __init__(
        self,
        directory: Path | str,
        *,
        system_id: int,
        fsync: bool = True,
        segment_bytes: int = SEGMENT_BYTES,
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.fsync = fsync
        self.segment_bytes = segment_bytes
        self._lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._lock_fd = os.open(self.directory / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            raise SpoolError(ERR_SPOOL_LOCKED.format(path=self.directory)) from None
        try:
            self.client_id = self._read_meta(system_id)
            self._recover()
        except BaseException:
            self._release()
            raise

    # --- opening ------------------------------------------------------------------------------

    def _read_meta(self, system_id: int) -> str:
        path = self.directory / "spool.json"
        if not path.exists():
            client_id = secrets.token_hex(16)
            meta = {"format": SPOOL_FORMAT, "client": client_id, "system": system_id}
            _write_atomically(path, json.dumps(meta).encode("utf-8") + b"\n")
            return client_id
        try:
            meta = json.loads(path.read_bytes())
        except ValueError as error:
            raise SpoolError(ERR_SPOOL_FORMAT.format(path=path, reason=error)) from None
        if not isinstance(meta, dict) or meta.get("format") != SPOOL_FORMAT:
            raise SpoolError(ERR_SPOOL_FORMAT.format(path=path, reason="unknown format"))
        if meta.get("system") != system_id:
            raise SpoolError(
                ERR_SPOOL_SYSTEM.format(
                    path=self.directory, actual=meta.get("system"), expected=system_id
                )
            )
        return str(meta["client"])

    def _recover(self) -> None:
        acks, opened, settled = _journal_state(self.directory)
        self.acked = acks[-1] if acks else None
        self._acked_upto = settled
        self._open: Batch | None = opened
        self._open_lines: list[bytes] | None = None
        journal = self.directory / "journal.log"
        # Rewrite the journal if its last line was cut, so appends start on a fresh line.
        if journal.exists() and journal.stat().st_size and not journal.read_bytes().endswith(b"\n"):
            kept = journal.read_bytes().rsplit(b"\n", 1)[0]
            _write_atomically(journal, kept + b"\n" if kept else b"")
        self._journal_fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

        self._segments = sorted(
            int(p.name[len(_SEGMENT_PREFIX) : -len(_SEGMENT_SUFFIX)])
            for p in self.directory.glob(f"{_SEGMENT_PREFIX}*{_SEGMENT_SUFFIX}")
        )
        next_seq = self._acked_upto + 1
        expected: int | None = None
        for position, first in enumerate(self._segments):
            path = self.directory / _segment_name(first)
            if expected is not None and first != expected:
                raise SpoolCorruptError(
                    ERR_SPOOL_GAP.format(path=path, expected=expected, actual=first),
                    path=str(path),
                    hint=HINT_SPOOL,
                )
            count = self._check_segment(path, last=position == len(self._segments) - 1)
            expected = first + count
            next_seq = expected
        if self._segments and self._segments[0] > self._acked_upto + 1:
            path = self.directory / _segment_name(self._segments[0])
            raise SpoolCorruptError(
                ERR_SPOOL_GAP.format(
                    path=path, expected=self._acked_upto + 1, actual=self._segments[0]
                ),
                path=str(path),
                hint=HINT_SPOOL,
            )
        if next_seq < self._acked_upto + 1 or (opened is not None and opened.last >= next_seq):
            path = self.directory / "journal.log"
            raise SpoolCorruptError(
                ERR_SPOOL_GAP.format(path=path, expected=next_seq, actual=self._acked_upto + 1),
                path=str(path),
                hint=HINT_SPOOL,
            )
        self._next_seq = next_seq
        self._written = next_seq - 1
        self._synced = next_seq - 1
        self._fd: int | None = None
        self._fd_size = 0
        if self._segments:
            path = self.directory / _segment_name(self._segments[-1])
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            self._fd_size = os.fstat(self._fd).st_size
            os.fsync(self._fd)
        # The reader starts after the acknowledged records; an open batch is read back first.
        self._reader: BinaryIO | None = None
        self._reader_first = -1
        self._reader_seq = self._acked_upto + 1
        self._seek_reader(self._acked_upto + 1)
        if opened is not None:
            self._open_lines = self._read_lines(opened.count, None, opened.last)
            if len(self._open_lines) != opened.count:  # pragma: no cover - checked above
                raise SpoolCorruptError(
                    ERR_SPOOL_GAP.format(path=journal, expected=opened.first, actual=next_seq),
                    path=str(journal),
                    hint=HINT_SPOOL,
                )
        self._drop_acknowledged_segments()

    def _check_segment(self, path: Path, *, last: bool) -> int:
        """Count the complete lines of a segment; cut a torn last line of the last segment."""
        data = path.read_bytes()
        count = 0
        offset = 0
        while offset < len(data):
            end = data.find(b"\n", offset)
            line = data[offset:] if end < 0 else data[offset:end]
            try:
                parsed = json.loads(line)
                valid = end >= 0 and isinstance(parsed, dict) and "record" in parsed
            except ValueError:
                valid = False
            if not valid:
                if last and data.find(b"\n", offset) in (-1, len(data) - 1):
                    # The last line, cut by a crash: its write never returned, so nobody
                    # was told it was kept. Drop it.
                    with open(path, "r+b") as handle:
                        handle.truncate(offset)
                        os.fsync(handle.fileno())
                    return count
                raise SpoolCorruptError(
                    ERR_SPOOL_LINE.format(path=path, line=count + 1, reason="not a record"),
                    path=str(path),
                    hint=HINT_SPOOL,
                )
            count += 1
            offset = end + 1
        return count

    # --- writing ------------------------------------------------------------------------------

    def append(self, lines: list[bytes]) -> range:
        """Append ``lines`` (each one record's JSON, without newline) durably; return their seqs."""
        if not lines:
            return range(self._next_seq, self._next_seq)
        data = b"".join(line + b"\n" for line in lines)
        with self._lock:
            if self._fd is None or self._fd_size >= self.segment_bytes:
                self._rotate()
            assert self._fd is not None
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            self._fd_size += len(data)
            first = self._next_seq
            self._next_seq += len(lines)
            self._written = self._next_seq - 1
            last = self._written
        if self.fsync:
            self._sync(last)
        else:
            self._synced = max(self._synced, last)
        return range(first, last + 1)

    def _rotate(self) -> None:
        """Start a new segment (called with ``_lock`` held)."""
        with self._sync_lock:
            if self._fd is not None:
                os.fsync(self._fd)
                os.close(self._fd)
                self._synced = self._written
            path = self.directory / _segment_name(self._next_seq)
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
            self._fd_size = 0
            self._segments.append(self._next_seq)
            _fsync_dir(self.directory)

    def _sync(self, upto: int) -> None:
        with self._sync_lock:
            if self._synced >= upto:
                return  # another caller's fsync covered these records (group commit)
            target = self._written
            if self._fd is not None:
                os.fsync(self._fd)
            self._synced = max(self._synced, target)

    # --- reading and batching -----------------------------------------------------------------

    def _seek_reader(self, seq: int) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        candidates = [first for first in self._segments if first <= seq]
        if not candidates:
            self._reader_seq = seq
            return
        first = candidates[-1]
        self._reader = open(self.directory / _segment_name(first), "rb")  # noqa: SIM115
        self._reader_first = first
        for _skip in range(seq - first):
            if not self._reader.readline().endswith(b"\n"):  # pragma: no cover - checked on open
                raise SpoolCorruptError(
                    ERR_SPOOL_GAP.format(path=self.directory, expected=seq, actual=first),
                    path=str(self.directory),
                )
        self._reader_seq = seq

    def _read_lines(self, limit: int, max_bytes: int | None, last_seq: int) -> list[bytes]:
        out: list[bytes] = []
        size = 0
        while len(out) < limit and self._reader_seq <= last_seq:
            if self._reader is None:
                self._seek_reader(self._reader_seq)
                if self._reader is None:
                    break
            position = self._reader.tell()
            line = self._reader.readline()
            if line.endswith(b"\n"):
                if max_bytes is not None and out and size + len(line) > max_bytes:
                    self._reader.seek(position)
                    break
                out.append(line[:-1])
                size += len(line)
                self._reader_seq += 1
                continue
            self._reader.seek(position)
            if self._reader_first != self._reader_seq and self._reader_seq in self._segments:
                self._seek_reader(self._reader_seq)  # this segment is done: on to the next
                continue
            break
        return out

    def next_batch(self, *, max_records: int, max_bytes: int) -> tuple[Batch, list[bytes]] | None:
        """The batch to send: the open one again, or a new one of the records not yet batched.

        A new batch is written to the journal (and fsync-ed) before it is returned.
        """
        with self._lock:
            if self._open is not None and self._open_lines is not None:
                return self._open, self._open_lines
            first = self._reader_seq
            lines = self._read_lines(max_records, max_bytes, self._synced)
            if not lines:
                return None
            batch = Batch(key=f"{self.client_id}-{first}", first=first, last=first + len(lines) - 1)
            try:
                self._journal({"open": batch.key, "first": batch.first, "last": batch.last})
            except BaseException:
                self._seek_reader(first)
                raise
            self._open, self._open_lines = batch, lines
            return batch, lines

    def acknowledge(self, batch: Batch, *, first_index: int, count: int, origin: str) -> Ack:
        """Record that the platform committed ``batch``; drop what is no longer needed."""
        ack = Ack(
            key=batch.key,
            first=batch.first,
            last=batch.last,
            first_index=first_index,
            count=count,
            origin=origin,
        )
        with self._lock:
            self._journal(
                {
                    "ack": batch.key,
                    "first": batch.first,
                    "last": batch.last,
                    "first_index": first_index,
                    "count": count,
                    "origin": origin,
                }
            )
            self._acked_upto = batch.last
            self.acked = ack
            self._open = None
            self._open_lines = None
            self._drop_acknowledged_segments()
            self._compact_journal(ack)
        return ack

    def dead_letter(self, batch: Batch, lines: list[bytes], *, status: int, reason: str) -> None:
        """Set aside a batch the platform refused for its content; sending carries on.

        The batch and the platform's reason go to ``dead-letter.jsonl`` (0600,
        fsync-ed) before the journal marks it settled, so a crash in between
        sends it again rather than losing it.
        """
        with self._lock:
            header = json.dumps(
                {
                    "batch": batch.key,
                    "first": batch.first,
                    "last": batch.last,
                    "status": status,
                    "reason": reason[:2000],
                },
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode("utf-8")
            line = header[:-1] + b',"records":[' + b",".join(lines) + b"]}\n"
            path = self.directory / DEAD_LETTER_FILE
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(descriptor, line)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            self._journal({"dead": batch.key, "first": batch.first, "last": batch.last})
            self._acked_upto = batch.last
            self._open = None
            self._open_lines = None
            self._drop_acknowledged_segments()

    def _journal(self, entry: dict[str, Any]) -> None:
        os.write(self._journal_fd, json.dumps(entry, separators=(",", ":")).encode() + b"\n")
        os.fsync(self._journal_fd)

    def _compact_journal(self, ack: Ack) -> None:
        if os.fstat(self._journal_fd).st_size < JOURNAL_COMPACT_BYTES:
            return
        path = self.directory / "journal.log"
        entry = {
            "ack": ack.key,
            "first": ack.first,
            "last": ack.last,
            "first_index": ack.first_index,
            "count": ack.count,
            "origin": ack.origin,
        }
        _write_atomically(path, json.dumps(entry, separators=(",", ":")).encode() + b"\n")
        os.close(self._journal_fd)
        self._journal_fd = os.open(path, os.O_WRONLY | os.O_APPEND)

    def _drop_acknowledged_segments(self) -> None:
        while len(self._segments) > 1 and self._segments[1] - 1 <= self._acked_upto:
            first = self._segments.pop(0)
            with contextlib.suppress(FileNotFoundError):
                (self.directory / _segment_name(first)).unlink()

    # --- state ----------------------------------------------------------------------------------

    @property
    def written(self) -> int:
        """The seq of the last record appended (-1 if none)."""
        return self._written

    @property
    def acknowledged(self) -> int:
        """The seq of the last record the platform acknowledged (-1 if none)."""
        return self._acked_upto

    def unbatched(self) -> int:
        """Records on disk that no batch holds yet."""
        return max(0, self._synced - self._reader_seq + 1)

    def has_open_batch(self) -> bool:
        """Whether a batch was formed and is not acknowledged yet (it is sent again first)."""
        return self._open is not None

    def pending(self) -> int:
        """How many appended records the platform has not acknowledged yet."""
        return self._written - self._acked_upto

    def close(self) -> None:
        """Close files and release the folder's lock."""
        with self._lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
            for descriptor in (self._fd, self._journal_fd):
                if descriptor is not None:
                    with contextlib.suppress(OSError):
                        os.close(descriptor)
            self._fd = None
            self._release()

    def _release(self) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
