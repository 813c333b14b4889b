"""Inclusion and consistency proofs, and their verifiers (RFC 9162 §2.1.3-2.1.4).

The verifiers follow RFC 9162's step-by-step algorithms, which check the
proof's length and shape as they go: a proof of the wrong length, for the
wrong index or size, or with any byte changed fails. Comparisons of the
computed and the expected root run in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

from tianping.ledger._errors import ProofError
from tianping.ledger._hashing import HASH_SIZE, node_hash
from tianping.ledger._messages import (
    ERR_CONSISTENCY_FAILED,
    ERR_HASH_LENGTH,
    ERR_INCLUSION_FAILED,
    ERR_INDEX_RANGE,
    ERR_PROOF_FORMAT,
    ERR_PROOF_TOO_LONG,
    ERR_SIZE_RANGE,
    ERR_SIZES_ORDER,
)

MAX_TREE_SIZE = 2**63 - 1
"""The largest tree size accepted (the checkpoint format's decimal, as a signed 64-bit)."""

MAX_INCLUSION_HASHES = 63
"""An audit path has at most ⌈log2 n⌉ hashes."""

MAX_CONSISTENCY_HASHES = 2 * 63
"""A consistency proof has at most about 2·log2 n hashes."""


def check_hash(value: object, what: str) -> bytes:
    """``value`` if it is a 32-byte hash; otherwise a :class:`ProofError`."""
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        length = len(value) if isinstance(value, bytes | bytearray) else type(value).__name__
        raise ProofError(ERR_HASH_LENGTH.format(what=what, size=HASH_SIZE, length=length))
    return value


def _check_size(size: object) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_TREE_SIZE:
        raise ProofError(ERR_SIZE_RANGE.format(size=size, limit=MAX_TREE_SIZE))
    return size


def encode_hash(value: bytes) -> str:
    """Standard base64 (RFC 4648 §4), as checkpoints and CT's JSON APIs write hashes."""
    return base64.b64encode(value).decode("ascii")


def decode_hash(text: object, what: str) -> bytes:
    """A hash from its base64; malformed text or a wrong length is a :class:`ProofError`."""
    if not isinstance(text, str):
        raise ProofError(ERR_PROOF_FORMAT.format(kind=what, reason="a hash must be base64 text"))
    try:
        value = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ProofError(ERR_PROOF_FORMAT.format(kind=what, reason="not base64")) from None
    return check_hash(value, what)


def root_from_inclusion_proof(
    *, leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes]
) -> bytes:
    """The root hash that an audit path leads to (RFC 9162 §2.1.3.2 steps 1-4).

    Raises
    ------
    ProofError
        If the index is outside the tree, or the path is too long or too short
        for it.
    """
    check_hash(leaf_hash, "the leaf hash")
    _check_size(tree_size)
    # Step 1: leaf_index must be < tree_size.
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < tree_size:
        raise ProofError(ERR_INDEX_RANGE.format(index=index, size=tree_size))
    if len(proof) > MAX_INCLUSION_HASHES:
        raise ProofError(
            ERR_PROOF_TOO_LONG.format(length=len(proof), size=tree_size, limit=MAX_INCLUSION_HASHES)
        )
    # Step 2: fn = leaf_index, sn = tree_size - 1. Step 3: r = hash.
    fn, sn, r = index, tree_size - 1, leaf_hash
    # Step 4: for each p in inclusion_path ...
    for p in proof:
        check_hash(p, "a proof hash")
        if sn == 0:  # 4a: more hashes than the tree is high
            raise ProofError(ERR_INCLUSION_FAILED.format(index=index, size=tree_size))
        if fn & 1 or fn == sn:  # 4b: p is a left sibling
            r = node_hash(p, r)
            if not fn & 1:  # the right edge: climb while fn is a left child
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:  # p is a right sibling
            r = node_hash(r, p)
        fn >>= 1  # 4c
        sn >>= 1
    # Step 5 (first half): sn must be 0, or the path was too short.
    if sn != 0:
        raise ProofError(ERR_INCLUSION_FAILED.format(index=index, size=tree_size))
    return r


