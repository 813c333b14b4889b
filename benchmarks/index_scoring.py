"""The Machine Responsibility Index: 10,000 systems × the newest specification's indicators
(103 in 2026.2) with 1,000 Dirichlet draws; target under 2 s.

Tianping's sensitivity ranges (:func:`tianping.index.sensitivity`) are
vectorised: one matrix product per missing-evidence bound gives every system's
total under every weight draw, then ranks and 5th–95th percentiles. The
reference is a straightforward pure-Python loop over systems and draws (timed
on a subset and scaled, since it would run for minutes on the full size).
Peak memory is the process's ``ru_maxrss``.

    .venv/bin/python benchmarks/index_scoring.py [--systems 10000] [--indicators N] [--draws 1000]

Without ``--indicators`` the newest shipped specification is used as it is.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from tianping.index import load_spec, parse_spec, sensitivity


def synthetic_spec(indicators: int):
    """The shipped specification's domains with ``indicators`` indicators cycled over its rules."""
    shipped = load_spec()
    data = {
        "version": "9999.1",
        "title": {"zh-Hans": "基准", "en": "Benchmark"},
        "concentration": shipped.concentration,
        "reply_period_days": shipped.reply_period_days,
        "domains": [
            {"id": d.id, "name": d.name.to_json(), "weight": float(d.weight)}
            for d in shipped.domains
        ],
        "indicators": [],
    }
    for n in range(indicators):
        base = shipped.indicators[n % len(shipped.indicators)]
        data["indicators"].append(
            {
                "id": f"{base.id.split('.')[0]}.bench_{n}",
                "domain": base.domain,
                "name": base.name.to_json(),
                "definition": base.definition.to_json(),
                "scale": base.scale,
                "levels": base.levels,
                "weight": float(base.weight),
                "rule": {"kind": base.rule.kind, **base.rule.params},
            }
        )
    return parse_spec(data, source="benchmark")


def reference(values: np.ndarray, weights: np.ndarray) -> list[tuple[float, float]]:
    """Pure Python: each system's total under each draw (missing as 0), its 5th/95th percentile."""
    rows = [[0.0 if v != v else float(v) for v in row] for row in values.tolist()]
    draws = weights.tolist()
    result = []
    for row in rows:
        totals = sorted(
            100.0 * sum(v * w for v, w in zip(row, draw, strict=True)) for draw in draws
        )
        result.append((totals[int(0.05 * len(totals))], totals[int(0.95 * len(totals)) - 1]))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument(
        "--indicators", type=int, default=None, help="a synthetic specification of N indicators"
    )
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--reference-systems", type=int, default=100)
    args = parser.parse_args()

    spec = load_spec() if args.indicators is None else synthetic_spec(args.indicators)
    indicators = len(spec.indicators)
    rng = np.random.default_rng(0)
    values = rng.random((args.systems, indicators))
    values[rng.random(values.shape) < 0.1] = np.nan
    systems = [f"system-{i}" for i in range(args.systems)]

    start = time.perf_counter()
    result = sensitivity(spec, systems, values, draws=args.draws, seed=1)
    tianping_s = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert len(result.systems) == args.systems

    shares = np.array([float(s) for s in spec.effective_weights()])
    weights = np.random.default_rng(1).dirichlet(spec.concentration * shares, size=args.draws)
    subset = values[: args.reference_systems]
    start = time.perf_counter()
    reference(subset, weights)
    per_system = (time.perf_counter() - start) / len(subset)
    # The reference covers one bound (missing as 0) and no ranks; Tianping both bounds and ranks.
    reference_s = per_system * args.systems

    print(
        f"index sensitivity: {args.systems:,} systems × {indicators} indicators "
        f"(specification {spec.version}) × {args.draws:,} draws, both missing-evidence bounds, "
        "scores and ranks"
    )
    print(f"  tianping (vectorised)       {tianping_s:8.2f} s   peak RSS {peak_mib:,.0f} MiB")
    print(
        f"  pure-Python loop (one bound, no ranks; {args.reference_systems} systems timed, scaled)"
        f" {reference_s:8.2f} s"
    )
    print(f"  ratio                       {reference_s / tianping_s:8.1f}×")
    print(f"  target < 2 s                {'met' if tianping_s < 2 else 'NOT MET'}")


if __name__ == "__main__":
    main()
