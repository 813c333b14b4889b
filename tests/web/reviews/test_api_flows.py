"""Whole reviews through the JSON API only, each role with its own bearer token.

1. The general procedure at enterprise A's committee: the one notice, the bundle,
   acceptance, a meeting with its quorum and vote, the decision, the complete
   record with its ledger indices, the decision letter and the follow-up report.
2. A listed activity of enterprise B at the review centre it entrusted: the
   centre's approving vote goes to expert re-review by province B's regulator,
   whose panel of five agrees; the decision becomes final.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.web.factories import bearer_client
from tests.web.reviews.factories import ReviewNetwork
from tianping.web.reviews import library
from tianping.web.reviews.models import Member, ReviewBody

API = "/api/reviews"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
COMMITTEE_VOTERS = ["chair_a", "member_ai", "member_domain", "member_law", "member_ext"]
CENTRE_VOTERS = ["chair_c", "centre_1", "centre_2", "centre_3", "centre_4", "centre_5"]
PANEL = [["domain"], ["ethics"], ["law"], ["ai_technology"], ["other"]]


def _client(user: Any) -> Client:
    """A bearer-token client that reads the answers' messages in English."""
    client = bearer_client(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _call(client: Client, method: str, url: str, data: Any = None) -> Any:
    if data is None:
        return getattr(client, method)(f"{API}{url}")
    return getattr(client, method)(
        f"{API}{url}", data=json.dumps(data), content_type="application/json"
    )


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.content)
    return response.json()


def _bundle_ids(body: ReviewBody) -> list[str]:
    return [item.id for item in library.rules_for(body).bundle()]


def _draft_and_submit(applicant: Client, system_id: int, body: ReviewBody) -> dict[str, Any]:
    """Draft, the one notice on the first submission, supply everything, submit."""
    app = _ok(
        _call(applicant, "post", "/applications", {"system_id": system_id, "title": "Pilot"}),
        201,
    )
    pk = app["id"]
    app = _ok(_call(applicant, "post", f"/applications/{pk}/submit", {"expected_version": 0}))
    assert app["status"] == "incomplete"
    assert {i["id"] for i in app["notice"]["items"]} == set(_bundle_ids(body))
    assert app["notice"]["rule"] == "application.single_notice"
    sent_at = app["notice_sent_at"]

    # A stale version is refused; the current one is taken.
    stale = {
        "expected_version": app["version"] - 1,
        "risks": "R",
        "controls": "C",
        "residual_risk": "low",
    }
    r = _call(applicant, "put", f"/applications/{pk}/self-assessment", stale)
    assert r.status_code == 422 and "meanwhile" in json.dumps(r.json(), ensure_ascii=False)
    app = _ok(
        _call(
            applicant,
            "put",
            f"/applications/{pk}/self-assessment",
            {
                "expected_version": app["version"],
                "risks": "Unfair scores for some groups.",
                "controls": "Human review of every refusal; quarterly bias audit.",
                "residual_risk": "low",
            },
        )
    )
    # Still incomplete after the notice: refused with the list, no second notice.
    r = _call(applicant, "post", f"/applications/{pk}/submit", {"expected_version": app["version"]})
    assert r.status_code == 422, r.content
    refusal = json.dumps(r.json(), ensure_ascii=False)
    assert "still incomplete" in refusal and "plan of the activity" in refusal
    assert _ok(_call(applicant, "get", f"/applications/{pk}"))["notice_sent_at"] == sent_at

    for kind in _bundle_ids(body):
        if kind == "risk_self_assessment":
            continue
        if kind == "consent_form":
            r = _call(
                applicant,
                "post",
                f"/applications/{pk}/attachments/waive",
                {"kind": kind, "reason": "Nobody takes part as a research participant."},
            )
        else:
            r = applicant.post(
                f"{API}/applications/{pk}/attachments",
                {"kind": kind, "file": SimpleUploadedFile(f"{kind}.pdf", PDF)},
            )
        _ok(r, 201)
    app = _ok(_call(applicant, "get", f"/applications/{pk}"))
    assert app["bundle"] == {"complete": True, "missing": [], "waived": ["consent_form"]}
    app = _ok(
        _call(applicant, "post", f"/applications/{pk}/submit", {"expected_version": app["version"]})
    )
    assert app["status"] == "submitted"
    # Submitting again is refused: it was submitted already.
    r = _call(applicant, "post", f"/applications/{pk}/submit", {"expected_version": app["version"]})
    assert r.status_code == 422
    return app


