"""Durable appends per second: the SQLite store and the file store, by batch size.

Each ``Ledger.append_many`` call is one group commit: the batch's entries are
checked (canonical JSON), hashed into the tree, and committed durably -- SQLite
in one WAL transaction with ``synchronous=FULL``, the file store with an fsync
of each data file and of its commit record -- before the call returns. The
figure to read is entries per second at batch 1,000 (target: 20,000/s on
SQLite); batch 1 shows the cost of one fsync per entry.

Entries are built beforehand with ``make_leaf`` (one personal field salted and
hashed); the "with make_leaf" column adds that cost back.

Run: ``.venv/bin/python benchmarks/ledger_append.py [--entries 200000]``.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tianping.ledger import FileStore, Ledger, LedgerStore, SQLiteStore, make_leaf

ORIGIN = "bench.tianping.example/append"
TARGET = 20_000


def record(n: int) -> dict[str, object]:
    return {
        "system": "credit-scoring-42",
        "case": n,
        "decision": "approve" if n % 3 else "refer",
        "score": round(n % 1000 / 1000, 3),
        "model": "v2.3.1",
        "applicant": f"applicant-{n}",
    }


def leaves(count: int) -> tuple[list[bytes], float]:
    salt = secrets.token_bytes(16)
    start = time.perf_counter()
    built = [make_leaf(record(n), personal_fields=["applicant"], salt=salt) for n in range(count)]
    return built, (time.perf_counter() - start) / count


def run(store: LedgerStore, batch: int, data: list[bytes]) -> float:
    ledger = Ledger(store)
    start = time.perf_counter()
    for first in range(0, len(data), batch):
        ledger.append_many(data[first : first + batch])
    elapsed = time.perf_counter() - start
    assert ledger.size == len(data)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--single", type=int, default=300, help="entries at batch size 1")
    parser.add_argument("--dir", type=Path, help="where to write (default: a temporary dir)")
    args = parser.parse_args()
    console = Console()
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="tianping-ledger-append-"))
    workdir.mkdir(parents=True, exist_ok=True)
    data, leaf_cost = leaves(args.entries)
    table = Table(title="Durable appends (each batch committed and fsynced before returning)")
    for column in ("store", "batch", "entries", "seconds", "appends/s", "with make_leaf/s"):
        table.add_column(column, justify="right" if column != "store" else "left")
    results: dict[tuple[str, int], float] = {}
    try:
        for kind in ("SQLite", "files"):
            for batch in (1, 10, 100, 1_000, 10_000):
                count = args.single * batch if batch < 100 else args.entries
                count = min(count, args.entries)
                path = workdir / f"{kind}-{batch}"
                store: LedgerStore = (
                    SQLiteStore.create(path.with_suffix(".sqlite"), origin=ORIGIN)
                    if kind == "SQLite"
                    else FileStore.create(path, origin=ORIGIN)
                )
                try:
                    elapsed = run(store, batch, data[:count])
                finally:
                    store.close()
                rate = count / elapsed
                results[(kind, batch)] = rate
                table.add_row(
                    kind,
                    f"{batch:,}",
                    f"{count:,}",
                    f"{elapsed:.2f}",
                    f"{rate:,.0f}",
                    f"{count / (elapsed + leaf_cost * count):,.0f}",
                )
        console.print(table)
        console.print(f"make_leaf: {leaf_cost * 1e6:.1f} µs per entry")
        sqlite_rate = results[("SQLite", 1_000)]
        verdict = "met" if sqlite_rate >= TARGET else "NOT met"
        console.print(
            f"Target ≥ {TARGET:,} durable appends/s on SQLite at batch 1,000: {verdict} "
            f"({sqlite_rate:,.0f}/s)"
        )
    finally:
        if args.dir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
