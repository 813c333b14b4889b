"""Properties over random trees: valid proofs verify, and any changed byte fails.

Proof generation from stored subtrees is also compared with the RFC 6962 §2.1
definitions taken literally (recursive, O(n)), written here from the RFC.
"""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from tianping.ledger import (
    ConsistencyProof,
    InclusionProof,
    Ledger,
    MemoryStore,
    ProofError,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

from .conftest import ORIGIN, entries

MAX_SIZE = 300
LEAVES = entries(MAX_SIZE)
FULL = Ledger(MemoryStore(ORIGIN))
FULL.append_many(LEAVES)


def mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as RFC 6962 §2.1 defines it."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((n - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 6962 §2.1.2."""
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*subproof(m, leaves[:k], whole), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def flip(value: bytes, position: int) -> bytes:
    changed = bytearray(value)
    changed[position % len(changed)] ^= 1 << (position % 8)
    return bytes(changed)


sizes = st.integers(min_value=1, max_value=MAX_SIZE)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), size=sizes)
def test_inclusion_proofs_equal_the_rfc_definition_and_verify(
    data: st.DataObject, size: int
) -> None:
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = FULL.inclusion_proof(index, size=size)
    assert list(proof.hashes) == path(index, LEAVES[:size])
    root = FULL.tree_hash(size)
    assert root == mth(LEAVES[:size])
    proof.verify(leaf_hash=leaf_hash(LEAVES[index]), root_hash=root)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), size=sizes)
def test_consistency_proofs_equal_the_rfc_definition_and_verify(
    data: st.DataObject, size: int
) -> None:
    old = data.draw(st.integers(min_value=0, max_value=size))
    proof = FULL.consistency_proof(old, size)
    expected = subproof(old, LEAVES[:size], True) if old else []
    assert list(proof.hashes) == expected
    proof.verify(old_root=FULL.tree_hash(old), new_root=FULL.tree_hash(size))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), size=st.integers(min_value=2, max_value=MAX_SIZE))
def test_any_flipped_byte_breaks_an_inclusion_proof(data: st.DataObject, size: int) -> None:
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = FULL.inclusion_proof(index, size=size)
    leaf, root = leaf_hash(LEAVES[index]), FULL.tree_hash(size)
    target = data.draw(st.sampled_from(["leaf", "root", "path"]))
    bit = data.draw(st.integers(min_value=0, max_value=255))
    hashes = list(proof.hashes)
    if target == "leaf":
        leaf = flip(leaf, bit)
    elif target == "root":
        root = flip(root, bit)
    else:
        step = data.draw(st.integers(min_value=0, max_value=len(hashes) - 1))
        hashes[step] = flip(hashes[step], bit)
    try:
        verify_inclusion(leaf_hash=leaf, index=index, tree_size=size, proof=hashes, root_hash=root)
    except ProofError:
        return
    raise AssertionError(f"a changed {target} verified")


@settings(max_examples=200, deadline=None)
@given(data=st.data(), size=st.integers(min_value=2, max_value=MAX_SIZE))
def test_any_flipped_byte_breaks_a_consistency_proof(data: st.DataObject, size: int) -> None:
    old = data.draw(st.integers(min_value=1, max_value=size - 1))
    proof = list(FULL.consistency_proof(old, size).hashes)
    old_root, new_root = FULL.tree_hash(old), FULL.tree_hash(size)
    target = data.draw(st.sampled_from(["old", "new", "path"]))
    bit = data.draw(st.integers(min_value=0, max_value=255))
    if target == "old":
        old_root = flip(old_root, bit)
    elif target == "new":
        new_root = flip(new_root, bit)
    else:
        step = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        proof[step] = flip(proof[step], bit)
    try:
        verify_consistency(
            old_size=old, new_size=size, old_root=old_root, new_root=new_root, proof=proof
        )
    except ProofError:
        return
    raise AssertionError(f"a changed {target} verified")


@settings(max_examples=100, deadline=None)
@given(data=st.data(), size=st.integers(min_value=2, max_value=MAX_SIZE))
def test_a_proof_with_a_hash_dropped_or_added_fails(data: st.DataObject, size: int) -> None:
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = list(FULL.inclusion_proof(index, size=size).hashes)
    leaf, root = leaf_hash(LEAVES[index]), FULL.tree_hash(size)
    for changed in (proof[:-1], [*proof, root], proof[1:]):
        try:
            verify_inclusion(
                leaf_hash=leaf, index=index, tree_size=size, proof=changed, root_hash=root
            )
        except ProofError:
            continue
        raise AssertionError("a proof of the wrong length verified")


def test_proofs_round_trip_through_json() -> None:
    inclusion = FULL.inclusion_proof(17, size=123)
    assert InclusionProof.from_json(inclusion.to_json()) == inclusion
    consistency = FULL.consistency_proof(45, 123)
    assert ConsistencyProof.from_json(consistency.to_json()) == consistency


def test_malformed_proofs_are_refused_at_construction() -> None:
    bad = [
        lambda: InclusionProof(index=5, tree_size=5, hashes=()),
        lambda: InclusionProof(index=-1, tree_size=5, hashes=()),
        lambda: InclusionProof(index=0, tree_size=5, hashes=(b"short",)),
        lambda: ConsistencyProof(old_size=6, new_size=5, hashes=()),
        lambda: InclusionProof.from_json({"index": 0, "tree_size": 2, "hashes": ["!!"]}),
        lambda: InclusionProof.from_json({"index": True, "tree_size": 2, "hashes": []}),
        lambda: ConsistencyProof.from_json([]),
    ]
    for make in bad:
        try:
            make()
        except ProofError:
            continue
        raise AssertionError("a malformed proof was accepted")
