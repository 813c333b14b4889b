"""The simplified procedure: naming reviewers, opinions, decision or escalation to a meeting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tests.web.reviews.factories import ReviewNetwork, make_application
from tianping.web.core.models import Notification
from tianping.web.reviews.meetings import selectors as meetings_selectors
from tianping.web.reviews.meetings import services as meetings_services
from tianping.web.reviews.models import (
    Application,
    Declaration,
    ReviewEvent,
    SimplifiedOpinion,
)

A, B = "member_ai", "member_law"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English (the platform's default language is Chinese)."""
    with translation.override("en"):
        yield


def _app(reviews: ReviewNetwork, **extra: object) -> Application:
    return make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status="under_review",
        procedure="simplified",
        **extra,  # type: ignore[arg-type]
    )


def _named(reviews: ReviewNetwork, *usernames: str, **extra: object) -> Application:
    app = _app(reviews, **extra)
    meetings_services.reviewers_name(
        actor=reviews.net.chair_a,
        application=app,
        member_ids=[reviews.members[u].pk for u in usernames or (A, B)],
    )
    return app


def _declare(reviews: ReviewNetwork, app: Application, username: str) -> None:
    """``username`` declares no conflict on ``app`` (once), as a reviewer does before an opinion."""
    member = reviews.members[username]
    if not meetings_selectors.has_declared(member, app):
        meetings_services.declaration_submit(
            actor=reviews.user(username), application=app, has_conflict=False
        )


def _give(reviews: ReviewNetwork, app: Application, username: str, view: str, **kw: object) -> None:
    _declare(reviews, app, username)
    meetings_services.opinion_give(actor=reviews.user(username), application=app, view=view, **kw)  # type: ignore[arg-type]


def test_too_few_reviewers_refused(reviews: ReviewNetwork) -> None:
    """simplified.min_reviewers (Measures 2023, simplified procedure): at least two."""
    app = _app(reviews)
    with pytest.raises(ValidationError) as exc:
        meetings_services.reviewers_name(
            actor=reviews.net.chair_a, application=app, member_ids=[reviews.members[A].pk]
        )
    assert "member_ids" in exc.value.message_dict
    assert not SimplifiedOpinion.objects.exists()


def test_consultant_recused_and_unknown_cannot_be_named(reviews: ReviewNetwork) -> None:
    """Consultants do not review; conflict.recusal_grounds: recused members neither."""
    app = _app(reviews)
    Declaration.objects.create(
        application=app, member=reviews.members[B], has_conflict=True, recused=True
    )
    for ids in (
        [reviews.members[A].pk, reviews.members["consultant_a"].pk],
        [reviews.members[A].pk, reviews.members[B].pk],
        [reviews.members[A].pk, reviews.centre_members["centre_1"].pk],
        [reviews.members[A].pk, reviews.members[A].pk],
        "1,2",
        [True, False],
    ):
        with pytest.raises(ValidationError):
            meetings_services.reviewers_name(
                actor=reviews.net.chair_a, application=app, member_ids=ids
            )
    assert not SimplifiedOpinion.objects.exists()


def test_only_the_chair_names(reviews: ReviewNetwork) -> None:
    app = _app(reviews)
    with pytest.raises(PermissionDenied):
        meetings_services.reviewers_name(
            actor=reviews.user(A),
            application=app,
            member_ids=[reviews.members[A].pk, reviews.members[B].pk],
        )


def test_not_on_simplified_procedure_refused(reviews: ReviewNetwork) -> None:
    app = _app(reviews)
    app.procedure = "general"
    app.save()
    with pytest.raises(ValidationError):
        meetings_services.reviewers_name(
            actor=reviews.net.chair_a,
            application=app,
            member_ids=[reviews.members[A].pk, reviews.members[B].pk],
        )


