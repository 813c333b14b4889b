"""k-anonymity, l-diversity and t-closeness at scale: Tianping on 10M rows, pycanon on 100k.

Synthetic people: five quasi-identifiers (age band, sex, province, education,
occupation: 5 × 2 × 34 × 4 × 10 = 13,600 possible classes) and two sensitive
attributes (a diagnosis, categorical, 20 values; an income band, ordered, 50
values). Tianping computes k, distinct and entropy l, t-closeness (EMD) and the
prosecutor risk from one DuckDB ``GROUP BY``; pycanon (pandas) computes k,
l, entropy l and t on the first 100k rows; both results are compared there.

    .venv/bin/python benchmarks/privacy_anonymity.py [--rows 10000000] [--pycanon-rows 100000]

Prints the timings, the rows per second of each, and the ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tianping.privacy import anonymity

QUASI = ["age_band", "sex", "province", "education", "occupation"]
PROVINCES = [f"P{i:02d}" for i in range(34)]


def people(rows: int, seed: int = 1) -> pa.Table:
    rng = np.random.default_rng(seed)
    return pa.table(
        {
            "age_band": rng.integers(0, 5, rows, dtype=np.int8),
            "sex": pa.array(np.array(["F", "M"])[rng.integers(0, 2, rows)]).dictionary_encode(),
            "province": pa.array(
                np.array(PROVINCES)[rng.integers(0, 34, rows)]
            ).dictionary_encode(),
            "education": rng.integers(0, 4, rows, dtype=np.int8),
            "occupation": rng.integers(0, 10, rows, dtype=np.int16),
            "diagnosis": pa.array(
                np.array([f"D{i:02d}" for i in range(20)])[rng.integers(0, 20, rows)]
            ).dictionary_encode(),
            "income": rng.integers(0, 50, rows, dtype=np.int16),
        }
    )


def timed(label: str, function, repeat: int = 3):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    print(f"{label:<62}{best:8.3f} s")
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--pycanon-rows", type=int, default=100_000)
    parser.add_argument("--no-pycanon", action="store_true")
    args = parser.parse_args()

    table = people(args.rows)
    print(f"{args.rows:,} rows × {len(QUASI)} quasi-identifiers, in memory (pyarrow)")
    seconds, report = timed(
        "Tianping: k, l (distinct, entropy), t (categorical), risk",
        lambda: anonymity(table, quasi=QUASI, sensitive="diagnosis", k=5, l=2, t=0.2),
    )
    print(f"   k={report.k} l={report.l_distinct} l_entropy={report.l_entropy:.3f} "
          f"t={report.t:.4f} classes={report.classes:,} "
          f"({args.rows / seconds / 1e6:.1f} M rows/s)")  # fmt: skip
    timed(
        "Tianping: the same with t ordered (income, EMD)",
        lambda: anonymity(table, quasi=QUASI, sensitive="income", k=5, l=2, t=0.2),
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.parquet"
        pq.write_table(table, path, row_group_size=1 << 20)
        timed(
            "Tianping: from a Parquet file (DuckDB reads it)",
            lambda: anonymity(path, quasi=QUASI, sensitive="diagnosis", k=5, l=2, t=0.2),
        )

    if args.no_pycanon:
        return
    from pycanon import anonymity as pycanon

    small = table.slice(0, args.pycanon_rows)
    frame = small.to_pandas()
    for column in ("sex", "province", "diagnosis"):
        frame[column] = frame[column].astype(str)
    print(f"\n{args.pycanon_rows:,} rows: Tianping vs pycanon (pandas)")
    ours, mine = timed(
        "Tianping: k, l, entropy l, t",
        lambda: anonymity(frame, quasi=QUASI, sensitive="diagnosis", k=5, l=2, t=0.2),
    )
    started = time.perf_counter()
    k = pycanon.k_anonymity(frame, QUASI)
    l_distinct = pycanon.l_diversity(frame, QUASI, ["diagnosis"])
    l_entropy = pycanon.entropy_l_diversity(frame, QUASI, ["diagnosis"])
    t = pycanon.t_closeness(frame, QUASI, ["diagnosis"])
    theirs = time.perf_counter() - started
    print(f"{'pycanon: k, l, entropy l, t':<62}{theirs:8.3f} s")
    print(f"   pycanon k={k} l={l_distinct} entropy l={l_entropy} t={t:.4f}; "
          f"Tianping k={mine.k} l={mine.l_distinct} entropy l={int(mine.l_entropy)} "
          f"t={mine.t:.4f}")  # fmt: skip
    print(f"ratio on {args.pycanon_rows:,} rows: {theirs / ours:,.0f}x")
    print(
        f"rows/s: Tianping {args.rows / seconds:,.0f} (10M), pycanon "
        f"{args.pycanon_rows / theirs:,.0f} (100k) → "
        f"{args.rows / seconds / (args.pycanon_rows / theirs):,.0f}x"
    )


if __name__ == "__main__":
    main()
