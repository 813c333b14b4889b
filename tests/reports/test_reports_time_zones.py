"""Report dates in the issuing body's zone: the letter's days and zone, the header's zone.

The instants lie between 16:00 and 24:00 UTC, when Beijing time is already the
next day: a day cut from the UTC text would be one day early.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tianping.reports import ReportError, decision_letter_html, render_html
from tianping.reports._decision_letter import decision_letter_context

GENERATED = datetime(2026, 12, 6, 19, 40, tzinfo=UTC)


def _record(body: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "application": {
            "reference": "ER-2026-0C1D2E",
            "title": "信贷评分",
            "kind": "initial",
            "organisation": {"name": "甲企业"},
            "system": {"name": "评分模型"},
            "body": body if body is not None else {"name": "甲企业科技伦理委员会"},
        },
        "procedure": {"procedure": "general", "accepted_at": "2026-12-06T19:38:00+00:00"},
        "decision": {
            "type": "approve",
            "basis": "meeting",
            "decided_at": "2026-12-06T19:39:00+00:00",
            "follow_up_due": "2027-12-07",
        },
        "expert_review": {
            "authority": {"name": "甲省科学技术厅"},
            "preliminary_decision": "approve",
            "opinion": "agree",
            "concluded_at": "2026-12-06T23:10:00+00:00",
        },
    }


def test_the_letter_names_the_days_in_the_zone_it_is_given() -> None:
    letter = decision_letter_context(_record(), time_zone="Asia/Shanghai")["letter"]
    assert letter["accepted_at"] == letter["decided_at"] == "2026-12-07"
    assert letter["expert"]["concluded_at"] == "2026-12-07"
    assert letter["follow_up_due"] == "2027-12-07"  # a day stays that day
    assert letter["time_zone"] == "Asia/Shanghai (UTC+08:00)"


def test_the_letter_takes_the_bodys_zone_from_the_record() -> None:
    body = {"name": "Ethics committee Berlin", "time_zone": "Europe/Berlin"}
    letter = decision_letter_context(_record(body))["letter"]
    assert letter["accepted_at"] == "2026-12-06"
    assert letter["expert"]["concluded_at"] == "2026-12-07"  # 00:10 in Berlin
    assert letter["time_zone"] == "Europe/Berlin (UTC+01:00)"


def test_a_record_without_a_zone_keeps_each_date_as_written() -> None:
    letter = decision_letter_context(_record())["letter"]
    assert letter["accepted_at"] == "2026-12-06" and letter["time_zone"] is None


def test_an_unknown_zone_is_a_report_error() -> None:
    with pytest.raises(ReportError, match="Mars/Olympus"):
        decision_letter_context(_record(), time_zone="Mars/Olympus")


def test_the_letter_prints_its_zone_and_its_header_in_that_zone() -> None:
    html = decision_letter_html(
        record=_record(), language="both", generated_at=GENERATED, time_zone="Asia/Shanghai"
    )
    assert "日期所用时区" in html and "Dates in time zone" in html
    assert "Asia/Shanghai (UTC+08:00)" in html
    assert "2026-12-07 03:40 Asia/Shanghai (UTC+08:00)" in html


def test_a_header_in_a_named_zone_prints_the_zone_and_its_offset() -> None:
    at = GENERATED.astimezone(ZoneInfo("Asia/Shanghai"))
    html = render_html("base.html", {}, language="en", generated_at=at)
    assert "Generated 2026-12-07 03:40 Asia/Shanghai (UTC+08:00)" in html
    assert "Generated 2026-12-06 19:40 UTC" in render_html(
        "base.html", {}, language="en", generated_at=GENERATED
    )
