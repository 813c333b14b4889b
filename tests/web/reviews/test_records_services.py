"""Records: the complete record, retention purge, dashboards (services)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tests.web.reviews.factories import ReviewNetwork, make_application
from tianping.web.operations.selectors import ledger_entries, platform_log_find
from tianping.web.reviews import timeline
from tianping.web.reviews.applications import services as applications_services
from tianping.web.reviews.dashboards import selectors as dashboards_selectors
from tianping.web.reviews.models import (
    AgendaItem,
    Application,
    Attachment,
    Attendance,
    DecisionLetterJob,
    Declaration,
    Extension,
    Meeting,
    ReviewEvent,
    Vote,
)
from tianping.web.reviews.records import selectors as records_selectors
from tianping.web.reviews.records import services as records_services


def _attach(app: Application, kind: str, content: bytes = b"%PDF-1.4 test") -> Attachment:
    return Attachment.objects.create(
        application=app,
        kind=kind,
        name=f"{kind}.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        data=content,
    )


def decided_application(reviews: ReviewNetwork, **extra: object) -> Application:
    """An application decided at a meeting: approve after modification."""
    net = reviews.net
    app = make_application(
        system=net.system_a,
        body=reviews.committee,
        applicant=net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
        listed_activity=False,
        **extra,
    )
    _attach(app, "application_form")
    Extension.objects.create(application=app, hours=240, reason="More time", granted_by=net.chair_a)
    member = reviews.members["member_ai"]
    Declaration.objects.create(
        application=app, member=member, has_conflict=False, detected_grounds=[], recused=False
    )
    meeting = Meeting.objects.create(
        body=reviews.committee, scheduled_for=timezone.now(), status="closed"
    )
    for m in reviews.members.values():
        Attendance.objects.create(meeting=meeting, member=m, present=True)
    item = AgendaItem.objects.create(
        meeting=meeting, application=app, tally={"approve_after_modification": 7}
    )
    for username, m in reviews.members.items():
        if username != "consultant_a":
            Vote.objects.create(item=item, member=m, choice="approve_after_modification")
    with transaction.atomic():
        locked = timeline.locked(app.pk)
        applications_services.decision_record(
            locked,
            actor=net.chair_a,
            decision="approve_after_modification",
            basis="meeting",
            required_changes=["Add a human review step 增加人工复核"],
        )
    app.refresh_from_db()
    return app


def test_record_holds_every_part_and_serialises(reviews: ReviewNetwork) -> None:
    app = decided_application(reviews)
    record = records_selectors.application_record(app)
    text = json.dumps(record, ensure_ascii=False)
    assert json.loads(text) == record
    assert list(record) == [
        "format",
        "application",
        "bundle",
        "notice",
        "procedure",
        "declarations",
        "meetings",
        "simplified_opinions",
        "decision",
        "expert_review",
        "appeals",
        "follow_ups",
        "timeline",
        "ledger",
    ]
    assert record["application"]["reference"] == app.reference
    assert record["application"]["body"]["name"] == reviews.committee.organisation.name
    (attachment,) = record["bundle"]
    assert attachment["sha256"] == hashlib.sha256(b"%PDF-1.4 test").hexdigest()
    assert attachment["content_retained"] is True
    assert "data" not in attachment and "%PDF" not in text
    assert record["procedure"]["extensions"][0]["hours"] == 240
    assert record["declarations"][0]["member"] == reviews.members["member_ai"].name
    meeting = record["meetings"][0]
    assert len(meeting["votes"]) == 7 and meeting["tally"] == {"approve_after_modification": 7}
    assert any(a["role"] == "consultant" for a in meeting["attendance"])
    decision = record["decision"]
    assert decision["type"] == "approve_after_modification"
    assert decision["follow_up_due"] == app.follow_up_due.isoformat()
    assert record["follow_ups"][0]["kind"] == "scheduled"
    (event,) = [e for e in record["timeline"] if e["kind"] == "decided"]
    assert event["actor"] == "chair_a" and event["ledger_index"] is not None
    assert record["ledger"]["decision_indices"] == [event["ledger_index"]]
    assert record["ledger"]["origin"] == platform_log_find().origin
    assert record["ledger"]["entries"][0]["receipt"].startswith(
        f"/api/systems/{app.system_id}/ledger/platform/receipts/"
    )
    assert record["expert_review"] is None


def test_ledger_entries_of_the_record_carry_no_personal_data(reviews: ReviewNetwork) -> None:
    app = decided_application(reviews)
    with transaction.atomic():
        records_services.records_purge(today=date.today() + timedelta(days=365 * 7))
    indices = set(
        ReviewEvent.objects.filter(application=app).values_list("ledger_index", flat=True)
    )
    leaves = [e.text for e in ledger_entries(platform_log_find(), limit=200) if e.index in indices]
    assert len(leaves) == len(indices) >= 2
    for leaf in leaves:
        for personal in ("chair_a", "member_ai", "Chair A", "委员", "human review", "增加人工复核"):
            assert personal not in leaf, (personal, leaf)
        assert app.reference in leaf


def test_purge_dry_run_changes_nothing(reviews: ReviewNetwork) -> None:
    app = decided_application(reviews)
    Application.objects.filter(pk=app.pk).update(
        decided_at=timezone.now() - timedelta(days=6 * 366)
    )
    events = ReviewEvent.objects.count()
    report = records_services.records_purge(dry_run=True)
    assert report.applications == [app.reference] and report.attachments == 1
    assert Attachment.objects.get(application=app).data is not None
    assert ReviewEvent.objects.count() == events


def test_purge_keeps_names_sizes_hashes_and_records_it(reviews: ReviewNetwork) -> None:
    """Retention: REGULATORY_FACTS suggests >= 5 years after the activity ends (confidence ?)."""
    app = decided_application(reviews)
    DecisionLetterJob.objects.create(application=app, language="en", status="done", pdf=b"%PDF")
    Application.objects.filter(pk=app.pk).update(
        decided_at=timezone.now() - timedelta(days=6 * 366)
    )
    report = records_services.records_purge()
    assert report.applications == [app.reference] and report.letters == 1
    attachment = Attachment.objects.get(application=app)
    assert attachment.data is None
    assert attachment.sha256 == hashlib.sha256(b"%PDF-1.4 test").hexdigest()
    assert attachment.size == len(b"%PDF-1.4 test") and attachment.name
    assert DecisionLetterJob.objects.get(application=app).pdf is None
    event = ReviewEvent.objects.get(application=app, kind="records_purged")
    assert event.ledger_index is not None and event.payload["attachments"] == 1
    assert records_selectors.application_record(app)["bundle"][0]["content_retained"] is False
    # a second run finds nothing left
    assert records_services.records_purge().applications == []


def test_purge_spares_recent_and_open_applications(reviews: ReviewNetwork) -> None:
    decided_application(reviews)
    open_app = make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
    )
    _attach(open_app, "application_form")
    Application.objects.filter(pk=open_app.pk).update(
        updated_at=timezone.now() - timedelta(days=4000)
    )
    assert records_services.records_purge().applications == []


@override_settings(TIANPING_REVIEW_RETENTION_YEARS=10)
def test_retention_years_is_configurable(reviews: ReviewNetwork) -> None:
    app = decided_application(reviews)
    Application.objects.filter(pk=app.pk).update(
        decided_at=timezone.now() - timedelta(days=6 * 366)
    )
    assert records_selectors.retention_years() == 10
    assert records_services.records_purge().applications == []


def test_application_find_by_id_or_reference(reviews: ReviewNetwork) -> None:
    app = decided_application(reviews)
    assert records_selectors.application_find(str(app.pk)) == app
    assert records_selectors.application_find(app.reference.lower()) == app
    assert records_selectors.application_find("ER-0000-000000") is None
    assert records_selectors.application_find("9" * 40) is None


# --- dashboards ---------------------------------------------------------------------------


def test_applicant_dashboard_lists_missing_items_and_deadline(reviews: ReviewNetwork) -> None:
    net = reviews.net
    draft = make_application(system=net.system_a, body=reviews.committee, applicant=net.applicant_a)
    under = make_application(
        system=net.system_a,
        body=reviews.committee,
        applicant=net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
    )
    board = dashboards_selectors.dashboard(net.applicant_a)
    rows = {row["application"].pk: row for row in board.applicant}
    assert rows[draft.pk]["missing"], "an empty draft misses the whole bundle (Measures Art. 9)"
    assert rows[under.pk]["deadline"] == under.due_at
    assert board.chair_meetings is None and board.authority_stats is None
    # another organisation's applicant sees none of A's applications
    other = dashboards_selectors.dashboard(net.applicant_b)
    assert all(row["application"].organisation_id != net.enterprise_a.pk for row in other.applicant)


def test_chair_dashboard_shows_deadlines_at_risk_and_quorum(reviews: ReviewNetwork) -> None:
    net = reviews.net
    now = timezone.now()
    soon = make_application(
        system=net.system_a,
        body=reviews.committee,
        applicant=net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
        due_at=now + timedelta(days=2),
    )
    late = make_application(
        system=net.system_a,
        body=reviews.committee,
        applicant=net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
        due_at=now - timedelta(hours=1),
    )
    far = make_application(
        system=net.system_a,
        body=reviews.committee,
        applicant=net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
        due_at=now + dashboards_selectors.DEADLINE_WINDOW + timedelta(days=1),
    )
    meeting = Meeting.objects.create(body=reviews.committee, scheduled_for=now + timedelta(days=1))
    AgendaItem.objects.create(meeting=meeting, application=soon)
    board = dashboards_selectors.dashboard(net.chair_a, now=now)
    at_risk = {row["application"].pk: row["overdue"] for row in board.chair_at_risk}
    assert at_risk == {soon.pk: False, late.pk: True} and far.pk not in at_risk
    assert board.chair_meetings[0]["items"][0].application == soon
    assert board.chair_quorum["recorded"] is False
    # quorum.min_present / quorum.categories (Measures 2023 Art. 15): all 7 voting members
    for member in reviews.members.values():
        Attendance.objects.create(meeting=meeting, member=member, present=True)
    assert dashboards_selectors.dashboard(net.chair_a, now=now).chair_quorum["met"] is True
    # one short of every category: only the chair and the AI member present
    Attendance.objects.filter(meeting=meeting).exclude(
        member__in=[reviews.members["chair_a"], reviews.members["member_ai"]]
    ).update(present=False)
    quorum = dashboards_selectors.dashboard(net.chair_a, now=now).chair_quorum
    assert quorum["met"] is False and quorum["findings"]


def test_member_queue_lists_what_is_owed(reviews: ReviewNetwork) -> None:
    net = reviews.net
    app = make_application(
        system=net.system_a,
        body=reviews.committee,
        applicant=net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
    )
    user = reviews.user("member_law")
    board = dashboards_selectors.dashboard(user)
    (row,) = [r for r in board.member_queue if r["application"] == app]
    assert row["todo"] == ["declare", "finding"]
    Declaration.objects.create(
        application=app,
        member=reviews.members["member_law"],
        has_conflict=True,
        recused=True,
        submitted_at=timezone.now(),
    )
    board = dashboards_selectors.dashboard(user)
    assert all(r["application"] != app for r in board.member_queue), "recused: nothing owed"
    assert board.declarations[0].recused


def test_authority_statistics_cover_only_its_jurisdiction(reviews: ReviewNetwork) -> None:
    net = reviews.net
    decided_application(reviews)
    make_application(
        system=net.system_b,
        body=reviews.centre,
        applicant=net.applicant_b,
        status=Application.Status.SUBMITTED,
    )
    stats_a = dashboards_selectors.authority_statistics(net.regulator_province_a)
    stats_b = dashboards_selectors.authority_statistics(net.regulator_province_b)
    assert stats_a["total"] == 1 and stats_a["by_decision"] == {"approve_after_modification": 1}
    assert stats_b["total"] == 1 and stats_b["by_status"] == {"submitted": 1}
    assert dashboards_selectors.authority_statistics(net.regulator_central)["total"] == 2
    assert dashboards_selectors.authority_statistics(net.applicant_a) is None
    summary = dashboards_selectors.dashboard_summary(net.regulator_province_b)
    assert summary["roles"] == ["authority"]


def test_review_purge_command_dry_run_and_json(reviews: ReviewNetwork) -> None:
    from io import StringIO

    from django.core.management import call_command

    app = decided_application(reviews)
    Application.objects.filter(pk=app.pk).update(
        decided_at=timezone.now() - timedelta(days=6 * 366)
    )
    out = StringIO()
    call_command("review_purge", "--dry-run", stdout=out)
    assert "would purge 1 application(s)" in out.getvalue() and app.reference in out.getvalue()
    assert Attachment.objects.get(application=app).data is not None
    out = StringIO()
    call_command("review_purge", "--json", "-", stdout=out)
    assert json.loads(out.getvalue())["applications"] == [app.reference]
    assert Attachment.objects.get(application=app).data is None
