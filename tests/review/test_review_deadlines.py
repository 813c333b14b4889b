"""Time limits: 30 days after acceptance, 72 hours in an emergency, extensions; follow-up."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from tianping.review import Extension, ReviewInputError, RuleSet, deadline, follow_up_due
from tianping.review import _messages as msg

CST = timezone(timedelta(hours=8))
ACCEPTED = datetime(2026, 3, 1, 9, 30, tzinfo=CST)


def test_art_17_general_decision_by_the_end_of_day_30(rules: RuleSet) -> None:
    """Measures 2023 Art. 17: within 30 days of acceptance — accepted 1 March, due 31 March."""
    due = deadline(ACCEPTED, "general", rules=rules)
    assert due.due.date() == date(2026, 3, 31) and due.unit == "days" and due.base == 30
    assert due.met_by(datetime(2026, 3, 31, 23, 59, 59, tzinfo=CST))
    assert not due.met_by(datetime(2026, 4, 1, 0, 0, tzinfo=CST))
    assert due.rule.id == "decision.deadline_days"


def test_the_simplified_procedure_has_the_same_30_days(rules: RuleSet) -> None:
    assert deadline(ACCEPTED, "simplified", rules=rules).due.date() == date(2026, 3, 31)


def test_emergency_decision_at_72_hours_is_in_time_and_one_second_later_is_not(
    rules: RuleSet,
) -> None:
    """Measures 2023 (emergency procedure): normally within 72 hours."""
    due = deadline(ACCEPTED, "emergency", rules=rules)
    assert due.due == ACCEPTED + timedelta(hours=72)
    assert due.rule.id == "emergency.deadline_hours" and due.unit == "hours"
    assert due.met_by(ACCEPTED + timedelta(hours=72))
    assert not due.met_by(ACCEPTED + timedelta(hours=72, seconds=1))
    assert due.overdue(ACCEPTED + timedelta(hours=73))
    assert due.remaining(ACCEPTED + timedelta(hours=70)) == timedelta(hours=2)


def test_the_expert_re_review_takes_about_30_days(rules: RuleSet) -> None:
    """Measures 2023 (expert re-review): about 30 days from the request."""
    due = deadline(ACCEPTED, "expert_review", rules=rules)
    assert due.due.date() == date(2026, 3, 31)
    assert due.rule.id == "expert_review.deadline_days"


def test_art_17_extensions_add_their_length_and_are_recorded(rules: RuleSet) -> None:
    """Measures 2023 Art. 17: extensions, each with its length and reason."""
    extensions = [
        Extension(timedelta(days=10), "waiting for the data audit"),
        Extension(timedelta(days=5), "second external opinion"),
    ]
    due = deadline(ACCEPTED, "general", rules=rules, extensions=extensions)
    assert due.due.date() == date(2026, 4, 15)
    assert due.to_json("en")["extensions"][0]["reason"] == "waiting for the data audit"  # type: ignore[index]
    emergency = deadline(
        ACCEPTED,
        "emergency",
        rules=rules,
        extensions=[Extension(timedelta(hours=24), "night-time outage")],
    )
    assert emergency.due == ACCEPTED + timedelta(hours=96)


def test_art_17_an_extension_without_a_reason_is_an_error(rules: RuleSet) -> None:
    """Measures 2023 Art. 17: an extension is recorded with its reason."""
    with pytest.raises(ReviewInputError) as caught:
        deadline(
            ACCEPTED,
            "general",
            rules=rules,
            extensions=[Extension(timedelta(days=10), "ok"), Extension(timedelta(days=5))],
        )
    (problem,) = caught.value.problems
    assert (
        problem.en
        == msg.localized(
            msg.ERR_EXTENSION_WITHOUT_REASON,
            index=2,
            citation=rules["decision.extension_reason"].citation,
        ).en
    )


def test_every_bad_extension_is_listed(rules: RuleSet) -> None:
    with pytest.raises(ReviewInputError) as caught:
        deadline(
            ACCEPTED,
            "general",
            rules=rules,
            extensions=[
                Extension(timedelta(days=-1), "x"),
                Extension(timedelta(hours=5), "half a day"),
                Extension(timedelta(days=2), "  "),
            ],
        )
    assert len(caught.value.problems) == 3


def test_a_time_without_a_time_zone_is_refused(rules: RuleSet) -> None:
    with pytest.raises(ReviewInputError, match="time zone"):
        deadline(datetime(2026, 3, 1, 9, 30), "general", rules=rules)
    with pytest.raises(ReviewInputError, match="time zone"):
        deadline(ACCEPTED, "general", rules=rules).met_by(datetime(2026, 3, 2))


def test_art_18_follow_up_within_12_months(rules: RuleSet) -> None:
    """Measures 2023 Art. 18: follow-up at most every 12 months."""
    follow_up = follow_up_due(date(2026, 3, 15), listed_activity=False, rules=rules)
    assert follow_up.due == date(2027, 3, 15) and follow_up.months == 12
    assert follow_up.rule.id == "follow_up.interval_months"


def test_listed_activities_follow_up_within_6_months(rules: RuleSet) -> None:
    """Measures 2023 (listed activities): follow-up at most every 6 months."""
    follow_up = follow_up_due(date(2026, 3, 15), listed_activity=True, rules=rules)
    assert follow_up.due == date(2026, 9, 15)
    assert follow_up.rule.id == "follow_up.listed_interval_months"


def test_a_follow_up_from_a_month_end_lands_on_the_last_day_of_the_month(rules: RuleSet) -> None:
    due = follow_up_due(datetime(2026, 8, 31, 15, 0, tzinfo=CST), listed_activity=True, rules=rules)
    assert due.due == date(2027, 2, 28)