def _meeting_vote(
    chair: Client,
    body: ReviewBody,
    app_id: int,
    voters: dict[str, Client],
    member_ids: list[int],
) -> dict[str, Any]:
    """Convene, put on the agenda, record attendance, open, vote, close the vote."""
    meeting = _ok(
        _call(
            chair,
            "post",
            f"/bodies/{body.pk}/meetings",
            {"scheduled_for": timezone.now().isoformat(), "location": "Room 2"},
        ),
        201,
    )
    item = _ok(
        _call(chair, "post", f"/meetings/{meeting['id']}/agenda", {"application_id": app_id}), 201
    )
    base = f"/meetings/{meeting['id']}/items/{item['id']}"
    # Two present: no quorum, opening is refused listing every shortfall.
    _ok(
        _call(
            chair,
            "put",
            f"/meetings/{meeting['id']}/attendance",
            {"present_member_ids": member_ids[:2]},
        )
    )
    quorum = _ok(_call(chair, "get", f"{base}/quorum"))
    assert quorum["met"] is False and quorum["minimum"] == 5
    r = _call(chair, "post", f"{base}/open", {})
    assert r.status_code == 422 and r.json()["detail"]["quorum"]
    _ok(
        _call(
            chair,
            "put",
            f"/meetings/{meeting['id']}/attendance",
            {"present_member_ids": member_ids},
        )
    )
    quorum = _ok(_call(chair, "get", f"{base}/quorum"))
    assert quorum["met"] is True and quorum["missing_categories"] == []
    # Quorum, but no declarations yet: the vote does not open.
    r = _call(chair, "post", f"{base}/open", {})
    assert r.status_code == 422 and r.json()["detail"]["declarations"]
    declarations = f"/applications/{app_id}/declarations"
    for member in Member.objects.filter(pk__in=member_ids).select_related("user"):
        if member.user is not None:
            _ok(_call(_client(member.user), "post", declarations, {"has_conflict": False}))
        else:
            # The chair records the declaration of a member present without an account.
            body_in = {"has_conflict": False, "member_id": member.pk}
            _ok(_call(chair, "post", declarations, body_in))
    assert _ok(_call(chair, "post", f"{base}/open", {}))["voting_open"] is True
    for client in voters.values():
        _ok(_call(client, "post", f"{base}/votes", {"choice": "approve"}), 201)
    # A second vote by the same member: 422, the first stands.
    r = _call(next(iter(voters.values())), "post", f"{base}/votes", {"choice": "not_approve"})
    assert r.status_code == 422
    assert "already voted" in json.dumps(r.json())
    closed = _ok(_call(chair, "post", f"{base}/close", {}))
    assert closed["tally"]["decided"] is True and closed["tally"]["decision"] == "approve"
    assert closed["tally"]["counts"]["approve"] == len(voters)
    _ok(_call(chair, "post", f"/meetings/{meeting['id']}/close", {"minutes": "Approved."}))
    return closed


