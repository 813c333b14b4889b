"""Background tasks of probe runs (run by ``tianping worker``, through the job runner)."""

from __future__ import annotations

from django_tasks import task

from tianping.web.core.jobs import job_run
from tianping.web.probes.models import ProbeRun


@task()
def run_probe_run(run_id: str) -> None:
    job_run(ProbeRun, run_id, work="tianping.web.probes.services.probe_run_work")
