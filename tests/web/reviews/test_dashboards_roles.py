"""Each role's dashboard lists exactly what waits for that person, on the demo network.

The demo is seeded once for the module; each test runs in its own savepoint on top
of it, so what one test does (a submission, a meeting, a vote) never leaks into
another. For every role the queue is compared as a whole: what to do, on what, and
the page where it is done.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from tests.web.factories import bearer_client, logged_in_client
from tianping import review as lib
from tianping.web.accounts.models import Organisation
from tianping.web.core import timezones
from tianping.web.demo import demo_seed
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.applications import services as applications_services
from tianping.web.reviews.bodies import services as bodies_services
from tianping.web.reviews.dashboards import selectors
from tianping.web.reviews.demo import EXPERTS
from tianping.web.reviews.expert import services as expert_services
from tianping.web.reviews.meetings import services as meetings_services
from tianping.web.reviews.models import (
    Application,
    Comment,
    DecisionType,
    ExpertReview,
    FollowUp,
    Meeting,
    Member,
    ReviewBody,
)
from tianping.web.systems.models import AISystem

COMMITTEE_MEMBERS = (
    "chair",
    "member_tech",
    "member",
    "member_domain",
    "member_law",
    "member_ethics",
    "member_public",
)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo network, seeded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        accounts = demo_seed()
        yield accounts
        transaction.set_rollback(True)


@pytest.fixture
def world(demo: dict[str, Any], db: None) -> dict[str, Any]:
    """The demo, in the test's own savepoint."""
    return demo


def user(username: str) -> User:
    return get_user_model().objects.get(username=username)


def queue(username: str, role: str) -> set[tuple[str, str]]:
    """The queue of ``role`` on ``username``'s dashboard: (action, subject) pairs."""
    tasks = selectors.dashboard(user(username)).tasks(role)
    assert tasks is not None, f"{username} holds no {role} role"
    return {(t.action, t.subject) for t in tasks}


def task(username: str, role: str, action: str, subject: str) -> selectors.Task:
    tasks = selectors.dashboard(user(username)).tasks(role) or []
    (found,) = [t for t in tasks if t.action == action and t.subject == subject]
    return found


def submit_new(username: str = "applicant", system: str = "智能信贷评分 XH-Credit") -> Application:
    """A complete application submitted by ``username`` (the bundle of the body's rules)."""
    applicant = user(username)
    target = AISystem.objects.get(name=system)
    app = applications_services.application_create(
        actor=applicant, system=target, title="新版评分模型伦理审查", team=[applicant.username]
    )
    app = applications_services.self_assessment_update(
        actor=applicant,
        application=app,
        expected_version=app.version,
        risks="算法歧视。",
        controls="人工复核。",
        residual_risk="low",
    )
    for item in lib.load_rules(app.body.rule_set).bundle():
        if item.id == "risk_self_assessment":
            continue
        app.refresh_from_db()
        if item.waivable:
            applications_services.attachment_waive(
                actor=applicant, application=app, kind=item.id, reason="不适用。"
            )
        else:
            upload = SimpleUploadedFile(f"{item.id}.txt", b"material", content_type="text/plain")
            applications_services.attachment_add(
                actor=applicant, application=app, kind=item.id, upload=upload
            )
    app.refresh_from_db()
    return applications_services.application_submit(
        actor=applicant, application=app, expected_version=app.version
    )


def accept(app: Application, procedure: str = "general", chair: str = "chair") -> Application:
    app.refresh_from_db()
    return applications_services.application_accept(
        actor=user(chair), application=app, procedure=procedure, expected_version=app.version
    )


def started_meeting(app: Application) -> Meeting:
    """A meeting of the committee that began a minute ago, with ``app`` on its agenda."""
    meeting = meetings_services.meeting_create(
        actor=user("chair"), body=app.body, scheduled_for=timezone.now() - timedelta(minutes=1)
    )
    meetings_services.agenda_add(actor=user("chair"), meeting=meeting, application=app)
    return meeting


