"""Background tasks of ethics review (run by ``tianping worker``)."""

from __future__ import annotations

from django_tasks import task

from tianping.web.core.jobs import job_run
from tianping.web.reviews.models import DecisionLetterJob


@task()
def render_decision_letter(job_id: str) -> None:
    job_run(DecisionLetterJob, job_id, work="tianping.web.reviews.records.services.letter_job_work")
