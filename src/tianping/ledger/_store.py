"""The storage protocol: what a ledger needs from where its bytes live.

A store keeps four things, all append-only: the leaves (entry bytes), the
hashes of the perfect subtrees by ``(level, index)``, the signed checkpoints
and the log's origin. It computes nothing: :class:`~tianping.ledger.Ledger`
hashes, builds proofs and decides what to sign, so every store -- files,
SQLite, the web platform's database -- yields the same tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from tianping.ledger._errors import ConcurrentAppendError, CorruptStoreError, StoreError
from tianping.ledger._messages import (
    ERR_CHECKPOINT_ROLLBACK,
    ERR_STORE_CONFLICT,
    ERR_STORE_NODE_MISSING,
    ERR_STORE_ORIGIN,
    ERR_STORE_RANGE,
)
from tianping.ledger._tree import NodeAddress, node_position, stored_node_count

StoredNode = tuple[int, int, bytes]
"""``(level, index, hash)`` of a perfect subtree, as handed to :meth:`LedgerStore.append`."""


@runtime_checkable
class LedgerStore(Protocol):
    """Where a ledger keeps its leaves, subtree hashes and checkpoints.

    Implementations must make :meth:`append` and :meth:`add_checkpoint`
    atomic and durable (committed to stable storage before they return), and
    must never change what they stored.
    """

    @property
    def origin(self) -> str:
        """The log's name, the first line of its checkpoints."""
        ...

    def size(self) -> int:
        """The number of committed entries."""
        ...

    def append(self, start: int, leaves: Sequence[bytes], nodes: Sequence[StoredNode]) -> None:
        """Store ``leaves`` as entries ``start``, ``start + 1`` ... and the ``nodes`` they complete.

        ``nodes`` come in post-order (the order they complete). All or nothing:
        if the store no longer has ``start`` entries (another writer went
        first), raise :class:`ConcurrentAppendError` and store nothing.
        """
        ...

    def read_leaves(self, start: int, stop: int) -> list[bytes]:
        """Entries ``start`` to ``stop - 1``."""
        ...

    def read_nodes(self, addresses: Sequence[NodeAddress]) -> list[bytes]:
        """The stored hashes of the perfect subtrees ``(level, index)``, in order."""
        ...

    def checkpoints(self) -> list[str]:
        """Every signed checkpoint, oldest first."""
        ...

    def latest_checkpoint(self) -> str | None:
        """The most recent signed checkpoint, if any."""
        ...

    def add_checkpoint(self, size: int, note: str) -> None:
        """Keep a signed checkpoint of tree size ``size``; never smaller than the last one."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...


def check_origin(origin: object) -> str:
    """``origin`` if usable as a log name and key name: non-empty, no spaces, no ``+``."""
    if (
        not isinstance(origin, str)
        or not origin
        or "+" in origin
        or any(char.isspace() or ord(char) < 0x20 for char in origin)
    ):
        raise StoreError(ERR_STORE_ORIGIN.format(origin=origin))
    return origin


def check_range(start: int, stop: int, size: int) -> None:
    """Raise unless ``start..stop`` lies within a store of ``size`` entries."""
    if not 0 <= start <= stop <= size:
        raise StoreError(ERR_STORE_RANGE.format(start=start, stop=stop, size=size))


def check_append(
    start: int, size: int, leaves: Sequence[bytes], nodes: Sequence[StoredNode]
) -> None:
    """Raise unless the append continues a store of ``size`` entries with matching nodes."""
    if start != size:
        raise ConcurrentAppendError(ERR_STORE_CONFLICT.format(expected=start, actual=size))
    expected = stored_node_count(start + len(leaves)) - stored_node_count(start)
    if len(nodes) != expected:
        raise StoreError(f"{len(leaves)} entries complete {expected} nodes, not {len(nodes)}")


def check_checkpoint_size(size: int, latest_size: int | None) -> None:
    """Raise if a checkpoint of ``size`` would go back behind the latest one."""
    if latest_size is not None and size < latest_size:
        raise StoreError(ERR_CHECKPOINT_ROLLBACK.format(size=size, signed=latest_size))


class MemoryStore:
    """A store in memory: for tests, notebooks and building a tree to export.

    Examples
    --------
    >>> from tianping.ledger import Ledger
    >>> ledger = Ledger(MemoryStore("example.com/log"))
    >>> ledger.append(b'{"decision":"approve"}')
    0
    """

    def __init__(self, origin: str) -> None:
        self._origin = check_origin(origin)
        self._leaves: list[bytes] = []
        self._nodes: list[bytes] = []
        self._checkpoints: list[tuple[int, str]] = []

    @property
    def origin(self) -> str:
        return self._origin

    def size(self) -> int:
        return len(self._leaves)

    def append(self, start: int, leaves: Sequence[bytes], nodes: Sequence[StoredNode]) -> None:
        check_append(start, len(self._leaves), leaves, nodes)
        first = len(self._nodes)
        for offset, (level, index, _) in enumerate(nodes):
            if node_position(level, index) != first + offset:
                raise StoreError("nodes must come in post-order")
        self._nodes.extend(value for _, _, value in nodes)
        self._leaves.extend(bytes(leaf) for leaf in leaves)

    def read_leaves(self, start: int, stop: int) -> list[bytes]:
        check_range(start, stop, len(self._leaves))
        return self._leaves[start:stop]

    def read_nodes(self, addresses: Sequence[NodeAddress]) -> list[bytes]:
        result: list[bytes] = []
        for level, index in addresses:
            position = node_position(level, index)
            if not 0 <= position < len(self._nodes) or index < 0:
                raise CorruptStoreError(
                    ERR_STORE_NODE_MISSING.format(level=level, index=index),
                    index=max(index, 0) << max(level, 0),
                )
            result.append(self._nodes[position])
        return result

    def checkpoints(self) -> list[str]:
        return [note for _, note in self._checkpoints]

    def latest_checkpoint(self) -> str | None:
        return self._checkpoints[-1][1] if self._checkpoints else None

    def add_checkpoint(self, size: int, note: str) -> None:
        check_checkpoint_size(size, self._checkpoints[-1][0] if self._checkpoints else None)
        self._checkpoints.append((size, note))

    def close(self) -> None:
        """Nothing to release."""

    # Tests reach in to tamper with a store; these are not part of the protocol.
    def _replace_leaf(self, index: int, data: bytes) -> None:
        self._leaves[index] = data

    def _replace_node(self, level: int, index: int, value: bytes) -> None:
        self._nodes[node_position(level, index)] = value
