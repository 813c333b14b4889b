"""Risk reports: routing, triage, escalation by hand and by deadline, drafts, visibility."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.web.factories import Network
from tests.web.network.factories import (
    PHONE,
    RESIDENT_ID,
    city_regulator,
    file_report,
)
from tianping.privacy import is_valid_resident_id
from tianping.web.core import events, periodic
from tianping.web.core.models import Notification
from tianping.web.ledger.models import LedgerLeaf, PlatformAction
from tianping.web.network import services
from tianping.web.network.models import ReportStatus, RiskReport, StepKind
from tianping.web.operations.events import IncidentOpened
from tianping.web.operations.models import Incident, MonitorAlert


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _api_get(user: object, report: RiskReport) -> int:
    return _client(user).get(f"/api/network/reports/{report.pk}").status_code


def test_a_report_routes_to_the_lowest_regulator_and_escalates_to_the_centre(
    network: Network,
) -> None:
    n = network
    city = city_regulator(n)
    report = file_report(n)
    assert report.status == ReportStatus.SUBMITTED
    assert report.assigned_to == n.city_a
    assert list(report.route.all()) == [n.city_a]
    filed = report.steps.get(kind=StepKind.FILED)
    assert filed.ledger_index is not None
    assert PlatformAction.objects.filter(kind="network.report_filed", idx=filed.ledger_index)
    # Only its route reads it: the province is not on it yet, nor anyone of B.
    assert _api_get(city, report) == 200
    assert _api_get(n.regulator_province_a, report) == 404
    assert _api_get(n.applicant_b, report) == 404
    assert _api_get(n.regulator_province_b, report) == 404
    with pytest.raises(PermissionDenied):
        services.report_triage(actor=n.regulator_province_a, report=report, action="accept")

    services.report_triage(actor=city, report=report, action="escalate")
    report.refresh_from_db()
    assert report.assigned_to == n.province_a
    assert _api_get(n.regulator_province_a, report) == 200
    services.report_triage(actor=n.regulator_province_a, report=report, action="escalate")
    report.refresh_from_db()
    assert report.assigned_to == n.central
    assert [o.pk for o in report.route.order_by("path")] == [
        n.central.pk,
        n.province_a.pk,
        n.city_a.pk,
    ]
    with pytest.raises(ValidationError):
        services.report_triage(actor=n.regulator_central, report=report, action="escalate")
    kinds = list(report.steps.values_list("kind", flat=True))
    assert kinds == ["drafted", "filed", "escalated", "escalated"]
    # The reporter heard of each step.
    assert Notification.objects.filter(user=n.applicant_a).count() == 3


def test_triage_requests_information_then_accepts_and_a_bad_action_changes_nothing(
    network: Network,
) -> None:
    n = network
    city = city_regulator(n)
    report = file_report(n)
    with pytest.raises(ValidationError):
        services.report_triage(actor=city, report=report, action="close", note="")
    with pytest.raises(ValidationError):
        services.report_triage(actor=city, report=report, action="delete")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    services.report_triage(
        actor=city, report=report, action="request_information", note="How many customers?"
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.INFORMATION_REQUESTED
    with pytest.raises(PermissionDenied):
        services.report_respond(actor=n.applicant_b, report=report, note="none")
    services.report_respond(actor=n.applicant_a, report=report, note="Twelve.")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    response = _client(city).post(
        reverse("network:report_triage", args=[report.pk]), {"action": "accept"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert report.triage_due_at is None


def test_a_missed_triage_deadline_escalates_by_the_periodic_job(network: Network) -> None:
    n = network
    report = file_report(n, severity="critical")  # 24 hours (deadlines.yaml)
    assert report.triage_due_at is not None
    periodic.schedule_sync()
    early = report.triage_due_at - timedelta(minutes=1)
    late = report.triage_due_at + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=early):
        assert services.reports_escalate_overdue() == 0
    report.refresh_from_db()
    assert report.assigned_to == n.city_a
    with mock.patch("django.utils.timezone.now", return_value=late):
        assert "network_triage_deadlines" in periodic.run_due(now=late)
    report.refresh_from_db()
    assert report.assigned_to == n.province_a
    assert report.steps.filter(kind=StepKind.ESCALATED_OVERDUE, actor=None).count() == 1
    assert report.triage_due_at == late + timedelta(hours=24)
    assert Notification.objects.filter(user=n.regulator_province_a).exists()


def test_personal_data_never_reaches_the_regulator_the_api_or_the_ledger(
    network: Network,
) -> None:
    n = network
    assert is_valid_resident_id(RESIDENT_ID)
    city = city_regulator(n)
    report = file_report(
        n,
        title=f"Leak of {RESIDENT_ID}",
        description=f"客户身份证号{RESIDENT_ID}，手机{PHONE}，被错误展示。",
        actions_taken=f"Called {PHONE}.",
    )
    services.report_triage(
        actor=city, report=report, action="request_information", note=f"Is {PHONE} the customer?"
    )
    report.refresh_from_db()
    assert report.masked == {"cn_resident_id": 2, "cn_mobile": 2}
    page = _client(city).get(reverse("network:report_detail", args=[report.pk]))
    api = _client(city).get(f"/api/network/reports/{report.pk}")
    listing = _client(city).get("/api/network/reports")
    ledger = b"".join(bytes(leaf.data) for leaf in LedgerLeaf.objects.all())
    notes = json.dumps(list(Notification.objects.values("message", "params")), ensure_ascii=False)
    stored = json.dumps(
        list(RiskReport.objects.values()) + list(report.steps.values("note")),
        default=str,
        ensure_ascii=False,
    )
    assert page.status_code == api.status_code == 200
    for text in (
        page.content.decode(),
        api.content.decode(),
        listing.content.decode(),
        ledger.decode(errors="replace"),
        notes,
        stored,
    ):
        assert RESIDENT_ID not in text
        assert PHONE not in text
        assert json.dumps(RESIDENT_ID) not in text
    assert "110*************2X" in report.description


def test_visibility_jurisdiction_public_and_narrowing(network: Network) -> None:
    n = network
    city = city_regulator(n)
    report = file_report(n, visibility="jurisdiction")
    assert _api_get(n.regulator_province_a, report) == 200  # over the reporter
    assert _api_get(n.regulator_central, report) == 200
    assert _api_get(n.applicant_b, report) == 404
    assert _api_get(n.regulator_province_b, report) == 404
    public = file_report(n, visibility="public")
    assert _api_get(n.applicant_b, public) == 200
    assert _api_get(n.outsider, public) == 200
    with pytest.raises(PermissionDenied):  # not on the route
        services.report_narrow(
            actor=n.regulator_province_a, report=public, visibility="organisation"
        )
    with pytest.raises(ValidationError):
        services.report_narrow(actor=city, report=report, visibility="public")
    services.report_narrow(actor=city, report=public, visibility="organisation")
    assert _api_get(n.applicant_b, public) == 404
    assert _api_get(n.regulator_province_a, public) == 404


def test_an_incident_drafts_a_report_that_is_filed_in_one_click(network: Network) -> None:
    n = network
    handlers = events.handlers_of(IncidentOpened)
    assert "tianping.web.network.handlers.draft_from_incident" in handlers
    alert = MonitorAlert.objects.create(system=n.system_a, monitor="accuracy", severity="fail")
    incident = Incident.objects.create(
        system=n.system_a, alert=alert, summary=f"Monitor accuracy failed; caller {PHONE}"
    )
    event = {"system_id": n.system_a.pk, "incident_id": incident.pk}
    for handler in handlers:
        events.handle(handler, "operations.incident_opened", event)
    events.handle(  # announced twice: still one draft
        "tianping.web.network.handlers.draft_from_incident", "operations.incident_opened", event
    )
    draft = RiskReport.objects.get(source_incident=incident)
    assert draft.status == ReportStatus.DRAFT
    assert draft.organisation == n.enterprise_a
    assert PHONE not in draft.description
    # A draft is the organisation's own until filed.
    assert _api_get(n.regulator_province_a, draft) == 404
    assert _api_get(n.applicant_a, draft) == 200
    response = _client(n.applicant_a).post(reverse("network:report_submit", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED
    assert draft.assigned_to == n.city_a


def test_filing_checks_input_and_the_reporter(network: Network) -> None:
    n = network
    before = RiskReport.objects.count()
    with pytest.raises(ValidationError) as caught:
        file_report(n, kind="rumour", severity="extreme", title="", affected_people=-1)
    assert set(caught.value.message_dict) == {"kind", "severity", "title", "affected_people"}
    with pytest.raises(PermissionDenied):
        services.report_create(
            actor=n.applicant_b,
            organisation=n.enterprise_a,
            kind="incident",  # type: ignore[arg-type]
            category="other",
            severity="low",
            title="x",
            description="y",
        )
    with pytest.raises(ValidationError):
        file_report(n, title="nul\x00")
    response = _client(n.applicant_a).post(
        "/api/network/reports",
        json.dumps(
            {
                "organisation_id": n.enterprise_a.pk,
                "system_id": n.system_b.pk,
                "kind": "incident",
                "category": "other",
                "severity": "low",
                "title": "t",
                "description": "d",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 404  # another organisation's system
    assert RiskReport.objects.count() == before


def test_the_page_files_a_report_and_masks_it(network: Network) -> None:
    n = network
    response = _client(n.applicant_a).post(
        reverse("network:report_create"),
        {
            "organisation": n.enterprise_a.pk,
            "system": n.system_a.pk,
            "kind": "complaint",
            "category": "discrimination",
            "severity": "medium",
            "affected_people": 3,
            "title": "Complaint about refusals",
            "description": f"The complainant (phone {PHONE}) was refused twice.",
            "actions_taken": "",
            "visibility": "organisation",
        },
    )
    report = RiskReport.objects.get(title="Complaint about refusals")
    assert response.status_code == 302
    assert response["Location"] == reverse("network:report_detail", args=[report.pk])
    assert report.assigned_to == n.city_a
    assert PHONE not in report.description
    refused = _client(n.applicant_a).post(
        reverse("network:report_create"), {"organisation": n.enterprise_b.pk, "kind": "x"}
    )
    assert refused.status_code == 200  # the form again, with its errors
    assert RiskReport.objects.count() == 1
