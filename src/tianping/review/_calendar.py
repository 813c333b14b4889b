"""Calendar arithmetic for terms, deadlines and follow-up intervals.

Periods follow the Civil Code's rules on computing time (Arts. 200–204): a
period in days, months or years starts on the day after the event, so "within
30 days of set-up" ends at the end of day 30 after the set-up date; a period in
hours starts at the moment of the event. A month or year that ends on a day the
target month lacks (31 March + 1 month, 29 February + 1 year) ends on that
month's last day.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

_DIGITS = "零一二三四五六七八九"


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the month's last day.

    Examples
    --------
    >>> add_months(date(2026, 8, 31), 6)
    datetime.date(2027, 2, 28)
    >>> add_months(date(2026, 1, 15), 12)
    datetime.date(2027, 1, 15)
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """``day`` moved by ``years`` years (29 February becomes 28 February).

    Examples
    --------
    >>> add_years(date(2024, 2, 29), 5)
    datetime.date(2029, 2, 28)
    """
    return add_months(day, 12 * years)


def as_date(value: date) -> date:
    """The calendar date of ``value`` (a :class:`datetime` keeps its own time zone's date)."""
    return value.date() if isinstance(value, datetime) else value


def is_aware(moment: datetime) -> bool:
    """Whether ``moment`` carries a time zone."""
    return moment.tzinfo is not None and moment.tzinfo.utcoffset(moment) is not None


def chinese_number(number: int) -> str:
    """``number`` (1–999) in Chinese numerals, as articles are numbered (第十四条).

    Examples
    --------
    >>> [chinese_number(n) for n in (7, 10, 14, 20, 31, 105)]
    ['七', '十', '十四', '二十', '三十一', '一百零五']
    """
    if not 1 <= number <= 999:
        raise ValueError(f"article numbers run from 1 to 999, not {number}")
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    text = ""
    if hundreds:
        text += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            return text + "零" + _DIGITS[units]
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if units:
        text += _DIGITS[units]
    return text


__all__ = ["add_months", "add_years", "as_date", "chinese_number", "is_aware"]
