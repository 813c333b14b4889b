"""Reads of privacy scans, always through the reader's view of the registry."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from tianping.web.assessments.jobs import can_cancel_job, job_get
from tianping.web.assessments.models import PrivacyScan
from tianping.web.systems.models import AISystem
from tianping.web.systems.selectors import User


def can_cancel_scan(user: User, scan: PrivacyScan) -> bool:
    return can_cancel_job(user, scan)


def scans_of(system: AISystem) -> QuerySet[PrivacyScan]:
    return system.privacy_scans.select_related("data", "requested_by")


def scan_get(user: User, scan_id: uuid.UUID | str) -> PrivacyScan:
    """The scan if ``user`` may read its system; otherwise 404 (no existence leak)."""
    return job_get(PrivacyScan, user, scan_id)
