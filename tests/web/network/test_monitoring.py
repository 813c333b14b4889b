"""Monthly monitoring: per region and month, the centre comparing provinces, CSV and JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.test import Client
from django.utils import timezone

from tests.web.factories import Network
from tests.web.network.factories import file_report, warn_province_a
from tianping.web.ledger.services import ledger_record_action
from tianping.web.network import monitoring, services
from tianping.web.reviews.models import Application, ExpertReview, ReviewBody


def _activity(n: Network) -> None:
    body = ReviewBody.objects.create(organisation=n.committee_a, established_on=date(2025, 1, 1))
    decided = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # 1 April in Shanghai
    for i, procedure in enumerate(("general", "general", "simplified")):
        application = Application.objects.create(
            reference=f"APP-M-{i}",
            system=n.system_a,
            organisation=n.enterprise_a,
            body=body,
            title="Activity",
            status=Application.Status.DECIDED,
            procedure=procedure,
            decision="approve" if i else "not_approve",
            decided_at=decided,
        )
    ExpertReview.objects.create(
        application=application,
        authority=n.province_a,
        preliminary_decision="approve",
        preliminary_text="…",
        status=ExpertReview.Status.CONCLUDED,
        concluded_at=decided,
    )
    ledger_record_action(
        actor=None,
        kind=monitoring.CERTIFICATE_ISSUED,
        subject="certificate:1",
        payload={},
        system=n.system_a,
    )
    file_report(n)
    warning = warn_province_a(n)
    services.warning_acknowledge(actor=n.applicant_a, warning=warning)  # type: ignore[arg-type]


def test_the_centre_compares_provinces_by_month(network: Network) -> None:
    n = network
    _activity(n)
    year = timezone.localdate().year
    regions = monitoring.regions_under(n.central)
    assert {r.pk for r in regions} == {n.province_a.pk, n.province_b.pk}
    rows = monitoring.monthly(regions, 2026)
    assert len(rows) == 2 * 12
    april = next(r for r in rows if r["region_id"] == n.province_a.pk and r["month"] == "2026-04")
    assert april["reviews"] == 3
    assert april["reviews_by_procedure"] == {"general": 2, "simplified": 1}
    assert april["reviews_by_decision"] == {"approve": 2, "not_approve": 1}
    assert april["expert_reviews"] == 1
    march = next(r for r in rows if r["region_id"] == n.province_a.pk and r["month"] == "2026-03")
    assert march["reviews"] == 0
    this_year = monitoring.monthly(regions, year)
    totals = {
        key: sum(r[key] for r in this_year if r["region_id"] == n.province_a.pk)
        for key in ("certificates", "risk_reports", "warnings_received", "warnings_acknowledged")
    }
    assert totals == {
        "certificates": 1,
        "risk_reports": 1,
        "warnings_received": 2,  # enterprise A and committee A
        "warnings_acknowledged": 1,
    }
    assert sum(r["risk_reports"] for r in this_year if r["region_id"] == n.province_b.pk) == 0
    target = monitoring.expert_target(rows)
    assert target[n.province_a.pk] == {"done": 1, "target": 3, "missing": 2}


def test_overdue_filings_count_in_their_due_month(network: Network) -> None:
    n = network
    ReviewBody.objects.create(organisation=n.committee_a, established_on=date(2025, 1, 1))
    rows = monitoring.monthly([n.city_a], 2025)
    assert [r["month"] for r in rows if r["late_filings"]] == ["2025-01"]


def test_pages_and_exports_are_for_regulators(network: Network) -> None:
    n = network
    _activity(n)
    client = Client()
    client.force_login(n.regulator_central)  # type: ignore[arg-type]
    page = client.get("/network/monthly/", {"year": 2026})
    assert page.status_code == 200
    assert 'id="monthly-chart"' in page.content.decode()
    csv_text = client.get("/network/monthly.csv", {"year": 2026}).content.decode()
    assert csv_text.splitlines()[0].startswith("region_id,region,month,reviews")
    assert len(csv_text.splitlines()) == 1 + 24
    data = client.get("/network/monthly.json", {"year": 2026}).json()
    assert len(data) == 24
    api = client.get("/api/network/monthly", {"year": 2026}).json()
    assert sum(r["reviews"] for r in api) == 3
    enterprise = Client()
    enterprise.force_login(n.applicant_a)  # type: ignore[arg-type]
    assert enterprise.get("/network/monthly/").status_code == 404
    assert enterprise.get("/api/network/monthly", {"year": 2026}).status_code == 404
    other = Client()
    other.force_login(n.regulator_province_b)  # type: ignore[arg-type]
    mine = other.get("/api/network/monthly", {"year": 2026, "regulator_id": n.province_a.pk})
    assert mine.status_code == 404
