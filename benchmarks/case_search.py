"""Case search over 100,000 generated cases: index build, p95 query latency, peak memory.

The generated cases are built from the shipped ones: each takes the coded
fields of a random shipped case and a title and summary stitched from three
random shipped titles and summaries (in both languages), plus a random
date, so the vocabulary and text lengths are those of real cases while the
index holds ``--cases`` documents per language.

Measured:

* index build time (both languages, jieba segmentation included);
* query latency over ``--queries`` queries per language, drawn from the
  labelled query set (``tests/cases/queries.yaml``), as p50 / p95 / max;
  every fourth query also carries a facet filter;
* similar-case latency for system descriptions (each shipped summary);
* peak memory: the process's maximum resident set size (``ru_maxrss``);
* the reference: a naive scan, which for each query tests every generated
  case's text for every query token (what a ``LIKE '%token%'`` scan does),
  timed on ``--naive-queries`` queries; the ratio is naive p95 / index p95.

    .venv/bin/python benchmarks/case_search.py [--cases 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

from tianping import yamlsafe
from tianping.cases import Case, CaseIndex, load_cases, tokenize
from tianping.text import LocalizedText

QUERIES = Path(__file__).parent.parent / "tests" / "cases" / "queries.yaml"


def generate(count: int, seed: int = 0) -> list[Case]:
    """``count`` cases stitched from the shipped ones (see the module docstring)."""
    rng = random.Random(seed)
    shipped = load_cases()
    start = dt.date(2010, 1, 1).toordinal()
    cases = []
    for number in range(count):
        base = rng.choice(shipped)
        parts = rng.sample(shipped, 3)
        title = LocalizedText(
            zh="，".join(p.title.zh for p in parts[:2]), en="; ".join(p.title.en for p in parts[:2])
        )
        summary = LocalizedText(
            zh="".join(p.summary.zh for p in parts), en=" ".join(p.summary.en for p in parts)
        )
        cases.append(
            dataclasses.replace(
                base,
                id=f"GEN-{number}",
                title=title,
                summary=summary,
                date=dt.date.fromordinal(start + rng.randrange(15 * 365)),
            )
        )
    return cases


def percentiles(samples: list[float]) -> dict[str, float]:
    values = np.asarray(samples) * 1000
    return {
        "p50_ms": round(float(np.percentile(values, 50)), 3),
        "p95_ms": round(float(np.percentile(values, 95)), 3),
        "max_ms": round(float(values.max()), 3),
    }


def naive_scan(texts: list[str], query: str) -> int:
    tokens = set(tokenize(query))
    return sum(1 for text in texts if any(token in text for token in tokens))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200, help="queries per language")
    parser.add_argument("--naive-queries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    topics = yamlsafe.load(QUERIES.read_text(encoding="utf-8"))["topics"]
    started = time.perf_counter()
    cases = generate(args.cases, args.seed)
    generated_s = time.perf_counter() - started

    started = time.perf_counter()
    index = CaseIndex(cases)
    build_s = time.perf_counter() - started

    rng = random.Random(args.seed)
    latency: dict[str, dict[str, float]] = {}
    for key, language in (("en", "en"), ("zh", "zh-Hans")):
        samples = []
        for number in range(args.queries):
            topic = rng.choice(topics)
            filters = {"severity": "high"} if number % 4 == 0 else None
            begin = time.perf_counter()
            index.search(topic[key], language=language, limit=10, filters=filters)
            samples.append(time.perf_counter() - begin)
        latency[language] = percentiles(samples)

    similar = []
    for case in load_cases():
        begin = time.perf_counter()
        index.similar(case.summary.en, sector=case.sector, system_type=case.system_type)
        similar.append(time.perf_counter() - begin)

    texts = {
        "en": [f"{c.title.en} {c.summary.en}".lower() for c in cases],
        "zh": [f"{c.title.zh}{c.summary.zh}" for c in cases],
    }
    naive = []
    for number in range(args.naive_queries):
        key = "en" if number % 2 else "zh"
        query = rng.choice(topics)[key]
        begin = time.perf_counter()
        naive_scan(texts[key], query)
        naive.append(time.perf_counter() - begin)
    naive_p95 = percentiles(naive)["p95_ms"]
    index_p95 = max(latency["en"]["p95_ms"], latency["zh-Hans"]["p95_ms"])

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mib = rss / (1 << 20) if sys.platform == "darwin" else rss / 1024
    report = {
        "cases": args.cases,
        "generate_s": round(generated_s, 2),
        "index_build_s": round(build_s, 2),
        "query_latency": latency,
        "similar_latency": percentiles(similar),
        "naive_scan": percentiles(naive),
        "naive_p95_over_index_p95": round(naive_p95 / index_p95, 1) if index_p95 else None,
        "peak_rss_mib": round(peak_mib, 1),
        "target": "p95 < 50 ms over 100,000 cases",
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
