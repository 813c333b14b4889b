"""Pages of applications, review bodies and entrustments."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.web.factories import logged_in_client
from tests.web.reviews.factories import ReviewNetwork, make_application
from tests.web.reviews.test_applications_services import PDF, complete_bundle, draft
from tianping.web.reviews.models import Application, Member


def english(user: object) -> Client:
    client = logged_in_client(user)  # type: ignore[arg-type]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_system_page_links_to_request_review(reviews: ReviewNetwork) -> None:
    net = reviews.net
    page = english(net.applicant_a).get(reverse("systems:detail", args=[net.system_a.pk]))
    assert reverse("reviews:application_create", args=[net.system_a.pk]) in page.content.decode()


def test_create_application_through_the_form(reviews: ReviewNetwork) -> None:
    net = reviews.net
    client = english(net.applicant_a)
    url = reverse("reviews:application_create", args=[net.system_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and "your ethics committee" in page.content.decode()
    response = client.post(url, {"title": "Pilot", "summary": "", "team": "a\nb", "parties": ""})
    app = Application.objects.get()
    assert response.status_code == 302 and app.team == ["a", "b"]
    detail = client.get(reverse("reviews:application_detail", args=[app.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200 and app.reference in body and 'id="checklist"' in body


def test_routing_error_for_unentrusted_enterprise(reviews: ReviewNetwork) -> None:
    net = reviews.net
    reviews.entrustment.delete()
    client = english(net.applicant_b)
    url = reverse("reviews:application_create", args=[net.system_b.pk])
    assert "entrust a review centre" in client.get(url).content.decode().lower()
    response = client.post(url, {"title": "x"})
    assert (
        response.status_code == 200
        and "entrust a review centre" in response.content.decode().lower()
    )
    assert not Application.objects.exists()


def test_application_invisible_to_another_org_is_404(reviews: ReviewNetwork) -> None:
    app = draft(reviews)
    client = logged_in_client(reviews.net.applicant_b)
    assert client.get(reverse("reviews:application_detail", args=[app.pk])).status_code == 404
    att_url = reverse("reviews:attachment_add", args=[app.pk])
    assert client.post(att_url).status_code == 404
    assert (
        client.get(reverse("reviews:application_list")).content.decode().count(app.reference) == 0
    )


def test_attachment_upload_download_and_wrong_type(reviews: ReviewNetwork) -> None:
    net = reviews.net
    app = draft(reviews)
    client = english(net.applicant_a)
    url = reverse("reviews:attachment_add", args=[app.pk])
    client.post(
        url,
        {
            "kind": "plan",
            "expected_version": app.version,
            "file": SimpleUploadedFile("plan.pdf", PDF),
        },
    )
    att = app.attachments.get()
    download = client.get(reverse("reviews:attachment_download", args=[app.pk, att.pk]))
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    other = logged_in_client(net.applicant_b)
    assert (
        other.get(reverse("reviews:attachment_download", args=[app.pk, att.pk])).status_code == 404
    )
    app.refresh_from_db()
    response = client.post(
        url,
        {
            "kind": "plan",
            "expected_version": app.version,
            "file": SimpleUploadedFile("evil.pdf", b"<html><script>x</script></html>"),
        },
        follow=True,
    )
    assert "not accepted" in response.content.decode()
    assert app.attachments.count() == 1


def test_submit_incomplete_shows_the_notice_then_refuses(reviews: ReviewNetwork) -> None:
    net = reviews.net
    app = draft(reviews)
    client = english(net.applicant_a)
    url = reverse("reviews:application_submit", args=[app.pk])
    page = client.post(url, {"expected_version": app.version}, follow=True).content.decode()
    app.refresh_from_db()
    assert app.status == Application.Status.INCOMPLETE
    assert 'id="notice"' in page and "emergency plan" in page
    page = client.post(url, {"expected_version": app.version}, follow=True).content.decode()
    assert "still incomplete" in page


def test_stale_page_gives_a_clear_error(reviews: ReviewNetwork) -> None:
    net = reviews.net
    app = complete_bundle(draft(reviews), net.applicant_a)
    client = english(net.applicant_a)
    page = client.post(
        reverse("reviews:application_submit", args=[app.pk]),
        {"expected_version": app.version - 1},
        follow=True,
    ).content.decode()
    assert "reload the page" in page
    app.refresh_from_db()
    assert app.status == Application.Status.DRAFT


def test_accept_by_member_not_chair_is_403_and_chair_accepts(reviews: ReviewNetwork) -> None:
    net = reviews.net
    app = make_application(
        system=net.system_a,
        body=reviews.committee,
        applicant=net.applicant_a,
        status=Application.Status.SUBMITTED,
    )
    url = reverse("reviews:application_accept", args=[app.pk])
    data = {"procedure": "general", "ground": "", "expected_version": app.version}
    member = logged_in_client(reviews.user("member_ai"))
    assert member.post(url, data).status_code == 403
    chair = english(net.chair_a)
    page = chair.get(reverse("reviews:application_detail", args=[app.pk])).content.decode()
    assert 'id="accept-form"' in page and 'id="materials-form"' in page
    chair.post(url, data)
    app.refresh_from_db()
    assert app.status == Application.Status.UNDER_REVIEW and app.due_at is not None
    page = chair.get(reverse("reviews:application_detail", args=[app.pk])).content.decode()
    assert 'id="extension-form"' in page and "left" in page
    response = chair.post(
        reverse("reviews:deadline_extend", args=[app.pk]),
        {"length": 5, "reason": "", "expected_version": app.version},
        follow=True,
    )
    assert "reason" in response.content.decode().lower()
    assert not app.extensions.exists()


def test_application_list_filters(reviews: ReviewNetwork) -> None:
    app = draft(reviews)
    client = logged_in_client(reviews.net.applicant_a)
    url = reverse("reviews:application_list")
    assert app.reference in client.get(url).content.decode()
    assert app.reference not in client.get(url, {"status": "submitted"}).content.decode()
    assert app.reference in client.get(url, {"status": "draft"}).content.decode()
    assert client.get(url, {"status": "bogus", "body": "x"}).status_code == 200


def test_body_page_shows_roster_composition_and_forms(reviews: ReviewNetwork) -> None:
    client = english(reviews.net.chair_a)
    page = client.get(reverse("reviews:body_detail", args=[reviews.committee.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="roster"' in html and "Properly constituted" in html
    assert 'id="registration-form"' in html
    member = reviews.members["member_law"]
    client.post(reverse("reviews:member_deactivate", args=[reviews.committee.pk, member.pk]))
    html = client.get(reverse("reviews:body_detail", args=[reviews.committee.pk])).content.decode()
    assert 'id="composition-findings"' in html and "Art. 7" in html


def test_member_add_form_and_403_for_a_member(reviews: ReviewNetwork) -> None:
    url = reverse("reviews:member_add", args=[reviews.committee.pk])
    assert logged_in_client(reviews.user("member_ai")).get(url).status_code == 403
    client = english(reviews.net.chair_a)
    data = {
        "name": "New",
        "role": "member",
        "disciplines": ["law"],
        "gender": "male",
        "affiliation": "Uni",
        "term_start": "2026-01-01",
        "term_end": "2025-01-01",
        "pledges": ["confidentiality"],
        "interests": "Fund A | adviser",
        "training": "",
        "username": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "cannot end before" in response.content.decode()
    response = client.post(url, {**data, "term_end": "2030-12-31"})
    assert response.status_code == 302
    assert Member.objects.get(name="New").interests == [
        {"party": "Fund A", "description": "adviser"}
    ]


def test_body_invisible_to_outsider(reviews: ReviewNetwork) -> None:
    client = logged_in_client(reviews.net.outsider)
    assert (
        client.get(reverse("reviews:body_detail", args=[reviews.committee.pk])).status_code == 404
    )
    assert client.get(reverse("reviews:body_list")).status_code == 200


def test_entrustment_pages(reviews: ReviewNetwork) -> None:
    net = reviews.net
    client = english(net.applicant_b)
    assert "WT-2026-001" in client.get(reverse("reviews:entrustment_list")).content.decode()
    response = client.post(
        reverse("reviews:entrustment_create"),
        {
            "organisation": net.enterprise_b.pk,
            "centre": reviews.centre.pk,
            "agreement_reference": "WT-9",
            "signed_on": "2026-02-01",
            "document": SimpleUploadedFile("a.pdf", PDF),
        },
    )
    assert response.status_code == 302
    assert (
        logged_in_client(net.applicant_a)
        .post(reverse("reviews:entrustment_revoke", args=[reviews.entrustment.pk]))
        .status_code
        == 404
    )
    client.post(reverse("reviews:entrustment_revoke", args=[reviews.entrustment.pk]))
    reviews.entrustment.refresh_from_db()
    assert reviews.entrustment.revoked_at is not None


def test_a_chinese_file_name_is_kept_in_the_download_header(reviews: ReviewNetwork) -> None:
    """RFC 6266: ``filename*=utf-8''…`` carries the name percent-encoded; no header injection."""
    net = reviews.net
    app = draft(reviews)
    client = english(net.applicant_a)
    client.post(
        reverse("reviews:attachment_add", args=[app.pk]),
        {
            "kind": "plan",
            "expected_version": app.version,
            "file": SimpleUploadedFile('实施方案 "终稿"; X-Evil=1.pdf', PDF),
        },
    )
    att = app.attachments.get()
    response = client.get(reverse("reviews:attachment_download", args=[app.pk, att.pk]))
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename*=")
    assert "%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88" in header  # 实施方案
    assert "\r" not in header and "\n" not in header and '"' not in header.split("''", 1)[1]
    assert "X-Evil" not in response.headers
