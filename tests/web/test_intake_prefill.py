"""The intake starts from what the registration already says, and its errors name the question."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.web.factories import Network, logged_in_client, make_system
from tianping import tiering
from tianping.web.systems.models import AISystem, Intake
from tianping.web.systems.prefill import (
    DESTINATION_REGIONS,
    MARKET_REGIONS,
    PREFILL_FROM,
    destination_region,
)

NOTE_EN = "Pre-filled from the registration"
NOTE_ZH = "已根据登记信息"
EN = {"Accept-Language": "en"}


@pytest.fixture
def applicant(network: Network) -> Client:
    return logged_in_client(network.applicant_a)


@pytest.fixture
def exporter(network: Network) -> AISystem:
    """A new system (no intake yet): sold in the EU, shipped to Germany, with a vendor's model."""
    return make_system(
        actor=network.applicant_a,
        organisation=network.enterprise_a,
        name="PCB inspection 视觉质检",
        markets=["domestic", "eu"],
        export_destinations=["德国"],
        components=[{"name": "YOLO", "vendor": "Ultralytics"}],
    )


def _intake_url(system: AISystem) -> str:
    return reverse("systems:intake", kwargs={"pk": system.pk})


def _question_box(body: str, question: str) -> str:
    match = re.search(
        rf'<div class="question"[^>]*>\s*<div class="field[^"]*" id="field-{question}">.*?'
        r'(?=<div class="question"|<button)',
        body,
        re.S,
    )
    assert match, question
    return match.group(0)


# The table ------------------------------------------------------------------------------------


def test_the_table_names_real_questions_choices_and_registration_fields() -> None:
    questionnaire = tiering.load_questionnaire()
    choices = {c.id for c in questionnaire.question("export_markets").choices}
    for rule in PREFILL_FROM:
        assert rule.question in questionnaire.question_ids
        for field in rule.fields:
            AISystem._meta.get_field(field)
    assert set(MARKET_REGIONS.values()) <= choices
    assert set(DESTINATION_REGIONS) <= choices


@pytest.mark.parametrize(
    ("name", "region"),
    [("德国", "eu"), ("Germany", "eu"), (" germany ", "eu"), ("新加坡", "asean"), ("火星", None)],
)
def test_destinations_map_to_export_regions(name: str, region: str | None) -> None:
    assert destination_region(name) == region


# Pre-filling ----------------------------------------------------------------------------------


def test_a_new_intake_is_prefilled_from_the_registration_and_says_so(
    exporter: AISystem, applicant: Client
) -> None:
    response = applicant.get(_intake_url(exporter), headers=EN)

    initial = response.context["form"].initial
    assert initial["exported"] == "yes"
    assert initial["export_markets"] == ["eu"]
    assert initial["third_party_components"] == "yes"
    body = response.content.decode()
    for question in ("exported", "export_markets", "third_party_components"):
        box = _question_box(body, question)
        assert NOTE_EN in box
        # Still editable: the offered answer is checked, the other choices stay open.
        assert "disabled" not in box
    assert re.search(r'name="exported" value="yes"[^>]*checked', body)
    assert re.search(r'name="export_markets" value="eu"[^>]*checked', body)
    assert NOTE_EN not in _question_box(body, "personal_info")


def test_the_note_is_translated(exporter: AISystem, applicant: Client) -> None:
    body = applicant.get(_intake_url(exporter), headers={"Accept-Language": "zh-Hans"})
    assert NOTE_ZH in _question_box(body.content.decode(), "exported")


def test_a_destination_alone_gives_its_region(network: Network, applicant: Client) -> None:
    system = make_system(
        actor=network.applicant_a,
        organisation=network.enterprise_a,
        name="Chat bot 客服",
        markets=["domestic", "asean"],
        export_destinations=["Germany", "新加坡"],
        components=[],
    )
    initial = applicant.get(_intake_url(system)).context["form"].initial
    assert initial["exported"] == "yes"
    assert initial["export_markets"] == ["eu", "asean"]
    assert "third_party_components" not in initial


