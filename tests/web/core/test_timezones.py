"""Dates and times a person reads: in the platform's zone, or in the zone of the issuing body.

Every instant here lies between 16:00 and 24:00 UTC, when Beijing time is already
the next day: a date taken from the UTC value would be one day early.
"""

from __future__ import annotations

import doctest
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.web.factories import Network
from tianping.web.accounts.admin import OrganisationAdminForm
from tianping.web.accounts.models import OrganisationKind
from tianping.web.accounts.services import organisation_create
from tianping.web.core import timezones
from tianping.web.core.timezones import (
    end_of_day,
    format_date,
    format_datetime,
    format_in_zone_of,
    local,
    local_date,
    validate_time_zone,
    zone_label,
    zone_of,
)

ACCEPTED = datetime(2026, 12, 6, 19, 38, tzinfo=UTC)  # 2026-12-07 03:38 in Beijing
MEETING = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)  # 2026-12-07 04:00 in Beijing


def _org(time_zone: str = "") -> SimpleNamespace:
    return SimpleNamespace(time_zone=time_zone)


def test_the_platform_zone_is_beijing_time() -> None:
    assert timezones.zone_name() == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 12, 6, 16, 0, tzinfo=UTC), date(2026, 12, 7)),
        (ACCEPTED, date(2026, 12, 7)),
        (datetime(2026, 12, 6, 23, 59, 59, tzinfo=UTC), date(2026, 12, 7)),
        (datetime(2026, 12, 6, 15, 59, 59, tzinfo=UTC), date(2026, 12, 6)),
    ],
)
def test_an_instant_after_utc_16_00_is_the_next_day_in_beijing(moment: datetime, day: date) -> None:
    assert local_date(moment) == day
    assert format_date(moment) == day.isoformat()


def test_date_and_time_texts_are_in_the_platform_zone() -> None:
    assert format_datetime(ACCEPTED) == "2026-12-07 03:38"
    assert format_datetime(MEETING) == "2026-12-07 04:00"
    assert format_datetime(ACCEPTED, seconds=True) == "2026-12-07 03:38:00"
    assert format_datetime(date(2026, 12, 7)) == "2026-12-07"
    assert format_date(None) == format_datetime(None) == ""


def test_the_texts_read_the_same_in_both_languages() -> None:
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert format_datetime(MEETING) == "2026-12-07 04:00"


def test_another_zone_is_given_by_name_or_tzinfo() -> None:
    assert format_datetime(ACCEPTED, "Europe/Berlin") == "2026-12-06 20:38"
    assert local(ACCEPTED, "Europe/Berlin").utcoffset() == timedelta(hours=1)
    assert local_date(ACCEPTED, timezones.as_zone("America/New_York")) == date(2026, 12, 6)


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        local(datetime(2026, 12, 6, 19, 38))


def test_a_day_limit_ends_at_the_end_of_the_local_day() -> None:
    end = end_of_day(date(2027, 1, 6))
    assert end.astimezone(UTC) == datetime(2027, 1, 6, 15, 59, 59, 999999, tzinfo=UTC)
    assert format_datetime(end) == "2027-01-06 23:59"


def test_the_zone_label_names_the_zone_and_its_offset() -> None:
    assert zone_label(at=ACCEPTED) == "Asia/Shanghai (UTC+08:00)"
    assert zone_label("Europe/Berlin", at=ACCEPTED) == "Europe/Berlin (UTC+01:00)"
    summer = datetime(2026, 7, 1, 20, 0, tzinfo=UTC)
    assert zone_label("Europe/Berlin", at=summer) == "Europe/Berlin (UTC+02:00)"
    assert zone_label("America/New_York", at=ACCEPTED) == "America/New_York (UTC-05:00)"


def test_an_organisation_without_a_zone_takes_the_platforms() -> None:
    assert timezones.zone_name(zone_of(_org())) == "Asia/Shanghai"
    assert timezones.zone_name(zone_of(None)) == "Asia/Shanghai"
    assert timezones.zone_name(zone_of(_org("Europe/Berlin"))) == "Europe/Berlin"
    # A name written around the model's validation reads in the platform's zone.
    assert timezones.zone_name(zone_of(_org("Mars/Olympus"))) == "Asia/Shanghai"


def test_a_body_text_names_a_zone_other_than_the_platforms() -> None:
    assert format_in_zone_of(MEETING, _org()) == "2026-12-07 04:00"
    assert format_in_zone_of(MEETING, _org("Europe/Berlin")) == "2026-12-06 21:00 (Europe/Berlin)"
    assert format_in_zone_of(MEETING, _org(), with_time=False) == "2026-12-07"
    assert format_in_zone_of(None, _org()) == ""


@pytest.mark.parametrize("name", ["Asia/Shanghai", "Europe/Berlin", "UTC", ""])
def test_iana_names_and_blank_are_valid_time_zones(name: str) -> None:
    validate_time_zone(name)


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "localtime", "../../etc/passwd", "/etc/localtime", "asia/shanghai"]
)
def test_anything_else_is_not_a_time_zone(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_time_zone(name)
    assert caught.value.messages == [str(timezones.UNKNOWN_ZONE) % {"value": name}]


def test_the_error_is_translated() -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_time_zone("Mars/Olympus")
    assert "时区" in caught.value.messages[0] and "Mars/Olympus" in caught.value.messages[0]


def test_an_organisation_keeps_a_valid_zone_and_refuses_an_unknown_one(network: Network) -> None:
    berlin = organisation_create(
        name="柏林分公司伦理委员会",
        kind=OrganisationKind.ETHICS_COMMITTEE,
        parent=network.enterprise_a,
        time_zone="Europe/Berlin",
    )
    assert timezones.zone_name(zone_of(berlin)) == "Europe/Berlin"
    assert network.committee_a.time_zone == ""
    with pytest.raises(ValidationError) as caught:
        organisation_create(
            name="火星委员会", kind=OrganisationKind.ETHICS_COMMITTEE, time_zone="Mars/Olympus"
        )
    assert "time_zone" in caught.value.message_dict


def test_the_admin_edits_an_organisations_zone(network: Network) -> None:
    org = network.committee_a
    data = {
        "name": org.name,
        "name_en": org.name_en,
        "kind": org.kind,
        "parent": org.parent_id,
        "region_code": org.region_code,
        "unified_social_credit_code": "",
    }
    form = OrganisationAdminForm(data={**data, "time_zone": "Mars/Olympus"}, instance=org)
    assert not form.is_valid() and "time_zone" in form.errors
    form = OrganisationAdminForm(data={**data, "time_zone": "Europe/Berlin"}, instance=org)
    assert form.is_valid(), form.errors
    form.save()
    org.refresh_from_db()
    assert org.time_zone == "Europe/Berlin"


def test_the_module_examples_run() -> None:
    result = doctest.testmod(timezones)
    assert result.attempted and not result.failed
