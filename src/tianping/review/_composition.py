"""Is the committee properly constituted on a given day? (Measures 2023 Art. 7, overlays.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tianping.review import _messages as msg
from tianping.review._calendar import add_years
from tianping.review._findings import CheckResult, Finding
from tianping.review._models import Committee, Member
from tianping.review._rules import Rule, RuleSet


@dataclass(frozen=True, slots=True)
class CompositionResult(CheckResult):
    """The result of :func:`check_composition`.

    Attributes
    ----------
    findings
        Every rule the committee fails, each with its citation.
    on
        The day checked.
    serving
        The ids of the members counted: on the roster, not consultants, in
        their term on ``on``.
    not_serving
        The ids of the (non-consultant) members whose term does not cover ``on``.
    """

    on: date
    serving: tuple[str, ...]
    not_serving: tuple[str, ...]

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "ok": self.ok,
            "on": self.on.isoformat(),
            "serving": list(self.serving),
            "not_serving": list(self.not_serving),
            "findings": self.findings_json(language),
        }


def _governing(rules: RuleSet, *rule_ids: str) -> Rule | None:
    """Of several minimums on the same quantity, the strictest in force (the first on a tie)."""
    present = [rules[i] for i in rule_ids if i in rules]
    if not present:
        return None
    return max(present, key=lambda rule: (rules.count(rule.id), -present.index(rule)))


def check_composition(committee: Committee, *, rules: RuleSet, on: date) -> CompositionResult:
    """Check a committee's composition against the rule set on day ``on``.

    Checks the size, the chair, the disciplines, both genders, the external
    members, every member's term (at most the maximum length, not expired), and
    where the rule set asks for them, an odd size and signed pledges. Members
    whose term does not cover ``on`` are not counted; consultants never are.
    Where two rules set a minimum for the same thing (the 2023 Measures' size
    and the 2026 AI committee size), the stricter governs and is cited.

    Parameters
    ----------
    committee
        The committee and its roster.
    rules
        The effective rule set (:func:`tianping.review.load_rules`).
    on
        The day to check (terms are checked against it).

    Examples
    --------
    >>> from datetime import date
    >>> from tianping.review import Committee, Member, load_rules
    >>> def member(i, discipline, gender, external=False, role="member"):
    ...     return Member(f"m{i}", f"Member {i}", [discipline], gender, external,
    ...                   "Outside Univ" if external else "Acme",
    ...                   date(2026, 1, 5), date(2030, 12, 31), role=role)
    >>> members = [member(1, "ethics", "female", role="chair"), member(2, "law", "male"),
    ...            member(3, "domain", "female"), member(4, "ai_technology", "male"),
    ...            member(5, "domain", "male", external=True), member(6, "domain", "female")]
    >>> committee = Committee("c1", "Acme Ethics Committee", "Acme", date(2026, 1, 5), members)
    >>> result = check_composition(committee, rules=load_rules(), on=date(2026, 11, 1))
    >>> result.ok, result.rule_ids()
    (False, ('committee.min_size',))
    >>> print(result.findings[0].message.en)
    the committee has 6 serving members on 2026-11-01 (consultants not counted); at least 7 ...
    >>> result.findings[0].rule.citation.en
    'S&T Ethics Review Measures (2023), Art. 7'
    """
    findings: list[Finding] = []
    people = [m for m in committee.members if not m.is_consultant]
    serving: list[Member] = []
    not_serving: list[str] = []

    # Measures 2023 Art. 7: a member's term is at most `committee.max_term_years` (renewable).
    term_rule = rules["committee.max_term_years"]
    years = rules.count(term_rule.id)
    for member in people:
        # term_end is the last day served: a term of exactly N years ends the day before
        # the N-th anniversary of its start.
        if member.term_end >= add_years(member.term_start, years):
            findings.append(
                Finding(
                    term_rule,
                    msg.localized(
                        msg.TERM_TOO_LONG,
                        member=member.label,
                        start=member.term_start,
                        end=member.term_end,
                        years=years,
                    ),
                    member.id,
                )
            )
        if member.serving_on(on):
            serving.append(member)
        else:
            not_serving.append(member.id)
            if on > member.term_end:
                findings.append(
                    Finding(
                        term_rule,
                        msg.localized(
                            msg.TERM_EXPIRED, member=member.label, end=member.term_end, on=on
                        ),
                        member.id,
                    )
                )

    # Measures 2023 Art. 7: at least `committee.min_size` members; 2026 AI measures (reported):
    # at least `ai_committee.min_size`. The stricter governs.
    size_rule = _governing(rules, "committee.min_size", "ai_committee.min_size")
    if size_rule is not None and len(serving) < rules.count(size_rule.id):
        findings.append(
            Finding(
                size_rule,
                msg.localized(
                    msg.TOO_FEW_MEMBERS,
                    count=len(serving),
                    minimum=rules.count(size_rule.id),
                    on=on,
                ),
            )
        )

    # Sichuan Implementing Rules Art. 7 (overlay): an odd number of members.
    if rules.flag("committee.odd_size") and len(serving) % 2 == 0:
        findings.append(
            Finding(rules["committee.odd_size"], msg.localized(msg.EVEN_SIZE, count=len(serving)))
        )

    # Measures 2023 Art. 7: one chair.
    if rules.flag("committee.chair"):
        chairs = [m for m in serving if m.role == "chair"]
        if not chairs:
            findings.append(Finding(rules["committee.chair"], msg.localized(msg.NO_CHAIR, on=on)))
        elif len(chairs) > 1:
            findings.append(
                Finding(
                    rules["committee.chair"],
                    msg.localized(
                        msg.SEVERAL_CHAIRS,
                        count=len(chairs),
                        members=", ".join(m.label for m in chairs),
                    ),
                )
            )

    # Measures 2023 Art. 7: peer experts, ethics and law; 2026 AI measures (reported): AI
    # technology too. Each missing discipline is reported once, citing the first rule asking.
    covered = {d for m in serving for d in m.disciplines}
    reported: set[str] = set()
    for rule_id in ("committee.disciplines", "ai_committee.disciplines"):
        rule = rules.get(rule_id)
        if rule is None:
            continue
        for discipline in rules.names(rule_id):
            if discipline not in covered and discipline not in reported:
                reported.add(discipline)
                findings.append(
                    Finding(
                        rule,
                        msg.localized(
                            msg.MISSING_DISCIPLINE, discipline=msg.DISCIPLINE_LABELS[discipline]
                        ),
                        discipline,
                    )
                )

    # Measures 2023 Art. 7: members of different genders.
    genders = {m.gender for m in serving}
    if rules.flag("committee.both_genders") and len(genders) == 1:
        (only,) = genders
        findings.append(
            Finding(
                rules["committee.both_genders"],
                msg.localized(msg.ONE_GENDER, gender=msg.GENDER_LABELS[only]),
            )
        )

    # Measures 2023 Art. 7: members from outside the organisation.
    external = sum(1 for m in serving if m.external)
    minimum_external = rules.count("committee.min_external")
    if external < minimum_external:
        findings.append(
            Finding(
                rules["committee.min_external"],
                msg.localized(msg.TOO_FEW_EXTERNAL, count=external, minimum=minimum_external),
            )
        )

    # Sichuan Implementing Rules Art. 8 (overlay): every member signs the pledges.
    pledge_rule = rules.get("committee.pledges")
    if pledge_rule is not None:
        for member in serving:
            for pledge in rules.names(pledge_rule.id):
                if pledge not in member.pledges:
                    findings.append(
                        Finding(
                            pledge_rule,
                            msg.localized(
                                msg.PLEDGE_MISSING,
                                member=member.label,
                                pledge=msg.PLEDGE_LABELS[pledge],
                            ),
                            member.id,
                        )
                    )

    return CompositionResult(
        findings=tuple(findings),
        on=on,
        serving=tuple(m.id for m in serving),
        not_serving=tuple(not_serving),
    )


__all__ = ["CompositionResult", "check_composition"]
