"""The review workspace: items with evidence and findings, comments, declarations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tests.web.reviews.factories import ReviewNetwork, make_application
from tianping.web.assessments.models import Evidence, EvidenceLink
from tianping.web.catalogue.models import RequirementItem
from tianping.web.core.models import Notification
from tianping.web.reviews.meetings import selectors as meetings_selectors
from tianping.web.reviews.meetings import services as meetings_services
from tianping.web.reviews.models import (
    Application,
    Attachment,
    Comment,
    Declaration,
    ItemFinding,
    ReviewEvent,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English (the platform's default language is Chinese)."""
    with translation.override("en"):
        yield


def _app(reviews: ReviewNetwork, **extra: object) -> Application:
    extra.setdefault("status", "under_review")
    return make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        **extra,  # type: ignore[arg-type]
    )


def _declare(reviews: ReviewNetwork, app: Application, username: str) -> None:
    """The member declares no conflict on ``app`` (before giving findings)."""
    meetings_services.declaration_submit(
        actor=reviews.user(username), application=app, has_conflict=False
    )


def _low_items() -> list[RequirementItem]:
    return [i for i in RequirementItem.objects.all() if "low" in i.tiers]


def test_applicable_items_follow_the_tier_with_evidence_and_findings(
    reviews: ReviewNetwork, catalogue: None
) -> None:
    app = _app(reviews)
    assert app.tier == "low"
    items = _low_items()
    assert items, "the catalogue has items for the low tier"
    code = items[0].code
    evidence = Evidence.objects.create(
        system=app.system, kind="bias_assessment", title="Bias report", content={}, sha256="0" * 64
    )
    EvidenceLink.objects.create(evidence=evidence, item=code, catalogue_version="1", basis="t")
    Attachment.objects.create(application=app, kind="evidence", evidence=evidence)
    _declare(reviews, app, "member_ai")
    meetings_services.finding_set(
        actor=reviews.user("member_ai"), application=app, item=code, outcome="met", note="ok"
    )
    rows = meetings_selectors.applicable_items(app)
    assert {r.item.code for r in rows} == {i.code for i in items}
    row = next(r for r in rows if r.item.code == code)
    assert row.evidence == [evidence]
    assert row.finding is not None and row.finding.outcome == "met"
    assert ReviewEvent.objects.filter(application=app, kind="finding_set").exists()


def test_finding_refused_for_items_not_applicable_and_bad_input(
    reviews: ReviewNetwork, catalogue: None
) -> None:
    app = _app(reviews)
    high_only = [i for i in RequirementItem.objects.all() if "low" not in i.tiers]
    member = reviews.user("member_ai")
    code = _low_items()[0].code
    bad = [
        {"item": "REQ-99-99", "outcome": "met"},
        {"item": None, "outcome": "met"},
        {"item": code, "outcome": "great"},
        {"item": code, "outcome": "met", "note": "a\x00"},
        {"item": code, "outcome": "met", "note": "x" * 5001},
    ]
    if high_only:
        bad.append({"item": high_only[0].code, "outcome": "met"})
    for kw in bad:
        with pytest.raises(ValidationError):
            meetings_services.finding_set(actor=member, application=app, **kw)  # type: ignore[arg-type]
    assert not ItemFinding.objects.exists()


def test_finding_permissions(reviews: ReviewNetwork, catalogue: None) -> None:
    """conflict.recusal_grounds: a recused member gives no findings."""
    app = _app(reviews)
    code = _low_items()[0].code
    with pytest.raises(PermissionDenied):
        meetings_services.finding_set(
            actor=reviews.net.applicant_a, application=app, item=code, outcome="met"
        )
    Declaration.objects.create(
        application=app, member=reviews.members["member_ai"], has_conflict=True, recused=True
    )
    with pytest.raises(PermissionDenied):
        meetings_services.finding_set(
            actor=reviews.user("member_ai"), application=app, item=code, outcome="met"
        )
    _declare(reviews, app, "chair_a")
    meetings_services.finding_set(
        actor=reviews.net.chair_a, application=app, item=code, outcome="not_met"
    )
    decided = _app(reviews, status="decided", decision="approve")
    with pytest.raises(ValidationError):
        meetings_services.finding_set(
            actor=reviews.net.chair_a, application=decided, item=code, outcome="met"
        )


