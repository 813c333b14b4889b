"""After the decision: follow-ups, reminders, risk changes, resubmissions, suspension."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation

from tests.web.reviews.factories import ReviewNetwork, make_application
from tianping import review as lib
from tianping.web.core.models import Notification
from tianping.web.reviews import library, timeline
from tianping.web.reviews.aftercare import selectors as aftercare_selectors
from tianping.web.reviews.aftercare import services as aftercare_services
from tianping.web.reviews.applications.services import decision_record
from tianping.web.reviews.models import (
    Application,
    Attachment,
    FollowUp,
)


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


def decide(
    reviews: ReviewNetwork, app: Application, decision: str = "approve", **kw: object
) -> Application:
    with transaction.atomic():
        locked = timeline.locked(app.pk)
        decision_record(locked, actor=reviews.net.chair_a, decision=decision, basis="meeting", **kw)  # type: ignore[arg-type]
    app.refresh_from_db()
    return app


def approved(reviews: ReviewNetwork, **extra: object) -> Application:
    app = make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
        listed_activity=False,
        **extra,
    )
    return decide(reviews, app)


# --- follow-up intervals: follow_up.interval_months / listed_interval_months ---------------


def test_follow_up_due_twelve_months_after_approval(reviews: ReviewNetwork) -> None:
    """follow_up.interval_months: at most 12 months (Measures 2023 Art. 18)."""
    app = approved(reviews)
    follow_up = FollowUp.objects.get(application=app)
    rules = library.rules_for(reviews.committee)
    # The interval counts from the day of the decision in the body's zone (Beijing time).
    decided_on = timezone.localdate(app.decided_at)
    expected = lib.follow_up_due(decided_on, listed_activity=False, rules=rules).due
    assert follow_up.due_on == expected == app.follow_up_due
    months = (expected.year - decided_on.year) * 12 + expected.month - decided_on.month
    assert months == rules.count("follow_up.interval_months") == 12


def test_follow_up_due_six_months_for_a_listed_activity(reviews: ReviewNetwork) -> None:
    """follow_up.listed_interval_months: at most 6 months for listed activities (Art. 32)."""
    app = make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status=Application.Status.EXPERT_REVIEW,
        listed_activity=True,
    )
    with transaction.atomic():
        decision_record(timeline.locked(app.pk), actor=None, decision="approve", basis="expert")
    app.refresh_from_db()
    due = FollowUp.objects.get(application=app).due_on
    decided_on = timezone.localdate(app.decided_at)
    months = (due.year - decided_on.year) * 12 + due.month - decided_on.month
    assert (
        months
        == library.rules_for(reviews.committee).count("follow_up.listed_interval_months")
        == 6
    )


# --- reminders -----------------------------------------------------------------------------


def test_reminders_at_most_once_a_week(reviews: ReviewNetwork) -> None:
    app = approved(reviews)
    follow_up = FollowUp.objects.get(application=app)
    today = timezone.localdate()
    follow_up.due_on = today + timedelta(days=10)
    follow_up.save()
    assert (
        aftercare_services.follow_up_remind(today - timedelta(days=30)) == 0
    )  # not yet in the window
    assert aftercare_services.follow_up_remind(today) == 1
    notes = Notification.objects.about(app).filter(message__contains="is due on")
    assert {n.user.username for n in notes} >= {"applicant_a", "chair_a"}
    assert aftercare_services.follow_up_remind(today) == 0
    assert aftercare_services.follow_up_remind(today + timedelta(days=6)) == 0
    assert aftercare_services.follow_up_remind(today + timedelta(days=7)) == 1
    assert app.events.filter(kind="follow_up_reminded").count() == 2


def test_overdue_follow_up_is_reminded_as_overdue(reviews: ReviewNetwork) -> None:
    app = approved(reviews)
    FollowUp.objects.filter(application=app).update(due_on=timezone.localdate() - timedelta(days=3))
    assert aftercare_services.follow_up_remind() == 1
    assert Notification.objects.about(app).filter(message__contains="overdue").exists()


def test_terminated_or_reported_follow_ups_are_not_reminded(reviews: ReviewNetwork) -> None:
    app = approved(reviews)
    FollowUp.objects.filter(application=app).update(due_on=timezone.localdate())
    aftercare_services.follow_up_report(
        actor=reviews.net.applicant_a, follow_up=FollowUp.objects.get(application=app), report="ok"
    )
    other = approved(reviews)
    FollowUp.objects.filter(application=other).update(due_on=timezone.localdate())
    aftercare_services.activity_terminate(
        actor=reviews.net.chair_a, application=other, reason="Stopped"
    )
    assert list(aftercare_selectors.follow_ups_due()) == []
    assert aftercare_services.follow_up_remind() == 0


def test_management_command_prints_the_count(reviews: ReviewNetwork) -> None:
    app = approved(reviews)
    FollowUp.objects.filter(application=app).update(due_on=timezone.localdate())
    out = StringIO()
    call_command("review_reminders", stdout=out)
    assert "1" in out.getvalue()


# --- follow-up report ----------------------------------------------------------------------


def test_follow_up_report_opens_a_follow_up_review(reviews: ReviewNetwork) -> None:
    app = approved(reviews, team=["Li Lei"], parties=["Fund X"], self_assessment={"a": 1})
    Attachment.objects.create(application=app, kind="plan", name="plan.pdf", size=3, data=b"abc")
    follow_up = FollowUp.objects.get(application=app)
    later = aftercare_services.follow_up_report(
        actor=reviews.net.applicant_a, follow_up=follow_up, report="All controls in place."
    )
    assert later.kind == Application.Kind.FOLLOW_UP
    assert later.previous == app and later.status == Application.Status.SUBMITTED
    assert (later.system, later.organisation, later.body) == (
        app.system,
        app.organisation,
        app.body,
    )
    assert later.title == app.title and later.submitted_by == reviews.net.applicant_a
    assert later.self_assessment == {"a": 1, "report": "All controls in place."}
    assert bytes(later.attachments.get().data) == b"abc"
    follow_up.refresh_from_db()
    assert follow_up.review == later and follow_up.report == "All controls in place."
    assert app.events.filter(kind="follow_up_reported").exists()
    assert later.events.filter(kind="submitted").exists()
    assert Notification.objects.about(later).filter(user=reviews.net.chair_a).exists()
    with pytest.raises(ValidationError):  # reported twice
        aftercare_services.follow_up_report(
            actor=reviews.net.applicant_a, follow_up=follow_up, report="Again"
        )


def test_approved_follow_up_review_schedules_the_next(reviews: ReviewNetwork) -> None:
    app = approved(reviews)
    later = aftercare_services.follow_up_report(
        actor=reviews.net.applicant_a,
        follow_up=FollowUp.objects.get(application=app),
        report="Fine",
    )
    Application.objects.filter(pk=later.pk).update(
        status=Application.Status.UNDER_REVIEW, procedure="simplified"
    )
    later = decide(reviews, later)
    assert FollowUp.objects.filter(application=later, kind="scheduled").count() == 1


def test_follow_up_report_permissions_and_input(reviews: ReviewNetwork) -> None:
    app = approved(reviews)
    follow_up = FollowUp.objects.get(application=app)
    for intruder in (reviews.net.chair_a, reviews.net.applicant_b, reviews.net.outsider):
        with pytest.raises(PermissionDenied):
            aftercare_services.follow_up_report(actor=intruder, follow_up=follow_up, report="x")
    for bad in ("", "  ", "a\x00b", "x" * 10001, 42):
        with pytest.raises(ValidationError):
            aftercare_services.follow_up_report(
                actor=reviews.net.applicant_a,
                follow_up=follow_up,
                report=bad,  # type: ignore[arg-type]
            )
    with pytest.raises(ValidationError):  # stale page
        aftercare_services.follow_up_report(
            actor=reviews.net.applicant_a,
            follow_up=follow_up,
            report="ok",
            expected_version=app.version - 1,
        )
    assert app.later.count() == 0


# --- risk change ---------------------------------------------------------------------------


def test_risk_change_reopens_review(reviews: ReviewNetwork) -> None:
    app = approved(reviews)
    later = aftercare_services.risk_change_report(
        actor=reviews.net.applicant_a, application=app, report="Now used on minors."
    )
    assert later.kind == Application.Kind.RISK_CHANGE
    assert later.status == Application.Status.SUBMITTED and later.is_open
    assert later.previous == app
    fu = FollowUp.objects.get(application=app, kind="risk_change")
    assert fu.review == later and fu.report == "Now used on minors."
    assert Notification.objects.about(later).filter(user=reviews.net.chair_a).exists()
    with pytest.raises(ValidationError, match="already open"):  # double submit
        aftercare_services.risk_change_report(
            actor=reviews.net.applicant_a, application=app, report="x"
        )
    assert app.later.count() == 1


def test_risk_change_only_for_an_approved_activity(reviews: ReviewNetwork) -> None:
    refused = make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
        listed_activity=False,
    )
    refused = decide(reviews, refused, "not_approve", reasons=["Unsafe"])
    with pytest.raises(ValidationError):
        aftercare_services.risk_change_report(
            actor=reviews.net.applicant_a, application=refused, report="x"
        )
    with pytest.raises(PermissionDenied):
        aftercare_services.risk_change_report(
            actor=reviews.net.chair_a, application=refused, report="x"
        )


# --- resubmission --------------------------------------------------------------------------


def test_resubmission_copies_the_application(reviews: ReviewNetwork) -> None:
    app = make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
        listed_activity=False,
        summary="Summary",
        team=["Han Meimei"],
        parties=["Fund Y"],
        self_assessment={"q": "a"},
    )
    Attachment.objects.create(
        application=app, kind="plan", name="p.pdf", size=4, sha256="d" * 64, data=b"\x00\x01ab"
    )
    with pytest.raises(ValidationError):  # not decided yet
        aftercare_services.resubmission_create(actor=reviews.net.applicant_a, application=app)
    app = decide(reviews, app, "re_review_after_modification", required_changes=["Fix consent"])
    draft = aftercare_services.resubmission_create(actor=reviews.net.applicant_a, application=app)
    assert draft.kind == Application.Kind.RESUBMISSION and draft.status == "draft"
    assert draft.previous == app
    assert (draft.title, draft.summary, draft.team, draft.parties, draft.self_assessment) == (
        app.title,
        "Summary",
        ["Han Meimei"],
        ["Fund Y"],
        {"q": "a"},
    )
    copy = draft.attachments.get()
    assert bytes(copy.data) == b"\x00\x01ab" and copy.sha256 == "d" * 64
    with pytest.raises(ValidationError, match="already exists"):
        aftercare_services.resubmission_create(actor=reviews.net.applicant_a, application=app)
    with pytest.raises(PermissionDenied):
        aftercare_services.resubmission_create(actor=reviews.net.chair_a, application=app)


def test_no_resubmission_of_an_approval(reviews: ReviewNetwork) -> None:
    with pytest.raises(ValidationError):
        aftercare_services.resubmission_create(
            actor=reviews.net.applicant_a, application=approved(reviews)
        )


# --- suspension and termination ------------------------------------------------------------


def test_suspend_needs_a_reason_and_the_chair(reviews: ReviewNetwork) -> None:
    app = approved(reviews)
    for bad in ("", "   ", None, "\x00", "r" * 2001):
        with pytest.raises(ValidationError):
            aftercare_services.activity_suspend(
                actor=reviews.net.chair_a, application=app, reason=bad
            )  # type: ignore[arg-type]
    for intruder in (reviews.net.applicant_a, reviews.user("member_ai"), reviews.chair_c):
        with pytest.raises(PermissionDenied):
            aftercare_services.activity_suspend(actor=intruder, application=app, reason="Incident")
    app.refresh_from_db()
    assert app.status == Application.Status.DECIDED


def test_suspend_resume_terminate(reviews: ReviewNetwork) -> None:
    app = approved(reviews)
    with pytest.raises(ValidationError):
        aftercare_services.activity_resume(actor=reviews.net.chair_a, application=app, reason="x")
    app = aftercare_services.activity_suspend(
        actor=reviews.net.chair_a, application=app, reason="Incident under investigation"
    )
    assert app.status == Application.Status.SUSPENDED
    assert aftercare_selectors.status_reason(app)["reason"] == "Incident under investigation"
    event = app.events.get(kind="activity_suspended")
    assert "Incident" not in str(event.payload)  # the ledger holds a digest, not the text
    assert Notification.objects.filter(
        user=reviews.net.applicant_a, message__contains="suspended"
    ).exists()
    with pytest.raises(ValidationError):
        aftercare_services.activity_suspend(
            actor=reviews.net.chair_a, application=app, reason="again"
        )
    app = aftercare_services.activity_resume(
        actor=reviews.net.chair_a, application=app, reason="Fixed"
    )
    assert app.status == Application.Status.DECIDED
    app = aftercare_services.activity_terminate(
        actor=reviews.net.chair_a, application=app, reason="End"
    )
    assert app.status == Application.Status.TERMINATED


def test_terminate_is_final(reviews: ReviewNetwork) -> None:
    app = approved(reviews)
    app = aftercare_services.activity_suspend(
        actor=reviews.net.chair_a, application=app, reason="A"
    )
    app = aftercare_services.activity_terminate(
        actor=reviews.net.chair_a, application=app, reason="B"
    )
    for action in (
        aftercare_services.activity_suspend,
        aftercare_services.activity_resume,
        aftercare_services.activity_terminate,
    ):
        with pytest.raises(ValidationError):
            action(actor=reviews.net.chair_a, application=app, reason="C")
    with pytest.raises(ValidationError):
        aftercare_services.risk_change_report(
            actor=reviews.net.applicant_a, application=app, report="x"
        )
    app.refresh_from_db()
    assert app.status == Application.Status.TERMINATED


def test_only_approved_activities_are_suspended(reviews: ReviewNetwork) -> None:
    app = make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
        listed_activity=False,
    )
    with pytest.raises(ValidationError):
        aftercare_services.activity_suspend(actor=reviews.net.chair_a, application=app, reason="x")
    app = decide(reviews, app, "not_approve", reasons=["No"])
    with pytest.raises(ValidationError):
        aftercare_services.activity_terminate(
            actor=reviews.net.chair_a, application=app, reason="x"
        )


def test_suspend_with_a_stale_version_changes_nothing(reviews: ReviewNetwork) -> None:
    app = approved(reviews)
    with pytest.raises(ValidationError, match="changed this application"):
        aftercare_services.activity_suspend(
            actor=reviews.net.chair_a,
            application=app,
            reason="x",
            expected_version=app.version + 1,
        )
    app.refresh_from_db()
    assert app.status == Application.Status.DECIDED