def verify_inclusion(
    *,
    leaf_hash: bytes,
    index: int,
    tree_size: int,
    proof: Sequence[bytes],
    root_hash: bytes,
) -> None:
    """Check that ``leaf_hash`` is entry ``index`` of the tree with ``root_hash``.

    RFC 9162 §2.1.3.2, "Verifying an Inclusion Proof".

    Raises
    ------
    ProofError
        If it is not.

    Examples
    --------
    >>> from tianping.ledger import leaf_hash, node_hash
    >>> a, b = leaf_hash(b"a"), leaf_hash(b"b")
    >>> verify_inclusion(leaf_hash=a, index=0, tree_size=2, proof=[b], root_hash=node_hash(a, b))
    """
    check_hash(root_hash, "the root hash")
    computed = root_from_inclusion_proof(
        leaf_hash=leaf_hash, index=index, tree_size=tree_size, proof=proof
    )
    # Step 5 (second half): r must equal root_hash.
    if not hmac.compare_digest(computed, root_hash):
        raise ProofError(ERR_INCLUSION_FAILED.format(index=index, size=tree_size))


def verify_consistency(
    *,
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
) -> None:
    """Check that the tree of ``old_size`` is a prefix of the tree of ``new_size``.

    RFC 9162 §2.1.4.2, "Verifying Consistency between Two Tree Heads", for
    0 < old_size < new_size. For equal sizes the proof is empty and the roots
    must be equal; every tree extends the empty tree, with an empty proof.

    Raises
    ------
    ProofError
        If the proof does not show it.
    """
    check_hash(old_root, "the old root hash")
    check_hash(new_root, "the new root hash")
    _check_size(old_size)
    _check_size(new_size)
    if old_size > new_size:
        raise ProofError(ERR_SIZES_ORDER.format(old_size=old_size, new_size=new_size))
    if len(proof) > MAX_CONSISTENCY_HASHES:
        raise ProofError(
            ERR_PROOF_TOO_LONG.format(
                length=len(proof), size=new_size, limit=MAX_CONSISTENCY_HASHES
            )
        )
    failed = ProofError(ERR_CONSISTENCY_FAILED.format(old_size=old_size, new_size=new_size))
    for c in proof:
        check_hash(c, "a proof hash")
    if old_size == 0 or old_size == new_size:
        if proof or (old_size and not hmac.compare_digest(old_root, new_root)):
            raise failed
        return
    # Step 1: an empty consistency_path fails.
    if not proof:
        raise failed
    path = list(proof)
    # Step 2: if first is an exact power of 2, prepend first_hash.
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    # Step 3: fn = first - 1, sn = second - 1.
    fn, sn = old_size - 1, new_size - 1
    # Step 4: while LSB(fn) is set, right-shift fn and sn.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # Step 5: fr = sr = the first value of the path.
    fr = sr = path[0]
    # Step 6: for each subsequent value c ...
    for c in path[1:]:
        if sn == 0:  # 6a
            raise failed
        if fn & 1 or fn == sn:  # 6b
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1  # 6c
        sn >>= 1
    # Step 7: fr == first_hash, sr == second_hash and sn == 0.
    if not (sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)):
        raise failed


def _hash_list(value: object, kind: str) -> tuple[bytes, ...]:
    if not isinstance(value, list):
        raise ProofError(ERR_PROOF_FORMAT.format(kind=kind, reason="hashes must be a list"))
    return tuple(decode_hash(item, kind) for item in value)


