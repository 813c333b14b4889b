"""Background tasks of bias assessments (run by ``tianping worker``)."""

from __future__ import annotations

from django_tasks import task

from tianping.web.assessments import services


@task()
def run_bias_assessment(assessment_id: str) -> None:
    services.bias_assessment_run(assessment_id=assessment_id)


@task()
def run_privacy_scan(scan_id: str) -> None:
    from tianping.web.assessments import privacy

    privacy.privacy_scan_run(scan_id=scan_id)
