"""Quorum (Measures 2023 Art. 14) and the vote: 2/3 of the voting members present (Art. 16)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from tianping.review import (
    DecisionType,
    Meeting,
    ReviewInputError,
    RuleSet,
    Vote,
    check_decision,
    check_quorum,
    tally,
)
from tianping.review import _messages as msg

from .conftest import committee_of, compliant_members, meeting_of, member

# m1 ethics ♀ chair, m2 law ♂, m3 domain ♀, m4 ai ♂, m5 domain ♂ external, m6 domain ♀, m7 other ♂
QUORATE = ["m1", "m2", "m3", "m4", "m5"]


def test_art_14_five_members_covering_every_category_is_a_quorum(rules: RuleSet) -> None:
    """Measures 2023 Art. 14: at least 5 present, covering every member category."""
    result = check_quorum(meeting_of(QUORATE), rules=rules)
    assert result.met and result.counted == tuple(QUORATE) and result.minimum == 5


def test_art_14_four_members_are_not_a_quorum(rules: RuleSet) -> None:
    """Measures 2023 Art. 14: fewer than 5 present."""
    result = check_quorum(meeting_of(["m1", "m2", "m3", "m5"]), rules=rules)
    assert result.rule_ids() == ("quorum.min_present",)
    assert result.findings[0].message.en == msg.localized(msg.QUORUM_TOO_FEW, count=4, minimum=5).en


@pytest.mark.parametrize(
    ("category", "present"),
    [
        ("ethics", ["m2", "m3", "m4", "m5", "m6"]),
        ("law", ["m1", "m3", "m4", "m5", "m6"]),
        ("domain", ["m1", "m2", "m4", "m5", "m7"]),
        ("external", ["m1", "m2", "m3", "m4", "m6"]),
    ],
)
def test_art_14_a_quorum_missing_one_category_fails(
    rules: RuleSet, category: str, present: list[str]
) -> None:
    """Measures 2023 Art. 14: the members present include every category of Art. 7."""
    roster = compliant_members()
    if category == "domain":  # m5 is the external domain expert: make them law instead
        roster[4] = member("m5", "law", gender="male", external=True)
    result = check_quorum(meeting_of(present, roster=roster), rules=rules)
    assert result.rule_ids() == ("quorum.categories",)
    assert result.missing_categories == (category,)


def test_art_14_a_quorum_needs_both_genders(rules: RuleSet) -> None:
    roster = [
        member(m.id, *m.disciplines, gender="male", external=m.external, role=m.role)
        for m in compliant_members()
    ]
    roster[0] = member("m1", "ethics", gender="female", role="chair")
    result = check_quorum(meeting_of(["m2", "m3", "m4", "m5", "m7"], roster=roster), rules=rules)
    # Everyone present is a man (the only woman, the chair, is absent).
    assert "both_genders" in result.missing_categories


def test_art_14_a_recused_member_is_not_counted(rules: RuleSet) -> None:
    """Measures 2023 Art. 14: a recused member takes no part, so is not counted."""
    result = check_quorum(meeting_of([*QUORATE, "m6"], recused=["m3"]), rules=rules)
    assert result.met and "m3" not in result.counted
    short = check_quorum(meeting_of(QUORATE, recused=["m3"]), rules=rules)
    assert short.rule_ids() == ("quorum.min_present",)


def test_art_14_a_consultant_is_not_counted(rules: RuleSet) -> None:
    """Measures 2023 Art. 14: consultants do not vote and are not counted."""
    roster = [*compliant_members(), member("c1", "law", role="consultant", external=True)]
    present = ["m1", "m3", "m4", "m5", "c1"]  # the only law expert present is a consultant
    result = check_quorum(
        meeting_of(present, roster=roster, consultants=["Dr Outside"]), rules=rules
    )
    assert rules.flag("quorum.consultants_excluded")
    assert result.counted == ("m1", "m3", "m4", "m5")
    assert result.rule_ids() == ("quorum.min_present", "quorum.categories")


def test_a_member_whose_term_ended_is_not_counted(rules: RuleSet) -> None:
    roster = compliant_members()
    roster[1] = member("m2", "law", gender="male", term_end=date(2026, 6, 30))
    meeting = meeting_of(QUORATE, roster=roster, held_on=date(2026, 7, 1))
    assert check_quorum(meeting, rules=rules).rule_ids() == (
        "quorum.min_present",
        "quorum.categories",
    )


def test_a_meeting_lists_only_roster_members(rules: RuleSet) -> None:
    with pytest.raises(ReviewInputError) as caught:
        meeting_of(["m1", "x9", "m1"], recused=["m7"])
    assert len(caught.value.problems) == 3


# --- the vote -------------------------------------------------------------------------------------

SIX = ["m1", "m2", "m3", "m4", "m5", "m6"]
SEVEN = [*SIX, "m7"]


def votes(**choices: str) -> list[Vote]:
    return [Vote(member_id, choice) for member_id, choice in choices.items()]  # type: ignore[arg-type]


def test_art_16_exactly_two_thirds_approves(rules: RuleSet) -> None:
    """Measures 2023 Art. 16: at least 2/3 of those present — 4 of 6 is exactly 2/3 and passes."""
    result = tally(
        votes(
            m1="approve",
            m2="approve",
            m3="approve",
            m4="approve",
            m5="not_approve",
            m6="not_approve",
        ),
        present=meeting_of(SIX),
        rules=rules,
    )
    assert result.decision == "approve" and result.decided
    assert Fraction(result.count("approve"), result.voting) == Fraction(2, 3)


def test_art_16_just_under_two_thirds_does_not_approve(rules: RuleSet) -> None:
    """Measures 2023 Art. 16: 4 of 7 (0.571…) is under 2/3 — no decision."""
    result = tally(
        votes(
            m1="approve",
            m2="approve",
            m3="approve",
            m4="approve",
            m5="not_approve",
            m6="not_approve",
            m7="not_approve",
        ),
        present=meeting_of(SEVEN),
        rules=rules,
    )
    assert result.decision is None and result.rule_ids() == ("decision.threshold",)
    assert "no decision reached 2/3 of the 7 voting members" in result.findings[0].message.en


def test_art_16_five_of_seven_approves(rules: RuleSet) -> None:
    result = tally(
        votes(
            m1="approve",
            m2="approve",
            m3="approve",
            m4="approve",
            m5="approve",
            m6="not_approve",
            m7="not_approve",
        ),
        present=meeting_of(SEVEN),
        rules=rules,
    )
    assert result.decision == "approve"


def test_art_16_abstentions_and_silent_members_count_against(rules: RuleSet) -> None:
    """Measures 2023 Art. 16: 2/3 of the members present, not of the votes cast."""
    result = tally(
        votes(m1="approve", m2="approve", m3="approve", m4="abstain"),
        present=meeting_of(SIX),
        rules=rules,
    )
    assert result.decision is None and result.voting == 6 and result.not_voted == 2


def test_art_16_a_recused_member_is_excluded_from_the_two_thirds(rules: RuleSet) -> None:
    """Measures 2023 Art. 16: 4 approve of 6 voting (7 present, 1 recused) passes."""
    result = tally(
        votes(
            m1="approve",
            m2="approve",
            m4="approve",
            m5="approve",
            m6="not_approve",
            m7="not_approve",
        ),
        present=meeting_of(SEVEN, recused=["m3"]),
        rules=rules,
    )
    assert result.voting == 6 and result.decision == "approve"


def test_art_16_a_consultant_is_excluded_from_the_two_thirds(rules: RuleSet) -> None:
    roster = [*compliant_members(), member("c1", "law", role="consultant")]
    result = tally(
        votes(
            m1="approve",
            m2="approve",
            m3="approve",
            m4="approve",
            m5="not_approve",
            m6="not_approve",
        ),
        present=meeting_of([*SIX, "c1"], roster=roster),
        rules=rules,
    )
    assert result.voting == 6 and result.decision == "approve"


@pytest.mark.parametrize(
    "decision", ["approve_after_modification", "re_review_after_modification", "not_approve"]
)
def test_art_16_every_decision_type_needs_two_thirds(rules: RuleSet, decision: str) -> None:
    """Measures 2023 Art. 16: four decision types, each adopted by 2/3."""
    chosen = dict.fromkeys(["m1", "m2", "m3", "m4"], decision)
    result = tally(
        votes(**chosen, m5="approve", m6="approve"), present=meeting_of(SIX), rules=rules
    )
    assert result.decision == decision


def test_art_14_without_a_quorum_there_is_no_decision(rules: RuleSet) -> None:
    """Measures 2023 Art. 14: unanimous, but four members are no quorum."""
    present = ["m1", "m2", "m3", "m5"]
    result = tally(
        votes(m1="approve", m2="approve", m3="approve", m5="approve"),
        present=meeting_of(present),
        rules=rules,
    )
    assert result.decision is None
    assert result.rule_ids() == ("quorum.min_present",)
    assert result.findings[-1].message.en == msg.NO_QUORUM_NO_DECISION.en


def test_a_member_voting_twice_or_a_non_member_voting_is_an_error(rules: RuleSet) -> None:
    roster = [*compliant_members(), member("c1", "law", role="consultant")]
    meeting = meeting_of([*SIX, "c1"], roster=roster, recused=["m6"])
    with pytest.raises(ReviewInputError) as caught:
        tally(
            [
                Vote("m1", "approve"),
                Vote("m1", "not_approve"),
                Vote("stranger", "approve"),
                Vote("c1", "approve"),
                Vote("m6", "approve"),
                Vote("m7", "approve"),
            ],
            present=meeting,
            rules=rules,
        )
    problems = [p.en for p in caught.value.problems]
    assert problems == [
        msg.ERR_VOTE_CONSULTANT.en.format(member="Member c1 (c1)"),
        msg.ERR_VOTE_TWICE.en.format(member="Member m1 (m1)"),
        msg.ERR_VOTE_RECUSED.en.format(member="Member m6 (m6)"),
        msg.ERR_VOTE_NOT_PRESENT.en.format(member="Member m7 (m7)"),
        msg.ERR_VOTE_NOT_MEMBER.en.format(member="stranger"),
    ]


def test_an_unknown_vote_choice_is_refused() -> None:
    with pytest.raises(ReviewInputError):
        Vote("m1", "maybe")  # type: ignore[arg-type]


def test_the_tally_serialises(rules: RuleSet) -> None:
    result = tally(
        votes(m1="approve", m2="approve", m3="approve", m4="approve", m5="approve"),
        present=meeting_of(QUORATE),
        rules=rules,
    )
    document = result.to_json("zh-Hans")
    assert document["decision"] == "approve" and document["threshold"] == "2/3"
    assert document["counts"]["approve"] == 5  # type: ignore[index]


# --- the decision's reasons -----------------------------------------------------------------


def test_art_16_a_modification_decision_states_the_changes(rules: RuleSet) -> None:
    """Measures 2023 Art. 16: modification decisions state the required changes."""
    decisions: tuple[DecisionType, ...] = (
        "approve_after_modification",
        "re_review_after_modification",
    )
    for decision in decisions:
        assert check_decision(decision, rules=rules).rule_ids() == ("decision.reasons_required",)
        assert check_decision(
            decision,
            required_changes=["log every override"],
            rules=rules,
        ).ok


def test_art_16_a_refusal_gives_reasons(rules: RuleSet) -> None:
    """Measures 2023 Art. 16: not approving gives reasons."""
    assert not check_decision("not_approve", reasons=["  "], rules=rules).ok
    assert check_decision("not_approve", reasons=["no emergency plan"], rules=rules).ok
    assert check_decision("approve", rules=rules).ok


def test_meeting_membership_is_checked_against_the_roster() -> None:
    committee = committee_of(compliant_members())
    assert Meeting(committee, present=["m1"]).attendees()[0].id == "m1"
