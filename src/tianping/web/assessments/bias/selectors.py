"""Reads of bias assessments, always through the reader's view of the registry."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from tianping.web.assessments.jobs import can_cancel_job, job_get
from tianping.web.assessments.models import BiasAssessment
from tianping.web.systems.models import AISystem
from tianping.web.systems.selectors import User


def can_cancel_assessment(user: User, assessment: BiasAssessment) -> bool:
    """Its requester, or anyone who may run assessments on the system."""
    return can_cancel_job(user, assessment)


def assessments_of(system: AISystem) -> QuerySet[BiasAssessment]:
    return system.bias_assessments.select_related("data", "requested_by")


def assessment_get(user: User, assessment_id: uuid.UUID | str) -> BiasAssessment:
    """The assessment if ``user`` may read its system; otherwise 404 (no existence leak)."""
    return job_get(BiasAssessment, user, assessment_id)
