"""Running jobs: claim, run the work in a child process under budgets, heartbeat, expire leases.

The work of a job runs in a forked child process so that a hostile input (a
decompression bomb, a file of many million rows) costs at most the job's time
and memory budget and never the worker itself. The parent waits on the child,
renews the job's lease, watches its resident memory and the clock, and kills it
when it goes over a budget or ignores a cancellation. Where a child cannot see
the parent's data -- an in-memory SQLite database, or an open transaction (as in
tests) -- the work runs inline, in the worker, under the same cancellation rules.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, TypeVar

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop

from tianping.errors import LocalizedError
from tianping.text import LocalizedText
from tianping.web.core.jobs.limits import JobLimits, job_limits
from tianping.web.core.jobs.models import BackgroundJob, JobStatus

logger = logging.getLogger(__name__)

J = TypeVar("J", bound=BackgroundJob)

Reason = Literal["finished", "crashed", "time", "memory", "cancelled"]

_POLL_S = 0.1
_EXIT_OUT_OF_MEMORY = 3

MSG_TIME = gettext_noop("Stopped: the job ran past its time budget.")
MSG_MEMORY = gettext_noop("Stopped: the job needed more memory than its budget.")
MSG_CRASHED = gettext_noop("The job stopped unexpectedly.")
MSG_WORKER_LOST = gettext_noop("The worker running this job stopped; it was not finished.")
MSG_CANCELLED = gettext_noop("Cancelled.")
MSG_NO_RESULT = gettext_noop("The job ended without a result.")

ERR_TIME = LocalizedText(
    zh="任务运行超过了 {minutes:g} 分钟的时间上限，已被停止（TIANPING_JOB_MAX_SECONDS）。",
    en="The job ran longer than its budget of {minutes:g} minutes and was stopped "
    "(TIANPING_JOB_MAX_SECONDS).",
)
ERR_MEMORY = LocalizedText(
    zh="任务使用的内存超过了 {mib} MiB 的上限，已被停止（TIANPING_JOB_MAX_MEMORY_BYTES）。",
    en="The job used more than its memory budget of {mib} MiB and was stopped "
    "(TIANPING_JOB_MAX_MEMORY_BYTES).",
)


def bilingual(text: LocalizedText, **params: object) -> dict[str, str]:
    """``{"zh-Hans": …, "en": …}`` of a template filled with ``params`` (a job's ``error``)."""
    return {"zh-Hans": text.zh.format(**params), "en": text.en.format(**params)}


def error_texts(error: BaseException) -> dict[str, str]:
    """A library error as a job's bilingual ``error`` (the same text twice if not bilingual)."""
    if isinstance(error, LocalizedError):
        return {"zh-Hans": error.localized("zh-Hans"), "en": error.localized("en")}
    text = getattr(error, "message", None) or str(error)
    return {"zh-Hans": str(text)[:2000], "en": str(text)[:2000]}


def job_models() -> list[type[BackgroundJob]]:
    """Every concrete kind of job on the platform."""
    return [m for m in apps.get_models() if issubclass(m, BackgroundJob) and not m._meta.abstract]


# --- what work calls -----------------------------------------------------------------------------


def job_step(model: type[J], job_id: Any, *, progress: int, message: str) -> bool:
    """Record a job's progress; ``False`` (and the job cancelled) once cancellation was asked.

    The work calls it between stages and returns when it answers ``False``.
    """
    with transaction.atomic():
        job = model.objects.select_for_update().get(pk=job_id)  # type: ignore[attr-defined]
        if job.cancel_requested:
            job_mark_cancelled(job)
            return False
        if job.is_finished:
            return False
        job.status = JobStatus.RUNNING
        job.progress = max(0, min(100, progress))
        job.message = message
        job.save(update_fields=["status", "progress", "message"])
    return True


def job_fail(
    model: type[J], job_id: Any, *, message: str, error: Mapping[str, str] | None = None
) -> None:
    """Mark a job failed: ``message`` untranslated (``gettext_noop``), ``error`` bilingual."""
    model.objects.filter(pk=job_id).update(  # type: ignore[attr-defined]
        status=JobStatus.FAILED,
        message=message,
        error=dict(error) if error else None,
        finished_at=timezone.now(),
        lease_expires_at=None,
    )


def job_cancel(model: type[J], job_id: Any) -> J:
    """Ask a job to stop: at once if it is queued or its worker died (its lease expired), at
    its next step if it is running.

    Permission checks belong to the caller (each kind says who may cancel).
    """
    with transaction.atomic():
        job: J = model.objects.select_for_update().get(pk=job_id)  # type: ignore[attr-defined]
        if job.is_finished:
            return job
        job.cancel_requested = True
        if job.status == JobStatus.QUEUED:
            job.status = JobStatus.CANCELLED
            job.finished_at = timezone.now()
            job.message = gettext_noop("Cancelled before it started.")
        elif job.lease_expires_at is not None and job.lease_expires_at < timezone.now():
            job_mark_cancelled(job)  # nobody renews the lease: no worker will take the flag
        job.save()
    if job.is_finished:
        _release(job)
    return job


def job_mark_cancelled(job: BackgroundJob) -> None:
    """Mark ``job`` (a row locked by the caller) cancelled now."""
    job.status = JobStatus.CANCELLED
    job.finished_at = timezone.now()
    job.message = MSG_CANCELLED
    job.lease_expires_at = None
    job.save()


# --- running -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildOutcome:
    """How a child process ended: why, its exit code, how long it ran, its peak memory."""

    reason: Reason
    exitcode: int | None
    seconds: float
    peak_rss_bytes: int


def _rss_bytes(pid: int) -> int:
    """The memory process ``pid`` holds for itself (Linux; 0 where unavailable).

    A forked child shares its parent's pages until it writes to them; only its
    private pages (``Private_Clean`` + ``Private_Dirty`` of ``smaps_rollup``) are
    what the job costs. Falls back to the resident set size.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            total = 0
            for line in handle:
                if line.startswith((b"Private_Clean:", b"Private_Dirty:")):
                    total += int(line.split()[1]) * 1024
            return total
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _data_bytes() -> int:
    """This process's data segment now (``VmData``), as RLIMIT_DATA counts it."""
    try:
        with open("/proc/self/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _die_with_parent() -> None:
    """Linux: the kernel kills this child when its worker dies (even by SIGKILL), so a job
    whose lease expired is never still being worked on by an orphan."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _child_main(target: str, args: tuple[Any, ...], memory_bytes: int) -> None:
    # The worker's signal handlers (graceful shutdown) are not the child's: the parent
    # decides when the child stops.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    try:
        import resource

        # A backstop below the watchdog: allocations far past the budget fail at once
        # instead of waiting for the next look at the child's memory.
        # What the child inherited counts towards RLIMIT_DATA too: the limit is on top of it.
        limit = _data_bytes() + memory_bytes * 2
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not on Linux
        pass
    code = 0
    try:
        import_string(target)(*args)
    except MemoryError:
        code = _EXIT_OUT_OF_MEMORY
    except BaseException:
        logger.exception("job work %s failed", target)
        code = 1
    finally:
        connections.close_all()
    os._exit(code)


def run_in_child(
    target: str,
    *args: Any,
    limits: JobLimits,
    tick: Callable[[], bool] | None = None,
    tick_every_s: float = 1.0,
) -> ChildOutcome:
    """Run ``target(*args)`` (a dotted path) in a forked child under ``limits``.

    ``tick`` runs in the parent every ``tick_every_s`` seconds (renew a lease,
    read the cancellation flag) and answers whether to stop the child; the child
    is killed if it is still running ``limits.cancel_grace_seconds`` later.
    """
    connections.close_all()  # the child opens its own; a shared socket would corrupt both
    context = multiprocessing.get_context("fork")
    child = context.Process(
        target=_child_main, args=(target, args, limits.max_memory_bytes), daemon=True
    )
    started = time.monotonic()
    child.start()
    peak = 0
    reason: Reason | None = None
    next_tick = started + tick_every_s
    stop_asked_at: float | None = None
    try:
        while True:
            child.join(_POLL_S)
            now = time.monotonic()
            if child.exitcode is not None:
                break
            pid = child.pid
            rss = _rss_bytes(pid) if pid is not None else 0
            peak = max(peak, rss)
            if rss > limits.max_memory_bytes:
                reason = "memory"
            elif now - started > limits.max_seconds:
                reason = "time"
            elif stop_asked_at is not None and now - stop_asked_at > limits.cancel_grace_seconds:
                reason = "cancelled"
            if reason is not None:
                child.kill()
                child.join()
                break
            if tick is not None and now >= next_tick:
                next_tick = now + tick_every_s
                if tick() and stop_asked_at is None:
                    stop_asked_at = now
    finally:
        if child.exitcode is None:  # the worker itself is being stopped: take the child along
            child.kill()
            child.join()
    seconds = time.monotonic() - started
    code = child.exitcode
    if reason is None:
        if code == 0:
            reason = "finished"
        elif code == _EXIT_OUT_OF_MEMORY:
            reason = "memory"
        else:
            reason = "crashed"
    return ChildOutcome(reason=reason, exitcode=code, seconds=seconds, peak_rss_bytes=peak)


def _isolated() -> bool:
    """Whether a child process can see what this process sees in the database."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        return False
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]
    return not in_memory


def _claim(model: type[J], job_id: Any, limits: JobLimits) -> bool:
    with transaction.atomic():
        job = model.objects.select_for_update().filter(pk=job_id).first()  # type: ignore[attr-defined]
        if job is None or job.is_finished:
            return False
        if job.cancel_requested:
            job_mark_cancelled(job)
            return False
        now = timezone.now()
        job.status = JobStatus.RUNNING
        job.started_at = job.started_at or now
        job.attempts += 1
        job.lease_expires_at = now + timedelta(seconds=limits.lease_seconds)
        job.save()
    return True


def _heartbeat(model: type[J], job_id: Any, limits: JobLimits) -> bool:
    """Renew the lease; whether the job should stop (cancelled, or finished elsewhere)."""
    row = (
        model.objects.filter(pk=job_id)  # type: ignore[attr-defined]
        .values_list("cancel_requested", "status")
        .first()
    )
    if row is None:
        return True
    model.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(  # type: ignore[attr-defined]
        lease_expires_at=timezone.now() + timedelta(seconds=limits.lease_seconds)
    )
    cancel_requested, status = row
    return bool(cancel_requested) or status in (JobStatus.CANCELLED, JobStatus.FAILED)


def job_run(model: type[J], job_id: Any, *, work: str) -> None:
    """Claim a queued job and run ``work(job_id)`` under the job budgets (the task worker).

    The work reports progress with :func:`job_step` and finishes the job itself
    (done, or failed with its reason); the runner fails it when it crashes, goes
    over a budget or ends without a result, and cancels it when asked.
    """
    limits = job_limits()
    if not _claim(model, job_id, limits):
        return
    if not _isolated():
        import_string(work)(job_id)
    else:
        tick_every = max(0.2, min(5.0, limits.lease_seconds / 3))
        outcome = run_in_child(
            work,
            job_id,
            limits=limits,
            tick=lambda: _heartbeat(model, job_id, limits),
            tick_every_s=tick_every,
        )
        _settle(model, job_id, outcome, limits)
    model.objects.filter(pk=job_id).update(lease_expires_at=None)  # type: ignore[attr-defined]
    job = model.objects.filter(pk=job_id).first()  # type: ignore[attr-defined]
    if job is None:
        return
    if not job.is_finished:
        if job.cancel_requested:
            job_mark_cancelled(job)
        else:
            job_fail(model, job_id, message=MSG_NO_RESULT)
    _release(job)


def _release(job: BackgroundJob) -> None:
    """Let a job that ended drop its inputs; a failure is logged, never raised."""
    try:
        job.release_inputs()
    except Exception:
        logger.exception("releasing the inputs of job %s failed", job.pk)


def _settle(model: type[J], job_id: Any, outcome: ChildOutcome, limits: JobLimits) -> None:
    if outcome.reason == "finished":
        return
    logger.warning(
        "job %s %s: %s after %.1f s (exit %s, peak %d MiB)",
        model.__name__,
        job_id,
        outcome.reason,
        outcome.seconds,
        outcome.exitcode,
        outcome.peak_rss_bytes >> 20,
    )
    if outcome.reason == "cancelled":
        job = model.objects.get(pk=job_id)  # type: ignore[attr-defined]
        if not job.is_finished:
            job_mark_cancelled(job)
    elif outcome.reason == "time":
        job_fail(
            model,
            job_id,
            message=MSG_TIME,
            error=bilingual(ERR_TIME, minutes=limits.max_seconds / 60),
        )
    elif outcome.reason == "memory":
        job_fail(
            model,
            job_id,
            message=MSG_MEMORY,
            error=bilingual(ERR_MEMORY, mib=limits.max_memory_bytes >> 20),
        )
    elif not model.objects.get(pk=job_id).is_finished:  # type: ignore[attr-defined]
        job_fail(model, job_id, message=MSG_CRASHED)


# --- leases --------------------------------------------------------------------------------------


def jobs_expire_leases(*, now: Any = None) -> int:
    """Re-queue (attempts left) or fail every running job whose lease expired; how many.

    A lease expires only when the process that ran the job stopped renewing it:
    the worker was killed, or its machine went away.
    """
    now = now or timezone.now()
    limits = job_limits()
    handled = 0
    for model in job_models():
        stale = model.objects.filter(  # type: ignore[attr-defined]
            status=JobStatus.RUNNING, lease_expires_at__lt=now
        ).values_list("pk", flat=True)
        for job_id in list(stale):
            with transaction.atomic():
                job = model.objects.select_for_update().get(pk=job_id)  # type: ignore[attr-defined]
                if job.status != JobStatus.RUNNING or not job.lease_expires_at:
                    continue
                if job.lease_expires_at >= now:
                    continue
                handled += 1
                if job.cancel_requested:  # asked to stop while its worker was dying
                    job_mark_cancelled(job)
                    transaction.on_commit(functools.partial(_release, job), robust=True)
                elif job.attempts < limits.max_attempts:
                    job.status = JobStatus.QUEUED
                    job.lease_expires_at = None
                    job.progress = 0
                    job.message = gettext_noop("Queued again: the worker running it stopped.")
                    job.save()
                    transaction.on_commit(job.enqueue, robust=True)
                else:
                    job.status = JobStatus.FAILED
                    job.message = MSG_WORKER_LOST
                    job.lease_expires_at = None
                    job.finished_at = now
                    job.save()
                    transaction.on_commit(functools.partial(_release, job), robust=True)
    return handled
