"""Risk reports and warnings of the test network, made through the services."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.web.factories import Network, make_user
from tianping.web.accounts.models import Role
from tianping.web.network.attachments import attachment_add
from tianping.web.network.models import (
    EarlyWarning,
    ListProposal,
    PilotSummary,
    RiskReport,
    WarningDraft,
)
from tianping.web.network.services import report_create, warning_issue

RESIDENT_ID = "11010519491231002X"
"""A resident ID number with a valid check character."""
PHONE = "13912345678"


def report_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "kind": "incident",
        "category": "privacy_leak",
        "severity": "high",
        "title": "Scores shown to the wrong customer 评分错发",
        "description": "A customer saw another customer's credit score.",
        "actions_taken": "Feature switched off.",
        "affected_people": 12,
        "visibility": "organisation",
    }
    fields.update(changes)
    return fields


def file_report(n: Network, **changes: Any) -> RiskReport:
    """A report of enterprise A about system A, filed by applicant_a."""
    return report_create(
        actor=n.applicant_a,  # type: ignore[arg-type]
        organisation=n.enterprise_a,
        system=n.system_a,
        **report_fields(**changes),
    )


def warn_province_a(n: Network, **changes: Any) -> EarlyWarning:
    """An early warning of province A to its subtree."""
    fields: dict[str, Any] = {
        "title": "Credit scorers leaking scores",
        "body": "Check who can see a score.",
        "category": "privacy_leak",
        "severity": "high",
    }
    fields.update(changes)
    return warning_issue(
        actor=n.regulator_province_a,  # type: ignore[arg-type]
        issuer=n.province_a,
        **fields,
    )


def city_regulator(n: Network) -> Any:
    """A regulator of city A (the network fixture has none)."""
    return make_user("regulator_city_a", organisation=n.city_a, role=Role.REGULATOR)


def network_values(n: Network) -> dict[str, int]:
    """Path parameters of the network's URLs: a report of A (jurisdiction) and a warning."""
    report = file_report(n, visibility="jurisdiction")
    attachment = attachment_add(
        actor=n.applicant_a,  # type: ignore[arg-type]
        report=report,
        upload=SimpleUploadedFile("timeline.txt", b"Switched off at noon.\n"),
    )
    warning = warn_province_a(n)
    draft = WarningDraft.objects.create(
        issuer=n.province_a,
        rule="reports_same_category",
        key=f"matrix:{n.province_a.pk}",
        title="Drafted",
        body="Drafted by a trigger.",
        category="other",
        severity="low",
        created_at=timezone.now(),
    )
    proposal = ListProposal.objects.create(
        proposer=n.province_a,
        change="remove",
        activity_code="public_opinion_mobilisation",
        source="case_pattern",
        reason="Matrix",
        created_at=timezone.now(),
    )
    summary = PilotSummary.objects.create(
        region=n.city_a,
        submitted_to=n.province_a,
        pdf=b"%PDF-1.7 matrix",
        sha256="0" * 64,
        submitted_at=timezone.now(),
    )
    return {
        "report_id": report.pk,
        "attachment_id": attachment.pk,
        "warning_id": warning.pk,
        "draft_id": draft.pk,
        "proposal_id": proposal.pk,
        "summary_id": summary.pk,
    }
