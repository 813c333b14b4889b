"""Automatic warning triggers: each rule drafts a warning; a regulator sends or dismisses it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from tests.web.factories import Network, make_system
from tests.web.network.factories import city_regulator, file_report
from tianping import yamlsafe
from tianping.web.network import triggers
from tianping.web.network.models import DraftStatus, EarlyWarning, RiskReport, WarningDraft
from tianping.web.operations.models import MonitorAlert

REPORTS = triggers.TriggerRule(
    id="reports_same_category",
    kind="reports_in_region",
    threshold=3,
    window_days=30,
    severity="high",
    category="",
    regulators=("municipal_regulator", "provincial_regulator"),
)
MONITORS = triggers.TriggerRule(
    id="monitor_failing_across_systems",
    kind="monitor_failures",
    threshold=2,
    window_days=7,
    severity="high",
    category="other",
    regulators=("provincial_regulator",),
)


def test_the_shipped_rules_load() -> None:
    rules = triggers.parse_rules(yamlsafe.load_file(triggers.RULES))
    assert {r.kind for r in rules} == {"reports_in_region", "monitor_failures"}


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"rules": [{"id": "x", "kind": "nope"}]},
        {"rules": [{"id": "x", "kind": "reports_in_region", "count": 0, "window_days": 3}]},
        {
            "rules": [
                {
                    "id": "x",
                    "kind": "reports_in_region",
                    "count": 2,
                    "window_days": 3,
                    "severity": "high",
                    "regulators": ["enterprise"],
                }
            ]
        },
    ],
)
def test_bad_rules_are_refused(data: object) -> None:
    with pytest.raises(ValueError, match="trigger"):
        triggers.parse_rules(data)


def test_reports_of_one_category_in_a_region_draft_a_warning_once(network: Network) -> None:
    n = network
    for _ in range(2):
        file_report(n, category="discrimination")
    file_report(n, category="privacy_leak")
    assert triggers.triggers_run(rules=[REPORTS]) == 0  # 2 of one category: below 3
    file_report(n, category="discrimination")
    assert triggers.triggers_run(rules=[REPORTS]) == 2  # the city and the province
    drafts = WarningDraft.objects.order_by("issuer__path")
    assert [(d.issuer, d.category, d.evidence["count"]) for d in drafts] == [
        (n.province_a, "discrimination", 3),
        (n.city_a, "discrimination", 3),
    ]
    assert not EarlyWarning.objects.exists()  # drafted, never sent by itself
    assert triggers.triggers_run(rules=[REPORTS]) == 0  # once per window
    later = timezone.now() + timedelta(days=40)
    assert triggers.triggers_run(rules=[REPORTS], now=later) == 0  # the reports left the window


def test_drafts_and_old_reports_do_not_count(network: Network) -> None:
    n = network
    for _ in range(3):
        file_report(n, category="discrimination")
    RiskReport.objects.update(filed_at=timezone.now() - timedelta(days=31))
    file_report(n, category="discrimination", submit=False)
    assert triggers.triggers_run(rules=[REPORTS]) == 0


def test_one_monitor_failing_across_systems_drafts_a_warning(network: Network) -> None:
    n = network
    other = make_system(actor=n.applicant_a, organisation=n.enterprise_a, name="Second scorer")
    for system in (n.system_a, other):
        MonitorAlert.objects.create(system=system, monitor="fairness.parity", severity="fail")
    MonitorAlert.objects.create(system=n.system_b, monitor="fairness.parity", severity="warn")
    assert triggers.triggers_run(rules=[MONITORS]) == 1
    draft = WarningDraft.objects.get()
    assert draft.issuer == n.province_a
    assert draft.evidence["subject"] == "fairness.parity"
    assert "fairness.parity" in draft.title


def test_one_system_failing_twice_is_not_a_pattern(network: Network) -> None:
    n = network
    for _ in range(2):
        MonitorAlert.objects.update(status="resolved")
        MonitorAlert.objects.create(system=n.system_a, monitor="drift", severity="fail")
    assert triggers.triggers_run(rules=[MONITORS]) == 0


def test_the_regulator_sends_or_dismisses_its_own_drafts(network: Network) -> None:
    n = network
    for _ in range(3):
        file_report(n, category="discrimination")
    triggers.triggers_run(rules=[REPORTS])
    province = WarningDraft.objects.get(issuer=n.province_a)
    city = WarningDraft.objects.get(issuer=n.city_a)
    with pytest.raises(PermissionDenied):
        triggers.draft_send(actor=n.regulator_province_b, draft=province)  # type: ignore[arg-type]
    client = Client()
    client.force_login(n.regulator_province_a)  # type: ignore[arg-type]
    assert (
        client.post(
            f"/api/network/warning-drafts/{city.pk}/send", {}, "application/json"
        ).status_code
        == 404
    )
    sent = client.post(
        f"/api/network/warning-drafts/{province.pk}/send",
        {"title": "Discrimination in credit scoring"},
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["title"] == "Discrimination in credit scoring"
    province.refresh_from_db()
    assert province.status == DraftStatus.SENT and province.warning is not None
    with pytest.raises(ValidationError):
        triggers.draft_send(actor=n.regulator_province_a, draft=province)  # type: ignore[arg-type]
    city_user = city_regulator(n)
    triggers.draft_dismiss(actor=city_user, draft=city)
    city.refresh_from_db()
    assert city.status == DraftStatus.DISMISSED
    page = client.get("/network/warning-drafts/")
    assert page.status_code == 200 and province.title in page.content.decode()
