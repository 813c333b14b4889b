"""Time limits: the decision deadline after acceptance, and when follow-up reviews are due.

A period in days starts the day after the event and ends at the end of its
last day (Civil Code Art. 201, 203): accepted on 1 March, a 30-day limit ends
at the end of 31 March. A period in hours starts at the moment of the event
(Art. 201): accepted at 09:00 on 1 March, 72 hours end at 09:00 on 4 March.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from tianping.review import _messages as msg
from tianping.review._calendar import add_months, as_date, is_aware
from tianping.review._errors import ReviewInputError
from tianping.review._findings import text_json
from tianping.review._models import PROCEDURES, Extension, Procedure
from tianping.review._rules import Rule, RuleSet
from tianping.text import LocalizedText

DeadlineUnit = Literal["days", "hours"]

# Which rule sets each procedure's time limit, and in what unit.
_LIMITS: dict[str, tuple[str, DeadlineUnit]] = {
    "general": ("decision.deadline_days", "days"),
    "simplified": ("decision.deadline_days", "days"),
    "emergency": ("emergency.deadline_hours", "hours"),
    "expert_review": ("expert_review.deadline_days", "days"),
}


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a decision is due.

    Attributes
    ----------
    procedure
        ``general``, ``simplified``, ``emergency`` or ``expert_review``.
    accepted_at
        When the application (or the re-review request) was accepted.
    due
        The last moment a decision is in time: the end of the last day for a
        limit in days (``23:59:59.999999``), the exact hour for a limit in hours.
    unit, base
        The limit as the rule sets it (``30`` ``days``, ``72`` ``hours``).
    extensions
        The extensions granted, each with its reason.
    rule
        The rule that sets the limit.
    """

    procedure: Procedure
    accepted_at: datetime
    due: datetime
    unit: DeadlineUnit
    base: int
    extensions: tuple[Extension, ...]
    rule: Rule

    def met_by(self, at: datetime) -> bool:
        """Whether a decision made at ``at`` (time-zone aware) is in time."""
        _require_aware(at, "decided_at")
        return at <= self.due

    def overdue(self, now: datetime) -> bool:
        """Whether the deadline has passed at ``now`` (time-zone aware) without a decision."""
        return not self.met_by(now)

    def remaining(self, now: datetime) -> timedelta:
        """Time left at ``now`` (negative once overdue)."""
        _require_aware(now, "now")
        return self.due - now

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "procedure": self.procedure,
            "accepted_at": self.accepted_at.isoformat(),
            "due": self.due.isoformat(),
            "unit": self.unit,
            "base": self.base,
            "extensions": [extension.to_json() for extension in self.extensions],
            "rule": self.rule.id,
            "citation": text_json(self.rule.citation, language),
            "confidence": self.rule.confidence,
        }


def _require_aware(moment: datetime, what: str) -> None:
    if not isinstance(moment, datetime) or not is_aware(moment):
        raise ReviewInputError(msg.ERR_NAIVE_DATETIME, params={"what": what})


