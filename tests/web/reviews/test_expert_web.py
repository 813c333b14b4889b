"""Expert re-review and aftercare through the pages and the JSON API."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from tests.web.factories import bearer_client, logged_in_client
from tests.web.reviews.expert_support import (
    PANEL_DISCIPLINES,
    authority_user,
    formed_panel,
    in_expert_review,
    other_regulator,
    seat_experts,
    vote,
)
from tests.web.reviews.factories import ReviewNetwork
from tianping.web.reviews.expert import panels as expert_panels
from tianping.web.reviews.expert import services as expert_services
from tianping.web.reviews.models import Application, ExpertReview, FollowUp


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- API: a whole expert re-review ---------------------------------------------------------


def test_api_flow_through_a_whole_expert_re_review(reviews: ReviewNetwork) -> None:
    app = in_expert_review(reviews)
    review = app.expert_review
    authority = bearer_client(authority_user(reviews))
    base = f"/api/reviews/expert-reviews/{review.pk}"

    listed = authority.get("/api/reviews/expert-reviews").json()
    assert [r["id"] for r in listed] == [review.pk]

    seats = []
    for i in range(4):
        response = authority.post(
            f"{base}/panel",
            {
                "user_id": reviews.experts[i].pk,
                "disciplines": PANEL_DISCIPLINES[i],
                "affiliation": "Institute",
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        seats.append(response.json()["id"])
    # a named expert without an account; the authority declares on their behalf
    named = authority.post(
        f"{base}/panel",
        {"name": "Prof. Zhao", "disciplines": ["law"], "affiliation": "Law School"},
        content_type="application/json",
    ).json()
    assert named["user"] is None

    refused = authority.post(f"{base}/form", content_type="application/json")
    assert refused.status_code == 422
    findings = refused.json()["detail"]["__all__"]
    assert len(findings) == 5  # five undeclared interests, each with its citation
    assert all("第二十八条" in m for m in findings)

    for i, seat in enumerate(seats):
        response = bearer_client(reviews.experts[i]).post(
            f"/api/reviews/expert-panel-seats/{seat}/interests",
            {"interests": []},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
    assert (
        authority.post(
            f"/api/reviews/expert-panel-seats/{named['id']}/interests",
            {"interests": [{"party": "Fund X", "description": "Grant 2023"}]},
            content_type="application/json",
        ).status_code
        == 200
    )
    formed = authority.post(f"{base}/form", content_type="application/json")
    assert formed.status_code == 200 and formed.json()["status"] == "panel_formed"

    early = authority.post(f"{base}/conclude", {"reasons": []}, content_type="application/json")
    assert early.status_code == 422

    for i, seat in enumerate(seats):
        expert_client = bearer_client(reviews.experts[i])
        mine = expert_client.get("/api/reviews/expert-panel-seats").json()
        assert [s["id"] for s in mine] == [seat]
        response = expert_client.post(
            f"/api/reviews/expert-panel-seats/{seat}/vote",
            {"view": "agree", "comment": "Controls adequate"},
            content_type="application/json",
        )
        assert response.status_code == 200
    twice = bearer_client(reviews.experts[0]).post(
        f"/api/reviews/expert-panel-seats/{seats[0]}/vote",
        {"view": "disagree"},
        content_type="application/json",
    )
    assert twice.status_code == 422

    # 4 of 5 agree, the named expert never votes: 4/5 ≥ 2/3 → agree
    done = authority.post(f"{base}/conclude", {"reasons": []}, content_type="application/json")
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["opinion"] == "agree" and body["outcome"]["absent"] == 1
    app.refresh_from_db()
    assert app.status == Application.Status.DECIDED and app.decision_basis == "expert"

    proposal = authority.post(
        f"{base}/proposal",
        {"proposal": "Keep this category on the list"},
        content_type="application/json",
    )
    assert proposal.status_code == 200
    stats = authority.get("/api/reviews/statistics").json()
    assert stats["re_reviews"]["by_opinion"] == {"agree": 1}

    follow_ups = bearer_client(reviews.net.applicant_a).get(
        f"/api/reviews/applications/{app.pk}/follow-ups"
    )
    assert follow_ups.status_code == 200 and len(follow_ups.json()) == 1


def test_api_conclude_by_non_authority_and_other_province(reviews: ReviewNetwork) -> None:
    _app, review, _authority, seats = formed_panel(reviews, 5)
    vote(reviews, seats, ["agree"] * 5)
    url = f"/api/reviews/expert-reviews/{review.pk}/conclude"
    payload = {"reasons": []}
    not_authority = bearer_client(other_regulator(reviews)).post(
        url, payload, content_type="application/json"
    )
    assert not_authority.status_code == 403
    assert (
        bearer_client(reviews.net.chair_a)
        .post(url, payload, content_type="application/json")
        .status_code
        == 403
    )
    other_province = bearer_client(reviews.net.regulator_province_b).post(
        url, payload, content_type="application/json"
    )
    assert other_province.status_code == 404
    assert (
        bearer_client(reviews.net.applicant_b)
        .get(f"/api/reviews/expert-reviews/{review.pk}")
        .status_code
        == 404
    )
    review.refresh_from_db()
    assert review.status == ExpertReview.Status.PANEL_FORMED


def test_api_bad_input(reviews: ReviewNetwork) -> None:
    app = in_expert_review(reviews)
    authority = bearer_client(authority_user(reviews))
    base = f"/api/reviews/expert-reviews/{app.expert_review.pk}/panel"
    for payload in (
        {"name": "X", "disciplines": ["astrology"], "affiliation": "A"},
        {"name": "X", "disciplines": [], "affiliation": "A"},
        {"name": "X\x00", "disciplines": ["law"], "affiliation": "A"},
        {"disciplines": ["law"], "affiliation": "A"},
        {"user_id": 10**12, "disciplines": ["law"], "affiliation": "A"},
        {"name": "x" * 500, "disciplines": ["law"], "affiliation": "A"},
    ):
        response = authority.post(base, payload, content_type="application/json")
        assert response.status_code == 422, (payload, response.content)
    assert authority.get("/api/reviews/expert-reviews/abc").status_code in (404, 422)
    assert authority.get("/api/reviews/expert-reviews/999999").status_code == 404
    assert not app.expert_review.panel.exists()


def test_api_aftercare(reviews: ReviewNetwork) -> None:
    app, review, authority, seats = formed_panel(reviews, 5)
    vote(reviews, seats, ["agree"] * 5)

    expert_services.panel_conclude(actor=authority, review=review)
    app.refresh_from_db()
    applicant = bearer_client(reviews.net.applicant_a)
    chair = bearer_client(reviews.net.chair_a)
    fu = FollowUp.objects.get(application=app)

    response = applicant.post(
        f"/api/reviews/applications/{app.pk}/follow-ups/{fu.pk}/report",
        {"report": "Six months in, no incident."},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["kind"] == "follow_up"
    again = applicant.post(
        f"/api/reviews/applications/{app.pk}/risk-change",
        {"report": "x"},
        content_type="application/json",
    )
    assert again.status_code == 422  # a review of the activity is already open

    url = f"/api/reviews/applications/{app.pk}"
    assert (
        chair.post(f"{url}/suspend", {"reason": ""}, content_type="application/json").status_code
        == 422
    )
    assert (
        applicant.post(
            f"{url}/suspend", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    suspended = chair.post(f"{url}/suspend", {"reason": "Audit"}, content_type="application/json")
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    ended = chair.post(f"{url}/terminate", {"reason": "End"}, content_type="application/json")
    assert ended.json()["status"] == "terminated"
    assert (
        chair.post(f"{url}/resume", {"reason": "x"}, content_type="application/json").status_code
        == 422
    )
    assert (
        bearer_client(reviews.net.applicant_b)
        .post(f"{url}/suspend", {"reason": "x"}, content_type="application/json")
        .status_code
        == 404
    )


# --- pages ---------------------------------------------------------------------------------


def test_authority_pages_list_the_failing_checks(reviews: ReviewNetwork) -> None:
    app = in_expert_review(reviews)
    review = app.expert_review
    authority = authority_user(reviews)
    seat_experts(reviews, review, authority, 4)
    client = english(logged_in_client(authority))
    assert reviews_listed(client, review)
    response = client.post(f"/reviews/expert/{review.pk}/form/")
    assert response.status_code == 422
    assert b"Art. 28" in response.content and b"panel-findings" in response.content
    response = client.post(
        f"/reviews/expert/{review.pk}/panel/add/",
        {"name": "Prof. Sun", "disciplines": ["law"], "affiliation": "Uni"},
    )
    assert response.status_code == 302
    assert review.panel.count() == 5
    other = english(logged_in_client(other_regulator(reviews)))
    assert other.get(f"/reviews/expert/{review.pk}/").status_code == 200
    assert other.post(f"/reviews/expert/{review.pk}/form/").status_code == 403
    outsider = logged_in_client(reviews.net.regulator_province_b)
    assert outsider.get(f"/reviews/expert/{review.pk}/").status_code == 404
    assert client.get("/reviews/expert/statistics/").status_code == 200
    assert (
        logged_in_client(reviews.net.applicant_a).get("/reviews/expert/statistics/").status_code
        == 403
    )


def reviews_listed(client: Client, review: ExpertReview) -> bool:
    response = client.get("/reviews/expert/")
    return response.status_code == 200 and review.application.reference in response.content.decode()


def test_expert_pages_declare_and_vote(reviews: ReviewNetwork) -> None:
    _app, review, _authority, seats = formed_panel(reviews, 5)
    client = english(logged_in_client(reviews.experts[0]))
    mine = client.get("/reviews/expert/mine/")
    assert mine.status_code == 200 and review.application.reference in mine.content.decode()
    page = client.get(f"/reviews/expert/seats/{seats[0].pk}/")
    assert page.status_code == 200 and b"Record my view" in page.content
    assert (
        client.post(f"/reviews/expert/seats/{seats[0].pk}/vote/", {"view": "maybe"}).status_code
        == 422
    )
    assert (
        client.post(f"/reviews/expert/seats/{seats[0].pk}/vote/", {"view": "agree"}).status_code
        == 302
    )
    again = client.post(f"/reviews/expert/seats/{seats[0].pk}/vote/", {"view": "agree"})
    assert again.status_code == 422 and b"already voted" in again.content
    other = logged_in_client(reviews.experts[1])
    assert (
        other.post(f"/reviews/expert/seats/{seats[0].pk}/vote/", {"view": "agree"}).status_code
        == 403
    )
    # Another expert's seat is not theirs to read: 404, as for any object out of reach.
    assert other.get(f"/reviews/expert/seats/{seats[0].pk}/").status_code == 404


def test_aftercare_pages_and_panel_section(reviews: ReviewNetwork) -> None:
    app, review, authority, seats = formed_panel(reviews, 5)
    vote(reviews, seats, ["agree"] * 5)

    expert_services.panel_conclude(actor=authority, review=review)
    app.refresh_from_db()
    request = RequestFactory().get("/")
    request.user = reviews.net.applicant_a
    html = expert_panels.panel(request, app)
    assert "aftercare-panel" in html and "risk-change" in html and "suspend" not in html
    request.user = reviews.net.chair_a
    html = expert_panels.panel(request, app)
    assert "/aftercare/suspend/" in html and "risk-change" not in html

    chair = english(logged_in_client(reviews.net.chair_a))
    url = f"/reviews/applications/{app.pk}/aftercare/suspend/"
    assert chair.get(url).status_code == 200
    assert chair.post(url, {"reason": ""}).status_code == 422
    assert chair.post(url, {"reason": "Incident"}).status_code == 302
    app.refresh_from_db()
    assert app.status == Application.Status.SUSPENDED
    assert logged_in_client(reviews.net.applicant_a).post(url, {"reason": "x"}).status_code == 403
    assert chair.get(f"/reviews/applications/{app.pk}/aftercare/explode/").status_code == 404

    applicant = english(logged_in_client(reviews.net.applicant_a))
    fu = FollowUp.objects.get(application=app)
    report_url = f"/reviews/applications/{app.pk}/aftercare/follow-ups/{fu.pk}/report/"
    assert applicant.get(report_url).status_code == 200
    assert applicant.post(report_url, {"report": "All fine"}).status_code == 302
    assert FollowUp.objects.get(pk=fu.pk).review is not None
    assert logged_in_client(reviews.net.applicant_b).get(report_url).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/reviews/expert/", "/reviews/expert/mine/", "/reviews/expert/statistics/"],
)
def test_pages_need_login(client: Client, path: str) -> None:
    assert client.get(path).status_code == 302
