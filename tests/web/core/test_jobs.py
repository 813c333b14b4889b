"""The job runner: budgets in a child process, cancellation, leases, a worker killed mid-job."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.web.factories import build_network
from tests.web.operations.test_platform_crash import ROOT, platform_env  # noqa: F401
from tianping.web.core.jobs import (
    JobLimits,
    JobStatus,
    job_cancel,
    job_models,
    jobs_expire_leases,
    run_in_child,
)
from tianping.web.core.jobs.runner import MSG_CANCELLED, MSG_WORKER_LOST
from tianping.web.systems.models import ReportJob
from tianping.web.systems.services import report_job_start

LIMITS = JobLimits(
    max_seconds=30,
    max_memory_bytes=256 << 20,
    max_rows=1000,
    max_decoded_bytes=1 << 20,
    max_cells=10_000,
    lease_seconds=2,
    max_attempts=2,
    cancel_grace_seconds=0.3,
)


def sleep_forever(*_args: Any) -> None:
    time.sleep(600)


def allocate(megabytes: int) -> None:
    chunks = []
    for _ in range(megabytes):
        chunks.append(bytearray(1 << 20))  # touched: resident, not only reserved
    time.sleep(5)


def crash() -> None:
    raise RuntimeError("boom")


def finish() -> None:
    pass


def test_every_job_kind_is_on_the_one_base() -> None:
    names = {m.__name__ for m in job_models()}
    assert {"ReportJob", "DecisionLetterJob", "BiasAssessment", "PrivacyScan"} <= names


def test_a_child_over_its_time_budget_is_stopped() -> None:
    limits = JobLimits(**{**LIMITS.__dict__, "max_seconds": 0.5})
    outcome = run_in_child(f"{__name__}.sleep_forever", limits=limits)
    assert outcome.reason == "time" and outcome.exitcode == -signal.SIGKILL


def test_a_child_over_its_memory_budget_is_stopped() -> None:
    outcome = run_in_child(f"{__name__}.allocate", 1024, limits=LIMITS)
    assert outcome.reason == "memory"


def test_work_that_ignores_a_cancellation_is_stopped_after_the_grace_period() -> None:
    ticks: list[float] = []

    def tick() -> bool:
        ticks.append(time.monotonic())
        return True  # "cancellation asked for"

    outcome = run_in_child(f"{__name__}.sleep_forever", limits=LIMITS, tick=tick, tick_every_s=0.1)
    assert outcome.reason == "cancelled" and ticks


def test_a_crash_and_a_clean_end_are_told_apart() -> None:
    assert run_in_child(f"{__name__}.crash", limits=LIMITS).reason == "crashed"
    assert run_in_child(f"{__name__}.finish", limits=LIMITS).reason == "finished"


@pytest.mark.django_db
def test_an_expired_lease_requeues_a_job_with_attempts_left_and_fails_one_without(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TIANPING = {**settings.TIANPING, "JOB_MAX_ATTEMPTS": 2}
    n = build_network()
    with django_capture_on_commit_callbacks():
        job = report_job_start(actor=n.applicant_a, system=n.system_a, language="en")
    past = timezone.now() - timedelta(seconds=1)
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, lease_expires_at=past
    )
    alive = report_job_start(actor=n.applicant_a, system=n.system_a, language="en")
    ReportJob.objects.filter(pk=alive.pk).update(
        status=JobStatus.RUNNING,
        attempts=1,
        lease_expires_at=timezone.now() + timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert jobs_expire_leases() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and len(callbacks) == 1  # handed to the queue again
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=2, lease_expires_at=past
    )
    assert jobs_expire_leases() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == MSG_WORKER_LOST
    alive.refresh_from_db()
    assert alive.status == JobStatus.RUNNING  # its worker still renews the lease


@pytest.mark.django_db
def test_cancelling_a_job_whose_worker_died_takes_effect_at_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    n = build_network()
    with django_capture_on_commit_callbacks():
        dead = report_job_start(actor=n.applicant_a, system=n.system_a, language="en")
        alive = report_job_start(actor=n.applicant_a, system=n.system_a, language="en")
    ReportJob.objects.filter(pk=dead.pk).update(
        status=JobStatus.RUNNING, attempts=1, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    ReportJob.objects.filter(pk=alive.pk).update(
        status=JobStatus.RUNNING, attempts=1, lease_expires_at=timezone.now() + timedelta(minutes=1)
    )
    assert job_cancel(ReportJob, dead.pk).status == JobStatus.CANCELLED  # nobody renews it
    running = job_cancel(ReportJob, alive.pk)  # its worker stops it at its next step
    assert running.status == JobStatus.RUNNING and running.cancel_requested

    # Asked to stop just before its worker died: cancelled, not failed, when the lease ends.
    ReportJob.objects.filter(pk=alive.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert jobs_expire_leases() == 1
    alive.refresh_from_db()
    assert alive.status == JobStatus.CANCELLED and alive.message == MSG_CANCELLED


def _python(env: dict[str, str], *args: str, **kwargs: Any) -> Any:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.web.core.job_process", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_a_worker_killed_mid_job_leaves_a_job_that_is_retried_then_failed(
    platform_env: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    env = {**platform_env, "TIANPING_JOB_LEASE_SECONDS": "1", "TIANPING_JOB_MAX_ATTEMPTS": "1"}
    setup = _python(env, "setup")
    out, _ = setup.communicate(timeout=120)
    assert setup.returncode == 0
    job_id = json.loads(out.strip().splitlines()[-1])["job"]
    marker = tmp_path / "child.pid"
    worker = _python(env, "run", job_id, str(marker))
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the job's work never started"
    child = int(marker.read_text())
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    # The kernel takes the child along: no orphan keeps working on the job.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{child}").exists():
        state = (
            Path(f"/proc/{child}/stat").read_text().split()[2]
            if Path(f"/proc/{child}/stat").exists()
            else "X"
        )
        if state == "Z":
            break
        time.sleep(0.05)
    assert not Path(f"/proc/{child}").exists() or state == "Z"
    time.sleep(1.2)  # past the lease
    check = subprocess.run(
        [sys.executable, "-c", _EXPIRE.format(job=job_id)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    status, message = json.loads(check.stdout.strip().splitlines()[-1])
    assert (status, message) == ("failed", MSG_WORKER_LOST)


_EXPIRE = """
import django, json
django.setup()
from tianping.web.core.jobs.sweeper import sweep_once
from tianping.web.systems.models import ReportJob
before = ReportJob.objects.get(pk="{job}")
assert before.status == "running", before.status
sweep_once()
job = ReportJob.objects.get(pk="{job}")
print(json.dumps([job.status, job.message]))
"""
