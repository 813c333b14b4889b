"""Records on the web and the API: dashboards, notifications, export, decision letters."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader
from typer.testing import CliRunner

from tests.web.factories import bearer_client, logged_in_client
from tests.web.reviews.factories import ReviewNetwork, make_application
from tests.web.reviews.test_records_services import decided_application
from tianping.web.core.models import Notification
from tianping.web.reviews.models import Application, DecisionLetterJob
from tianping.web.reviews.notifications import services as notifications_services
from tianping.web.reviews.records import panels as records_panels
from tianping.web.reviews.records import services as records_services


def _notify(user: object, reference: str = "ER-2026-000001") -> None:
    with transaction.atomic():
        notifications_services.notify(
            [user],
            message="Decision on {reference}: {decision}.",
            params={"reference": reference, "decision": "approve"},
            url="/reviews/",
        )


def _pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- notifications ------------------------------------------------------------------------


def test_notifications_page_in_the_readers_language_and_unread_count(
    reviews: ReviewNetwork,
) -> None:
    user = reviews.net.applicant_a
    _notify(user)
    _notify(user, "ER-2026-000002")
    client = logged_in_client(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/reviews/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    # The stored decision code is named, never shown raw.
    assert "Decision on ER-2026-000001: Approve." in html
    assert 'id="unread-count"' in html and ">2</span>" in html
    note = Notification.objects.filter(user=user).first()
    response = client.post(f"/reviews/notifications/{note.pk}/read/")
    assert response.status_code == 302
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 1
    client.post("/reviews/notifications/read-all/")
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert 'id="unread-count"' not in client.get("/reviews/").content.decode()


def test_marking_another_users_notification_is_404(reviews: ReviewNetwork) -> None:
    _notify(reviews.net.applicant_a)
    note = Notification.objects.get(user=reviews.net.applicant_a)
    client = logged_in_client(reviews.net.applicant_b)
    assert client.post(f"/reviews/notifications/{note.pk}/read/").status_code == 404
    assert client.get(f"/reviews/notifications/{note.pk}/read/").status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_notifications_api(reviews: ReviewNetwork) -> None:
    user = reviews.net.applicant_a
    _notify(user)
    api = bearer_client(user)
    rows = api.get("/api/reviews/notifications?unread=true").json()
    assert rows[0]["text"].startswith("Decision on") or "ER-2026-000001" in rows[0]["text"]
    assert api.post(f"/api/reviews/notifications/{rows[0]['id']}/read").status_code == 200
    assert api.get("/api/reviews/notifications?unread=true").json() == []
    assert api.post("/api/reviews/notifications/read-all").json() == {"marked": 0}
    assert (
        bearer_client(reviews.net.applicant_b)
        .post(f"/api/reviews/notifications/{rows[0]['id']}/read")
        .status_code
        == 404
    )


# --- dashboards ---------------------------------------------------------------------------


def test_dashboard_per_role(reviews: ReviewNetwork) -> None:
    net = reviews.net
    make_application(system=net.system_a, body=reviews.committee, applicant=net.applicant_a)
    html = logged_in_client(net.applicant_a).get("/reviews/").content.decode()
    assert 'id="dashboard-applicant"' in html and 'id="dashboard-chair"' not in html
    html = logged_in_client(net.chair_a).get("/reviews/").content.decode()
    assert 'id="dashboard-chair"' in html and 'id="dashboard-member"' in html
    html = logged_in_client(net.regulator_province_a).get("/reviews/").content.decode()
    assert 'id="dashboard-authority"' in html and 'id="dashboard-applicant"' not in html
    assert logged_in_client(net.outsider).get("/reviews/").status_code == 200
    summary = bearer_client(net.chair_a).get("/api/reviews/dashboard").json()
    assert "chair" in summary["roles"]


def test_dashboard_needs_login(reviews: ReviewNetwork) -> None:
    from django.test import Client

    assert Client().get("/reviews/").status_code == 302


# --- record export ------------------------------------------------------------------------


def test_record_export_download_and_permissions(reviews: ReviewNetwork) -> None:
    app = decided_application(reviews)
    response = logged_in_client(reviews.net.applicant_a).get(
        f"/reviews/applications/{app.pk}/record.json"
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["application"]["reference"] == app.reference
    for user in (reviews.net.applicant_b, reviews.net.outsider, reviews.chair_c):
        assert (
            logged_in_client(user).get(f"/reviews/applications/{app.pk}/record.json").status_code
            == 404
        )
    api = bearer_client(reviews.user("member_law"))
    assert api.get(f"/api/reviews/applications/{app.pk}/record").json()["decision"]["type"]
    other = bearer_client(reviews.net.applicant_b)
    assert other.get(f"/api/reviews/applications/{app.pk}/record").status_code == 404


def test_panel_shows_timeline_with_ledger_index_and_letter_controls(
    reviews: ReviewNetwork, rf: object
) -> None:
    app = decided_application(reviews)
    request = rf.get("/")  # type: ignore[attr-defined]
    request.user = reviews.net.applicant_a
    html = records_panels.panel(request, app)
    assert (
        'data-kind="decided"' in html
        and "已作出审查决定" in html
        and f"/reviews/applications/{app.pk}/record.json" in html
    )
    assert f"/reviews/applications/{app.pk}/letters/" in html
    assert "/ledger/platform/receipts/" in html
    request.user = reviews.user("member_law")
    assert f"/reviews/applications/{app.pk}/letters/" not in records_panels.panel(request, app)


# --- decision letters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-Hans", ["科技伦理审查决定书", "修改后同意", "申诉"]),
        ("en", ["Ethics review decision letter", "Approved after modification", "appeal"]),
    ],
)
def test_letter_pdf_text(reviews: ReviewNetwork, language: str, expected: list[str]) -> None:
    app = decided_application(reviews)
    job = records_services.letter_job_start(
        actor=reviews.net.applicant_a, application=app, language=language
    )
    records_services.letter_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == DecisionLetterJob.Status.DONE, job.message
    text = _pdf_text(bytes(job.pdf))
    for word in [*expected, app.reference, app.follow_up_due.isoformat()]:
        assert word in text.replace("\n", " "), word
    assert app.events.filter(kind="letter_generated").exists()


def test_letter_flow_over_the_web_and_api(reviews: ReviewNetwork) -> None:
    app = decided_application(reviews)
    client = logged_in_client(reviews.net.chair_a)
    response = client.post(f"/reviews/applications/{app.pk}/letters/", {"language": "both"})
    assert response.status_code == 302
    job = DecisionLetterJob.objects.get(application=app)
    page = client.get(f"/reviews/letters/{job.pk}/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in page.content.decode()
    assert client.get(f"/reviews/letters/{job.pk}/download/").status_code == 409
    records_services.letter_job_run(job_id=job.pk)
    download = client.get(f"/reviews/letters/{job.pk}/download/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    text = _pdf_text(download.content)
    assert "修改后同意" in text and "Approved after modification" in text
    api = bearer_client(reviews.net.applicant_a)
    assert api.get(f"/api/reviews/letters/{job.pk}").json()["status"] == "done"
    assert api.get(f"/api/reviews/letters/{job.pk}/download").status_code == 200
    assert api.post(f"/api/reviews/letters/{job.pk}/cancel").status_code == 422
    created = api.post(
        f"/api/reviews/applications/{app.pk}/letters", {"language": "en"}, "application/json"
    )
    assert created.status_code == 201
    new_id = created.json()["id"]
    cancelled = api.post(f"/api/reviews/letters/{new_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (
        bearer_client(reviews.net.applicant_b).get(f"/api/reviews/letters/{new_id}").status_code
        == 404
    )


def test_letter_refused_before_a_decision_and_for_members(reviews: ReviewNetwork) -> None:
    net = reviews.net
    open_app = make_application(
        system=net.system_a,
        body=reviews.committee,
        applicant=net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
    )
    api = bearer_client(net.applicant_a)
    url = f"/api/reviews/applications/{open_app.pk}/letters"
    assert api.post(url, {"language": "en"}, "application/json").status_code == 422
    assert api.post(url, {"language": "fr"}, "application/json").status_code == 422
    decided = decided_application(reviews)
    member = bearer_client(reviews.user("member_law"))
    url = f"/api/reviews/applications/{decided.pk}/letters"
    assert member.post(url, {"language": "en"}, "application/json").status_code == 403
    assert (
        bearer_client(net.applicant_b).post(url, {"language": "en"}, "application/json").status_code
        == 404
    )
    assert not DecisionLetterJob.objects.exists()


# --- the CLI ------------------------------------------------------------------------------


def test_cli_export_json_and_unknown_id(reviews: ReviewNetwork) -> None:
    from tianping.cli import app as cli

    app = decided_application(reviews)
    runner = CliRunner()
    result = runner.invoke(cli, ["review", "export", app.reference, "--json", "-"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["application"]["id"] == app.pk
    assert record["decision"]["type"] == "approve_after_modification"
    summary = runner.invoke(cli, ["review", "export", str(app.pk), "--lang", "en"])
    assert summary.exit_code == 0 and app.reference in summary.stdout
    unknown = runner.invoke(cli, ["review", "export", "ER-1999-ZZZZZZ"])
    assert unknown.exit_code == 2
    assert "No review application" in unknown.output or "没有" in unknown.output


def test_cli_remind_and_purge(reviews: ReviewNetwork) -> None:
    """``tianping review remind`` reminds of a follow-up due; ``purge --dry-run`` changes nothing,
    ``purge`` empties the contents of a review ended before the retention cut-off."""
    from tianping.cli import app as cli
    from tianping.web.core.models import Notification
    from tianping.web.reviews.models import Attachment, FollowUp

    app = decided_application(reviews)
    follow_up = FollowUp.objects.filter(application=app, kind="scheduled").first()
    if follow_up is None:
        follow_up = FollowUp.objects.create(application=app, kind="scheduled")
    follow_up.due_on = timezone.localdate()
    follow_up.save()
    runner = CliRunner()
    before = Notification.objects.count()
    reminded = runner.invoke(cli, ["review", "remind", "--days", "30"])
    assert reminded.exit_code == 0, reminded.output
    assert Notification.objects.count() > before

    far = (timezone.localdate().replace(year=timezone.localdate().year + 50)).isoformat()
    dry = runner.invoke(cli, ["review", "purge", "--dry-run", "--today", far, "--json", "-"])
    assert dry.exit_code == 0, dry.output
    assert app.reference in json.loads(dry.stdout)["applications"]
    assert Attachment.objects.filter(application=app, data__isnull=False).exists()

    done = runner.invoke(cli, ["review", "purge", "--today", far])
    assert done.exit_code == 0, done.output
    kept = Attachment.objects.filter(application=app)
    assert kept.exists() and all(a.data is None and len(a.sha256) == 64 for a in kept)

    bad = runner.invoke(cli, ["review", "purge", "--today", "nonsense"])
    assert bad.exit_code == 2


def test_applicant_dashboard_shows_a_follow_up_day_as_the_next_deadline(
    reviews: ReviewNetwork,
) -> None:
    """A decided application's next deadline is its follow-up review, a day (not a moment)."""
    app = decided_application(reviews)
    app.status = Application.Status.DECIDED
    app.follow_up_due = timezone.localdate().replace(year=timezone.localdate().year + 1)
    app.save()
    response = logged_in_client(reviews.net.applicant_a).get("/reviews/")
    assert response.status_code == 200
    assert app.follow_up_due.isoformat() in response.content.decode()
