"""RFC 6962 known answers: Certificate Transparency's published tree hashes and proofs."""

from __future__ import annotations

import pytest

from tianping.ledger import (
    EMPTY_ROOT,
    Ledger,
    MemoryStore,
    ProofError,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

from .conftest import CT_LEAVES, CT_ROOTS, ORIGIN


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# Inclusion proofs published with the CT reference tests (leaf index from 0, tree size).
INCLUSION_VECTORS = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]

# Consistency proofs published with the same tests (old size, new size).
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def ct_ledger() -> Ledger:
    """The reference tree. Its leaves are raw bytes, not JSON, so they go in past the ledger."""
    store = MemoryStore(ORIGIN)
    shell = Ledger(store)
    nodes, _ = shell._hash_batch(CT_LEAVES, 0)
    store.append(0, CT_LEAVES, nodes)
    return Ledger(store)


def test_the_empty_tree_hash_is_sha256_of_nothing() -> None:
    assert CT_ROOTS[0] == EMPTY_ROOT
    assert Ledger(MemoryStore(ORIGIN)).tree_hash() == CT_ROOTS[0]


def test_leaf_and_node_hashes_use_the_rfc_6962_prefixes() -> None:
    assert leaf_hash(b"") == CT_ROOTS[1]
    assert node_hash(leaf_hash(b""), leaf_hash(b"\x00")) == CT_ROOTS[2]


@pytest.mark.parametrize("size", range(9))
def test_tree_hash_of_every_prefix_matches_the_published_root(size: int) -> None:
    assert ct_ledger().tree_hash(size) == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_inclusion_proof_matches_the_published_audit_path(
    index: int, size: int, proof: list[str]
) -> None:
    ledger = ct_ledger()
    assert [value.hex() for value in ledger.inclusion_proof(index, size=size).hashes] == proof
    verify_inclusion(
        leaf_hash=leaf_hash(CT_LEAVES[index]),
        index=index,
        tree_size=size,
        proof=[h(value) for value in proof],
        root_hash=CT_ROOTS[size],
    )


@pytest.mark.parametrize(("old_size", "new_size", "proof"), CONSISTENCY_VECTORS)
def test_consistency_proof_matches_the_published_proof(
    old_size: int, new_size: int, proof: list[str]
) -> None:
    ledger = ct_ledger()
    assert [value.hex() for value in ledger.consistency_proof(old_size, new_size).hashes] == proof
    verify_consistency(
        old_size=old_size,
        new_size=new_size,
        old_root=CT_ROOTS[old_size],
        new_root=CT_ROOTS[new_size],
        proof=[h(value) for value in proof],
    )


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_published_inclusion_proof_fails_for_a_neighbouring_leaf_or_size(
    index: int, size: int, proof: list[str]
) -> None:
    hashes = [h(value) for value in proof]
    for wrong_index, wrong_size in [(index ^ 1, size), (index, size + 1), (index, size - 1)]:
        if not 0 <= wrong_index < wrong_size <= 8:
            continue
        with pytest.raises(ProofError):
            verify_inclusion(
                leaf_hash=leaf_hash(CT_LEAVES[wrong_index]),
                index=wrong_index,
                tree_size=wrong_size,
                proof=hashes,
                root_hash=CT_ROOTS[wrong_size],
            )


@pytest.mark.parametrize(("old_size", "new_size", "proof"), CONSISTENCY_VECTORS[1:])
def test_published_consistency_proof_fails_for_other_sizes_or_roots(
    old_size: int, new_size: int, proof: list[str]
) -> None:
    hashes = [h(value) for value in proof]
    for old, new in [(old_size + 1, new_size), (old_size - 1, new_size), (old_size, new_size - 1)]:
        if not 0 < old < new <= 8:
            continue
        with pytest.raises(ProofError):
            verify_consistency(
                old_size=old,
                new_size=new,
                old_root=CT_ROOTS[old],
                new_root=CT_ROOTS[new],
                proof=hashes,
            )
    for old_root, new_root in [
        (CT_ROOTS[old_size - 1], CT_ROOTS[new_size]),
        (CT_ROOTS[old_size], CT_ROOTS[new_size - 1]),
    ]:
        with pytest.raises(ProofError):
            verify_consistency(
                old_size=old_size,
                new_size=new_size,
                old_root=old_root,
                new_root=new_root,
                proof=hashes,
            )


def test_the_empty_tree_is_consistent_with_every_tree_by_an_empty_proof() -> None:
    verify_consistency(old_size=0, new_size=8, old_root=CT_ROOTS[0], new_root=CT_ROOTS[8], proof=[])
    with pytest.raises(ProofError):
        verify_consistency(
            old_size=0, new_size=8, old_root=CT_ROOTS[0], new_root=CT_ROOTS[8], proof=[CT_ROOTS[1]]
        )


def test_equal_sizes_need_equal_roots_and_an_empty_proof() -> None:
    verify_consistency(old_size=5, new_size=5, old_root=CT_ROOTS[5], new_root=CT_ROOTS[5], proof=[])
    with pytest.raises(ProofError):
        verify_consistency(
            old_size=5, new_size=5, old_root=CT_ROOTS[5], new_root=CT_ROOTS[6], proof=[]
        )
