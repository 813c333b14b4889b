"""Human overrides of the computed tier: justification, name, record, floors."""

from __future__ import annotations

import copy
import datetime as dt
from importlib import resources

import pytest
import yaml

from tianping.tiering import (
    FloorOverrideError,
    OverrideError,
    Questionnaire,
    TierResult,
    load_questionnaire,
    override_tier,
    parse_questionnaire,
    score_intake,
)
from tianping.tiering.messages import (
    ERR_OVERRIDE_BELOW_FLOOR,
    ERR_OVERRIDE_BY,
    ERR_OVERRIDE_JUSTIFICATION,
    ERR_OVERRIDE_TIER,
    ERR_OVERRIDE_VERSION,
    OVERRIDE_BELOW_FLOOR_HINT,
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
        "floors": [],
        "needs_confirmation": False,
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


def test_overriding_below_a_floor_that_may_not_be_overridden_is_refused(
    listed: TierResult,
) -> None:
    with pytest.raises(FloorOverrideError) as caught:
        override_tier(listed, tier="medium", justification=JUSTIFICATION, by="Li Wei")
    error = caught.value
    assert isinstance(error, OverrideError)
    assert error.message == ERR_OVERRIDE_BELOW_FLOOR.en.format(
        floor="high", floors="listed_activity", tier="medium"
    )
    assert error.hint == OVERRIDE_BELOW_FLOOR_HINT.en
    assert error.floors == ("listed_activity",)
    chinese = error.in_language("zh-Hans")
    assert chinese.message == ERR_OVERRIDE_BELOW_FLOOR.zh.format(
        floor="高风险", floors="listed_activity", tier="中风险"
    )
    assert chinese.hint == OVERRIDE_BELOW_FLOOR_HINT.zh


# Each floor, the answers that meet it, its tier and whether an override may go below it.
FLOORS = [
    ("listed_activity", {"listed_activities": ["autonomous_decision_safety"]}, "high", False),
    (
        "sensitive_data_high_stakes_decision",
        {
            "personal_info": True,
            "sensitive_pi": True,
            "minors": False,
            "automated_decisions": ["credit"],
        },
        "high",
        False,
    ),
    ("automated_hiring_or_credit", {"automated_decisions": ["hiring"]}, "medium", True),
    ("automated_safety_decision", {"automated_decisions": ["safety"]}, "medium", False),
    ("export_scope", {"exported": True, "export_markets": ["eu", "asean"]}, "medium", False),
]


def test_the_table_covers_every_floor_of_the_data() -> None:
    floors = load_questionnaire().scoring.floors
    assert [f.id for f in floors] == [row[0] for row in FLOORS]
    assert [(f.tier, f.overridable) for f in floors] == [(row[2], row[3]) for row in FLOORS]


def test_every_floor_states_its_source_and_whether_it_may_be_overridden() -> None:
    text = resources.files("tianping.tiering").joinpath("data/questionnaire.yaml").read_text()
    for floor in yaml.safe_load(text)["scoring"]["floors"]:
        assert isinstance(floor["overridable"], bool), floor["id"]
        assert floor["source"].strip(), floor["id"]


@pytest.mark.parametrize(("floor", "changes", "tier", "overridable"), FLOORS)
def test_each_floor_forces_its_tier_and_guards_it(
    answers: dict[str, object],
    floor: str,
    changes: dict[str, object],
    tier: str,
    overridable: bool,
) -> None:
    answers.update(changes)
    result = score_intake(answers)
    assert result.tier == tier
    assert floor in {r.rule for r in result.reasons if r.kind == "floor"}
    if overridable:
        lowered = override_tier(result, tier="low", justification=JUSTIFICATION, by="Li Wei")
        assert lowered.override is not None
        assert lowered.override.floors == (floor,)
        assert lowered.override.needs_confirmation is True
    else:
        with pytest.raises(FloorOverrideError) as caught:
            override_tier(result, tier="low", justification=JUSTIFICATION, by="Li Wei")
        assert floor in caught.value.floors


def test_an_override_below_an_overridable_floor_needs_the_regulators_confirmation(
    answers: dict[str, object],
) -> None:
    answers["automated_decisions"] = ["credit"]
    result = override_tier(
        score_intake(answers), tier="low", justification=JUSTIFICATION, by="Li Wei", at=AT
    )
    assert (result.tier, result.computed_tier) == ("low", "medium")
    assert result.override is not None
    assert result.override.below_floor is True
    assert result.override.floor == "medium"
    assert result.to_json()["override"]["floors"] == ["automated_hiring_or_credit"]
    assert result.to_json()["override"]["needs_confirmation"] is True
    assert [o.id for o in result.obligations if o.trigger == "tier"] == ["review.fast_track"]


def test_an_override_also_below_a_mandatory_floor_is_refused(
    answers: dict[str, object],
) -> None:
    # Automated credit decisions on sensitive data: the medium floor could be
    # overridden, the high one may not; going to low passes both.
    answers.update(personal_info=True, sensitive_pi=True, minors=False)
    answers["automated_decisions"] = ["credit"]
    with pytest.raises(FloorOverrideError) as caught:
        override_tier(score_intake(answers), tier="low", justification=JUSTIFICATION, by="Li Wei")
    assert caught.value.floors == ("sensitive_data_high_stakes_decision",)


def test_an_override_at_or_above_every_floor_needs_no_confirmation(
    answers: dict[str, object],
) -> None:
    answers["automated_decisions"] = ["safety"]
    raised = override_tier(
        score_intake(answers), tier="high", justification=JUSTIFICATION, by="Li Wei"
    )
    assert raised.override is not None
    assert (raised.override.below_floor, raised.override.needs_confirmation) == (False, False)
    assert raised.override.floors == ()


def test_an_override_swaps_the_tier_obligations_and_keeps_the_conditional_ones(
    answers: dict[str, object],
) -> None:
    answers.update(generative=True, automated_decisions=["hiring"])
    result = override_tier(
        score_intake(answers), tier="high", justification=JUSTIFICATION, by="Li Wei"
    )
    assert [o.id for o in result.obligations] == [
        "review.enhanced",
        "high.bias_testing",
        "high.human_intervention",
        "high.incident_plan",
        "high.management_signoff",
        "genai.content_safety",
        "genai.aigc_labelling",
    ]


def test_no_fast_track_for_an_exported_system_even_where_its_floor_may_be_overridden(
    answers: dict[str, object],
) -> None:
    text = resources.files("tianping.tiering").joinpath("data/questionnaire.yaml").read_text()
    data = copy.deepcopy(yaml.safe_load(text))
    (export,) = [f for f in data["scoring"]["floors"] if f["id"] == "export_scope"]
    export["overridable"] = True
    lenient = parse_questionnaire(data)
    answers.update(exported=True, export_markets=["eu"])
    result = score_intake(answers, questionnaire=lenient)
    lowered = override_tier(
        result, tier="low", justification=JUSTIFICATION, by="Li Wei", questionnaire=lenient
    )
    assert lowered.tier == "low"
    assert [o.id for o in lowered.obligations] == ["export.ethics_review"]


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


def test_a_floor_that_does_not_say_may_not_be_overridden(answers: dict[str, object]) -> None:
    text = resources.files("tianping.tiering").joinpath("data/questionnaire.yaml").read_text()
    data = copy.deepcopy(yaml.safe_load(text))
    (credit,) = [f for f in data["scoring"]["floors"] if f["id"] == "automated_hiring_or_credit"]
    del credit["overridable"]
    strict = parse_questionnaire(data)
    answers["automated_decisions"] = ["credit"]
    result = score_intake(answers, questionnaire=strict)
    with pytest.raises(FloorOverrideError):
        override_tier(
            result, tier="low", justification=JUSTIFICATION, by="Li Wei", questionnaire=strict
        )
