"""Validating intake answers: types, choices, required answers and contradictions."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import pytest
import yaml

from tianping.errors import TianpingError
from tianping.text import LocalizedText
from tianping.tiering import (
    NON_FIELD,
    IntakeDocumentError,
    IntakeError,
    IntakeValidationError,
    OverrideError,
    QuestionnaireError,
    TieringError,
    parse_questionnaire,
    validate_answers,
)
from tianping.tiering.messages import (
    ERR_CONTRADICTION,
    ERR_EMPTY_MULTICHOICE,
    ERR_EXCLUSIVE_CHOICE,
    ERR_NOT_A_MAPPING,
    ERR_NOT_BOOLEAN,
    ERR_NOT_CHOICE,
    ERR_NOT_MULTICHOICE,
    ERR_NOT_TEXT,
    ERR_REQUIRED,
    ERR_REQUIRED_WHEN,
    ERR_TEXT_TOO_LONG,
    ERR_UNKNOWN_CHOICE,
    ERR_UNKNOWN_FIELD,
    VALIDATION_SUMMARY,
)

AUTOMATED = "hiring, credit, pricing, recommendation, content_review, safety, none"
MITIGATIONS = "human_review, appeal_path, monitoring, opt_out, none"


def errors_of(answers: object) -> dict[str, list[str]]:
    with pytest.raises(IntakeValidationError) as caught:
        validate_answers(answers)  # type: ignore[arg-type]
    return caught.value.errors


def test_valid_answers_come_back_cleaned_with_every_question_in_order(
    answers: dict[str, object],
) -> None:
    cleaned = validate_answers(answers)
    assert list(cleaned) == [
        "personal_info",
        "sensitive_pi",
        "minors",
        "affects_rights",
        "automated_decisions",
        "public_facing",
        "generative",
        "third_party_components",
        "exported",
        "export_markets",
        "listed_activities",
        "scale",
        "mitigations",
    ]


def test_questions_that_do_not_apply_get_empty_answers(answers: dict[str, object]) -> None:
    cleaned = validate_answers(answers)
    assert cleaned["sensitive_pi"] is False
    assert cleaned["minors"] is False
    assert cleaned["export_markets"] == []


def test_a_negative_answer_to_a_question_that_does_not_apply_is_accepted(
    answers: dict[str, object],
) -> None:
    answers.update(sensitive_pi=False, minors=False, export_markets=[])
    assert validate_answers(answers)["sensitive_pi"] is False


def test_multichoice_answers_lose_repeats_and_follow_the_choice_order(
    answers: dict[str, object],
) -> None:
    answers["mitigations"] = ["opt_out", "human_review", "opt_out"]
    answers["automated_decisions"] = ("safety", "hiring")
    cleaned = validate_answers(answers)
    assert cleaned["mitigations"] == ["human_review", "opt_out"]
    assert cleaned["automated_decisions"] == ["hiring", "safety"]


def test_a_null_answer_counts_as_not_given(answers: dict[str, object]) -> None:
    answers["scale"] = None
    assert errors_of(answers) == {"scale": [ERR_REQUIRED.en]}


def test_an_unknown_field_is_reported_under_its_own_name(answers: dict[str, object]) -> None:
    answers["human_in_loop_level"] = "high"
    assert errors_of(answers) == {
        "human_in_loop_level": [ERR_UNKNOWN_FIELD.en.format(version="2026.1")]
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("personal_info", "yes", ERR_NOT_BOOLEAN.en.format(got='"yes"')),
        ("personal_info", 1, ERR_NOT_BOOLEAN.en.format(got="1")),
        ("generative", ["true"], ERR_NOT_BOOLEAN.en.format(got="[…]")),
        (
            "scale",
            ["lt_10k"],
            ERR_NOT_CHOICE.en.format(got="[…]", choices="lt_10k, 10k_1m, gt_1m"),
        ),
        ("scale", True, ERR_NOT_CHOICE.en.format(got="true", choices="lt_10k, 10k_1m, gt_1m")),
        (
            "automated_decisions",
            "hiring",
            ERR_NOT_MULTICHOICE.en.format(got='"hiring"', choices=AUTOMATED),
        ),
        (
            "mitigations",
            {"human_review": True},
            ERR_NOT_MULTICHOICE.en.format(got="{…}", choices=MITIGATIONS),
        ),
    ],
)
def test_an_answer_of_the_wrong_type_is_an_error(
    answers: dict[str, object], field: str, value: object, message: str
) -> None:
    answers[field] = value
    assert errors_of(answers) == {field: [message]}


@pytest.mark.parametrize(
    ("field", "value", "choice", "choices"),
    [
        ("scale", "huge", '"huge"', "lt_10k, 10k_1m, gt_1m"),
        ("mitigations", ["prayer"], '"prayer"', MITIGATIONS),
        ("automated_decisions", ["hiring", 7], "7", AUTOMATED),
    ],
)
def test_an_unknown_choice_is_an_error_naming_the_choices(
    answers: dict[str, object], field: str, value: object, choice: str, choices: str
) -> None:
    answers[field] = value
    assert errors_of(answers) == {
        field: [ERR_UNKNOWN_CHOICE.en.format(choice=choice, choices=choices)]
    }


def test_a_long_answer_is_clipped_in_the_message(answers: dict[str, object]) -> None:
    answers["scale"] = "x" * 500
    (message,) = errors_of(answers)["scale"]
    assert '"' + "x" * 40 + '…"' in message


def test_a_missing_required_answer_is_an_error(answers: dict[str, object]) -> None:
    del answers["affects_rights"]
    assert errors_of(answers) == {"affects_rights": [ERR_REQUIRED.en]}


def test_an_empty_list_for_a_required_multichoice_asks_for_a_choice(
    answers: dict[str, object],
) -> None:
    answers["mitigations"] = []
    assert errors_of(answers) == {
        "mitigations": [ERR_EMPTY_MULTICHOICE.en.format(choices=MITIGATIONS)]
    }


@pytest.mark.parametrize("field", ["sensitive_pi", "minors"])
def test_sensitive_pi_or_minors_without_personal_info_is_a_contradiction(
    answers: dict[str, object], field: str
) -> None:
    answers[field] = True
    assert errors_of(answers) == {
        field: [ERR_CONTRADICTION.en.format(condition="personal_info is true")]
    }


@pytest.mark.parametrize("field", ["sensitive_pi", "minors"])
def test_personal_info_requires_the_sensitive_pi_and_minors_answers(
    answers: dict[str, object], field: str
) -> None:
    answers.update(personal_info=True, sensitive_pi=False, minors=False)
    del answers[field]
    assert errors_of(answers) == {
        field: [ERR_REQUIRED_WHEN.en.format(condition="personal_info is true")]
    }


def test_export_markets_given_while_not_exported_is_a_contradiction(
    answers: dict[str, object],
) -> None:
    answers["export_markets"] = ["eu"]
    assert errors_of(answers) == {
        "export_markets": [ERR_CONTRADICTION.en.format(condition="exported is true")]
    }


@pytest.mark.parametrize("markets", [None, []])
def test_export_markets_missing_while_exported_is_an_error(
    answers: dict[str, object], markets: object
) -> None:
    answers.update(exported=True, export_markets=markets)
    assert errors_of(answers) == {
        "export_markets": [ERR_REQUIRED_WHEN.en.format(condition="exported is true")]
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("automated_decisions", ["none", "hiring"]),
        ("listed_activities", ["public_opinion_mobilisation", "none"]),
        ("mitigations", ["none", "monitoring"]),
    ],
)
def test_none_together_with_other_choices_is_a_contradiction(
    answers: dict[str, object], field: str, value: list[str]
) -> None:
    answers[field] = value
    assert errors_of(answers) == {field: [ERR_EXCLUSIVE_CHOICE.en.format(choice='"none"')]}


def test_a_dependent_answer_is_not_judged_while_its_condition_has_an_error(
    answers: dict[str, object],
) -> None:
    answers.update(personal_info="yes", sensitive_pi=True)
    assert list(errors_of(answers)) == ["personal_info"]


def test_every_problem_is_reported_at_once_in_questionnaire_order(
    answers: dict[str, object],
) -> None:
    answers.update(extra=1, minors=True, scale="huge", exported=True)
    del answers["generative"]
    with pytest.raises(IntakeValidationError) as caught:
        validate_answers(answers)
    error = caught.value
    assert list(error.errors) == ["extra", "minors", "generative", "export_markets", "scale"]
    assert error.message.splitlines()[0] == VALIDATION_SUMMARY.en.format(count=5)
    assert "  - minors: contradicts" in error.message
    assert error.hint is not None and "tianping intake questions" in error.hint


def test_messages_are_available_in_chinese(answers: dict[str, object]) -> None:
    answers["sensitive_pi"] = True
    with pytest.raises(IntakeValidationError) as caught:
        validate_answers(answers)
    assert caught.value.errors_localized("zh-Hans") == {
        "sensitive_pi": [ERR_CONTRADICTION.zh.format(condition="personal_info 为 true")]
    }
    chinese = caught.value.in_language("zh-Hans")
    assert chinese.message.startswith(VALIDATION_SUMMARY.zh.format(count=1))
    assert chinese.errors == caught.value.errors


@pytest.mark.parametrize("answers_value", [["personal_info"], "personal_info: true", None])
def test_answers_that_are_not_a_mapping_are_reported_for_the_whole(answers_value: object) -> None:
    errors = errors_of(answers_value)
    assert list(errors) == [NON_FIELD]
    assert errors[NON_FIELD][0].startswith(ERR_NOT_A_MAPPING.en.format(got="")[:-1])


def test_a_non_text_key_is_an_unknown_field(answers: dict[str, object]) -> None:
    answers[3] = True  # type: ignore[index]
    assert list(errors_of(answers)) == ["3"]


# --- text questions (none in the built-in questionnaire; the type is part of the data model) ---


@pytest.fixture
def with_notes() -> Any:
    text = resources.files("tianping.tiering").joinpath("data/questionnaire.yaml").read_text()
    data = copy.deepcopy(yaml.safe_load(text))
    data["questions"].append(
        {
            "id": "notes",
            "type": "text",
            "required": False,
            "max_length": 10,
            "title": {"zh-Hans": "备注", "en": "Notes"},
            "label": {"zh-Hans": "备注？", "en": "Notes?"},
            "help": {"zh-Hans": "任意。", "en": "Anything."},
        }
    )
    return parse_questionnaire(data)


def test_a_text_answer_is_trimmed(answers: dict[str, object], with_notes: Any) -> None:
    answers["notes"] = "  pilot  "
    assert validate_answers(answers, questionnaire=with_notes)["notes"] == "pilot"


def test_an_optional_text_left_out_is_empty(answers: dict[str, object], with_notes: Any) -> None:
    assert validate_answers(answers, questionnaire=with_notes)["notes"] == ""


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (12, ERR_NOT_TEXT.en.format(got="12")),
        ("x" * 11, ERR_TEXT_TOO_LONG.en.format(length=11, limit=10)),
    ],
)
def test_a_text_answer_must_be_text_within_its_length(
    answers: dict[str, object], with_notes: Any, value: object, message: str
) -> None:
    answers["notes"] = value
    with pytest.raises(IntakeValidationError) as caught:
        validate_answers(answers, questionnaire=with_notes)
    assert caught.value.errors == {"notes": [message]}


def test_messages_are_bilingual_constants() -> None:
    assert isinstance(ERR_REQUIRED, LocalizedText)
    assert ERR_REQUIRED.en == "is required"


def test_the_error_tree_has_one_root() -> None:
    for error in (IntakeValidationError, IntakeDocumentError, OverrideError, QuestionnaireError):
        assert issubclass(error, TieringError)
        assert issubclass(error, TianpingError)
    assert issubclass(IntakeValidationError, IntakeError)
