"""Background tasks of the registry (run by ``tianping worker``)."""

from __future__ import annotations

from django_tasks import task

from tianping.web.core.jobs import job_run
from tianping.web.systems.models import ReportJob


@task()
def render_intake_report(job_id: str) -> None:
    job_run(ReportJob, job_id, work="tianping.web.systems.services.report_job_work")
