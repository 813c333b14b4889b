"""JSON API of the review workspace, meetings, the simplified procedure and appeals.

Mounted under ``/api/reviews``; see docs/review-meetings.md for the shapes and
the rules each call enforces. Errors: 403 (not allowed), 404 (unknown or
invisible), 422 (invalid input or a rule refused it, with every finding)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from tianping.web.core.actions import perform
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.bodies import selectors as bodies_selectors
from tianping.web.reviews.library import language
from tianping.web.reviews.meetings import selectors, services
from tianping.web.reviews.models import (
    AgendaItem,
    Appeal,
    Comment,
    Declaration,
    Meeting,
    SimplifiedOpinion,
    Vote,
)

router = Router(tags=["reviews"])


Id = Annotated[int, Field(ge=1, le=2**62)]


Version = Annotated[int, Field(ge=0, le=2**31)]


Text = Annotated[str, StringConstraints(max_length=5000)]


Short = Annotated[str, StringConstraints(max_length=1000)]


Name = Annotated[str, StringConstraints(max_length=200)]


OutcomeCode = Literal["met", "partly_met", "not_met", "not_applicable"]


CommentKind = Literal["note", "question", "reply"]


VoteCode = Literal[
    "approve",
    "approve_after_modification",
    "re_review_after_modification",
    "not_approve",
    "abstain",
]


DecisionCode = Literal[
    "approve", "approve_after_modification", "re_review_after_modification", "not_approve"
]


class WorkspaceEvidenceOut(Schema):
    id: int
    kind: str
    title: str


class WorkspaceFindingOut(Schema):
    item: str
    outcome: str
    note: str
    reviewer: str | None
    updated_at: datetime


class WorkspaceItemOut(Schema):
    code: str
    question: str
    evidence: list[WorkspaceEvidenceOut]
    finding: WorkspaceFindingOut | None


class SimilarReviewOut(Schema):
    application_id: int
    reference: str
    title: str
    decision: str
    decided_at: datetime | None
    match: str


class WorkspaceOut(Schema):
    items: list[WorkspaceItemOut]
    similar: list[SimilarReviewOut]


class WorkspaceFindingIn(Schema):
    item: Annotated[str, StringConstraints(max_length=32)]
    outcome: OutcomeCode
    note: Text = ""


class ReviewCommentIn(Schema):
    kind: CommentKind
    body: Text
    reply_to: Id | None = None


class ReviewCommentOut(Schema):
    id: int
    kind: str
    body: str
    author: str | None
    reply_to: int | None
    created_at: datetime


class InterestDeclarationIn(Schema):
    has_conflict: bool
    statement: Annotated[str, StringConstraints(max_length=2000)] = ""
    member_id: Id | None = Field(
        None,
        description="The chair records the declaration of a member without a user account.",
    )


class InterestDeclarationOut(Schema):
    member_id: int
    member: str
    declared: bool
    has_conflict: bool | None
    detected_grounds: list[str]
    recused: bool
    declared_at: datetime | None


class ReviewMeetingIn(Schema):
    scheduled_for: datetime
    location: Annotated[str, StringConstraints(max_length=300)] = ""
    consultants: list[Name] = Field(default_factory=list, max_length=100)


class MeetingAgendaItemOut(Schema):
    id: int
    meeting_id: int
    application_id: int
    reference: str
    position: int
    voting_open: bool
    closed_at: datetime | None
    tally: dict[str, Any] | None
    application_status: str
    decision: str


class ReviewMeetingOut(Schema):
    id: int
    body_id: int
    scheduled_for: datetime
    location: str
    status: str
    consultants: list[str]
    minutes: str
    present_member_ids: list[int]
    items: list[MeetingAgendaItemOut]


class MeetingRescheduleIn(Schema):
    scheduled_for: datetime
    reason: Annotated[str, StringConstraints(max_length=2000)]


class MeetingAgendaIn(Schema):
    application_id: Id


class MeetingAttendanceIn(Schema):
    present_member_ids: list[Id] = Field(..., max_length=500)


class MeetingVoteIn(Schema):
    choice: VoteCode
    comment: Annotated[str, StringConstraints(max_length=2000)] = ""


class MeetingVoteOut(Schema):
    id: int
    item_id: int
    member_id: int
    choice: str
    cast_at: datetime


class DecisionTextsIn(Schema):
    required_changes: list[Short] = Field(default_factory=list, max_length=100)
    reasons: list[Short] = Field(default_factory=list, max_length=100)
    expected_version: Version | None = None


class MeetingMinutesIn(Schema):
    minutes: Annotated[str, StringConstraints(max_length=20000)] = ""


class SimplifiedReviewersIn(Schema):
    member_ids: list[Id] = Field(..., max_length=100)


class SimplifiedOpinionIn(Schema):
    view: DecisionCode
    doubt: bool = False
    requests_meeting: bool = False
    comment: Annotated[str, StringConstraints(max_length=2000)] = ""


class SimplifiedOpinionOut(Schema):
    member_id: int
    member: str
    view: str
    doubt: bool
    requests_meeting: bool
    comment: str
    given_at: datetime | None


class SimplifiedReviewOut(Schema):
    application_id: int
    procedure: str
    status: str
    decision: str | None
    triggers: list[str]
    opinions: list[SimplifiedOpinionOut]
    findings: list[dict[str, Any]]


class ReviewAppealIn(Schema):
    grounds: Annotated[str, StringConstraints(max_length=10000)]


class ReviewAppealDecideIn(Schema):
    outcome: Literal["upheld", "dismissed"]
    response: Annotated[str, StringConstraints(max_length=10000)]
    expected_version: Version | None = None


class ReviewAppealOut(Schema):
    id: int
    application_id: int
    grounds: str
    outcome: str
    response: str
    filed_at: datetime
    decided_at: datetime | None


def _user(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _comment_out(c: Comment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.kind,
        "body": c.body,
        "author": _user(c.author),
        "reply_to": c.reply_to_id,
        "created_at": c.created_at,
    }


def _item_out(i: AgendaItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "meeting_id": i.meeting_id,
        "application_id": i.application_id,
        "reference": i.application.reference,
        "position": i.position,
        "voting_open": i.voting_open,
        "closed_at": i.closed_at,
        "tally": i.tally,
        "application_status": i.application.status,
        "decision": i.application.decision,
    }


def _meeting_out(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "body_id": m.body_id,
        "scheduled_for": m.scheduled_for,
        "location": m.location,
        "status": m.status,
        "consultants": list(m.consultants or []),
        "minutes": m.minutes,
        "present_member_ids": sorted(selectors.present_ids(m)),
        "items": [_item_out(i) for i in m.items.select_related("application")],
    }


def _opinion_out(o: SimplifiedOpinion) -> dict[str, Any]:
    return {
        "member_id": o.member_id,
        "member": o.member.name,
        "view": o.view,
        "doubt": o.doubt,
        "requests_meeting": o.requests_meeting,
        "comment": o.comment,
        "given_at": o.given_at,
    }


def _simplified_out(application: Any) -> dict[str, Any]:
    application.refresh_from_db()
    state = selectors.state(application)
    outcome = state["outcome"]
    return {
        "application_id": application.pk,
        "procedure": application.procedure,
        "status": state["status"],
        "decision": state["decision"],
        "triggers": state["triggers"],
        "opinions": [_opinion_out(o) for o in state["opinions"]],
        "findings": outcome.findings_json(language()) if outcome is not None else [],
    }


def _appeal_out(a: Appeal) -> dict[str, Any]:
    return {
        "id": a.pk,
        "application_id": a.application_id,
        "grounds": a.grounds,
        "outcome": a.outcome,
        "response": a.response,
        "filed_at": a.filed_at,
        "decided_at": a.decided_at,
    }


def _internal(request: AuthenticatedHttpRequest, application: Any) -> None:
    """The review body's own reads: 404 for anyone else (no existence leak), like any read."""
    if not selectors.sees_internal(request.user, application):
        raise Http404


