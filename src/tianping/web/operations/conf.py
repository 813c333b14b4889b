"""The operations app's settings: ``settings.TIANPING[NAME]``, else the default here.

These are operating limits of this platform (capacity, latency), not rules of
regulation; the rules (who may switch a system, the fail-safe) are per-system
data in the incident playbook. The ledgers' settings (``LEDGER_ORIGIN``,
``CHECKPOINT_INTERVAL_S``) are the ledger app's (:mod:`tianping.web.ledger.conf`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Ingestion limits: records per batch, bytes per request, bytes per record.
    "INGEST_MAX_RECORDS": 1000,
    "INGEST_MAX_BYTES": 2 * 1024 * 1024,
    "INGEST_MAX_RECORD_BYTES": 64 * 1024,
    # Back-pressure: batches committed at once per process, batches allowed to wait for a
    # slot, how long one may wait, and the Retry-After sent with a 429.
    "INGEST_CONCURRENCY": 4,
    "INGEST_QUEUE": 8,
    "INGEST_QUEUE_WAIT_S": 2.0,
    "INGEST_RETRY_AFTER_S": 1,
    # How often SDK clients are told to poll the runtime switch (seconds).
    "SWITCH_POLL_INTERVAL_S": 1.0,
}


def option(name: str) -> Any:
    """The value of setting ``name``: ``settings.TIANPING[name]`` or its default."""
    configured: dict[str, Any] = getattr(settings, "TIANPING", {})
    return configured.get(name, DEFAULTS[name])
