"""Meetings: agenda, attendance, quorum, votes and the decision (general procedure)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone, translation

from tests.web.reviews.factories import ReviewNetwork, make_application
from tianping.web.core.models import Notification
from tianping.web.reviews import timeline
from tianping.web.reviews.meetings import selectors as meetings_selectors
from tianping.web.reviews.meetings import services as meetings_services
from tianping.web.reviews.models import (
    AgendaItem,
    Application,
    Declaration,
    Meeting,
    MeetingReschedule,
    ReviewEvent,
    Vote,
)

VOTERS = [
    "chair_a",
    "member_ai",
    "member_domain",
    "member_law",
    "member_ext",
    "member_other",
    "member_f",
]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English (the platform's default language is Chinese)."""
    with translation.override("en"):
        yield


def _app(reviews: ReviewNetwork, **extra: object) -> Application:
    extra.setdefault("procedure", "general")
    return make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status="under_review",
        **extra,  # type: ignore[arg-type]
    )


def _meeting(reviews: ReviewNetwork, **extra: object) -> Meeting:
    """A meeting whose scheduled time has come (a minute ago): it can be held."""
    return meetings_services.meeting_create(
        actor=reviews.net.chair_a,
        body=reviews.committee,
        scheduled_for=extra.pop("scheduled_for", timezone.now() - timedelta(minutes=1)),
        location="Room 1",
        consultants=extra.pop("consultants", ["Dr Outside"]),  # type: ignore[arg-type]
    )


def _present(reviews: ReviewNetwork, meeting: Meeting, usernames: list[str]) -> None:
    meetings_services.attendance_set(
        actor=reviews.net.chair_a,
        meeting=meeting,
        present_member_ids=[reviews.members[u].pk for u in usernames],
    )


def _declare(reviews: ReviewNetwork, app: Application, usernames: list[str]) -> None:
    """Each member declares no conflict (the chair records it for one without an account)."""
    for username in usernames:
        member = reviews.members[username]
        meetings_services.declaration_submit(
            actor=member.user or reviews.net.chair_a,
            application=app,
            has_conflict=False,
            member=None if member.user else member,
        )


def _ready(
    reviews: ReviewNetwork,
    present: list[str] | None = None,
    *,
    declared: bool = True,
    **extra: object,
) -> tuple[Application, Meeting, AgendaItem]:
    """An application on the agenda of a meeting held now; those present have declared."""
    app = _app(reviews, **extra)
    meeting = _meeting(reviews)
    item = meetings_services.agenda_add(actor=reviews.net.chair_a, meeting=meeting, application=app)
    attending = present if present is not None else VOTERS
    _present(reviews, meeting, attending)
    if declared:
        _declare(reviews, app, attending)
    return app, meeting, item


def _vote(reviews: ReviewNetwork, item: AgendaItem, username: str, choice: str) -> Vote:
    return meetings_services.vote_cast(actor=reviews.user(username), item=item, choice=choice)


def test_quorum_met_with_every_category(reviews: ReviewNetwork) -> None:
    """quorum.min_present + quorum.categories, Measures 2023 Art. 14."""
    app, meeting, _item = _ready(reviews)
    result = meetings_selectors.quorum(meeting, app)
    assert result.met
    assert len(result.counted) == 7


def test_quorum_missing_external_member_lists_the_category(reviews: ReviewNetwork) -> None:
    """quorum.categories, Measures 2023 Art. 14: no external member present → no quorum."""
    present = ["chair_a", "member_ai", "member_domain", "member_other", "member_f"]
    app, meeting, item = _ready(reviews, present=present)
    result = meetings_selectors.quorum(meeting, app)
    assert not result.met
    assert "external" in result.missing_categories
    with pytest.raises(ValidationError) as exc:
        meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    assert "quorum" in exc.value.message_dict
    item.refresh_from_db()
    assert not item.voting_open