def _simplified_acted(
    request: HttpRequest, application_id: int, service: Any, payload: Schema
) -> dict[str, Any]:
    """``service`` of the simplified procedure done on the application; its review now."""
    application = applications_selectors.application_get(request.user, application_id)
    perform(service, request, payload, application=application)
    return _simplified_out(application)


def _item(request: HttpRequest, meeting_id: int, item_id: int) -> AgendaItem:
    meeting = selectors.meeting_get(request.user, meeting_id)
    return selectors.item_get(meeting, item_id)


@router.get(
    "/applications/{int:application_id}/workspace",
    response={200: WorkspaceOut, 404: Message},
    summary="Requirement items with evidence and findings, and similar earlier reviews",
)
def workspace_get(request: AuthenticatedHttpRequest, application_id: int) -> dict[str, Any]:
    application = applications_selectors.application_get(request.user, application_id)
    _internal(request, application)
    rows = selectors.applicable_items(application)
    return {
        "items": [
            {
                "code": r.item.code,
                "question": r.item.question,
                "evidence": [{"id": e.pk, "kind": e.kind, "title": e.title} for e in r.evidence],
                "finding": {
                    "item": r.finding.item,
                    "outcome": r.finding.outcome,
                    "note": r.finding.note,
                    "reviewer": _user(r.finding.reviewer),
                    "updated_at": r.finding.updated_at,
                }
                if r.finding
                else None,
            }
            for r in rows
        ],
        "similar": [
            {
                "application_id": s.application.pk,
                "reference": s.application.reference,
                "title": s.application.title,
                "decision": s.application.decision,
                "decided_at": s.application.decided_at,
                "match": s.match,
            }
            for s in selectors.similar_reviews(application)
        ],
    }


