"""The application bundle (Measures 2023 Art. 9), one notice (Art. 10), and the procedure chosen."""

from __future__ import annotations

import pytest

from tianping.review import (
    Attachment,
    ReviewInputError,
    RuleSet,
    check_application_bundle,
    check_procedure,
)
from tianping.review import _messages as msg


def everything(rules: RuleSet, *, without: tuple[str, ...] = ()) -> list[Attachment]:
    return [
        Attachment(item.id, f"{item.id}.pdf") for item in rules.bundle() if item.id not in without
    ]


def test_art_9_a_complete_bundle_passes(rules: RuleSet) -> None:
    """Measures 2023 Art. 9: every item supplied."""
    result = check_application_bundle(
        [*everything(rules), Attachment("evidence", "fairness-audit.json")], rules=rules
    )
    assert result.complete and result.ok and result.notice is None


def test_art_9_the_bundle_holds_every_item_the_article_lists(rules: RuleSet) -> None:
    """Measures 2023 Art. 9: self-assessment first, plan, risks, emergency plan … pledge."""
    assert [item.id for item in rules.bundle()] == [
        "risk_self_assessment",
        "activity_overview",
        "plan",
        "risks_and_controls",
        "emergency_plan",
        "qualifications",
        "ethics_training",
        "funding_source",
        "conflict_of_interest_statement",
        "consent_form",
        "data_provenance",
        "compliance_pledge",
    ]


def test_art_10_an_incomplete_application_gets_one_notice_listing_everything(
    rules: RuleSet,
) -> None:
    """Measures 2023 Art. 10: all missing items in one notice."""
    missing = ("risk_self_assessment", "emergency_plan", "compliance_pledge")
    result = check_application_bundle(everything(rules, without=missing), rules=rules)
    assert [item.id for item in result.missing] == list(missing)
    assert [f.subject for f in result.findings] == list(missing)
    assert result.rule_ids() == ("application.bundle",)
    assert result.notice is not None
    lines = result.notice.en.splitlines()
    assert lines[0] == msg.BUNDLE_NOTICE.en.format(count=3, items="").splitlines()[0]
    assert lines[1:4] == [
        "(1) ethics risk self-assessment",
        "(2) emergency plan",
        "(3) pledge to follow ethics and research-integrity rules",
    ]
    assert rules["application.single_notice"].citation.en in lines[4]
    assert "（2）应急处理预案" in result.notice.zh


def test_art_9_an_empty_application_lists_all_twelve_items_in_its_one_notice(
    rules: RuleSet,
) -> None:
    result = check_application_bundle([], rules=rules)
    assert len(result.missing) == 12 and result.notice is not None
    assert "(12) " in result.notice.en


def test_art_9_the_consent_form_may_be_marked_not_applicable_with_a_reason(
    rules: RuleSet,
) -> None:
    """Measures 2023 Art. 9 (四): no research participants, no consent form."""
    given = [
        *everything(rules, without=("consent_form",)),
        Attachment("consent_form", waived_reason="no human participants; logs only"),
    ]
    result = check_application_bundle(given, rules=rules)
    assert result.complete and result.waived == ("consent_form",)


def test_art_9_a_required_item_cannot_be_waived(rules: RuleSet) -> None:
    given = [
        *everything(rules, without=("emergency_plan",)),
        Attachment("emergency_plan", waived_reason="we do not expect emergencies"),
    ]
    result = check_application_bundle(given, rules=rules)
    assert [item.id for item in result.missing] == ["emergency_plan"]
    assert "cannot be waived" in result.findings[0].message.en


def test_attachments_of_an_unknown_type_or_a_blank_waiver_are_refused(rules: RuleSet) -> None:
    with pytest.raises(ReviewInputError) as caught:
        check_application_bundle(
            [
                Attachment("selfie"),
                Attachment("exe"),
                Attachment("consent_form", waived_reason=" "),
            ],
            rules=rules,
        )
    assert len(caught.value.problems) == 3
    assert "'selfie' is not an application item" in str(caught.value)


def test_general_and_emergency_procedures_need_no_ground(rules: RuleSet) -> None:
    assert check_procedure("general", rules=rules).ok
    assert check_procedure("emergency", rules=rules).ok


@pytest.mark.parametrize("ground", ["minimal_risk", "minor_change", "routine_follow_up"])
def test_the_simplified_procedure_on_each_ground_it_allows(rules: RuleSet, ground: str) -> None:
    """Measures 2023 (simplified procedure): minimal risk, minor change, routine follow-up."""
    assert check_procedure("simplified", ground=ground, rules=rules).ok


def test_the_simplified_procedure_without_a_valid_ground_fails(rules: RuleSet) -> None:
    assert check_procedure("simplified", rules=rules).rule_ids() == (
        "procedure.simplified_grounds",
    )
    result = check_procedure("simplified", ground="high_risk", rules=rules)
    assert result.findings[0].subject == "high_risk"


def test_expert_review_and_unknown_procedures_cannot_be_chosen_on_acceptance(
    rules: RuleSet,
) -> None:
    for procedure in ("expert_review", "express"):
        with pytest.raises(ReviewInputError):
            check_procedure(procedure, rules=rules)  # type: ignore[arg-type]
    with pytest.raises(ReviewInputError):
        check_procedure("general", ground="minimal_risk", rules=rules)
