"""Accepted risk reports published as cases (consent, visibility, de-identification) and the
correction and takedown requests for a case."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.web.factories import Network
from tests.web.network.factories import PHONE, RESIDENT_ID, file_report
from tianping.web.cases import selectors, services
from tianping.web.cases.models import CaseRecord, CaseRequest, ReportConsent, RequestStatus
from tianping.web.cases.services import cases_sync
from tianping.web.ledger.models import PlatformAction
from tianping.web.network.models import ReportStatus, RiskReport


def _accepted(n: Network, **changes: Any) -> RiskReport:
    report = file_report(n, **changes)
    RiskReport.objects.filter(pk=report.pk).update(status=ReportStatus.ACCEPTED)
    report.refresh_from_db()
    return report


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_accepted_report_becomes_a_de_identified_case_with_consent(network: Network) -> None:
    n = network
    report = _accepted(
        n,
        visibility="jurisdiction",
        description=f"Customer {RESIDENT_ID} called from {PHONE}: scores leaked.",
    )
    url = reverse("cases:report_publish", args=[report.pk])
    refused = _client(n.applicant_a).post(url, {"visibility": "jurisdiction"})
    assert refused.status_code == 200 and not CaseRecord.objects.exists()  # no consent
    response = _client(n.applicant_a).post(url, {"visibility": "jurisdiction", "consent": "on"})
    assert response.status_code == 302
    case = CaseRecord.objects.get()
    consent = ReportConsent.objects.get(report=report)
    assert consent.case == case and consent.consented_by == n.applicant_a
    assert RESIDENT_ID not in case.summary_en and PHONE not in case.summary_en
    assert RESIDENT_ID not in case.search_en and PHONE not in case.search_en
    assert PlatformAction.objects.filter(kind="cases.report_published").count() == 1
    assert selectors.cases_visible(n.chair_a).filter(pk=case.pk).exists()
    assert not selectors.cases_visible(n.applicant_b).filter(pk=case.pk).exists()
    assert not selectors.cases_visible(n.regulator_province_b).filter(pk=case.pk).exists()


def test_a_case_never_widens_its_report_and_only_the_reporter_publishes(
    network: Network,
) -> None:
    n = network
    report = _accepted(n, visibility="organisation")
    with pytest.raises(ValidationError):
        services.case_from_report(
            actor=n.applicant_a, report=report, visibility="public", consent=True
        )
    with pytest.raises(PermissionDenied):
        services.case_from_report(
            actor=n.applicant_b, report=report, visibility="organisation", consent=True
        )
    draft = file_report(n)
    with pytest.raises(ValidationError):
        services.case_from_report(
            actor=n.applicant_a, report=draft, visibility="organisation", consent=True
        )
    assert not CaseRecord.objects.exists()
    outsider = _client(n.applicant_b).get(reverse("cases:report_publish", args=[report.pk]))
    assert outsider.status_code == 404


def test_anyone_files_a_takedown_and_an_administrator_decides(network: Network) -> None:
    cases_sync()
    case = CaseRecord.objects.order_by("code").first()
    assert case is not None
    url = reverse("cases:request", args=[case.code])
    data = {
        "kind": "takedown",
        "company": "Example Co.",
        "requester": "Li",
        "contact": "li@example.invalid",
        "text": "The case names us wrongly.",
    }
    assert Client().post(url, data).status_code == 302
    request = CaseRequest.objects.get()
    assert Client().post(url, {**data, "kind": "no-such-kind"}).status_code == 200
    assert CaseRequest.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.case_request_decide(
            actor=network.applicant_a, request=request, accept=True, decision="no"
        )
    admin = get_user_model().objects.create_superuser("case_admin", "a@example.invalid", "x")
    response = _client(admin).post(
        reverse("cases:request_decide", args=[request.pk]),
        {"accept": "1", "decision": "The company is not the operator."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED and request.decided_by == admin
    assert not selectors.cases_visible(network.outsider).filter(pk=case.pk).exists()
    kinds = set(PlatformAction.objects.values_list("kind", flat=True))
    assert {"cases.request_filed", "cases.request_decided"} <= kinds


def test_case_requests_are_rate_limited(network: Network) -> None:
    cases_sync()
    case = CaseRecord.objects.order_by("code").first()
    assert case is not None
    url = reverse("cases:request", args=[case.code])
    data = {
        "kind": "correction",
        "company": "Example Co.",
        "requester": "Li",
        "contact": "li@example.invalid",
        "text": "Wrong date.",
    }
    client = Client()
    codes = [client.post(url, data).status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]
    assert CaseRequest.objects.count() == 5
