"""A worker's lease sweeper: jobs whose worker died are re-queued or failed, never left running.

The same thread keeps the workers' heartbeat: the periodic work :data:`HEARTBEAT`
(which does nothing) runs every :data:`HEARTBEAT_EVERY_S` seconds on whichever
worker claims it, so its last run in the schedule says when a worker was last
alive; :func:`newest_heartbeat` reads it (``/readyz`` checks it is fresh).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.db import close_old_connections, connections
from django.db.models import Max

from tianping.web.core import periodic
from tianping.web.core.jobs.limits import job_limits
from tianping.web.core.jobs.models import JobStatus
from tianping.web.core.jobs.runner import job_models, jobs_expire_leases
from tianping.web.core.models import ScheduledWork

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


HEARTBEAT = "worker_heartbeat"
"""The name of the heartbeat's row in the schedule."""
HEARTBEAT_EVERY_S = 10


def heartbeat() -> None:
    """The heartbeat's periodic work: nothing; that it ran is recorded in the schedule."""


def heartbeat_register() -> None:
    """Have this process's periodic work beat the workers' heartbeat."""
    periodic.register(f"{__name__}.heartbeat", every_s=HEARTBEAT_EVERY_S, name=HEARTBEAT)


def newest_heartbeat() -> datetime | None:
    """When a worker was last seen alive: its heartbeat ran, or it renewed a running job's lease.

    ``None`` when no worker has ever run.
    """
    seen = [ScheduledWork.objects.filter(name=HEARTBEAT).aggregate(at=Max("last_run_at"))["at"]]
    lease = timedelta(seconds=job_limits().lease_seconds)
    for model in job_models():
        expires = model.objects.filter(  # type: ignore[attr-defined]
            status=JobStatus.RUNNING, lease_expires_at__isnull=False
        ).aggregate(at=Max("lease_expires_at"))["at"]
        seen.append(expires - lease if expires is not None else None)
    return max((moment for moment in seen if moment is not None), default=None)


def start_lease_sweeper() -> threading.Thread:
    """Sweep once now, then every half lease in a daemon thread of this worker.

    The same thread copies the registered periodic work into the schedule and runs
    what is due (:mod:`tianping.web.core.periodic`), the heartbeat included.
    """
    heartbeat_register()
    sweep_once()
    try:
        periodic.schedule_sync()
    except Exception:
        logger.exception("copying the periodic work into the schedule failed")
    finally:
        connections.close_all()
    # The first pass imports the periodic work's modules: done here, before the worker forks
    # its first job process, because a child forked while another thread imports a module
    # would wait for that module's lock forever.
    _periodic()
    interval = max(1.0, job_limits().lease_seconds / 2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(min(interval, PERIODIC_EVERY_S)):
            sweep_once()
            _periodic()

    thread = threading.Thread(target=loop, name="tianping-lease-sweeper", daemon=True)
    thread.start()
    return thread
