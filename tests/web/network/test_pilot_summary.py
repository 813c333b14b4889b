"""The pilot summary report: the bilingual PDF from the monthly statistics, its submission."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tests.web.factories import Network, make_user
from tests.web.network.factories import city_regulator, file_report
from tianping.web.accounts.models import Role
from tianping.web.core.models import Notification
from tianping.web.ledger.models import PlatformAction
from tianping.web.network import pilot
from tianping.web.network.models import PilotSummary, RiskReport
from tianping.web.reviews.models import Application, ReviewBody


def _activity(n: Network) -> None:
    """Two reviews in July 2026 and one in December (after the pilot), one report in July."""
    body = ReviewBody.objects.create(organisation=n.committee_a, established_on=date(2025, 1, 1))
    for i, (procedure, month) in enumerate((("general", 7), ("simplified", 7), ("general", 12))):
        Application.objects.create(
            reference=f"APP-P-{i}",
            system=n.system_a,
            organisation=n.enterprise_a,
            body=body,
            title="Pilot activity",
            status=Application.Status.DECIDED,
            procedure=procedure,
            decision="approve",
            decided_at=datetime(2026, month, 10, 4, 0, tzinfo=UTC),
        )
    report = file_report(n, category="discrimination")
    RiskReport.objects.filter(pk=report.pk).update(filed_at=datetime(2026, 7, 20, 4, 0, tzinfo=UTC))


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_is_bilingual_and_holds_the_monthly_statistics(network: Network) -> None:
    n = network
    _activity(n)
    figures = pilot.figures(n.city_a)
    totals = figures["totals"]
    assert [r["month"] for r in figures["rows"]] == pilot.pilot_months()
    assert (totals["reviews"], totals["risk_reports"]) == (2, 1)
    assert totals["reviews_by_procedure"] == {"general": 1, "simplified": 1}
    assert totals["risk_reports_by_category"] == {"discrimination": 1}
    assert totals["expert_missing"] == 3
    july = next(r for r in figures["rows"] if r["month"] == "2026-07")
    assert (july["reviews"], july["risk_reports"]) == (2, 1)

    client = Client()
    client.force_login(city_regulator(n))
    response = client.get(reverse("network:pilot_summary_pdf"), {"regulator": n.city_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    for heading in (
        "试点总结报告",
        "Pilot summary report",
        "Monthly series",
        "Risk reports by category",
    ):
        assert heading in text
    assert "2026-07 2 0 0 1" in " ".join(text.split())


def test_a_city_submits_to_its_province_and_nobody_else_reads_it(network: Network) -> None:
    n = network
    _activity(n)
    city = Client()
    city.force_login(city_regulator(n))
    done = city.post(reverse("network:pilot_summary_submit"), {"regulator": n.city_a.pk})
    assert done.status_code == 302
    summary = PilotSummary.objects.get()
    assert summary.submitted_to == n.province_a
    assert summary.sha256 == hashlib.sha256(bytes(summary.pdf)).hexdigest()
    action = PlatformAction.objects.get(kind="network.pilot_summary_submitted")
    assert summary.ledger_index == action.idx
    assert Notification.objects.filter(user=n.regulator_province_a).exists()

    province = Client()
    province.force_login(n.regulator_province_a)
    page = province.get(reverse("network:monthly")).content.decode()
    assert summary.sha256[:10] in page
    url = reverse("network:pilot_summary_file", args=[summary.pk])
    assert province.get(url).content == bytes(summary.pdf)

    other_city = Client()
    other_city.force_login(
        make_user("regulator_city_b", organisation=n.city_b, role=Role.REGULATOR)
    )
    assert other_city.get(url).status_code == 404
    pdf_url = reverse("network:pilot_summary_pdf")
    assert other_city.get(pdf_url, {"regulator": n.city_a.pk}).status_code == 404
    refused = other_city.post(reverse("network:pilot_summary_submit"), {"regulator": n.city_a.pk})
    assert refused.status_code == 404
    assert PilotSummary.objects.count() == 1
