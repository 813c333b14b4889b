"""The JSON API of meetings, workspace, simplified procedure and appeals."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from tests.web.factories import bearer_client
from tests.web.reviews.factories import ReviewNetwork, make_application
from tianping.web.reviews.models import Application, Comment, Meeting

VOTERS = [
    "chair_a",
    "member_ai",
    "member_domain",
    "member_law",
    "member_ext",
    "member_other",
    "member_f",
]
BASE = "/api/reviews"


def _post(client: Client, url: str, data: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(
        f"{BASE}{url}", data=json.dumps(data), content_type="application/json"
    )


def _app(reviews: ReviewNetwork, **extra: Any) -> Application:
    extra.setdefault("status", "under_review")
    return make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        **extra,
    )


def test_api_flow_from_meeting_to_decision(reviews: ReviewNetwork) -> None:
    app = _app(reviews, procedure="general")
    chair = bearer_client(reviews.net.chair_a)
    r = _post(
        chair,
        f"/bodies/{reviews.committee.pk}/meetings",
        {
            "scheduled_for": timezone.now().isoformat(),
            "location": "Room 2",
            "consultants": ["Dr Q"],
        },
    )
    assert r.status_code == 201, r.content
    meeting_id = r.json()["id"]
    r = _post(chair, f"/meetings/{meeting_id}/agenda", {"application_id": app.pk})
    assert r.status_code == 201, r.content
    item_id = r.json()["id"]
    # Too few present: opening is refused with every shortfall.
    few = [reviews.members[u].pk for u in VOTERS[:3]]
    r = _post(chair, f"/meetings/{meeting_id}/attendance", {"present_member_ids": few}, "put")
    assert r.status_code == 200 and r.json()["present_member_ids"] == sorted(few)
    r = chair.get(f"{BASE}/meetings/{meeting_id}/items/{item_id}/quorum")
    assert r.status_code == 200 and r.json()["met"] is False
    r = _post(chair, f"/meetings/{meeting_id}/items/{item_id}/open", {})
    assert r.status_code == 422
    assert len(r.json()["detail"]["quorum"]) >= 2
    everyone = [reviews.members[u].pk for u in VOTERS]
    r = _post(chair, f"/meetings/{meeting_id}/attendance", {"present_member_ids": everyone}, "put")
    assert r.status_code == 200
    # Quorum, but member_law has not declared: the vote does not open, and the error names them.
    for username in VOTERS:
        if username != "member_law":
            r = _post(
                bearer_client(reviews.user(username)),
                f"/applications/{app.pk}/declarations",
                {"has_conflict": False},
            )
            assert r.status_code == 200 and r.json()["declared"] is True
    r = _post(chair, f"/meetings/{meeting_id}/items/{item_id}/open", {})
    assert r.status_code == 422
    assert "member_law 委员" in r.json()["detail"]["declarations"][0]
    assert "quorum" not in r.json()["detail"]
    r = _post(
        bearer_client(reviews.user("member_law")),
        f"/applications/{app.pk}/declarations",
        {"has_conflict": False},
    )
    assert r.status_code == 200
    r = _post(chair, f"/meetings/{meeting_id}/items/{item_id}/open", {})
    assert r.status_code == 200 and r.json()["voting_open"] is True
    for username in VOTERS[:5]:
        r = _post(
            bearer_client(reviews.user(username)),
            f"/meetings/{meeting_id}/items/{item_id}/votes",
            {"choice": "approve"},
        )
        assert r.status_code == 201, r.content
    r = _post(
        bearer_client(reviews.user("member_ai")),
        f"/meetings/{meeting_id}/items/{item_id}/votes",
        {"choice": "approve"},
    )
    assert r.status_code == 422
    # The applicant cannot vote; a member who is not the chair cannot close.
    r = _post(
        bearer_client(reviews.net.applicant_a),
        f"/meetings/{meeting_id}/items/{item_id}/votes",
        {"choice": "approve"},
    )
    assert r.status_code in (403, 404)
    r = _post(
        bearer_client(reviews.user("member_f")), f"/meetings/{meeting_id}/items/{item_id}/close", {}
    )
    assert r.status_code == 403
    r = _post(chair, f"/meetings/{meeting_id}/items/{item_id}/close", {})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["tally"]["decided"] is True and body["decision"] == "approve"
    assert body["application_status"] == "decided"
    r = _post(
        bearer_client(reviews.user("member_f")),
        f"/meetings/{meeting_id}/items/{item_id}/votes",
        {"choice": "approve"},
    )
    assert r.status_code == 422
    r = _post(chair, f"/meetings/{meeting_id}/close", {"minutes": "Done."})
    assert r.status_code == 200 and r.json()["status"] == "closed"


def test_api_meeting_permissions_and_other_org(reviews: ReviewNetwork) -> None:
    member = bearer_client(reviews.user("member_ai"))
    r = _post(
        member,
        f"/bodies/{reviews.committee.pk}/meetings",
        {"scheduled_for": timezone.now().isoformat()},
    )
    assert r.status_code == 403
    outsider = bearer_client(reviews.net.applicant_b)
    chair = bearer_client(reviews.net.chair_a)
    r = _post(
        chair, f"/bodies/{reviews.committee.pk}/meetings", {"scheduled_for": "2026-12-01T09:00"}
    )
    meeting_id = r.json()["id"]
    assert outsider.get(f"{BASE}/meetings/{meeting_id}").status_code == 404
    app = _app(reviews)
    assert outsider.get(f"{BASE}/applications/{app.pk}/comments").status_code == 404
    assert outsider.get(f"{BASE}/applications/{app.pk}/workspace").status_code == 404
    r = _post(
        chair, f"/bodies/{reviews.committee.pk}/meetings", {"scheduled_for": "0001-01-01T00:00"}
    )
    assert r.status_code == 422


def test_api_notes_hidden_from_the_applicant(reviews: ReviewNetwork) -> None:
    app = _app(reviews)
    member = bearer_client(reviews.user("member_ai"))
    applicant = bearer_client(reviews.net.applicant_a)
    r = _post(member, f"/applications/{app.pk}/comments", {"kind": "note", "body": "internal"})
    assert r.status_code == 201
    r = _post(member, f"/applications/{app.pk}/comments", {"kind": "question", "body": "Why?"})
    question_id = r.json()["id"]
    seen = applicant.get(f"{BASE}/applications/{app.pk}/comments").json()
    assert [c["kind"] for c in seen] == ["question"]
    assert applicant.get(f"{BASE}/applications/{app.pk}/workspace").status_code == 404
    assert applicant.get(f"{BASE}/applications/{app.pk}/declarations").status_code == 404
    r = _post(applicant, f"/applications/{app.pk}/comments", {"kind": "note", "body": "x"})
    assert r.status_code == 403
    r = _post(
        applicant,
        f"/applications/{app.pk}/comments",
        {"kind": "reply", "body": "Because.", "reply_to": question_id},
    )
    assert r.status_code == 201
    note_id = Comment.objects.get(kind="note").pk
    r = _post(
        applicant,
        f"/applications/{app.pk}/comments",
        {"kind": "reply", "body": "x", "reply_to": note_id},
    )
    assert r.status_code == 422
    r = _post(member, f"/applications/{app.pk}/comments", {"kind": "note", "body": "a\x00b"})
    assert r.status_code == 422


def test_api_declaration_and_workspace(reviews: ReviewNetwork, catalogue: None) -> None:
    app = _app(reviews)
    member = bearer_client(reviews.user("member_ai"))
    r = _post(
        member,
        f"/applications/{app.pk}/declarations",
        {"has_conflict": True, "statement": "Consultant to the applicant"},
    )
    assert r.status_code == 200 and r.json()["recused"] is True
    rows = member.get(f"{BASE}/applications/{app.pk}/declarations").json()
    assert any(r["recused"] for r in rows)
    items = member.get(f"{BASE}/applications/{app.pk}/workspace").json()["items"]
    assert items
    r = _post(
        member, f"/applications/{app.pk}/findings", {"item": items[0]["code"], "outcome": "met"}
    )
    assert r.status_code == 403  # recused
    other = bearer_client(reviews.user("member_f"))
    finding = {"item": items[0]["code"], "outcome": "met"}
    r = _post(other, f"/applications/{app.pk}/findings", finding)
    assert r.status_code == 422 and not app.item_findings.exists()  # not declared yet
    r = _post(other, f"/applications/{app.pk}/declarations", {"has_conflict": False})
    assert r.status_code == 200
    r = _post(other, f"/applications/{app.pk}/findings", finding)
    assert r.status_code == 200


def test_api_reschedule_then_hold(reviews: ReviewNetwork) -> None:
    chair = bearer_client(reviews.net.chair_a)
    later = timezone.now() + timedelta(hours=3)
    r = _post(
        chair, f"/bodies/{reviews.committee.pk}/meetings", {"scheduled_for": later.isoformat()}
    )
    meeting_id = r.json()["id"]
    everyone = [reviews.members[u].pk for u in VOTERS]
    attendance = f"/meetings/{meeting_id}/attendance"
    r = _post(chair, attendance, {"present_member_ids": everyone}, "put")
    assert r.status_code == 422 and r.json()["detail"]["__all__"]
    assert not Meeting.objects.get(pk=meeting_id).attendance.exists()
    url = f"/meetings/{meeting_id}/reschedule"
    now = timezone.now().isoformat()
    r = _post(bearer_client(reviews.user("member_ai")), url, {"scheduled_for": now, "reason": "x"})
    assert r.status_code == 403
    past = (timezone.now() - timedelta(days=1)).isoformat()
    r = _post(chair, url, {"scheduled_for": past, "reason": "Early"})
    assert r.status_code == 422
    r = _post(chair, url, {"scheduled_for": now, "reason": "Early"})
    assert r.status_code == 200, r.content
    r = _post(chair, attendance, {"present_member_ids": everyone}, "put")
    assert r.status_code == 200 and r.json()["status"] == "open"
    r = _post(chair, url, {"scheduled_for": now, "reason": "Again"})
    assert r.status_code == 422  # held: no more rescheduling


def test_api_simplified_flow_and_escalation(reviews: ReviewNetwork) -> None:
    app = _app(reviews, procedure="simplified")
    chair = bearer_client(reviews.net.chair_a)
    ids = [reviews.members["member_ai"].pk, reviews.members["member_law"].pk]
    r = _post(chair, f"/applications/{app.pk}/simplified/reviewers", {"member_ids": ids[:1]})
    assert r.status_code == 422
    r = _post(chair, f"/applications/{app.pk}/simplified/reviewers", {"member_ids": ids})
    assert r.status_code == 200 and r.json()["status"] == "awaiting_opinions"
    opinion = f"/applications/{app.pk}/simplified/opinion"
    member_ai = bearer_client(reviews.user("member_ai"))
    r = _post(member_ai, opinion, {"view": "approve"})
    assert r.status_code == 422 and "__all__" in r.json()["detail"]  # not declared yet
    for username in ("member_ai", "member_law"):
        r = _post(
            bearer_client(reviews.user(username)),
            f"/applications/{app.pk}/declarations",
            {"has_conflict": False},
        )
        assert r.status_code == 200
    r = _post(member_ai, opinion, {"view": "approve"})
    assert r.status_code == 200
    r = _post(
        bearer_client(reviews.user("member_law")),
        f"/applications/{app.pk}/simplified/opinion",
        {"view": "approve", "doubt": True},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["procedure"] == "general" and "doubt" in body["triggers"]


def test_api_appeal_flow(reviews: ReviewNetwork) -> None:
    app = _app(
        reviews,
        status="decided",
        decision="not_approve",
        reasons=["x"],
        decided_at=timezone.now(),
    )
    applicant = bearer_client(reviews.net.applicant_a)
    r = _post(applicant, f"/applications/{app.pk}/appeals", {"grounds": "New facts."})
    assert r.status_code == 201
    appeal_id = r.json()["id"]
    r = _post(applicant, f"/applications/{app.pk}/appeals", {"grounds": "Again."})
    assert r.status_code == 422
    r = _post(applicant, f"/appeals/{appeal_id}/decide", {"outcome": "upheld", "response": "x"})
    assert r.status_code == 403
    r = _post(
        bearer_client(reviews.net.applicant_b),
        f"/appeals/{appeal_id}/decide",
        {"outcome": "upheld", "response": "x"},
    )
    assert r.status_code == 404
    r = _post(
        bearer_client(reviews.net.chair_a),
        f"/appeals/{appeal_id}/decide",
        {"outcome": "upheld", "response": "Reviewed again."},
    )
    assert r.status_code == 200 and r.json()["outcome"] == "upheld"
    app.refresh_from_db()
    assert app.status == "under_review"
    assert len(applicant.get(f"{BASE}/applications/{app.pk}/appeals").json()) == 1