def declare(username: str, app: Application) -> None:
    meetings_services.declaration_submit(actor=user(username), application=app, has_conflict=False)


# --- the chair ---------------------------------------------------------------------------


def test_a_freshly_submitted_application_waits_in_the_chairs_queue(world: dict[str, Any]) -> None:
    assert queue("chair", "chair") == set(), "every demo application of the committee is decided"
    app = submit_new()
    assert app.status == Application.Status.SUBMITTED
    assert queue("chair", "chair") == {("accept", app.reference)}
    assert queue("member_tech", "chair") == {("accept", app.reference)}, "the vice-chair too"
    found = task("chair", "chair", "accept", app.reference)
    assert found.url == reverse("reviews:application_detail", args=[app.pk]) + "#chair-actions"
    # On the page, in the chair's queue: the link to where they accept, a translated label.
    html = logged_in_client(user("chair")).get("/reviews/").content.decode()
    section = html.split('id="queue-chair"')[1].split("</ul>")[0]
    with translation.override("zh-hans"):
        label = str(selectors.ACTIONS["accept"])
    assert f'<a href="{found.url}">{label}</a>' in section and app.reference in section
    assert "Nothing waiting" not in section and "暂无待办事项" not in section
    # Another body's chair is not asked: yunyu's application waits for the review centre.
    (yunyu,) = Application.objects.filter(organisation__name="云语智能科技有限公司")
    assert queue("centre_chair", "chair") == {("accept", yunyu.reference)}
    # Accepted under the general procedure, it waits for a meeting's agenda.
    accept(app)
    assert queue("chair", "chair") == {("convene", app.reference)}
    body = ReviewBody.objects.get(pk=app.body_id)
    assert task("chair", "chair", "convene", app.reference).url == reverse(
        "reviews:meeting_list", args=[body.pk]
    )


def test_the_chair_holds_started_meetings_and_closes_open_votes(world: dict[str, Any]) -> None:
    app = accept(submit_new())
    later = meetings_services.meeting_create(
        actor=user("chair"), body=app.body, scheduled_for=timezone.now() + timedelta(days=3)
    )
    meetings_services.agenda_add(actor=user("chair"), meeting=later, application=app)
    assert queue("chair", "chair") == set(), "on a meeting's agenda; the meeting is not due yet"
    Meeting.objects.filter(pk=later.pk).update(scheduled_for=timezone.now() - timedelta(minutes=1))
    body_name = app.body.organisation.name
    assert queue("chair", "chair") == {("hold_meeting", body_name)}
    held = task("chair", "chair", "hold_meeting", body_name)
    assert held.url == reverse("reviews:meeting_detail", args=[later.pk])
    assert held.title == app.reference and held.due is not None and not held.overdue
    with_accounts = list(Member.objects.filter(body=app.body, active=True, user__isnull=False))
    meetings_services.attendance_set(
        actor=user("chair"), meeting=later, present_member_ids=[m.pk for m in with_accounts]
    )
    for member in with_accounts:
        declare(member.user.username, app)  # type: ignore[union-attr]
    (item,) = later.items.all()
    meetings_services.voting_open(actor=user("chair"), item=item)
    assert queue("chair", "chair") == {("close_vote", app.reference)}
    assert task("chair", "chair", "close_vote", app.reference).url == (
        reverse("reviews:meeting_detail", args=[later.pk]) + f"#item-{item.pk}"
    )


