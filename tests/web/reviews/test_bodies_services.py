"""Review bodies: set-up, roster, registration, composition, reminders and entrustments."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.web.factories import make_user
from tests.web.reviews.factories import ReviewNetwork
from tianping.web.accounts.models import OrganisationKind, Role
from tianping.web.accounts.services import organisation_create
from tianping.web.operations.models import PlatformAction
from tianping.web.reviews.bodies import selectors as bodies_selectors
from tianping.web.reviews.bodies import services as bodies_services
from tianping.web.reviews.models import Entrustment, Member, ReviewBody

MEMBER = {
    "name": "New member 新委员",
    "role": "member",
    "disciplines": ["law"],
    "gender": "female",
    "external": True,
    "affiliation": "University",
    "term_start": date(2025, 1, 1),
    "term_end": date(2029, 12, 31),
    "pledges": ["confidentiality"],
    "interests": [{"party": "Fund A", "description": "adviser"}],
    "training": [{"course": "Ethics 101", "completed_on": "2025-02-01"}],
}


def test_body_create_by_the_admin_of_the_parent_and_ledgered(reviews: ReviewNetwork) -> None:
    net = reviews.net
    org = organisation_create(
        name="甲企业第二委员会", kind=OrganisationKind.ETHICS_COMMITTEE, parent=net.enterprise_a
    )
    with pytest.raises(PermissionDenied):
        bodies_services.body_create(
            actor=net.applicant_a, organisation=org, established_on=date(2026, 1, 1)
        )
    body = bodies_services.body_create(
        actor=net.admin_a, organisation=org, established_on=date(2026, 1, 1)
    )
    assert body.rule_set == "national"
    assert PlatformAction.objects.filter(kind="review.body_created").exists()
    with pytest.raises(ValidationError):
        bodies_services.body_create(
            actor=net.admin_a, organisation=org, established_on=date(2026, 1, 1)
        )


def test_body_create_refuses_other_kinds(reviews: ReviewNetwork) -> None:
    net = reviews.net
    with pytest.raises(ValidationError):
        bodies_services.body_create(
            actor=net.admin_a, organisation=net.enterprise_a, established_on=date(2026, 1, 1)
        )


def test_member_add_validates_every_field(reviews: ReviewNetwork) -> None:
    body, chair = reviews.committee, reviews.net.chair_a
    member = bodies_services.member_add(actor=chair, body=body, **MEMBER)
    assert member.disciplines == ["law"] and member.training[0]["completed_on"] == "2025-02-01"
    assert PlatformAction.objects.filter(kind="review.member_added").exists()
    for change in (
        {"disciplines": ["astrology"]},
        {"disciplines": []},
        {"gender": "other"},
        {"role": "king"},
        {"term_end": date(2020, 1, 1)},
        {"pledges": ["secrecy"]},
        {"interests": [{"party": "x"}]},
        {"interests": "Fund A"},
        {"training": [{"course": "x", "completed_on": "yesterday"}]},
        {"name": "a\x00b"},
        {"external": "yes"},
    ):
        with pytest.raises(ValidationError):
            bodies_services.member_add(actor=chair, body=body, **{**MEMBER, **change})
    assert Member.objects.filter(body=body, name=MEMBER["name"]).count() == 1


def test_member_user_must_not_already_be_on_the_roster(reviews: ReviewNetwork) -> None:
    with pytest.raises(ValidationError) as err:
        bodies_services.member_add(
            actor=reviews.net.chair_a,
            body=reviews.committee,
            **{**MEMBER, "user": reviews.user("member_ai")},
        )
    assert "user" in err.value.message_dict


def test_only_body_managers_change_the_roster(reviews: ReviewNetwork) -> None:
    for user in (reviews.user("member_ai"), reviews.net.applicant_a, reviews.chair_c):
        with pytest.raises(PermissionDenied):
            bodies_services.member_add(actor=user, body=reviews.committee, **MEMBER)


def test_update_and_deactivate(reviews: ReviewNetwork) -> None:
    chair = reviews.net.chair_a
    member = reviews.members["member_other"]
    member = bodies_services.member_update(actor=chair, member=member, pledges=[])
    assert member.pledges == []
    with pytest.raises(ValidationError):
        bodies_services.member_update(actor=chair, member=member, term_end=date(2000, 1, 1))
    member = bodies_services.member_deactivate(actor=chair, member=member)
    assert not member.active
    with pytest.raises(ValidationError):
        bodies_services.member_deactivate(actor=chair, member=member)


def test_composition_lists_every_failure_with_citation(reviews: ReviewNetwork) -> None:
    """committee.min_size and committee.disciplines (Measures 2023 Art. 7)."""
    chair = reviews.net.chair_a
    assert bodies_selectors.composition(reviews.committee, date(2026, 6, 1)).ok
    bodies_services.member_deactivate(actor=chair, member=reviews.members["member_law"])
    result = bodies_selectors.composition(reviews.committee, date(2026, 6, 1))
    assert not result.ok
    assert {"committee.min_size", "committee.disciplines"} <= set(result.rule_ids())
    assert all("Art. 7" in f.describe("en") for f in result.findings)


def test_reminders_registration_and_annual_report(reviews: ReviewNetwork) -> None:
    """registration.committee_days (Art. 44) and registration.annual_report_due (Art. 45)."""
    net = reviews.net
    org = organisation_create(
        name="新委员会", kind=OrganisationKind.ETHICS_COMMITTEE, parent=net.enterprise_a
    )
    body = bodies_services.body_create(
        actor=net.admin_a, organisation=org, established_on=date(2025, 1, 1)
    )
    items = bodies_selectors.reminders(body, date(2026, 4, 1)).items
    assert [(r.kind, r.status) for r in items] == [
        ("registration", "overdue"),
        ("annual_report", "overdue"),
    ]
    assert items[0].due == date(2025, 1, 31) and items[1].due == date(2026, 3, 31)
    regulator = net.regulator_province_a  # a regulator over the body manages it
    with pytest.raises(PermissionDenied):
        bodies_services.registration_record(
            actor=net.applicant_a, body=body, registered_on=date(2025, 1, 2)
        )
    bodies_services.registration_record(actor=regulator, body=body, registered_on=date(2025, 1, 20))
    bodies_services.annual_report_record(
        actor=regulator, body=body, year=2025, filed_on=date(2026, 3, 1)
    )
    body.refresh_from_db()
    assert bodies_selectors.reminders(body, date(2026, 4, 1)).items == ()
    with pytest.raises(ValidationError):
        bodies_services.annual_report_record(
            actor=regulator, body=body, year=2025, filed_on=date(2026, 3, 2)
        )
    with pytest.raises(ValidationError):
        bodies_services.registration_record(
            actor=regulator, body=body, registered_on=date(2024, 1, 1)
        )


def test_entrustment_create_hashes_the_document_and_revoke(reviews: ReviewNetwork) -> None:
    net = reviews.net
    doc = SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n%%EOF\n")
    e = bodies_services.entrustment_create(
        actor=net.applicant_b,
        organisation=net.enterprise_b,
        centre=reviews.centre,
        agreement_reference="WT-2026-002",
        signed_on=date(2026, 2, 1),
        document=doc,
    )
    assert e.document_name == "协议.pdf" and len(e.document_sha256) == 64
    assert PlatformAction.objects.filter(kind="review.entrustment_created").exists()
    with pytest.raises(PermissionDenied):
        bodies_services.entrustment_revoke(actor=net.applicant_a, entrustment=e)
    e = bodies_services.entrustment_revoke(actor=net.applicant_b, entrustment=e)
    assert e.revoked_at is not None
    with pytest.raises(ValidationError):
        bodies_services.entrustment_revoke(actor=net.applicant_b, entrustment=e)


def test_entrustment_needs_a_review_centre_and_sane_dates(reviews: ReviewNetwork) -> None:
    net = reviews.net
    base = {
        "actor": net.applicant_b,
        "organisation": net.enterprise_b,
        "centre": reviews.centre,
        "agreement_reference": "WT-1",
        "signed_on": date(2026, 2, 1),
    }
    with pytest.raises(ValidationError):
        bodies_services.entrustment_create(**{**base, "centre": reviews.committee})
    with pytest.raises(ValidationError):
        bodies_services.entrustment_create(**{**base, "valid_until": date(2026, 1, 1)})
    with pytest.raises(ValidationError):
        bodies_services.entrustment_create(
            **{**base, "signed_on": timezone.localdate().replace(year=2999)}
        )
    with pytest.raises(ValidationError):
        bodies_services.entrustment_create(
            **base, document=SimpleUploadedFile("a.pdf", b"<html>not a pdf</html>")
        )
    with pytest.raises(PermissionDenied):
        bodies_services.entrustment_create(**{**base, "actor": net.applicant_a})
    assert Entrustment.objects.count() == 1


def test_entrustments_visible_only_to_parties(reviews: ReviewNetwork) -> None:
    net = reviews.net
    assert list(bodies_selectors.entrustments_visible_to(net.applicant_b)) == [reviews.entrustment]
    assert list(bodies_selectors.entrustments_visible_to(reviews.chair_c)) == [reviews.entrustment]
    assert not bodies_selectors.entrustments_visible_to(net.applicant_a).exists()
    other = make_user("other_admin", organisation=net.enterprise_a, role=Role.ADMIN)
    assert not bodies_selectors.entrustments_visible_to(other).exists()
    assert ReviewBody.objects.count() == 2
