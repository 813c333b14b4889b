"""The JSON API of review bodies (a router of ``/api/reviews``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from pydantic import StringConstraints

from tianping.web.accounts.selectors import visible_organisations
from tianping.web.core import timezones
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews import library
from tianping.web.reviews.bodies import selectors, services
from tianping.web.reviews.models import (
    Entrustment,
    Member,
    ReviewBody,
)

router = Router(tags=["reviews"])


Id = Annotated[int, Field(ge=1, le=2**62)]


Short = Annotated[str, StringConstraints(max_length=200)]


DisciplineCode = Literal["ai_technology", "domain", "ethics", "law", "other"]


RoleCode = Literal["chair", "vice_chair", "member", "consultant"]


GenderCode = Literal["female", "male"]


PledgeCode = Literal["confidentiality", "conflict_of_interest"]


class MemberInterestIn(Schema):
    party: Annotated[str, StringConstraints(max_length=500)]
    description: Annotated[str, StringConstraints(max_length=500)]


class TrainingIn(Schema):
    course: Annotated[str, StringConstraints(max_length=500)]
    completed_on: date


class MemberIn(Schema):
    name: Short
    role: RoleCode = "member"
    disciplines: list[DisciplineCode] = Field(..., min_length=1, max_length=5)
    gender: GenderCode
    external: bool = False
    affiliation: Short
    term_start: date
    term_end: date
    pledges: list[PledgeCode] = Field(default_factory=list, max_length=2)
    interests: list[MemberInterestIn] = Field(default_factory=list, max_length=50)
    training: list[TrainingIn] = Field(default_factory=list, max_length=50)
    username: Annotated[str, StringConstraints(max_length=150)] | None = None


class MemberPatch(Schema):
    name: Short | None = None
    role: RoleCode | None = None
    disciplines: list[DisciplineCode] | None = Field(None, min_length=1, max_length=5)
    gender: GenderCode | None = None
    external: bool | None = None
    affiliation: Short | None = None
    term_start: date | None = None
    term_end: date | None = None
    pledges: list[PledgeCode] | None = Field(None, max_length=2)
    interests: list[MemberInterestIn] | None = Field(None, max_length=50)
    training: list[TrainingIn] | None = Field(None, max_length=50)
    username: Annotated[str, StringConstraints(max_length=150)] | None = None


class MemberOut(Schema):
    id: int
    user: str | None
    name: str
    role: str
    disciplines: list[str]
    gender: str
    external: bool
    affiliation: str
    term_start: date
    term_end: date
    pledges: list[str]
    interests: list[dict[str, Any]]
    training: list[dict[str, Any]]
    active: bool


class BodyIn(Schema):
    organisation_id: Id
    established_on: date
    registered_on: date | None = None
    rule_set: Literal["national", "sichuan"] = "national"


class RegistrationIn(Schema):
    registered_on: date


class AnnualReportIn(Schema):
    year: Annotated[int, Field(ge=1900, le=9999)]
    filed_on: date


class BodySummaryOut(Schema):
    id: int
    organisation_id: int
    name: str
    kind: str
    rule_set: str
    established_on: date
    registered_on: date | None


class BodyOut(BodySummaryOut):
    annual_reports: list[dict[str, Any]]
    can_manage: bool
    members: list[MemberOut]
    composition: dict[str, Any] | None
    reminders: dict[str, Any] | None


def _member_out(m: Member) -> dict[str, Any]:
    return {
        "id": m.pk,
        "user": m.user.get_username() if m.user else None,
        "name": m.name,
        "role": m.role,
        "disciplines": list(m.disciplines),
        "gender": m.gender,
        "external": m.external,
        "affiliation": m.affiliation,
        "term_start": m.term_start,
        "term_end": m.term_end,
        "pledges": list(m.pledges),
        "interests": list(m.interests),
        "training": list(m.training),
        "active": m.active,
    }


def _body_summary(body: ReviewBody) -> dict[str, Any]:
    return {
        "id": body.pk,
        "organisation_id": body.organisation_id,
        "name": body.organisation.name,
        "kind": body.organisation.kind,
        "rule_set": body.rule_set,
        "established_on": body.established_on,
        "registered_on": body.registered_on,
    }


def _body_out(request: HttpRequest, body: ReviewBody) -> dict[str, Any]:
    today = timezones.today(timezones.zone_of(body.organisation))
    lang = library.language()
    composition: dict[str, object] | None
    reminders: dict[str, object] | None
    try:
        composition = selectors.composition(body, today).to_json(lang)
        reminders = selectors.reminders(body, today).to_json(lang)
    except ValidationError:  # a roster the library cannot read: shown without the checks
        composition = reminders = None
    return {
        **_body_summary(body),
        "annual_reports": list(body.annual_reports or []),
        "can_manage": selectors.can_manage_body(request.user, body),
        "members": [_member_out(m) for m in body.members.select_related("user")],
        "composition": composition,
        "reminders": reminders,
    }


def _member_fields(data: dict[str, Any]) -> dict[str, Any]:
    if "training" in data and data["training"] is not None:
        data["training"] = [
            {"course": t["course"], "completed_on": t["completed_on"].isoformat()}
            for t in data["training"]
        ]
    if "username" in data:
        username = data.pop("username")
        data["user"] = selectors.user_by_username(username) if username else None
    return data


@router.get("/bodies", response=list[BodySummaryOut], summary="Review bodies visible to you")
def list_bodies(request: HttpRequest) -> list[dict[str, Any]]:
    return [_body_summary(b) for b in selectors.bodies_visible_to(request.user)]


@router.post(
    "/bodies",
    response={201: BodyOut, 403: Message, 404: Message, 422: Message},
    summary="Record an ethics committee or review centre as a review body",
)
def create_body(request: AuthenticatedHttpRequest, payload: BodyIn) -> Status[dict[str, Any]]:
    organisation = get_object_or_404(
        visible_organisations(request.user), pk=payload.organisation_id
    )
    body = services.body_create(
        actor=request.user,
        organisation=organisation,
        established_on=payload.established_on,
        registered_on=payload.registered_on,
        rule_set=payload.rule_set,
    )
    return Status(201, _body_out(request, selectors.body_get(request.user, body.pk)))


@router.get(
    "/bodies/{int:body_id}",
    response={200: BodyOut, 404: Message},
    summary="A review body: roster, composition check and registration reminders",
)
def get_body(request: HttpRequest, body_id: int) -> dict[str, Any]:
    return _body_out(request, selectors.body_get(request.user, body_id))


@router.post(
    "/bodies/{int:body_id}/members",
    response={201: MemberOut, 403: Message, 404: Message, 422: Message},
    summary="Add a member to the roster",
)
def add_member(
    request: AuthenticatedHttpRequest, body_id: int, payload: MemberIn
) -> Status[dict[str, Any]]:
    body = selectors.body_get(request.user, body_id)
    member = services.member_add(actor=request.user, body=body, **_member_fields(payload.dict()))
    return Status(201, _member_out(member))


@router.patch(
    "/bodies/{int:body_id}/members/{int:member_id}",
    response={200: MemberOut, 403: Message, 404: Message, 422: Message},
    summary="Change a roster entry",
)
def update_member(
    request: AuthenticatedHttpRequest, body_id: int, member_id: int, payload: MemberPatch
) -> dict[str, Any]:
    body = selectors.body_get(request.user, body_id)
    member = selectors.member_get(body, member_id)
    data = payload.dict(exclude_unset=True)
    data = {k: v for k, v in data.items() if v is not None or k == "username"}
    member = services.member_update(actor=request.user, member=member, **_member_fields(data))
    return _member_out(member)


@router.post(
    "/bodies/{int:body_id}/members/{int:member_id}/deactivate",
    response={200: MemberOut, 403: Message, 404: Message, 422: Message},
    summary="Take a member off the roster",
)
def deactivate_member(
    request: AuthenticatedHttpRequest, body_id: int, member_id: int
) -> dict[str, Any]:
    body = selectors.body_get(request.user, body_id)
    member = selectors.member_get(body, member_id)
    return _member_out(services.member_deactivate(actor=request.user, member=member))


@router.post(
    "/bodies/{int:body_id}/registration",
    response={200: BodyOut, 403: Message, 404: Message, 422: Message},
    summary="Record the body's registration",
)
def record_registration(
    request: AuthenticatedHttpRequest, body_id: int, payload: RegistrationIn
) -> dict[str, Any]:
    body = selectors.body_get(request.user, body_id)
    services.registration_record(actor=request.user, body=body, registered_on=payload.registered_on)
    return _body_out(request, selectors.body_get(request.user, body_id))


@router.post(
    "/bodies/{int:body_id}/annual-reports",
    response={200: BodyOut, 403: Message, 404: Message, 422: Message},
    summary="Record an annual report",
)
def record_annual_report(
    request: AuthenticatedHttpRequest, body_id: int, payload: AnnualReportIn
) -> dict[str, Any]:
    body = selectors.body_get(request.user, body_id)
    services.annual_report_record(
        actor=request.user, body=body, year=payload.year, filed_on=payload.filed_on
    )
    return _body_out(request, selectors.body_get(request.user, body_id))


class EntrustmentIn(Schema):
    organisation_id: Id
    centre_id: Id
    agreement_reference: Annotated[str, StringConstraints(max_length=100)]
    signed_on: date
    valid_until: date | None = None


class EntrustmentOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    centre_id: int
    centre: str
    agreement_reference: str
    signed_on: date
    valid_until: date | None
    document_name: str
    document_sha256: str
    revoked_at: datetime | None
    created_at: datetime


def _entrustment_out(e: Entrustment) -> dict[str, Any]:
    return {
        "id": e.pk,
        "organisation_id": e.organisation_id,
        "organisation": e.organisation.name,
        "centre_id": e.centre_id,
        "centre": e.centre.organisation.name,
        "agreement_reference": e.agreement_reference,
        "signed_on": e.signed_on,
        "valid_until": e.valid_until,
        "document_name": e.document_name,
        "document_sha256": e.document_sha256,
        "revoked_at": e.revoked_at,
        "created_at": e.created_at,
    }


@router.get("/entrustments", response=list[EntrustmentOut], summary="Entrustments visible to you")
def list_entrustments(request: HttpRequest) -> list[dict[str, Any]]:
    return [_entrustment_out(e) for e in selectors.entrustments_visible_to(request.user)[:500]]


@router.post(
    "/entrustments",
    response={201: EntrustmentOut, 403: Message, 404: Message, 413: Message, 422: Message},
    summary="Record a written entrustment of a review centre (multipart, optional document)",
)
def create_entrustment(
    request: AuthenticatedHttpRequest,
    payload: Form[EntrustmentIn],
    document: Annotated[UploadedFile | None, File(description="The signed agreement")] = None,
) -> Status[dict[str, Any]]:
    organisation = get_object_or_404(
        visible_organisations(request.user), pk=payload.organisation_id
    )
    centre = get_object_or_404(selectors.review_centres(), pk=payload.centre_id)
    entrustment = services.entrustment_create(
        actor=request.user,
        organisation=organisation,
        centre=centre,
        agreement_reference=payload.agreement_reference,
        signed_on=payload.signed_on,
        valid_until=payload.valid_until,
        document=document,
    )
    return Status(201, _entrustment_out(entrustment))


@router.post(
    "/entrustments/{int:entrustment_id}/revoke",
    response={200: EntrustmentOut, 403: Message, 404: Message, 422: Message},
    summary="Revoke an entrustment",
)
def revoke_entrustment(request: AuthenticatedHttpRequest, entrustment_id: int) -> dict[str, Any]:
    entrustment = selectors.entrustment_get(request.user, entrustment_id)
    return _entrustment_out(
        services.entrustment_revoke(actor=request.user, entrustment=entrustment)
    )