def test_the_chair_sees_decisions_due_within_seven_days(world: dict[str, Any]) -> None:
    app = accept(submit_new())
    meeting = meetings_services.meeting_create(
        actor=user("chair"), body=app.body, scheduled_for=timezone.now() + timedelta(days=1)
    )
    meetings_services.agenda_add(actor=user("chair"), meeting=meeting, application=app)
    assert queue("chair", "chair") == set(), "due in 30 days: not yet"
    now = timezone.now()
    Application.objects.filter(pk=app.pk).update(due_at=now + timedelta(days=6))
    soon = task("chair", "chair", "deadline", app.reference)
    assert not soon.overdue and soon.due == now + timedelta(days=6)
    assert soon.url == reverse("reviews:application_detail", args=[app.pk])
    Application.objects.filter(pk=app.pk).update(due_at=now + timedelta(days=8))
    assert queue("chair", "chair") == set()
    Application.objects.filter(pk=app.pk).update(due_at=now - timedelta(hours=1))
    assert task("chair", "chair", "deadline", app.reference).overdue
    html = logged_in_client(user("chair")).get("/reviews/").content.decode()
    section = html.split('id="queue-chair"')[1].split("</ul>")[0]
    local = timezones.format_datetime(now - timedelta(hours=1))
    assert local in section, "the due moment shows in the platform's zone"
    assert 'class="badge overdue"' in section


def test_the_chair_names_reviewers_of_a_simplified_review(world: dict[str, Any]) -> None:
    app = submit_new()
    app.refresh_from_db()
    applications_services.application_accept(
        actor=user("chair"),
        application=app,
        procedure="simplified",
        ground="minimal_risk",
        expected_version=app.version,
    )
    assert queue("chair", "chair") == {("name_reviewers", app.reference)}
    assert task("chair", "chair", "name_reviewers", app.reference).url == reverse(
        "reviews:simplified", args=[app.pk]
    )


# --- the members -------------------------------------------------------------------------


def test_members_at_a_meeting_declare_give_findings_and_vote(world: dict[str, Any]) -> None:
    for username in COMMITTEE_MEMBERS:
        assert queue(username, "member") == set(), username
    app = accept(submit_new())
    meeting = started_meeting(app)
    with_accounts = list(Member.objects.filter(body=app.body, active=True, user__isnull=False))
    meetings_services.attendance_set(
        actor=user("chair"), meeting=meeting, present_member_ids=[m.pk for m in with_accounts]
    )
    ref = app.reference
    for username in COMMITTEE_MEMBERS:
        assert queue(username, "member") == {("declare", ref), ("finding", ref)}, username
    declaration = task("member_law", "member", "declare", ref)
    assert declaration.url == reverse("reviews:declaration", args=[app.pk])
    assert declaration.due == Application.objects.get(pk=app.pk).due_at
    assert task("member_law", "member", "finding", ref).url == reverse(
        "reviews:workspace", args=[app.pk]
    )
    # The one who declares owes the declaration no more; the others still do.
    declare("member_law", app)
    assert queue("member_law", "member") == {("finding", ref)}
    assert queue("member", "member") == {("declare", ref), ("finding", ref)}
    for username in COMMITTEE_MEMBERS:
        if username != "member_law":
            declare(username, app)
    (item,) = meeting.items.all()
    meetings_services.voting_open(actor=user("chair"), item=item)
    for username in COMMITTEE_MEMBERS:
        assert queue(username, "member") == {("finding", ref), ("vote", ref)}, username
    assert task("member", "member", "vote", ref).url == (
        reverse("reviews:meeting_detail", args=[meeting.pk]) + f"#item-{item.pk}"
    )
    meetings_services.vote_cast(actor=user("member"), item=item, choice="approve")
    assert queue("member", "member") == {("finding", ref)}
    # The grouped form (the API's member_queue) says the same.
    board = selectors.dashboard(user("member_tech"))
    assert board.member_queue is not None
    assert [(r["application"].pk, r["todo"]) for r in board.member_queue] == [
        (app.pk, ["finding", "vote"])
    ]


def test_a_member_who_declares_a_conflict_owes_nothing_more(world: dict[str, Any]) -> None:
    app = accept(submit_new())
    meetings_services.declaration_submit(
        actor=user("member_public"), application=app, has_conflict=True, statement="亲属任职。"
    )
    assert queue("member_public", "member") == set()


