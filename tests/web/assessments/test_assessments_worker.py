"""A bias assessment through the real database queue and ``db_worker``, as in production."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from tests.web.assessments.factories import SETTINGS, upload
from tests.web.factories import build_network
from tianping.web.assessments.bias.services import bias_assessment_start
from tianping.web.assessments.evidence.selectors import evidence_of
from tianping.web.assessments.models import BiasAssessment

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_assessment(settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    n = build_network()
    assessment = bias_assessment_start(
        actor=n.applicant_a, system=n.system_a, upload=upload(), **SETTINGS
    )
    assessment.refresh_from_db()
    assert assessment.status == BiasAssessment.Status.QUEUED

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    assessment.refresh_from_db()
    assert assessment.status == BiasAssessment.Status.DONE, assessment.error
    assert evidence_of(assessment).links.filter(item="REQ-13-02").exists()  # type: ignore[union-attr]
