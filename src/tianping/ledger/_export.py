"""Export a ledger as one JSON Lines file, and verify an export trusting nothing.

The format (``tianping-ledger-export/1``, specified in docs/ledger.md so
anyone can write a verifier) is UTF-8 JSON Lines:

1. a header: ``{"format", "origin", "size", "vkey"?}``;
2. one line per entry, in order: ``{"index", "leaf", "leaf_hash"}`` -- ``leaf``
   is the entry's canonical JSON as a string, ``leaf_hash`` its RFC 6962 leaf
   hash in base64;
3. each signed checkpoint ``{"checkpoint": note}`` right after the entry that
   brings the tree to its size.

A verifier streams the file once, keeping only the tree's right edge
(⌈log2 n⌉ hashes): it recomputes each leaf hash, folds the tree, and checks
each checkpoint's signature and root where it appears.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tianping import jsonsafe
from tianping.jsonsafe import JSONLimitError
from tianping.ledger._audit import Progress, read_checkpoint
from tianping.ledger._checkpoint import Checkpoint, SignedCheckpoint
from tianping.ledger._errors import (
    CorruptStoreError,
    EmptyLedgerError,
    ExportError,
    KeyFormatError,
    LeafError,
    ProofError,
    TamperError,
)
from tianping.ledger._hashing import leaf_hash, node_hash
from tianping.ledger._jcs import is_canonical
from tianping.ledger._messages import (
    ERR_EMPTY_LEDGER,
    ERR_EXPORT_CHECKPOINT_POSITION,
    ERR_EXPORT_CHECKPOINT_ROOT,
    ERR_EXPORT_EXISTS,
    ERR_EXPORT_HEADER,
    ERR_EXPORT_INDEX,
    ERR_EXPORT_LEAF,
    ERR_EXPORT_LEAF_HASH,
    ERR_EXPORT_LINE,
    ERR_EXPORT_NO_KEY,
    ERR_EXPORT_READ,
    ERR_EXPORT_SIZE,
    ERR_EXPORT_UNKNOWN_LINE,
    ERR_NO_CHECKPOINTS,
    ERR_UNSIGNED_TAIL,
    HINT_CHECKPOINT,
    HINT_PIN_KEY,
)
from tianping.ledger._note import VerifierKey
from tianping.ledger._proofs import decode_hash, encode_hash
from tianping.ledger._store import LedgerStore
from tianping.ledger._tree import fold

EXPORT_FORMAT = "tianping-ledger-export/1"
"""The ``format`` of an export's header line."""

