"""Filings: due days from the review rules, filing to the regulator, reminders, overdue lists."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.web.factories import Network
from tests.web.network.factories import city_regulator
from tianping.web.core.models import Notification
from tianping.web.ledger.models import PlatformAction
from tianping.web.network import filings
from tianping.web.network.models import Filing, FilingKind
from tianping.web.reviews.models import Application, ReviewBody


def _body(n: Network, **fields: object) -> ReviewBody:
    values: dict[str, object] = {"organisation": n.committee_a, "established_on": date(2026, 1, 1)}
    values.update(fields)
    return ReviewBody.objects.create(**values)


def _listed(n: Network, body: ReviewBody, decided: datetime) -> Application:
    return Application.objects.create(
        reference="APP-LISTED-1",
        system=n.system_a,
        organisation=n.enterprise_a,
        body=body,
        title="Listed activity",
        listed_activity=True,
        status=Application.Status.DECIDED,
        decision="approve",
        decided_at=decided,
    )


def test_due_days_come_from_the_review_rules(network: Network) -> None:
    n = network
    body = _body(n)
    application = _listed(n, body, datetime(2026, 3, 2, 4, 0, tzinfo=UTC))
    items = filings.obligations([body], today=date(2027, 4, 2))
    found = {(o.kind, o.due_on, o.status) for o in items}
    assert (FilingKind.COMMITTEE_REGISTRATION, date(2026, 1, 31), "overdue") in found
    assert (FilingKind.ANNUAL_REPORT, date(2027, 3, 31), "overdue") in found
    assert (FilingKind.LISTED_ACTIVITY, date(2026, 4, 1), "overdue") in found
    assert [o.application for o in items if o.kind == FilingKind.LISTED_ACTIVITY] == [application]


def test_a_registration_recorded_before_the_platform_counts_as_filed(network: Network) -> None:
    body = _body(network, registered_on=date(2026, 1, 10))
    items = filings.obligations([body], today=date(2026, 6, 1))
    assert [o.kind for o in items] == []


def test_the_chair_files_to_the_regulator_with_one_ledger_entry(network: Network) -> None:
    n = network
    _body(n)
    regulator = city_regulator(n)
    before = PlatformAction.objects.count()
    filing = filings.filing_file(
        actor=n.chair_a,  # type: ignore[arg-type]
        organisation=n.committee_a,
        kind=FilingKind.COMMITTEE_REGISTRATION,
        summary="Registered; contact 13912345678",
        today=date(2026, 1, 20),
    )
    assert filing.regulator == n.city_a
    assert filing.due_on == date(2026, 1, 31)
    assert "13912345678" not in filing.summary
    assert PlatformAction.objects.count() == before + 1
    assert PlatformAction.objects.get(idx=filing.ledger_index).kind == (
        "network.filing_committee_registration"
    )
    assert Notification.objects.filter(user=regulator).exists()
    assert filings.obligations([filing.organisation.review_body], today=date(2026, 2, 1)) == []
    with pytest.raises(ValidationError):  # filed once
        filings.filing_file(
            actor=n.chair_a,  # type: ignore[arg-type]
            organisation=n.committee_a,
            kind=FilingKind.COMMITTEE_REGISTRATION,
            today=date(2026, 1, 21),
        )


def test_only_the_bodys_chair_files_and_bad_input_changes_nothing(network: Network) -> None:
    n = network
    _body(n)
    with pytest.raises(PermissionDenied):
        filings.filing_file(
            actor=n.applicant_a,  # type: ignore[arg-type]
            organisation=n.committee_a,
            kind=FilingKind.COMMITTEE_REGISTRATION,
        )
    for kind, year in (("bogus", None), (FilingKind.ANNUAL_REPORT, 1999)):
        with pytest.raises(ValidationError):
            filings.filing_file(
                actor=n.chair_a,  # type: ignore[arg-type]
                organisation=n.committee_a,
                kind=kind,
                year=year,
                today=date(2027, 2, 1),
            )
    assert not Filing.objects.exists()


def test_annual_and_listed_filings_close_their_obligations(network: Network) -> None:
    n = network
    body = _body(n, registered_on=date(2026, 1, 5))
    application = _listed(n, body, datetime(2026, 3, 2, 4, 0, tzinfo=UTC))
    chair = n.chair_a
    filings.filing_file(
        actor=chair,  # type: ignore[arg-type]
        organisation=n.committee_a,
        kind=FilingKind.LISTED_ACTIVITY,
        application=application,
        today=date(2026, 3, 20),
    )
    late = filings.filing_file(
        actor=chair,  # type: ignore[arg-type]
        organisation=n.committee_a,
        kind=FilingKind.ANNUAL_REPORT,
        year=2026,
        today=date(2027, 4, 3),
    )
    assert late.due_on == date(2027, 3, 31)
    assert filings.obligations([body], today=date(2027, 4, 3)) == []


def test_reminders_before_the_due_day_and_the_regulator_told_once_overdue(
    network: Network,
) -> None:
    n = network
    _body(n)
    regulator = city_regulator(n)
    assert filings.filings_remind(now=datetime(2026, 1, 24, 4, 0, tzinfo=UTC)) == 1  # 7 days
    assert Notification.objects.filter(user=n.chair_a).count() == 1
    assert filings.filings_remind(now=datetime(2026, 1, 25, 4, 0, tzinfo=UTC)) == 0
    assert filings.filings_remind(now=datetime(2026, 2, 1, 4, 0, tzinfo=UTC)) == 1  # 1 day late
    assert Notification.objects.filter(user=regulator).count() == 1
    overdue = filings.overdue_within(n.province_a, today=date(2026, 2, 1))
    assert [(o.body.organisation, o.kind) for o in overdue] == [
        (n.committee_a, FilingKind.COMMITTEE_REGISTRATION)
    ]
    assert filings.overdue_within(n.province_b, today=date(2026, 2, 1)) == []


def test_filings_page_and_api_show_the_overdue_list_to_the_regulator(network: Network) -> None:
    n = network
    _body(n, established_on=date(2025, 1, 1))
    client = Client()
    client.force_login(n.regulator_province_a)  # type: ignore[arg-type]
    page = client.get(reverse("network:filings"))
    assert page.status_code == 200
    assert "甲企业科技伦理委员会" in page.content.decode()
    data = client.get("/api/network/filings/overdue").json()
    assert [item["kind"] for item in data] == ["committee_registration", "annual_report"]
    other = Client()
    other.force_login(n.regulator_province_b)  # type: ignore[arg-type]
    assert other.get("/api/network/filings/overdue").json() == []
    chair = Client()
    chair.force_login(n.chair_a)  # type: ignore[arg-type]
    made = chair.post(
        "/api/network/filings",
        {"organisation_id": n.committee_a.pk, "kind": "committee_registration"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert client.get("/api/network/filings").json()[0]["kind"] == "committee_registration"