def test_quorum_only_one_gender_and_too_few_lists_everything(reviews: ReviewNetwork) -> None:
    """quorum.min_present + quorum.categories, Measures 2023 Art. 14: every shortfall listed."""
    present = ["member_ai", "member_domain", "member_ext", "member_other"]
    app, meeting, item = _ready(reviews, present=present)
    result = meetings_selectors.quorum(meeting, app)
    assert result.rule_ids() == ("quorum.min_present", "quorum.categories")
    assert "both_genders" in result.missing_categories
    assert "law" in result.missing_categories
    with pytest.raises(ValidationError) as exc:
        meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    messages = exc.value.message_dict["quorum"]
    assert len(messages) == len(result.findings)


def test_consultant_present_is_not_counted(reviews: ReviewNetwork) -> None:
    """quorum.consultants_excluded, Measures 2023 Art. 14: a consultant never counts."""
    present = ["chair_a", "member_ai", "member_law", "member_ext", "consultant_a"]
    app, meeting, _item = _ready(reviews, present=present)
    result = meetings_selectors.quorum(meeting, app)
    assert reviews.members["consultant_a"].ref not in result.counted
    assert len(result.counted) == 4
    assert "quorum.min_present" in result.rule_ids()


def test_recused_member_is_not_counted_and_cannot_vote(reviews: ReviewNetwork) -> None:
    """conflict.recusal_grounds: a recused member counts neither for quorum nor votes."""
    app, meeting, _item = _ready(reviews)
    Declaration.objects.filter(application=app, member=reviews.members["member_law"]).update(
        has_conflict=True, statement="Adviser to the applicant", recused=True
    )
    result = meetings_selectors.quorum(meeting, app)
    assert reviews.members["member_law"].ref not in result.counted
    # member_law was the only law member present: the category is now missing.
    assert "law" in result.missing_categories


def test_recused_member_cannot_vote(reviews: ReviewNetwork) -> None:
    """conflict.recusal_grounds (Measures 2023): a recused member does not vote."""
    app, _m, item = _ready(reviews)
    meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    Declaration.objects.filter(application=app, member=reviews.members["member_domain"]).update(
        has_conflict=True, statement="Shares in the applicant", recused=True
    )
    with pytest.raises(PermissionDenied):
        _vote(reviews, item, "member_domain", "approve")
    assert not Vote.objects.filter(item=item).exists()


def test_detected_conflict_recuses_without_declaration(reviews: ReviewNetwork) -> None:
    """conflict.recusal_grounds: a member on the team is recused though nothing was declared."""
    member = reviews.members["member_f"]
    app, meeting, _item = _ready(reviews, declared=False, team=[member.ref])
    result = meetings_selectors.quorum(meeting, app)
    assert member.ref not in result.counted


def _open_with_votes(
    reviews: ReviewNetwork, choices: dict[str, str], present: list[str] | None = None
) -> tuple[Application, AgendaItem]:
    app, _m, item = _ready(reviews, present=present)
    meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    for username, choice in choices.items():
        _vote(reviews, item, username, choice)
    return app, item


def test_exactly_two_thirds_approves(reviews: ReviewNetwork) -> None:
    """decision.threshold, Measures 2023 Art. 16: 4 of 6 present is exactly 2/3 and passes."""
    present = ["chair_a", "member_ai", "member_domain", "member_law", "member_ext", "member_f"]
    choices = {
        "chair_a": "approve",
        "member_ai": "approve",
        "member_domain": "approve",
        "member_law": "approve",
        "member_ext": "not_approve",
        "member_f": "abstain",
    }
    app, item = _open_with_votes(reviews, choices, present=present)
    meetings_services.voting_close(actor=reviews.net.chair_a, item=item)
    app.refresh_from_db()
    item.refresh_from_db()
    assert app.status == Application.Status.DECIDED
    assert app.decision == "approve" and app.decision_basis == "meeting"
    assert item.tally["decided"] is True and item.tally["voting"] == 6
    assert item.tally["counts"]["approve"] == 4
    assert not item.voting_open and item.closed_at is not None


