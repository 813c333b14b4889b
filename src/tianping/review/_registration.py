"""Registration reminders: the committee's registration and its annual reports.

Measures 2023 (supervision chapter): a committee registers within a number of
days of being set up, and files the previous year's report by a day each year
(31 March); a listed activity registers within a number of days of approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from tianping.review import _messages as msg
from tianping.review._calendar import as_date
from tianping.review._errors import ReviewInputError
from tianping.review._findings import text_json
from tianping.review._models import Committee
from tianping.review._rules import Rule, RuleSet
from tianping.text import LocalizedText

ReminderKind = Literal["registration", "annual_report"]
ReminderStatus = Literal["due", "overdue", "late"]


@dataclass(frozen=True, slots=True)
class Reminder:
    """Something to file, or filed late.

    Attributes
    ----------
    kind
        ``registration`` or ``annual_report``.
    status
        ``due`` (open, not yet past the due day), ``overdue`` (open, past it) or
        ``late`` (filed after the due day).
    due
        The last day to file.
    days
        Days left (``due``), days overdue (``overdue``) or days late (``late``).
    rule
        The rule that sets the due day.
    message
        What to do, in both languages.
    year
        For an annual report, the year it covers.
    """

    kind: ReminderKind
    status: ReminderStatus
    due: date
    days: int
    rule: Rule
    message: LocalizedText
    year: int | None = None

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "kind": self.kind,
            "status": self.status,
            "due": self.due.isoformat(),
            "days": self.days,
            "year": self.year,
            "rule": self.rule.id,
            "citation": text_json(self.rule.citation, language),
            "confidence": self.rule.confidence,
            "message": text_json(self.message, language),
        }


@dataclass(frozen=True, slots=True)
class Reminders:
    """The result of :func:`registration_reminders`: every open or late filing, due day first."""

    today: date
    items: tuple[Reminder, ...]

    @property
    def overdue(self) -> tuple[Reminder, ...]:
        """The filings past their due day and still not made."""
        return tuple(r for r in self.items if r.status == "overdue")

    @property
    def ok(self) -> bool:
        """Whether nothing is overdue."""
        return not self.overdue

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "today": self.today.isoformat(),
            "ok": self.ok,
            "reminders": [reminder.to_json(language) for reminder in self.items],
        }


def registration_reminders(committee: Committee, *, rules: RuleSet, today: date) -> Reminders:
    """The committee's registration and annual-report reminders as of ``today``.

    Registration is due ``registration.committee_days`` days after set-up (the
    period starts the day after, Civil Code Art. 201): set up on 1 January, a
    30-day period ends on 31 January. The report for year *Y* is due on the
    ``registration.annual_report_due`` day of year *Y* + 1, for every year from
    the set-up year up to last year. Filings made on time leave no reminder.

    Examples
    --------
    >>> from datetime import date
    >>> from tianping.review import Committee, load_rules
    >>> committee = Committee("c1", "Acme Ethics Committee", "Acme", date(2026, 1, 1), [])
    >>> reminders = registration_reminders(committee, rules=load_rules(), today=date(2026, 1, 31))
    >>> [(r.kind, r.status, r.due.isoformat(), r.days) for r in reminders.items]
    [('registration', 'due', '2026-01-31', 0)]
    >>> later = registration_reminders(committee, rules=load_rules(), today=date(2027, 4, 1))
    >>> [(r.kind, r.status, r.due.isoformat()) for r in later.items]
    [('registration', 'overdue', '2026-01-31'), ('annual_report', 'overdue', '2027-03-31')]
    """
    today = as_date(today)
    items: list[Reminder] = []

    # Measures 2023 Art. 44 (article unconfirmed): register within `registration.committee_days`.
    rule = rules["registration.committee_days"]
    established = committee.established_on
    due = established + timedelta(days=rules.count(rule.id))
    registered = committee.registered_on
    if registered is not None and registered < established:
        raise ReviewInputError(
            msg.ERR_INPUT,
            problems=[
                msg.localized(
                    msg.REGISTRATION_BEFORE_SETUP, registered=registered, established=established
                )
            ],
        )
    if registered is None:
        if today <= due:
            items.append(
                Reminder(
                    "registration",
                    "due",
                    due,
                    (due - today).days,
                    rule,
                    msg.localized(
                        msg.REGISTRATION_DUE,
                        established=established,
                        due=due,
                        days=(due - today).days,
                    ),
                )
            )
        else:
            items.append(
                Reminder(
                    "registration",
                    "overdue",
                    due,
                    (today - due).days,
                    rule,
                    msg.localized(
                        msg.REGISTRATION_OVERDUE,
                        established=established,
                        due=due,
                        days=(today - due).days,
                    ),
                )
            )
    elif registered > due:
        items.append(
            Reminder(
                "registration",
                "late",
                due,
                (registered - due).days,
                rule,
                msg.localized(msg.REGISTRATION_LATE, registered=registered, due=due),
            )
        )

    # Measures 2023 Art. 45 (article unconfirmed): last year's report by `annual_report_due`.
    report_rule = rules["registration.annual_report_due"]
    day = rules.month_day(report_rule.id)
    filed = {report.year: report.filed_on for report in committee.annual_reports}
    for year in range(established.year, today.year):
        due = day.on(year + 1)
        filed_on = filed.get(year)
        if filed_on is not None:
            if filed_on > due:
                items.append(
                    Reminder(
                        "annual_report",
                        "late",
                        due,
                        (filed_on - due).days,
                        report_rule,
                        msg.localized(msg.ANNUAL_REPORT_LATE, year=year, filed=filed_on, due=due),
                        year,
                    )
                )
        elif today <= due:
            items.append(
                Reminder(
                    "annual_report",
                    "due",
                    due,
                    (due - today).days,
                    report_rule,
                    msg.localized(
                        msg.ANNUAL_REPORT_DUE, year=year, due=due, days=(due - today).days
                    ),
                    year,
                )
            )
        else:
            items.append(
                Reminder(
                    "annual_report",
                    "overdue",
                    due,
                    (today - due).days,
                    report_rule,
                    msg.localized(
                        msg.ANNUAL_REPORT_OVERDUE, year=year, due=due, days=(today - due).days
                    ),
                    year,
                )
            )
    items.sort(key=lambda r: (r.due, r.kind))
    return Reminders(today=today, items=tuple(items))


def listed_activity_registration_due(approved_on: date, *, rules: RuleSet) -> date:
    """The last day to register a listed activity approved on ``approved_on``.

    Examples
    --------
    >>> from datetime import date
    >>> from tianping.review import load_rules
    >>> listed_activity_registration_due(date(2026, 3, 2), rules=load_rules())
    datetime.date(2026, 4, 1)
    """
    # Measures 2023 Art. 44 (article unconfirmed): within `registration.listed_activity_days`.
    return as_date(approved_on) + timedelta(days=rules.count("registration.listed_activity_days"))


__all__ = [
    "Reminder",
    "ReminderKind",
    "ReminderStatus",
    "Reminders",
    "listed_activity_registration_due",
    "registration_reminders",
]
