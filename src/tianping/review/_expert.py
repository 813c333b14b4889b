"""Expert re-review of listed activities (Measures 2023 Art. 25–31).

After the committee's preliminary review of an activity on the expert
re-review list, the local or sector authority forms a panel (Art. 28): at
least five experts, peers and experts in ethics and law, none from the
committee that made the preliminary review, each declaring their interests.
The panel agrees or disagrees with the preliminary opinion by at least two
thirds of the **whole panel** (Art. 30), not of those who happen to vote.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tianping.review import _messages as msg
from tianping.review._conflicts import detect_conflicts
from tianping.review._errors import ReviewInputError
from tianping.review._findings import CheckResult, Finding
from tianping.review._models import Application, Committee, Expert, ExpertView, ExpertVote
from tianping.review._rules import RuleSet
from tianping.text import LocalizedText


def _check_panel_ids(panel: Sequence[Expert]) -> None:
    ids = [e.id for e in panel]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ReviewInputError(
            msg.ERR_INPUT,
            problems=[msg.localized(msg.ERR_PANEL_DUPLICATE, expert=i) for i in repeated],
        )


@dataclass(frozen=True, slots=True)
class PanelCheck(CheckResult):
    """The result of :func:`expert_panel_check`: every way the panel fails Art. 28."""

    size: int

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {"ok": self.ok, "size": self.size, "findings": self.findings_json(language)}


def expert_panel_check(
    panel: Sequence[Expert],
    *,
    first_committee: Committee,
    rules: RuleSet,
    application: Application | None = None,
) -> PanelCheck:
    """Check a re-review panel's make-up.

    Size (``expert_panel.min_size``), disciplines (``expert_panel.disciplines``),
    nobody on the roster of the committee that made the preliminary review
    (consultants included), every expert's declaration of interests, and, when
    the ``application`` is given, no expert with a conflict (declared interest,
    on the team, from the applicant organisation).

    Examples
    --------
    >>> from datetime import date
    >>> from tianping.review import Committee, Expert, load_rules
    >>> committee = Committee("c1", "Ethics Committee", "Acme", date(2026, 1, 1), [])
    >>> panel = [Expert(f"e{i}", f"Expert {i}", [d], "Institute", interests_declared=True)
    ...          for i, d in enumerate(["domain", "domain", "ethics", "law"], start=1)]
    >>> result = expert_panel_check(panel, first_committee=committee, rules=load_rules())
    >>> result.rule_ids()
    ('expert_panel.min_size',)
    """
    panel = tuple(panel)
    _check_panel_ids(panel)
    findings: list[Finding] = []
    # Measures 2023 Art. 28: at least `expert_panel.min_size` experts.
    minimum = rules.count("expert_panel.min_size")
    if len(panel) < minimum:
        findings.append(
            Finding(
                rules["expert_panel.min_size"],
                msg.localized(msg.PANEL_TOO_SMALL, count=len(panel), minimum=minimum),
            )
        )
    # Measures 2023 Art. 28: peer experts and experts in ethics and law.
    covered = {d for e in panel for d in e.disciplines}
    for discipline in rules.names("expert_panel.disciplines"):
        if discipline not in covered:
            findings.append(
                Finding(
                    rules["expert_panel.disciplines"],
                    msg.localized(
                        msg.PANEL_MISSING_DISCIPLINE, discipline=msg.DISCIPLINE_LABELS[discipline]
                    ),
                    discipline,
                )
            )
    roster = {m.id for m in first_committee.members}
    for expert in panel:
        # Measures 2023 Art. 28: no member of the committee that made the preliminary review.
        if rules.flag("expert_panel.excludes_first_committee") and expert.id in roster:
            findings.append(
                Finding(
                    rules["expert_panel.excludes_first_committee"],
                    msg.localized(
                        msg.PANEL_FIRST_COMMITTEE_MEMBER,
                        expert=expert.label,
                        committee=first_committee.name,
                    ),
                    expert.id,
                )
            )
        # Measures 2023 Art. 28: each expert declares any direct interest, and stands aside.
        if rules.flag("expert_panel.interests_declared"):
            if not expert.interests_declared:
                findings.append(
                    Finding(
                        rules["expert_panel.interests_declared"],
                        msg.localized(msg.PANEL_INTERESTS_NOT_DECLARED, expert=expert.label),
                        expert.id,
                    )
                )
            if application is not None:
                conflicts = detect_conflicts(expert, application, rules=rules)
                for conflict in conflicts.findings:
                    findings.append(
                        Finding(
                            rules["expert_panel.interests_declared"],
                            msg.localized(
                                msg.PANEL_CONFLICT, expert=expert.label, reason=conflict.message
                            ),
                            expert.id,
                        )
                    )
    return PanelCheck(findings=tuple(findings), size=len(panel))


@dataclass(frozen=True, slots=True)
class PanelOutcome(CheckResult):
    """The result of :func:`expert_panel_outcome`.

    Attributes
    ----------
    findings
        Why there is no opinion, if there is none.
    opinion
        ``agree`` or ``disagree`` with the preliminary opinion, or ``None``.
    agree, disagree, absent
        The votes each way, and the panel members who did not vote.
    size
        The whole panel: the denominator.
    threshold
        The share needed, as an exact fraction.
    needed
        The smallest number of votes that reaches the threshold.
    """

    opinion: ExpertView | None
    agree: int
    disagree: int
    absent: int
    size: int
    threshold: Fraction
    needed: int

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "opinion": self.opinion,
            "agree": self.agree,
            "disagree": self.disagree,
            "absent": self.absent,
            "size": self.size,
            "threshold": str(self.threshold),
            "needed": self.needed,
            "findings": self.findings_json(language),
        }


def expert_panel_outcome(
    votes: Iterable[ExpertVote], *, panel: Sequence[Expert], rules: RuleSet
) -> PanelOutcome:
    """The panel's opinion: agree or disagree by at least 2/3 of the **whole** panel.

    Absent experts count in the denominator: with a panel of 7, five votes are
    needed however many experts vote. A vote from someone not on the panel, or
    a second vote from the same expert, raises
    :class:`~tianping.review.ReviewInputError`.

    Examples
    --------
    >>> from tianping.review import Expert, ExpertVote, load_rules
    >>> panel = [Expert(f"e{i}", f"Expert {i}", ["domain"], "Institute") for i in range(1, 8)]
    >>> votes = [ExpertVote(f"e{i}", "agree") for i in range(1, 5)]  # 4 of 7, 3 absent
    >>> outcome = expert_panel_outcome(votes, panel=panel, rules=load_rules())
    >>> outcome.opinion, outcome.needed, outcome.absent
    (None, 5, 3)
    """
    votes = tuple(votes)
    panel = tuple(panel)
    _check_panel_ids(panel)
    members = {e.id: e for e in panel}
    problems: list[LocalizedText] = []
    seen: set[str] = set()
    for vote in sorted(votes, key=lambda v: (v.expert_id, v.view)):
        if vote.expert_id not in members:
            problems.append(msg.localized(msg.ERR_PANEL_VOTE_NOT_ON_PANEL, expert=vote.expert_id))
        elif vote.expert_id in seen:
            text = msg.localized(msg.ERR_PANEL_VOTE_TWICE, expert=members[vote.expert_id].label)
            if text not in problems:
                problems.append(text)
        seen.add(vote.expert_id)
    if problems:
        raise ReviewInputError(msg.ERR_INPUT, problems=problems)

    size = len(panel)
    # Measures 2023 Art. 30: at least 2/3 of the whole panel, absentees included.
    threshold = rules.fraction("expert_panel.threshold")
    needed = -(-threshold.numerator * size // threshold.denominator)  # ceil(threshold × size)
    agree = sum(1 for v in votes if v.view == "agree")
    disagree = sum(1 for v in votes if v.view == "disagree")
    opinion: ExpertView | None = None
    findings: list[Finding] = []
    if size and Fraction(agree, size) >= threshold:
        opinion = "agree"
    elif size and Fraction(disagree, size) >= threshold:
        opinion = "disagree"
    else:
        findings.append(
            Finding(
                rules["expert_panel.threshold"],
                msg.localized(
                    msg.PANEL_NO_OPINION,
                    agree=agree,
                    disagree=disagree,
                    size=size,
                    threshold=threshold,
                    needed=needed,
                    absent=size - agree - disagree,
                ),
            )
        )
    return PanelOutcome(
        findings=tuple(findings),
        opinion=opinion,
        agree=agree,
        disagree=disagree,
        absent=size - agree - disagree,
        size=size,
        threshold=threshold,
        needed=needed,
    )


__all__ = ["PanelCheck", "PanelOutcome", "expert_panel_check", "expert_panel_outcome"]
