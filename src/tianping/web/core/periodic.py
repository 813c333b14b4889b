"""Periodic work from a schedule in the database, run by every ``tianping worker``: no cron.

An app registers a function (a dotted path, no arguments) and its interval in its
``AppConfig.ready()`` with :func:`register`; a worker copies what is registered
into the schedule (:class:`~tianping.web.core.models.ScheduledWork`) when it
starts (:func:`schedule_sync`) and runs what is due every few seconds
(:func:`run_due`). A worker claims a due row by moving its next run in one
conditional update, so of several workers exactly one runs it. A failure is
recorded on the row (and logged) and the work is tried at its next run.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.module_loading import import_string

from tianping.web.core.models import ScheduledWork

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Registration:
    function: str
    every_s: int


_REGISTRY: dict[str, Registration] = {}


def register(function: str, *, every_s: int, name: str | None = None) -> None:
    """Run ``function`` every ``every_s`` seconds (by its dotted path; named after it)."""
    _REGISTRY[name or function] = Registration(function=function, every_s=int(every_s))


def registered() -> list[str]:
    return sorted(_REGISTRY)


def schedule_sync(*, now: datetime | None = None) -> int:
    """Add what is registered and missing from the schedule (first run: now); how many."""
    moment = now or timezone.now()
    added = 0
    for name, registration in _REGISTRY.items():
        _row, created = ScheduledWork.objects.get_or_create(
            name=name,
            defaults={
                "function": registration.function,
                "every_seconds": registration.every_s,
                "next_run_at": moment,
            },
        )
        added += int(created)
    return added


def run_due(*, now: datetime | None = None) -> list[str]:
    """Run every enabled piece of work that is due and that this worker claims; their names."""
    moment = now or timezone.now()
    ran: list[str] = []
    for row in ScheduledWork.objects.filter(enabled=True, next_run_at__lte=moment):
        claimed = ScheduledWork.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=moment + timedelta(seconds=row.every_seconds)
        )
        if not claimed:  # another worker took it
            continue
        outcome, error = ScheduledWork.Outcome.OK, ""
        try:
            import_string(row.function)()
        except Exception:
            outcome, error = ScheduledWork.Outcome.FAILED, traceback.format_exc(limit=5)[-4000:]
            logger.exception("periodic work %s failed", row.name)
        ScheduledWork.objects.filter(pk=row.pk).update(
            last_run_at=moment, last_outcome=outcome, last_error=error
        )
        ran.append(row.name)
    return ran
