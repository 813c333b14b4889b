"""Background tasks of assessments (run by ``tianping worker``, through the job runner)."""

from __future__ import annotations

from django_tasks import task

from tianping.web.assessments.models import BiasAssessment, PrivacyScan
from tianping.web.core.jobs import job_run


@task()
def run_bias_assessment(assessment_id: str) -> None:
    job_run(
        BiasAssessment,
        assessment_id,
        work="tianping.web.assessments.bias.services.bias_assessment_work",
    )


@task()
def run_privacy_scan(scan_id: str) -> None:
    job_run(
        PrivacyScan, scan_id, work="tianping.web.assessments.privacy.services.privacy_scan_work"
    )
