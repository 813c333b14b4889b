"""Case search in the platform's database over 100,000 generated cases: p95 query latency.

The generated cases are built as in ``benchmarks/case_search.py``: each takes the coded
fields of a random shipped case, a title stitched from two shipped titles and a summary
from three shipped summaries (both languages), and a random date; their search columns
are the stitched token lists of those parts (what :func:`tianping.web.cases.search.document`
writes), so the vocabulary and lengths are those of real cases.

Measured, on a fresh platform database (SQLite in a temporary folder; PostgreSQL when
``--database postgresql`` and ``DATABASE_URL`` name one, e.g. under
``scripts/with-postgres``):

* load time (bulk insert; the full-text index is kept by the database);
* latency of :func:`tianping.web.cases.selectors.case_search` for ``--queries`` queries
  per language drawn from the labelled query set (``tests/cases/queries.yaml``), as a
  signed-in user who reads the public cases: the best 10 (``rank``), and the best 10 with
  the facet counts over all matches (``with_facets``); every fourth query carries a facet
  filter; p50 / p95 / max in ms — target: p95 of ``rank`` < 50 ms;
* the reference: a naive scan (``LIKE '%token%'`` on the language's token column, OR over
  the query's tokens, ordered by date), on ``--naive-queries`` queries; ratio = naive p95 /
  ranked p95;
* peak memory: the process's maximum resident set size (``ru_maxrss``).

    .venv/bin/python benchmarks/case_search_db.py [--cases 100000] [--queries 10]
    .venv/bin/python benchmarks/case_search_db.py --home /tmp/cases-bench  # kept, reused
    scripts/with-postgres -- .venv/bin/python benchmarks/case_search_db.py --database postgresql

It prints its figures and, per language, whether the target was met or missed, and exits 0
either way (so ``make bench`` runs every script); a broken run exits non-zero.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

QUERIES = Path(__file__).parent.parent / "tests" / "cases" / "queries.yaml"
TARGET_MS = 50.0


def _setup(home: str, database: str) -> None:
    os.environ["TIANPING_HOME"] = home
    if database == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    elif not os.environ.get("DATABASE_URL"):
        sys.exit("--database postgresql needs DATABASE_URL (run under scripts/with-postgres)")
    from django.core.management import call_command

    from tianping.web import launcher

    launcher.setup()
    call_command("migrate", verbosity=0)


def _parts(case: Any, language: str) -> tuple[list[str], list[str], list[str]]:
    from tianping.cases import tokenize

    return (
        tokenize(case.title.get(language)),
        tokenize(case.summary.get(language)),
        tokenize(" ".join(case.labels(language))),
    )


def load(count: int, seed: int = 0) -> float:
    """Insert ``count`` generated cases; return the seconds it took."""
    from django.db import transaction

    from tianping.cases import TITLE_WEIGHT, load_cases
    from tianping.web.cases.models import CaseOrigin, CaseRecord, CaseVisibility

    rng = random.Random(seed)
    shipped = load_cases()
    tokens = {(c.id, lang): _parts(c, lang) for c in shipped for lang in ("zh-Hans", "en")}
    start_day = dt.date(2010, 1, 1).toordinal()
    started = time.perf_counter()
    batch: list[CaseRecord] = []
    for number in range(count):
        base = rng.choice(shipped)
        parts = rng.sample(shipped, 3)
        day = dt.date.fromordinal(start_day + rng.randrange(5000))
        columns = {}
        for language, column in (("zh-Hans", "search_zh"), ("en", "search_en")):
            title = [t for p in parts[:2] for t in tokens[(p.id, language)][0]]
            summary = [t for p in parts for t in tokens[(p.id, language)][1]]
            labels = tokens[(base.id, language)][2]
            columns[column] = " ".join(title * TITLE_WEIGHT + summary + labels)
        batch.append(
            CaseRecord(
                code=f"GEN-{number}",
                origin=CaseOrigin.SHIPPED,
                visibility=CaseVisibility.PUBLIC,
                title_zh="，".join(p.title.zh for p in parts[:2]),
                title_en="; ".join(p.title.en for p in parts[:2]),
                summary_zh="".join(p.summary.zh for p in parts),
                summary_en=" ".join(p.summary.en for p in parts),
                date=day,
                year=day.year,
                sector=base.sector,
                region=base.region,
                system_type=base.system_type,
                risk_category=base.risk_category,
                severity=base.severity,
                licence=base.provenance.licence,
                **columns,
            )
        )
        if len(batch) == 5000:
            with transaction.atomic():
                CaseRecord.objects.bulk_create(batch)
            batch = []
    if batch:
        with transaction.atomic():
            CaseRecord.objects.bulk_create(batch)
    if os.environ.get("DATABASE_URL"):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_caserecord")
    return time.perf_counter() - started


def _stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def measure(queries: int, naive_queries: int) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.db import connection

    from tianping import yamlsafe
    from tianping.cases import tokenize
    from tianping.web.cases import selectors

    user, _ = User.objects.get_or_create(
        username="reader", defaults={"email": "reader@example.invalid"}
    )
    topics = yamlsafe.load(QUERIES.read_text(encoding="utf-8"))["topics"]
    rng = random.Random(1)
    filters = [{"severity": "high"}, {"region": "US"}, {"risk_category": "discrimination"}]
    out: dict[str, Any] = {}
    for key, language, column in (("zh", "zh-Hans", "search_zh"), ("en", "en", "search_en")):
        drawn = [rng.choice(topics)[key] for _ in range(queries)]
        for text in drawn[:3]:  # warm the caches (jieba, the query plans)
            selectors.case_search(user, text, language=language, limit=10, facets=False)
        results: dict[str, Any] = {}
        for name, facets in (("rank", False), ("with_facets", True)):
            times = []
            for number, text in enumerate(drawn):
                chosen = filters[number % 3] if number % 4 == 0 else None
                started = time.perf_counter()
                selectors.case_search(
                    user, text, language=language, limit=10, facets=facets, filters=chosen
                )
                times.append(time.perf_counter() - started)
            results[name] = _stats(times)
        naive = []
        for text in drawn[:naive_queries]:
            tokens = list(dict.fromkeys(tokenize(text)))
            where = " OR ".join(f"{column} LIKE %s" for _ in tokens)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id FROM cases_caserecord WHERE {where} ORDER BY date DESC LIMIT 10",
                    [f"%{t}%" for t in tokens],
                )
                cursor.fetchall()
            naive.append(time.perf_counter() - started)
        results["naive"] = _stats(naive)
        results["ratio_naive_over_rank_p95"] = round(
            results["naive"]["p95_ms"] / max(results["rank"]["p95_ms"], 1e-6), 1
        )
        results["met"] = results["rank"]["p95_ms"] < TARGET_MS
        out[language] = results
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=10)
    parser.add_argument("--naive-queries", type=int, default=3)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--home",
        help="a folder for the SQLite database, kept afterwards; a database already there "
        "holding the generated cases is reused instead of loaded again",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tianping-bench-") as scratch:
        home = args.home or scratch
        Path(home).mkdir(parents=True, exist_ok=True)
        _setup(home, args.database)
        from django.db import connection

        from tianping.web.cases.models import CaseRecord

        generated = CaseRecord.objects.filter(code__startswith="GEN-").count()
        if generated == args.cases:
            seconds = 0.0
        else:
            CaseRecord.objects.filter(code__startswith="GEN-").delete()
            seconds = load(args.cases)
        out = {
            "database": connection.vendor,
            "cases": args.cases,
            "load_s": round(seconds, 1),
            "search": measure(args.queries, args.naive_queries),
            "target_p95_ms": TARGET_MS,
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    print(json.dumps(out, indent=2))
    for language in ("zh-Hans", "en"):
        p95 = out["search"][language]["rank"]["p95_ms"]
        verdict = "met" if out["search"][language]["met"] else "MISSED"
        print(f"{language}: p95 {p95} ms, target < {TARGET_MS:g} ms: {verdict}")


if __name__ == "__main__":
    main()
