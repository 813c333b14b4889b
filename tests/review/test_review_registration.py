"""Registration within 30 days of set-up and annual reports by 31 March (Measures 2023, Ch. IV)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tianping.review import (
    AnnualReport,
    Reminders,
    ReviewInputError,
    RuleSet,
    listed_activity_registration_due,
    registration_reminders,
)
from tianping.review import _messages as msg

from .conftest import committee_of

SET_UP = date(2026, 1, 1)


def reminders(rules: RuleSet, today: date, **extra: Any) -> Reminders:
    return registration_reminders(
        committee_of([], established_on=SET_UP, **extra), rules=rules, today=today
    )


def test_art_44_registration_on_day_30_is_on_time(rules: RuleSet) -> None:
    """Measures 2023 Art. 44: within 30 days of set-up — day 30 is 31 January."""
    assert reminders(rules, date(2026, 3, 1), registered_on=date(2026, 1, 31)).items == ()


def test_art_44_registration_on_day_31_is_late(rules: RuleSet) -> None:
    """Measures 2023 Art. 44: registering on day 31 (1 February) is late."""
    result = reminders(rules, date(2026, 3, 1), registered_on=date(2026, 2, 1))
    (late,) = result.items
    assert (late.kind, late.status, late.due, late.days) == (
        "registration",
        "late",
        date(2026, 1, 31),
        1,
    )
    assert late.rule.id == "registration.committee_days"
    assert result.ok  # filed, if late: nothing overdue


def test_art_44_unregistered_committee_is_due_until_day_30_then_overdue(rules: RuleSet) -> None:
    """Measures 2023 Art. 44: a reminder while due, an overdue flag from day 31."""
    (due,) = reminders(rules, date(2026, 1, 31)).items
    assert (due.status, due.days) == ("due", 0)
    assert (
        due.message.en
        == msg.localized(msg.REGISTRATION_DUE, established=SET_UP, due=date(2026, 1, 31), days=0).en
    )
    overdue = reminders(rules, date(2026, 2, 1))
    assert [(r.status, r.days) for r in overdue.items] == [("overdue", 1)]
    assert not overdue.ok and overdue.overdue == overdue.items


def test_art_45_annual_report_on_31_march_is_on_time(rules: RuleSet) -> None:
    """Measures 2023 Art. 45: last year's report by 31 March."""
    filed = reminders(
        rules,
        date(2027, 5, 1),
        registered_on=date(2026, 1, 10),
        annual_reports=[AnnualReport(2026, date(2027, 3, 31))],
    )
    assert filed.items == ()
    due = reminders(rules, date(2027, 3, 31), registered_on=date(2026, 1, 10))
    assert [(r.kind, r.status, r.year, r.days) for r in due.items] == [
        ("annual_report", "due", 2026, 0)
    ]
    assert due.items[0].rule.id == "registration.annual_report_due"


def test_art_45_annual_report_on_1_april_is_late_or_overdue(rules: RuleSet) -> None:
    """Measures 2023 Art. 45: 1 April is one day past the due day."""
    overdue = reminders(rules, date(2027, 4, 1), registered_on=date(2026, 1, 10))
    assert [(r.status, r.due, r.days) for r in overdue.items] == [("overdue", date(2027, 3, 31), 1)]
    late = reminders(
        rules,
        date(2027, 5, 1),
        registered_on=date(2026, 1, 10),
        annual_reports=[AnnualReport(2026, date(2027, 4, 1))],
    )
    assert [(r.status, r.days) for r in late.items] == [("late", 1)]


def test_art_45_every_missing_year_is_listed_in_due_order(rules: RuleSet) -> None:
    result = reminders(rules, date(2029, 2, 1))
    assert [(r.kind, r.year, r.status) for r in result.items] == [
        ("registration", None, "overdue"),
        ("annual_report", 2026, "overdue"),
        ("annual_report", 2027, "overdue"),
        ("annual_report", 2028, "due"),
    ]
    assert result.to_json("en")["ok"] is False


def test_no_report_is_due_for_a_year_before_set_up(rules: RuleSet) -> None:
    committee = committee_of([], established_on=date(2026, 3, 1), registered_on=date(2026, 3, 5))
    assert registration_reminders(committee, rules=rules, today=date(2026, 3, 20)).items == ()


def test_a_registration_before_set_up_is_refused(rules: RuleSet) -> None:
    with pytest.raises(ReviewInputError):
        reminders(rules, date(2026, 3, 1), registered_on=date(2025, 12, 31))


def test_art_44_a_listed_activity_registers_within_30_days_of_approval(rules: RuleSet) -> None:
    """Measures 2023 Art. 44: listed activity registered within 30 days of approval."""
    assert listed_activity_registration_due(date(2026, 1, 1), rules=rules) == date(2026, 1, 31)
    assert rules.count("registration.listed_activity_days") == 30
