"""The budgets of one platform job, from settings (``TIANPING[...]``, defaults in settings.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


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
    # The defaults are stated once, in settings.py (TIANPING_JOB_… environment variables).
    return int(settings.TIANPING[name])


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
