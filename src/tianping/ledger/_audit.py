"""Re-derive a whole ledger from its entries and compare with what is stored.

The audit trusts nothing stored but the entries' bytes and the signatures: it
recomputes every leaf hash and every perfect subtree's hash from the entries,
compares each with the stored one, and checks that every checkpoint's root is
the root of the re-derived tree at its size (so successive checkpoints are
consistent: they are tree heads of one append-only sequence). The first
difference is reported with the entry it affects.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tianping.ledger._checkpoint import Checkpoint, SignedCheckpoint, verify_checkpoint
from tianping.ledger._errors import (
    CheckpointError,
    CorruptStoreError,
    EmptyLedgerError,
    KeyFormatError,
    NoteError,
    StoreError,
    TamperError,
)
from tianping.ledger._hashing import leaf_hash, node_hash
from tianping.ledger._messages import (
    ERR_CHECKPOINT_BEYOND,
    ERR_CHECKPOINT_ORDER,
    ERR_CHECKPOINT_ORIGIN,
    ERR_CHECKPOINT_ROOT,
    ERR_CHECKPOINT_SIGNATURE,
    ERR_EMPTY_LEDGER,
    ERR_LEAF_HASH_MISMATCH,
    ERR_LEAF_UNREADABLE,
    ERR_NO_CHECKPOINTS,
    ERR_NODE_HASH_MISMATCH,
    ERR_UNSIGNED_TAIL,
    HINT_CHECKPOINT,
)
from tianping.ledger._note import VerifierKey
from tianping.ledger._store import LedgerStore
from tianping.ledger._tree import NodeAddress, fold

AUDIT_CHUNK = 4096
"""Entries read per round trip to the store."""

Progress = Callable[[int], None]
"""Called with the number of entries checked so far."""


@dataclass(frozen=True, slots=True)
class AuditReport:
    """What an audit established.

    Attributes
    ----------
    origin
        The log audited.
    size
        Entries re-derived.
    root_hash
        The root of the re-derived tree.
    checkpoints
        Signed checkpoints found to match the re-derived tree.
    latest
        The latest of them.
    key_pinned
        Whether their signatures were checked against a key the caller gave
        (``False``: against a key found in the evidence itself, which shows
        integrity but not who signed).
    """

    origin: str
    size: int
    root_hash: bytes
    checkpoints: int
    latest: Checkpoint
    key_pinned: bool


def read_checkpoint(note: str, *, number: int, key: VerifierKey | None, origin: str) -> Checkpoint:
    """Parse checkpoint ``number``, checking its signature when a key is given."""
    try:
        if key is not None:
            return verify_checkpoint(note, key, origin=origin)
        checkpoint = SignedCheckpoint.parse_unverified(note).checkpoint
        if checkpoint.origin != origin:
            raise CheckpointError(
                ERR_CHECKPOINT_ORIGIN.format(actual=checkpoint.origin, expected=origin)
            )
        return checkpoint
    except (NoteError, CheckpointError, KeyFormatError) as error:
        size = "?"
        with contextlib.suppress(NoteError, CheckpointError):
            size = str(SignedCheckpoint.parse_unverified(note).checkpoint.size)
        raise TamperError(
            ERR_CHECKPOINT_SIGNATURE.format(number=number, size=size, reason=error.message)
        ) from error


def completed_nodes(start: int, stop: int) -> list[NodeAddress]:
    """The nodes entries ``start..stop-1`` complete, in post-order."""
    addresses: list[NodeAddress] = []
    for index in range(start, stop):
        addresses.append((0, index))
        level, carry = 0, index
        while carry & 1:
            level += 1
            carry >>= 1
            addresses.append((level, carry))
    return addresses


def audit_store(
    store: LedgerStore,
    *,
    key: VerifierKey | str | None = None,
    allow_unsigned_tail: bool = False,
    progress: Progress | None = None,
) -> AuditReport:
    """Re-derive every hash of ``store`` from its entries and check its checkpoints.

    Parameters
    ----------
    store
        The ledger's store (opened read-only is enough).
    key
        The log's verifier key. Without it, signatures are not checked and the
        report says so (``key_pinned=False``).
    allow_unsigned_tail
        Accept entries after the last signed checkpoint. By default they are an
        error: nothing attests to them.
    progress
        Called with the number of entries checked so far.

    Raises
    ------
    TamperError
        At the first difference, with the entry it affects as ``index``.
    EmptyLedgerError
        If the ledger has no entries.
    """
    verifier = VerifierKey.parse(key) if isinstance(key, str) else key
    size = store.size()
    if size == 0:
        raise EmptyLedgerError(ERR_EMPTY_LEDGER)
    origin = store.origin
    notes = store.checkpoints()
    if not notes:
        raise TamperError(ERR_NO_CHECKPOINTS, index=0, hint=HINT_CHECKPOINT)
    checkpoints: list[Checkpoint] = []
    for number, note in enumerate(notes):
        checkpoint = read_checkpoint(note, number=number, key=verifier, origin=origin)
        if checkpoints and checkpoint.size < checkpoints[-1].size:
            raise TamperError(
                ERR_CHECKPOINT_ORDER.format(
                    number=number, size=checkpoint.size, previous=checkpoints[-1].size
                )
            )
        if checkpoint.size > size:
            raise TamperError(
                ERR_CHECKPOINT_BEYOND.format(number=number, size=checkpoint.size, total=size),
                index=size,
            )
        checkpoints.append(checkpoint)
    pending = deque(enumerate(checkpoints))
    attested = 0  # entries below this are covered by a checkpoint already matched
    frontier: list[bytes] = []
    for start in range(0, size, AUDIT_CHUNK):
        stop = min(size, start + AUDIT_CHUNK)
        addresses = completed_nodes(start, stop)
        try:
            leaves: list[bytes] | None = store.read_leaves(start, stop)
            stored: list[bytes] | None = store.read_nodes(addresses)
        except StoreError:
            # Something in this chunk is unreadable: go entry by entry to find it.
            leaves = stored = None
        position = 0
        for index in range(start, stop):
            data = leaves[index - start] if leaves is not None else _read_leaf(store, index)
            value = leaf_hash(data)
            if value != _stored(store, stored, addresses, position, index):
                raise TamperError(ERR_LEAF_HASH_MISMATCH.format(index=index), index=index)
            position += 1
            level, carry = 0, index
            while carry & 1:
                value = node_hash(frontier.pop(), value)
                level += 1
                carry >>= 1
                if value != _stored(store, stored, addresses, position, index):
                    first = carry << level
                    raise TamperError(
                        ERR_NODE_HASH_MISMATCH.format(
                            index=first,
                            level=level,
                            node_index=carry,
                            first=first,
                            last=first + (1 << level) - 1,
                        ),
                        index=first,
                    )
                position += 1
            frontier.append(value)
            attested = _match_checkpoints(pending, index + 1, frontier, attested)
        if progress is not None:
            progress(stop)
    if attested < size and not allow_unsigned_tail:
        raise TamperError(
            ERR_UNSIGNED_TAIL.format(first=attested, last=size - 1),
            index=attested,
            hint=HINT_CHECKPOINT,
        )
    return AuditReport(
        origin=origin,
        size=size,
        root_hash=fold(frontier),
        checkpoints=len(checkpoints),
        latest=checkpoints[-1],
        key_pinned=verifier is not None,
    )


def _unreadable(error: StoreError, index: int) -> TamperError:
    at = error.index if isinstance(error, CorruptStoreError) and error.index is not None else index
    return TamperError(ERR_LEAF_UNREADABLE.format(index=at, reason=error.message), index=at)


def _read_leaf(store: LedgerStore, index: int) -> bytes:
    try:
        return store.read_leaves(index, index + 1)[0]
    except StoreError as error:
        raise _unreadable(error, index) from error


def _stored(
    store: LedgerStore,
    stored: list[bytes] | None,
    addresses: Sequence[NodeAddress],
    position: int,
    index: int,
) -> bytes:
    """The stored hash of ``addresses[position]``, read alone when the chunk read failed."""
    if stored is not None:
        return stored[position]
    try:
        return store.read_nodes([addresses[position]])[0]
    except StoreError as error:
        raise _unreadable(error, index) from error


def _match_checkpoints(
    pending: deque[tuple[int, Checkpoint]], count: int, frontier: Sequence[bytes], attested: int
) -> int:
    """Check the checkpoints of tree size ``count``; return the entries attested so far."""
    while pending and pending[0][1].size == count:
        number, checkpoint = pending.popleft()
        if checkpoint.root_hash != fold(frontier):
            raise TamperError(
                ERR_CHECKPOINT_ROOT.format(
                    number=number, size=count, first=attested, last=count - 1
                ),
                index=attested,
            )
        attested = count
    return attested
