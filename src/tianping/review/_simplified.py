"""The simplified procedure: two or more members named by the chair, or a meeting.

Measures 2023 (simplified procedure; articles unconfirmed): a simplified review
is done by at least two members the chair names; a negative view, a doubt about
the matter, a disagreement between the reviewers or a reviewer's request moves
it to a meeting under the general procedure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from tianping.review import _messages as msg
from tianping.review._errors import ReviewInputError
from tianping.review._findings import CheckResult, Finding
from tianping.review._models import DecisionType, EscalationTrigger, Member, Opinion
from tianping.review._rules import RuleSet
from tianping.text import LocalizedText

SimplifiedStatus = Literal[
    "decided", "move_to_meeting", "awaiting_opinions", "not_enough_reviewers"
]


@dataclass(frozen=True, slots=True)
class SimplifiedOutcome(CheckResult):
    """The result of :func:`simplified_outcome`.

    Attributes
    ----------
    findings
        Why the review cannot conclude by the simplified procedure: too few
        reviewers named, or each trigger that moves it to a meeting.
    status
        ``decided``, ``move_to_meeting``, ``awaiting_opinions`` or
        ``not_enough_reviewers``.
    decision
        The reviewers' common view when ``decided``, else ``None``.
    triggers
        The kinds of trigger found (``negative_view``, ``doubt``,
        ``disagreement``, ``meeting_requested``).
    awaiting
        The ids of named reviewers who have not given an opinion yet.
    """

    status: SimplifiedStatus
    decision: DecisionType | None
    triggers: tuple[EscalationTrigger, ...]
    awaiting: tuple[str, ...]

    @property
    def must_move_to_meeting(self) -> bool:
        """Whether the review must go to a meeting under the general procedure."""
        return self.status == "move_to_meeting"

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "status": self.status,
            "decision": self.decision,
            "triggers": list(self.triggers),
            "awaiting": list(self.awaiting),
            "findings": self.findings_json(language),
        }


def simplified_outcome(
    opinions: Iterable[Opinion], *, named: Sequence[Member], rules: RuleSet
) -> SimplifiedOutcome:
    """The outcome of a review under the simplified procedure.

    Parameters
    ----------
    opinions
        The opinions given so far, one per named reviewer at most.
    named
        The members the chair named as reviewers (not consultants).
    rules
        The effective rule set.

    Returns
    -------
    SimplifiedOutcome
        ``not_enough_reviewers`` when the chair named fewer than
        ``simplified.min_reviewers``; ``move_to_meeting`` as soon as any
        trigger of ``simplified.escalation`` appears (every trigger is listed);
        ``awaiting_opinions`` while a named reviewer has not answered;
        otherwise ``decided`` with the reviewers' common view. An opinion from
        someone not named, or a second opinion from the same reviewer, raises
        :class:`~tianping.review.ReviewInputError`.

    Examples
    --------
    >>> from datetime import date
    >>> from tianping.review import Member, Opinion, load_rules
    >>> a = Member("a", "A", ["ethics"], "female", False, "Acme", date(2026, 1, 1),
    ...            date(2030, 12, 31))
    >>> b = Member("b", "B", ["law"], "male", True, "Univ", date(2026, 1, 1), date(2030, 12, 31))
    >>> simplified_outcome([Opinion("a", "approve"), Opinion("b", "approve")],
    ...                    named=[a, b], rules=load_rules()).status
    'decided'
    >>> outcome = simplified_outcome([Opinion("a", "approve"), Opinion("b", "approve", doubt=True)],
    ...                              named=[a, b], rules=load_rules())
    >>> outcome.status, outcome.triggers
    ('move_to_meeting', ('doubt',))
    """
    opinions = tuple(opinions)
    named = tuple(named)
    problems: list[LocalizedText] = []
    named_ids = [m.id for m in named]
    for member in named:
        if member.is_consultant:
            problems.append(msg.localized(msg.ERR_NAMED_CONSULTANT, member=member.label))
    for member_id in sorted({i for i in named_ids if named_ids.count(i) > 1}):
        problems.append(msg.localized(msg.ERR_DUPLICATE_ID, what="named reviewer", id=member_id))
    given = [o.member_id for o in opinions]
    for member_id in sorted({i for i in given if given.count(i) > 1}):
        problems.append(msg.localized(msg.ERR_OPINION_TWICE, member=member_id))
    for member_id in sorted({i for i in given if i not in named_ids}):
        problems.append(msg.localized(msg.ERR_OPINION_NOT_NAMED, member=member_id))
    if problems:
        raise ReviewInputError(msg.ERR_INPUT, problems=problems)

    # Measures 2023 (simplified procedure): at least `simplified.min_reviewers` named by the chair.
    minimum = rules.count("simplified.min_reviewers")
    if len(named) < minimum:
        return SimplifiedOutcome(
            findings=(
                Finding(
                    rules["simplified.min_reviewers"],
                    msg.localized(msg.SIMPLIFIED_TOO_FEW, count=len(named), minimum=minimum),
                ),
            ),
            status="not_enough_reviewers",
            decision=None,
            triggers=(),
            awaiting=(),
        )

    # Measures 2023 (simplified procedure): what moves the review to a meeting.
    rule = rules["simplified.escalation"]
    triggers = rules.names(rule.id)
    negative = rules.names("simplified.negative_views")
    by_member = {o.member_id: o for o in opinions}
    ordered = [(m, by_member[m.id]) for m in named if m.id in by_member]
    findings: list[Finding] = []
    found: list[EscalationTrigger] = []

    def trigger(kind: EscalationTrigger, text: LocalizedText, subject: str | None) -> None:
        findings.append(Finding(rule, text, subject))
        if kind not in found:
            found.append(kind)

    for member, opinion in ordered:
        if "negative_view" in triggers and opinion.view in negative:
            trigger(
                "negative_view",
                msg.localized(
                    msg.SIMPLIFIED_NEGATIVE,
                    member=member.label,
                    view=msg.DECISION_LABELS[opinion.view],
                ),
                member.id,
            )
        if "doubt" in triggers and opinion.doubt:
            trigger("doubt", msg.localized(msg.SIMPLIFIED_DOUBT, member=member.label), member.id)
        if "meeting_requested" in triggers and opinion.requests_meeting:
            trigger(
                "meeting_requested",
                msg.localized(msg.SIMPLIFIED_REQUEST, member=member.label),
                member.id,
            )
    views = list(dict.fromkeys(opinion.view for _member, opinion in ordered))
    if "disagreement" in triggers and len(views) > 1:
        trigger(
            "disagreement",
            msg.localized(
                msg.SIMPLIFIED_DISAGREEMENT,
                views=msg.joined([msg.DECISION_LABELS[v] for v in views]),
            ),
            None,
        )
    awaiting = tuple(m.id for m in named if m.id not in by_member)
    if findings:
        status: SimplifiedStatus = "move_to_meeting"
        decision = None
    elif awaiting:
        status, decision = "awaiting_opinions", None
    else:
        status, decision = "decided", views[0]
    return SimplifiedOutcome(
        findings=tuple(findings),
        status=status,
        decision=decision,
        triggers=tuple(found),
        awaiting=awaiting,
    )


__all__ = ["SimplifiedOutcome", "SimplifiedStatus", "simplified_outcome"]
