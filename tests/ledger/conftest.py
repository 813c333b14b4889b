"""Shared fixtures for the ledger tests: published vectors, stores of every kind, keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tianping.ledger import (
    FileStore,
    Ledger,
    LedgerStore,
    MemoryStore,
    NoteSigner,
    SQLiteStore,
    make_leaf,
)

ORIGIN = "tianping.example/test-log"

# The eight inputs of Certificate Transparency's reference tests (C++ merkle_tree_test,
# Go transparency-dev/merkle testonly), and the RFC 6962 tree hashes of their prefixes,
# sizes 0..8, as published in those test suites.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]

StoreFactory = Callable[[], LedgerStore]


def entries(count: int, *, start: int = 0) -> list[bytes]:
    """``count`` distinct canonical entries."""
    return [
        make_leaf({"case": n, "decision": "approve" if n % 3 else "refer"})
        for n in range(start, start + count)
    ]


@pytest.fixture(params=["memory", "files", "sqlite"])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Makes a fresh, empty store of each kind; closes them afterwards."""
    made: list[LedgerStore] = []
    kind: str = request.param

    def make() -> LedgerStore:
        number = len(made)
        store: LedgerStore
        if kind == "memory":
            store = MemoryStore(ORIGIN)
        elif kind == "files":
            store = FileStore.create(tmp_path / f"log{number}", origin=ORIGIN)
        else:
            store = SQLiteStore.create(tmp_path / f"log{number}.sqlite", origin=ORIGIN)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def signer() -> NoteSigner:
    return NoteSigner.generate(ORIGIN)


@pytest.fixture
def ledger() -> Ledger:
    return Ledger(MemoryStore(ORIGIN))
