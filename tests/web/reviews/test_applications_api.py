"""The JSON API of applications, review bodies and entrustments."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tests.web.factories import bearer_client
from tests.web.reviews.factories import ReviewNetwork
from tests.web.reviews.test_applications_services import PDF
from tianping.web.reviews import library
from tianping.web.reviews.models import Application

API = "/api/reviews"


def test_full_flow_draft_notice_submit_accept_extend(reviews: ReviewNetwork) -> None:
    """application.single_notice (Measures 2023 Art. 10); emergency.deadline_hours."""
    net = reviews.net
    applicant = bearer_client(net.applicant_a)
    response = applicant.post(
        f"{API}/applications",
        {"system_id": net.system_a.pk, "title": "Pilot", "team": ["member_ai"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    app = response.json()
    assert app["body_id"] == reviews.committee.pk and app["status"] == "draft"
    assert app["self_assessment"]["tier"] == "low"
    pk = app["id"]

    # First submission: incomplete, one notice listing everything.
    response = applicant.post(
        f"{API}/applications/{pk}/submit",
        {"expected_version": app["version"]},
        content_type="application/json",
    )
    app = response.json()
    assert app["status"] == "incomplete"
    missing = [i["id"] for i in app["notice"]["items"]]
    assert "risk_self_assessment" in missing and "plan" in missing
    assert app["bundle"]["complete"] is False

    # Supply everything.
    response = applicant.put(
        f"{API}/applications/{pk}/self-assessment",
        {
            "expected_version": app["version"],
            "risks": "Bias.",
            "controls": "Audit.",
            "residual_risk": "low",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    rules = library.rules_for(reviews.committee)
    for item in rules.bundle():
        if item.id == "risk_self_assessment":
            continue
        if item.waivable:
            r = applicant.post(
                f"{API}/applications/{pk}/attachments/waive",
                {"kind": item.id, "reason": "No participants."},
                content_type="application/json",
            )
        else:
            r = applicant.post(
                f"{API}/applications/{pk}/attachments",
                {"kind": item.id, "file": SimpleUploadedFile(f"{item.id}.pdf", PDF)},
            )
        assert r.status_code == 201, r.content
    app = applicant.get(f"{API}/applications/{pk}").json()
    assert app["bundle"]["complete"] is True
    response = applicant.post(
        f"{API}/applications/{pk}/submit",
        {"expected_version": app["version"]},
        content_type="application/json",
    )
    app = response.json()
    assert app["status"] == "submitted"

    # Double submission: 422, nothing changes.
    again = applicant.post(
        f"{API}/applications/{pk}/submit",
        {"expected_version": app["version"]},
        content_type="application/json",
    )
    assert again.status_code == 422

    # A member who is not chair: 403; the chair accepts under the emergency procedure.
    member = bearer_client(reviews.user("member_ai"))
    body = {"expected_version": app["version"], "procedure": "emergency"}
    assert (
        member.post(
            f"{API}/applications/{pk}/accept", body, content_type="application/json"
        ).status_code
        == 403
    )
    chair = bearer_client(net.chair_a)
    app = chair.post(f"{API}/applications/{pk}/accept", body, content_type="application/json")
    assert app.status_code == 200
    app = app.json()
    assert app["status"] == "under_review" and app["procedure"] == "emergency"

    no_reason = chair.post(
        f"{API}/applications/{pk}/extensions",
        {"expected_version": app["version"], "length": 6},
        content_type="application/json",
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["detail"]
    extended = chair.post(
        f"{API}/applications/{pk}/extensions",
        {"expected_version": app["version"], "length": 6, "reason": "Expert opinion"},
        content_type="application/json",
    )
    assert extended.status_code == 201
    assert extended.json()["extensions"][0]["hours"] == 6


def test_entrusted_centre_routing_for_enterprise_b(reviews: ReviewNetwork) -> None:
    net = reviews.net
    response = bearer_client(net.applicant_b).post(
        f"{API}/applications",
        {"system_id": net.system_b.pk, "title": "Screening"},
        content_type="application/json",
    )
    assert response.status_code == 201
    data = response.json()
    assert data["body_id"] == reviews.centre.pk
    assert data["entrustment_id"] == reviews.entrustment.pk and data["listed_activity"] is True
    # Enterprise A cannot see it.
    assert bearer_client(net.applicant_a).get(f"{API}/applications/{data['id']}").status_code == 404


def test_upload_wrong_type_and_too_large(reviews: ReviewNetwork) -> None:
    net = reviews.net
    client = bearer_client(net.applicant_a)
    pk = client.post(
        f"{API}/applications",
        {"system_id": net.system_a.pk, "title": "Pilot"},
        content_type="application/json",
    ).json()["id"]
    exe = client.post(
        f"{API}/applications/{pk}/attachments",
        {"kind": "plan", "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00\x03binary\x00")},
    )
    assert exe.status_code == 422 and "file" in exe.json()["detail"]
    with override_settings(TIANPING_MAX_ATTACHMENT_BYTES=32):
        big = client.post(
            f"{API}/applications/{pk}/attachments",
            {"kind": "plan", "file": SimpleUploadedFile("x.pdf", PDF + b"x" * 64)},
        )
    # Cut off while it arrives, before the service sees it (tianping.web.uploads).
    assert big.status_code == 413 and big.json()["detail"]
    assert Application.objects.get(pk=pk).attachments.count() == 0


def test_stale_version_is_422(reviews: ReviewNetwork) -> None:
    net = reviews.net
    client = bearer_client(net.applicant_a)
    app = client.post(
        f"{API}/applications",
        {"system_id": net.system_a.pk, "title": "Pilot"},
        content_type="application/json",
    ).json()
    ok = client.patch(
        f"{API}/applications/{app['id']}",
        {"expected_version": app["version"], "title": "Renamed"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["title"] == "Renamed"
    stale = client.patch(
        f"{API}/applications/{app['id']}",
        {"expected_version": app["version"], "title": "Stale"},
        content_type="application/json",
    )
    assert stale.status_code == 422


def test_body_api_roster_composition_reminders(reviews: ReviewNetwork) -> None:
    chair = bearer_client(reviews.net.chair_a)
    url = f"{API}/bodies/{reviews.committee.pk}"
    data = chair.get(url).json()
    assert data["composition"]["ok"] is True and len(data["members"]) == 8
    assert "reminders" in data["reminders"]
    added = chair.post(
        f"{url}/members",
        {
            "name": "New",
            "disciplines": ["law"],
            "gender": "female",
            "affiliation": "Uni",
            "term_start": "2026-01-01",
            "term_end": "2030-12-31",
            "training": [{"course": "Ethics", "completed_on": "2026-01-05"}],
        },
        content_type="application/json",
    )
    assert added.status_code == 201, added.content
    member_id = added.json()["id"]
    patched = chair.patch(
        f"{url}/members/{member_id}", {"role": "consultant"}, content_type="application/json"
    )
    assert patched.json()["role"] == "consultant"
    bad = chair.patch(
        f"{url}/members/{member_id}", {"term_end": "2000-01-01"}, content_type="application/json"
    )
    assert bad.status_code == 422
    off = chair.post(f"{url}/members/{member_id}/deactivate")
    assert off.json()["active"] is False
    member = bearer_client(reviews.user("member_ai"))
    assert member.post(f"{url}/members/{member_id}/deactivate").status_code == 403
    assert bearer_client(reviews.net.outsider).get(url).status_code == 404


def test_entrustment_api(reviews: ReviewNetwork) -> None:
    net = reviews.net
    client = bearer_client(net.applicant_b)
    assert [e["id"] for e in client.get(f"{API}/entrustments").json()] == [reviews.entrustment.pk]
    created = client.post(
        f"{API}/entrustments",
        {
            "organisation_id": net.enterprise_b.pk,
            "centre_id": reviews.centre.pk,
            "agreement_reference": "WT-7",
            "signed_on": "2026-02-01",
            "document": SimpleUploadedFile("agreement.pdf", PDF),
        },
    )
    assert created.status_code == 201, created.content
    assert len(created.json()["document_sha256"]) == 64
    revoked = client.post(f"{API}/entrustments/{created.json()['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.post(f"{API}/entrustments/{created.json()['id']}/revoke").status_code == 422
