"""Applications: drafting, the bundle and the one notice, submission, acceptance, deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from tests.web.factories import make_system
from tests.web.reviews.factories import ReviewNetwork, make_application
from tianping.web.core.models import Notification
from tianping.web.operations.models import PlatformAction
from tianping.web.reviews import library
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.applications import services as applications_services
from tianping.web.reviews.models import Application, Declaration, ReviewEvent

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def pdf(name: str = "doc.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def draft(reviews: ReviewNetwork, **kw: object) -> Application:
    net = reviews.net
    return applications_services.application_create(
        actor=net.applicant_a, system=net.system_a, title="Credit scoring pilot", **kw
    )


def complete_bundle(app: Application, actor: object, *, skip: tuple[str, ...] = ()) -> Application:
    """Attach every bundle item (waive the consent form, fill the self-assessment)."""
    app.refresh_from_db()
    rules = library.rules_for(app.body)
    for item in rules.bundle():
        if item.id in skip or item.id == applications_selectors.SELF_ASSESSMENT_ITEM:
            continue
        if item.waivable:
            applications_services.attachment_waive(
                actor=actor, application=app, kind=item.id, reason="No human participants."
            )
        else:
            applications_services.attachment_add(
                actor=actor, application=app, kind=item.id, upload=pdf()
            )
    app.refresh_from_db()
    if applications_selectors.SELF_ASSESSMENT_ITEM not in skip:
        applications_services.self_assessment_update(
            actor=actor,
            application=app,
            expected_version=app.version,
            risks="Unfair denial of credit to some groups.",
            controls="Human review of every denial; quarterly bias audit.",
            residual_risk="low",
        )
    app.refresh_from_db()
    return app


# --- creation and routing ---------------------------------------------------------------------


def test_create_routes_to_own_committee_and_prefills_self_assessment(
    reviews: ReviewNetwork,
) -> None:
    app = draft(reviews, team=["member_ai"], parties=["Fund A"])
    assert app.body == reviews.committee and app.entrustment is None
    assert app.status == Application.Status.DRAFT
    assert app.tier == reviews.net.intake_a.tier and app.listed_activity is False
    sa = app.self_assessment
    assert sa["tier"] == "low" and sa["computed_tier"] == "low"
    assert sa["expert_review_required"] is False
    assert sa["main_reasons"] and sa["obligations"]
    assert sa["risks"] == "" and sa["controls"] == "" and sa["residual_risk"] == ""
    assert ReviewEvent.objects.filter(application=app, kind="created").exists()
    assert PlatformAction.objects.filter(kind="review.created").exists()


def test_enterprise_b_is_routed_to_its_entrusted_centre(reviews: ReviewNetwork) -> None:
    net = reviews.net
    app = applications_services.application_create(
        actor=net.applicant_b, system=net.system_b, title="Screening"
    )
    assert app.body == reviews.centre and app.entrustment == reviews.entrustment
    # intake.expert_review_required → a listed activity, high tier
    assert app.listed_activity is True and app.tier == "high"


def test_no_committee_and_no_entrustment_is_a_clear_error(reviews: ReviewNetwork) -> None:
    net = reviews.net
    reviews.entrustment.revoked_at = timezone.now()
    reviews.entrustment.save()
    with pytest.raises(ValidationError) as err:
        applications_services.application_create(
            actor=net.applicant_b, system=net.system_b, title="x"
        )
    assert "entrust" in " ".join(err.value.messages).lower() or "委托" in " ".join(
        err.value.messages
    )
    assert not Application.objects.exists()


def test_system_without_intake_is_refused(reviews: ReviewNetwork) -> None:
    net = reviews.net
    system = make_system(actor=net.applicant_a, organisation=net.enterprise_a, name="No intake")
    with pytest.raises(ValidationError) as err:
        applications_services.application_create(actor=net.applicant_a, system=system, title="x")
    assert "system" in err.value.message_dict


def test_only_applicants_of_the_organisation_may_apply(reviews: ReviewNetwork) -> None:
    net = reviews.net
    for user in (net.applicant_b, net.chair_a, net.outsider):
        with pytest.raises(PermissionDenied):
            applications_services.application_create(actor=user, system=net.system_a, title="x")


@pytest.mark.parametrize("title", ["", "   ", "a\x00b", "x" * 301, 42])
def test_bad_titles_change_nothing(reviews: ReviewNetwork, title: object) -> None:
    with pytest.raises(ValidationError):
        draft_title(reviews, title)
    assert not Application.objects.exists()


def draft_title(reviews: ReviewNetwork, title: object) -> Application:
    net = reviews.net
    return applications_services.application_create(
        actor=net.applicant_a, system=net.system_a, title=title
    )  # type: ignore[arg-type]


def test_update_needs_the_current_version(reviews: ReviewNetwork) -> None:
    app = draft(reviews)
    applications_services.application_update(
        actor=reviews.net.applicant_a, application=app, expected_version=0, title="New"
    )
    with pytest.raises(ValidationError) as err:
        applications_services.application_update(
            actor=reviews.net.applicant_a, application=app, expected_version=0, title="Stale"
        )
    assert "reload" in " ".join(err.value.messages) or "刷新" in " ".join(err.value.messages)
    app.refresh_from_db()
    assert app.title == "New" and app.version == 1


# --- attachments ------------------------------------------------------------------------------


def test_attachment_is_stored_with_size_and_digest(reviews: ReviewNetwork) -> None:
    app = draft(reviews)
    att = applications_services.attachment_add(
        actor=reviews.net.applicant_a, application=app, kind="plan", upload=pdf("计划.pdf")
    )
    assert att.content_type == "application/pdf" and att.size == len(PDF)
    assert bytes(att.data) == PDF and len(att.sha256) == 64
    assert att.name == "计划.pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),  # executable
        ("plan.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),  # HTML as PDF
        ("plan.txt", b"<html><body>hi</body></html>"),  # HTML as text
        ("plan.exe", PDF),  # PDF content, wrong extension
        ("plan.pdf", b"PK\x03\x04not really a zip"),
        ("plan.txt", b"\xff\xfe\x00bad utf-8"),
        ("plan.pdf", b""),  # empty
    ],
)
def test_wrong_attachment_types_are_refused(
    reviews: ReviewNetwork, name: str, content: bytes
) -> None:
    app = draft(reviews)
    with pytest.raises(ValidationError) as err:
        applications_services.attachment_add(
            actor=reviews.net.applicant_a,
            application=app,
            kind="plan",
            upload=SimpleUploadedFile(name, content, content_type="application/pdf"),
        )
    assert "file" in err.value.message_dict
    assert not app.attachments.exists()


def test_office_text_and_images_are_accepted(reviews: ReviewNetwork) -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    app = draft(reviews)
    actor = reviews.net.applicant_a
    for name, content, expected in [
        ("plan.docx", buf.getvalue(), "wordprocessingml"),
        ("notes.txt", "计划说明 plain text".encode(), "text/plain"),
        ("chart.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
    ]:
        att = applications_services.attachment_add(
            actor=actor,
            application=app,
            kind="other",
            upload=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        )
        assert expected in att.content_type


@override_settings(TIANPING_MAX_ATTACHMENT_BYTES=64)
def test_too_large_attachment_is_refused(reviews: ReviewNetwork) -> None:
    app = draft(reviews)
    with pytest.raises(ValidationError) as err:
        applications_services.attachment_add(
            actor=reviews.net.applicant_a,
            application=app,
            kind="plan",
            upload=pdf(content=PDF + b"0" * 100),
        )
    assert "file" in err.value.message_dict and not app.attachments.exists()


def test_unknown_kind_and_self_assessment_upload_are_refused(reviews: ReviewNetwork) -> None:
    app = draft(reviews)
    for kind in ("nonsense", "risk_self_assessment", ""):
        with pytest.raises(ValidationError):
            applications_services.attachment_add(
                actor=reviews.net.applicant_a, application=app, kind=kind, upload=pdf()
            )


def test_only_waivable_items_may_be_waived_and_need_a_reason(reviews: ReviewNetwork) -> None:
    """application.bundle (Measures 2023 Art. 9 (四)): only the consent form is waivable."""
    app = draft(reviews)
    actor = reviews.net.applicant_a
    with pytest.raises(ValidationError):
        applications_services.attachment_waive(
            actor=actor, application=app, kind="plan", reason="n/a"
        )
    with pytest.raises(ValidationError):
        applications_services.attachment_waive(
            actor=actor, application=app, kind="consent_form", reason="  "
        )
    att = applications_services.attachment_waive(
        actor=actor, application=app, kind="consent_form", reason="No participants."
    )
    assert att.waived_reason == "No participants."


def test_evidence_must_be_of_the_same_system(reviews: ReviewNetwork) -> None:
    from tianping.web.assessments.models import Evidence

    net = reviews.net
    app = draft(reviews)
    own = Evidence.objects.create(
        system=net.system_a, kind="bias_assessment", title="Bias audit", content={}, sha256="a" * 64
    )
    other = Evidence.objects.create(
        system=net.system_b, kind="bias_assessment", title="B audit", content={}, sha256="b" * 64
    )
    att = applications_services.evidence_attach(
        actor=net.applicant_a, application=app, evidence=own
    )
    assert att.kind == "evidence" and att.evidence == own
    with pytest.raises(ValidationError):
        applications_services.evidence_attach(
            actor=net.applicant_a, application=app, evidence=other
        )
    with pytest.raises(ValidationError):
        applications_services.evidence_attach(actor=net.applicant_a, application=app, evidence=own)


# --- submission and the one notice --------------------------------------------------------------


def test_incomplete_first_submission_gets_one_notice_listing_everything(
    reviews: ReviewNetwork,
) -> None:
    """application.single_notice, Measures 2023 Art. 10: one notice listing every missing item."""
    net = reviews.net
    app = draft(reviews)
    app = complete_bundle(app, net.applicant_a, skip=("emergency_plan", "funding_source"))
    app = applications_services.application_submit(
        actor=net.applicant_a, application=app, expected_version=app.version
    )
    assert app.status == Application.Status.INCOMPLETE and app.notice_sent_at is not None
    ids = [i["id"] for i in app.notice["items"]]
    assert ids == ["emergency_plan", "funding_source"]
    assert all({"zh-Hans", "en"} <= set(i["label"]) for i in app.notice["items"])
    assert "emergency plan" in app.notice["text"]["en"]
    notices = Notification.objects.about(app).filter(user=net.applicant_a)
    assert notices.count() == 1

    # Still incomplete: refused with the list, no second notice, nothing changes.
    version = app.version
    with pytest.raises(ValidationError) as err:
        applications_services.application_submit(
            actor=net.applicant_a, application=app, expected_version=version
        )
    assert "attachments" in err.value.message_dict
    app.refresh_from_db()
    assert app.version == version and app.status == Application.Status.INCOMPLETE
    assert Notification.objects.about(app).filter(user=net.applicant_a).count() == 1

    # Supplied: submitted, the chairs are told.
    for kind in ("emergency_plan", "funding_source"):
        applications_services.attachment_add(
            actor=net.applicant_a, application=app, kind=kind, upload=pdf()
        )
    app.refresh_from_db()
    app = applications_services.application_submit(
        actor=net.applicant_a, application=app, expected_version=app.version
    )
    assert app.status == Application.Status.SUBMITTED
    assert Notification.objects.about(app).filter(user=net.chair_a).exists()


def test_missing_self_assessment_counts_as_a_missing_item(reviews: ReviewNetwork) -> None:
    net = reviews.net
    app = complete_bundle(draft(reviews), net.applicant_a, skip=("risk_self_assessment",))
    app = applications_services.application_submit(
        actor=net.applicant_a, application=app, expected_version=app.version
    )
    assert [i["id"] for i in app.notice["items"]] == ["risk_self_assessment"]


def test_double_submission_is_a_clear_error(reviews: ReviewNetwork) -> None:
    net = reviews.net
    app = complete_bundle(draft(reviews), net.applicant_a)
    version = app.version
    app = applications_services.application_submit(
        actor=net.applicant_a, application=app, expected_version=version
    )
    assert app.status == Application.Status.SUBMITTED
    events = ReviewEvent.objects.filter(application=app).count()
    with pytest.raises(ValidationError) as err:
        applications_services.application_submit(
            actor=net.applicant_a, application=app, expected_version=version
        )
    assert "submitted" in " ".join(err.value.messages) or "提交" in " ".join(err.value.messages)
    assert ReviewEvent.objects.filter(application=app).count() == events


def test_stale_submission_is_refused(reviews: ReviewNetwork) -> None:
    net = reviews.net
    app = complete_bundle(draft(reviews), net.applicant_a)
    with pytest.raises(ValidationError):
        applications_services.application_submit(
            actor=net.applicant_a, application=app, expected_version=app.version - 1
        )
    app.refresh_from_db()
    assert app.status == Application.Status.DRAFT


def test_withdraw_and_no_changes_after_submission(reviews: ReviewNetwork) -> None:
    net = reviews.net
    app = complete_bundle(draft(reviews), net.applicant_a)
    app = applications_services.application_submit(
        actor=net.applicant_a, application=app, expected_version=app.version
    )
    with pytest.raises(ValidationError):
        applications_services.attachment_add(
            actor=net.applicant_a, application=app, kind="plan", upload=pdf()
        )
    app = applications_services.application_withdraw(
        actor=net.applicant_a, application=app, expected_version=app.version
    )
    assert app.status == Application.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        applications_services.application_withdraw(
            actor=net.applicant_a, application=app, expected_version=app.version
        )


def test_follow_up_is_created_submitted_without_bundle_check(reviews: ReviewNetwork) -> None:
    net = reviews.net
    approved = make_application(
        system=net.system_a,
        body=reviews.committee,
        applicant=net.applicant_a,
        status=Application.Status.DECIDED,
        decision="approve",
    )
    later = applications_services.application_create(
        actor=net.applicant_a,
        system=net.system_a,
        title="Risk change",
        previous=approved,
        kind="risk_change",
    )
    assert later.status == Application.Status.SUBMITTED and later.body == reviews.committee


# --- acceptance --------------------------------------------------------------------------------


def submitted(reviews: ReviewNetwork, **kw: object) -> Application:
    return make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status=Application.Status.SUBMITTED,
        **kw,
    )


def test_accept_general_sets_30_day_deadline_and_recuses_conflicts(
    reviews: ReviewNetwork,
) -> None:
    """decision.deadline_days (Measures 2023 Art. 17) and conflict.recusal_grounds."""
    net = reviews.net
    law = reviews.members["member_law"]
    law.interests = [{"party": "Fund A", "description": "paid adviser"}]
    law.save()
    app = submitted(reviews, team=["member_ai"], parties=["Fund A"])
    app = applications_services.application_accept(
        actor=net.chair_a, application=app, procedure="general", expected_version=app.version
    )
    assert app.status == Application.Status.UNDER_REVIEW
    local = timezone.localtime(app.accepted_at)
    due = timezone.localtime(app.due_at)
    assert due.date() == local.date() + timedelta(days=30)
    assert (due.hour, due.minute) == (23, 59)
    recused = {d.member.name: d for d in Declaration.objects.filter(application=app)}
    assert set(recused) == {law.name, reviews.members["member_ai"].name}
    assert recused[law.name].detected_grounds == ["declared_interest"]
    assert recused[law.name].recused and not recused[law.name].has_conflict
    assert Notification.objects.about(app).filter(user=net.applicant_a).exists()
    assert Notification.objects.about(app).filter(user=law.user).exists()


def test_emergency_deadline_runs_in_hours(reviews: ReviewNetwork) -> None:
    """emergency.deadline_hours (Measures 2023, emergency procedure): 72 hours."""
    app = submitted(reviews)
    app = applications_services.application_accept(
        actor=reviews.net.chair_a,
        application=app,
        procedure="emergency",
        expected_version=app.version,
    )
    assert app.due_at - app.accepted_at == timedelta(hours=72)
    ext = applications_services.deadline_extend(
        actor=reviews.net.chair_a,
        application=app,
        length=12,
        reason="Waiting for the external expert's opinion.",
    )
    app.refresh_from_db()
    assert ext.hours == 12 and app.due_at - app.accepted_at == timedelta(hours=84)


def test_simplified_needs_a_ground_from_the_rules(reviews: ReviewNetwork) -> None:
    """procedure.simplified_grounds (Measures 2023 Art. 19)."""
    app = submitted(reviews)
    with pytest.raises(ValidationError):
        applications_services.application_accept(
            actor=reviews.net.chair_a,
            application=app,
            procedure="simplified",
            expected_version=app.version,
        )
    with pytest.raises(ValidationError):
        applications_services.application_accept(
            actor=reviews.net.chair_a,
            application=app,
            procedure="general",
            ground="minimal_risk",
            expected_version=app.version,
        )
    app = applications_services.application_accept(
        actor=reviews.net.chair_a,
        application=app,
        procedure="simplified",
        ground="minimal_risk",
        expected_version=app.version,
    )
    assert app.procedure_ground == "minimal_risk"


def test_accept_by_member_who_is_not_chair_is_forbidden(reviews: ReviewNetwork) -> None:
    app = submitted(reviews)
    with pytest.raises(PermissionDenied):
        applications_services.application_accept(
            actor=reviews.user("member_ai"),
            application=app,
            procedure="general",
            expected_version=app.version,
        )


def test_accept_only_from_submitted(reviews: ReviewNetwork) -> None:
    app = draft(reviews)
    with pytest.raises(ValidationError):
        applications_services.application_accept(
            actor=reviews.net.chair_a,
            application=app,
            procedure="general",
            expected_version=app.version,
        )


def test_extension_without_reason_is_refused(reviews: ReviewNetwork) -> None:
    """decision.extension_reason (Measures 2023 Art. 17): an extension states its reason."""
    app = submitted(reviews)
    app = applications_services.application_accept(
        actor=reviews.net.chair_a,
        application=app,
        procedure="general",
        expected_version=app.version,
    )
    due = app.due_at
    with pytest.raises(ValidationError) as err:
        applications_services.deadline_extend(
            actor=reviews.net.chair_a, application=app, length=10, reason="  "
        )
    assert "reason" in err.value.message_dict
    for bad in (0, -1, True, "5", 10**9):
        with pytest.raises(ValidationError):
            applications_services.deadline_extend(
                actor=reviews.net.chair_a,
                application=app,
                length=bad,
                reason="ok",  # type: ignore[arg-type]
            )
    app.refresh_from_db()
    assert app.due_at == due and not app.extensions.exists()
    applications_services.deadline_extend(
        actor=reviews.net.chair_a, application=app, length=10, reason="Experts"
    )
    app.refresh_from_db()
    assert timezone.localtime(app.due_at).date() == timezone.localtime(due).date() + timedelta(
        days=10
    )


def test_chair_materials_request_is_the_one_notice(reviews: ReviewNetwork) -> None:
    """application.single_notice (Measures 2023 Art. 10): the chair's notice is the only one."""
    net = reviews.net
    app = complete_bundle(draft(reviews), net.applicant_a)
    app = applications_services.application_submit(
        actor=net.applicant_a, application=app, expected_version=app.version
    )
    app = applications_services.materials_request(
        actor=net.chair_a,
        application=app,
        kinds=["plan", "other"],
        note="The plan lacks the data flow.",
        expected_version=app.version,
    )
    assert app.status == Application.Status.INCOMPLETE
    assert [i["id"] for i in app.notice["items"]] == ["plan", "other"]
    # Resubmitting without the requested items is refused; no second notice.
    with pytest.raises(ValidationError):
        applications_services.application_submit(
            actor=net.applicant_a, application=app, expected_version=app.version
        )
    for kind in ("plan", "other"):
        applications_services.attachment_add(
            actor=net.applicant_a, application=app, kind=kind, upload=pdf()
        )
    app.refresh_from_db()
    app = applications_services.application_submit(
        actor=net.applicant_a, application=app, expected_version=app.version
    )
    assert app.status == Application.Status.SUBMITTED
    with pytest.raises(ValidationError):
        applications_services.materials_request(
            actor=net.chair_a, application=app, kinds=["plan"], expected_version=app.version
        )