def test_one_short_of_two_thirds_does_not_decide(reviews: ReviewNetwork) -> None:
    """decision.threshold, Measures 2023 Art. 16: 4 of 7 is below 2/3: no decision."""
    choices = {
        "chair_a": "approve",
        "member_ai": "approve",
        "member_domain": "approve",
        "member_law": "approve",
        "member_ext": "not_approve",
        "member_f": "not_approve",
        "member_other": "abstain",
    }
    app, item = _open_with_votes(reviews, choices)
    meetings_services.voting_close(actor=reviews.net.chair_a, item=item)
    app.refresh_from_db()
    item.refresh_from_db()
    assert app.status == Application.Status.UNDER_REVIEW and app.decision == ""
    assert item.tally["decided"] is False
    assert any(f["rule"] == "decision.threshold" for f in item.tally["findings"])
    assert ReviewEvent.objects.filter(application=app, kind="vote_closed_no_decision").exists()
    # The application can go on another meeting's agenda.
    other = _meeting(reviews)
    assert meetings_services.agenda_add(actor=reviews.net.chair_a, meeting=other, application=app)


def test_member_not_present_cannot_vote(reviews: ReviewNetwork) -> None:
    """The vote is of the members present (Measures 2023 Art. 16)."""
    present = ["chair_a", "member_ai", "member_domain", "member_law", "member_ext", "member_f"]
    _a, _m, item = _ready(reviews, present=present)
    meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    with pytest.raises(ValidationError, match="present"):
        _vote(reviews, item, "member_other", "approve")


def test_member_voting_twice_is_refused(reviews: ReviewNetwork) -> None:
    _a, _m, item = _ready(reviews)
    meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    _vote(reviews, item, "member_ai", "approve")
    with pytest.raises(ValidationError, match="already voted"):
        _vote(reviews, item, "member_ai", "not_approve")
    assert Vote.objects.get(item=item).choice == "approve"


