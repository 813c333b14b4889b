"""``manage.py review_reminders``: remind applicants and chairs of follow-up reviews due.

Every ``tianping worker`` runs it daily from the schedule in the database
(:mod:`tianping.web.core.periodic`); this command runs it at once. Each
scheduled follow-up due within ``--days`` days (30 by default) or overdue is
reminded of at most once a week, however often it runs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tianping.web.reviews.aftercare.services import follow_up_remind


class Command(BaseCommand):
    help = "Remind applicants and chairs of follow-up reviews due soon or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=30, help="Remind of follow-ups due within this many days."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = max(0, int(options["days"]))
        sent = follow_up_remind(within_days=days)
        self.stdout.write(f"{sent} follow-up reminder(s) sent.")
