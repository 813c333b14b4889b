"""Meetings under the general procedure: quorum, the vote, and the decision's reasons.

Measures 2023 Art. 14: at least five members present, covering every category
of member; consultants give advice and do not vote. A decision needs at least
two thirds of the members present (Art. 16, article unconfirmed); in Chinese
law "以上" includes the number itself (Civil Code Art. 1259), so exactly 2/3
passes. Recused members take no part in the discussion or the vote of the item,
so they count neither for the quorum nor in the two thirds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tianping.review import _messages as msg
from tianping.review._errors import ReviewInputError
from tianping.review._findings import CheckResult, Finding
from tianping.review._models import (
    DECISION_TYPES,
    VOTE_CHOICES,
    DecisionType,
    Meeting,
    Member,
    Vote,
    VoteChoice,
)
from tianping.review._rules import RuleSet
from tianping.text import LocalizedText


@dataclass(frozen=True, slots=True)
class QuorumResult(CheckResult):
    """The result of :func:`check_quorum`.

    Attributes
    ----------
    findings
        Too few members counted, and each member category not covered.
    counted
        The ids of the members counted: present, not consultants, not recused,
        in their term on the day of the meeting.
    minimum
        The number of members required.
    missing_categories
        The member categories no counted member covers.
    """

    counted: tuple[str, ...]
    minimum: int
    missing_categories: tuple[str, ...]

    @property
    def met(self) -> bool:
        """Whether the meeting has a quorum."""
        return self.ok

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "met": self.met,
            "counted": list(self.counted),
            "minimum": self.minimum,
            "missing_categories": list(self.missing_categories),
            "findings": self.findings_json(language),
        }


def _counted(meeting: Meeting, rules: RuleSet) -> tuple[Member, ...]:
    voting = meeting.voting_members()
    if rules.flag("quorum.consultants_excluded"):
        return voting
    # A base rule set that lets consultants count (none shipped does) counts them too.
    recused = set(meeting.recused)
    return tuple(
        m
        for m in meeting.attendees()
        if m.id not in recused and (meeting.held_on is None or m.serving_on(meeting.held_on))
    )


def _covers(members: Sequence[Member], category: str) -> bool:
    if category == "external":
        return any(m.external for m in members)
    if category == "both_genders":
        return len({m.gender for m in members}) == len(("female", "male"))
    return any(category in m.disciplines for m in members)


def check_quorum(meeting: Meeting, *, rules: RuleSet) -> QuorumResult:
    """Whether a meeting has a quorum for an agenda item.

    Counts the members present who are not consultants, not recused from the
    item, and serving on the day; requires ``quorum.min_present`` of them,
    covering every category of ``quorum.categories``. Every shortfall is
    reported, not only the first.

    Examples
    --------
    >>> from datetime import date
    >>> from tianping.review import Committee, Meeting, Member, load_rules
    >>> def member(i, discipline, gender, external=False):
    ...     return Member(f"m{i}", f"Member {i}", [discipline], gender, external, "Acme",
    ...                   date(2026, 1, 1), date(2030, 12, 31))
    >>> roster = [member(1, "domain", "female"), member(2, "ethics", "male"),
    ...           member(3, "law", "female"), member(4, "domain", "male", external=True),
    ...           member(5, "domain", "female"), member(6, "ethics", "female")]
    >>> committee = Committee("c1", "Ethics Committee", "Acme", date(2026, 1, 1), roster)
    >>> meeting = Meeting(committee, present=["m1", "m2", "m3", "m4", "m5"])
    >>> check_quorum(meeting, rules=load_rules()).met
    True
    >>> recused = Meeting(committee, present=["m1", "m2", "m3", "m4", "m5"], recused=["m3"])
    >>> check_quorum(recused, rules=load_rules()).rule_ids()
    ('quorum.min_present', 'quorum.categories')
    """
    counted = _counted(meeting, rules)
    findings: list[Finding] = []
    # Measures 2023 Art. 14: at least `quorum.min_present` members present.
    minimum = rules.count("quorum.min_present")
    if len(counted) < minimum:
        findings.append(
            Finding(
                rules["quorum.min_present"],
                msg.localized(msg.QUORUM_TOO_FEW, count=len(counted), minimum=minimum),
            )
        )
    # Measures 2023 Art. 14: covering every category of member listed in Art. 7.
    missing = tuple(c for c in rules.names("quorum.categories") if not _covers(counted, c))
    for category in missing:
        findings.append(
            Finding(
                rules["quorum.categories"],
                msg.localized(
                    msg.QUORUM_MISSING_CATEGORY, category=msg.QUORUM_CATEGORY_LABELS[category]
                ),
                category,
            )
        )
    return QuorumResult(
        findings=tuple(findings),
        counted=tuple(m.id for m in counted),
        minimum=minimum,
        missing_categories=missing,
    )


@dataclass(frozen=True, slots=True)
class TallyResult(CheckResult):
    """The result of :func:`tally`.

    Attributes
    ----------
    findings
        Why there is no decision, if there is none (no quorum, no decision type
        reaching the threshold).
    decision
        The decision type that reached the threshold, or ``None``.
    counts
        ``(choice, votes)`` for every choice (the four decision types and
        ``abstain``), in that order.
    not_voted
        Voting members present who cast no vote (they count in the denominator).
    voting
        The denominator: the voting members present (not consultants, not recused).
    threshold
        The share a decision needs, as an exact fraction.
    quorum
        The quorum check of the meeting.
    """

    decision: DecisionType | None
    counts: tuple[tuple[VoteChoice, int], ...]
    not_voted: int
    voting: int
    threshold: Fraction
    quorum: QuorumResult

    @property
    def decided(self) -> bool:
        """Whether the vote produced a decision."""
        return self.decision is not None

    def count(self, choice: VoteChoice) -> int:
        """The votes for ``choice``."""
        return dict(self.counts)[choice]

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "decided": self.decided,
            "decision": self.decision,
            "counts": dict(self.counts),
            "not_voted": self.not_voted,
            "voting": self.voting,
            "threshold": str(self.threshold),
            "quorum": self.quorum.to_json(language),
            "findings": self.findings_json(language),
        }


def _check_votes(votes: Sequence[Vote], meeting: Meeting) -> None:
    """Raise, listing every problem, unless each vote comes once from a voting member present."""
    committee = meeting.committee
    present, recused = set(meeting.present), set(meeting.recused)
    problems: list[LocalizedText] = []
    seen: set[str] = set()
    for vote in sorted(votes, key=lambda v: (v.member_id, v.choice)):
        member = committee.member(vote.member_id)
        label = vote.member_id if member is None else member.label
        if vote.member_id in seen:
            text = msg.localized(msg.ERR_VOTE_TWICE, member=label)
            if text not in problems:
                problems.append(text)
            continue
        seen.add(vote.member_id)
        if member is None:
            problems.append(msg.localized(msg.ERR_VOTE_NOT_MEMBER, member=label))
        elif member.is_consultant:
            problems.append(msg.localized(msg.ERR_VOTE_CONSULTANT, member=label))
        elif member.id not in present:
            problems.append(msg.localized(msg.ERR_VOTE_NOT_PRESENT, member=label))
        elif member.id in recused:
            problems.append(msg.localized(msg.ERR_VOTE_RECUSED, member=label))
        elif meeting.held_on is not None and not member.serving_on(meeting.held_on):
            problems.append(
                msg.localized(msg.ERR_VOTE_NOT_SERVING, member=label, day=meeting.held_on)
            )
    if problems:
        raise ReviewInputError(msg.ERR_INPUT, problems=problems)


def tally(votes: Iterable[Vote], *, present: Meeting, rules: RuleSet) -> TallyResult:
    """Count the votes on an agenda item and find the decision, if any.

    A decision type is adopted when its votes reach ``decision.threshold``
    (2/3) of the voting members present: members present who are neither
    consultants nor recused. Abstentions and members who do not vote count in
    that denominator. Exactly 2/3 passes. Without a quorum there is no decision.
    A vote from a non-member, a consultant, a member absent or recused, or a
    second vote from the same member raises
    :class:`~tianping.review.ReviewInputError` listing every such vote.
    The result does not depend on the order of the votes.

    Parameters
    ----------
    votes
        The votes cast.
    present
        The meeting: who is present and who is recused from this item.
    rules
        The effective rule set.

    Examples
    --------
    >>> from datetime import date
    >>> from tianping.review import Committee, Meeting, Member, Vote, load_rules
    >>> def member(i, discipline, gender, external=False):
    ...     return Member(f"m{i}", f"Member {i}", [discipline], gender, external, "Acme",
    ...                   date(2026, 1, 1), date(2030, 12, 31))
    >>> roster = [member(1, "domain", "female"), member(2, "ethics", "male"),
    ...           member(3, "law", "female"), member(4, "domain", "male", external=True),
    ...           member(5, "domain", "female"), member(6, "ethics", "female")]
    >>> committee = Committee("c1", "Ethics Committee", "Acme", date(2026, 1, 1), roster)
    >>> meeting = Meeting(committee, present=["m1", "m2", "m3", "m4", "m5", "m6"])
    >>> votes = [Vote(f"m{i}", "approve") for i in (1, 2, 3, 4)] + [
    ...     Vote("m5", "not_approve"), Vote("m6", "abstain")]
    >>> result = tally(votes, present=meeting, rules=load_rules())
    >>> result.decision, result.count("approve"), result.voting, result.threshold
    ('approve', 4, 6, Fraction(2, 3))
    """
    votes = tuple(votes)
    _check_votes(votes, present)
    quorum = check_quorum(present, rules=rules)
    voting = len(_counted(present, rules))
    counts = {choice: 0 for choice in VOTE_CHOICES}
    for vote in votes:
        counts[vote.choice] += 1
    not_voted = voting - len(votes)
    threshold = rules.fraction("decision.threshold")
    findings: list[Finding] = list(quorum.findings)
    decision: DecisionType | None = None
    if not quorum.ok:
        findings.append(
            Finding(rules["quorum.min_present"], msg.localized(msg.NO_QUORUM_NO_DECISION))
        )
    elif voting == 0:
        findings.append(Finding(rules["decision.threshold"], msg.localized(msg.NO_VOTING_MEMBERS)))
    else:
        # Measures 2023 Art. 16 (article unconfirmed): at least 2/3 of the members present.
        # Exact fractions: 4 of 6 is exactly 2/3 and passes ("以上" includes the number).
        reached = [t for t in DECISION_TYPES if Fraction(counts[t], voting) >= threshold]
        if len(reached) > 1:  # only with a threshold of 1/2 or less: the most votes, if alone
            top = max(counts[t] for t in reached)
            reached = [t for t in reached if counts[t] == top]
        if len(reached) == 1:
            decision = reached[0]
        else:
            summary = msg.joined(
                [
                    LocalizedText(
                        zh=f"{msg.DECISION_LABELS[c].zh} {counts[c]}",
                        en=f"{msg.DECISION_LABELS[c].en} {counts[c]}",
                    )
                    for c in VOTE_CHOICES
                    if counts[c]
                ]
                or [LocalizedText(zh="无人投票", en="no votes")]
            )
            findings.append(
                Finding(
                    rules["decision.threshold"],
                    msg.localized(
                        msg.NO_DECISION_REACHED, threshold=threshold, voting=voting, counts=summary
                    ),
                )
            )
    return TallyResult(
        findings=tuple(findings),
        decision=decision,
        counts=tuple((choice, counts[choice]) for choice in VOTE_CHOICES),
        not_voted=not_voted,
        voting=voting,
        threshold=threshold,
        quorum=quorum,
    )


def check_decision(
    decision: DecisionType,
    *,
    required_changes: Sequence[str] = (),
    reasons: Sequence[str] = (),
    rules: RuleSet,
) -> CheckResult:
    """Check that a decision carries what it must: changes to make, or reasons.

    "Approve after modification" and "re-review after modification" state the
    required changes; "not approve" gives its reasons (rule
    ``decision.reasons_required``).

    Examples
    --------
    >>> from tianping.review import load_rules
    >>> check_decision("not_approve", rules=load_rules()).rule_ids()
    ('decision.reasons_required',)
    >>> check_decision("approve_after_modification", required_changes=["add an opt-out"],
    ...                rules=load_rules()).ok
    True
    """
    if decision not in DECISION_TYPES:
        raise ReviewInputError(
            msg.ERR_INPUT,
            problems=[
                msg.localized(
                    msg.ERR_BAD_CHOICE,
                    what="decision",
                    value=decision,
                    known=", ".join(DECISION_TYPES),
                )
            ],
        )
    if not rules.flag("decision.reasons_required"):
        return CheckResult(findings=())
    rule = rules["decision.reasons_required"]
    label = msg.DECISION_LABELS[decision]
    findings: list[Finding] = []
    # Measures 2023 Art. 16 (article unconfirmed): modification → changes; refusal → reasons.
    if decision in ("approve_after_modification", "re_review_after_modification") and not any(
        change.strip() for change in required_changes
    ):
        findings.append(Finding(rule, msg.localized(msg.DECISION_NEEDS_CHANGES, decision=label)))
    if decision == "not_approve" and not any(reason.strip() for reason in reasons):
        findings.append(Finding(rule, msg.localized(msg.DECISION_NEEDS_REASONS, decision=label)))
    return CheckResult(findings=tuple(findings))


__all__ = ["QuorumResult", "TallyResult", "check_decision", "check_quorum", "tally"]
