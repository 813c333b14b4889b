"""Readiness of this process for a load balancer: database, storage, keys, a live worker.

``/readyz`` (:mod:`tianping.web.core.views`) runs :func:`readiness`. The core checks
the database, that the home folder and the file storages (a local folder or an S3
bucket, :mod:`tianping.web.core.storage`) take, give back and delete a small probe
file, and that a worker's heartbeat is
fresher than ``TIANPING_READY_WORKER_SECONDS`` (default 120; ``0``, or tasks run in
the request, leaves workers out). Apps above the core add their own checks in their
``AppConfig.ready()`` with :func:`register` (the ledger: its signing keys match what
the database holds). A result names each check and says ``ok``, ``failed`` or
``skipped``, nothing more: no paths, no keys, no error texts (those go to the log).
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

from tianping.web.core.jobs.sweeper import newest_heartbeat

logger = logging.getLogger(__name__)

OK = "ok"
FAILED = "failed"
SKIPPED = "skipped"
"""Not run: the database it needs failed, or it does not apply to this deployment."""

WORKER_SECONDS_DEFAULT = 120
IMMEDIATE_TASKS = "django_tasks.backends.immediate.ImmediateBackend"


@dataclass(frozen=True)
class _Check:
    function: Callable[[], bool]
    needs_database: bool
    remember_ok_s: float


_CHECKS: dict[str, _Check] = {}
_PASSED_AT: dict[str, float] = {}


def register(
    name: str,
    function: Callable[[], bool],
    *,
    needs_database: bool = True,
    remember_ok_s: float = 0,
) -> None:
    """Add the check ``name``: ``function`` answers whether all is well.

    A check that passed is not run again for ``remember_ok_s`` seconds (one that
    reads much should not run at every probe); one that raises has failed.
    """
    _CHECKS[name] = _Check(function, needs_database, float(remember_ok_s))


def forget_results() -> None:
    """Run every check afresh at the next probe."""
    _PASSED_AT.clear()


def database_reachable() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return bool(cursor.fetchone() == (1,))


PROBE_PREFIX = ".ready-"
STORAGE_NAMES = ("default", "uploads")
"""The platform's file storages (``STORAGES``), each probed by :func:`storage_writable`."""


def storage_probe(name: str) -> bool:
    """The storage ``name`` takes a small object, gives back its bytes and deletes it."""
    storage = storages[name]
    content = uuid.uuid4().hex.encode()
    saved = storage.save(f"{PROBE_PREFIX}{uuid.uuid4().hex}", ContentFile(content))
    try:
        with storage.open(saved, "rb") as handle:
            read = handle.read()
    finally:
        storage.delete(saved)
    return bool(read == content) and not storage.exists(saved)


def storage_writable() -> bool:
    """The home folder (outbox, keys, work copies) takes a new file, and so does every file
    storage (uploads, other files: a local folder or an S3 bucket)."""
    with tempfile.NamedTemporaryFile(dir=settings.HOME, prefix=PROBE_PREFIX) as probe:
        probe.write(b"ok")
        probe.flush()
    return all(storage_probe(name) for name in STORAGE_NAMES if name in settings.STORAGES)


def worker_seconds() -> int:
    """How fresh a worker's heartbeat must be (seconds); 0 leaves workers out."""
    return int(os.environ.get("TIANPING_READY_WORKER_SECONDS", str(WORKER_SECONDS_DEFAULT)))


def workers_needed() -> bool:
    return worker_seconds() > 0 and settings.TASKS["default"]["BACKEND"] != IMMEDIATE_TASKS


def worker_alive() -> bool:
    """A worker's heartbeat is fresher than :func:`worker_seconds`."""
    seen = newest_heartbeat()
    return seen is not None and timezone.now() - seen <= timedelta(seconds=worker_seconds())


def _run(name: str, check: Callable[[], bool], remember_ok_s: float = 0) -> str:
    passed_at = _PASSED_AT.get(name)
    if remember_ok_s and passed_at is not None and time.monotonic() - passed_at < remember_ok_s:
        return OK
    try:
        passed = bool(check())
    except Exception:
        logger.exception("readiness check %s failed", name)
        passed = False
    if not passed:
        _PASSED_AT.pop(name, None)
        return FAILED
    _PASSED_AT[name] = time.monotonic()
    return OK


def readiness() -> dict[str, str]:
    """Each check's result: ``ok``, ``failed`` or ``skipped``, in a fixed order."""
    results = {
        "database": _run("database", database_reachable),
        "storage": _run("storage", storage_writable),
    }
    database_ok = results["database"] == OK
    for name, registered in _CHECKS.items():
        if registered.needs_database and not database_ok:
            results[name] = SKIPPED
        else:
            results[name] = _run(name, registered.function, registered.remember_ok_s)
    if not workers_needed() or not database_ok:
        results["worker"] = SKIPPED
    else:
        results["worker"] = _run("worker", worker_alive)
    return results
