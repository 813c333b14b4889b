"""A worker's lease sweeper: jobs whose worker died are re-queued or failed, never left running."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connections

from tianping.web.core import periodic
from tianping.web.core.jobs.limits import job_limits
from tianping.web.core.jobs.runner import jobs_expire_leases

logger = logging.getLogger(__name__)


def sweep_once() -> int:
    """Expire stale leases now; never raises (a failed sweep is logged and tried again)."""
    try:
        close_old_connections()
        return jobs_expire_leases()
    except Exception:
        logger.exception("expiring job leases failed")
        return 0
    finally:
        connections.close_all()


PERIODIC_EVERY_S = 10.0
"""How often a worker looks for periodic work that is due."""


def _periodic() -> None:
    try:
        periodic.run_due()
    except Exception:
        logger.exception("running periodic work failed")
    finally:
        connections.close_all()


def start_lease_sweeper() -> threading.Thread:
    """Sweep once now, then every half lease in a daemon thread of this worker.

    The same thread copies the registered periodic work into the schedule and runs
    what is due (:mod:`tianping.web.core.periodic`).
    """
    sweep_once()
    try:
        periodic.schedule_sync()
    except Exception:
        logger.exception("copying the periodic work into the schedule failed")
    finally:
        connections.close_all()
    interval = max(1.0, job_limits().lease_seconds / 2)
    stop = threading.Event()

    def loop() -> None:
        _periodic()
        while not stop.wait(min(interval, PERIODIC_EVERY_S)):
            sweep_once()
            _periodic()

    thread = threading.Thread(target=loop, name="tianping-lease-sweeper", daemon=True)
    thread.start()
    return thread