def test_all_concur_on_approve_decides(reviews: ReviewNetwork) -> None:
    app = _named(reviews)
    _give(reviews, app, A, "approve")
    app.refresh_from_db()
    assert app.status == Application.Status.UNDER_REVIEW
    assert meetings_selectors.state(app)["status"] == "awaiting_opinions"
    _give(reviews, app, B, "approve")
    app.refresh_from_db()
    assert app.status == Application.Status.DECIDED
    assert app.decision == "approve" and app.decision_basis == "simplified"


def test_concur_on_modification_takes_changes_from_comments(reviews: ReviewNetwork) -> None:
    """decision.reasons_required: the required changes come from the opinions' comments."""
    app = _named(reviews)
    _give(reviews, app, A, "approve_after_modification", comment="Add an opt-out")
    _give(reviews, app, B, "approve_after_modification")
    app.refresh_from_db()
    assert app.decision == "approve_after_modification"
    assert app.required_changes == ["Add an opt-out"]


def test_concur_without_changes_awaits_the_chair(reviews: ReviewNetwork) -> None:
    """decision.reasons_required: no comment gave the changes → the chair concludes."""
    app = _named(reviews)
    _give(reviews, app, A, "approve_after_modification")
    _give(reviews, app, B, "approve_after_modification")
    app.refresh_from_db()
    assert app.status == Application.Status.UNDER_REVIEW
    assert meetings_selectors.state(app)["status"] == "awaiting_chair"
    assert ReviewEvent.objects.filter(application=app, kind="simplified_concurred").exists()
    with pytest.raises(PermissionDenied):
        meetings_services.simplified_conclude(
            actor=reviews.user(A), application=app, required_changes=["x"]
        )
    with pytest.raises(ValidationError):
        meetings_services.simplified_conclude(actor=reviews.net.chair_a, application=app)
    meetings_services.simplified_conclude(
        actor=reviews.net.chair_a, application=app, required_changes=["Publish the audit"]
    )
    app.refresh_from_db()
    assert app.decision == "approve_after_modification"
    assert app.required_changes == ["Publish the audit"]


def test_conclude_refused_while_awaiting_opinions(reviews: ReviewNetwork) -> None:
    app = _named(reviews)
    _give(reviews, app, A, "approve")
    with pytest.raises(ValidationError):
        meetings_services.simplified_conclude(actor=reviews.net.chair_a, application=app)


@pytest.mark.parametrize(
    ("views", "kw", "trigger"),
    [
        (("not_approve", "not_approve"), {}, "negative_view"),
        (("re_review_after_modification", "approve"), {}, "negative_view"),
        (("approve", "approve"), {"doubt": True}, "doubt"),
        (("approve", "approve_after_modification"), {}, "disagreement"),
        (("approve", "approve"), {"requests_meeting": True}, "meeting_requested"),
    ],
)
def test_escalation_on_each_trigger(
    reviews: ReviewNetwork, views: tuple[str, str], kw: dict[str, bool], trigger: str
) -> None:
    """simplified.escalation + simplified.negative_views (Measures 2023, simplified procedure)."""
    app = _named(reviews)
    _give(reviews, app, A, views[0], **kw)
    app.refresh_from_db()
    if app.procedure == "simplified":
        _give(reviews, app, B, views[1])
        app.refresh_from_db()
    assert app.procedure == "general"
    assert app.status == Application.Status.UNDER_REVIEW and app.decision == ""
    event = ReviewEvent.objects.get(application=app, kind="escalated_to_meeting")
    assert trigger in event.payload["triggers"]
    assert Notification.objects.about(app).filter(user=reviews.net.chair_a).exists()
    # Now it can go on a meeting's agenda; opinions are no longer taken.
    meeting = meetings_services.meeting_create(
        actor=reviews.net.chair_a, body=reviews.committee, scheduled_for=app.created_at
    )
    assert meetings_services.agenda_add(actor=reviews.net.chair_a, meeting=meeting, application=app)
    with pytest.raises((ValidationError, PermissionDenied)):
        _give(reviews, app, B, "approve")


