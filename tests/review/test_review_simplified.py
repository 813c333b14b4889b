"""The simplified procedure: ≥ 2 members named by the chair, a meeting on any doubt."""

from __future__ import annotations

import pytest

from tianping.review import Opinion, ReviewInputError, RuleSet, simplified_outcome

from .conftest import member

A, B, C = member("a", "ethics"), member("b", "law", gender="male"), member("c", "domain")


def test_two_named_members_agreeing_decide(rules: RuleSet) -> None:
    """Measures 2023 Art. 20: at least two members named by the chair."""
    outcome = simplified_outcome(
        [Opinion("a", "approve_after_modification"), Opinion("b", "approve_after_modification")],
        named=[A, B],
        rules=rules,
    )
    assert outcome.status == "decided" and outcome.decision == "approve_after_modification"
    assert outcome.ok and not outcome.must_move_to_meeting


def test_one_named_member_is_not_enough(rules: RuleSet) -> None:
    """Measures 2023 Art. 20: one reviewer is not a simplified review."""
    outcome = simplified_outcome([Opinion("a", "approve")], named=[A], rules=rules)
    assert outcome.status == "not_enough_reviewers" and outcome.decision is None
    assert outcome.rule_ids() == ("simplified.min_reviewers",)


@pytest.mark.parametrize("view", ["not_approve", "re_review_after_modification"])
def test_art_21_a_negative_view_moves_to_a_meeting(rules: RuleSet, view: str) -> None:
    """Measures 2023 Art. 21: a negative view → meeting."""
    outcome = simplified_outcome(
        [Opinion("a", view), Opinion("b", view)],  # type: ignore[arg-type]
        named=[A, B],
        rules=rules,
    )
    assert view in rules.names("simplified.negative_views")
    assert outcome.must_move_to_meeting and outcome.triggers == ("negative_view",)
    assert outcome.rule_ids() == ("simplified.escalation",)
    assert [f.subject for f in outcome.findings] == ["a", "b"]


def test_art_21_a_doubt_moves_to_a_meeting(rules: RuleSet) -> None:
    """Measures 2023 Art. 21: a doubt about the matter → meeting."""
    outcome = simplified_outcome(
        [Opinion("a", "approve", doubt=True), Opinion("b", "approve")], named=[A, B], rules=rules
    )
    assert outcome.triggers == ("doubt",) and outcome.status == "move_to_meeting"


def test_art_21_a_disagreement_moves_to_a_meeting(rules: RuleSet) -> None:
    """Measures 2023 Art. 21: the reviewers disagree → meeting."""
    outcome = simplified_outcome(
        [Opinion("a", "approve"), Opinion("b", "approve_after_modification")],
        named=[A, B],
        rules=rules,
    )
    assert outcome.triggers == ("disagreement",)
    assert "approve, approve after modification" in outcome.findings[0].message.en


def test_art_21_a_members_request_moves_to_a_meeting(rules: RuleSet) -> None:
    """Measures 2023 Art. 21: a reviewer asks for a meeting → meeting."""
    outcome = simplified_outcome(
        [Opinion("a", "approve"), Opinion("b", "approve", requests_meeting=True)],
        named=[A, B],
        rules=rules,
    )
    assert outcome.triggers == ("meeting_requested",)


def test_every_trigger_is_listed(rules: RuleSet) -> None:
    outcome = simplified_outcome(
        [Opinion("a", "not_approve", doubt=True), Opinion("b", "approve", requests_meeting=True)],
        named=[A, B, C],
        rules=rules,
    )
    assert outcome.triggers == ("negative_view", "doubt", "meeting_requested", "disagreement")
    assert outcome.awaiting == ("c",)


def test_a_missing_opinion_keeps_the_review_waiting(rules: RuleSet) -> None:
    outcome = simplified_outcome([Opinion("a", "approve")], named=[A, B], rules=rules)
    assert outcome.status == "awaiting_opinions" and outcome.awaiting == ("b",)


def test_opinions_only_from_named_members_once_each(rules: RuleSet) -> None:
    with pytest.raises(ReviewInputError) as caught:
        simplified_outcome(
            [Opinion("a", "approve"), Opinion("a", "approve"), Opinion("c", "approve")],
            named=[A, B, member("k", "law", role="consultant")],
            rules=rules,
        )
    assert len(caught.value.problems) == 3