def deadline(
    accepted_at: datetime,
    procedure: Procedure,
    *,
    rules: RuleSet,
    extensions: Sequence[Extension] = (),
) -> Deadline:
    """The decision deadline of an application accepted at ``accepted_at``.

    General and simplified procedures: ``decision.deadline_days`` days after
    acceptance; emergency: ``emergency.deadline_hours`` hours; expert re-review:
    ``expert_review.deadline_days`` days after the request. Each extension adds
    its length and must give a reason (rule ``decision.extension_reason``); an
    extension without one, of no length, or not in the limit's unit raises
    :class:`~tianping.review.ReviewInputError` listing every such extension.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from tianping.review import Extension, load_rules
    >>> cst = timezone(timedelta(hours=8))
    >>> accepted = datetime(2026, 3, 1, 9, 0, tzinfo=cst)
    >>> deadline(accepted, "general", rules=load_rules()).due.date()
    datetime.date(2026, 3, 31)
    >>> deadline(accepted, "emergency", rules=load_rules()).due.isoformat()
    '2026-03-04T09:00:00+08:00'
    >>> extended = deadline(accepted, "general", rules=load_rules(),
    ...                     extensions=[Extension(timedelta(days=15), "external expert opinion")])
    >>> extended.due.date()
    datetime.date(2026, 4, 15)
    """
    _require_aware(accepted_at, "accepted_at")
    if procedure not in PROCEDURES:
        raise ReviewInputError(
            msg.ERR_INPUT,
            problems=[
                msg.localized(
                    msg.ERR_BAD_CHOICE,
                    what="procedure",
                    value=procedure,
                    known=", ".join(PROCEDURES),
                )
            ],
        )
    rule_id, unit = _LIMITS[procedure]
    rule = rules[rule_id]
    base = rules.count(rule_id)
    extensions = tuple(extensions)

    # Measures 2023 Art. 17 (article unconfirmed): an extension is recorded with its reason.
    problems: list[LocalizedText] = []
    reason_rule = rules["decision.extension_reason"]
    step = timedelta(days=1) if unit == "days" else timedelta(hours=1)
    for index, extension in enumerate(extensions, start=1):
        if rules.flag(reason_rule.id) and not (extension.reason or "").strip():
            problems.append(
                msg.localized(
                    msg.ERR_EXTENSION_WITHOUT_REASON, index=index, citation=reason_rule.citation
                )
            )
        if extension.length <= timedelta(0):
            problems.append(msg.localized(msg.ERR_EXTENSION_NOT_POSITIVE, index=index))
        elif extension.length % step:
            template = (
                msg.ERR_EXTENSION_NOT_WHOLE_DAYS
                if unit == "days"
                else msg.ERR_EXTENSION_NOT_WHOLE_HOURS
            )
            problems.append(
                msg.localized(template, index=index, procedure=msg.PROCEDURE_LABELS[procedure])
            )
    if problems:
        raise ReviewInputError(msg.ERR_INPUT, problems=problems)

    extra = sum((extension.length for extension in extensions), timedelta(0))
    if unit == "days":
        # Measures 2023 Art. 17: decide within `decision.deadline_days` days of acceptance.
        last_day = accepted_at.date() + timedelta(days=base) + extra
        due = datetime.combine(last_day, time.max, tzinfo=accepted_at.tzinfo)
    else:
        # Measures 2023 (emergency procedure): normally within `emergency.deadline_hours` hours.
        due = accepted_at + timedelta(hours=base) + extra
    return Deadline(
        procedure=procedure,
        accepted_at=accepted_at,
        due=due,
        unit=unit,
        base=base,
        extensions=extensions,
        rule=rule,
    )


@dataclass(frozen=True, slots=True)
class FollowUp:
    """When the next follow-up review is due.

    Attributes
    ----------
    decided_on
        The day of the decision (or of the last follow-up review).
    due
        The last day for the next follow-up review.
    months
        The interval the rule sets.
    listed_activity
        Whether the activity is on the expert re-review list (shorter interval).
    rule
        The rule that sets the interval.
    """

    decided_on: date
    due: date
    months: int
    listed_activity: bool
    rule: Rule

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "decided_on": self.decided_on.isoformat(),
            "due": self.due.isoformat(),
            "months": self.months,
            "listed_activity": self.listed_activity,
            "rule": self.rule.id,
            "citation": text_json(self.rule.citation, language),
            "confidence": self.rule.confidence,
        }


def follow_up_due(decided_at: date, *, listed_activity: bool, rules: RuleSet) -> FollowUp:
    """When the next follow-up review of an approved activity is due.

    At most ``follow_up.interval_months`` months after the decision (or the
    last follow-up), ``follow_up.listed_interval_months`` for an activity on
    the expert re-review list; a day the target month lacks becomes its last day.

    Examples
    --------
    >>> from datetime import date
    >>> from tianping.review import load_rules
    >>> follow_up_due(date(2026, 8, 31), listed_activity=False, rules=load_rules()).due
    datetime.date(2027, 8, 31)
    >>> follow_up_due(date(2026, 8, 31), listed_activity=True, rules=load_rules()).due
    datetime.date(2027, 2, 28)
    """
    # Measures 2023 Art. 18 (article unconfirmed): follow-up at most every 12 months;
    # listed activities at most every 6 (article unconfirmed).
    rule_id = "follow_up.listed_interval_months" if listed_activity else "follow_up.interval_months"
    months = rules.count(rule_id)
    decided_on = as_date(decided_at)
    return FollowUp(
        decided_on=decided_on,
        due=add_months(decided_on, months),
        months=months,
        listed_activity=listed_activity,
        rule=rules[rule_id],
    )


__all__ = ["Deadline", "DeadlineUnit", "FollowUp", "deadline", "follow_up_due"]
