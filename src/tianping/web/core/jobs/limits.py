"""The budgets of one platform job, from settings (``TIANPING[...]``) with stated defaults."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

DEFAULTS: dict[str, int] = {
    "JOB_MAX_SECONDS": 15 * 60,
    "JOB_MAX_MEMORY_BYTES": 2 << 30,
    "JOB_MAX_ROWS": 20_000_000,
    "JOB_MAX_DECODED_BYTES": 2 << 30,
    "JOB_MAX_CELLS": 400_000_000,
    "JOB_LEASE_SECONDS": 60,
    "JOB_MAX_ATTEMPTS": 2,
    "JOB_CANCEL_GRACE_SECONDS": 5,
}
"""Per job: 15 minutes, 2 GiB of memory, 20 million rows, 2 GiB decoded, 400 million cells;
a 60-second lease; two attempts; five seconds for work to stop once cancelled."""


@dataclass(frozen=True)
class JobLimits:
    """What one job may use; a job over any of them is stopped with the reason."""

    max_seconds: float
    max_memory_bytes: int
    max_rows: int
    max_decoded_bytes: int
    max_cells: int
    lease_seconds: float
    max_attempts: int
    cancel_grace_seconds: float


def _option(name: str) -> int:
    value = settings.TIANPING.get(name, DEFAULTS[name])
    return int(value)


def job_limits() -> JobLimits:
    """The limits in force (``settings.TIANPING``; environment variables ``TIANPING_JOB_…``)."""
    return JobLimits(
        max_seconds=_option("JOB_MAX_SECONDS"),
        max_memory_bytes=_option("JOB_MAX_MEMORY_BYTES"),
        max_rows=_option("JOB_MAX_ROWS"),
        max_decoded_bytes=_option("JOB_MAX_DECODED_BYTES"),
        max_cells=_option("JOB_MAX_CELLS"),
        lease_seconds=_option("JOB_LEASE_SECONDS"),
        max_attempts=_option("JOB_MAX_ATTEMPTS"),
        cancel_grace_seconds=_option("JOB_CANCEL_GRACE_SECONDS"),
    )
