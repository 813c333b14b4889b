"""Overrides below a floor: refused, or waiting for the regulator over the organisation.

System A's intake is re-answered here: automated credit decisions force at
least medium (a floor that may be overridden, with a regulator's confirmation);
supply abroad forces at least medium (a floor that may not be overridden).
Enterprise A's city regulator has no account, so the regulator an override is
put to is province A's (``regulator_province_a``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.web.factories import (
    JUSTIFICATION,
    Network,
    answers,
    bearer_client,
    logged_in_client,
)
from tianping import tiering
from tianping.tiering.messages import ERR_OVERRIDE_BELOW_FLOOR
from tianping.web.core.models import Notification
from tianping.web.demo import SYSTEMS as DEMO_SYSTEMS
from tianping.web.ledger.models import PlatformAction
from tianping.web.ledger.selectors import platform_entries_of
from tianping.web.systems.models import FloorReview, Intake, SystemEvent
from tianping.web.systems.services import (
    FLOOR_OVERRIDE_CONFIRMED,
    FLOOR_OVERRIDE_PENDING,
    intake_floor_review,
    intake_override,
    intake_submit,
)

CREDIT = answers(automated_decisions=["credit"])
"""Scores low by points; the floor ``automated_hiring_or_credit`` (overridable) makes it medium."""
EXPORTED = answers(exported=True, export_markets=["eu", "asean"])
"""Scores low by points; the floor ``export_scope`` (not overridable) makes it medium."""


def _intake(n: Network, given: dict[str, Any]) -> Intake:
    return intake_submit(actor=n.applicant_a, system=n.system_a, answers=given)


def _notes(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("pk"))


def _ledger(n: Network) -> list[dict[str, Any]]:
    return [entry.record for _action, entry in reversed(platform_entries_of(n.system_a))]


# --- the service ----------------------------------------------------------------------------


def test_an_override_below_a_mandatory_floor_is_refused_and_changes_nothing(
    network: Network,
) -> None:
    n = network
    intake = _intake(n, EXPORTED)
    actions = PlatformAction.objects.count()
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        intake_override(actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION)
    (message,) = caught.value.message_dict["tier"]
    assert message.startswith(
        ERR_OVERRIDE_BELOW_FLOOR.en.format(floor="medium", floors="export_scope", tier="low")
    )
    assert "Choose the floor's tier or a higher one" in message
    intake.refresh_from_db()
    assert (intake.tier, intake.is_overridden, intake.floor_review) == ("medium", False, "")
    assert PlatformAction.objects.count() == actions
    assert _notes(n.regulator_province_a) == []


def test_the_refusal_is_in_chinese_for_a_chinese_reader(network: Network) -> None:
    n = network
    intake = _intake(n, EXPORTED)
    with pytest.raises(ValidationError) as caught, translation.override("zh-hans"):
        intake_override(actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION)
    assert caught.value.message_dict["tier"][0].startswith(
        ERR_OVERRIDE_BELOW_FLOOR.zh.format(floor="中风险", floors="export_scope", tier="低风险")
    )


def test_an_override_below_an_overridable_floor_waits_and_keeps_the_floor_in_force(
    network: Network,
) -> None:
    n = network
    intake = _intake(n, CREDIT)
    intake = intake_override(
        actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION
    )
    intake.refresh_from_db()
    assert intake.floor_review == FloorReview.PENDING
    assert (intake.tier, intake.requested_tier, intake.floor_tier) == ("medium", "low", "medium")
    assert intake.floor_rules == ["automated_hiring_or_credit"]
    assert intake.floor_regulator == n.province_a
    tier_part = [o["id"] for o in intake.result["obligations"] if o["trigger"] == "tier"]
    assert tier_part == ["review.standard"]
    n.system_a.refresh_from_db()
    assert n.system_a.latest_intake is not None and n.system_a.latest_intake.tier == "medium"


def test_the_pending_override_is_in_the_ledger(network: Network) -> None:
    n = network
    intake = _intake(n, CREDIT)
    intake_override(actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION)
    record = _ledger(n)[-1]
    assert record["kind"] == "tier_overridden"
    assert record["payload"]["requested"] == "low"
    assert record["payload"]["to"] == "medium"
    assert record["payload"]["floor"] == "medium"
    assert record["payload"]["floors"] == ["automated_hiring_or_credit"]
    assert record["payload"]["regulator_review"] == "pending"
    assert record["payload"]["regulator"] == n.province_a.pk


def test_the_regulator_over_the_organisation_is_notified(network: Network) -> None:
    n = network
    intake = _intake(n, CREDIT)
    intake_override(actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION)
    (note,) = _notes(n.regulator_province_a)
    assert note.message == FLOOR_OVERRIDE_PENDING
    assert note.target == intake
    assert note.url == reverse("systems:detail", args=[n.system_a.pk])
    assert _notes(n.regulator_province_b) == [] and _notes(n.regulator_central) == []


def test_the_regulator_confirms_and_the_override_takes_effect(network: Network) -> None:
    n = network
    intake = _intake(n, CREDIT)
    intake_override(actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION)
    intake = intake_floor_review(
        actor=n.regulator_province_a, intake=intake, decision="confirm", note="Staff loans only."
    )
    intake.refresh_from_db()
    assert (intake.tier, intake.floor_review) == ("low", FloorReview.CONFIRMED)
    assert intake.floor_reviewed_by == n.regulator_province_a
    assert intake.result["override"]["needs_confirmation"] is True
    assert intake.result["override"]["by"] == "chair_a"
    assert [o["id"] for o in intake.result["obligations"]][:1] == ["review.fast_track"]
    record = _ledger(n)[-1]
    assert record["kind"] == "tier_override_confirmed"
    assert (record["payload"]["from"], record["payload"]["to"]) == ("medium", "low")
    (note,) = _notes(n.chair_a)
    assert note.message == FLOOR_OVERRIDE_CONFIRMED
    assert n.system_a.events.filter(kind=SystemEvent.Kind.OVERRIDE_CONFIRMED).exists()


def test_the_regulator_rejects_with_a_reason_and_the_floor_stays(network: Network) -> None:
    n = network
    intake = _intake(n, CREDIT)
    intake_override(actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION)
    with pytest.raises(ValidationError) as caught:
        intake_floor_review(actor=n.regulator_province_a, intake=intake, decision="reject")
    assert "note" in caught.value.message_dict
    intake = intake_floor_review(
        actor=n.regulator_province_a,
        intake=intake,
        decision="reject",
        note="Credit decisions stay at the standard review.",
    )
    intake.refresh_from_db()
    assert (intake.tier, intake.floor_review) == ("medium", FloorReview.REJECTED)
    assert _ledger(n)[-1]["kind"] == "tier_override_rejected"


@pytest.mark.parametrize("actor", ["chair_a", "admin_a", "applicant_a", "regulator_province_b"])
def test_only_a_regulator_over_the_organisation_may_review(network: Network, actor: str) -> None:
    n = network
    intake = _intake(n, CREDIT)
    intake_override(actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION)
    with pytest.raises(PermissionDenied):
        intake_floor_review(actor=getattr(n, actor), intake=intake, decision="confirm")
    intake.refresh_from_db()
    assert intake.floor_review == FloorReview.PENDING


def test_a_higher_regulator_may_review_too(network: Network) -> None:
    n = network
    intake = _intake(n, CREDIT)
    intake_override(actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION)
    intake = intake_floor_review(actor=n.regulator_central, intake=intake, decision="confirm")
    assert intake.tier == "low"


def test_there_is_nothing_to_review_without_a_pending_override(network: Network) -> None:
    n = network
    intake = _intake(n, CREDIT)
    with pytest.raises(ValidationError):
        intake_floor_review(actor=n.regulator_province_a, intake=intake, decision="confirm")
    intake_override(actor=n.chair_a, intake=intake, tier="high", justification=JUSTIFICATION)
    intake.refresh_from_db()
    assert (intake.tier, intake.floor_review) == ("high", "")
    with pytest.raises(ValidationError):
        intake_floor_review(actor=n.regulator_province_a, intake=intake, decision="confirm")


def test_a_regulators_own_override_below_a_floor_is_confirmed_by_the_act(
    network: Network,
) -> None:
    n = network
    intake = _intake(n, CREDIT)
    intake = intake_override(
        actor=n.regulator_province_a, intake=intake, tier="low", justification=JUSTIFICATION
    )
    intake.refresh_from_db()
    assert (intake.tier, intake.floor_review) == ("low", FloorReview.CONFIRMED)
    assert intake.floor_reviewed_by == n.regulator_province_a
    assert _ledger(n)[-1]["payload"]["regulator_review"] == "confirmed"


def test_a_new_override_at_the_floor_replaces_a_pending_one(network: Network) -> None:
    n = network
    intake = _intake(n, CREDIT)
    intake_override(actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION)
    intake_override(actor=n.chair_a, intake=intake, tier="medium", justification=JUSTIFICATION)
    intake.refresh_from_db()
    assert (intake.tier, intake.floor_review, intake.floor_rules) == ("medium", "", [])


# --- the pages ------------------------------------------------------------------------------


def _english(user: Any) -> Client:
    client = logged_in_client(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _detail(n: Network, user: Any) -> str:
    response = _english(user).get(reverse("systems:detail", args=[n.system_a.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_system_page_shows_the_pending_override_prominently(network: Network) -> None:
    n = network
    intake = _intake(n, CREDIT)
    intake_override(actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION)
    page = _detail(n, n.applicant_a)
    assert 'id="floor-override"' in page and 'data-review="pending"' in page
    assert 'role="alert"' in page
    assert "chair_a set the tier to <strong>Low</strong>" in page
    assert "below the minimum of <strong>Medium</strong>" in page
    assert "Automated decisions in hiring or credit: at least medium tier." in page
    assert str(n.province_a) in page
    assert "the tier in force is <strong>Medium</strong>" in page
    assert 'id="floor-review-form"' not in page  # the applicant cannot decide it


def test_the_regulator_sees_the_decision_form_and_confirms_from_the_page(
    network: Network,
) -> None:
    n = network
    intake = _intake(n, CREDIT)
    intake_override(actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION)
    assert 'id="floor-review-form"' in _detail(n, n.regulator_province_a)
    url = reverse("systems:floor_review", args=[n.system_a.pk, intake.pk])
    response = logged_in_client(n.regulator_province_a).post(url, {"decision": "confirm"})
    assert response.status_code == 302
    intake.refresh_from_db()
    assert (intake.tier, intake.floor_review) == ("low", FloorReview.CONFIRMED)
    page = _detail(n, n.applicant_a)
    assert 'data-review="confirmed"' in page
    assert "Confirmed by regulator_province_a" in page


def test_the_review_endpoint_answers_404_outside_and_403_without_the_role(
    network: Network,
) -> None:
    n = network
    intake = _intake(n, CREDIT)
    intake_override(actor=n.chair_a, intake=intake, tier="low", justification=JUSTIFICATION)
    url = reverse("systems:floor_review", args=[n.system_a.pk, intake.pk])
    for user, status in ((n.regulator_province_b, 404), (n.applicant_b, 404), (n.chair_a, 403)):
        assert logged_in_client(user).post(url, {"decision": "confirm"}).status_code == status
    intake.refresh_from_db()
    assert intake.floor_review == FloorReview.PENDING


def test_the_override_form_refuses_a_mandatory_floor_and_says_who_may_override(
    network: Network,
) -> None:
    n = network
    intake = _intake(n, EXPORTED)
    url = reverse("systems:override", args=[n.system_a.pk, intake.pk])
    client = _english(n.chair_a)
    page = client.get(url).content.decode()
    assert "Who may override: the organisation's administrators" in page
    assert "at least Medium; may not be overridden" in page
    response = client.post(url, {"tier": "low", "justification": JUSTIFICATION})
    assert response.status_code == 200
    assert "may not be overridden; the tier cannot be set to low" in response.content.decode()
    intake.refresh_from_db()
    assert (intake.tier, intake.is_overridden) == ("medium", False)


# --- the API --------------------------------------------------------------------------------


def test_the_api_refuses_a_mandatory_floor_and_reports_a_pending_override(
    network: Network,
) -> None:
    n = network
    client = bearer_client(n.chair_a)
    exported = _intake(n, EXPORTED)
    url = f"/api/systems/{n.system_a.pk}/intakes/{exported.pk}/override"
    body = {"tier": "low", "justification": JUSTIFICATION}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 422
    assert Intake.objects.get(pk=exported.pk).tier == "medium"

    credit = _intake(n, CREDIT)
    url = f"/api/systems/{n.system_a.pk}/intakes/{credit.pk}/override"
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["tier"], data["requested_tier"], data["override_review"]) == (
        "medium",
        "low",
        "pending",
    )


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_visual_inspection_system_is_medium_without_fast_track() -> None:
    (spec,) = [s for s in DEMO_SYSTEMS if s["fields"]["name"] == "PCB 视觉质检"]
    result = tiering.score_intake(spec["answers"])
    assert result.tier == "medium"
    assert "review.fast_track" not in [o.id for o in result.obligations]
    assert "export.ethics_review" in [o.id for o in result.obligations]


# --- the migration of existing records ------------------------------------------------------

FLAGGED_AT = [("systems", "0005_intake_floor_override")]
"""The schema with the new fields, before the migration that flags existing overrides."""


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


@pytest.fixture
def before_flagging() -> Iterator[None]:
    latest = list(MigrationExecutor(connection).loader.graph.leaf_nodes())
    _migrate(FLAGGED_AT)
    try:
        yield
    finally:
        _migrate(latest)
        ContentType.objects.clear_cache()


@pytest.fixture
def intakes(network: Network) -> tuple[Intake, Intake]:
    """Two intakes made with today's schema, before the database goes back (today's models
    cannot write to the previous schema): one below a floor once overridden, one fine."""
    n = network
    below = _intake(n, CREDIT)
    fine = intake_submit(actor=n.applicant_b, system=n.system_b, answers=answers())
    return below, fine


@pytest.mark.django_db(transaction=True)
def test_an_existing_override_below_a_floor_is_flagged_and_put_to_the_regulator(
    network: Network, intakes: tuple[Intake, Intake], before_flagging: None
) -> None:
    n = network
    below, fine = intakes
    # Overrides as they were recorded before floors were enforced.
    for intake in (below, fine):
        Intake.objects.filter(pk=intake.pk).update(
            tier="low",
            override_justification=JUSTIFICATION,
            overridden_by=n.chair_a,
            overridden_at=timezone.now(),
        )

    _migrate(list(MigrationExecutor(connection).loader.graph.leaf_nodes()))
    ContentType.objects.clear_cache()

    below.refresh_from_db()
    assert below.floor_review == FloorReview.PENDING
    assert (below.tier, below.requested_tier, below.floor_tier) == ("medium", "low", "medium")
    assert below.floor_rules == ["automated_hiring_or_credit"]
    assert below.floor_regulator_id == n.province_a.pk
    assert below.result["tier"] == "medium"
    (note,) = _notes(n.regulator_province_a)
    assert note.target == below
    assert note.params == {"system": n.system_a.name}
    fine.refresh_from_db()
    assert (fine.tier, fine.floor_review) == ("low", "")
    assert _notes(n.regulator_province_b) == []
