"""Human overrides of the computed tier: justification, name, record, floors."""

from __future__ import annotations

import copy
import datetime as dt
from importlib import resources

import pytest
import yaml

from tianping.tiering import (
    OverrideError,
    Questionnaire,
    TierResult,
    override_tier,
    parse_questionnaire,
    score_intake,
)
from tianping.tiering.messages import (
    ERR_OVERRIDE_BY,
    ERR_OVERRIDE_JUSTIFICATION,
    ERR_OVERRIDE_TIER,
    ERR_OVERRIDE_VERSION,
)

JUSTIFICATION = "Pilot limited to one ward under daily clinical supervision."
AT = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def listed(answers: dict[str, object]) -> TierResult:
    answers.update(generative=True, listed_activities=["human_machine_integration"])
    return score_intake(answers)


@pytest.fixture
def low(answers: dict[str, object]) -> TierResult:
    return score_intake(answers)


def test_an_override_sets_the_tier_and_keeps_the_computed_one(low: TierResult) -> None:
    result = override_tier(low, tier="medium", justification=JUSTIFICATION, by="Li Wei", at=AT)
    assert (result.tier, result.computed_tier) == ("medium", "low")
    assert result.override is not None
    assert result.override.by == "Li Wei"
    assert result.override.justification == JUSTIFICATION
    assert result.override.below_floor is False
    assert low.tier == "low" and low.override is None  # the original is untouched


def test_an_override_is_recorded_in_the_json(low: TierResult) -> None:
    result = override_tier(low, tier="high", justification=JUSTIFICATION, by="Li Wei", at=AT)
    assert result.to_json()["override"] == {
        "tier": "high",
        "computed_tier": "low",
        "justification": JUSTIFICATION,
        "by": "Li Wei",
        "at": "2026-07-01T09:30:00+00:00",
        "below_floor": False,
        "floor": None,
    }
    assert result.to_json()["tier"] == "high"


def test_an_override_is_stamped_with_the_current_time_by_default(low: TierResult) -> None:
    before = dt.datetime.now(dt.UTC)
    result = override_tier(low, tier="medium", justification=JUSTIFICATION, by="Li Wei")
    assert result.override is not None
    assert before <= result.override.at <= dt.datetime.now(dt.UTC)


@pytest.mark.parametrize("justification", ["", "too short", " " * 30, "x" * 19])
def test_an_override_needs_a_justification_of_twenty_characters(
    low: TierResult, justification: str
) -> None:
    with pytest.raises(OverrideError) as caught:
        override_tier(low, tier="medium", justification=justification, by="Li Wei")
    assert caught.value.message == ERR_OVERRIDE_JUSTIFICATION.en.format(
        minimum=20, length=len(justification.strip())
    )


def test_twenty_characters_are_enough(low: TierResult) -> None:
    result = override_tier(low, tier="medium", justification="二十个字" * 5, by="李伟")
    assert result.tier == "medium"


@pytest.mark.parametrize("by", ["", "   "])
def test_an_override_needs_a_name(low: TierResult, by: str) -> None:
    with pytest.raises(OverrideError) as caught:
        override_tier(low, tier="medium", justification=JUSTIFICATION, by=by)
    assert caught.value.message == ERR_OVERRIDE_BY.en


def test_an_override_needs_a_known_tier(low: TierResult) -> None:
    with pytest.raises(OverrideError) as caught:
        override_tier(low, tier="severe", justification=JUSTIFICATION, by="Li Wei")
    assert caught.value.message == ERR_OVERRIDE_TIER.en.format(
        tier="'severe'", tiers="low, medium, high"
    )


def test_overriding_below_a_floor_is_allowed_but_recorded(listed: TierResult) -> None:
    result = override_tier(listed, tier="medium", justification=JUSTIFICATION, by="Li Wei")
    assert result.tier == "medium"
    assert result.override is not None
    assert result.override.below_floor is True
    assert result.override.floor == "high"
    assert result.expert_review_required is True  # a legal consequence, not the tier's


def test_an_override_swaps_the_tier_obligations_and_keeps_the_conditional_ones(
    listed: TierResult,
) -> None:
    result = override_tier(listed, tier="medium", justification=JUSTIFICATION, by="Li Wei")
    assert [o.id for o in result.obligations] == [
        "review.standard",
        "expert_rereview",
        "genai.content_safety",
        "genai.aigc_labelling",
    ]


def test_a_second_override_keeps_the_originally_computed_tier(low: TierResult) -> None:
    once = override_tier(low, tier="high", justification=JUSTIFICATION, by="Li Wei")
    twice = override_tier(once, tier="medium", justification=JUSTIFICATION, by="Wang Fang")
    assert (twice.tier, twice.computed_tier) == ("medium", "low")
    assert twice.override is not None and twice.override.by == "Wang Fang"


def _questionnaire_with(**changes: object) -> Questionnaire:
    text = resources.files("tianping.tiering").joinpath("data/questionnaire.yaml").read_text()
    data = copy.deepcopy(yaml.safe_load(text))
    data.update(changes)
    return parse_questionnaire(data)


def test_the_minimum_justification_length_is_data(answers: dict[str, object]) -> None:
    stricter = _questionnaire_with(override={"min_justification_chars": 80})
    result = score_intake(answers, questionnaire=stricter)
    with pytest.raises(OverrideError, match="at least 80 characters"):
        override_tier(
            result,
            tier="high",
            justification=JUSTIFICATION,
            by="Li Wei",
            questionnaire=stricter,
        )


def test_a_result_is_overridden_under_its_own_questionnaire_version(low: TierResult) -> None:
    other = _questionnaire_with(version="2027.1")
    with pytest.raises(OverrideError) as caught:
        override_tier(
            low,
            tier="high",
            justification=JUSTIFICATION,
            by="Li Wei",
            questionnaire=other,
        )
    assert caught.value.message == ERR_OVERRIDE_VERSION.en.format(
        result_version="2026.1", version="2027.1"
    )


def test_override_errors_are_available_in_chinese(low: TierResult) -> None:
    with pytest.raises(OverrideError) as caught:
        override_tier(low, tier="medium", justification="短", by="李伟")
    chinese = caught.value.in_language("zh-Hans")
    assert chinese.message == ERR_OVERRIDE_JUSTIFICATION.zh.format(minimum=20, length=1)