def test_api_general_procedure_to_record_letter_and_follow_up(
    reviews: ReviewNetwork, django_capture_on_commit_callbacks: Any
) -> None:
    net = reviews.net
    applicant = _client(net.applicant_a)
    chair = _client(net.chair_a)
    app = _draft_and_submit(applicant, net.system_a.pk, reviews.committee)
    pk = app["id"]
    assert app["body_id"] == reviews.committee.pk and app["listed_activity"] is False

    # A member may not accept; the chair accepts under the general procedure.
    accept = {"expected_version": app["version"], "procedure": "general"}
    member = _client(reviews.user("member_ai"))
    assert _call(member, "post", f"/applications/{pk}/accept", accept).status_code == 403
    app = _ok(_call(chair, "post", f"/applications/{pk}/accept", accept))
    assert app["status"] == "under_review" and app["procedure"] == "general"
    assert app["due_at"] and app["accepted_at"]

    voters = {u: _client(reviews.user(u)) for u in COMMITTEE_VOTERS}
    voters["chair_a"] = chair
    everyone = [reviews.members[u].pk for u in reviews.members]  # the consultant too
    closed = _meeting_vote(chair, reviews.committee, pk, voters, everyone)
    assert closed["application_status"] == "decided" and closed["decision"] == "approve"

    app = _ok(_call(applicant, "get", f"/applications/{pk}"))
    assert (app["status"], app["decision"]) == ("decided", "approve")
    follow_ups = _ok(_call(applicant, "get", f"/applications/{pk}/follow-ups"))
    assert [f["kind"] for f in follow_ups] == ["scheduled"] and follow_ups[0]["due_on"]

    # The complete record: every event on the timeline has its ledger entry.
    record = _ok(_call(applicant, "get", f"/applications/{pk}/record"))
    assert record["format"] == "tianping.review-record/1"
    timeline = record["timeline"]
    kinds = [e["kind"] for e in timeline]
    for kind in ("created", "notice_sent", "submitted", "accepted", "voting_opened", "decided"):
        assert kind in kinds, kinds
    assert kinds.count("vote_cast") == len(voters)
    indices = [e["ledger_index"] for e in timeline]
    assert all(isinstance(i, int) for i in indices), timeline
    assert len(set(indices)) == len(indices)
    assert record["ledger"]["decision_indices"]
    assert set(record["ledger"]["decision_indices"]) <= set(indices)
    assert record["decision"]["type"] == "approve" and record["decision"]["basis"] == "meeting"
    assert all(len(a["sha256"]) == 64 for a in record["bundle"] if not a["waived_reason"])
    receipt = record["ledger"]["entries"][-1]["receipt"]
    assert applicant.get(receipt).status_code == 200

    # The decision letter: queued, not ready yet (409), rendered once the request commits.
    with django_capture_on_commit_callbacks(execute=True):
        job = _ok(
            _call(applicant, "post", f"/applications/{pk}/letters", {"language": "both"}), 201
        )
        assert applicant.get(f"{API}/letters/{job['id']}/download").status_code == 409
    assert _ok(_call(applicant, "get", f"/letters/{job['id']}"))["status"] == "done"
    pdf = applicant.get(f"{API}/letters/{job['id']}/download")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")

    # The follow-up report opens a follow-up review, already submitted.
    later = _ok(
        _call(
            applicant,
            "post",
            f"/applications/{pk}/follow-ups/{follow_ups[0]['id']}/report",
            {"report": "Three months live; no complaint; bias audit passed."},
        ),
        201,
    )
    assert later["kind"] == "follow_up" and later["previous_id"] == pk
    assert later["status"] == "submitted"
    # Only one follow-up or risk-change review open at a time.
    r = _call(applicant, "post", f"/applications/{pk}/risk-change", {"report": "New market."})
    assert r.status_code == 422