def test_finding_refused_until_the_member_declares(reviews: ReviewNetwork, catalogue: None) -> None:
    """A member declares (no conflict, or an interest) before giving findings."""
    app = _app(reviews)
    code = _low_items()[0].code
    member = reviews.user("member_ai")
    with pytest.raises(ValidationError, match="Declare your interests"):
        meetings_services.finding_set(actor=member, application=app, item=code, outcome="met")
    # Conflicts only detected at acceptance are no declaration of the member's own.
    Declaration.objects.create(
        application=app,
        member=reviews.members["member_domain"],
        has_conflict=False,
        detected_grounds=[],
        recused=False,
    )
    with pytest.raises(ValidationError, match="Declare your interests"):
        meetings_services.finding_set(
            actor=reviews.user("member_domain"), application=app, item=code, outcome="met"
        )
    assert not ItemFinding.objects.exists()
    _declare(reviews, app, "member_ai")
    finding = meetings_services.finding_set(actor=member, application=app, item=code, outcome="met")
    assert finding.outcome == "met"
    assert meetings_selectors.has_declared(reviews.members["member_ai"], app)


def test_similar_reviews_same_system_first_then_sector(reviews: ReviewNetwork) -> None:
    from tests.web.factories import make_system

    app = _app(reviews)
    now = app.created_at
    same_system = _app(reviews, status="decided", decision="approve", decided_at=now)
    sibling = make_system(
        actor=reviews.net.applicant_a,
        organisation=reviews.net.enterprise_a,
        name="Sibling",
        sector=app.system.sector,
    )
    same_sector = make_application(
        system=sibling,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status="decided",
        decision="not_approve",
        decided_at=now,
    )
    _app(reviews, status="under_review")  # not decided: not listed
    rows = meetings_selectors.similar_reviews(app)
    assert [(r.application.pk, r.match) for r in rows] == [
        (same_system.pk, "system"),
        (same_sector.pk, "sector"),
    ]


def test_notes_are_internal_questions_reach_the_applicant(reviews: ReviewNetwork) -> None:
    app = _app(reviews)
    member = reviews.user("member_ai")
    note = meetings_services.comment_add(
        actor=member, application=app, kind="note", body="Check bias"
    )
    question = meetings_services.comment_add(
        actor=member, application=app, kind="question", body="Who reviews outputs?"
    )
    assert Notification.objects.about(app).filter(user=reviews.net.applicant_a).exists()
    seen = meetings_selectors.comments_visible(reviews.net.applicant_a, app)
    assert question in seen and note not in seen
    assert note in meetings_selectors.comments_visible(member, app)
    reply = meetings_services.comment_add(
        actor=reviews.net.applicant_a,
        application=app,
        kind="reply",
        body="A named officer.",
        reply_to=question,
    )
    assert reply.reply_to == question
    assert Notification.objects.about(app).filter(user=member).exists()
    # The applicant may only reply to questions.
    for kind, reply_to in (("note", None), ("question", None), ("reply", note), ("reply", None)):
        with pytest.raises((PermissionDenied, ValidationError)):
            meetings_services.comment_add(
                actor=reviews.net.applicant_a,
                application=app,
                kind=kind,
                body="x",
                reply_to=reply_to,
            )
    assert Comment.objects.filter(application=app).count() == 3


