"""Background jobs: one model, one runner, budgets, leases.

Terms
-----
job
    A row of a concrete subclass of :class:`BackgroundJob` (a bias assessment,
    a privacy scan, a PDF to typeset …): status, progress, a message stored
    untranslated and translated when shown, a bilingual error, and a
    cancellation flag. Each kind keeps its own table.
work
    The function that does a job's work, ``work(job_id)``, named by its dotted
    path. It reports progress with :func:`job_step`, which answers ``False``
    once cancellation was asked for: the work then returns.
runner
    :func:`job_run` claims a queued job and runs its work in a **child
    process** under the job budgets (``TIANPING["JOB_MAX_SECONDS"]``,
    ``TIANPING["JOB_MAX_MEMORY_BYTES"]``). The parent watches it: a child over
    a budget is killed and the job failed with the reason; a cancellation
    asked for is honoured even by work that does not yield (after a grace
    period, the child is killed).
lease, heartbeat
    While a job runs its parent renews ``lease_expires_at`` every few seconds.
    A job whose lease expired (its worker was killed) is re-queued while it
    has attempts left (``TIANPING["JOB_MAX_ATTEMPTS"]``), and failed otherwise,
    by :func:`jobs_expire_leases` (every worker runs it).
"""

from tianping.web.core.jobs.limits import JobLimits, job_limits
from tianping.web.core.jobs.models import BackgroundJob, JobStatus
from tianping.web.core.jobs.runner import (
    ChildOutcome,
    bilingual,
    error_texts,
    job_cancel,
    job_fail,
    job_mark_cancelled,
    job_models,
    job_run,
    job_step,
    jobs_expire_leases,
    run_in_child,
)

__all__ = [
    "BackgroundJob",
    "ChildOutcome",
    "JobLimits",
    "JobStatus",
    "bilingual",
    "error_texts",
    "job_cancel",
    "job_fail",
    "job_limits",
    "job_mark_cancelled",
    "job_models",
    "job_run",
    "job_step",
    "jobs_expire_leases",
    "run_in_child",
]