@router.post(
    "/applications/{int:application_id}/findings",
    response={200: WorkspaceFindingOut, 403: Message, 404: Message, 422: Message},
    summary="Record the finding on one applicable requirement item",
)
def finding_post(
    request: AuthenticatedHttpRequest, application_id: int, payload: WorkspaceFindingIn
) -> dict[str, Any]:
    application = applications_selectors.application_get(request.user, application_id)
    f = perform(services.finding_set, request, payload, application=application)
    return {
        "item": f.item,
        "outcome": f.outcome,
        "note": f.note,
        "reviewer": _user(f.reviewer),
        "updated_at": f.updated_at,
    }


@router.get(
    "/applications/{int:application_id}/comments",
    response={200: list[ReviewCommentOut], 404: Message},
    summary="Notes, questions and replies (internal notes only for the review body)",
)
def comments_get(request: AuthenticatedHttpRequest, application_id: int) -> list[dict[str, Any]]:
    application = applications_selectors.application_get(request.user, application_id)
    return [_comment_out(c) for c in selectors.comments_visible(request.user, application)]


@router.post(
    "/applications/{int:application_id}/comments",
    response={201: ReviewCommentOut, 403: Message, 404: Message, 422: Message},
    summary="Add a note or a question (members), or a reply to a question (the applicant)",
)
def comments_post(
    request: AuthenticatedHttpRequest, application_id: int, payload: ReviewCommentIn
) -> Status[dict[str, Any]]:
    application = applications_selectors.application_get(request.user, application_id)
    reply_to = None
    if payload.reply_to is not None:
        visible = {c.pk: c for c in selectors.comments_visible(request.user, application)}
        reply_to = visible.get(payload.reply_to)
        if reply_to is None:
            raise ValidationError({"reply_to": [_("This comment is not on this application.")]})
    comment = services.comment_add(
        actor=request.user,
        application=application,
        kind=payload.kind,
        body=payload.body,
        reply_to=reply_to,
    )
    return Status(201, _comment_out(comment))


def _declaration_rows(application: Any) -> list[dict[str, Any]]:
    return [
        {
            "member_id": r["member"].pk,
            "member": r["member"].name,
            "declared": r["declaration"] is not None and r["declaration"].submitted_at is not None,
            "has_conflict": r["declaration"].has_conflict if r["declaration"] else None,
            "detected_grounds": r["grounds"],
            "recused": r["recused"],
            "declared_at": r["declaration"].declared_at if r["declaration"] else None,
        }
        for r in selectors.declarations_of(application)
    ]


@router.get(
    "/applications/{int:application_id}/declarations",
    response={200: list[InterestDeclarationOut], 404: Message},
    summary="Declarations of interest and recusals of the body's members",
)
def declarations_get(
    request: AuthenticatedHttpRequest, application_id: int
) -> list[dict[str, Any]]:
    application = applications_selectors.application_get(request.user, application_id)
    _internal(request, application)
    return _declaration_rows(application)


@router.post(
    "/applications/{int:application_id}/declarations",
    response={200: InterestDeclarationOut, 403: Message, 404: Message, 422: Message},
    summary="Declare (or not) a conflict of interest; detected conflicts recuse too",
)
def declarations_post(
    request: AuthenticatedHttpRequest, application_id: int, payload: InterestDeclarationIn
) -> dict[str, Any]:
    application = applications_selectors.application_get(request.user, application_id)
    member = None
    if payload.member_id is not None:
        member = application.body.members.filter(pk=payload.member_id, active=True).first()
        if member is None:
            raise ValidationError(
                {
                    "member_id": [
                        _("Member {id} is not on this body's roster.").format(id=payload.member_id)
                    ]
                }
            )
    d: Declaration = services.declaration_submit(
        actor=request.user,
        application=application,
        has_conflict=payload.has_conflict,
        statement=payload.statement,
        member=member,
    )
    return {
        "member_id": d.member_id,
        "member": d.member.name,
        "declared": True,
        "has_conflict": d.has_conflict,
        "detected_grounds": list(d.detected_grounds),
        "recused": d.recused,
        "declared_at": d.declared_at,
    }


