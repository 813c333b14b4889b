"""``manage.py review_purge``: apply the retention period to closed review applications.

Deletes the contents of attachments and decision letters of applications
decided, terminated or withdrawn more than ``TIANPING_REVIEW_RETENTION_YEARS``
(default 5) years ago; names, sizes and SHA-256 stay. Each purged application
gets a timeline event and a ledger entry. Run it from cron (e.g. daily).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tianping.web.reviews.records.services import records_purge


class Command(BaseCommand):
    help = "Delete attachment contents and letters of reviews closed longer than the retention."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be purged; change nothing."
        )
        parser.add_argument("--today", help="Take this day (YYYY-MM-DD) as today.")
        parser.add_argument(
            "--json",
            metavar="FILE",
            help="Write the report as JSON to FILE ('-': standard output, and nothing else).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("today"):
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today: not a date: {options['today']!r}") from exc
        report = records_purge(today=today, dry_run=bool(options["dry_run"]))
        target = options.get("json")
        if target == "-":
            self.stdout.write(json.dumps(report.to_json(), ensure_ascii=False))
            return
        if target:
            Path(target).write_text(
                json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n", "utf-8"
            )
        verb = "would purge" if report.dry_run else "purged"
        self.stdout.write(
            f"Cut-off {report.cutoff.isoformat()}: {verb} {len(report.applications)} "
            f"application(s), {report.attachments} attachment(s), {report.letters} letter(s), "
            f"{report.bytes} bytes."
        )
        for reference in report.applications:
            self.stdout.write(f"  {reference}")
