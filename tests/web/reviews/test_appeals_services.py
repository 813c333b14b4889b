"""Appeals against a decision that is not an approval."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.web.reviews.factories import ReviewNetwork, make_application
from tianping.web.reviews.meetings import services as meetings_services
from tianping.web.reviews.models import Appeal, Application, ReviewEvent


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English (the platform's default language is Chinese)."""
    with translation.override("en"):
        yield


def _decided(reviews: ReviewNetwork, decision: str = "not_approve") -> Application:
    return make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status="decided",
        decision=decision,
        decision_basis="meeting",
        reasons=["Unmitigated bias"],
        decided_at=timezone.now(),
    )


def _file(reviews: ReviewNetwork, app: Application) -> Appeal:
    return meetings_services.appeal_file(
        actor=reviews.net.applicant_a, application=app, grounds="New audit evidence."
    )


@pytest.mark.parametrize("decision", ["approve", "approve_after_modification"])
def test_approvals_cannot_be_appealed(reviews: ReviewNetwork, decision: str) -> None:
    app = _decided(reviews, decision)
    with pytest.raises(ValidationError):
        _file(reviews, app)
    assert not Appeal.objects.exists()


def test_under_review_cannot_be_appealed(reviews: ReviewNetwork) -> None:
    app = make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status="under_review",
    )
    with pytest.raises(ValidationError):
        _file(reviews, app)


def test_one_pending_appeal_at_a_time(reviews: ReviewNetwork) -> None:
    app = _decided(reviews, "re_review_after_modification")
    _file(reviews, app)
    with pytest.raises(ValidationError, match="pending"):
        _file(reviews, app)
    assert ReviewEvent.objects.filter(application=app, kind="appeal_filed").count() == 1


def test_only_the_applicant_appeals_and_bad_grounds(reviews: ReviewNetwork) -> None:
    app = _decided(reviews)
    for actor in (reviews.net.chair_a, reviews.net.outsider, reviews.net.applicant_b):
        with pytest.raises(PermissionDenied):
            meetings_services.appeal_file(actor=actor, application=app, grounds="x")
    for grounds in ("", "a\x00", "x" * 10001, None, 7):
        with pytest.raises(ValidationError):
            meetings_services.appeal_file(
                actor=reviews.net.applicant_a, application=app, grounds=grounds
            )
    assert not Appeal.objects.exists()


def test_upheld_appeal_reopens_the_review(reviews: ReviewNetwork) -> None:
    app = _decided(reviews)
    appeal = _file(reviews, app)
    with pytest.raises(PermissionDenied):
        meetings_services.appeal_decide(
            actor=reviews.members["member_ai"].user, appeal=appeal, outcome="upheld", response="x"
        )
    meetings_services.appeal_decide(
        actor=reviews.net.chair_a, appeal=appeal, outcome="upheld", response="New evidence."
    )
    app.refresh_from_db()
    assert app.status == Application.Status.UNDER_REVIEW
    assert app.decision == "" and app.reasons == [] and app.decided_at is None
    event = ReviewEvent.objects.get(application=app, kind="appeal_decided")
    assert event.payload["previous_decision"] == "not_approve"
    with pytest.raises(ValidationError, match="already decided"):
        meetings_services.appeal_decide(
            actor=reviews.net.chair_a, appeal=appeal, outcome="dismissed", response="x"
        )


def test_dismissed_appeal_changes_nothing_else(reviews: ReviewNetwork) -> None:
    app = _decided(reviews)
    version = app.version
    appeal = _file(reviews, app)
    meetings_services.appeal_decide(
        actor=reviews.net.chair_a, appeal=appeal, outcome="dismissed", response="No new facts."
    )
    app.refresh_from_db()
    appeal.refresh_from_db()
    assert app.status == Application.Status.DECIDED and app.decision == "not_approve"
    assert app.version == version
    assert appeal.outcome == "dismissed" and appeal.decided_at is not None
    # Another appeal may follow once none is pending.
    assert _file(reviews, app)


def test_decide_bad_input(reviews: ReviewNetwork) -> None:
    app = _decided(reviews)
    appeal = _file(reviews, app)
    for kw in (
        {"outcome": "pending", "response": "x"},
        {"outcome": "maybe", "response": "x"},
        {"outcome": "upheld", "response": ""},
        {"outcome": "upheld", "response": "a\x00"},
    ):
        with pytest.raises(ValidationError):
            meetings_services.appeal_decide(actor=reviews.net.chair_a, appeal=appeal, **kw)  # type: ignore[arg-type]
    appeal.refresh_from_db()
    assert appeal.outcome == "pending"


def test_decide_on_a_stale_page_changes_nothing(reviews: ReviewNetwork) -> None:
    app = _decided(reviews)
    appeal = _file(reviews, app)
    app.refresh_from_db()
    with pytest.raises(ValidationError, match="meanwhile"):
        meetings_services.appeal_decide(
            actor=reviews.net.chair_a,
            appeal=appeal,
            outcome="upheld",
            response="x",
            expected_version=app.version - 1,
        )
    appeal.refresh_from_db()
    assert appeal.outcome == "pending"
