"""Real races on PostgreSQL: two threads, two connections, one row lock.

SQLite serialises every write of the test database, so these run against
PostgreSQL only (``make test`` runs the web tests there too); the
single-connection versions of the same refusals are in the service tests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tests.web.reviews.factories import ReviewNetwork, make_application
from tests.web.reviews.test_applications_services import complete_bundle, draft
from tianping.web.reviews.applications import services as applications_services
from tianping.web.reviews.meetings import services as meetings_services
from tianping.web.reviews.models import Application, ReviewEvent, Vote

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks across connections: PostgreSQL"
    ),
]


def _together(first: Callable[[], object], second: Callable[[], object]) -> list[str]:
    """Run both at once (a barrier releases them together); ``ok`` or the refusal's class."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait(5)
            action()
            result = "ok"
        except ValidationError:
            result = "refused"
        except Exception as exc:  # anything else is a failure of the test
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(a,)) for a in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(outcomes)


def test_two_simultaneous_votes_of_one_member_leave_one_vote(reviews: ReviewNetwork) -> None:
    assert connection.vendor == "postgresql"
    app = make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status="under_review",
        procedure="general",
    )
    chair = reviews.net.chair_a
    # A meeting that is due (it cannot be held before its time) and members who have declared.
    meeting = meetings_services.meeting_create(
        actor=chair, body=reviews.committee, scheduled_for=timezone.now() - timedelta(minutes=1)
    )
    item = meetings_services.agenda_add(actor=chair, meeting=meeting, application=app)
    meetings_services.attendance_set(
        actor=chair, meeting=meeting, present_member_ids=[m.pk for m in reviews.members.values()]
    )
    for member in reviews.members.values():
        meetings_services.declaration_submit(
            actor=member.user or chair,
            application=app,
            has_conflict=False,
            member=None if member.user else member,
        )
    item = meetings_services.voting_open(actor=chair, item=item)
    voter = reviews.user("member_law")

    outcomes = _together(
        lambda: meetings_services.vote_cast(actor=voter, item=item, choice="approve"),
        lambda: meetings_services.vote_cast(actor=voter, item=item, choice="not_approve"),
    )

    assert outcomes == ["ok", "refused"]
    assert Vote.objects.filter(item=item, member=reviews.members["member_law"]).count() == 1
    assert ReviewEvent.objects.filter(application=app, kind="vote_cast").count() == 1


def test_two_simultaneous_submissions_submit_once(reviews: ReviewNetwork) -> None:
    assert connection.vendor == "postgresql"
    app = complete_bundle(draft(reviews), reviews.net.applicant_a)
    version = app.version
    applicant = reviews.net.applicant_a

    def submit() -> object:
        return applications_services.application_submit(
            actor=applicant, application=app, expected_version=version
        )

    outcomes = _together(submit, submit)

    assert outcomes == ["ok", "refused"]
    app = Application.objects.get(pk=app.pk)
    assert app.status == "submitted" and app.version == version + 1
    assert ReviewEvent.objects.filter(application=app, kind="submitted").count() == 1