def test_comment_bad_input_and_outsider(reviews: ReviewNetwork) -> None:
    app = _app(reviews)
    member = reviews.user("member_ai")
    for kw in (
        {"kind": "shout", "body": "x"},
        {"kind": "note", "body": ""},
        {"kind": "note", "body": "a\x00"},
        {"kind": "note", "body": "x" * 5001},
        {"kind": "note", "body": 5},
    ):
        with pytest.raises(ValidationError):
            meetings_services.comment_add(actor=member, application=app, **kw)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        meetings_services.comment_add(
            actor=reviews.net.outsider, application=app, kind="note", body="x"
        )
    other = _app(reviews)
    note = meetings_services.comment_add(actor=member, application=other, kind="question", body="q")
    with pytest.raises(ValidationError):
        meetings_services.comment_add(
            actor=reviews.net.applicant_a, application=app, kind="reply", body="x", reply_to=note
        )


def test_recused_member_cannot_add_notes(reviews: ReviewNetwork) -> None:
    """conflict.recusal_grounds: no part in the discussion."""
    app = _app(reviews)
    Declaration.objects.create(
        application=app, member=reviews.members["member_ai"], has_conflict=True, recused=True
    )
    with pytest.raises(PermissionDenied):
        meetings_services.comment_add(
            actor=reviews.user("member_ai"), application=app, kind="note", body="x"
        )


def test_declaration_keeps_detected_grounds(reviews: ReviewNetwork) -> None:
    """conflict.recusal_grounds: detected at acceptance, kept when the member declares."""
    member = reviews.members["member_ai"]
    app = _app(reviews)
    Declaration.objects.create(
        application=app,
        member=member,
        has_conflict=False,
        detected_grounds=["participant"],
        recused=True,
    )
    declaration = meetings_services.declaration_submit(
        actor=reviews.user("member_ai"), application=app, has_conflict=False, statement=""
    )
    assert declaration.detected_grounds == ["participant"]
    assert declaration.recused is True
    assert meetings_selectors.is_recused(member, app)


def test_declaration_detects_conflicts_again(reviews: ReviewNetwork) -> None:
    """conflict.recusal_grounds: on the team, or an interest in a party."""
    member = reviews.members["member_domain"]
    member.interests = [{"party": "Fund A", "description": "paid adviser"}]
    member.save()
    app = _app(reviews, parties=["Fund A"])
    declaration = meetings_services.declaration_submit(
        actor=reviews.user("member_domain"), application=app, has_conflict=False
    )
    assert declaration.detected_grounds == ["declared_interest"] and declaration.recused
    clean = meetings_services.declaration_submit(
        actor=reviews.user("member_f"), application=app, has_conflict=False
    )
    assert clean.recused is False and not meetings_selectors.is_recused(
        reviews.members["member_f"], app
    )
    declared = meetings_services.declaration_submit(
        actor=reviews.user("member_f"),
        application=app,
        has_conflict=True,
        statement="Relative on the team",
    )
    assert declared.recused and Declaration.objects.filter(application=app).count() == 2


def test_declaration_input_and_permissions(reviews: ReviewNetwork) -> None:
    app = _app(reviews)
    with pytest.raises(PermissionDenied):
        meetings_services.declaration_submit(
            actor=reviews.net.applicant_a, application=app, has_conflict=False
        )
    member = reviews.user("member_ai")
    for kw in (
        {"has_conflict": "no"},
        {"has_conflict": True, "statement": ""},
        {"has_conflict": True, "statement": "x" * 2001},
        {"has_conflict": False, "statement": "a\x00"},
    ):
        with pytest.raises(ValidationError):
            meetings_services.declaration_submit(actor=member, application=app, **kw)  # type: ignore[arg-type]
    assert not Declaration.objects.exists()


def test_my_declarations_lists_open_applications(reviews: ReviewNetwork) -> None:
    app = _app(reviews)
    _app(reviews, status="draft")
    rows = meetings_selectors.my_declarations(reviews.user("member_ai"))
    assert [r["application"] for r in rows] == [app]
    assert meetings_selectors.my_declarations(reviews.net.applicant_a) == []
