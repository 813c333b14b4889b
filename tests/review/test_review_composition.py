"""Committee composition (Measures 2023 Art. 7; 2026 AI measures; Sichuan Arts. 7–8)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tianping.review import CompositionResult, Member, RuleSet, check_composition, load_rules
from tianping.review import _messages as msg

from .conftest import (
    END,
    ON,
    START,
    committee_of,
    compliant_members,
    member,
    shipped,
    write_rules,
)


def check(members: list[Member], rules: RuleSet, on: date = ON) -> CompositionResult:
    return check_composition(committee_of(members), rules=rules, on=on)


def test_a_committee_meeting_every_national_rule_passes(rules: RuleSet) -> None:
    result = check(compliant_members(), rules)
    assert result.ok, [f.message.en for f in result.findings]
    assert result.serving == ("m1", "m2", "m3", "m4", "m5", "m6", "m7")


def test_art_7_size_six_members_fail_seven_pass(rules: RuleSet) -> None:
    """Measures 2023 Art. 7: at least 7 members."""
    six = compliant_members()[:6]
    result = check(six, rules)
    assert result.rule_ids() == ("committee.min_size",)
    assert (
        result.findings[0].message.en
        == msg.localized(msg.TOO_FEW_MEMBERS, count=6, minimum=7, on=ON).en
    )
    assert result.findings[0].rule.article == 7


def test_art_7_consultants_do_not_count_towards_the_size(rules: RuleSet) -> None:
    """Measures 2023 Art. 7 / 14: a consultant on the roster is not a member counted."""
    roster = [*compliant_members()[:6], member("c9", "domain", role="consultant")]
    result = check(roster, rules)
    assert result.rule_ids() == ("committee.min_size",)
    assert "c9" not in result.serving


def test_2026_ai_minimum_governs_when_it_is_the_stricter(tmp_path: Path) -> None:
    """2026 AI measures (reported ≥ 5): cited when stricter than the 2023 minimum."""
    base = shipped("national")
    base["rules"]["committee.min_size"]["value"] = 3
    folder = write_rules(tmp_path, national=base)
    result = check(compliant_members()[:4], load_rules(directory=folder, on=ON))
    size = [f for f in result.findings if f.rule.id.endswith("min_size")]
    assert [f.rule.id for f in size] == ["ai_committee.min_size"]
    assert "at least 5" in size[0].message.en


def test_art_7_one_chair_none_or_two_fail(rules: RuleSet) -> None:
    """Measures 2023 Art. 7: one chair."""
    no_chair = compliant_members()
    no_chair[0] = member("m1", "ethics", gender="female")
    assert check(no_chair, rules).rule_ids() == ("committee.chair",)
    two_chairs = compliant_members()
    two_chairs[1] = member("m2", "law", gender="male", role="chair")
    result = check(two_chairs, rules)
    assert result.rule_ids() == ("committee.chair",)
    assert "2 chairs" in result.findings[0].message.en


@pytest.mark.parametrize("discipline", ["domain", "ethics", "law"])
def test_art_7_each_discipline_is_required(rules: RuleSet, discipline: str) -> None:
    """Measures 2023 Art. 7: peer experts, ethics and law."""
    roster = [
        member(
            m.id,
            *(d if d != discipline else "other" for d in m.disciplines),
            gender=m.gender,
            external=m.external,
            role=m.role,
        )
        for m in compliant_members()
    ]
    result = check(roster, rules)
    assert result.rule_ids() == ("committee.disciplines",)
    assert result.findings[0].subject == discipline


def test_2026_ai_committee_needs_an_ai_technology_expert(rules: RuleSet) -> None:
    """2026 AI measures (reported): AI-technology experts on an AI committee."""
    roster = compliant_members()
    roster[3] = member("m4", "domain", gender="male")
    result = check(roster, rules)
    assert result.rule_ids() == ("ai_committee.disciplines",)
    assert result.findings[0].rule.confidence == "S"
    before = check(roster, load_rules(on=date(2026, 5, 1)), on=date(2026, 5, 1))
    assert before.ok  # not yet in force


def test_art_7_both_genders(rules: RuleSet) -> None:
    """Measures 2023 Art. 7: members of different genders."""
    roster = [
        member(m.id, *m.disciplines, gender="male", external=m.external, role=m.role)
        for m in compliant_members()
    ]
    result = check(roster, rules)
    assert result.rule_ids() == ("committee.both_genders",)
    assert result.findings[0].message.zh == "在任委员均为男性；委员会应当包括不同性别的委员"


def test_art_7_an_external_member(rules: RuleSet) -> None:
    """Measures 2023 Art. 7: at least one member from outside the organisation."""
    roster = [
        member(m.id, *m.disciplines, gender=m.gender, role=m.role) for m in compliant_members()
    ]
    assert check(roster, rules).rule_ids() == ("committee.min_external",)


def test_art_7_a_term_of_exactly_five_years_passes(rules: RuleSet) -> None:
    """Measures 2023 Art. 7: term ≤ 5 years — 2026-01-01 to 2030-12-31 is exactly five."""
    assert (END - START).days + 1 == 5 * 365 + 1  # both days included; 2028 is a leap year
    assert check(compliant_members(), rules).ok


def test_art_7_a_term_of_five_years_and_one_day_fails(rules: RuleSet) -> None:
    """Measures 2023 Art. 7: term ≤ 5 years — one day more fails."""
    roster = compliant_members()
    roster[2] = member("m3", "domain", term_end=END + timedelta(days=1))
    result = check(roster, rules)
    assert result.rule_ids() == ("committee.max_term_years",)
    assert result.findings[0].subject == "m3"
    assert "longer than 5 years" in result.findings[0].message.en


def test_art_7_a_five_year_term_from_29_february(rules: RuleSet) -> None:
    """Measures 2023 Art. 7: from 2024-02-29, five years end on 2029-02-27 (inclusive)."""
    roster = compliant_members()
    roster[2] = member("m3", "domain", term_start=date(2024, 2, 29), term_end=date(2029, 2, 27))
    assert check(roster, rules).ok
    roster[2] = member("m3", "domain", term_start=date(2024, 2, 29), term_end=date(2029, 2, 28))
    assert check(roster, rules).rule_ids() == ("committee.max_term_years",)


def test_art_7_an_expired_term_is_reported_and_not_counted(rules: RuleSet) -> None:
    """Measures 2023 Art. 7: a member whose term ended is no longer a member."""
    roster = compliant_members()
    roster[5] = member("m6", "domain", term_end=date(2026, 10, 31))
    result = check(roster, rules)
    assert result.rule_ids() == ("committee.max_term_years", "committee.min_size")
    assert result.not_serving == ("m6",)
    on_last_day = check(roster, rules, on=date(2026, 10, 31))
    assert on_last_day.ok


def test_a_term_not_yet_begun_is_not_counted_and_not_a_failure(rules: RuleSet) -> None:
    roster = [
        *compliant_members(),
        member("m8", "law", term_start=date(2027, 1, 1), term_end=date(2031, 12, 31)),
    ]
    result = check(roster, rules)
    assert result.ok and result.not_serving == ("m8",)


def test_sichuan_overlay_requires_an_odd_number_of_members(sichuan: RuleSet) -> None:
    """Sichuan Implementing Rules Art. 7: at least 7 and an odd number."""
    signed = {"pledges": frozenset({"confidentiality", "conflict_of_interest"})}
    seven = [
        member(m.id, *m.disciplines, gender=m.gender, external=m.external, role=m.role, **signed)
        for m in compliant_members()
    ]
    assert check(seven, sichuan).ok
    eight = [*seven, member("m8", "law", **signed)]
    result = check(eight, sichuan)
    assert result.rule_ids() == ("committee.odd_size",)
    assert result.findings[0].rule.citation.zh == "《四川省科技伦理审查实施细则（试行）》第七条"
    assert check(eight, load_rules(on=ON)).ok  # the national rules ask no parity


def test_sichuan_overlay_requires_both_pledges_from_every_member(sichuan: RuleSet) -> None:
    """Sichuan Implementing Rules Art. 8: confidentiality pledge and conflict declaration."""
    roster = compliant_members()  # nobody has signed
    result = check(roster, sichuan)
    pledges = [f for f in result.findings if f.rule.id == "committee.pledges"]
    assert len(pledges) == 14  # 7 members × 2 pledges
    assert pledges[0].subject == "m1"


def test_every_failure_is_listed_at_once(rules: RuleSet) -> None:
    roster = [
        member("a", "domain", gender="male", term_end=END + timedelta(days=1)),
        member("b", "domain", gender="male"),
    ]
    result = check(roster, rules)
    assert result.rule_ids() == (
        "committee.max_term_years",
        "committee.min_size",
        "committee.chair",
        "committee.disciplines",
        "ai_committee.disciplines",
        "committee.both_genders",
        "committee.min_external",
    )
    assert [f.subject for f in result.findings if f.rule.id == "committee.disciplines"] == [
        "ethics",
        "law",
    ]
    document = result.to_json("en")
    assert document["ok"] is False
    assert document["findings"] == result.findings_json("en")
