"""The ledger: an append-only Merkle log of canonical JSON entries over a store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tianping.ledger._checkpoint import (
    Checkpoint,
    SignedCheckpoint,
    sign_checkpoint,
    verify_checkpoint,
)
from tianping.ledger._errors import (
    CheckpointError,
    ConcurrentAppendError,
    EmptyLedgerError,
    InconsistentCheckpointError,
    LeafError,
    NoteError,
    ProofError,
)
from tianping.ledger._hashing import EMPTY_ROOT, leaf_hash, node_hash
from tianping.ledger._jcs import is_canonical
from tianping.ledger._messages import (
    ERR_CHECKPOINT_EMPTY,
    ERR_CHECKPOINT_INCONSISTENT,
    ERR_CHECKPOINT_KEY,
    ERR_CHECKPOINT_NOT_FOUND,
    ERR_CHECKPOINT_ORIGIN,
    ERR_CHECKPOINT_ROLLBACK,
    ERR_INDEX_RANGE,
    ERR_LEAF_NOT_CANONICAL,
    ERR_LEAF_TOO_LARGE,
    ERR_NO_CHECKPOINT,
    ERR_SIZE_RANGE,
    ERR_SIZES_ORDER,
    HINT_CHECKPOINT,
)
from tianping.ledger._note import NoteSigner, VerifierKey
from tianping.ledger._proofs import ConsistencyProof, InclusionProof
from tianping.ledger._receipt import Receipt
from tianping.ledger._store import LedgerStore, StoredNode
from tianping.ledger._tree import consistency_path, fold, inclusion_path, subtree_nodes, tree_hash

MAX_LEAF_BYTES = 1 << 24
"""The largest entry accepted: 16 MiB (a leaf is a record, not a document store)."""

_APPEND_ATTEMPTS = 3


def _check_leaf(data: object, index: int) -> bytes:
    """``data`` if it is the canonical JSON of an object (RFC 8785); else a LeafError."""
    if not isinstance(data, bytes | bytearray):
        raise LeafError(ERR_LEAF_NOT_CANONICAL.format(index=index))
    if len(data) > MAX_LEAF_BYTES:
        raise LeafError(
            ERR_LEAF_TOO_LARGE.format(index=index, length=len(data), limit=MAX_LEAF_BYTES)
        )
    raw = bytes(data)
    # A canonical object starts with '{' (no whitespace); then it must survive
    # parsing and re-canonicalising unchanged.
    if raw[:1] != b"{" or not is_canonical(raw):
        raise LeafError(ERR_LEAF_NOT_CANONICAL.format(index=index))
    return raw


class Ledger:
    """An append-only, tamper-evident log of entries, kept in a :class:`LedgerStore`.

    Entries are the canonical JSON of objects (:func:`make_leaf` builds them).
    The ledger hashes them into an RFC 6962 Merkle tree, gives inclusion and
    consistency proofs for any tree size, signs checkpoints -- never two that
    contradict each other -- and hands out offline receipts.

    One ``Ledger`` object is not thread-safe; stores guard against other
    writers (another process) by refusing an append that lost a race, which
    the ledger then retries on the new tree.

    Examples
    --------
    >>> from tianping.ledger import Ledger, MemoryStore, NoteSigner, make_leaf, verify_receipt
    >>> ledger = Ledger(MemoryStore("example.com/reviews"))
    >>> ledger.append_many(make_leaf({"case": n}) for n in range(3))
    range(0, 3)
    >>> signer = NoteSigner.generate("example.com/reviews")
    >>> ledger.sign_checkpoint(signer).checkpoint.size
    3
    >>> verify_receipt(ledger.receipt(1), signer.verifier).size
    3
    """

    def __init__(self, store: LedgerStore) -> None:
        self._store = store
        self._size = 0
        self._frontier: list[bytes] = []
        self.refresh()

    @property
    def store(self) -> LedgerStore:
        """The store that holds this ledger."""
        return self._store

    @property
    def origin(self) -> str:
        """The log's name: the first line of its checkpoints and its key's name."""
        return self._store.origin

    @property
    def size(self) -> int:
        """The number of entries, as of the last append or :meth:`refresh`."""
        return self._size

    def refresh(self) -> None:
        """Catch up with entries other writers appended to the store."""
        size = self._store.size()
        if size == self._size and size:
            return
        addresses = subtree_nodes(0, size) if size else []
        self._frontier = self._store.read_nodes(addresses) if addresses else []
        self._size = size

    # --- appending --------------------------------------------------------------------------

    def append(self, leaf: bytes) -> int:
        """Append one entry durably; return its index."""
        return self.append_many([leaf]).start

    def append_many(self, leaves: Iterable[bytes]) -> range:
        """Append entries in one durable commit (group commit); return their indexes.

        Raises
        ------
        LeafError
            If an entry is not the canonical JSON of an object; nothing is appended.
        """
        batch = list(leaves)
        for offset, data in enumerate(batch):
            _check_leaf(data, self._size + offset)
        if not batch:
            return range(self._size, self._size)
        for attempt in range(_APPEND_ATTEMPTS):
            start = self._size
            nodes, frontier = self._hash_batch(batch, start)
            try:
                self._store.append(start, batch, nodes)
            except ConcurrentAppendError:
                if attempt == _APPEND_ATTEMPTS - 1:
                    raise
                self._size = -1  # force a reload of the right edge
                self.refresh()
                continue
            self._size = start + len(batch)
            self._frontier = frontier
            return range(start, self._size)
        raise AssertionError("unreachable")  # pragma: no cover

    def _hash_batch(
        self, batch: Sequence[bytes], start: int
    ) -> tuple[list[StoredNode], list[bytes]]:
        # RFC 6962 §2.1: leaf i completes one subtree per trailing 1-bit of i;
        # each is the node hash of the frontier's last subtree and the new one.
        frontier = list(self._frontier)
        nodes: list[StoredNode] = []
        add, pop, push = nodes.append, frontier.pop, frontier.append
        index = start
        for data in batch:
            value = leaf_hash(data)
            add((0, index, value))
            level, carry = 0, index
            while carry & 1:
                value = node_hash(pop(), value)
                level += 1
                carry >>= 1
                add((level, carry, value))
            push(value)
            index += 1
        return nodes, frontier

    # --- reading and proving ----------------------------------------------------------------

    def leaf(self, index: int) -> bytes:
        """The bytes of entry ``index``."""
        self._check_index(index, self._size)
        return self._store.read_leaves(index, index + 1)[0]

    def leaf_hash(self, index: int) -> bytes:
        """The stored leaf hash of entry ``index``."""
        self._check_index(index, self._size)
        return self._store.read_nodes([(0, index)])[0]

    def tree_hash(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` entries (default: all), RFC 6962 §2.1."""
        size = self._check_size(size)
        if size == self._size:
            return fold(self._frontier) if size else EMPTY_ROOT
        return tree_hash(size, self._store.read_nodes)

    def inclusion_proof(self, index: int, *, size: int | None = None) -> InclusionProof:
        """The audit path of entry ``index`` in the tree of ``size`` entries (RFC 6962 §2.1.1)."""
        size = self._check_size(size)
        self._check_index(index, size)
        hashes = inclusion_path(index, size, self._store.read_nodes)
        return InclusionProof(index=index, tree_size=size, hashes=tuple(hashes))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> ConsistencyProof:
        """Proof that the tree of ``old_size`` is a prefix of that of ``new_size`` (§2.1.2)."""
        new_size = self._check_size(new_size)
        old_size = self._check_size(old_size)
        if old_size > new_size:
            raise ProofError(ERR_SIZES_ORDER.format(old_size=old_size, new_size=new_size))
        hashes = consistency_path(old_size, new_size, self._store.read_nodes)
        return ConsistencyProof(old_size=old_size, new_size=new_size, hashes=tuple(hashes))

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= self._size:
            raise ProofError(ERR_SIZE_RANGE.format(size=size, limit=self._size))
        return size

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < size:
            raise ProofError(ERR_INDEX_RANGE.format(index=index, size=size))

    # --- checkpoints and receipts ---------------------------------------------------------

    def checkpoints(self) -> list[SignedCheckpoint]:
        """Every signed checkpoint, oldest first (read as stored, not verified)."""
        return [SignedCheckpoint.parse_unverified(note) for note in self._store.checkpoints()]

    def latest_checkpoint(self) -> SignedCheckpoint | None:
        """The most recent signed checkpoint (read as stored, not verified)."""
        note = self._store.latest_checkpoint()
        return None if note is None else SignedCheckpoint.parse_unverified(note)

    def sign_checkpoint(
        self,
        signer: NoteSigner,
        *,
        extensions: Sequence[str] = (),
        earlier_keys: Sequence[VerifierKey] = (),
    ) -> SignedCheckpoint:
        """Sign and keep a checkpoint of the current tree -- if it extends the last one.

        Before signing, the ledger proves that the current tree is consistent
        with its last signed checkpoint (RFC 6962 §2.1.2) and verifies that
        proof; "a log MUST NOT sign any checkpoint which is inconsistent with
        any checkpoint it previously signed" (C2SP tlog-checkpoint,
        "Signatures"). If the tree has not grown, the last checkpoint is
        returned and nothing new is signed.

        After a key rotation, ``earlier_keys`` are the log's earlier verifier
        keys: the last checkpoint may verify with one of them instead of
        ``signer``'s, and the new checkpoint is signed by ``signer``.

        Raises
        ------
        EmptyLedgerError
            If there are no entries.
        InconsistentCheckpointError
            If the tree is smaller than, or not an extension of, the last signed
            checkpoint, or if that checkpoint does not verify with ``signer``'s key.
        """
        self.refresh()
        if signer.name != self.origin:
            raise CheckpointError(
                ERR_CHECKPOINT_ORIGIN.format(actual=signer.name, expected=self.origin)
            )
        size = self._size
        if size == 0:
            raise EmptyLedgerError(ERR_CHECKPOINT_EMPTY)
        root = self.tree_hash(size)
        extensions = tuple(extensions)
        note = self._store.latest_checkpoint()
        if note is not None:
            previous = self._verified_last(note, (signer.verifier, *earlier_keys))
            if previous.size > size:
                raise InconsistentCheckpointError(
                    ERR_CHECKPOINT_ROLLBACK.format(size=size, signed=previous.size)
                )
            try:
                self.consistency_proof(previous.size, size).verify(
                    old_root=previous.root_hash, new_root=root
                )
            except ProofError as error:
                raise InconsistentCheckpointError(
                    ERR_CHECKPOINT_INCONSISTENT.format(size=size, signed=previous.size)
                ) from error
            if previous.size == size and previous.extensions == extensions:
                return SignedCheckpoint(checkpoint=previous, note=note)
        checkpoint = Checkpoint(
            origin=self.origin, size=size, root_hash=root, extensions=extensions
        )
        signed = sign_checkpoint(checkpoint, signer)
        self._store.add_checkpoint(size, signed.note)
        return signed

    def _verified_last(self, note: str, keys: Sequence[VerifierKey]) -> Checkpoint:
        error: Exception | None = None
        for key in keys:
            try:
                return verify_checkpoint(note, key, origin=self.origin)
            except (NoteError, CheckpointError) as failed:
                error = failed
        raise InconsistentCheckpointError(ERR_CHECKPOINT_KEY) from error

    def receipt(self, index: int, *, size: int | None = None) -> Receipt:
        """An offline receipt for entry ``index``, anchored in a signed checkpoint.

        The checkpoint is the latest one, or the one of tree size ``size``.

        Raises
        ------
        CheckpointError
            If no signed checkpoint covers the entry (sign one first).
        """
        self.refresh()
        self._check_index(index, self._size)
        chosen: SignedCheckpoint | None = None
        if size is None:
            chosen = self.latest_checkpoint()
            if chosen is None or chosen.checkpoint.size <= index:
                raise CheckpointError(ERR_NO_CHECKPOINT.format(index=index), hint=HINT_CHECKPOINT)
        else:
            for candidate in reversed(self.checkpoints()):
                if candidate.checkpoint.size == size:
                    chosen = candidate
                    break
            if chosen is None:
                raise CheckpointError(ERR_CHECKPOINT_NOT_FOUND.format(size=size))
            self._check_index(index, size)
        proof = self.inclusion_proof(index, size=chosen.checkpoint.size)
        leaf = self.leaf(index)
        # Fail closed: never hand out a receipt whose path misses the signed root.
        proof.verify(leaf_hash=leaf_hash(leaf), root_hash=chosen.checkpoint.root_hash)
        return Receipt(leaf=leaf, proof=proof, checkpoint=chosen.note)
