"""``manage.py ledger_checkpoint``: sign a checkpoint of every log that grew since its last one.

Decision logs are signed as batches arrive (at most every ``CHECKPOINT_INTERVAL_S``);
run this from cron (e.g. every minute) so the tail of a log that went quiet is
attested too.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tianping.web.ledger.models import LedgerLog
from tianping.web.ledger.services import ledger_checkpoint_sign


class Command(BaseCommand):
    help = "Sign a checkpoint of every ledger log that has entries no checkpoint covers."

    def handle(self, *args: Any, **options: Any) -> None:
        signed = 0
        for log in LedgerLog.objects.filter(size__gt=0).order_by("pk"):
            checkpoint = ledger_checkpoint_sign(log=log)
            if checkpoint is not None:
                signed += 1
                self.stdout.write(f"{log.origin}: {checkpoint.checkpoint.size}")
        self.stdout.write(f"{signed} checkpoint(s) signed.")
