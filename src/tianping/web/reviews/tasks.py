"""Background tasks of ethics review (run by ``tianping worker``)."""

from __future__ import annotations

from django_tasks import task

from tianping.web.reviews.services import letters


@task()
def render_decision_letter(job_id: str) -> None:
    letters.letter_job_run(job_id=job_id)
