"""Properties of the vote, checked over generated committees, meetings and votes (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tianping.review import (
    DISCIPLINES,
    VOTE_CHOICES,
    Expert,
    ExpertVote,
    Meeting,
    Member,
    RuleSet,
    Vote,
    expert_panel_outcome,
    load_rules,
    tally,
)

from .conftest import ON, committee_of, member

RULES: RuleSet = load_rules(on=ON)


@st.composite
def meetings(draw: st.DrawFn) -> tuple[Meeting, list[Vote], list[str]]:
    """A committee, a meeting of it, votes from some voting members, and the absent members."""
    size = draw(st.integers(min_value=5, max_value=13))
    roster: list[Member] = [
        member(
            f"m{i:02d}",
            draw(st.sampled_from(DISCIPLINES)),
            gender=draw(st.sampled_from(["female", "male"])),
            external=draw(st.booleans()),
            role=draw(st.sampled_from(["member", "member", "member", "consultant"])),
        )
        for i in range(size)
    ]
    ids = [m.id for m in roster]
    present = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1))
    recused = draw(st.lists(st.sampled_from(present), unique=True, max_size=2))
    meeting = Meeting(committee_of(roster), present=present, recused=recused)
    voters = [m.id for m in meeting.voting_members()]
    who = draw(st.lists(st.sampled_from(voters), unique=True)) if voters else []
    votes = [Vote(i, draw(st.sampled_from(VOTE_CHOICES))) for i in who]
    absent = [i for i in ids if i not in present]
    return meeting, votes, absent


@settings(max_examples=150, deadline=None)
@given(meetings(), st.data())
def test_an_extra_approve_vote_never_turns_an_approval_into_anything_else(
    case: tuple[Meeting, list[Vote], list[str]], data: st.DataObject
) -> None:
    """Measures 2023 Art. 16: more support for approval cannot defeat it."""
    meeting, votes, absent = case
    before = tally(votes, present=meeting, rules=RULES)
    voted = {v.member_id for v in votes}
    silent = [m.id for m in meeting.voting_members() if m.id not in voted]
    newcomers = [
        i
        for i in absent
        if not meeting.committee.member(i).is_consultant  # type: ignore[union-attr]
    ]
    if not silent and not newcomers:
        return
    extra = data.draw(st.sampled_from(silent + newcomers))
    if extra in newcomers:
        meeting = Meeting(
            meeting.committee, present=[*meeting.present, extra], recused=meeting.recused
        )
    after = tally([*votes, Vote(extra, "approve")], present=meeting, rules=RULES)
    if before.decision == "approve":
        assert after.decision == "approve"
    assert after.decision != "not_approve" or before.decision == "not_approve"


@settings(max_examples=150, deadline=None)
@given(meetings(), st.randoms(use_true_random=False))
def test_the_tally_does_not_depend_on_the_order_of_the_votes(
    case: tuple[Meeting, list[Vote], list[str]], random: object
) -> None:
    meeting, votes, _absent = case
    shuffled = list(votes)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert tally(shuffled, present=meeting, rules=RULES) == tally(
        votes, present=meeting, rules=RULES
    )


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=15), st.data())
def test_an_extra_agree_vote_never_turns_an_expert_agreement_into_disagreement(
    size: int, data: st.DataObject
) -> None:
    """Measures 2023 Art. 30: 2/3 of the whole panel, absentees included."""
    panel = [Expert(f"e{i}", f"Expert {i}", ["domain"], "Institute") for i in range(size)]
    voters = data.draw(st.lists(st.sampled_from([e.id for e in panel]), unique=True))
    votes = [ExpertVote(i, data.draw(st.sampled_from(["agree", "disagree"]))) for i in voters]
    before = expert_panel_outcome(votes, panel=panel, rules=RULES)
    assert before.needed * 3 >= 2 * size and (before.needed - 1) * 3 < 2 * size
    absent = [e.id for e in panel if e.id not in voters]
    if not absent:
        return
    after = expert_panel_outcome([*votes, ExpertVote(absent[0], "agree")], panel=panel, rules=RULES)
    if before.opinion == "agree":
        assert after.opinion == "agree"
    assert after.opinion != "disagree" or before.opinion == "disagree"
