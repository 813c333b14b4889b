"""Background work through the real database queue and ``db_worker``, as in production."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.web.factories import build_network
from tianping.web.systems.models import ReportJob
from tianping.web.systems.services import report_job_cancel, report_job_start

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_renders_a_queued_report(settings: object) -> None:
    settings.TASKS = DATABASE_TASKS  # type: ignore[attr-defined]
    n = build_network()
    job = report_job_start(actor=n.applicant_a, system=n.system_a, language="zh-Hans")
    job.refresh_from_db()
    assert job.status == ReportJob.Status.QUEUED

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.message
    assert bytes(job.pdf).startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_a_report_cancelled_in_the_queue_is_never_rendered(settings: object) -> None:
    settings.TASKS = DATABASE_TASKS  # type: ignore[attr-defined]
    n = build_network()
    job = report_job_start(actor=n.applicant_a, system=n.system_a, language="en")
    report_job_cancel(actor=n.applicant_a, job=job)

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    job.refresh_from_db()
    assert job.status == ReportJob.Status.CANCELLED
    assert job.pdf is None