def test_a_mainland_only_registration_prefills_not_exported(
    network: Network, applicant: Client
) -> None:
    system = make_system(
        actor=network.applicant_a, organisation=network.enterprise_a, name="Domestic 境内"
    )
    initial = applicant.get(_intake_url(system)).context["form"].initial
    assert initial["exported"] == "no"
    assert "export_markets" not in initial


def test_an_earlier_intake_answer_wins_over_the_registration(
    network: Network, applicant: Client
) -> None:
    system = network.system_a  # its intake answered "exported: no"
    AISystem.objects.filter(pk=system.pk).update(
        markets=["domestic", "eu"], export_destinations=["德国"]
    )
    response = applicant.get(_intake_url(system), headers=EN)
    assert response.context["form"].initial["exported"] == "no"
    assert not response.context["form"].initial.get("export_markets")
    assert NOTE_EN not in response.content.decode()


def test_the_saved_intake_records_what_was_prefilled_and_what_was_changed(
    exporter: AISystem, applicant: Client
) -> None:
    answers = {
        "personal_info": "no",
        "affects_rights": "no",
        "automated_decisions": ["none"],
        "public_facing": "no",
        "generative": "no",
        "third_party_components": "no",  # changed from the registration's "yes"
        "exported": "yes",
        "export_markets": ["eu"],
        "listed_activities": ["none"],
        "scale": "lt_10k",
        "mitigations": ["monitoring"],
    }
    response = applicant.post(_intake_url(exporter), answers)

    assert response.status_code == 302
    intake = Intake.objects.get(system=exporter)
    assert intake.answers["third_party_components"] is False
    prefilled = intake.prefilled
    assert set(prefilled) == {"third_party_components", "exported", "export_markets"}
    assert prefilled["third_party_components"] == {
        "value": True,
        "fields": ["components"],
        "changed": True,
    }
    assert prefilled["exported"]["value"] is True and prefilled["exported"]["changed"] is False
    assert prefilled["export_markets"] == {
        "value": ["eu"],
        "fields": ["markets", "export_destinations"],
        "changed": False,
    }


# Error text -----------------------------------------------------------------------------------


def test_a_missing_answer_is_a_sentence_naming_the_question_on_the_field_and_in_the_summary(
    network: Network, applicant: Client
) -> None:
    question = tiering.load_questionnaire().question("affects_rights")
    expected = f"Answer the question “{question.label.en}”."

    response = applicant.post(_intake_url(network.system_a), {"personal_info": "no"}, headers=EN)

    assert response.context["form"].errors["affects_rights"] == [expected]
    body = response.content.decode()
    summary = re.search(r'<ul class="errors" id="intake-errors">(.*?)</ul>', body, re.S)
    assert summary and 'href="#field-affects_rights"' in summary.group(1)
    assert escape(expected) in summary.group(1)
    assert "is required" not in body


def test_the_error_sentence_is_translated(network: Network, applicant: Client) -> None:
    question = tiering.load_questionnaire().question("affects_rights")
    response = applicant.post(
        _intake_url(network.system_a),
        {"personal_info": "no"},
        headers={"Accept-Language": "zh-Hans"},
    )
    assert response.context["form"].errors["affects_rights"] == [
        f"请回答问题“{question.label.zh}”。"
    ]
    assert "必须回答" not in response.content.decode()


def test_other_problems_name_the_question_too(network: Network, applicant: Client) -> None:
    question = tiering.load_questionnaire().question("automated_decisions")
    response = applicant.post(
        _intake_url(network.system_a),
        {"personal_info": "no", "automated_decisions": ["none", "hiring"]},
        headers=EN,
    )
    [message] = response.context["form"].errors["automated_decisions"]
    assert message.startswith(f"Check the answer to the question “{question.label.en}”: ")
    assert message.endswith(".")
