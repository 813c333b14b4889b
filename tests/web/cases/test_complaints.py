"""Public complaints: filed from a system's public page, sent to the owner, escalated to the
regulator above it when unanswered by the deadline, with personal data masked for it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.web.factories import Network
from tests.web.network.factories import PHONE, RESIDENT_ID, city_regulator
from tianping.web.cases import services, views
from tianping.web.cases.models import Complaint, ComplaintStatus
from tianping.web.core.models import Notification
from tianping.web.ledger.models import PlatformAction

TEXT = f"The system refused my loan. ID {RESIDENT_ID}, phone {PHONE}."


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def on_register(network: Network, monkeypatch: pytest.MonkeyPatch) -> Network:
    """System A as if it were on the public register (certified)."""
    system = network.system_a
    monkeypatch.setattr(
        views.certification_selectors,
        "certified_system",
        lambda pk: (system, []) if pk == system.pk else None,
    )
    return network


def test_a_complaint_reaches_the_owner_and_is_refused_for_unlisted_systems(
    on_register: Network,
) -> None:
    n = on_register
    url = reverse("cases:complaint_file", args=[n.system_a.pk])
    data = {"name": "Wang", "contact": PHONE, "text": TEXT}
    assert Client().post(url, data).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.due_at > complaint.filed_at
    assert Notification.objects.filter(user=n.applicant_a).exists()
    unlisted = reverse("cases:complaint_file", args=[n.system_b.pk])
    assert Client().post(unlisted, data).status_code == 404
    assert Client().post(url, {**data, "text": ""}).status_code == 200
    assert Complaint.objects.count() == 1
    page = _client(n.applicant_a).get(reverse("cases:complaints")).content.decode()
    assert RESIDENT_ID in page
    assert (
        _client(n.applicant_b).get(reverse("cases:complaints")).content.decode().count("Wang") == 0
    )


def test_an_unanswered_complaint_goes_to_the_regulator_masked(on_register: Network) -> None:
    n = on_register
    complaint = services.complaint_file(system=n.system_a, name="Wang", contact=PHONE, text=TEXT)
    assert services.complaints_escalate_overdue() == 0
    later = complaint.due_at + timedelta(minutes=1)
    assert services.complaints_escalate_overdue(now=later) == 1
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ESCALATED
    regulator = complaint.escalated_to
    assert regulator is not None and n.enterprise_a.path.startswith(regulator.path)
    assert PlatformAction.objects.filter(kind="cases.complaint_escalated").count() == 1
    assert services.complaints_escalate_overdue(now=later) == 0
    # The regulator above the owner (city A in the test network) reads the masked text only.
    reader = city_regulator(n)
    page = _client(reader).get(reverse("cases:complaints")).content.decode()
    assert "The system refused my loan" in page
    assert RESIDENT_ID not in page and PHONE not in page and "Wang" not in page


def test_the_owner_answers_in_time_and_nothing_escalates(on_register: Network) -> None:
    n = on_register
    complaint = services.complaint_file(system=n.system_a, name="Wang", contact=PHONE, text=TEXT)
    url = reverse("cases:complaint_answer", args=[complaint.pk])
    assert _client(n.applicant_b).post(url, {"answer": "x"}).status_code == 404
    assert _client(n.applicant_a).post(url, {"answer": "We reviewed it."}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED
    assert services.complaints_escalate_overdue(now=timezone.now() + timedelta(days=365)) == 0
