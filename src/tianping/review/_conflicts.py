"""Conflicts of interest: who must stand aside from an application's discussion and vote.

Three grounds, each switched on by rule ``conflict.recusal_grounds``:

* **declared interest** — the person declared an interest in the application,
  the applicant organisation, a team member or another party (funder, partner);
* **participant** — the person is on the team carrying out the activity;
* **same organisation** — the person works for the applicant organisation while
  sitting on *another* organisation's committee, on a review centre, or on an
  expert panel. The internal members of the applicant's own committee share
  its organisation by design (that is why Art. 7 asks for external members), so
  for them this ground does not apply; a declared interest or their place on
  the team still does.
"""

from __future__ import annotations

from dataclasses import dataclass

from tianping.review import _messages as msg
from tianping.review._findings import CheckResult, Finding
from tianping.review._models import Application, ConflictGround, Expert, Member
from tianping.review._rules import RuleSet


@dataclass(frozen=True, slots=True)
class ConflictResult(CheckResult):
    """The result of :func:`detect_conflicts`.

    Attributes
    ----------
    findings
        One finding per conflict detected.
    person
        The id of the member or expert checked.
    grounds
        The grounds found, without repeats.
    """

    person: str
    grounds: tuple[ConflictGround, ...]

    @property
    def recuse(self) -> bool:
        """Whether the person must stand aside from the discussion and the vote."""
        return bool(self.findings)

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "person": self.person,
            "recuse": self.recuse,
            "grounds": list(self.grounds),
            "findings": self.findings_json(language),
        }


def detect_conflicts(
    member: Member | Expert, application: Application, *, rules: RuleSet
) -> ConflictResult:
    """Detect a member's (or a re-review expert's) conflicts with an application.

    Examples
    --------
    >>> from datetime import date
    >>> from tianping.review import Application, Interest, Member, load_rules
    >>> application = Application("app-7", "Acme", team=["p1"], parties=["Fund A"])
    >>> member = Member("m9", "Zhao Lei", ["law"], "male", True, "Univ", date(2026, 1, 1),
    ...                 date(2030, 12, 31), interests=[Interest("Fund A", "adviser, paid")])
    >>> result = detect_conflicts(member, application, rules=load_rules())
    >>> result.recuse, result.grounds
    (True, ('declared_interest',))
    >>> outsider = Member("m8", "Qian Yu", ["law"], "female", True, "Acme",
    ...                   date(2026, 1, 1), date(2030, 12, 31))
    >>> detect_conflicts(outsider, application, rules=load_rules()).grounds
    ('same_organisation',)
    """
    rule = rules["conflict.recusal_grounds"]
    grounds = rules.names(rule.id)
    findings: list[Finding] = []
    found: list[ConflictGround] = []
    stakeholders = application.stakeholders

    # Measures 2023 (recusal; Art. 28 for experts): a declared interest in the matter.
    if "declared_interest" in grounds:
        for interest in member.interests:
            if interest.party in stakeholders:
                findings.append(
                    Finding(
                        rule,
                        msg.localized(
                            msg.CONFLICT_DECLARED,
                            member=member.label,
                            party=interest.party,
                            description=interest.description,
                        ),
                        member.id,
                    )
                )
                if "declared_interest" not in found:
                    found.append("declared_interest")
    if "participant" in grounds and member.id in application.team:
        findings.append(
            Finding(rule, msg.localized(msg.CONFLICT_PARTICIPANT, member=member.label), member.id)
        )
        found.append("participant")
    outside_reviewer = isinstance(member, Expert) or member.external
    if (
        "same_organisation" in grounds
        and outside_reviewer
        and member.organisation == application.organisation
    ):
        findings.append(
            Finding(
                rule,
                msg.localized(
                    msg.CONFLICT_SAME_ORGANISATION,
                    member=member.label,
                    organisation=application.organisation,
                ),
                member.id,
            )
        )
        found.append("same_organisation")
    return ConflictResult(findings=tuple(findings), person=member.id, grounds=tuple(found))


__all__ = ["ConflictResult", "detect_conflicts"]
