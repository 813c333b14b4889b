"""Properties of the scoring: mitigation never raises the tier, risk never lowers it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tianping.tiering import TIERS, load_questionnaire, score_intake, tier_rank, validate_answers

QUESTIONNAIRE = load_questionnaire()
AUTOMATED = ["hiring", "credit", "pricing", "recommendation", "content_review", "safety"]
LISTED = ["human_machine_integration", "public_opinion_mobilisation", "autonomous_decision_safety"]
MITIGATIONS = ["human_review", "appeal_path", "monitoring", "opt_out"]
MARKETS = ["eu", "us", "asean", "middle_east", "africa", "latin_america", "other"]
SCALES = ["lt_10k", "10k_1m", "gt_1m"]
RISK_FLAGS = ["affects_rights", "public_facing", "generative", "third_party_components"]


def _choices(options: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(options), unique=True)


@st.composite
def intakes(draw: st.DrawFn) -> dict[str, object]:
    """Valid intakes, contradictions excluded by construction."""
    personal = draw(st.booleans())
    exported = draw(st.booleans())
    answers: dict[str, object] = {
        "personal_info": personal,
        "automated_decisions": draw(_choices(AUTOMATED)) or ["none"],
        "exported": exported,
        "listed_activities": draw(_choices(LISTED)) or ["none"],
        "scale": draw(st.sampled_from(SCALES)),
        "mitigations": draw(_choices(MITIGATIONS)) or ["none"],
    }
    answers.update({flag: draw(st.booleans()) for flag in RISK_FLAGS})
    if personal:
        answers.update(sensitive_pi=draw(st.booleans()), minors=draw(st.booleans()))
    if exported:
        answers["export_markets"] = draw(_choices(MARKETS).filter(bool))
    return answers


def _with_choice(answer: object, choice: str) -> list[str]:
    chosen = [c for c in answer if c != "none"] if isinstance(answer, list) else []
    return [*chosen, choice] if choice not in chosen else chosen


@st.composite
def added_risk(draw: st.DrawFn, answers: dict[str, object]) -> dict[str, object]:
    """``answers`` with one more risk factor."""
    riskier = dict(answers)
    kind = draw(st.sampled_from(["flag", "personal", "sensitive", "automated", "listed", "scale"]))
    if kind == "flag":
        riskier[draw(st.sampled_from([*RISK_FLAGS, "exported"]))] = True
        if riskier["exported"] and "export_markets" not in riskier:
            riskier["export_markets"] = ["other"]
    elif kind in ("personal", "sensitive"):
        riskier.setdefault("sensitive_pi", False)
        riskier.setdefault("minors", False)
        riskier["personal_info"] = True
        if kind == "sensitive":
            riskier[draw(st.sampled_from(["sensitive_pi", "minors"]))] = True
    elif kind == "automated":
        choice = draw(st.sampled_from(AUTOMATED))
        riskier["automated_decisions"] = _with_choice(answers["automated_decisions"], choice)
    elif kind == "listed":
        choice = draw(st.sampled_from(LISTED))
        riskier["listed_activities"] = _with_choice(answers["listed_activities"], choice)
    else:
        current = SCALES.index(str(answers["scale"]))
        riskier["scale"] = SCALES[draw(st.integers(current, len(SCALES) - 1))]
    return riskier


@settings(max_examples=300, deadline=None)
@given(data=st.data(), answers=intakes())
def test_adding_a_mitigation_never_raises_the_tier_or_the_score(
    data: st.DataObject, answers: dict[str, object]
) -> None:
    mitigated = dict(answers)
    mitigated["mitigations"] = _with_choice(
        answers["mitigations"], data.draw(st.sampled_from(MITIGATIONS))
    )
    before, after = score_intake(answers), score_intake(mitigated)
    assert tier_rank(after.tier) <= tier_rank(before.tier)
    assert after.score.final <= before.score.final


@settings(max_examples=300, deadline=None)
@given(data=st.data(), answers=intakes())
def test_adding_a_risk_factor_never_lowers_the_tier_or_the_score(
    data: st.DataObject, answers: dict[str, object]
) -> None:
    riskier = data.draw(added_risk(answers))
    before, after = score_intake(answers), score_intake(riskier)
    assert tier_rank(after.tier) >= tier_rank(before.tier)
    assert after.score.final >= before.score.final


@settings(max_examples=200, deadline=None)
@given(answers=intakes())
def test_the_tier_is_never_below_a_floor_or_the_band(answers: dict[str, object]) -> None:
    result = score_intake(answers)
    assert result.tier in TIERS
    assert tier_rank(result.tier) >= tier_rank(result.score.band_tier)
    if result.floor_tier is not None:
        assert tier_rank(result.tier) >= tier_rank(result.floor_tier)
    assert 0 <= result.score.final <= result.score.raw_impact <= QUESTIONNAIRE.scoring.max_raw


@settings(max_examples=200, deadline=None)
@given(answers=intakes())
def test_cleaned_answers_validate_to_themselves(answers: dict[str, object]) -> None:
    # The web layer stores cleaned answers and scores them again for an override.
    cleaned = validate_answers(answers)
    assert validate_answers(cleaned) == cleaned
    assert score_intake(cleaned) == score_intake(answers)