EXPORT_CHUNK = 4096


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What writing or verifying an export established.

    ``key_pinned`` is ``False`` when the signatures were checked against the
    key named in the export itself: the export is intact, but only a key
    obtained elsewhere shows who signed it.
    """

    origin: str
    size: int
    root_hash: bytes
    checkpoints: int
    latest: Checkpoint | None
    key_pinned: bool


def _line(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def export_store(
    store: LedgerStore,
    path: Path | str,
    *,
    vkey: VerifierKey | str | None = None,
    progress: Progress | None = None,
) -> ExportReport:
    """Write ``store`` to the new file ``path`` as a ledger export.

    The export is a faithful copy (entries with their *stored* leaf hashes,
    checkpoints as stored); it does not verify the store -- run
    :func:`verify_export` or :func:`audit_store` for that.

    Raises
    ------
    ExportError
        If ``path`` exists.
    EmptyLedgerError
        If the ledger has no entries.
    """
    path = Path(path)
    size = store.size()
    if size == 0:
        raise EmptyLedgerError(ERR_EMPTY_LEDGER)
    notes = store.checkpoints()
    checkpoints = [SignedCheckpoint.parse_unverified(note) for note in notes]
    header: dict[str, Any] = {"format": EXPORT_FORMAT, "origin": store.origin, "size": size}
    if vkey is not None:
        header["vkey"] = str(vkey)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise ExportError(ERR_EXPORT_EXISTS.format(path=path)) from None
    position = 0
    frontier: list[bytes] = []
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(_line(header))
            position = _write_checkpoints(out, checkpoints, position, 0)
            for start in range(0, size, EXPORT_CHUNK):
                stop = min(size, start + EXPORT_CHUNK)
                leaves = store.read_leaves(start, stop)
                hashes = store.read_nodes([(0, index) for index in range(start, stop)])
                for index, (data, value) in enumerate(zip(leaves, hashes, strict=True), start):
                    try:
                        text = data.decode("utf-8")
                    except UnicodeDecodeError:
                        raise CorruptStoreError(
                            f"entry {index} is not UTF-8 JSON", index=index
                        ) from None
                    out.write(
                        _line({"index": index, "leaf": text, "leaf_hash": encode_hash(value)})
                    )
                    _push(frontier, index, value)
                    position = _write_checkpoints(out, checkpoints, position, index + 1)
                if progress is not None:
                    progress(stop)
            for checkpoint in checkpoints[position:]:  # beyond the entries: keep them anyway
                out.write(_line({"checkpoint": checkpoint.note}))
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return ExportReport(
        origin=store.origin,
        size=size,
        root_hash=fold(frontier),
        checkpoints=len(checkpoints),
        latest=checkpoints[-1].checkpoint if checkpoints else None,
        key_pinned=False,
    )


def _write_checkpoints(
    out: Any, checkpoints: list[SignedCheckpoint], position: int, count: int
) -> int:
    while position < len(checkpoints) and checkpoints[position].checkpoint.size <= count:
        out.write(_line({"checkpoint": checkpoints[position].note}))
        position += 1
    return position


def _push(frontier: list[bytes], index: int, value: bytes) -> None:
    # RFC 6962 §2.1: entry `index` completes one subtree per trailing 1-bit.
    while index & 1:
        value = node_hash(frontier.pop(), value)
        index >>= 1
    frontier.append(value)


def _lines(path: Path) -> Iterator[tuple[int, Any]]:
    try:
        handle = path.open("rb")
    except OSError as error:
        raise ExportError(ERR_EXPORT_READ.format(path=path, reason=error.strerror)) from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.endswith(b"\n"):
                raise TamperError(
                    ERR_EXPORT_LINE.format(line=number, reason="the file ends mid-line"),
                    line=number,
                )
            try:
                yield number, jsonsafe.loads(raw.decode("utf-8"))
            except JSONLimitError as error:
                raise TamperError(
                    ERR_EXPORT_LINE.format(line=number, reason=error.message), line=number
                ) from None
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise TamperError(
                    ERR_EXPORT_LINE.format(line=number, reason="not a UTF-8 JSON line"),
                    line=number,
                ) from None


def verify_export(
    path: Path | str,
    *,
    key: VerifierKey | str | None = None,
    progress: Progress | None = None,
) -> ExportReport:
    """Verify an export from scratch: every hash, every signature, every checkpoint.

    Streams the file once. Every leaf hash is recomputed from the entry's bytes
    and compared with the recorded one; the tree is folded as entries come; each
    checkpoint must be signed by the key, sit right after the entry that brings
    the tree to its size, and carry the root of the re-derived tree there. So
    successive checkpoints are consistent: each is a tree head of the one
    sequence of entries. The last checkpoint must cover every entry.

    Parameters
    ----------
    path
        The export.
    key
        The log's verifier key, obtained independently. Without it, the key
        named in the export is used and the report says ``key_pinned=False``.

    Raises
    ------
    TamperError
        At the first bad line, with ``line`` and, where it concerns an entry,
        ``index``.
    ExportError
        If the file cannot be read or names no key and none was given.
    """
    path = Path(path)
    lines = _lines(path)
    try:
        number, header = next(lines)
    except StopIteration:
        raise ExportError(ERR_EXPORT_HEADER.format(reason="the file is empty")) from None
    if (
        not isinstance(header, dict)
        or header.get("format") != EXPORT_FORMAT
        or not isinstance(header.get("origin"), str)
        or isinstance(header.get("size"), bool)
        or not isinstance(header.get("size"), int)
    ):
        raise ExportError(
            ERR_EXPORT_HEADER.format(reason=f"expected format {EXPORT_FORMAT!r}, origin, size")
        )
    origin: str = header["origin"]
    verifier: VerifierKey
    pinned = key is not None
    try:
        if key is not None:
            verifier = VerifierKey.parse(key) if isinstance(key, str) else key
        elif isinstance(header.get("vkey"), str):
            verifier = VerifierKey.parse(header["vkey"])
        else:
            raise ExportError(ERR_EXPORT_NO_KEY, hint=HINT_PIN_KEY)
    except KeyFormatError as error:
        raise ExportError(ERR_EXPORT_HEADER.format(reason=error.message)) from error
    frontier: list[bytes] = []
    count = 0
    attested = 0
    checkpoints = 0
    latest: Checkpoint | None = None
    for number, record in lines:
        if isinstance(record, dict) and "index" in record:
            index = record.get("index")
            if index != count:
                raise TamperError(
                    ERR_EXPORT_INDEX.format(line=number, expected=count, actual=index),
                    index=count,
                    line=number,
                )
            text, recorded = record.get("leaf"), record.get("leaf_hash")
            try:
                if not isinstance(text, str):
                    raise LeafError("the leaf must be a string")
                data = text.encode("utf-8")
                value = decode_hash(recorded, "leaf hash")
            except (LeafError, ProofError, UnicodeEncodeError):
                raise TamperError(
                    ERR_EXPORT_LINE.format(line=number, reason="malformed entry"),
                    index=count,
                    line=number,
                ) from None
            if leaf_hash(data) != value:
                raise TamperError(
                    ERR_EXPORT_LEAF_HASH.format(line=number, index=count), index=count, line=number
                )
            if not (data.startswith(b"{") and is_canonical(data)):
                raise TamperError(
                    ERR_EXPORT_LEAF.format(line=number, index=count), index=count, line=number
                )
            _push(frontier, count, value)
            count += 1
            if progress is not None and count % EXPORT_CHUNK == 0:
                progress(count)
        elif isinstance(record, dict) and isinstance(record.get("checkpoint"), str):
            try:
                checkpoint = read_checkpoint(
                    record["checkpoint"], number=checkpoints, key=verifier, origin=origin
                )
            except TamperError as error:
                raise TamperError(
                    ERR_EXPORT_LINE.format(line=number, reason=error.message), line=number
                ) from error
            if checkpoint.size != count:
                raise TamperError(
                    ERR_EXPORT_CHECKPOINT_POSITION.format(
                        line=number, size=checkpoint.size, count=count
                    ),
                    index=min(count, checkpoint.size),
                    line=number,
                )
            if count == 0 or checkpoint.root_hash != fold(frontier):
                raise TamperError(
                    ERR_EXPORT_CHECKPOINT_ROOT.format(
                        line=number, size=count, first=attested, last=count - 1
                    ),
                    index=attested,
                    line=number,
                )
            attested = count
            checkpoints += 1
            latest = checkpoint
        else:
            raise TamperError(ERR_EXPORT_UNKNOWN_LINE.format(line=number), line=number)
    if progress is not None:
        progress(count)
    if count == 0:
        raise EmptyLedgerError(ERR_EMPTY_LEDGER)
    if count != header["size"]:
        raise TamperError(
            ERR_EXPORT_SIZE.format(expected=header["size"], actual=count),
            index=min(count, header["size"]),
        )
    if latest is None:
        raise TamperError(ERR_NO_CHECKPOINTS, index=0, hint=HINT_CHECKPOINT)
    if attested < count:
        raise TamperError(
            ERR_UNSIGNED_TAIL.format(first=attested, last=count - 1),
            index=attested,
            hint=HINT_CHECKPOINT,
        )
    return ExportReport(
        origin=origin,
        size=count,
        root_hash=fold(frontier),
        checkpoints=checkpoints,
        latest=latest,
        key_pinned=pinned,
    )