def test_opinion_once_by_named_reviewer_only(reviews: ReviewNetwork) -> None:
    app = _named(reviews, A, B, "member_f")
    _give(reviews, app, A, "approve")
    with pytest.raises(ValidationError, match="already"):
        _give(reviews, app, A, "approve")
    with pytest.raises(PermissionDenied):
        _give(reviews, app, "member_ext", "approve")
    with pytest.raises(PermissionDenied):
        meetings_services.opinion_give(actor=reviews.net.outsider, application=app, view="approve")


def test_recused_reviewer_cannot_give_an_opinion(reviews: ReviewNetwork) -> None:
    """conflict.recusal_grounds (Measures 2023): a recused member gives no opinion."""
    app = _named(reviews)
    Declaration.objects.create(
        application=app, member=reviews.members[A], has_conflict=True, recused=True
    )
    with pytest.raises(PermissionDenied):
        meetings_services.opinion_give(actor=reviews.user(A), application=app, view="approve")


def test_bad_opinion_input_changes_nothing(reviews: ReviewNetwork) -> None:
    app = _named(reviews)
    _declare(reviews, app, A)
    for kw in (
        {"view": "maybe"},
        {"view": "approve", "doubt": "yes"},
        {"view": "approve", "requests_meeting": 1},
        {"view": "approve", "comment": "a\x00b"},
        {"view": "approve", "comment": "x" * 2001},
        {"view": None},
    ):
        with pytest.raises(ValidationError):
            meetings_services.opinion_give(actor=reviews.user(A), application=app, **kw)  # type: ignore[arg-type]
    assert not SimplifiedOpinion.objects.filter(given_at__isnull=False).exists()


def test_renaming_keeps_reviewers_who_answered(reviews: ReviewNetwork) -> None:
    app = _named(reviews, A, B)
    _give(reviews, app, A, "approve")
    with pytest.raises(ValidationError):
        meetings_services.reviewers_name(
            actor=reviews.net.chair_a,
            application=app,
            member_ids=[reviews.members[B].pk, reviews.members["member_f"].pk],
        )
    meetings_services.reviewers_name(
        actor=reviews.net.chair_a,
        application=app,
        member_ids=[reviews.members[A].pk, reviews.members["member_f"].pk],
    )
    assert set(app.simplified_opinions.values_list("member__user__username", flat=True)) == {
        A,
        "member_f",
    }


def test_conclude_on_a_stale_page_changes_nothing(reviews: ReviewNetwork) -> None:
    app = _named(reviews)
    _give(reviews, app, A, "approve_after_modification")
    _give(reviews, app, B, "approve_after_modification")
    app.refresh_from_db()
    with pytest.raises(ValidationError, match="meanwhile"):
        meetings_services.simplified_conclude(
            actor=reviews.net.chair_a,
            application=app,
            required_changes=["x"],
            expected_version=app.version + 5,
        )
    app.refresh_from_db()
    assert app.status == Application.Status.UNDER_REVIEW


def test_a_reviewer_declares_before_giving_an_opinion(reviews: ReviewNetwork) -> None:
    """conflict.recusal_grounds (Measures 2023): declare first, as before findings and votes."""
    app = _named(reviews)
    with pytest.raises(ValidationError, match="Declare your interests"):
        meetings_services.opinion_give(actor=reviews.user(A), application=app, view="approve")
    assert not SimplifiedOpinion.objects.filter(given_at__isnull=False).exists()
    # A declared interest recuses: still no opinion.
    meetings_services.declaration_submit(
        actor=reviews.user(B), application=app, has_conflict=True, statement="Adviser to them"
    )
    with pytest.raises(PermissionDenied):
        meetings_services.opinion_give(actor=reviews.user(B), application=app, view="approve")
    # Declared with no conflict, the reviewer gives the opinion.
    meetings_services.declaration_submit(actor=reviews.user(A), application=app, has_conflict=False)
    meetings_services.opinion_give(actor=reviews.user(A), application=app, view="approve")
    assert app.simplified_opinions.get(member=reviews.members[A]).given_at is not None