# --- the applicant -----------------------------------------------------------------------


def test_the_applicant_sees_notices_questions_conditions_and_follow_ups(
    world: dict[str, Any],
) -> None:
    fraud = Application.objects.get(title="反欺诈模型紧急升级伦理审查")
    assert fraud.decision == DecisionType.APPROVE_AFTER_MODIFICATION and fraud.required_changes
    conditions = {("conditions", fraud.reference)}
    assert queue("applicant", "applicant") == conditions
    assert queue("orgadmin", "applicant") == conditions, "the organisation's administrator too"
    assert queue("yunyu", "applicant") == set(), "submitted: it waits for the centre, not them"
    # A notice of missing materials.
    app = submit_new()
    assert queue("applicant", "applicant") == conditions
    applications_services.materials_request(
        actor=user("chair"),
        application=app,
        kinds=[applications_selectors.attachment_kinds(app)[0]],
        expected_version=Application.objects.get(pk=app.pk).version,
    )
    assert queue("applicant", "applicant") == conditions | {("notice", app.reference)}
    assert (
        task("applicant", "applicant", "notice", app.reference).url
        == reverse("reviews:application_detail", args=[app.pk]) + "#notice"
    )
    # A reviewer's question, until it is answered.
    other = accept(submit_new())
    declare("member", other)
    question = meetings_services.comment_add(
        actor=user("member"), application=other, kind=Comment.Kind.QUESTION, body="数据来源？"
    )
    expected = conditions | {("notice", app.reference), ("question", other.reference)}
    assert queue("applicant", "applicant") == expected
    assert task("applicant", "applicant", "question", other.reference).url == reverse(
        "reviews:workspace", args=[other.pk]
    )
    meetings_services.comment_add(
        actor=user("applicant"),
        application=other,
        kind=Comment.Kind.REPLY,
        body="自有业务数据。",
        reply_to=question,
    )
    assert queue("applicant", "applicant") == conditions | {("notice", app.reference)}
    # A follow-up review falling due within the reminders' window.
    credit = Application.objects.get(title="智能信贷评分模型上线伦理审查")
    follow_up = FollowUp.objects.get(application=credit, kind=FollowUp.Kind.SCHEDULED)
    today = timezones.today()
    FollowUp.objects.filter(pk=follow_up.pk).update(
        due_on=today + timedelta(days=selectors.FOLLOW_UP_WINDOW_DAYS + 1)
    )
    assert ("follow_up", credit.reference) not in queue("applicant", "applicant")
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=today + timedelta(days=5))
    due = task("applicant", "applicant", "follow_up", credit.reference)
    assert due.due == today + timedelta(days=5) and not due.overdue
    assert due.url == reverse("reviews:aftercare_follow_up_report", args=[credit.pk, follow_up.pk])
    html = logged_in_client(user("applicant")).get("/reviews/").content.decode()
    section = html.split('id="queue-applicant"')[1].split("</ul>")[0]
    assert (today + timedelta(days=5)).isoformat() in section


# --- the experts and the regulator -------------------------------------------------------


