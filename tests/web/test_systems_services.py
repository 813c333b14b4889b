"""Services of ``tianping.web.systems``: register, update, intake, override, report jobs.

Every refused write must leave the database as it was: the tests count rows
before and after rather than trusting the exception alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.web.factories import (
    CONTRADICTORY_ANSWERS,
    HIGH_RISK_ANSWERS,
    JUSTIFICATION,
    SYSTEM_A_NAME,
    Network,
    answers,
    make_system,
    system_fields,
)
from tianping.web.systems.models import AISystem, Intake, ReportJob, SystemEvent
from tianping.web.systems.services import (
    intake_override,
    intake_preview,
    intake_submit,
    report_job_cancel,
    report_job_start,
    system_register,
    system_update,
)

pytestmark = pytest.mark.django_db


@contextmanager
def nothing_saved() -> Iterator[None]:
    """Assert that the block changes no system, intake, event or report job."""

    def snapshot() -> tuple[Any, ...]:
        return (
            list(AISystem.objects.order_by("pk").values()),
            list(Intake.objects.order_by("pk").values()),
            SystemEvent.objects.count(),
            ReportJob.objects.count(),
        )

    before = snapshot()
    yield
    assert snapshot() == before


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict


# Register ------------------------------------------------------------------------------------


def test_register_stores_the_particulars_and_records_the_event(network: Network) -> None:
    n = network
    system = make_system(
        actor=n.applicant_a,
        organisation=n.enterprise_a,
        name="Chatbot 客服机器人",
        markets=["domestic", "asean", "asean"],
        export_destinations=[" 新加坡 "],
    )

    system.refresh_from_db()
    assert system.organisation == n.enterprise_a
    assert system.created_by == n.applicant_a
    assert system.markets == ["domestic", "asean"]
    assert system.export_destinations == ["新加坡"]
    assert system.latest_intake is None
    event = system.events.get()
    assert (event.kind, event.actor, event.changes) == (
        SystemEvent.Kind.REGISTERED,
        n.applicant_a,
        {"name": "Chatbot 客服机器人"},
    )


def test_organisation_admin_may_register_a_system(network: Network) -> None:
    n = network
    system = make_system(actor=n.admin_a, organisation=n.enterprise_a, name="By the admin")
    assert system.pk is not None


@pytest.mark.parametrize(
    "actor",
    ["applicant_b", "regulator_province_a", "regulator_central", "chair_a", "outsider"],
)
def test_register_for_an_organisation_without_an_edit_role_is_denied(
    network: Network, actor: str
) -> None:
    with nothing_saved(), pytest.raises(PermissionDenied):
        make_system(actor=getattr(network, actor), organisation=network.enterprise_a, name="Nope")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sector": "astrology"}, "sector"),
        ({"lifecycle_stage": "someday"}, "lifecycle_stage"),
        ({"name": ""}, "name"),
        ({"purpose": ""}, "purpose"),
        ({"name": "x" * 201}, "name"),
        ({"components": "XGBoost"}, "components"),
        ({"components": [{"name": "XGBoost", "price": "free"}]}, "components"),
        ({"components": [{"name": 42}]}, "components"),
        ({"datasets": [{"name": " "}]}, "datasets"),
        ({"markets": ["moon"]}, "markets"),
        ({"markets": "domestic"}, "markets"),
        ({"markets": ["domestic"] * 101}, "markets"),
        ({"export_destinations": [""]}, "export_destinations"),
        ({"export_destinations": ["德国"], "markets": ["domestic"]}, "export_destinations"),
        ({"colour": "blue"}, "colour"),
        ({"purpose": "nul \x00 inside"}, "purpose"),
        ({"components": [{"name": "nul \x00", "vendor": ""}]}, "components"),
    ],
    ids=lambda value: repr(value)[:40] if isinstance(value, dict) else value,
)
def test_register_with_invalid_particulars_names_the_field_and_saves_nothing(
    network: Network, changes: dict[str, Any], field: str
) -> None:
    n = network
    with nothing_saved(), pytest.raises(ValidationError) as caught:
        system_register(
            actor=n.applicant_a, organisation=n.enterprise_a, **system_fields(**changes)
        )
    assert field in _field_errors(caught.value)


def test_register_refuses_a_second_system_of_the_same_name_in_one_organisation(
    network: Network,
) -> None:
    n = network
    with nothing_saved(), pytest.raises(ValidationError):
        make_system(actor=n.applicant_a, organisation=n.enterprise_a, name=n.system_a.name)


def test_the_same_name_may_be_used_by_another_organisation(network: Network) -> None:
    n = network
    system = make_system(actor=n.applicant_b, organisation=n.enterprise_b, name=n.system_a.name)
    assert system.organisation == n.enterprise_b


# Update --------------------------------------------------------------------------------------


def test_update_records_each_changed_field_with_old_and_new_value(network: Network) -> None:
    n = network
    old = n.system_a
    system_update(
        actor=n.applicant_a,
        system=old,
        purpose="New purpose 新用途",
        lifecycle_stage="retire",
        owner=old.owner,
        components=[],
    )

    event = n.system_a.events.filter(kind=SystemEvent.Kind.UPDATED).get()
    assert event.actor == n.applicant_a
    assert event.changes == {
        "purpose": {"from": old.purpose, "to": "New purpose 新用途"},
        "lifecycle_stage": {"from": "operate", "to": "retire"},
        "components": {"from": old.components, "to": []},
    }
    fresh = AISystem.objects.get(pk=old.pk)
    assert (fresh.purpose, fresh.lifecycle_stage, fresh.components) == (
        "New purpose 新用途",
        "retire",
        [],
    )


def test_update_without_a_change_records_nothing(network: Network) -> None:
    n = network
    with nothing_saved():
        system_update(actor=n.applicant_a, system=n.system_a, name=n.system_a.name)


@pytest.mark.parametrize(
    "actor", ["regulator_province_a", "regulator_central", "chair_a", "applicant_b", "outsider"]
)
def test_update_by_someone_without_an_edit_role_is_denied(network: Network, actor: str) -> None:
    with nothing_saved(), pytest.raises(PermissionDenied):
        system_update(actor=getattr(network, actor), system=network.system_a, name="Taken over")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sector": "astrology"}, "sector"),
        ({"name": ""}, "name"),
        ({"owner": "nul\x00"}, "owner"),
        ({"markets": ["moon"]}, "markets"),
        ({"created_by": None}, "created_by"),
        ({"organisation": 1}, "organisation"),
    ],
    ids=["sector", "name", "nul", "markets", "created_by", "organisation"],
)
def test_update_with_invalid_particulars_names_the_field_and_saves_nothing(
    network: Network, changes: dict[str, Any], field: str
) -> None:
    with nothing_saved(), pytest.raises(ValidationError) as caught:
        system_update(actor=network.applicant_a, system=network.system_a, **changes)
    assert field in _field_errors(caught.value)


def test_update_to_the_name_of_a_sibling_system_is_refused(network: Network) -> None:
    n = network
    make_system(actor=n.applicant_a, organisation=n.enterprise_a, name="Sibling")
    with nothing_saved(), pytest.raises(ValidationError):
        system_update(actor=n.applicant_a, system=n.system_a, name="Sibling")


# Intake --------------------------------------------------------------------------------------


def test_intake_stores_the_tier_makes_it_current_and_records_the_event(network: Network) -> None:
    n = network
    intake = intake_submit(actor=n.applicant_a, system=n.system_a, answers=HIGH_RISK_ANSWERS)

    intake.refresh_from_db()
    assert (intake.tier, intake.computed_tier) == ("high", "high")
    assert intake.expert_review_required is True
    assert intake.submitted_by == n.applicant_a
    assert intake.result["tier"] == "high"
    assert intake.result["obligations"]
    assert intake.answers["listed_activities"] == ["public_opinion_mobilisation"]
    assert intake.answers["export_markets"] == []  # cleaned: every question, in order
    assert AISystem.objects.get(pk=n.system_a.pk).latest_intake == intake
    event = n.system_a.events.filter(kind=SystemEvent.Kind.INTAKE_SUBMITTED).first()
    assert event is not None
    assert event.changes == {"tier": "high", "expert_review_required": True}


def test_network_fixture_systems_carry_their_intakes(network: Network) -> None:
    n = network
    assert n.system_a.latest_intake == n.intake_a
    assert n.intake_a.tier == "low"
    assert n.system_b.latest_intake == n.intake_b
    assert n.intake_b.tier == "high"


@pytest.mark.parametrize(
    ("given", "field"),
    [
        (CONTRADICTORY_ANSWERS, "sensitive_pi"),
        (answers(exported=False, export_markets=["eu"]), "export_markets"),
        (answers(automated_decisions=["none", "credit"]), "automated_decisions"),
        (answers(personal_info="yes"), "personal_info"),
        (answers(scale=3), "scale"),
        (answers(scale="everyone"), "scale"),
        (answers(mitigations="monitoring"), "mitigations"),
        (answers(favourite_colour="blue"), "favourite_colour"),
        ({k: v for k, v in answers().items() if k != "generative"}, "generative"),
        (answers(scale="lt_10k\x00"), "answers"),
    ],
    ids=[
        "sensitive-without-personal-info",
        "markets-without-export",
        "none-with-others",
        "string-for-boolean",
        "number-for-choice",
        "unknown-choice",
        "string-for-list",
        "unknown-question",
        "missing-required",
        "nul",
    ],
)
def test_invalid_intake_answers_name_the_field_and_save_nothing(
    network: Network, given: dict[str, Any], field: str
) -> None:
    n = network
    with nothing_saved(), pytest.raises(ValidationError) as caught:
        intake_submit(actor=n.applicant_a, system=n.system_a, answers=given)
    assert field in _field_errors(caught.value)
    assert AISystem.objects.get(pk=n.system_a.pk).latest_intake == n.intake_a


def test_intake_answers_that_are_not_a_mapping_are_refused(network: Network) -> None:
    n = network
    with nothing_saved(), pytest.raises(ValidationError):
        intake_submit(actor=n.applicant_a, system=n.system_a, answers=["personal_info"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "actor", ["regulator_province_a", "chair_a", "regulator_central", "applicant_b", "outsider"]
)
def test_intake_by_someone_without_an_edit_role_is_denied(network: Network, actor: str) -> None:
    n = network
    with nothing_saved(), pytest.raises(PermissionDenied):
        intake_submit(actor=getattr(n, actor), system=n.system_a, answers=HIGH_RISK_ANSWERS)


def test_intake_preview_scores_without_saving(network: Network) -> None:
    with nothing_saved():
        result = intake_preview(answers=HIGH_RISK_ANSWERS)
    assert result["tier"] == "high"
    assert result["expert_review_required"] is True


def test_intake_preview_of_contradictory_answers_names_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        intake_preview(answers=CONTRADICTORY_ANSWERS)
    assert "sensitive_pi" in _field_errors(caught.value)


# Override ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor", ["admin_a", "chair_a", "regulator_province_a", "regulator_central"]
)
def test_override_is_allowed_to_admin_committee_and_regulators_over_the_owner(
    network: Network, actor: str
) -> None:
    n = network
    user = getattr(n, actor)
    intake_override(actor=user, intake=n.intake_a, tier="medium", justification=JUSTIFICATION)

    intake = Intake.objects.get(pk=n.intake_a.pk)
    assert (intake.tier, intake.computed_tier) == ("medium", "low")
    assert intake.override_justification == JUSTIFICATION
    assert intake.overridden_by == user
    assert intake.overridden_at is not None
    assert intake.is_overridden
    assert intake.result["override"]["justification"] == JUSTIFICATION
    assert intake.result["override"]["by"] == user.get_username()
    assert intake.result["tier"] == "medium"
    event = n.system_a.events.get(kind=SystemEvent.Kind.TIER_OVERRIDDEN)
    assert event.actor == user
    assert event.changes == {
        "tier": {"from": "low", "to": "medium"},
        "justification": JUSTIFICATION,
    }


@pytest.mark.parametrize(
    "actor", ["applicant_a", "applicant_b", "regulator_province_b", "outsider"]
)
def test_override_by_someone_without_the_right_is_denied(network: Network, actor: str) -> None:
    n = network
    with nothing_saved(), pytest.raises(PermissionDenied):
        intake_override(
            actor=getattr(n, actor), intake=n.intake_a, tier="high", justification=JUSTIFICATION
        )


@pytest.mark.parametrize(
    "justification",
    ["", "too short", " " * 40, "x" * 19, "   " + "x" * 19 + "   "],
    ids=["empty", "short", "blank", "19-chars", "19-chars-padded-with-blanks"],
)
def test_override_needs_a_justification_of_at_least_20_characters(
    network: Network, justification: str
) -> None:
    n = network
    with nothing_saved(), pytest.raises(ValidationError) as caught:
        intake_override(
            actor=n.admin_a, intake=n.intake_a, tier="high", justification=justification
        )
    assert "justification" in _field_errors(caught.value)


def test_override_accepts_a_justification_of_exactly_20_characters(network: Network) -> None:
    n = network
    intake = intake_override(
        actor=n.admin_a, intake=n.intake_a, tier="high", justification="x" * 20
    )
    assert intake.tier == "high"


@pytest.mark.parametrize(
    ("tier", "justification", "field"),
    [
        ("critical", JUSTIFICATION, "tier"),
        ("high", JUSTIFICATION + "\x00", "justification"),
    ],
    ids=["unknown-tier", "nul"],
)
def test_override_with_invalid_input_names_the_field_and_saves_nothing(
    network: Network, tier: str, justification: str, field: str
) -> None:
    n = network
    with nothing_saved(), pytest.raises(ValidationError) as caught:
        intake_override(actor=n.admin_a, intake=n.intake_a, tier=tier, justification=justification)
    assert field in _field_errors(caught.value)


def test_override_of_an_override_keeps_the_originally_computed_tier(network: Network) -> None:
    n = network
    intake_override(actor=n.admin_a, intake=n.intake_a, tier="high", justification=JUSTIFICATION)
    intake_override(actor=n.chair_a, intake=n.intake_a, tier="medium", justification=JUSTIFICATION)
    intake = Intake.objects.get(pk=n.intake_a.pk)
    assert (intake.tier, intake.computed_tier, intake.overridden_by) == ("medium", "low", n.chair_a)
    kinds = list(
        n.system_a.events.filter(kind=SystemEvent.Kind.TIER_OVERRIDDEN).values_list(
            "changes__tier__from", flat=True
        )
    )
    assert sorted(kinds) == ["high", "low"]


# Report jobs ---------------------------------------------------------------------------------


def test_report_job_renders_a_pdf_once_the_transaction_commits(
    network: Network, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    n = network
    with django_capture_on_commit_callbacks(execute=True):
        job = report_job_start(actor=n.applicant_a, system=n.system_a, language="both")

    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.message
    assert job.progress == 100
    assert job.finished_at is not None
    assert job.intake == n.intake_a
    assert bytes(job.pdf).startswith(b"%PDF")
    event = n.system_a.events.get(kind=SystemEvent.Kind.REPORT_GENERATED)
    assert (event.actor, event.changes) == (n.applicant_a, {"language": "both"})


def test_report_job_stays_queued_until_the_worker_runs_it(network: Network) -> None:
    n = network
    job = report_job_start(actor=n.applicant_a, system=n.system_a, language="en")
    job.refresh_from_db()
    assert (job.status, job.progress, job.pdf) == (ReportJob.Status.QUEUED, 0, None)


def test_cancelling_a_queued_report_job_finishes_it_as_cancelled(network: Network) -> None:
    n = network
    job = report_job_start(actor=n.applicant_a, system=n.system_a, language="zh-Hans")

    report_job_cancel(actor=n.applicant_a, job=job)

    job.refresh_from_db()
    assert job.status == ReportJob.Status.CANCELLED
    assert job.cancel_requested
    assert job.finished_at is not None
    assert job.pdf is None


def test_a_finished_report_job_cannot_be_cancelled(network: Network) -> None:
    n = network
    job = report_job_start(actor=n.applicant_a, system=n.system_a, language="en")
    report_job_cancel(actor=n.applicant_a, job=job)
    with pytest.raises(ValidationError):
        report_job_cancel(actor=n.applicant_a, job=job)


def test_cancelled_job_is_not_rendered_when_the_worker_picks_it_up(
    network: Network, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from tianping.web.systems.services import report_job_run

    n = network
    job = report_job_start(actor=n.applicant_a, system=n.system_a, language="en")
    report_job_cancel(actor=n.applicant_a, job=job)
    report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.pdf) == (ReportJob.Status.CANCELLED, None)


def test_an_organisation_admin_may_cancel_a_colleagues_report_job(network: Network) -> None:
    n = network
    job = report_job_start(actor=n.applicant_a, system=n.system_a, language="en")
    assert report_job_cancel(actor=n.admin_a, job=job).status == ReportJob.Status.CANCELLED


@pytest.mark.parametrize("actor", ["regulator_province_a", "regulator_central", "chair_a"])
def test_a_reader_who_did_not_request_a_report_job_cannot_cancel_it(
    network: Network, actor: str
) -> None:
    n = network
    job = report_job_start(actor=n.applicant_a, system=n.system_a, language="en")
    with pytest.raises(PermissionDenied):
        report_job_cancel(actor=getattr(n, actor), job=job)
    job.refresh_from_db()
    assert (job.status, job.cancel_requested) == (ReportJob.Status.QUEUED, False)


@pytest.mark.parametrize("language", ["fr", "", "zh-hans\x00"])
def test_report_job_refuses_an_unknown_language(network: Network, language: str) -> None:
    n = network
    with nothing_saved(), pytest.raises(ValidationError) as caught:
        report_job_start(actor=n.applicant_a, system=n.system_a, language=language)
    assert "language" in _field_errors(caught.value)


def test_report_job_needs_a_completed_intake(network: Network) -> None:
    n = network
    fresh = make_system(actor=n.applicant_a, organisation=n.enterprise_a, name="No intake yet")
    with nothing_saved(), pytest.raises(ValidationError):
        report_job_start(actor=n.applicant_a, system=fresh, language="en")


def test_a_concurrent_registration_of_the_same_name_gets_a_field_error(network: Network) -> None:
    """The second of two simultaneous registrations passes full_clean (the first is not
    committed yet) and hits the unique constraint: it gets a field error, not a 500."""
    from unittest import mock

    before = AISystem.objects.count()
    with (
        mock.patch.object(AISystem, "validate_constraints"),
        mock.patch.object(AISystem, "validate_unique"),
        pytest.raises(ValidationError) as info,
    ):
        system_register(
            actor=network.applicant_a,
            organisation=network.enterprise_a,
            **system_fields(name=SYSTEM_A_NAME),
        )
    assert "name" in info.value.message_dict
    assert AISystem.objects.count() == before
