"""Our trees and proofs, checked by code that is not ours.

``pymerkle`` (PyPI) builds its own RFC 6962 tree (security mode: the 0x00/0x01
prefixes): its roots must equal ours at every size, and its inclusion-proof
verifier must accept our audit paths. It has its own consistency-proof shape,
so for consistency we check that our proofs bind exactly the roots pymerkle
computes for both sizes.
"""

from __future__ import annotations

import pytest
from pymerkle import InclusionProof as PymerkleInclusionProof
from pymerkle import InmemoryTree, verify_inclusion

from tianping.ledger import Ledger, MemoryStore, leaf_hash, verify_consistency

from .conftest import ORIGIN, entries

SIZE = 70  # every shape of the right edge up to 64 + 6


@pytest.fixture(scope="module")
def trees() -> tuple[Ledger, InmemoryTree]:
    leaves = entries(SIZE)
    ours = Ledger(MemoryStore(ORIGIN))
    ours.append_many(leaves)
    theirs = InmemoryTree(algorithm="sha256")
    for data in leaves:
        theirs.append_entry(data)
    return ours, theirs


def test_roots_equal_pymerkle_at_every_size(trees: tuple[Ledger, InmemoryTree]) -> None:
    ours, theirs = trees
    for size in range(SIZE + 1):
        assert ours.tree_hash(size) == theirs.get_root(size), size


def test_pymerkle_accepts_our_inclusion_proofs(trees: tuple[Ledger, InmemoryTree]) -> None:
    ours, theirs = trees
    for size in range(1, SIZE + 1):
        for index in range(size):
            proof = ours.inclusion_proof(index, size=size)
            base = leaf_hash(ours.leaf(index))
            # pymerkle counts leaves from 1 and puts the leaf hash first; the rule
            # (left/right bits) is derived from index and size alone.
            reference = theirs.prove_inclusion(index + 1, size)
            assert list(proof.hashes) == reference.path[1:]
            converted = PymerkleInclusionProof(
                "sha256", True, size, index + 1, reference.rule, [base, *proof.hashes]
            )
            verify_inclusion(base, theirs.get_root(size), converted, index=index + 1, size=size)


def test_our_consistency_proofs_bind_the_roots_pymerkle_computes(
    trees: tuple[Ledger, InmemoryTree],
) -> None:
    ours, theirs = trees
    for new_size in range(1, SIZE + 1):
        for old_size in range(0, new_size + 1):
            proof = ours.consistency_proof(old_size, new_size)
            verify_consistency(
                old_size=old_size,
                new_size=new_size,
                old_root=theirs.get_root(old_size),
                new_root=theirs.get_root(new_size),
                proof=proof.hashes,
            )