def test_experts_declare_and_vote_and_the_regulator_forms_and_concludes(
    world: dict[str, Any],
) -> None:
    for spec in EXPERTS:
        assert queue(spec["user"], "expert") == set(), "the demo's re-review is concluded"
    regulator = user("regulator_sh")
    assert {a for a, _s in queue("regulator_sh", "authority")} <= {"registration", "annual_report"}
    app = submit_new(system="财富资讯个性化推荐")
    Application.objects.filter(pk=app.pk).update(status=Application.Status.EXPERT_REVIEW)
    review = ExpertReview.objects.create(
        application=app,
        authority=Organisation.objects.get(name="上海市科技伦理监管处"),
        preliminary_decision=DecisionType.APPROVE,
        preliminary_text="同意。",
        due_at=timezone.now() + timedelta(days=20),
    )
    ref = app.reference
    assert ("form_panel", ref) in queue("regulator_sh", "authority")
    assert task("regulator_sh", "authority", "form_panel", ref).url == reverse(
        "reviews:expert_review", args=[review.pk]
    )
    seats = [
        expert_services.panel_add(
            actor=regulator,
            review=review,
            user=user(spec["user"]),
            name=spec["user"],
            disciplines=spec["disciplines"],
            affiliation=spec["affiliation"],
        )
        for spec in EXPERTS
    ]
    for seat in seats:
        assert seat.user is not None
        assert queue(seat.user.username, "expert") == {("expert_declare", ref)}
        assert task(seat.user.username, "expert", "expert_declare", ref).url == reverse(
            "reviews:expert_seat", args=[seat.pk]
        )
        expert_services.interests_declare(actor=seat.user, seat=seat, interests=[])
        assert queue(seat.user.username, "expert") == set(), "declared; the panel is not formed"
    review.refresh_from_db()
    expert_services.panel_form(actor=regulator, review=review)
    assert ("conclude", ref) in queue("regulator_sh", "authority")
    assert ("form_panel", ref) not in queue("regulator_sh", "authority")
    for seat in seats:
        assert seat.user is not None
        assert queue(seat.user.username, "expert") == {("expert_vote", ref)}
        seat.refresh_from_db()
        expert_services.expert_vote(actor=seat.user, seat=seat, view="agree")
        assert queue(seat.user.username, "expert") == set()


def test_the_regulator_sees_overdue_filings_of_bodies_in_its_jurisdiction(
    world: dict[str, Any],
) -> None:
    centre = ReviewBody.objects.get(organisation__name="长三角人工智能伦理审查与服务中心")
    name = centre.organisation.name
    # The centre, set up in 2024, has filed no annual report: the one for 2024 was due by
    # the end of March 2025 (registration.annual_report_due, Measures 2023 Art. 45).
    filings = selectors.dashboard(user("regulator_sh")).tasks("authority") or []
    overdue = [t for t in filings if t.subject == name and t.action == "annual_report"]
    assert 2024 in {t.year for t in overdue} and all(t.overdue for t in overdue)
    assert overdue[0].url == reverse("reviews:body_detail", args=[centre.pk])
    html = logged_in_client(user("regulator_sh")).get("/reviews/").content.decode()
    section = html.split('id="queue-authority"')[1].split("</ul>")[0]
    assert name in section and 'class="badge overdue"' in section
    for year in sorted({t.year for t in overdue if t.year is not None}):
        bodies_services.annual_report_record(
            actor=user("admin"), body=centre, year=year, filed_on=timezones.today()
        )
    after = selectors.dashboard(user("regulator_sh")).tasks("authority") or []
    assert not [t for t in after if t.subject == name]


# --- the page and the API ----------------------------------------------------------------


def test_every_role_reads_translated_labels_with_links_and_the_api_says_the_same(
    world: dict[str, Any],
) -> None:
    submit_new()
    with translation.override("zh-hans"):
        labels = {action: str(label) for action, label in selectors.ACTIONS.items()}
    for account in get_user_model().objects.order_by("username"):
        board = selectors.dashboard(account)
        html = logged_in_client(account).get("/reviews/").content.decode()
        api = bearer_client(account).get("/api/reviews/dashboard").json()
        for role in selectors.ROLES:
            tasks = board.tasks(role)
            if tasks is None:
                assert f'id="queue-{role}"' not in html and role not in api["queues"]
                continue
            section = html.split(f'id="queue-{role}"')[1].split("</ul>")[0]
            for t in tasks:
                assert f'<a href="{t.url}">{labels[t.action]}</a>' in section, (account, t)
            assert [(t["action"], t["subject"], t["url"]) for t in api["queues"][role]] == [
                (t.action, t.subject, t.url) for t in tasks
            ], (account.username, role)
