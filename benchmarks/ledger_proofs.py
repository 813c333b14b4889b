"""Proofs at scale: inclusion and consistency proofs on a 10-million-entry ledger.

Builds a file-backed ledger (and optionally an SQLite one) of ``--size``
entries by bulk appends through the public API (batches of 100,000, one
durable commit each), then times, over random indexes and sizes:

- inclusion proof: generate (O(log n) stored-node reads) and verify (RFC 9162 §2.1.3.2);
- consistency proof: generate and verify (RFC 9162 §2.1.4.2);
- tree hash of a random earlier size.

For a reference, the same operations on pymerkle's in-memory tree (the PyPI
Merkle library with RFC 6962 hashing) at ``--pymerkle-size`` entries, next to
ours at that size, with the ratio.

Run: ``.venv/bin/python benchmarks/ledger_proofs.py [--size 10000000] [--sqlite]``.
Building 10M entries takes a few minutes and ~1.2 GB of disk (a temporary
directory, removed afterwards unless ``--keep``).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tianping.ledger import (
    FileStore,
    Ledger,
    LedgerStore,
    MemoryStore,
    SQLiteStore,
    verify_consistency,
    verify_inclusion,
)

BATCH = 100_000
ORIGIN = "bench.tianping.example/proofs"


def entry(n: int) -> bytes:
    return b'{"case":%d,"decision":"approve"}' % n


def build(store: LedgerStore, size: int, console: Console, label: str) -> tuple[Ledger, float]:
    ledger = Ledger(store)
    start = time.perf_counter()
    for first in range(ledger.size, size, BATCH):
        ledger.append_many([entry(n) for n in range(first, min(size, first + BATCH))])
        if ledger.size % 1_000_000 == 0:
            rate = ledger.size / (time.perf_counter() - start)
            console.print(f"  {label}: {ledger.size:,} entries ({rate:,.0f}/s)")
    elapsed = time.perf_counter() - start
    console.print(f"  {label}: built {size:,} entries in {elapsed:.1f} s ({size / elapsed:,.0f}/s)")
    return ledger, elapsed


def timed(operation: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        operation()
        samples.append((time.perf_counter() - start) * 1e6)
    return samples


def measure(ledger: Ledger, runs: int, seed: int) -> dict[str, list[float]]:
    size = ledger.size
    rng = random.Random(seed)
    root = ledger.tree_hash()
    results: dict[str, list[float]] = {k: [] for k in _OPERATIONS}
    for _ in range(runs):
        index = rng.randrange(size)
        start = time.perf_counter()
        proof = ledger.inclusion_proof(index)
        results["inclusion proof: generate"].append((time.perf_counter() - start) * 1e6)
        leaf = ledger.leaf_hash(index)
        start = time.perf_counter()
        verify_inclusion(
            leaf_hash=leaf, index=index, tree_size=size, proof=proof.hashes, root_hash=root
        )
        results["inclusion proof: verify"].append((time.perf_counter() - start) * 1e6)

        old = rng.randrange(1, size)
        old_root = ledger.tree_hash(old)
        start = time.perf_counter()
        consistency = ledger.consistency_proof(old, size)
        results["consistency proof: generate"].append((time.perf_counter() - start) * 1e6)
        start = time.perf_counter()
        verify_consistency(
            old_size=old,
            new_size=size,
            old_root=old_root,
            new_root=root,
            proof=consistency.hashes,
        )
        results["consistency proof: verify"].append((time.perf_counter() - start) * 1e6)

        other = rng.randrange(1, size)
        start = time.perf_counter()
        ledger.tree_hash(other)
        results["tree hash of an earlier size"].append((time.perf_counter() - start) * 1e6)
    return results


_OPERATIONS = [
    "inclusion proof: generate",
    "inclusion proof: verify",
    "consistency proof: generate",
    "consistency proof: verify",
    "tree hash of an earlier size",
]


def measure_pymerkle(size: int, runs: int, seed: int, console: Console) -> dict[str, list[float]]:
    from pymerkle import InmemoryTree, verify_inclusion
    from pymerkle import verify_consistency as pm_consistency

    tree = InmemoryTree(algorithm="sha256")
    start = time.perf_counter()
    tree.append_entries(entry(n) for n in range(size))
    console.print(f"  pymerkle: built {size:,} entries in {time.perf_counter() - start:.1f} s")
    rng = random.Random(seed)
    root = tree.get_root()
    results: dict[str, list[float]] = {k: [] for k in _OPERATIONS}
    for _ in range(runs):
        index = rng.randrange(size) + 1  # pymerkle counts from 1
        start = time.perf_counter()
        proof = tree.prove_inclusion(index)
        results["inclusion proof: generate"].append((time.perf_counter() - start) * 1e6)
        base = tree.get_leaf(index)
        start = time.perf_counter()
        verify_inclusion(base, root, proof)
        results["inclusion proof: verify"].append((time.perf_counter() - start) * 1e6)
        old = rng.randrange(1, size)
        old_root = tree.get_root(old)
        start = time.perf_counter()
        consistency = tree.prove_consistency(old)
        results["consistency proof: generate"].append((time.perf_counter() - start) * 1e6)
        start = time.perf_counter()
        pm_consistency(old_root, root, consistency)
        results["consistency proof: verify"].append((time.perf_counter() - start) * 1e6)
        other = rng.randrange(1, size)
        start = time.perf_counter()
        tree.get_root(other)
        results["tree hash of an earlier size"].append((time.perf_counter() - start) * 1e6)
    return results


def summary(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return (
        statistics.fmean(ordered),
        ordered[len(ordered) // 2],
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--sqlite", action="store_true", help="also build and time SQLite")
    parser.add_argument("--pymerkle-size", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, help="build here instead of a temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the built ledgers")
    parser.add_argument("--seed", type=int, default=6962)
    args = parser.parse_args()
    console = Console()
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="tianping-ledger-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        console.print(f"Building in {workdir} ...")
        stores: list[tuple[str, LedgerStore]] = []
        files_path = workdir / "files"
        files = (
            FileStore.open(files_path)
            if files_path.exists()
            else FileStore.create(files_path, origin=ORIGIN)
        )
        stores.append(("file store", files))
        if args.sqlite:
            sqlite_path = workdir / "ledger.sqlite"
            sqlite = (
                SQLiteStore.open(sqlite_path)
                if sqlite_path.exists()
                else SQLiteStore.create(sqlite_path, origin=ORIGIN)
            )
            stores.append(("SQLite store", sqlite))
        rows: dict[str, dict[str, list[float]]] = {}
        for label, store in stores:
            ledger, _ = build(store, args.size, console, label)
            rows[f"{label}, {args.size:,}"] = measure(ledger, args.runs, args.seed)

        table = Table(title=f"Proofs on a ledger of {args.size:,} entries (µs per operation)")
        table.add_column("operation")
        for name in rows:
            table.add_column(f"{name}\nmean / p50 / p99", justify="right")
        for operation in _OPERATIONS:
            cells = []
            for result in rows.values():
                mean, p50, p99 = summary(result[operation])
                cells.append(f"{mean:,.1f} / {p50:,.1f} / {p99:,.1f}")
            table.add_row(operation, *cells)
        console.print(table)

        size = min(args.pymerkle_size, args.size)
        if size:
            ours = Ledger(MemoryStore(ORIGIN))
            start = time.perf_counter()
            for first in range(0, size, BATCH):
                ours.append_many([entry(n) for n in range(first, min(size, first + BATCH))])
            console.print(f"  ours (memory): built {size:,} in {time.perf_counter() - start:.1f} s")
            mine = measure(ours, args.runs, args.seed)
            theirs = measure_pymerkle(size, args.runs, args.seed, console)
            comparison = Table(
                title=f"pymerkle {_version()} (InmemoryTree) vs tianping.ledger at {size:,} "
                "entries (mean µs; ratio = pymerkle / ours)"
            )
            comparison.add_column("operation")
            comparison.add_column("tianping.ledger\n(memory store)", justify="right")
            comparison.add_column("pymerkle", justify="right")
            comparison.add_column("ratio", justify="right")
            for operation in _OPERATIONS:
                a, b = summary(mine[operation])[0], summary(theirs[operation])[0]
                comparison.add_row(operation, f"{a:,.1f}", f"{b:,.1f}", f"{b / a:,.2f}×")
            console.print(comparison)
            console.print(
                "pymerkle's consistency proofs have their own shape (not RFC 6962's); "
                "leaf hashes equal ours."
            )
        for _, store in stores:
            store.close()
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def _version() -> str:
    from importlib.metadata import version

    return version("pymerkle")


if __name__ == "__main__":
    main()
