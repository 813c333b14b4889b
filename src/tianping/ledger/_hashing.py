"""RFC 6962 §2.1 hashing: leaves and interior nodes get different prefixes.

The prefixes make a leaf hash and a node hash different even for the same
bytes, so no one can pass an interior node off as a leaf (second pre-image
resistance, RFC 6962 §2.1 and RFC 9162 §2.1.1).
"""

from __future__ import annotations

import hashlib

HASH_SIZE = 32
"""Bytes in a SHA-256 hash: every leaf, node and root hash of the ledger."""

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256() -- the root hash of the empty tree (RFC 6962 §2.1)."""

_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """MTH({d(0)}) = SHA-256(0x00 || d(0)) (RFC 6962 §2.1).

    Examples
    --------
    >>> leaf_hash(b"").hex()[:16]
    '6e340b9cffb37a98'
    """
    return _sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) (RFC 6962 §2.1)."""
    return _sha256(NODE_PREFIX + left + right).digest()
