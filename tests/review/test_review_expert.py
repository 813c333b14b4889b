"""Expert re-review (Measures 2023 Art. 28, 30): the panel, and 2/3 of the whole panel."""

from __future__ import annotations

import pytest

from tianping.review import (
    Application,
    Expert,
    ExpertVote,
    ReviewInputError,
    RuleSet,
    expert_panel_check,
    expert_panel_outcome,
)

from .conftest import committee_of, compliant_members


def expert(i: int, discipline: str = "domain", **extra: object) -> Expert:
    fields: dict[str, object] = {"interests_declared": True, **extra}
    return Expert(f"e{i}", f"Expert {i}", [discipline], "Provincial Institute", **fields)  # type: ignore[arg-type]


def panel(size: int = 5) -> list[Expert]:
    disciplines = ["domain", "ethics", "law"] + ["domain"] * (size - 3)
    return [expert(i, d) for i, d in enumerate(disciplines, start=1)]


FIRST = committee_of(compliant_members())


def test_art_28_a_panel_of_five_with_peers_ethics_and_law_passes(rules: RuleSet) -> None:
    """Measures 2023 Art. 28: at least 5 experts; peers, ethics and law."""
    assert expert_panel_check(panel(), first_committee=FIRST, rules=rules).ok


def test_art_28_four_experts_are_too_few(rules: RuleSet) -> None:
    result = expert_panel_check(panel()[:4], first_committee=FIRST, rules=rules)
    assert result.rule_ids() == ("expert_panel.min_size",)


def test_art_28_the_panel_needs_ethics_and_law(rules: RuleSet) -> None:
    result = expert_panel_check(
        [expert(i) for i in range(1, 6)], first_committee=FIRST, rules=rules
    )
    assert result.rule_ids() == ("expert_panel.disciplines",)
    assert [f.subject for f in result.findings] == ["ethics", "law"]


def test_art_28_no_member_of_the_first_committee_sits_on_the_panel(rules: RuleSet) -> None:
    """Measures 2023 Art. 28: no member of the committee that made the preliminary review."""
    experts = [*panel()[:4], Expert("m2", "Member m2", ["law"], "Acme", interests_declared=True)]
    result = expert_panel_check(experts, first_committee=FIRST, rules=rules)
    assert result.rule_ids() == ("expert_panel.excludes_first_committee",)
    assert result.findings[0].subject == "m2"


def test_art_28_every_expert_declares_their_interests(rules: RuleSet) -> None:
    """Measures 2023 Art. 28: interests declared."""
    experts = [*panel()[:4], expert(5, interests_declared=False)]
    result = expert_panel_check(experts, first_committee=FIRST, rules=rules)
    assert result.rule_ids() == ("expert_panel.interests_declared",)


def test_art_28_an_expert_with_a_conflict_must_stand_aside(rules: RuleSet) -> None:
    """Measures 2023 Art. 28: recusal of an expert with a direct interest."""
    application = Application("app-1", "Provincial Institute")
    result = expert_panel_check(
        panel(), first_committee=FIRST, rules=rules, application=application
    )
    assert len(result.findings) == 5
    assert "must stand aside" in result.findings[0].message.en


def test_art_30_two_thirds_of_the_whole_panel_with_absentees(rules: RuleSet) -> None:
    """Measures 2023 Art. 30: 4 agree of 5 present is 80 %, but 4 of a panel of 7 is not 2/3."""
    experts = panel(7)
    votes = [ExpertVote(f"e{i}", "agree") for i in range(1, 5)] + [ExpertVote("e5", "disagree")]
    outcome = expert_panel_outcome(votes, panel=experts, rules=rules)
    assert outcome.opinion is None and outcome.absent == 2 and outcome.needed == 5
    assert outcome.rule_ids() == ("expert_panel.threshold",)
    assert "2 absent" in outcome.findings[0].message.en


def test_art_30_exactly_two_thirds_of_the_whole_panel_agrees(rules: RuleSet) -> None:
    """Measures 2023 Art. 30: 4 of a panel of 6 is exactly 2/3 and carries the opinion."""
    votes = [ExpertVote(f"e{i}", "agree") for i in range(1, 5)]
    outcome = expert_panel_outcome(votes, panel=panel(6), rules=rules)
    assert outcome.opinion == "agree" and outcome.needed == 4 and outcome.absent == 2


def test_art_30_the_panel_may_disagree_with_the_preliminary_opinion(rules: RuleSet) -> None:
    votes = [ExpertVote(f"e{i}", "disagree") for i in range(1, 6)] + [ExpertVote("e6", "agree")]
    outcome = expert_panel_outcome(votes, panel=panel(7), rules=rules)
    assert outcome.opinion == "disagree"


def test_only_panel_experts_vote_once_each(rules: RuleSet) -> None:
    with pytest.raises(ReviewInputError) as caught:
        expert_panel_outcome(
            [ExpertVote("e1", "agree"), ExpertVote("e1", "disagree"), ExpertVote("x", "agree")],
            panel=panel(),
            rules=rules,
        )
    assert len(caught.value.problems) == 2
    with pytest.raises(ReviewInputError):
        expert_panel_outcome([], panel=[expert(1), expert(1)], rules=rules)
