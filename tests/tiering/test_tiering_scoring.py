"""Scoring intakes: examples, mitigation credit, floors, reasons, obligations and JSON."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
import yaml

from tianping.tiering import (
    IntakeValidationError,
    TierResult,
    parse_questionnaire,
    read_answers,
    score_intake,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "intake"

TIER_OBLIGATIONS = {
    "low": ["review.fast_track"],
    "medium": ["review.standard"],
    "high": [
        "review.enhanced",
        "high.bias_testing",
        "high.human_intervention",
        "high.incident_plan",
        "high.management_signoff",
    ],
}


def score(answers: dict[str, object]) -> TierResult:
    return score_intake(answers)


def obligation_ids(result: TierResult) -> list[str]:
    return [obligation.id for obligation in result.obligations]


def condition_ids(result: TierResult) -> list[str]:
    return [o.id for o in result.obligations if o.trigger == "condition"]


# --- the examples ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("example", "tier", "expert_review"),
    [
        ("credit_scoring.yaml", "high", False),
        ("hiring_screen.yaml", "high", False),
        ("export_chatbot.yaml", "medium", False),
        ("industrial_inspection.yaml", "medium", False),
        ("recommendation_feed.yaml", "high", True),
        ("medical_triage.yaml", "high", False),
        ("internal_document_search.yaml", "low", False),
    ],
)
def test_each_example_intake_scores_to_its_expected_tier(
    example: str, tier: str, expert_review: bool
) -> None:
    result = score_intake(read_answers((EXAMPLES / example).read_bytes()))
    assert result.tier == tier
    assert result.expert_review_required is expert_review


def test_every_example_is_covered_by_the_table_above() -> None:
    assert len(list(EXAMPLES.glob("*.yaml"))) == 7


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_each_example_opens_with_a_comment_header_naming_its_expected_tier(example: str) -> None:
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    assert text.startswith("# Example intake: ")
    assert "Expected tier: " in text


def test_the_export_chatbot_carries_export_and_generative_obligations() -> None:
    result = score_intake(read_answers((EXAMPLES / "export_chatbot.yaml").read_bytes()))
    assert condition_ids(result) == [
        "export.ethics_review",
        "export.upstream_components",
        "genai.content_safety",
        "genai.aigc_labelling",
    ]


# --- the score ---------------------------------------------------------------------------------


def test_raw_impact_is_the_sum_of_the_points_of_the_answers(answers: dict[str, object]) -> None:
    answers.update(personal_info=True, sensitive_pi=False, minors=False)
    answers.update(automated_decisions=["pricing", "recommendation"], scale="10k_1m")
    result = score(answers)
    assert result.score.raw_impact == 2 + 4 + 3 + 2
    assert result.score.max_raw == 70


def test_a_score_on_a_band_boundary_falls_in_the_upper_band(answers: dict[str, object]) -> None:
    answers.update(personal_info=True, sensitive_pi=False, minors=False)
    answers.update(affects_rights=True, generative=True)  # 2 + 5 + 3 = 10
    result = score(answers)
    assert (result.score.final, result.score.band_tier, result.tier) == (10, "medium", "medium")


def test_an_intake_with_no_risk_factor_scores_zero_and_is_low(answers: dict[str, object]) -> None:
    result = score(answers)
    assert (result.score.raw_impact, result.score.final, result.tier) == (0, 0, "low")
    assert result.reasons == ()


def test_mitigation_credit_lowers_the_score(answers: dict[str, object]) -> None:
    answers.update(personal_info=True, sensitive_pi=False, minors=False, affects_rights=True)
    answers.update(public_facing=True, generative=True, scale="gt_1m")  # raw 16
    answers["mitigations"] = ["human_review", "monitoring"]  # 15 %
    result = score(answers)
    assert result.score.raw_impact == 16
    assert result.score.mitigation_percent == 15
    assert result.score.mitigation_credit == 2.4
    assert result.score.final == 13.6


def test_mitigation_credit_is_capped(answers: dict[str, object]) -> None:
    answers.update(personal_info=True, sensitive_pi=False, minors=False, affects_rights=True)
    answers.update(public_facing=True, generative=True, scale="gt_1m")  # raw 16
    answers["mitigations"] = ["human_review", "appeal_path", "monitoring", "opt_out"]  # 25 of 25
    result = score(answers)
    assert result.score.mitigation_percent == 25
    assert result.score.final == 12


def test_mitigation_credit_never_takes_the_score_below_the_mitigation_floor(
    answers: dict[str, object],
) -> None:
    answers.update(personal_info=True, sensitive_pi=False, minors=False)
    answers.update(generative=True, scale="10k_1m", exported=True, export_markets=["eu"])  # 9
    answers["mitigations"] = ["human_review", "appeal_path", "monitoring", "opt_out"]
    result = score(answers)
    assert result.score.raw_impact == 9
    assert result.score.mitigation_credit == 1  # 25 % would be 2.25; the floor is 8
    assert result.score.final == 8


def test_no_mitigation_credit_at_or_below_the_mitigation_floor(
    answers: dict[str, object],
) -> None:
    answers.update(third_party_components=True, exported=True, export_markets=["asean"])
    answers["mitigations"] = ["monitoring"]
    result = score(answers)
    assert (result.score.raw_impact, result.score.mitigation_credit) == (3, 0)
    assert [r for r in result.reasons if r.kind == "mitigation"] == []


def test_mitigation_lowers_the_score_but_never_the_tier_below_a_floor() -> None:
    result = score_intake(read_answers((EXAMPLES / "credit_scoring.yaml").read_bytes()))
    assert result.score.mitigation_credit > 0
    assert result.score.band_tier == "medium"
    assert result.tier == "high"
    assert result.floor_tier == "high"


# --- floors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "activity",
    ["human_machine_integration", "public_opinion_mobilisation", "autonomous_decision_safety"],
)
def test_a_listed_activity_forces_high_and_expert_review(
    answers: dict[str, object], activity: str
) -> None:
    answers["listed_activities"] = [activity]
    result = score(answers)
    assert result.score.band_tier == "low"
    assert result.tier == "high"
    assert result.expert_review_required is True
    assert result.listed_activities == (activity,)
    assert "expert_rereview" in obligation_ids(result)


@pytest.mark.parametrize("sensitive", ["sensitive_pi", "minors"])
@pytest.mark.parametrize("decision", ["hiring", "credit", "safety"])
def test_sensitive_data_with_high_stakes_automated_decisions_is_at_least_high(
    answers: dict[str, object], sensitive: str, decision: str
) -> None:
    answers.update(personal_info=True, sensitive_pi=False, minors=False)
    answers[sensitive] = True
    answers["automated_decisions"] = [decision]
    answers["mitigations"] = ["human_review", "appeal_path", "monitoring", "opt_out"]
    result = score(answers)
    assert result.score.band_tier == "low"
    assert result.tier == "high"
    assert result.expert_review_required is False


@pytest.mark.parametrize("decision", ["hiring", "credit"])
def test_automated_hiring_or_credit_is_at_least_medium(
    answers: dict[str, object], decision: str
) -> None:
    answers["automated_decisions"] = [decision]
    result = score(answers)
    assert (result.score.band_tier, result.tier) == ("low", "medium")
    assert [r.rule for r in result.reasons if r.kind == "floor"] == ["automated_hiring_or_credit"]


def test_automated_safety_decisions_are_at_least_medium(answers: dict[str, object]) -> None:
    answers["automated_decisions"] = ["safety"]
    answers["mitigations"] = ["human_review", "appeal_path", "monitoring", "opt_out"]
    result = score(answers)
    assert (result.score.band_tier, result.tier) == ("low", "medium")
    assert [r.rule for r in result.reasons if r.kind == "floor"] == ["automated_safety_decision"]
    assert "review.fast_track" not in obligation_ids(result)


@pytest.mark.parametrize("markets", [["eu"], ["asean", "latin_america"], ["other"]])
def test_a_system_supplied_abroad_is_at_least_medium_without_fast_track(
    answers: dict[str, object], markets: list[str]
) -> None:
    answers.update(exported=True, export_markets=markets, mitigations=["human_review"])
    result = score(answers)
    assert (result.score.band_tier, result.tier) == ("low", "medium")
    assert [r.rule for r in result.reasons if r.kind == "floor"] == ["export_scope"]
    assert obligation_ids(result) == ["review.standard", "export.ethics_review"]


def test_an_exported_safety_inspection_system_is_medium_with_the_export_review() -> None:
    # An industrial visual-inspection system deciding on physical safety, sold to
    # the EU and ASEAN, with human review: low by its score, medium by its floors.
    answers = {
        "personal_info": False,
        "affects_rights": False,
        "automated_decisions": ["safety"],
        "public_facing": False,
        "generative": False,
        "third_party_components": True,
        "exported": True,
        "export_markets": ["eu", "asean"],
        "listed_activities": ["none"],
        "scale": "lt_10k",
        "mitigations": ["human_review"],
    }
    result = score(answers)
    assert (result.score.band_tier, result.tier) == ("low", "medium")
    assert {r.rule for r in result.reasons if r.kind == "floor"} == {
        "automated_safety_decision",
        "export_scope",
    }
    assert obligation_ids(result) == [
        "review.standard",
        "export.ethics_review",
        "export.upstream_components",
    ]


@pytest.mark.parametrize("decision", ["pricing", "recommendation", "content_review"])
def test_other_automated_decisions_alone_force_no_floor(
    answers: dict[str, object], decision: str
) -> None:
    answers["automated_decisions"] = [decision]
    result = score(answers)
    assert result.tier == "low"
    assert result.floor_tier is None


def test_sensitive_data_without_high_stakes_decisions_forces_no_floor(
    answers: dict[str, object],
) -> None:
    answers.update(personal_info=True, sensitive_pi=True, minors=True)
    answers["automated_decisions"] = ["recommendation"]
    assert score(answers).floor_tier is None


# --- reasons -----------------------------------------------------------------------------------


def test_reasons_put_floors_first_then_points_largest_first_then_mitigations() -> None:
    result = score_intake(read_answers((EXAMPLES / "credit_scoring.yaml").read_bytes()))
    kinds = [reason.kind for reason in result.reasons]
    assert kinds == ["floor"] * 2 + ["points"] * 7 + ["mitigation"] * 2
    assert [r.floor for r in result.reasons[:2]] == ["high", "medium"]
    points = [r.points or 0 for r in result.reasons if r.kind == "points"]
    assert points == sorted(points, reverse=True)


def test_reasons_name_the_answers_that_drove_the_result() -> None:
    result = score_intake(read_answers((EXAMPLES / "medical_triage.yaml").read_bytes()))
    floor = result.reasons[0]
    assert (floor.kind, floor.rule, floor.question, floor.answer) == (
        "floor",
        "sensitive_data_high_stakes_decision",
        "automated_decisions",
        ("safety",),
    )
    driving = {(r.question, r.answer) for r in result.reasons if r.kind == "points"}
    assert {("sensitive_pi", True), ("minors", True), ("automated_decisions", ("safety",))} <= (
        driving
    )


def test_a_floor_reason_shows_only_the_choices_the_floor_names(
    answers: dict[str, object],
) -> None:
    answers["automated_decisions"] = ["credit", "pricing"]
    (floor,) = [r for r in score(answers).reasons if r.kind == "floor"]
    assert floor.answer == ("credit",)


def test_a_reason_explains_itself_in_both_languages(answers: dict[str, object]) -> None:
    answers["scale"] = "gt_1m"
    (reason,) = score(answers).reasons
    assert reason.text.en == "People affected per year: more than 1 million (impact +4)"
    assert reason.text.zh == "每年影响人数：超过 100 万人（影响分 +4）"


def test_answers_worth_no_points_are_not_reasons(answers: dict[str, object]) -> None:
    answers.update(exported=True, export_markets=["eu", "us"])
    reasons = score(answers).reasons
    assert [(r.kind, r.question) for r in reasons] == [
        ("floor", "exported"),
        ("points", "exported"),
    ]


# --- obligations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "tier"),
    [
        ({}, "low"),
        ({"automated_decisions": ["hiring"]}, "medium"),
        ({"listed_activities": ["human_machine_integration"]}, "high"),
    ],
)
def test_each_tier_carries_its_obligations_first(
    answers: dict[str, object], changes: dict[str, object], tier: str
) -> None:
    answers.update(changes)
    result = score(answers)
    assert result.tier == tier
    tier_part = [o.id for o in result.obligations if o.trigger == "tier"]
    assert tier_part == TIER_OBLIGATIONS[tier]
    assert obligation_ids(result)[: len(tier_part)] == tier_part


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"exported": True, "export_markets": ["eu"]}, ["export.ethics_review"]),
        (
            {"exported": True, "export_markets": ["eu"], "third_party_components": True},
            ["export.ethics_review", "export.upstream_components"],
        ),
        ({"third_party_components": True}, []),
        ({"listed_activities": ["public_opinion_mobilisation"]}, ["expert_rereview"]),
        ({"generative": True}, ["genai.content_safety", "genai.aigc_labelling"]),
        (
            {"personal_info": True, "sensitive_pi": True, "minors": False},
            ["pipl.impact_assessment"],
        ),
        (
            {
                "personal_info": True,
                "sensitive_pi": False,
                "minors": False,
                "automated_decisions": ["pricing"],
            },
            ["pipl.impact_assessment", "pipl.automated_decision_rights"],
        ),
        ({"personal_info": True, "sensitive_pi": False, "minors": False}, []),
        ({"automated_decisions": ["safety"]}, []),
    ],
)
def test_conditional_obligations_follow_the_answers(
    answers: dict[str, object], changes: dict[str, object], expected: list[str]
) -> None:
    answers.update(changes)
    assert condition_ids(score(answers)) == expected


def test_each_obligation_says_why_it_applies(answers: dict[str, object]) -> None:
    answers.update(generative=True)
    obligations = score(answers).obligations
    assert obligations[0].why.en == "the tier is low"
    assert obligations[0].why.zh == "等级为低风险"
    assert obligations[1].why.en == "the system generates content"
    assert obligations[1].source == "TC260-003-2024 (GB/T 45654-2025)"


# --- the result as JSON ------------------------------------------------------------------------


def test_result_json_has_exactly_the_agreed_keys(answers: dict[str, object]) -> None:
    data = json.loads(json.dumps(score(answers).to_json()))
    assert set(data) == {
        "tier",
        "expert_review_required",
        "score",
        "reasons",
        "obligations",
        "questionnaire_version",
        "override",
    }
    assert set(data["score"]) == {
        "raw_impact",
        "mitigation_percent",
        "mitigation_credit",
        "final",
        "max_raw",
        "band_tier",
        "bands",
    }
    assert data["override"] is None
    assert data["questionnaire_version"] == "2026.1"


def test_result_json_is_bilingual_without_a_language_and_plain_with_one() -> None:
    result = score_intake(read_answers((EXAMPLES / "recommendation_feed.yaml").read_bytes()))
    bilingual = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    english = json.loads(json.dumps(result.to_json("en")))
    assert set(bilingual["reasons"][0]["text"]) == {"zh-Hans", "en"}
    assert isinstance(english["reasons"][0]["text"], str)
    assert english["reasons"][0]["answer"] == ["public_opinion_mobilisation"]
    assert set(bilingual["obligations"][0]) == {"id", "text", "why", "trigger", "source"}
    assert english["score"]["bands"][-1] == {"tier": "high", "min": 22, "max": None}


def test_scoring_validates_first(answers: dict[str, object]) -> None:
    answers["sensitive_pi"] = True
    with pytest.raises(IntakeValidationError):
        score(answers)


def test_scoring_uses_the_questionnaire_it_is_given(answers: dict[str, object]) -> None:
    data = yaml.safe_load(
        resources.files("tianping.tiering").joinpath("data/questionnaire.yaml").read_text()
    )
    data["version"] = "2026.1-strict"
    data["scoring"]["impact"]["third_party_components"] = 30
    stricter = parse_questionnaire(data)
    answers["third_party_components"] = True
    result = score_intake(answers, questionnaire=stricter)
    assert (result.tier, result.questionnaire_version) == ("high", "2026.1-strict")
    assert score_intake(answers).tier == "low"
