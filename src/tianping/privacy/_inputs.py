"""What a scan reads: paths expanded into files, archives opened within limits, encodings told.

:func:`expand` turns the paths given (files, directories, ``-`` for standard
input) into :class:`Item` objects to scan, and :class:`SourceReport` records
for what is skipped, with a reason: a binary file, an unknown encoding, an
unreadable file, an archive that expands past its limits (a zip bomb: total
size, ratio of expanded to compressed size, member count, nesting depth).
Nothing here raises for one bad file; the scan goes on.

Encodings: a byte-order mark (UTF-8, UTF-16, UTF-32) decides; otherwise the
first 64 KiB must decode as UTF-8, else as GB18030 (a superset of GBK and
GB2312); a NUL byte or many control characters mark a binary file.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import stat
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, Any, Literal

from tianping.privacy._tables import TableFormat, table_format

Kind = Literal["text", "table", "archive"]
Status = Literal["scanned", "skipped"]

SNIFF_BYTES = 64 << 10
"""How much of a text file :func:`sniff_encoding` is given to tell its encoding."""
_READ_PIECE = 1 << 20
_ARCHIVE_SUFFIXES = (".zip", ".gz", ".gzip", ".tgz", ".tar")
_BINARY_MAGIC = (
    b"\x89PNG",
    b"%PDF",
    b"\x7fELF",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"SQLite format 3",
    b"PAR1",
    b"MZ",
    b"\xca\xfe\xba\xbe",
    b"OggS",
    b"ID3",
    b"RIFF",
)
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
_KEEP_CONTROL = bytes(b for b in range(256) if bytes([b]) not in _CONTROL)


@dataclass(frozen=True)
class ScanLimits:
    """Limits that keep a scan safe on hostile input.

    Attributes
    ----------
    max_file_bytes
        Larger files are skipped (``too_large``).
    max_memory_bytes
        The most held in memory for one archive member, ``.gz`` content or stdin.
    max_archive_bytes
        The most one archive (with everything nested in it) may expand to.
    max_ratio
        The most a member may expand relative to its compressed size (members
        under 1 MiB are exempt: small files compress well legitimately).
    max_members
        The most members one archive may have.
    max_depth
        How deep archives may nest (an archive in an archive is depth 2).
    chunk_bytes
        Text files larger than this are scanned in chunks (split at line ends),
        in parallel when there are several workers.
    """

    max_file_bytes: int = 64 << 30
    max_memory_bytes: int = 256 << 20
    max_archive_bytes: int = 1 << 30
    max_ratio: float = 200.0
    max_members: int = 10_000
    max_depth: int = 3
    chunk_bytes: int = 8 << 20

    def __post_init__(self) -> None:
        if min(self.max_file_bytes, self.max_memory_bytes, self.max_archive_bytes) <= 0:
            raise ValueError("size limits must be positive")
        if self.max_ratio < 1 or self.max_members < 1 or self.max_depth < 1:
            raise ValueError("max_ratio, max_members and max_depth must be at least 1")
        if self.chunk_bytes < 4096:
            raise ValueError("chunk_bytes must be at least 4096")


@dataclass
class SourceReport:
    """What happened to one file, archive or archive member.

    ``status`` is ``scanned`` or ``skipped``; ``reason`` the skip code
    (:data:`~tianping.privacy._messages.SKIP_REASONS`), ``detail`` its specifics.
    """

    path: str
    kind: Kind | None
    format: str | None
    status: Status
    bytes: int = 0
    encoding: str | None = None
    reason: str | None = None
    detail: str | None = None
    findings: int = 0
    rows: int | None = None
    bad_rows: int = 0
    replaced: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "format": self.format,
            "status": self.status,
            "bytes": self.bytes,
            "encoding": self.encoding,
            "reason": self.reason,
            "detail": self.detail,
            "findings": self.findings,
            "rows": self.rows,
            "bad_rows": self.bad_rows,
            "replaced": self.replaced,
        }


@dataclass
class Item:
    """A file to scan: on disk (``file``) or in memory (``data``), as text or as a table."""

    path: str
    kind: Literal["text", "table"]
    format: str
    size: int
    encoding: str
    file: str | None = None
    data: bytes | None = None


@dataclass
class _Budget:
    remaining: int
    members: int = 0
    notes: list[SourceReport] = field(default_factory=list)


# --- encodings -----------------------------------------------------------------------------------


def sniff_encoding(head: bytes, *, complete: bool) -> tuple[str | None, str | None]:
    """``(encoding, None)`` for text, or ``(None, reason)``: ``binary`` or ``undecodable``.

    ``head`` is the start of the content; ``complete`` says it is all of it (a
    multi-byte character cut at the end of a partial head is allowed).

    >>> sniff_encoding("身份证".encode("gbk"), complete=True)
    ('gb18030', None)
    >>> sniff_encoding(b"\\x00\\x01\\x02", complete=True)
    (None, 'binary')
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", None
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32", None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", None
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        return None, "binary"
    controls = len(head) - len(head.translate(None, _CONTROL))
    if head and controls > max(8, len(head) // 50):
        return None, "binary"
    utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=complete)
    broken = utf8.count("\ufffd")
    if broken == 0 or broken <= max(1, len(head) // 2000):
        return "utf-8", None  # UTF-8, perhaps with a few broken bytes (replaced when decoded)
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=complete)
    except UnicodeDecodeError:
        pass
    else:
        return "gb18030", None
    if broken <= max(4, len(head) // 100):
        return "utf-8", None  # neither decodes cleanly, but this is UTF-8 with a few bad bytes
    return None, "undecodable"


def decode(data: bytes, encoding: str) -> tuple[str, bool]:
    """``data`` decoded, and whether undecodable bytes had to be replaced with U+FFFD."""
    try:
        return data.decode(encoding), False
    except UnicodeDecodeError:
        return data.decode(encoding, "replace"), True


# --- chunks of large text files ------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """Bytes ``[start, end)`` of a text file, read with ``pre`` / ``post`` bytes of overlap.

    The overlap is non-zero only where a chunk boundary falls inside a line longer
    than the chunk size; findings are kept by the chunk in which they start.
    """

    start: int
    end: int
    pre: int = 0
    post: int = 0


OVERLAP_BYTES = 4096
"""Bytes read past a boundary inside a line: more than any pattern plus its context."""
_GB_SAFE = re.compile(rb"[\x00-\x2f]")


def _safe_cut(buf: bytes, encoding: str) -> int | None:
    """An offset in ``buf`` where a chunk may end: after a newline, else on a character boundary."""
    newline = buf.find(b"\n")
    if newline >= 0:
        return newline + 1
    if encoding.startswith("utf-8"):
        j = 0
        while j < len(buf) and (buf[j] & 0xC0) == 0x80:
            j += 1
        return j if j < len(buf) else None
    m = _GB_SAFE.search(buf)  # GB18030 trail bytes are never below 0x30
    return m.end() if m else None


def plan_chunks(read_at: Any, size: int, encoding: str, chunk_bytes: int) -> list[Chunk]:
    """Split ``size`` bytes (read with ``read_at(offset, n)``) into chunks at safe points."""
    if size <= chunk_bytes or encoding.startswith(("utf-16", "utf-32")):
        return [Chunk(0, size)]
    chunks: list[Chunk] = []
    start, cut_inside = 0, False
    while start < size:
        target = start + chunk_bytes
        if target >= size:
            chunks.append(Chunk(start, size, OVERLAP_BYTES if cut_inside else 0, 0))
            break
        end, inside = None, False
        probe = target
        while probe < size and end is None:
            buf = read_at(probe, _READ_PIECE)
            cut = _safe_cut(buf, encoding)
            if cut is not None:
                end = probe + cut
                inside = buf[cut - 1 : cut] != b"\n"
            probe += len(buf) or _READ_PIECE
        end = size if end is None else end
        chunks.append(
            Chunk(start, end, OVERLAP_BYTES if cut_inside else 0, OVERLAP_BYTES if inside else 0)
        )
        start, cut_inside = end, inside
    return chunks


@dataclass(frozen=True)
class DecodedChunk:
    """A chunk's text with its overlap; ``[core_start, core_end)`` is the chunk's own part.

    ``utf8`` is the text's exact UTF-8 encoding when the bytes read were it (Hyperscan
    then scans them without re-encoding); ``replaced`` tells that undecodable bytes
    became U+FFFD.
    """

    text: str
    core_start: int
    core_end: int
    utf8: bytes | None
    replaced: bool


def _decode_part(data: bytes, encoding: str, *, final: bool) -> tuple[str, bool]:
    decoder = codecs.getincrementaldecoder(encoding)
    try:
        return decoder().decode(data, final=final), False
    except UnicodeDecodeError:
        return decoder(errors="replace").decode(data, final=final), True


def decode_chunk(item: Item, chunk: Chunk) -> DecodedChunk:
    """Read and decode ``chunk`` of ``item`` with its overlap, on character boundaries."""
    low = max(0, chunk.start - chunk.pre)
    high = min(item.size, chunk.end + chunk.post)
    if item.data is not None:
        data = item.data[low:high]
    else:
        assert item.file is not None
        with open(item.file, "rb") as handle:
            handle.seek(low)
            data = handle.read(high - low)
    encoding = item.encoding
    pre = chunk.start - low
    if pre:  # let the overlap start on a character boundary
        if encoding.startswith("utf-8"):
            skip = 0
            while skip < pre and (data[skip] & 0xC0) == 0x80:
                skip += 1
        else:
            m = _GB_SAFE.search(data, 0, pre)
            skip = m.end() if m else pre
        data, pre = data[skip:], pre - skip
    core = chunk.end - chunk.start
    if pre == 0 and len(data) == core:  # the common case: a chunk cut at line ends
        text, replaced = decode(data, encoding)
        utf8 = data if encoding == "utf-8" and not replaced else None
        return DecodedChunk(text, 0, len(text), utf8, replaced)
    head, r1 = _decode_part(data[:pre], encoding, final=True)
    body, r2 = _decode_part(data[pre : pre + core], encoding, final=True)
    tail, r3 = _decode_part(data[pre + core :], encoding, final=False)
    text = head + body + tail
    return DecodedChunk(text, len(head), len(head) + len(body), None, r1 or r2 or r3)


# --- expanding paths -----------------------------------------------------------------------------


def _kind_of(name: str) -> tuple[Literal["text", "table"], str]:
    fmt: TableFormat | None = table_format(name)
    return ("table", fmt) if fmt else ("text", "text")


def _is_archive(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(_ARCHIVE_SUFFIXES) and table_format(name) is None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _item_from_bytes(path: str, data: bytes) -> Item | SourceReport:
    kind, fmt = _kind_of(path)
    if fmt == "parquet":
        return Item(path=path, kind=kind, format=fmt, size=len(data), encoding="binary", data=data)
    encoding, reason = sniff_encoding(data[:SNIFF_BYTES], complete=len(data) <= SNIFF_BYTES)
    if encoding is None:
        return SourceReport(path, kind, fmt, "skipped", bytes=len(data), reason=reason)
    return Item(path=path, kind=kind, format=fmt, size=len(data), encoding=encoding, data=data)


def _read_capped(stream: IO[bytes], cap: int) -> bytes | None:
    """All of ``stream``, or ``None`` once more than ``cap`` bytes come out."""
    pieces: list[bytes] = []
    total = 0
    while True:
        piece = stream.read(min(_READ_PIECE, cap + 1 - total))
        if not piece:
            return b"".join(pieces)
        total += len(piece)
        if total > cap:
            return None
        pieces.append(piece)


def _member_cap(limits: ScanLimits, budget: _Budget, compressed: int) -> int:
    ratio_cap = max(int(limits.max_ratio * max(compressed, 1)), 1 << 20)
    return max(0, min(limits.max_memory_bytes, budget.remaining, ratio_cap))


def _expand_bytes(
    path: str, data: bytes, *, depth: int, limits: ScanLimits, budget: _Budget
) -> Iterator[Item | SourceReport]:
    if _is_archive(path):
        yield from _expand_archive(path, data, depth=depth + 1, limits=limits, budget=budget)
    else:
        yield _item_from_bytes(path, data)


def _expand_archive(
    path: str, source: str | bytes, *, depth: int, limits: ScanLimits, budget: _Budget
) -> Iterator[Item | SourceReport]:
    size = len(source) if isinstance(source, bytes) else os.path.getsize(source)
    if depth > limits.max_depth:
        yield SourceReport(path, "archive", None, "skipped", bytes=size, reason="archive_depth")
        return
    lowered = path.lower()
    opened: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        if lowered.endswith(".zip"):
            fmt = "zip"
            yield from _expand_zip(path, opened, depth=depth, limits=limits, budget=budget)
        elif lowered.endswith((".tgz", ".tar", ".tar.gz")):
            fmt = "tar"
            yield from _expand_tar(path, opened, size, depth=depth, limits=limits, budget=budget)
        else:
            fmt = "gzip"
            base = PurePath(path.rsplit("!", 1)[-1]).name
            inner = f"{path}!{base[: base.lower().rfind('.gz')]}"
            cap = _member_cap(limits, budget, size)
            with gzip.open(opened, "rb") as stream:
                data = _read_capped(stream, cap)
            if data is None:
                yield SourceReport(
                    path, "archive", fmt, "skipped", bytes=size, reason="archive_limit",
                    detail=f"expands past {cap} bytes",
                )  # fmt: skip
                return
            budget.remaining -= len(data)
            yield from _expand_bytes(inner, data, depth=depth, limits=limits, budget=budget)
    except (zipfile.BadZipFile, tarfile.TarError, gzip.BadGzipFile, zlib.error, EOFError) as exc:
        yield SourceReport(
            path, "archive", None, "skipped", bytes=size, reason="bad_archive",
            detail=_first_line(exc),
        )  # fmt: skip
        return
    except OSError as exc:
        yield SourceReport(
            path, "archive", None, "skipped", bytes=size, reason="unreadable",
            detail=_first_line(exc),
        )  # fmt: skip
        return
    yield SourceReport(path, "archive", fmt, "scanned", bytes=size)


def _expand_zip(
    path: str, opened: Any, *, depth: int, limits: ScanLimits, budget: _Budget
) -> Iterator[Item | SourceReport]:
    with zipfile.ZipFile(opened) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = f"{path}!{info.filename}"
            budget.members += 1
            if budget.members > limits.max_members:
                yield SourceReport(name, None, None, "skipped", reason="archive_members")
                return
            if info.flag_bits & 0x1:
                yield SourceReport(name, None, None, "skipped", reason="encrypted")
                continue
            cap = _member_cap(limits, budget, info.compress_size)
            if info.file_size > cap:
                yield SourceReport(
                    name, None, None, "skipped", bytes=info.file_size, reason="archive_limit",
                    detail=f"declares {info.file_size} bytes; the limit here is {cap}",
                )  # fmt: skip
                continue
            with archive.open(info) as stream:
                data = _read_capped(stream, cap)
            if data is None:
                yield SourceReport(
                    name, None, None, "skipped", reason="archive_limit",
                    detail=f"expands past {cap} bytes",
                )  # fmt: skip
                continue
            budget.remaining -= len(data)
            yield from _expand_bytes(name, data, depth=depth, limits=limits, budget=budget)


def _expand_tar(
    path: str, opened: Any, size: int, *, depth: int, limits: ScanLimits, budget: _Budget
) -> Iterator[Item | SourceReport]:
    kwargs: dict[str, Any] = (
        {"fileobj": opened} if not isinstance(opened, str) else {"name": opened}
    )
    with tarfile.open(mode="r|*", **kwargs) as archive:
        for member in archive:
            if not member.isfile():
                continue
            name = f"{path}!{member.name}"
            budget.members += 1
            if budget.members > limits.max_members:
                yield SourceReport(name, None, None, "skipped", reason="archive_members")
                return
            cap = _member_cap(limits, budget, size)
            if member.size > cap:
                yield SourceReport(
                    name, None, None, "skipped", bytes=member.size, reason="archive_limit",
                    detail=f"{member.size} bytes; the limit here is {cap}",
                )  # fmt: skip
                continue
            stream = archive.extractfile(member)
            if stream is None:
                continue
            data = _read_capped(stream, cap)
            if data is None:
                yield SourceReport(name, None, None, "skipped", reason="archive_limit")
                continue
            budget.remaining -= len(data)
            yield from _expand_bytes(name, data, depth=depth, limits=limits, budget=budget)


def _expand_file(path: Path, limits: ScanLimits) -> Iterator[Item | SourceReport]:
    name = str(path)
    try:
        info = path.stat()
    except OSError as exc:
        yield SourceReport(
            name, None, None, "skipped", reason="unreadable", detail=_first_line(exc)
        )
        return
    if not stat.S_ISREG(info.st_mode):
        yield SourceReport(name, None, None, "skipped", reason="not_a_file")
        return
    if info.st_size > limits.max_file_bytes:
        yield SourceReport(name, None, None, "skipped", bytes=info.st_size, reason="too_large")
        return
    if _is_archive(name):
        budget = _Budget(remaining=limits.max_archive_bytes)
        yield from _expand_archive(name, name, depth=1, limits=limits, budget=budget)
        return
    kind, fmt = _kind_of(name)
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        yield SourceReport(
            name, kind, fmt, "skipped", bytes=info.st_size, reason="unreadable",
            detail=_first_line(exc),
        )  # fmt: skip
        return
    if fmt == "parquet":
        yield Item(name, kind, fmt, info.st_size, "binary", file=name)
        return
    encoding, reason = sniff_encoding(head, complete=info.st_size <= SNIFF_BYTES)
    if encoding is None:
        yield SourceReport(name, kind, fmt, "skipped", bytes=info.st_size, reason=reason)
        return
    yield Item(name, kind, fmt, info.st_size, encoding, file=name)


def _expand_stdin(limits: ScanLimits, stdin: IO[bytes] | None) -> Iterator[Item | SourceReport]:
    stream = stdin if stdin is not None else sys.stdin.buffer
    data = _read_capped(stream, limits.max_memory_bytes)
    if data is None:
        yield SourceReport("-", "text", "text", "skipped", reason="too_large")
        return
    item = _item_from_bytes("-", data)
    yield item


def expand(
    paths: Sequence[str | os.PathLike[str]],
    *,
    limits: ScanLimits | None = None,
    stdin: IO[bytes] | None = None,
) -> Iterator[Item | SourceReport]:
    """Files to scan from ``paths`` (directories walked in name order, ``-`` is stdin).

    Yields an :class:`Item` for each file to scan and a :class:`SourceReport` for
    each archive opened and each thing skipped (with its reason).
    """
    limits = limits or ScanLimits()
    for raw in paths:
        if str(raw) == "-":
            yield from _expand_stdin(limits, stdin)
            continue
        path = Path(raw)
        if path.is_dir():
            errors: list[OSError] = []
            for root, dirs, files in os.walk(path, onerror=errors.append):
                dirs.sort()
                for name in sorted(files):
                    yield from _expand_file(Path(root) / name, limits)
            for error in errors:
                yield SourceReport(
                    str(error.filename or path), None, None, "skipped", reason="unreadable",
                    detail=_first_line(error),
                )  # fmt: skip
        elif path.exists() or path.is_symlink():
            yield from _expand_file(path, limits)
        else:
            yield SourceReport(str(path), None, None, "skipped", reason="unreadable",
                               detail="no such file or directory")  # fmt: skip


__all__ = [
    "OVERLAP_BYTES",
    "SNIFF_BYTES",
    "Chunk",
    "DecodedChunk",
    "Item",
    "ScanLimits",
    "SourceReport",
    "decode",
    "decode_chunk",
    "expand",
    "plan_chunks",
    "sniff_encoding",
]
