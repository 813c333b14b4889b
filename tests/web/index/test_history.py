"""History under each specification version (stored evidence scored again, change notes), and
the evidence of filings: the committees' registration and annual reports, and the system's
algorithm filing (on time, late, overdue, missing)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.web.factories import Network, logged_in_client, make_system
from tianping.index import load_spec, parse_evidence, score, spec_versions
from tianping.web.index import evidence, selectors, services
from tianping.web.index.demo import seed_index
from tianping.web.index.models import AlgorithmFiling, StoredScorecard
from tianping.web.network.models import Filing, FilingKind
from tianping.web.reviews.models import ReviewBody
from tianping.web.systems.models import SystemEvent
from tianping.web.systems.services import system_update

TODAY = date(2026, 6, 1)


def _filing(n: Network, kind: str, filed_on: date, due_on: date, **fields: object) -> Filing:
    return Filing.objects.create(
        organisation=n.committee_a,
        regulator=n.city_a,
        kind=kind,
        due_on=due_on,
        filed_on=filed_on,
        filed_at=datetime(filed_on.year, filed_on.month, filed_on.day, 2, tzinfo=UTC),
        **fields,
    )


def _by_topic(n: Network, today: date = TODAY) -> dict[str, dict[str, object]]:
    return {i["topic"]: i for i in evidence.committee_filings(n.system_a, today=today)}


def test_committee_filings_on_time_name_their_source_records(network: Network) -> None:
    n = network
    body = ReviewBody.objects.create(organisation=n.committee_a, established_on=date(2025, 1, 1))
    registration = _filing(
        n, FilingKind.COMMITTEE_REGISTRATION, date(2025, 1, 20), date(2025, 1, 31)
    )
    report = _filing(n, FilingKind.ANNUAL_REPORT, date(2026, 3, 20), date(2026, 3, 31), year=2025)
    items = _by_topic(n)
    assert items["committee_registration"]["status"] == "on_time"
    assert items["committee_registration"]["source"] == f"network.filing:{registration.pk}"
    assert items["committee_annual_report"]["status"] == "on_time"
    assert items["committee_annual_report"]["source"] == f"network.filing:{report.pk}"
    assert items["committee_annual_report"]["id"] == f"committee-{body.pk}-annual-report-2025"


def test_late_and_overdue_committee_filings(network: Network) -> None:
    n = network
    # Registered on the body itself, 10 days late; the 2025 report never filed.
    body = ReviewBody.objects.create(
        organisation=n.committee_a,
        established_on=date(2025, 1, 1),
        registered_on=date(2025, 2, 10),
    )
    items = _by_topic(n)
    assert items["committee_registration"]["status"] == "late"
    assert items["committee_registration"]["source"] == f"reviews.reviewbody:{body.pk}"
    assert items["committee_annual_report"]["status"] == "overdue"
    assert items["committee_annual_report"]["date"] == "2026-03-31"
    # Before 31 March the 2025 report is not yet due: the latest due is 2024's, before set-up.
    assert "committee_annual_report" not in _by_topic(n, date(2026, 3, 1))
    # A report filed late, recorded on the body, counts as late.
    body.annual_reports = [{"year": 2025, "filed_on": "2026-04-10"}]
    body.save()
    assert _by_topic(n)["committee_annual_report"]["status"] == "late"

    spec = load_spec()
    entry, _secret = evidence.collect(n.system_a)
    system = parse_evidence({"systems": [entry]}, spec)[0]
    card = score(spec, system)
    assert card.indicator("ac.committee_registration").value == Fraction(1, 2)  # type: ignore[union-attr]


def test_without_a_committee_or_a_filing_record_the_indicators_are_missing(
    network: Network,
) -> None:
    n = network
    assert evidence.committee_filings(n.system_a, today=TODAY) == []
    assert evidence.algorithm_filings(n.system_a) == []
    card = services.scorecard_compute(actor=n.applicant_a, system=n.system_a)
    for ident in ("ac.committee_registration", "ac.committee_annual_report", "tr.algorithm_filing"):
        assert ident in card.card["missing"]
    # A committee set up days ago owes nothing yet: still missing, not zero.
    ReviewBody.objects.create(organisation=n.committee_a, established_on=date(2026, 5, 25))
    assert evidence.committee_filings(n.system_a, today=TODAY) == []


def test_algorithm_filing_is_recorded_checked_and_read_as_evidence(network: Network) -> None:
    n = network
    with pytest.raises(ValidationError) as caught:
        services.algorithm_filing_record(
            actor=n.applicant_a, system=n.system_a, regime="generative_ai", status="filed"
        )
    assert {"filing_number", "filed_on"} <= set(caught.value.message_dict)
    assert not AlgorithmFiling.objects.exists()
    with pytest.raises(PermissionDenied):
        services.algorithm_filing_record(
            actor=n.applicant_b, system=n.system_a, regime="generative_ai", status="pending"
        )
    filed = services.algorithm_filing_record(
        actor=n.applicant_a,
        system=n.system_a,
        regime="algorithm_recommendation",
        status="filed",
        filing_number="网信算备310000000000001号",
        authority="国家互联网信息办公室",
        filed_on=date(2025, 6, 1),
    )
    [item] = evidence.algorithm_filings(n.system_a)
    assert item["status"] == "filed"
    assert item["source"] == f"index.algorithmfiling:{filed.pk}"
    # A second regime still in progress: the least advanced state counts.
    services.algorithm_filing_record(
        actor=n.applicant_a, system=n.system_a, regime="generative_ai", status="pending"
    )
    card = services.scorecard_compute(actor=n.applicant_a, system=n.system_a)
    value = next(i for i in card.card["indicators"] if i["id"] == "tr.algorithm_filing")
    assert value["value"] == 0.5


def _launch(n: Network, on: date) -> SystemEvent:
    """Move system A from testing to launch, the change recorded on ``on``."""
    system_update(actor=n.applicant_a, system=n.system_a, lifecycle_stage="test")
    system_update(actor=n.applicant_a, system=n.system_a, lifecycle_stage="launch")
    event = SystemEvent.objects.filter(system=n.system_a).order_by("-at", "-pk").first()
    assert event is not None
    SystemEvent.objects.filter(pk=event.pk).update(
        at=datetime(on.year, on.month, on.day, 4, tzinfo=UTC)
    )
    return event


def _filed(n: Network, regime: str, status: str, filed_on: date | None = None) -> None:
    services.algorithm_filing_record(
        actor=n.applicant_a,
        system=n.system_a,
        regime=regime,
        status=status,
        filing_number="网信算备310000000000001号" if filed_on else "",
        filed_on=filed_on,
    )


def _on_time_value(n: Network) -> object:
    card = services.scorecard_compute(actor=n.applicant_a, system=n.system_a)
    found = [i for i in card.card["indicators"] if i["id"] == "tr.filings_on_time"]
    return found[0]["value"] if found else "missing"


def test_algorithm_filings_on_time_late_and_overdue_against_the_launch_day(
    network: Network,
) -> None:
    n = network
    # Launched Friday 1 May 2026: ten working days run to Friday 15 May.
    assert evidence.add_working_days(date(2026, 5, 1), 10) == date(2026, 5, 15)
    event = _launch(n, date(2026, 5, 1))
    assert evidence.launch_date(n.system_a) == (date(2026, 5, 1), f"systems.systemevent:{event.pk}")
    _filed(n, "algorithm_recommendation", "filed", date(2026, 5, 15))
    [item] = evidence.filings_on_time(n.system_a, today=TODAY)
    assert (item["numerator"], item["denominator"]) == (1, 1)
    assert item["source"].endswith(f"systems.systemevent:{event.pk}")
    assert _on_time_value(n) == 1.0
    # A second regime filed the next working day is late.
    _filed(n, "generative_ai", "filed", date(2026, 5, 18))
    [item] = evidence.filings_on_time(n.system_a, today=TODAY)
    assert (item["numerator"], item["denominator"]) == (1, 2)
    assert _on_time_value(n) == 0.5
    # A third still in progress counts once the time limit has passed, not before.
    _filed(n, "deep_synthesis", "pending")
    [item] = evidence.filings_on_time(n.system_a, today=TODAY)
    assert (item["numerator"], item["denominator"]) == (1, 3)
    [item] = evidence.filings_on_time(n.system_a, today=date(2026, 5, 14))
    assert (item["numerator"], item["denominator"]) == (1, 2)
    # A regime found not to apply is not due.
    _filed(n, "deep_synthesis", "not_required")
    [item] = evidence.filings_on_time(n.system_a, today=TODAY)
    assert (item["numerator"], item["denominator"]) == (1, 2)


def test_without_a_launch_day_on_record_filings_on_time_is_missing(network: Network) -> None:
    n = network
    # System A was registered already in operation: the registry holds no launch day.
    _filed(n, "generative_ai", "filed", date(2026, 5, 15))
    assert evidence.launch_date(n.system_a) is None
    assert evidence.filings_on_time(n.system_a, today=TODAY) == []
    card = services.scorecard_compute(actor=n.applicant_a, system=n.system_a)
    assert "tr.filings_on_time" in card.card["missing"]
    # A system registered at the launch stage was launched the day it was registered.
    launched = make_system(
        actor=n.applicant_a, organisation=n.enterprise_a, name="上线系统", lifecycle_stage="launch"
    )
    registered = SystemEvent.objects.get(system=launched, kind=SystemEvent.Kind.REGISTERED)
    SystemEvent.objects.filter(pk=registered.pk).update(at=datetime(2026, 5, 4, 4, tzinfo=UTC))
    assert evidence.launch_date(launched) == (
        date(2026, 5, 4),
        f"systems.systemevent:{registered.pk}",
    )


def test_the_demo_files_the_launched_system_on_time(network: Network) -> None:
    n = network
    launched = make_system(
        actor=n.applicant_a, organisation=n.enterprise_a, name="上线系统", lifecycle_stage="launch"
    )
    seed_index({"a": n.system_a, "launched": launched})
    [item] = evidence.filings_on_time(launched)
    assert (item["numerator"], item["denominator"]) == (1, 1)
    card = selectors.latest(launched)
    assert card is not None
    assert "tr.filings_on_time" not in card.card["missing"]
    # The first system, registered already in operation, has no launch day: still missing.
    first = selectors.latest(n.system_a)
    assert first is not None
    assert "tr.filings_on_time" in first.card["missing"]


def test_stored_scorecards_are_scored_again_under_every_version(network: Network) -> None:
    n = network
    services.energy_record(
        actor=n.applicant_a, system=n.system_a, phase="training", method="measured",
        kwh=1, method_note="meter", period_end=date(2026, 1, 31),
    )  # fmt: skip
    first = services.scorecard_compute(actor=n.applicant_a, system=n.system_a)
    ReviewBody.objects.create(organisation=n.committee_a, established_on=date(2024, 1, 1))
    second = services.scorecard_compute(actor=n.applicant_a, system=n.system_a)
    data = selectors.history(n.system_a, "en")
    assert data["versions"] == list(spec_versions())
    assert [p["scorecard"] for p in data["points"]] == [first.version, second.version]
    for card, point in zip((first, second), data["points"], strict=True):
        # Under its own version: exactly the stored score.
        assert point["scores"][card.spec_version] == card.total
        assert (
            Fraction(card.card["total_exact"])
            == score(
                load_spec(card.spec_version),
                parse_evidence({"systems": [card.evidence]}, load_spec(card.spec_version))[0],
            ).total
        )
        # Under 2026.1: the library's score for that evidence (2026.2's ratings left out).
        old = load_spec("2026.1")
        entry = {**card.evidence, "ratings": []}
        expected = score(old, parse_evidence({"systems": [entry]}, old)[0]).total
        assert point["scores"]["2026.1"] == float(expected)
    # The committee's overdue filings lower the newest version's score only.
    assert data["points"][1]["scores"]["2026.2"] == data["points"][0]["scores"]["2026.2"]
    changes = {c["version"]: c for c in data["changes"]}
    assert len(changes["2026.2"]["added"]) == 66 and changes["2026.2"]["previous"] == "2026.1"
    assert changes["2026.3"]["added"] == ["ac.committee_registration", "ac.committee_annual_report"]


def test_the_pages_and_the_api_show_the_history(network: Network) -> None:
    n = network
    card = services.scorecard_compute(actor=n.applicant_a, system=n.system_a)
    client = logged_in_client(n.applicant_a)
    page = client.get(reverse("index:system", args=[n.system_a.pk])).content.decode()
    assert 'id="index-history"' in page and "2026.1" in page and "tr.ai_bom" in page
    page = client.get(reverse("index:organisation", args=[n.enterprise_a.pk])).content.decode()
    assert "index-history" in page
    data = client.get(f"/api/index/systems/{n.system_a.pk}/scorecard").json()
    assert data["history"]["points"][0]["scores"][card.spec_version] == card.total
    # The public sees a published scorecard without the history.
    services.scorecard_publish(actor=n.applicant_a, card=card)
    public = logged_in_client(n.outsider).get(f"/api/index/systems/{n.system_a.pk}/scorecard")
    assert public.json()["public"] is True and public.json()["history"] is None
    assert StoredScorecard.objects.count() == 1


def test_only_the_owner_records_an_algorithm_filing_from_the_page(network: Network) -> None:
    n = network
    url = reverse("index:algorithm_filing", args=[n.system_a.pk])
    form = {"filing-regime": "deep_synthesis", "filing-status": "pending"}
    assert logged_in_client(n.regulator_province_a).post(url, form).status_code == 403
    assert logged_in_client(n.applicant_b).post(url, form).status_code == 404
    assert not AlgorithmFiling.objects.exists()
    response = logged_in_client(n.applicant_a).post(url, form)
    assert response.status_code == 302
    assert AlgorithmFiling.objects.get().status == "pending"
    bad = {"filing-regime": "deep_synthesis", "filing-status": "filed"}
    logged_in_client(n.applicant_a).post(url, bad)
    assert AlgorithmFiling.objects.count() == 1
