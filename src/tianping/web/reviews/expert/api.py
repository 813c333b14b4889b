"""JSON API of expert re-review and aftercare (mounted at ``/api/reviews``).

Path ids are plain path segments validated as integers (422 when they are
not), so that no id, however malformed, falls outside the API's JSON answers.
Errors as everywhere in the API (docs/api.md): 404 for what the caller cannot
see, 403 for what their role may not do, 422 with the messages (each finding
with its rule's citation) for input the services refuse; nothing is saved."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews import library
from tianping.web.reviews.expert import selectors, services
from tianping.web.reviews.expert.selectors import review_get, seat_get
from tianping.web.reviews.models import (
    Discipline,
    ExpertReview,
    PanelExpert,
)

router = Router(tags=["reviews"])


# The choices' values, as a Literal for ninja's validation and OpenAPI; a Literal
# built at runtime is no static type, so the type checker sees ``str``.
if TYPE_CHECKING:
    DisciplineCode = str
else:
    DisciplineCode = Literal[tuple(Discipline.values)]


Id = Annotated[int, Field(ge=1, le=2**62)]


Line = Annotated[str, StringConstraints(max_length=200)]


class SeatIn(Schema):
    user_id: Id | None = None
    name: Line = ""
    disciplines: list[DisciplineCode] = Field(..., min_length=1, max_length=5)
    affiliation: Line


class ExpertInterestIn(Schema):
    party: Annotated[str, StringConstraints(max_length=200)]
    description: Annotated[str, StringConstraints(max_length=1000)]


class InterestsIn(Schema):
    interests: list[ExpertInterestIn] = Field(default_factory=list, max_length=100)


class VoteIn(Schema):
    view: Literal["agree", "disagree"]
    comment: Annotated[str, StringConstraints(max_length=5000)] = ""


class ConcludeIn(Schema):
    reasons: list[Annotated[str, StringConstraints(max_length=1000)]] = Field(
        default_factory=list, max_length=100
    )


class ProposalIn(Schema):
    proposal: Annotated[str, StringConstraints(max_length=5000)]


class SeatOut(Schema):
    id: int
    review_id: int
    user: str | None
    name: str
    disciplines: list[str]
    affiliation: str
    interests_declared: bool
    interests: list[dict[str, str]] | None
    view: str | None
    voted: bool


class ReviewOut(Schema):
    id: int
    application_id: int
    application: str
    authority_id: int
    authority: str
    status: str
    preliminary_decision: str
    preliminary_text: str
    requested_at: datetime
    due_at: datetime | None
    opinion: str | None
    outcome: dict[str, Any] | None
    concluded_at: datetime | None
    list_update_proposal: str
    panel: list[SeatOut]
    findings: list[str] | None


class StatisticsOut(Schema):
    jurisdictions: list[str]
    applications: int
    decided: int
    by_status: dict[str, int]
    by_decision: dict[str, int]
    by_procedure: dict[str, int]
    by_kind: dict[str, int]
    re_reviews: dict[str, Any]
    average_days_to_decision: float | None
    proposals: list[dict[str, Any]]


def _seat_out(seat: PanelExpert, *, full: bool) -> dict[str, Any]:
    return {
        "id": seat.pk,
        "review_id": seat.review_id,
        "user": seat.user.get_username() if seat.user else None,
        "name": seat.name,
        "disciplines": list(seat.disciplines),
        "affiliation": seat.affiliation,
        "interests_declared": seat.interests_declared,
        "interests": list(seat.interests) if full else None,
        "view": seat.view or None if full else None,
        "voted": bool(seat.view),
    }


def _review_out(request: HttpRequest, review: ExpertReview) -> dict[str, Any]:
    review.refresh_from_db()
    authority = selectors.is_authority(request.user, review)
    concluded = review.status == ExpertReview.Status.CONCLUDED
    findings = None
    if authority and review.status == ExpertReview.Status.REQUESTED:
        try:
            findings = [
                f.describe(library.language()) for f in selectors.panel_check(review).findings
            ]
        except ValidationError as exc:
            findings = list(exc.messages)
    uid = getattr(request.user, "pk", None)
    return {
        "id": review.pk,
        "application_id": review.application_id,
        "application": review.application.reference,
        "authority_id": review.authority_id,
        "authority": review.authority.name,
        "status": review.status,
        "preliminary_decision": review.preliminary_decision,
        "preliminary_text": review.preliminary_text,
        "requested_at": review.requested_at,
        "due_at": review.due_at,
        "opinion": review.opinion or None,
        "outcome": review.outcome,
        "concluded_at": review.concluded_at,
        "list_update_proposal": review.list_update_proposal,
        "panel": [
            _seat_out(s, full=authority or concluded or s.user_id == uid)
            for s in review.panel.select_related("user").order_by("pk")
        ],
        "findings": findings,
    }


@router.get(
    "/expert-reviews",
    response={200: list[ReviewOut]},
    summary="Expert re-reviews before the caller's authority",
)
def list_expert_reviews(request: HttpRequest) -> list[dict[str, Any]]:
    reviews = selectors.expert_reviews_for_authority(request.user).order_by("-requested_at")
    return [_review_out(request, r) for r in reviews[:200]]


@router.get(
    "/expert-reviews/{review_id}",
    response={200: ReviewOut, 404: Message, 422: Message},
    summary="One expert re-review, with its panel (and, for the authority, failing checks)",
)
def get_expert_review(request: HttpRequest, review_id: int) -> dict[str, Any]:
    return _review_out(request, review_get(request.user, review_id))


@router.post(
    "/expert-reviews/{review_id}/panel",
    response={201: SeatOut, 403: Message, 404: Message, 422: Message},
    summary="Add an expert to the panel (the authority)",
)
def add_panel_expert(
    request: AuthenticatedHttpRequest, review_id: int, payload: SeatIn
) -> Status[dict[str, Any]]:
    review = review_get(request.user, review_id)
    if not selectors.is_authority(request.user, review):
        raise PermissionDenied(_("Only the competent authority may do this."))
    user = None
    if payload.user_id is not None:
        user = get_user_model().objects.filter(pk=payload.user_id).first()
        if user is None:
            raise ValidationError(
                {"user_id": [_("This account does not hold the role of expert.")]}
            )
    seat = services.panel_add(
        actor=request.user,
        review=review,
        user=user,
        name=payload.name,
        disciplines=list(payload.disciplines),
        affiliation=payload.affiliation,
    )
    return Status(201, _seat_out(seat, full=True))


@router.delete(
    "/expert-reviews/{review_id}/panel/{seat_id}",
    response={204: None, 403: Message, 404: Message, 422: Message},
    summary="Take an expert off a panel not yet formed (the authority)",
)
def remove_panel_expert(
    request: AuthenticatedHttpRequest, review_id: int, seat_id: int
) -> Status[None]:
    review = review_get(request.user, review_id)
    seat = review.panel.filter(pk=seat_id).first()
    if seat is None:
        raise Http404
    services.panel_remove(actor=request.user, seat=seat)
    return Status(204, None)


@router.post(
    "/expert-panel-seats/{seat_id}/interests",
    response={200: SeatOut, 403: Message, 404: Message, 422: Message},
    summary="Declare interests (the expert; the authority for an expert without account)",
)
def declare_interests(
    request: AuthenticatedHttpRequest, seat_id: int, payload: InterestsIn
) -> dict[str, Any]:
    seat = seat_get(request.user, seat_id)
    seat = services.interests_declare(
        actor=request.user, seat=seat, interests=[i.dict() for i in payload.interests]
    )
    return _seat_out(seat, full=True)


@router.post(
    "/expert-reviews/{review_id}/form",
    response={200: ReviewOut, 403: Message, 404: Message, 422: Message},
    summary="Form the panel; 422 lists every failing check with its citation",
)
def form_panel(request: AuthenticatedHttpRequest, review_id: int) -> dict[str, Any]:
    review = review_get(request.user, review_id)
    return _review_out(request, services.panel_form(actor=request.user, review=review))


@router.post(
    "/expert-panel-seats/{seat_id}/vote",
    response={200: SeatOut, 403: Message, 404: Message, 422: Message},
    summary="The expert's view on the preliminary opinion, once",
)
def vote(request: AuthenticatedHttpRequest, seat_id: int, payload: VoteIn) -> dict[str, Any]:
    seat = seat_get(request.user, seat_id)
    seat = services.expert_vote(
        actor=request.user, seat=seat, view=payload.view, comment=payload.comment
    )
    return _seat_out(seat, full=True)


@router.post(
    "/expert-reviews/{review_id}/conclude",
    response={200: ReviewOut, 403: Message, 404: Message, 422: Message},
    summary="Conclude: the committee's final decision follows the panel's opinion",
)
def conclude(
    request: AuthenticatedHttpRequest, review_id: int, payload: ConcludeIn
) -> dict[str, Any]:
    review = review_get(request.user, review_id)
    review = services.panel_conclude(actor=request.user, review=review, reasons=payload.reasons)
    return _review_out(request, review)


@router.post(
    "/expert-reviews/{review_id}/proposal",
    response={200: ReviewOut, 403: Message, 404: Message, 422: Message},
    summary="Record a proposal to update the expert re-review list",
)
def propose(
    request: AuthenticatedHttpRequest, review_id: int, payload: ProposalIn
) -> dict[str, Any]:
    review = review_get(request.user, review_id)
    review = services.list_update_propose(
        actor=request.user, review=review, proposal=payload.proposal
    )
    return _review_out(request, review)


@router.get(
    "/expert-panel-seats",
    response={200: list[SeatOut]},
    summary="The caller's seats on re-review panels",
)
def my_seats(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    seats = PanelExpert.objects.filter(user_id=request.user.pk).order_by("-pk")
    return [_seat_out(s, full=True) for s in seats.select_related("user")[:200]]


@router.get(
    "/statistics",
    response={200: StatisticsOut, 403: Message},
    summary="Ethics review in the caller's jurisdiction (regulators)",
)
def statistics(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return selectors.authority_statistics(request.user)
