"""A six-monthly transparency report for a system with 10 million logged decisions; target
under 10 s.

Ingestion keeps a count per system and day (``operations.DecisionDayCount``, one upsert per
batch), so the report reads one row per day of its period, never the log's entries. The
fixture is what 10,000,000 entries over ~3 years leave in that table: 1,096 daily counts
summing to 10,000,000, bulk-inserted on a fresh platform database (SQLite in a temporary
folder). Timed: building the whole report (platform input, per-month volumes, alerts,
incidents, evidence, the library's document with its RFC 8785 hash) for the system.

The reference counts the same decisions from rows, as it would without the table: a table
of one timestamp per entry, grouped by month over the report's period. It is timed on
``--reference-rows`` rows spread over the same three years and scaled linearly to the full
size (inserting 10 million rows would itself take minutes). Peak memory is the process's
``ru_maxrss``.

    .venv/bin/python benchmarks/transparency_report.py [--entries 10000000] [--days 1096]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sqlite3
import tempfile
import time

TARGET_S = 10.0


def _setup(home: str) -> None:
    os.environ["TIANPING_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    from django.core.management import call_command

    from tianping.web import launcher

    launcher.setup()
    call_command("migrate", verbosity=0)


def _fixture(entries: int, days: int) -> object:
    from django.utils import timezone

    from tianping.web.accounts.services import organisation_create
    from tianping.web.operations.models import DecisionDayCount
    from tianping.web.systems.models import AISystem

    org = organisation_create(name="基准企业", kind="enterprise")
    today = timezone.localdate()
    first = today - dt.timedelta(days=days - 1)
    system = AISystem.objects.create(
        organisation=org,
        name="基准系统",
        purpose="benchmark",
        owner="benchmark",
        sector="finance",
        lifecycle_stage="operation",
    )
    AISystem.objects.filter(pk=system.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(first, dt.time(9)))
    )
    system.refresh_from_db()
    per_day, extra = divmod(entries, days)
    DecisionDayCount.objects.bulk_create(
        [
            DecisionDayCount(
                system=system, day=first + dt.timedelta(days=i), count=per_day + (i < extra)
            )
            for i in range(days)
        ],
        batch_size=2000,
    )
    return system


def _reference(rows: int, days: int, start: dt.date, end: dt.date, first: dt.date) -> float:
    """Seconds to count ``rows`` entries by month over the period, from the rows."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE leaf (idx INTEGER PRIMARY KEY, day TEXT NOT NULL)")
    values = (((first + dt.timedelta(days=i * days // rows)).isoformat(),) for i in range(rows))
    db.executemany("INSERT INTO leaf (day) VALUES (?)", values)
    began = time.perf_counter()
    db.execute(
        "SELECT substr(day, 1, 7), count(*) FROM leaf WHERE day BETWEEN ? AND ? GROUP BY 1",
        (start.isoformat(), end.isoformat()),
    ).fetchall()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=1096)
    parser.add_argument("--reference-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        _setup(home)
        from tianping.web.transparency import selectors, services

        system = _fixture(args.entries, args.days)
        began = time.perf_counter()
        _data, document = services.build(system, "transparency-report", {}, version="1")
        elapsed = time.perf_counter() - began
        content = document.to_json()["content"]
        decisions = content["figures"]["decisions"]
        start, end = selectors.report_period(system)
        first = selectors.report_anchor(system)
        reference = _reference(args.reference_rows, args.days, start, end, first)
        reference *= args.entries / args.reference_rows
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"entries: {args.entries:,} over {args.days} days; report period {start} – {end}")
    print(f"decisions in the report: {decisions:,} ({len(content['decision_volumes'])} months)")
    print(f"report from per-day counts: {elapsed:.3f} s (target < {TARGET_S:.0f} s)")
    print(
        f"reference, counting rows ({args.reference_rows:,} timed, scaled): {reference:.3f} s; "
        f"ratio {reference / elapsed:.1f}×"
    )
    print(f"peak memory: {peak:.0f} MiB")
    if elapsed >= TARGET_S:
        raise SystemExit(f"over the target of {TARGET_S} s")


if __name__ == "__main__":
    main()
