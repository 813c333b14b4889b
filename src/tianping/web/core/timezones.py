"""Time zones: every date and time a person reads, in the zone of the platform or of a body.

The database keeps instants in UTC. What a person reads (pages, PDFs,
notifications, e-mails, CSV) is turned into text here, in one of two zones:

*platform zone*
    ``settings.TIME_ZONE`` (Asia/Shanghai by default): pages, notifications, e-mails.
*zone of a body*
    An organisation may set its own (``Organisation.time_zone``, an IANA name);
    blank means the platform's. A document takes the zone of the body that
    issues it and prints it (:func:`zone_label`); a notice the body sends is
    in its zone, named where it is not the platform's (:func:`format_in_zone_of`);
    deadlines counted in days follow the calendar of that zone (:func:`end_of_day`).

Dates read ``2026-12-07`` and times ``2026-12-07 03:38`` in both languages
(ISO 8601 calendar dates, 24-hour clock), as the templates' ``|date:"Y-m-d H:i"``.

The API keeps ISO 8601 with the offset and does not go through these helpers.

>>> from datetime import UTC, datetime
>>> accepted = datetime(2026, 12, 6, 19, 38, tzinfo=UTC)
>>> local_date(accepted, "Asia/Shanghai").isoformat()
'2026-12-07'
>>> format_datetime(accepted, "Asia/Shanghai")
'2026-12-07 03:38'
>>> zone_label("Asia/Shanghai", at=accepted)
'Asia/Shanghai (UTC+08:00)'
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, tzinfo
from functools import lru_cache
from typing import Final, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

#: How dates and times read in both languages (ISO 8601 calendar dates, 24-hour clock).
DATE_FORMAT: Final = "%Y-%m-%d"
DATETIME_FORMAT: Final = "%Y-%m-%d %H:%M"
DATETIME_SECONDS_FORMAT: Final = "%Y-%m-%d %H:%M:%S"

#: Names the zone database lists but that are no fixed place (they follow the server).
_NOT_A_PLACE: Final = frozenset({"localtime", "posixrules", "Factory"})

UNKNOWN_ZONE = _(
    "“%(value)s” is not a time zone. Use an IANA name such as Asia/Shanghai or Europe/Berlin, "
    "or leave it blank for the platform's time zone."
)
NAIVE_MOMENT = "a naive datetime has no time zone; store and pass aware datetimes"

Zone = tzinfo | str | None


class HasTimeZone(Protocol):
    """Anything with a ``time_zone`` name, such as an :class:`~accounts.Organisation`."""

    time_zone: str


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_A_PLACE


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone the platform can use."""
    return isinstance(name, str) and name in _zone_names()


def validate_time_zone(value: str) -> None:
    """Model and form validator: blank, or an IANA time zone name."""
    if value and not is_time_zone(value):
        raise ValidationError(UNKNOWN_ZONE, code="time_zone", params={"value": value})


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def platform_zone() -> ZoneInfo:
    """The platform's zone, ``settings.TIME_ZONE``."""
    return _zone(settings.TIME_ZONE)


def as_zone(zone: Zone = None) -> tzinfo:
    """``zone`` as a :class:`tzinfo`: a name is looked up, ``None`` is the platform's zone."""
    if zone is None or zone == "":
        return platform_zone()
    if isinstance(zone, str):
        try:
            return _zone(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {zone!r}") from exc
    return zone


def zone_of(organisation: HasTimeZone | None) -> ZoneInfo:
    """The zone of ``organisation``: its own if it set one, the platform's otherwise."""
    name = (getattr(organisation, "time_zone", "") or "").strip()
    if not name:
        return platform_zone()
    if not is_time_zone(name):
        # The model validates the name; a value written around it reads in the platform's zone.
        log.warning("organisation %s has an unknown time zone %r", organisation, name)
        return platform_zone()
    return _zone(name)


def local(moment: datetime, zone: Zone = None) -> datetime:
    """The aware ``moment`` in ``zone`` (the platform's by default)."""
    if not timezone.is_aware(moment):
        raise ValueError(NAIVE_MOMENT)
    return moment.astimezone(as_zone(zone))


def local_date(value: datetime | date, zone: Zone = None) -> date:
    """The calendar day of ``value`` in ``zone``; a :class:`date` is already a day."""
    if isinstance(value, datetime):
        return local(value, zone).date()
    return value


def local_now(zone: Zone = None) -> datetime:
    """Now in ``zone`` (the platform's by default), to the second: a document's timestamp."""
    return local(timezone.now(), zone).replace(microsecond=0)


def today(zone: Zone = None) -> date:
    """Today in ``zone`` (the platform's by default)."""
    return local_date(timezone.now(), zone)


def end_of_day(day: date, zone: Zone = None) -> datetime:
    """The last moment of ``day`` in ``zone``: where a limit counted in days ends."""
    return datetime.combine(day, time.max, tzinfo=as_zone(zone))


def format_date(value: datetime | date | None, zone: Zone = None) -> str:
    """``2026-12-07``: the day of ``value`` in ``zone``; empty for ``None``."""
    if value is None:
        return ""
    return local_date(value, zone).strftime(DATE_FORMAT)


def format_datetime(
    value: datetime | date | None, zone: Zone = None, *, seconds: bool = False
) -> str:
    """``2026-12-07 03:38``: ``value`` in ``zone`` (a day prints as a day); empty for ``None``."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.strftime(DATE_FORMAT)
    return local(value, zone).strftime(DATETIME_SECONDS_FORMAT if seconds else DATETIME_FORMAT)


def format_in_zone_of(
    value: datetime | date | None, organisation: HasTimeZone | None, *, with_time: bool = True
) -> str:
    """``value`` as a text the body ``organisation`` issues says it: in the body's zone.

    Where that zone is not the platform's, the text names it, so that a reader
    elsewhere on the platform is not misled: ``2026-12-07 09:00 (Europe/Berlin)``.
    """
    if value is None:
        return ""
    zone = zone_of(organisation)
    text = format_datetime(value, zone) if with_time else format_date(value, zone)
    if isinstance(value, datetime) and zone_name(zone) != zone_name(platform_zone()):
        return f"{text} ({zone_name(zone)})"
    return text


def utc_offset(zone: Zone = None, *, at: datetime | None = None) -> str:
    """The offset of ``zone`` from UTC at ``at`` (now by default): ``UTC+08:00``."""
    moment = local(at or timezone.now(), zone)
    offset = moment.strftime("%z") or "+0000"
    return f"UTC{offset[:3]}:{offset[3:5]}"


def zone_name(zone: Zone = None) -> str:
    """The IANA name of ``zone`` (``Asia/Shanghai``)."""
    resolved = as_zone(zone)
    return getattr(resolved, "key", None) or str(resolved)


def zone_label(zone: Zone = None, *, at: datetime | None = None) -> str:
    """The zone as a document prints it: ``Asia/Shanghai (UTC+08:00)``."""
    return f"{zone_name(zone)} ({utc_offset(zone, at=at)})"


__all__ = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "UNKNOWN_ZONE",
    "HasTimeZone",
    "as_zone",
    "end_of_day",
    "format_date",
    "format_datetime",
    "format_in_zone_of",
    "is_time_zone",
    "local",
    "local_date",
    "local_now",
    "platform_zone",
    "today",
    "utc_offset",
    "validate_time_zone",
    "zone_label",
    "zone_name",
    "zone_of",
]
