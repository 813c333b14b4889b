"""Where the tree's hashes live, and which of them a proof needs (RFC 6962 §2.1).

A *node* is the hash of a perfect subtree: ``(level, index)`` covers entries
``index·2**level`` to ``(index+1)·2**level - 1``; level 0 holds the leaf
hashes. Once a perfect subtree is complete it never changes, so stores keep
every one of them (about two per entry). Any other hash a proof needs --
the tree hash of a prefix, the incomplete subtrees on the right edge -- is
folded on the fly from at most ⌈log2 n⌉ stored nodes, so a proof is O(log n)
reads.

Stores may lay nodes out in *post-order*: in the order they complete as
entries are appended (leaf i, then each subtree leaf i completes). After n
entries there are ``2n - popcount(n)`` nodes, and :func:`node_position` gives
a node's place in that sequence -- a flat file of 32-byte records or an integer
key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tianping.ledger._hashing import EMPTY_ROOT, node_hash

NodeAddress = tuple[int, int]
"""``(level, index)`` of a perfect subtree."""

NodeReader = Callable[[Sequence[NodeAddress]], list[bytes]]
"""Reads the stored hashes of the given nodes, in order."""


def split_point(n: int) -> int:
    """k, the largest power of two smaller than n (RFC 6962 §2.1), for n > 1."""
    if n < 2:
        raise ValueError(f"no split point for a tree of {n} leaves")
    return 1 << ((n - 1).bit_length() - 1)


def stored_node_count(size: int) -> int:
    """How many perfect-subtree nodes a tree of ``size`` leaves has: 2n - popcount(n)."""
    return 2 * size - size.bit_count()


def node_position(level: int, index: int) -> int:
    """The place of node ``(level, index)`` in post-order (the order of completion).

    The node completes with its last leaf, ``last``; before that leaf,
    ``stored_node_count(last)`` nodes were stored, then the leaf itself and the
    ``level`` subtrees it completes, in increasing level.
    """
    last = ((index + 1) << level) - 1
    return stored_node_count(last) + level


def subtree_nodes(start: int, end: int) -> list[NodeAddress]:
    """The perfect subtrees, left to right, whose fold is MTH(D[start:end]).

    By RFC 6962 §2.1 the tree of n leaves splits at the largest power of two
    below n, again and again down its right edge: its maximal perfect subtrees
    follow the binary digits of n, largest first. They are stored nodes when
    ``start`` is a multiple of the largest -- true of every range a proof asks
    for.
    """
    size = end - start
    if size <= 0:
        raise ValueError(f"empty range {start}..{end}")
    nodes: list[NodeAddress] = []
    offset = start
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            if offset % (1 << level):
                raise ValueError(f"range {start}..{end} is not aligned to stored subtrees")
            nodes.append((level, offset >> level))
            offset += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """Fold the hashes of consecutive maximal subtrees from the right into their MTH."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose MTHs form PATH(index, D[size]), deepest first (RFC 6962 §2.1.1).

    PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) for m < k, and
    PATH(m - k, D[k:n]) : MTH(D[0:k]) for m >= k; unrolled top-down, then reversed.
    """
    if not 0 <= index < size:
        raise ValueError(f"index {index} is outside a tree of size {size}")
    ranges: list[tuple[int, int]] = []
    low, high = 0, size
    while high - low > 1:
        k = split_point(high - low)
        if index < low + k:
            ranges.append((low + k, high))
            high = low + k
        else:
            ranges.append((low, low + k))
            low += k
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The ranges whose MTHs form PROOF(old_size, D[new_size]) (RFC 6962 §2.1.2).

    SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])};
    for m < n: SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) if m <= k, else
    SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]). Empty for m = 0 or m = n.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    ranges: list[tuple[int, int]] = []
    low, high, m, whole = 0, new_size, old_size, True
    while m != high - low:
        k = split_point(high - low)
        if m <= k:
            ranges.append((low + k, high))
            high = low + k
        else:
            ranges.append((low, low + k))
            low += k
            m -= k
            whole = False
    if not whole:
        ranges.append((low, high))
    ranges.reverse()
    return ranges


def range_hashes(ranges: Sequence[tuple[int, int]], read: NodeReader) -> list[bytes]:
    """MTH of each range, reading every stored node they need in one call."""
    plans = [subtree_nodes(start, end) for start, end in ranges]
    wanted = [address for plan in plans for address in plan]
    stored = read(wanted) if wanted else []
    hashes: list[bytes] = []
    position = 0
    for plan in plans:
        hashes.append(fold(stored[position : position + len(plan)]))
        position += len(plan)
    return hashes


def tree_hash(size: int, read: NodeReader) -> bytes:
    """MTH(D[0:size]), the root hash of the first ``size`` entries (RFC 6962 §2.1)."""
    if size == 0:
        return EMPTY_ROOT
    return range_hashes([(0, size)], read)[0]


def inclusion_path(index: int, size: int, read: NodeReader) -> list[bytes]:
    """The audit path of entry ``index`` in the tree of ``size`` (RFC 6962 §2.1.1)."""
    return range_hashes(inclusion_ranges(index, size), read)


def consistency_path(old_size: int, new_size: int, read: NodeReader) -> list[bytes]:
    """The consistency proof between two tree sizes (RFC 6962 §2.1.2)."""
    return range_hashes(consistency_ranges(old_size, new_size), read)
