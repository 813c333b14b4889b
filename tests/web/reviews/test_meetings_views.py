"""Pages of the workspace, meetings, the simplified procedure and appeals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.web.factories import logged_in_client
from tests.web.reviews.factories import ReviewNetwork, make_application
from tianping.web.reviews.meetings import panels as meetings_panels
from tianping.web.reviews.meetings import selectors as meetings_selectors
from tianping.web.reviews.meetings import services as meetings_services
from tianping.web.reviews.models import Appeal, Application, Comment, Declaration, Meeting, Vote

VOTERS = [
    "chair_a",
    "member_ai",
    "member_domain",
    "member_law",
    "member_ext",
    "member_other",
    "member_f",
]


def _client(user: Any) -> Client:
    client = logged_in_client(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _app(reviews: ReviewNetwork, **extra: Any) -> Application:
    extra.setdefault("status", "under_review")
    return make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        **extra,
    )


def test_workspace_member_sees_notes_applicant_only_questions(
    reviews: ReviewNetwork, catalogue: None
) -> None:
    app = _app(reviews)
    member = reviews.user("member_ai")
    meetings_services.comment_add(actor=member, application=app, kind="note", body="SECRET-NOTE")
    meetings_services.comment_add(actor=member, application=app, kind="question", body="PUBLIC-Q")
    url = reverse("reviews:workspace", args=[app.pk])
    page = _client(member).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "SECRET-NOTE" in html and "PUBLIC-Q" in html and 'id="items"' in html
    page = _client(reviews.net.applicant_a).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "SECRET-NOTE" not in html and "PUBLIC-Q" in html and 'id="items"' not in html
    assert _client(reviews.net.applicant_b).get(url).status_code == 404


def _declare(client: Client, app: Application) -> None:
    r = client.post(reverse("reviews:declaration", args=[app.pk]), {"statement": ""})
    assert r.status_code == 302


def test_finding_and_comment_posts(reviews: ReviewNetwork, catalogue: None) -> None:
    app = _app(reviews)
    code = meetings_selectors.applicable_items(app)[0].item.code
    member = _client(reviews.user("member_ai"))
    workspace = reverse("reviews:workspace", args=[app.pk])
    assert 'id="declare-notice"' in member.get(workspace).content.decode()
    r = member.post(reverse("reviews:finding_set", args=[app.pk]), {"item": code, "outcome": "met"})
    assert r.status_code == 302 and not app.item_findings.exists()
    _declare(member, app)
    assert 'id="declare-notice"' not in member.get(workspace).content.decode()
    r = member.post(
        reverse("reviews:finding_set", args=[app.pk]),
        {"item": code, "outcome": "partly_met", "note": "gaps"},
    )
    assert r.status_code == 302
    assert app.item_findings.get(item=code).outcome == "partly_met"
    r = _client(reviews.net.applicant_a).post(
        reverse("reviews:finding_set", args=[app.pk]), {"item": code, "outcome": "met"}
    )
    assert r.status_code == 403
    r = member.post(
        reverse("reviews:comment_add", args=[app.pk]), {"kind": "question", "body": "Q?"}
    )
    assert r.status_code == 302
    question = Comment.objects.get(kind="question")
    r = _client(reviews.net.applicant_a).post(
        reverse("reviews:comment_add", args=[app.pk]),
        {"kind": "reply", "body": "A.", "reply_to": question.pk},
    )
    assert r.status_code == 302 and Comment.objects.filter(kind="reply").exists()
    r = _client(reviews.net.applicant_a).post(
        reverse("reviews:comment_add", args=[app.pk]), {"kind": "note", "body": "x"}
    )
    assert r.status_code == 302 and not Comment.objects.filter(kind="note").exists()


def test_declaration_page_and_my_declarations(reviews: ReviewNetwork) -> None:
    app = _app(reviews)
    member = _client(reviews.user("member_ai"))
    url = reverse("reviews:declaration", args=[app.pk])
    assert member.get(url).status_code == 200
    r = member.post(url, {"has_conflict": "on", "statement": ""})
    assert r.status_code == 422 and not Declaration.objects.exists()
    r = member.post(url, {"has_conflict": "on", "statement": "Adviser"})
    assert r.status_code == 302 and Declaration.objects.get().recused
    assert _client(reviews.net.applicant_a).get(url).status_code == 403
    page = member.get(reverse("reviews:my_declarations"))
    assert page.status_code == 200 and app.reference in page.content.decode()


def test_meeting_pages_quorum_and_vote(reviews: ReviewNetwork) -> None:
    app = _app(reviews, procedure="general")
    chair = _client(reviews.net.chair_a)
    member = _client(reviews.user("member_ai"))
    new = reverse("reviews:meeting_create", args=[reviews.committee.pk])
    assert member.get(new).status_code == 403
    assert chair.get(new).status_code == 200
    an_hour_ago = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = chair.post(new, {"scheduled_for": an_hour_ago, "consultants": "Dr Q\n"})
    assert r.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.consultants == ["Dr Q"]
    assert chair.post(new, {"scheduled_for": "soon"}).status_code == 422
    listing = chair.get(reverse("reviews:meeting_list", args=[reviews.committee.pk]))
    assert listing.status_code == 200
    detail = reverse("reviews:meeting_detail", args=[meeting.pk])
    r = chair.post(reverse("reviews:agenda_add", args=[meeting.pk]), {"application": app.pk})
    assert r.status_code == 302
    item = meeting.items.get()
    present = [reviews.members[u].pk for u in VOTERS if u not in ("member_ext", "member_law")]
    r = chair.post(reverse("reviews:attendance_set", args=[meeting.pk]), {"present": present})
    assert r.status_code == 302
    html = chair.get(detail).content.decode()
    # The missing category reads as its name, never its code ("external").
    assert 'data-quorum="missing"' in html and "a member from outside the organisation" in html
    chair.post(reverse("reviews:voting_open", args=[meeting.pk, item.pk]))
    item.refresh_from_db()
    assert not item.voting_open
    r = chair.post(
        reverse("reviews:attendance_set", args=[meeting.pk]),
        {"present": [reviews.members[u].pk for u in VOTERS]},
    )
    html = chair.get(detail).content.decode()
    assert 'data-quorum="met"' in html
    # Nobody has declared yet: the page names them and the vote does not open.
    assert f'id="undeclared-{item.pk}"' in html and "member_law 委员" in html
    assert f'disabled aria-describedby="open-why-{item.pk}"' in html
    chair.post(reverse("reviews:voting_open", args=[meeting.pk, item.pk]))
    item.refresh_from_db()
    assert not item.voting_open
    for username in VOTERS:
        _declare(_client(reviews.user(username)), app)
    html = chair.get(detail).content.decode()
    assert f'id="undeclared-{item.pk}"' not in html
    assert (
        member.post(reverse("reviews:voting_open", args=[meeting.pk, item.pk])).status_code == 403
    )
    chair.post(reverse("reviews:voting_open", args=[meeting.pk, item.pk]))
    item.refresh_from_db()
    assert item.voting_open
    html = member.get(detail).content.decode()
    assert "vote-form" in html
    for username in VOTERS:
        r = _client(reviews.user(username)).post(
            reverse("reviews:vote_cast", args=[meeting.pk, item.pk]), {"choice": "approve"}
        )
        assert r.status_code == 302
    assert Vote.objects.count() == 7
    fragment = member.get(reverse("reviews:item_quorum", args=[meeting.pk, item.pk]))
    assert fragment.status_code == 200
    r = chair.post(reverse("reviews:voting_close", args=[meeting.pk, item.pk]), {})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == "decided" and app.decision == "approve"
    assert 'id="tally-' in chair.get(detail).content.decode()
    assert _client(reviews.net.applicant_b).get(detail).status_code == 404
    r = chair.post(reverse("reviews:meeting_close", args=[meeting.pk]), {"minutes": "ok"})
    meeting.refresh_from_db()
    assert meeting.status == "closed"


def test_simplified_page_and_actions(reviews: ReviewNetwork) -> None:
    app = _app(reviews, procedure="simplified")
    chair = _client(reviews.net.chair_a)
    url = reverse("reviews:simplified", args=[app.pk])
    assert chair.get(url).status_code == 200
    assert _client(reviews.net.applicant_a).get(url).status_code == 404
    ids = [reviews.members["member_ai"].pk, reviews.members["member_law"].pk]
    r = _client(reviews.user("member_ai")).post(
        reverse("reviews:simplified_name", args=[app.pk]), {"members": ids}
    )
    assert r.status_code == 403
    chair.post(reverse("reviews:simplified_name", args=[app.pk]), {"members": ids})
    assert app.simplified_opinions.count() == 2
    reviewer = _client(reviews.user("member_ai"))
    assert 'id="declare-notice"' in reviewer.get(url).content.decode()
    r = reviewer.post(reverse("reviews:simplified_opinion", args=[app.pk]), {"view": "approve"})
    assert r.status_code == 302 and not app.simplified_opinions.filter(given_at__isnull=False)
    _declare(reviewer, app)
    page = reviewer.get(url).content.decode()
    assert 'id="opinion-form"' in page and 'id="declare-notice"' not in page
    _declare(_client(reviews.user("member_law")), app)
    for username in ("member_ai", "member_law"):
        _client(reviews.user(username)).post(
            reverse("reviews:simplified_opinion", args=[app.pk]),
            {"view": "approve_after_modification"},
        )
    page = chair.get(url).content.decode()
    assert 'data-status="awaiting_chair"' in page
    chair.post(
        reverse("reviews:simplified_conclude", args=[app.pk]),
        {"required_changes": "Add logging\n", "reasons": ""},
    )
    app.refresh_from_db()
    assert app.decision == "approve_after_modification"
    assert app.required_changes == ["Add logging"]


def test_appeal_pages(reviews: ReviewNetwork) -> None:
    app = _app(
        reviews, status="decided", decision="not_approve", reasons=["x"], decided_at=timezone.now()
    )
    applicant = _client(reviews.net.applicant_a)
    url = reverse("reviews:appeal_file", args=[app.pk])
    assert applicant.get(url).status_code == 200
    assert _client(reviews.net.chair_a).get(url).status_code == 403
    assert applicant.post(url, {"grounds": ""}).status_code == 422
    assert applicant.post(url, {"grounds": "New facts"}).status_code == 302
    appeal = Appeal.objects.get()
    decide = reverse("reviews:appeal_decide", args=[appeal.pk])
    assert applicant.get(decide).status_code == 403
    assert _client(reviews.net.applicant_b).get(decide).status_code == 404
    chair = _client(reviews.net.chair_a)
    assert chair.get(decide).status_code == 200
    assert chair.post(decide, {"outcome": "dismissed", "response": "No"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.outcome == "dismissed"


def test_reschedule_page_moves_a_meeting_to_now_and_notifies(reviews: ReviewNetwork) -> None:
    """A meeting not yet due is held only after it is rescheduled (recorded, members told)."""
    chair = _client(reviews.net.chair_a)
    meeting = meetings_services.meeting_create(
        actor=reviews.net.chair_a,
        body=reviews.committee,
        scheduled_for=timezone.now() + timedelta(hours=2),
    )
    detail = reverse("reviews:meeting_detail", args=[meeting.pk])
    html = chair.get(detail).content.decode()
    assert 'id="not-yet"' in html and 'id="reschedule"' in html
    present = [reviews.members[u].pk for u in VOTERS]
    chair.post(reverse("reviews:attendance_set", args=[meeting.pk]), {"present": present})
    meeting.refresh_from_db()
    assert meeting.status == "scheduled" and not meeting.attendance.exists()
    url = reverse("reviews:meeting_reschedule", args=[meeting.pk])
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    r = chair.post(url, {"scheduled_for": now, "reason": ""})
    assert r.status_code == 422
    assert (
        _client(reviews.user("member_ai"))
        .post(url, {"scheduled_for": now, "reason": "x"})
        .status_code
        == 403
    )
    r = chair.post(url, {"scheduled_for": now, "reason": "Everyone is here early."})
    assert r.status_code == 302
    meeting.refresh_from_db()
    assert meeting.reschedules.get().reason == "Everyone is here early."
    assert "Everyone is here early." in chair.get(detail).content.decode()
    chair.post(reverse("reviews:attendance_set", args=[meeting.pk]), {"present": present})
    meeting.refresh_from_db()
    assert meeting.status == "open"


def test_chair_records_the_declaration_of_a_member_without_an_account(
    reviews: ReviewNetwork,
) -> None:
    app = _app(reviews, procedure="general")
    consultant = reviews.members["consultant_a"]
    url = reverse("reviews:declaration", args=[app.pk]) + f"?member={consultant.pk}"
    chair = _client(reviews.net.chair_a)
    assert 'id="on-behalf"' in chair.get(url).content.decode()
    assert _client(reviews.user("member_ai")).get(url).status_code == 403
    own = reverse("reviews:declaration", args=[app.pk])
    assert chair.get(own + f"?member={reviews.members['member_ai'].pk}").status_code == 404
    r = chair.post(url, {"statement": ""})
    assert r.status_code == 302
    assert meetings_selectors.has_declared(consultant, app)


def test_panel_summarises_with_links(reviews: ReviewNetwork) -> None:
    app = _app(reviews, procedure="general")
    meeting = meetings_services.meeting_create(
        actor=reviews.net.chair_a, body=reviews.committee, scheduled_for=timezone.now()
    )
    meetings_services.agenda_add(actor=reviews.net.chair_a, meeting=meeting, application=app)
    request = RequestFactory().get("/")
    request.user = reviews.net.chair_a
    html = meetings_panels.panel(request, app)
    assert reverse("reviews:workspace", args=[app.pk]) in html
    assert reverse("reviews:meeting_detail", args=[meeting.pk]) in html
    request.user = reviews.net.applicant_a
    html = meetings_panels.panel(request, app)
    assert reverse("reviews:meeting_detail", args=[meeting.pk]) not in html
    decided = _app(
        reviews, status="decided", decision="not_approve", reasons=["x"], decided_at=timezone.now()
    )
    assert reverse("reviews:appeal_file", args=[decided.pk]) in meetings_panels.panel(
        request, decided
    )
    draft = _app(reviews, status="draft")
    assert meetings_panels.panel(request, draft) == ""
