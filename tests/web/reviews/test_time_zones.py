"""Review dates across the UTC midnight boundary: the day a person reads is the body's day.

Every instant here lies between 16:00 and 24:00 UTC (00:00–08:00 the next day in
Beijing time): a letter, an agenda notice or a deadline built from the UTC value
would name the day before.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone, translation
from pypdf import PdfReader

from tests.web.reviews.factories import ReviewNetwork, make_application
from tests.web.reviews.test_records_services import decided_application
from tianping import review as lib
from tianping.web.core.models import Notification
from tianping.web.core.notifications import notification_text
from tianping.web.reviews import library, timeline
from tianping.web.reviews.applications import services as applications_services
from tianping.web.reviews.meetings import services as meetings_services
from tianping.web.reviews.models import Application, DecisionLetterJob, Meeting
from tianping.web.reviews.records import services as records_services

ACCEPTED = datetime(2026, 12, 6, 19, 38, tzinfo=UTC)  # 2026-12-07 03:38 in Beijing
DECIDED = datetime(2026, 12, 6, 19, 39, tzinfo=UTC)  # 2026-12-07 03:39 in Beijing
MEETING = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)  # 2026-12-07 04:00 in Beijing
BEIJING = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")

Freeze = Callable[[datetime], None]


@pytest.fixture
def freeze(monkeypatch: pytest.MonkeyPatch) -> Freeze:
    """``freeze(instant)``: from now on the platform's clock reads ``instant``."""

    def _freeze(instant: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return _freeze


def _berlin(reviews: ReviewNetwork) -> None:
    org = reviews.committee.organisation
    org.time_zone = "Europe/Berlin"
    org.save(update_fields=["time_zone"])


def _letter_text(reviews: ReviewNetwork, app: Application) -> str:
    Application.objects.filter(pk=app.pk).update(accepted_at=ACCEPTED, decided_at=DECIDED)
    job = records_services.letter_job_start(
        actor=reviews.net.applicant_a, application=app, language="zh-Hans"
    )
    records_services.letter_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == DecisionLetterJob.Status.DONE, job.message
    pages = PdfReader(io.BytesIO(bytes(job.pdf))).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_letter_names_the_beijing_day_and_prints_the_zone(reviews: ReviewNetwork) -> None:
    text = _letter_text(reviews, decided_application(reviews))
    assert re.search(r"受理时间 ?2026-12-07", text), text
    assert re.search(r"决定时间 ?2026-12-07", text), text
    assert "Asia/Shanghai (UTC+08:00)" in text


def test_a_body_with_its_own_zone_prints_its_day_and_zone(reviews: ReviewNetwork) -> None:
    _berlin(reviews)
    text = _letter_text(reviews, decided_application(reviews))
    assert re.search(r"受理时间 ?2026-12-06", text), text
    assert re.search(r"决定时间 ?2026-12-06", text), text
    assert "Europe/Berlin (UTC+01:00)" in text


def _agenda_notice(reviews: ReviewNetwork) -> str:
    app = make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
        procedure="general",
    )
    meeting = Meeting.objects.create(
        body=reviews.committee, scheduled_for=MEETING, created_by=reviews.net.chair_a
    )
    meetings_services.agenda_add(actor=reviews.net.chair_a, meeting=meeting, application=app)
    member = reviews.user("member_ai")
    note = Notification.objects.about(app).get(user=member)
    with translation.override("en"):
        return notification_text(note)


def test_a_meeting_after_utc_midnight_is_announced_on_its_beijing_date(
    reviews: ReviewNetwork,
) -> None:
    text = _agenda_notice(reviews)
    assert "on the agenda of the meeting of 2026-12-07 04:00." in text


def test_a_body_with_its_own_zone_announces_its_meeting_in_that_zone(
    reviews: ReviewNetwork,
) -> None:
    _berlin(reviews)
    text = _agenda_notice(reviews)
    assert "on the agenda of the meeting of 2026-12-06 21:00 (Europe/Berlin)." in text


def _decide(reviews: ReviewNetwork, *, listed_activity: bool) -> Application:
    app = make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
        listed_activity=listed_activity,
    )
    with transaction.atomic():
        applications_services.decision_record(
            timeline.locked(app.pk), actor=reviews.net.chair_a, decision="approve", basis="meeting"
        )
    app.refresh_from_db()
    return app


def test_the_expert_re_review_deadline_ends_at_the_end_of_a_beijing_day(
    reviews: ReviewNetwork, freeze: Freeze
) -> None:
    freeze(DECIDED)
    app = _decide(reviews, listed_activity=True)
    review = app.expert_review
    days = library.rules_for(app.body).count("expert_review.deadline_days")
    due = review.due_at.astimezone(BEIJING)
    assert due.date() == date(2026, 12, 7) + timedelta(days=days)
    assert due.time() == time.max  # 23:59:59.999999 Beijing time, not 07:59 the next morning


def test_the_follow_up_counts_from_the_beijing_day_of_the_decision(
    reviews: ReviewNetwork, freeze: Freeze
) -> None:
    freeze(DECIDED)
    app = _decide(reviews, listed_activity=False)
    rules = library.rules_for(app.body)
    expected = lib.follow_up_due(date(2026, 12, 7), listed_activity=False, rules=rules).due
    assert app.follow_up_due == expected
    assert app.follow_ups.get().due_on == expected


def test_the_decision_deadline_follows_the_calendar_of_the_bodys_zone(
    reviews: ReviewNetwork, freeze: Freeze
) -> None:
    _berlin(reviews)
    freeze(ACCEPTED)  # 2026-12-06 20:38 in Berlin, already 2026-12-07 in Beijing
    app = make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status=Application.Status.SUBMITTED,
    )
    app = applications_services.application_accept(
        actor=reviews.net.chair_a,
        application=app,
        procedure="general",
        expected_version=app.version,
    )
    days = library.rules_for(app.body).count("decision.deadline_days")
    due = app.due_at.astimezone(BERLIN)
    assert due.date() == date(2026, 12, 6) + timedelta(days=days)
    assert due.time() == time.max
    note = Notification.objects.about(app).filter(user=reviews.net.applicant_a).get()
    assert note.params["due"] == f"{due:%Y-%m-%d} 23:59 (Europe/Berlin)"