@router.get(
    "/bodies/{int:body_id}/meetings",
    response={200: list[ReviewMeetingOut], 404: Message},
    summary="Meetings of a review body, newest first",
)
def meetings_list(request: HttpRequest, body_id: int) -> list[dict[str, Any]]:
    body = bodies_selectors.body_get(request.user, body_id)
    return [_meeting_out(m) for m in selectors.meetings_of(body)[:200]]


@router.post(
    "/bodies/{int:body_id}/meetings",
    response={201: ReviewMeetingOut, 403: Message, 404: Message, 422: Message},
    summary="Convene a meeting (the chair)",
)
def meetings_create(
    request: AuthenticatedHttpRequest, body_id: int, payload: ReviewMeetingIn
) -> Status[dict[str, Any]]:
    body = bodies_selectors.body_get(request.user, body_id)
    meeting = perform(services.meeting_create, request, payload, body=body)
    return Status(201, _meeting_out(meeting))


@router.get(
    "/meetings/{int:meeting_id}",
    response={200: ReviewMeetingOut, 404: Message},
    summary="A meeting: agenda, attendance, tallies",
)
def meeting_get(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    return _meeting_out(selectors.meeting_get(request.user, meeting_id))


@router.post(
    "/meetings/{int:meeting_id}/agenda",
    response={201: MeetingAgendaItemOut, 403: Message, 404: Message, 422: Message},
    summary="Put an application (general or emergency procedure) on the agenda",
)
def agenda_post(
    request: AuthenticatedHttpRequest, meeting_id: int, payload: MeetingAgendaIn
) -> Status[dict[str, Any]]:
    meeting = selectors.meeting_get(request.user, meeting_id)
    application = applications_selectors.application_get(request.user, payload.application_id)
    item = services.agenda_add(actor=request.user, meeting=meeting, application=application)
    return Status(201, _item_out(item))


@router.put(
    "/meetings/{int:meeting_id}/attendance",
    response={200: ReviewMeetingOut, 403: Message, 404: Message, 422: Message},
    summary="Record who of the roster is present",
)
def attendance_put(
    request: AuthenticatedHttpRequest, meeting_id: int, payload: MeetingAttendanceIn
) -> dict[str, Any]:
    meeting = selectors.meeting_get(request.user, meeting_id)
    perform(services.attendance_set, request, payload, meeting=meeting)
    return _meeting_out(selectors.meeting_get(request.user, meeting_id))


@router.post(
    "/meetings/{int:meeting_id}/reschedule",
    response={200: ReviewMeetingOut, 403: Message, 404: Message, 422: Message},
    summary="Move a meeting not yet held to another time (now or later), with a reason",
)
def meeting_reschedule(
    request: AuthenticatedHttpRequest, meeting_id: int, payload: MeetingRescheduleIn
) -> dict[str, Any]:
    meeting = selectors.meeting_get(request.user, meeting_id)
    perform(services.meeting_reschedule, request, payload, meeting=meeting)
    return _meeting_out(selectors.meeting_get(request.user, meeting_id))


@router.post(
    "/meetings/{int:meeting_id}/close",
    response={200: ReviewMeetingOut, 403: Message, 404: Message, 422: Message},
    summary="Close the meeting (no vote may be open)",
)
def meeting_close(
    request: AuthenticatedHttpRequest, meeting_id: int, payload: MeetingMinutesIn
) -> dict[str, Any]:
    meeting = selectors.meeting_get(request.user, meeting_id)
    perform(services.meeting_close, request, payload, meeting=meeting)
    return _meeting_out(selectors.meeting_get(request.user, meeting_id))


@router.get(
    "/meetings/{int:meeting_id}/items/{int:item_id}/quorum",
    response={200: dict[str, Any], 404: Message},
    summary="Quorum for an agenda item (members counted, categories missing, findings)",
)
def item_quorum(request: HttpRequest, meeting_id: int, item_id: int) -> dict[str, Any]:
    item = _item(request, meeting_id, item_id)
    return selectors.quorum(item.meeting, item.application).to_json(language())


@router.post(
    "/meetings/{int:meeting_id}/items/{int:item_id}/open",
    response={200: MeetingAgendaItemOut, 403: Message, 404: Message, 422: Message},
    summary="Open the vote (refused without a quorum, listing what is missing)",
)
def item_open(request: AuthenticatedHttpRequest, meeting_id: int, item_id: int) -> dict[str, Any]:
    item = _item(request, meeting_id, item_id)
    return _item_out(services.voting_open(actor=request.user, item=item))


@router.post(
    "/meetings/{int:meeting_id}/items/{int:item_id}/votes",
    response={201: MeetingVoteOut, 403: Message, 404: Message, 422: Message},
    summary="Cast your one vote on an open item",
)
def item_vote(
    request: AuthenticatedHttpRequest, meeting_id: int, item_id: int, payload: MeetingVoteIn
) -> Status[dict[str, Any]]:
    vote: Vote = perform(
        services.vote_cast, request, payload, item=_item(request, meeting_id, item_id)
    )
    return Status(
        201,
        {
            "id": vote.pk,
            "item_id": vote.item_id,
            "member_id": vote.member_id,
            "choice": vote.choice,
            "cast_at": vote.cast_at,
        },
    )


@router.post(
    "/meetings/{int:meeting_id}/items/{int:item_id}/close",
    response={200: MeetingAgendaItemOut, 403: Message, 404: Message, 422: Message},
    summary="Close the vote and count it; a decision reached is recorded",
)
def item_close(
    request: AuthenticatedHttpRequest, meeting_id: int, item_id: int, payload: DecisionTextsIn
) -> dict[str, Any]:
    closed = perform(
        services.voting_close, request, payload, item=_item(request, meeting_id, item_id)
    )
    closed.application.refresh_from_db()
    return _item_out(closed)


@router.get(
    "/applications/{int:application_id}/simplified",
    response={200: SimplifiedReviewOut, 404: Message},
    summary="The simplified review: reviewers, opinions, outcome",
)
def simplified_get(request: AuthenticatedHttpRequest, application_id: int) -> dict[str, Any]:
    application = applications_selectors.application_get(request.user, application_id)
    _internal(request, application)
    return _simplified_out(application)


@router.post(
    "/applications/{int:application_id}/simplified/reviewers",
    response={200: SimplifiedReviewOut, 403: Message, 404: Message, 422: Message},
    summary="Name the reviewers (the chair)",
)
def simplified_reviewers(
    request: AuthenticatedHttpRequest, application_id: int, payload: SimplifiedReviewersIn
) -> dict[str, Any]:
    return _simplified_acted(request, application_id, services.reviewers_name, payload)


@router.post(
    "/applications/{int:application_id}/simplified/opinion",
    response={200: SimplifiedReviewOut, 403: Message, 404: Message, 422: Message},
    summary="Give your opinion as a named reviewer (once)",
)
def simplified_opinion(
    request: AuthenticatedHttpRequest, application_id: int, payload: SimplifiedOpinionIn
) -> dict[str, Any]:
    return _simplified_acted(request, application_id, services.opinion_give, payload)


@router.post(
    "/applications/{int:application_id}/simplified/conclude",
    response={200: SimplifiedReviewOut, 403: Message, 404: Message, 422: Message},
    summary="Conclude a concurring review with the changes or reasons (the chair)",
)
def simplified_conclude(
    request: AuthenticatedHttpRequest, application_id: int, payload: DecisionTextsIn
) -> dict[str, Any]:
    return _simplified_acted(request, application_id, services.simplified_conclude, payload)


@router.get(
    "/applications/{int:application_id}/appeals",
    response={200: list[ReviewAppealOut], 404: Message},
    summary="Appeals against the decision on an application",
)
def appeals_get(request: AuthenticatedHttpRequest, application_id: int) -> list[dict[str, Any]]:
    application = applications_selectors.application_get(request.user, application_id)
    if not (
        applications_selectors.is_applicant(request.user, application)
        or selectors.sees_internal(request.user, application)
    ):
        raise Http404
    return [_appeal_out(a) for a in application.appeals.all()]


@router.post(
    "/applications/{int:application_id}/appeals",
    response={201: ReviewAppealOut, 403: Message, 404: Message, 422: Message},
    summary="Appeal against a decision that is not an approval (the applicant)",
)
def appeals_post(
    request: AuthenticatedHttpRequest, application_id: int, payload: ReviewAppealIn
) -> Status[dict[str, Any]]:
    application = applications_selectors.application_get(request.user, application_id)
    appeal = perform(services.appeal_file, request, payload, application=application)
    return Status(201, _appeal_out(appeal))


@router.post(
    "/appeals/{int:appeal_id}/decide",
    response={200: ReviewAppealOut, 403: Message, 404: Message, 422: Message},
    summary="Uphold (review again) or dismiss an appeal (the chair)",
)
def appeal_decide(
    request: AuthenticatedHttpRequest, appeal_id: int, payload: ReviewAppealDecideIn
) -> dict[str, Any]:
    appeal = selectors.appeal_get(request.user, appeal_id)
    return _appeal_out(perform(services.appeal_decide, request, payload, appeal=appeal))
