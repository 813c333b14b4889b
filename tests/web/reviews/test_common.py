"""The shared review services: rules, routing, timeline and ledger, notifications, decisions."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import translation

from tests.web.reviews.factories import ReviewNetwork, make_application
from tianping import review as lib
from tianping.web.core import notifications
from tianping.web.core.models import Notification
from tianping.web.operations.models import PlatformAction
from tianping.web.reviews import library, timeline
from tianping.web.reviews.applications.selectors import application_get
from tianping.web.reviews.applications.services import decision_record
from tianping.web.reviews.bodies.selectors import competent_authority, route
from tianping.web.reviews.models import Application, ExpertReview, FollowUp
from tianping.web.reviews.notifications import services as notifications_services


def test_fixture_committee_composition_passes_the_national_rules(reviews: ReviewNetwork) -> None:
    committee = library.library_committee(reviews.committee)
    result = lib.check_composition(
        committee, rules=library.rules_for(reviews.committee), on=date(2026, 11, 22)
    )
    assert result.ok, [f.describe("en") for f in result.findings]
    consultant = committee.member(reviews.members["consultant_a"].ref)
    assert consultant is not None and consultant.is_consultant


def test_routing_own_committee_else_entrusted_centre(reviews: ReviewNetwork) -> None:
    net = reviews.net
    assert route(net.enterprise_a) == (reviews.committee, None)
    assert route(net.enterprise_b) == (reviews.centre, reviews.entrustment)
    reviews.entrustment.revoked_at = reviews.entrustment.created_at
    reviews.entrustment.save()
    assert route(net.enterprise_b) == (None, None)


def test_competent_authority_is_the_provincial_regulator(reviews: ReviewNetwork) -> None:
    assert competent_authority(reviews.net.enterprise_a) == reviews.net.province_a
    assert competent_authority(reviews.net.city_a) == reviews.net.province_a
    assert competent_authority(reviews.net.province_a) == reviews.net.central


def test_record_appends_to_timeline_and_ledger(reviews: ReviewNetwork) -> None:
    app = make_application(
        system=reviews.net.system_a, body=reviews.committee, applicant=reviews.net.applicant_a
    )
    with transaction.atomic():
        event = timeline.record(
            app, actor=reviews.net.applicant_a, kind="submitted", payload={"n": 1}
        )
    action = PlatformAction.objects.get(idx=event.ledger_index)
    assert action.kind == "review.submitted"
    assert action.subject == f"reviews.application:{app.pk}"
    assert event.payload == {"application": app.reference, "n": 1}


def test_notify_in_app_and_by_mail_after_commit(reviews: ReviewNetwork) -> None:
    user = reviews.net.applicant_a
    with transaction.atomic():
        count = notifications_services.notify(
            [user, user, None],
            message="Decision on {reference}: {decision}.",
            params={"reference": "ER-1", "decision": "approve"},
        )
    assert count == 1
    note = Notification.objects.get(user=user)
    assert note.target is None
    with translation.override("en"):
        text = notifications.render_notification(note.message, note.params)
    assert text == "Decision on ER-1: Approve."  # the decision's code reads as its label
    with translation.override("zh-hans"):
        assert notifications.notification_text(note) == "ER-1 的审查决定：同意。"


@pytest.mark.django_db(transaction=True)
def test_notification_mail_is_sent_on_commit(reviews: ReviewNetwork) -> None:
    mail.outbox.clear()
    with transaction.atomic():
        notifications_services.notify(
            [reviews.net.applicant_a], message="Hello {x}", params={"x": "1"}
        )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["applicant_a@example.invalid"]


def test_locked_refuses_a_stale_version(reviews: ReviewNetwork) -> None:
    app = make_application(
        system=reviews.net.system_a, body=reviews.committee, applicant=reviews.net.applicant_a
    )
    with pytest.raises(ValidationError), transaction.atomic():
        timeline.locked(app.pk, expected_version=app.version + 1)


def _under_review(reviews: ReviewNetwork, **extra: object) -> Application:
    return make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
        **extra,
    )


def test_decision_approve_schedules_follow_up_within_twelve_months(reviews: ReviewNetwork) -> None:
    app = _under_review(reviews)
    with transaction.atomic():
        decision_record(
            timeline.locked(app.pk), actor=reviews.net.chair_a, decision="approve", basis="meeting"
        )
    app.refresh_from_db()
    assert app.status == "decided" and app.decision == "approve"
    assert app.follow_up_due is not None
    assert app.decided_at is not None
    months = (app.follow_up_due.year - app.decided_at.year) * 12 + (
        app.follow_up_due.month - app.decided_at.month
    )
    assert months == 12  # follow_up.interval_months (Measures 2023 Art. 24)
    assert FollowUp.objects.filter(application=app, kind="scheduled").count() == 1
    assert app.events.filter(kind="decided").count() == 1
    assert Notification.objects.about(app).filter(user=reviews.net.applicant_a).exists()


def test_decision_not_approve_needs_reasons_and_changes_nothing(reviews: ReviewNetwork) -> None:
    app = _under_review(reviews)
    with pytest.raises(ValidationError) as info, transaction.atomic():
        decision_record(
            timeline.locked(app.pk),
            actor=reviews.net.chair_a,
            decision="not_approve",
            basis="meeting",
        )
    assert "decision" in info.value.message_dict
    app.refresh_from_db()
    assert app.status == "under_review" and app.events.count() == 0


def test_decision_twice_is_refused(reviews: ReviewNetwork) -> None:
    app = _under_review(reviews)
    with transaction.atomic():
        decision_record(timeline.locked(app.pk), actor=None, decision="approve", basis="meeting")
    with pytest.raises(ValidationError), transaction.atomic():
        decision_record(timeline.locked(app.pk), actor=None, decision="approve", basis="meeting")
    assert Application.objects.get(pk=app.pk).events.filter(kind="decided").count() == 1


def test_listed_activity_approval_goes_to_expert_review(reviews: ReviewNetwork) -> None:
    app = _under_review(reviews, listed_activity=True)
    with transaction.atomic():
        decision_record(
            timeline.locked(app.pk), actor=reviews.net.chair_a, decision="approve", basis="meeting"
        )
    app.refresh_from_db()
    assert app.status == "expert_review" and app.decision == ""
    review = ExpertReview.objects.get(application=app)
    assert review.authority == reviews.net.province_a
    assert review.due_at is not None


def test_visibility_of_an_application(reviews: ReviewNetwork) -> None:
    net = reviews.net
    app = make_application(system=net.system_b, body=reviews.centre, applicant=net.applicant_b)
    for user in (
        net.applicant_b,
        reviews.chair_c,
        reviews.user("centre_1"),
        net.regulator_province_b,
        net.regulator_central,
    ):
        assert application_get(user, app.pk) == app
    for user in (
        net.applicant_a,
        net.chair_a,
        reviews.user("member_ai"),
        net.outsider,
        net.regulator_province_a,
    ):
        with pytest.raises(Http404):
            application_get(user, app.pk)
