"""Background tasks of the registry (run by ``tianping worker``)."""

from __future__ import annotations

from django_tasks import task

from tianping.web.systems import services


@task()
def render_intake_report(job_id: str) -> None:
    services.report_job_run(job_id=job_id)
