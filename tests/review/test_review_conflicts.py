"""Conflicts of interest: a declared or detected conflict recuses the member."""

from __future__ import annotations

from tianping.review import Application, Expert, Interest, RuleSet, detect_conflicts

from .conftest import member

APPLICATION = Application("app-1", "Acme", team=["p-lead", "m3"], parties=["Venture Fund"])


def test_no_tie_no_recusal(rules: RuleSet) -> None:
    result = detect_conflicts(member("m1", "ethics"), APPLICATION, rules=rules)
    assert not result.recuse and result.ok and result.grounds == ()


def test_a_declared_interest_in_the_funder_recuses(rules: RuleSet) -> None:
    """Measures 2023 (recusal): a declared interest in the matter."""
    person = member(
        "m1",
        "ethics",
        interests=(Interest("Venture Fund", "limited partner"), Interest("Other Co", "board seat")),
    )
    result = detect_conflicts(person, APPLICATION, rules=rules)
    assert result.recuse and result.grounds == ("declared_interest",)
    assert len(result.findings) == 1 and "Venture Fund" in result.findings[0].message.en


def test_a_declared_interest_in_a_team_member_or_the_application_recuses(rules: RuleSet) -> None:
    for party in ("p-lead", "app-1", "Acme"):
        person = member("m1", "ethics", interests=(Interest(party, "tie"),))
        assert detect_conflicts(person, APPLICATION, rules=rules).recuse


def test_a_member_on_the_team_recuses(rules: RuleSet) -> None:
    result = detect_conflicts(member("m3", "domain"), APPLICATION, rules=rules)
    assert result.grounds == ("participant",)


def test_an_outside_member_from_the_applicant_organisation_recuses(rules: RuleSet) -> None:
    """Same organisation: a member of a review centre who works for the applicant."""
    person = member("m5", "law", external=True, organisation="Acme")
    result = detect_conflicts(person, APPLICATION, rules=rules)
    assert result.grounds == ("same_organisation",)
    assert result.findings[0].rule.id == "conflict.recusal_grounds"


def test_an_internal_member_of_the_applicants_own_committee_is_not_conflicted_by_it(
    rules: RuleSet,
) -> None:
    """Art. 7 expects internal members; sharing the organisation alone does not recuse them."""
    assert not detect_conflicts(
        member("m1", "ethics", organisation="Acme"), APPLICATION, rules=rules
    ).recuse


def test_a_re_review_expert_from_the_applicant_organisation_recuses(rules: RuleSet) -> None:
    """Measures 2023 Art. 28: experts with a direct interest stand aside."""
    expert = Expert("e1", "Expert 1", ["law"], "Acme", interests_declared=True)
    assert detect_conflicts(expert, APPLICATION, rules=rules).grounds == ("same_organisation",)


def test_several_grounds_are_all_reported(rules: RuleSet) -> None:
    person = member(
        "m3",
        "domain",
        external=True,
        organisation="Acme",
        interests=(Interest("Venture Fund", "adviser"),),
    )
    result = detect_conflicts(person, APPLICATION, rules=rules)
    assert result.grounds == ("declared_interest", "participant", "same_organisation")
    assert result.to_json("en")["recuse"] is True