def _int_field(data: Mapping[str, Any], key: str, kind: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProofError(ERR_PROOF_FORMAT.format(kind=kind, reason=f"{key} must be an integer"))
    return value


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """An audit path: entry ``index`` is in the tree of ``tree_size`` (RFC 6962 §2.1.1).

    ``hashes`` run from the leaf's sibling up to the root's child.
    """

    index: int
    tree_size: int
    hashes: tuple[bytes, ...]

    def __post_init__(self) -> None:
        _check_size(self.tree_size)
        index = self.index
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.tree_size:
            raise ProofError(ERR_INDEX_RANGE.format(index=index, size=self.tree_size))
        if len(self.hashes) > MAX_INCLUSION_HASHES:
            raise ProofError(
                ERR_PROOF_TOO_LONG.format(
                    length=len(self.hashes), size=self.tree_size, limit=MAX_INCLUSION_HASHES
                )
            )
        object.__setattr__(self, "hashes", tuple(self.hashes))
        for value in self.hashes:
            check_hash(value, "a proof hash")

    def root_from(self, leaf_hash: bytes) -> bytes:
        """The root hash this path leads to from ``leaf_hash``."""
        return root_from_inclusion_proof(
            leaf_hash=leaf_hash, index=self.index, tree_size=self.tree_size, proof=self.hashes
        )

    def verify(self, *, leaf_hash: bytes, root_hash: bytes) -> None:
        """Raise :class:`ProofError` unless the path leads from ``leaf_hash`` to ``root_hash``."""
        verify_inclusion(
            leaf_hash=leaf_hash,
            index=self.index,
            tree_size=self.tree_size,
            proof=self.hashes,
            root_hash=root_hash,
        )

    def to_json(self) -> dict[str, Any]:
        """``{"index", "tree_size", "hashes": [base64, ...]}``."""
        return {
            "index": self.index,
            "tree_size": self.tree_size,
            "hashes": [encode_hash(value) for value in self.hashes],
        }

    @classmethod
    def from_json(cls, data: object) -> Self:
        """Read what :meth:`to_json` wrote; anything else is a :class:`ProofError`."""
        kind = "inclusion proof"
        if not isinstance(data, Mapping):
            raise ProofError(ERR_PROOF_FORMAT.format(kind=kind, reason="not an object"))
        return cls(
            index=_int_field(data, "index", kind),
            tree_size=_int_field(data, "tree_size", kind),
            hashes=_hash_list(data.get("hashes"), kind),
        )


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """The tree of ``old_size`` is a prefix of the tree of ``new_size`` (RFC 6962 §2.1.2)."""

    old_size: int
    new_size: int
    hashes: tuple[bytes, ...]

    def __post_init__(self) -> None:
        _check_size(self.old_size)
        _check_size(self.new_size)
        if self.old_size > self.new_size:
            raise ProofError(ERR_SIZES_ORDER.format(old_size=self.old_size, new_size=self.new_size))
        if len(self.hashes) > MAX_CONSISTENCY_HASHES:
            raise ProofError(
                ERR_PROOF_TOO_LONG.format(
                    length=len(self.hashes), size=self.new_size, limit=MAX_CONSISTENCY_HASHES
                )
            )
        object.__setattr__(self, "hashes", tuple(self.hashes))
        for value in self.hashes:
            check_hash(value, "a proof hash")

    def verify(self, *, old_root: bytes, new_root: bytes) -> None:
        """Raise :class:`ProofError` unless the proof links ``old_root`` to ``new_root``."""
        verify_consistency(
            old_size=self.old_size,
            new_size=self.new_size,
            old_root=old_root,
            new_root=new_root,
            proof=self.hashes,
        )

    def to_json(self) -> dict[str, Any]:
        """``{"old_size", "new_size", "hashes": [base64, ...]}``."""
        return {
            "old_size": self.old_size,
            "new_size": self.new_size,
            "hashes": [encode_hash(value) for value in self.hashes],
        }

    @classmethod
    def from_json(cls, data: object) -> Self:
        """Read what :meth:`to_json` wrote; anything else is a :class:`ProofError`."""
        kind = "consistency proof"
        if not isinstance(data, Mapping):
            raise ProofError(ERR_PROOF_FORMAT.format(kind=kind, reason="not an object"))
        return cls(
            old_size=_int_field(data, "old_size", kind),
            new_size=_int_field(data, "new_size", kind),
            hashes=_hash_list(data.get("hashes"), kind),
        )
