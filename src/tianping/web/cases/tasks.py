"""Background tasks of the case database (run by ``tianping worker``)."""

from __future__ import annotations

from django_tasks import task

from tianping.web.cases.models import AiidImport
from tianping.web.core.jobs import job_run


@task()
def run_aiid_import(job_id: str) -> None:
    job_run(AiidImport, job_id, work="tianping.web.cases.aiid.aiid_import_work")