def test_api_listed_activity_through_expert_re_review(reviews: ReviewNetwork) -> None:
    net = reviews.net
    applicant = _client(net.applicant_b)
    chair = _client(reviews.chair_c)
    app = _draft_and_submit(applicant, net.system_b.pk, reviews.centre)
    pk = app["id"]
    assert app["body_id"] == reviews.centre.pk
    assert app["entrustment_id"] == reviews.entrustment.pk
    assert app["listed_activity"] is True
    app = _ok(
        _call(
            chair,
            "post",
            f"/applications/{pk}/accept",
            {"expected_version": app["version"], "procedure": "general"},
        )
    )

    voters = {u: _client(reviews.user(u)) for u in CENTRE_VOTERS}
    voters["chair_c"] = chair
    members = [m.pk for m in reviews.centre_members.values()]
    closed = _meeting_vote(chair, reviews.centre, pk, voters, members)
    # The approval is a preliminary opinion: the application goes to the authority.
    assert closed["application_status"] == "expert_review" and closed["decision"] == ""
    app = _ok(_call(applicant, "get", f"/applications/{pk}"))
    assert app["status"] == "expert_review"

    regulator = _client(net.regulator_province_b)
    listed = _ok(_call(regulator, "get", "/expert-reviews"))
    review = next(r for r in listed if r["application_id"] == pk)
    assert review["authority_id"] == net.province_b.pk and review["status"] == "requested"
    rid = review["id"]
    # Another province's regulator does not see it; the applicant may not act on it.
    other = _client(net.regulator_province_a)
    assert _call(other, "get", f"/expert-reviews/{rid}").status_code == 404
    seat = {"user_id": reviews.experts[0].pk, "disciplines": ["law"], "affiliation": "X"}
    assert _call(applicant, "post", f"/expert-reviews/{rid}/panel", seat).status_code == 403

    seats = []
    for expert_user, disciplines in zip(reviews.experts, PANEL, strict=False):
        seats.append(
            _ok(
                _call(
                    regulator,
                    "post",
                    f"/expert-reviews/{rid}/panel",
                    {
                        "user_id": expert_user.pk,
                        "disciplines": disciplines,
                        "affiliation": "Institute of AI Ethics",
                    },
                ),
                201,
            )
        )
    # Nobody declared yet: forming is refused with the finding and its citation.
    r = _call(regulator, "post", f"/expert-reviews/{rid}/form", {})
    assert r.status_code == 422
    assert "Art. 28" in json.dumps(r.json(), ensure_ascii=False)

    experts = {s["id"]: _client(u) for s, u in zip(seats, reviews.experts, strict=False)}
    for seat_id, client in experts.items():
        declared = _ok(
            _call(client, "post", f"/expert-panel-seats/{seat_id}/interests", {"interests": []})
        )
        assert declared["interests_declared"] is True
    assert (
        _ok(_call(regulator, "post", f"/expert-reviews/{rid}/form", {}))["status"] == "panel_formed"
    )
    # No opinion yet: concluding is refused with the counts.
    assert (
        _call(regulator, "post", f"/expert-reviews/{rid}/conclude", {"reasons": []}).status_code
        == 422
    )

    for seat_id, client in experts.items():
        _ok(_call(client, "post", f"/expert-panel-seats/{seat_id}/vote", {"view": "agree"}))
    seat_id, client = next(iter(experts.items()))
    r = _call(client, "post", f"/expert-panel-seats/{seat_id}/vote", {"view": "disagree"})
    assert r.status_code == 422

    concluded = _ok(_call(regulator, "post", f"/expert-reviews/{rid}/conclude", {"reasons": []}))
    assert concluded["status"] == "concluded" and concluded["opinion"] == "agree"
    assert concluded["outcome"]["agree"] == 5 and concluded["outcome"]["size"] == 5

    app = _ok(_call(applicant, "get", f"/applications/{pk}"))
    assert (app["status"], app["decision"]) == ("decided", "approve")
    record = _ok(_call(applicant, "get", f"/applications/{pk}/record"))
    assert record["decision"]["basis"] == "expert"
    assert record["expert_review"]["opinion"] == "agree"
    kinds = [e["kind"] for e in record["timeline"]]
    assert "expert_review_requested" in kinds and kinds[-1] != "expert_review_requested"
    assert all(isinstance(e["ledger_index"], int) for e in record["timeline"])
    assert len(record["ledger"]["decision_indices"]) >= 2  # the referral and the final decision
    follow_ups = _ok(_call(applicant, "get", f"/applications/{pk}/follow-ups"))
    assert len(follow_ups) == 1 and follow_ups[0]["due_on"]