def test_concurrent_double_vote_gives_a_clear_error(
    reviews: ReviewNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two simultaneous calls: the second passes the check, then the unique constraint fires."""
    _a, _m, item = _ready(reviews)
    meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    _vote(reviews, item, "member_ai", "approve")
    real_filter = Vote.objects.filter

    class Blind:
        def __init__(self, qs: object) -> None:
            self.qs = qs

        def exists(self) -> bool:
            return False  # the other request's vote is not visible yet

    monkeypatch.setattr(Vote.objects, "filter", lambda *a, **k: Blind(real_filter(*a, **k)))
    with pytest.raises(ValidationError, match="already voted"):
        _vote(reviews, item, "member_ai", "not_approve")
    monkeypatch.undo()
    assert Vote.objects.filter(item=item).count() == 1


def test_unique_vote_constraint_exists(reviews: ReviewNetwork) -> None:
    _a, _m, item = _ready(reviews)
    member = reviews.members["member_ai"]
    Vote.objects.create(item=item, member=member, choice="approve")
    with pytest.raises(IntegrityError):
        Vote.objects.create(item=item, member=member, choice="approve")


def test_vote_after_closing_and_after_decision_refused(reviews: ReviewNetwork) -> None:
    choices = {u: "approve" for u in VOTERS[:5]}
    app, item = _open_with_votes(reviews, choices)
    meetings_services.voting_close(actor=reviews.net.chair_a, item=item)
    app.refresh_from_db()
    assert app.status == Application.Status.DECIDED
    with pytest.raises(ValidationError):
        _vote(reviews, item, "member_f", "approve")
    with pytest.raises(ValidationError):
        meetings_services.voting_open(actor=reviews.net.chair_a, item=item)


def test_consultant_cannot_vote_and_outsider_cannot_vote(reviews: ReviewNetwork) -> None:
    _a, _m, item = _ready(reviews)
    meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    with pytest.raises(PermissionDenied):
        meetings_services.vote_cast(actor=reviews.net.outsider, item=item, choice="approve")
    with pytest.raises(PermissionDenied):
        meetings_services.vote_cast(actor=reviews.net.applicant_a, item=item, choice="approve")


def test_bad_vote_input(reviews: ReviewNetwork) -> None:
    _a, _m, item = _ready(reviews)
    meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    for bad in ["maybe", None, 3, "approve\x00"]:
        with pytest.raises(ValidationError):
            _vote(reviews, item, "member_ai", bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        meetings_services.vote_cast(
            actor=reviews.user("member_ai"), item=item, choice="approve", comment="x\x00"
        )
    with pytest.raises(ValidationError):
        meetings_services.vote_cast(
            actor=reviews.user("member_ai"), item=item, choice="approve", comment="x" * 2001
        )
    assert not Vote.objects.filter(item=item).exists()


def test_vote_before_opening_refused(reviews: ReviewNetwork) -> None:
    _a, _m, item = _ready(reviews)
    with pytest.raises(ValidationError, match="not open"):
        _vote(reviews, item, "member_ai", "approve")


def test_listed_activity_decision_goes_to_expert_review(reviews: ReviewNetwork) -> None:
    """A listed activity's approving decision is preliminary: expert re-review."""
    choices = {u: "approve" for u in VOTERS}
    app, _m, item = _ready(reviews, listed_activity=True)
    meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    for username, choice in choices.items():
        _vote(reviews, item, username, choice)
    meetings_services.voting_close(actor=reviews.net.chair_a, item=item)
    app.refresh_from_db()
    assert app.status == Application.Status.EXPERT_REVIEW
    assert app.expert_review.preliminary_decision == "approve"


def test_decision_needing_changes_without_them_changes_nothing(reviews: ReviewNetwork) -> None:
    """decision.reasons_required: an approval after modification states the changes."""
    choices = {u: "approve_after_modification" for u in VOTERS}
    app, item = _open_with_votes(reviews, choices)
    with pytest.raises(ValidationError):
        meetings_services.voting_close(actor=reviews.net.chair_a, item=item)
    item.refresh_from_db()
    assert item.voting_open and item.tally is None
    meetings_services.voting_close(
        actor=reviews.net.chair_a, item=item, required_changes=["Add a human review step"]
    )
    app.refresh_from_db()
    assert app.decision == "approve_after_modification"
    assert app.required_changes == ["Add a human review step"]


def test_only_the_chair_convenes_and_runs_votes(reviews: ReviewNetwork) -> None:
    member = reviews.user("member_ai")
    with pytest.raises(PermissionDenied):
        meetings_services.meeting_create(
            actor=member, body=reviews.committee, scheduled_for=timezone.now()
        )
    app, meeting, item = _ready(reviews)
    for call in (
        lambda: meetings_services.agenda_add(actor=member, meeting=meeting, application=app),
        lambda: meetings_services.attendance_set(
            actor=member, meeting=meeting, present_member_ids=[]
        ),
        lambda: meetings_services.voting_open(actor=member, item=item),
        lambda: meetings_services.voting_close(actor=member, item=item),
        lambda: meetings_services.meeting_close(actor=member, meeting=meeting),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_agenda_refuses_wrong_state_and_procedure(reviews: ReviewNetwork) -> None:
    meeting = _meeting(reviews)
    chair = reviews.net.chair_a
    simplified = _app(reviews, procedure="simplified")
    with pytest.raises(ValidationError):
        meetings_services.agenda_add(actor=chair, meeting=meeting, application=simplified)
    draft = make_application(
        system=reviews.net.system_a, body=reviews.committee, applicant=reviews.net.applicant_a
    )
    with pytest.raises(ValidationError):
        meetings_services.agenda_add(actor=chair, meeting=meeting, application=draft)
    emergency = _app(reviews, procedure="emergency")
    meetings_services.agenda_add(actor=chair, meeting=meeting, application=emergency)
    with pytest.raises(ValidationError):
        meetings_services.agenda_add(actor=chair, meeting=meeting, application=emergency)
    with pytest.raises(ValidationError):
        meetings_services.agenda_add(actor=chair, meeting=_meeting(reviews), application=emergency)
    other = make_application(
        system=reviews.net.system_b,
        body=reviews.centre,
        applicant=reviews.net.applicant_b,
        status="under_review",
    )
    with pytest.raises(ValidationError):
        meetings_services.agenda_add(actor=chair, meeting=meeting, application=other)


def test_attendance_input_and_locked_while_voting(reviews: ReviewNetwork) -> None:
    _a, meeting, item = _ready(reviews)
    chair = reviews.net.chair_a
    for bad in ["1,2", [True], ["1"], [reviews.centre_members["centre_1"].pk]]:
        with pytest.raises(ValidationError):
            meetings_services.attendance_set(actor=chair, meeting=meeting, present_member_ids=bad)
    meetings_services.voting_open(actor=chair, item=item)
    with pytest.raises(ValidationError, match="vote is open"):
        _present(reviews, meeting, VOTERS[:5])
    with pytest.raises(ValidationError):
        meetings_services.meeting_close(actor=chair, meeting=meeting)


def test_meeting_create_input(reviews: ReviewNetwork) -> None:
    chair = reviews.net.chair_a
    with pytest.raises(ValidationError):
        meetings_services.meeting_create(
            actor=chair, body=reviews.committee, scheduled_for="tomorrow"
        )
    with pytest.raises(ValidationError):
        meetings_services.meeting_create(
            actor=chair, body=reviews.committee, scheduled_for=timezone.now(), location="a\x00"
        )
    with pytest.raises(ValidationError):
        meetings_services.meeting_create(
            actor=chair,
            body=reviews.committee,
            scheduled_for=timezone.now(),
            consultants=["Dr X", "Dr X"],
        )
    assert not Meeting.objects.exists()


def test_meeting_close_then_nothing_more(reviews: ReviewNetwork) -> None:
    app, meeting, item = _ready(reviews)
    meetings_services.meeting_close(
        actor=reviews.net.chair_a, meeting=meeting, minutes="Adjourned."
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    with pytest.raises(ValidationError):
        meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    # The item never voted on: the application may go on the next meeting's agenda.
    assert meetings_services.agenda_add(
        actor=reviews.net.chair_a, meeting=_meeting(reviews), application=app
    )


def test_declaring_a_conflict_during_a_vote_withdraws_the_vote(reviews: ReviewNetwork) -> None:
    """conflict.recusal_grounds: a member who becomes recused takes no part in the vote."""
    from tianping.web.reviews.meetings.services import declaration_submit

    app, _m, item = _ready(reviews)
    meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    _vote(reviews, item, "member_ai", "approve")
    declaration_submit(
        actor=reviews.user("member_ai"),
        application=app,
        has_conflict=True,
        statement="I advise the applicant.",
    )
    assert not Vote.objects.filter(item=item).exists()


def test_close_on_a_stale_page_changes_nothing(reviews: ReviewNetwork) -> None:
    """Someone changed the application meanwhile: the count is refused, the vote stays open."""
    choices = {u: "approve" for u in VOTERS}
    app, item = _open_with_votes(reviews, choices)
    stale = app.version
    Application.objects.filter(pk=app.pk).update(version=stale + 1)
    with pytest.raises(ValidationError, match="meanwhile"):
        meetings_services.voting_close(actor=reviews.net.chair_a, item=item, expected_version=stale)
    item.refresh_from_db()
    assert item.voting_open and item.tally is None
    meetings_services.voting_close(actor=reviews.net.chair_a, item=item, expected_version=stale + 1)
    app.refresh_from_db()
    assert app.decision == "approve"


def test_hostile_strings_are_stored_as_text(reviews: ReviewNetwork) -> None:
    _a, _m, item = _ready(reviews)
    meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    hostile = "<script>alert(1)</script>'; DROP TABLE reviews_vote; --"
    vote = meetings_services.vote_cast(
        actor=reviews.user("member_ai"), item=item, choice="abstain", comment=hostile
    )
    vote.refresh_from_db()
    assert vote.comment == hostile


# --- declarations before votes ------------------------------------------------------------


def test_vote_opens_only_once_every_member_present_has_declared(reviews: ReviewNetwork) -> None:
    """conflict.recusal_grounds: each member present declares before the vote; the error names
    who has not (a row holding only detected conflicts is no declaration)."""
    present = [*VOTERS, "consultant_a"]
    app, _m, item = _ready(reviews, present=present, declared=False)
    _declare(reviews, app, [u for u in VOTERS if u not in ("member_law", "member_ext")])
    Declaration.objects.create(
        application=app, member=reviews.members["member_ext"], has_conflict=False, recused=False
    )
    with pytest.raises(ValidationError) as exc:
        meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    assert "quorum" not in exc.value.message_dict
    (message,) = exc.value.message_dict["declarations"]
    for name in ("member_law 委员", "member_ext 委员", "Consultant 顾问"):
        assert name in message
    assert "member_ai 委员" not in message
    item.refresh_from_db()
    assert not item.voting_open
    assert not ReviewEvent.objects.filter(application=app, kind="voting_opened").exists()
    _declare(reviews, app, ["member_law", "member_ext", "consultant_a"])
    assert meetings_services.voting_open(actor=reviews.net.chair_a, item=item).voting_open


def test_vote_refused_to_a_member_who_has_not_declared(reviews: ReviewNetwork) -> None:
    """The rule holds in the service itself, whatever opened the vote."""
    app, _m, item = _ready(reviews)
    meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    Declaration.objects.filter(application=app, member=reviews.members["member_ai"]).update(
        submitted_at=None
    )
    with pytest.raises(ValidationError, match="Declare your interests"):
        _vote(reviews, item, "member_ai", "approve")
    assert not Vote.objects.filter(item=item).exists()
    _vote(reviews, item, "member_domain", "approve")


def test_chair_records_a_declaration_only_for_a_member_without_an_account(
    reviews: ReviewNetwork,
) -> None:
    app = _app(reviews)
    chair = reviews.net.chair_a
    consultant = reviews.members["consultant_a"]
    with pytest.raises(PermissionDenied):
        meetings_services.declaration_submit(
            actor=reviews.user("member_ai"), application=app, has_conflict=False, member=consultant
        )
    with pytest.raises(PermissionDenied):
        meetings_services.declaration_submit(
            actor=chair, application=app, has_conflict=False, member=reviews.members["member_ai"]
        )
    with pytest.raises(ValidationError):
        meetings_services.declaration_submit(
            actor=chair,
            application=app,
            has_conflict=False,
            member=reviews.centre_members["centre_1"],
        )
    assert not Declaration.objects.exists()
    declaration = meetings_services.declaration_submit(
        actor=chair, application=app, has_conflict=False, member=consultant
    )
    assert declaration.member == consultant and declaration.submitted_at is not None
    event = ReviewEvent.objects.get(application=app, kind="declaration_submitted")
    assert event.payload["member"] == consultant.pk and event.payload["recorded_by_chair"] is True


# --- no meeting held before its time --------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
FOUR = datetime(2026, 12, 7, 4, 0, tzinfo=SHANGHAI)


def _clock(monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
    """The review app's clock reads ``at``."""
    monkeypatch.setattr(timeline, "now", lambda: at)


def test_meeting_is_not_held_before_its_time(
    reviews: ReviewNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scheduled for 04:00, at 03:39 it is neither held, voted in nor closed."""
    _clock(monkeypatch, FOUR - timedelta(minutes=21))
    app = _app(reviews)
    meeting = _meeting(reviews, scheduled_for=FOUR)
    item = meetings_services.agenda_add(actor=reviews.net.chair_a, meeting=meeting, application=app)
    with pytest.raises(ValidationError, match="reschedule it first") as exc:
        _present(reviews, meeting, VOTERS)
    assert "2026-12-07 04:00" in exc.value.messages[0]
    with pytest.raises(ValidationError, match="reschedule it first"):
        meetings_services.voting_open(actor=reviews.net.chair_a, item=item)
    with pytest.raises(ValidationError, match="reschedule it first"):
        meetings_services.meeting_close(actor=reviews.net.chair_a, meeting=meeting, minutes="x")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED and meeting.minutes == ""
    assert not meeting.attendance.exists()
    _clock(monkeypatch, FOUR)
    _present(reviews, meeting, VOTERS)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.OPEN
    meetings_services.meeting_close(actor=reviews.net.chair_a, meeting=meeting, minutes="Done.")


def test_reschedule_to_now_is_recorded_and_notified_then_the_meeting_is_held(
    reviews: ReviewNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    early = FOUR - timedelta(minutes=21)
    _clock(monkeypatch, early)
    app = _app(reviews)
    meeting = _meeting(reviews, scheduled_for=FOUR)
    meetings_services.agenda_add(actor=reviews.net.chair_a, meeting=meeting, application=app)
    change = meetings_services.meeting_reschedule(
        actor=reviews.net.chair_a, meeting=meeting, scheduled_for=early, reason="All are here."
    )
    meeting.refresh_from_db()
    assert meeting.scheduled_for == early
    assert change.previous_for == FOUR and change.reason == "All are here."
    assert list(meeting.reschedules.all()) == [change]
    event = ReviewEvent.objects.get(application=app, kind="meeting_rescheduled")
    assert datetime.fromisoformat(event.payload["from"]) == FOUR
    assert datetime.fromisoformat(event.payload["to"]) == early
    assert event.ledger_index is not None
    note = Notification.objects.filter(
        user=reviews.user("member_ai"), message__contains="rescheduled"
    ).get()
    assert note.params["date"] == "2026-12-07 03:39" and note.params["previous"] == (
        "2026-12-07 04:00"
    )
    assert not Notification.objects.filter(
        user=reviews.net.applicant_a, message__contains="rescheduled"
    ).exists()
    _present(reviews, meeting, VOTERS)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.OPEN


def test_reschedule_input_and_permissions(
    reviews: ReviewNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = FOUR - timedelta(minutes=21)
    _clock(monkeypatch, now)
    meeting = _meeting(reviews, scheduled_for=FOUR)
    chair = reviews.net.chair_a
    with pytest.raises(PermissionDenied):
        meetings_services.meeting_reschedule(
            actor=reviews.user("member_ai"), meeting=meeting, scheduled_for=now, reason="x"
        )
    bad_times: list[object] = [
        "now",
        None,
        now - timedelta(minutes=1),
        FOUR,
        datetime(1999, 1, 1, tzinfo=SHANGHAI),
    ]
    for when in bad_times:
        with pytest.raises(ValidationError):
            meetings_services.meeting_reschedule(
                actor=chair, meeting=meeting, scheduled_for=when, reason="x"
            )
    for reason in ["", None, "a\x00", "x" * 2001]:
        with pytest.raises(ValidationError):
            meetings_services.meeting_reschedule(
                actor=chair, meeting=meeting, scheduled_for=now, reason=reason
            )
    meeting.refresh_from_db()
    assert meeting.scheduled_for == FOUR and not MeetingReschedule.objects.exists()
    _clock(monkeypatch, FOUR)
    _present(reviews, meeting, VOTERS)
    with pytest.raises(ValidationError, match="not yet held"):
        meetings_services.meeting_reschedule(
            actor=chair, meeting=meeting, scheduled_for=FOUR + timedelta(hours=1), reason="x"
        )
