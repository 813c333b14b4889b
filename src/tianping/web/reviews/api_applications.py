"""JSON API of applications, review bodies and entrustments (under ``/api/reviews``).

See docs/review-applications.md for the request and response shapes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import StringConstraints

from tianping.web.accounts.selectors import visible_organisations
from tianping.web.assessments.models import Evidence
from tianping.web.reviews import selectors
from tianping.web.reviews.models import (
    Application,
    Attachment,
    Entrustment,
    Member,
    ReviewBody,
)
from tianping.web.reviews.services import applications as services
from tianping.web.reviews.services import bodies, common
from tianping.web.systems.selectors import system_get, systems_visible_to

router = Router(tags=["reviews"])

Id = Annotated[int, Field(ge=1, le=2**62)]
Version = Annotated[int, Field(ge=0, le=2**31)]
Text = Annotated[str, StringConstraints(max_length=5000)]
Short = Annotated[str, StringConstraints(max_length=200)]
Title = Annotated[str, StringConstraints(max_length=300)]
Code = Annotated[str, StringConstraints(max_length=48)]
StatusCode = Literal[tuple(Application.Status.values)]  # type: ignore[valid-type]
ProcedureCode = Literal["general", "simplified", "emergency"]
GroundCode = Literal["minimal_risk", "minor_change", "routine_follow_up"]
DisciplineCode = Literal["ai_technology", "domain", "ethics", "law", "other"]
RoleCode = Literal["chair", "vice_chair", "member", "consultant"]
GenderCode = Literal["female", "male"]
PledgeCode = Literal["confidentiality", "conflict_of_interest"]


class Message(Schema):
    detail: Any


# --- schemas: applications --------------------------------------------------------------------


class ApplicationIn(Schema):
    system_id: Id
    title: Title
    summary: Text = ""
    team: list[Short] = Field(default_factory=list, max_length=100)
    parties: list[Short] = Field(default_factory=list, max_length=100)
    previous_id: Id | None = None
    kind: Literal["initial", "resubmission"] = "initial"


class ApplicationPatch(Schema):
    expected_version: Version
    title: Title | None = None
    summary: Text | None = None
    team: list[Short] | None = Field(None, max_length=100)
    parties: list[Short] | None = Field(None, max_length=100)


class SelfAssessmentIn(Schema):
    expected_version: Version
    risks: Text
    controls: Text
    residual_risk: Literal["low", "medium", "high"]


class AttachmentUploadIn(Schema):
    kind: Code
    expected_version: Version | None = None


class WaiverIn(Schema):
    kind: Code
    reason: Annotated[str, StringConstraints(max_length=1000)]
    expected_version: Version | None = None


class EvidenceIn(Schema):
    evidence_id: Id
    expected_version: Version | None = None


class ApplicationVersionIn(Schema):
    expected_version: Version


class AcceptIn(Schema):
    expected_version: Version
    procedure: ProcedureCode
    ground: GroundCode | None = None


class MaterialsIn(Schema):
    expected_version: Version
    kinds: list[Code] = Field(..., min_length=1, max_length=50)
    note: Annotated[str, StringConstraints(max_length=2000)] = ""


class ExtensionIn(Schema):
    expected_version: Version
    length: Annotated[int, Field(ge=1, le=87600)]
    reason: Annotated[str, StringConstraints(max_length=2000)] = ""


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int
    sha256: str
    waived_reason: str
    evidence_id: int | None
    uploaded_at: datetime


class ExtensionOut(Schema):
    id: int
    hours: int
    reason: str
    granted_at: datetime


class BundleOut(Schema):
    complete: bool
    missing: list[dict[str, Any]]
    waived: list[str]


class ReviewApplicationOut(Schema):
    id: int
    reference: str
    kind: str
    status: str
    system_id: int
    organisation_id: int
    body_id: int
    entrustment_id: int | None
    previous_id: int | None
    title: str
    summary: str
    team: list[Any]
    parties: list[Any]
    tier: str
    listed_activity: bool
    self_assessment: dict[str, Any]
    notice: dict[str, Any] | None
    notice_sent_at: datetime | None
    procedure: str
    procedure_ground: str
    submitted_at: datetime | None
    accepted_at: datetime | None
    due_at: datetime | None
    decision: str
    version: int
    bundle: BundleOut
    attachments: list[AttachmentOut]
    extensions: list[ExtensionOut]
    created_at: datetime
    updated_at: datetime


class ApplicationSummaryOut(Schema):
    id: int
    reference: str
    kind: str
    status: str
    system_id: int
    organisation_id: int
    body_id: int
    title: str
    tier: str
    submitted_at: datetime | None
    due_at: datetime | None
    version: int


def _attachment_out(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "name": a.name,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "waived_reason": a.waived_reason,
        "evidence_id": a.evidence_id,
        "uploaded_at": a.uploaded_at,
    }


def _application_out(app: Application) -> dict[str, Any]:
    result = services.bundle(app)
    return {
        "id": app.pk,
        "reference": app.reference,
        "kind": app.kind,
        "status": app.status,
        "system_id": app.system_id,
        "organisation_id": app.organisation_id,
        "body_id": app.body_id,
        "entrustment_id": app.entrustment_id,
        "previous_id": app.previous_id,
        "title": app.title,
        "summary": app.summary,
        "team": list(app.team or []),
        "parties": list(app.parties or []),
        "tier": app.tier,
        "listed_activity": app.listed_activity,
        "self_assessment": app.self_assessment or {},
        "notice": app.notice,
        "notice_sent_at": app.notice_sent_at,
        "procedure": app.procedure,
        "procedure_ground": app.procedure_ground,
        "submitted_at": app.submitted_at,
        "accepted_at": app.accepted_at,
        "due_at": app.due_at,
        "decision": app.decision,
        "version": app.version,
        "bundle": {
            "complete": not services.missing_items(app),
            "missing": services.missing_items(app),
            "waived": list(result.waived),
        },
        "attachments": [_attachment_out(a) for a in app.attachments.all()],
        "extensions": [
            {"id": e.pk, "hours": e.hours, "reason": e.reason, "granted_at": e.granted_at}
            for e in app.extensions.all()
        ],
        "created_at": app.created_at,
        "updated_at": app.updated_at,
    }


def _fresh(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _application_out(selectors.application_get(request.user, pk))


# --- applications -----------------------------------------------------------------------------


@router.get(
    "/applications",
    response=list[ApplicationSummaryOut],
    summary="Applications for ethics review visible to you",
)
def list_applications(
    request: HttpRequest,
    status: StatusCode | None = None,
    body: int | None = Query(None, ge=1, le=2**62),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10**9),
) -> list[dict[str, Any]]:
    qs = selectors.applications_visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    if body:
        qs = qs.filter(body_id=body)
    return [
        {
            "id": a.pk,
            "reference": a.reference,
            "kind": a.kind,
            "status": a.status,
            "system_id": a.system_id,
            "organisation_id": a.organisation_id,
            "body_id": a.body_id,
            "title": a.title,
            "tier": a.tier,
            "submitted_at": a.submitted_at,
            "due_at": a.due_at,
            "version": a.version,
        }
        for a in qs[offset : offset + limit]
    ]


@router.post(
    "/applications",
    response={201: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Draft an application for an AI system (routed to your committee or entrusted centre)",
)
def create_application(request: HttpRequest, payload: ApplicationIn) -> Status[dict[str, Any]]:
    system = system_get(request.user, payload.system_id)
    previous = (
        selectors.application_get(request.user, payload.previous_id)
        if payload.previous_id
        else None
    )
    app = services.application_create(
        actor=request.user,
        system=system,
        title=payload.title,
        summary=payload.summary,
        team=payload.team,
        parties=payload.parties,
        previous=previous,
        kind=payload.kind,
    )
    return Status(201, _fresh(request, app.pk))


@router.get(
    "/applications/{int:application_id}",
    response={200: ReviewApplicationOut, 404: Message},
    summary="One application, with its bundle check, attachments and extensions",
)
def get_application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return _fresh(request, application_id)


@router.patch(
    "/applications/{int:application_id}",
    response={200: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Change a draft or incomplete application",
)
def update_application(
    request: HttpRequest, application_id: int, payload: ApplicationPatch
) -> dict[str, Any]:
    app = selectors.application_get(request.user, application_id)
    fields = payload.dict(exclude_unset=True, exclude_none=True)
    version = fields.pop("expected_version")
    services.application_update(
        actor=request.user, application=app, expected_version=version, **fields
    )
    return _fresh(request, application_id)


@router.put(
    "/applications/{int:application_id}/self-assessment",
    response={200: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Complete the risk self-assessment (risks, controls, residual risk)",
)
def update_self_assessment(
    request: HttpRequest, application_id: int, payload: SelfAssessmentIn
) -> dict[str, Any]:
    app = selectors.application_get(request.user, application_id)
    services.self_assessment_update(
        actor=request.user,
        application=app,
        expected_version=payload.expected_version,
        risks=payload.risks,
        controls=payload.controls,
        residual_risk=payload.residual_risk,
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/attachments",
    response={201: AttachmentOut, 403: Message, 404: Message, 413: Message, 422: Message},
    summary="Upload one typed attachment (multipart: kind, file, expected_version)",
)
def upload_attachment(
    request: HttpRequest,
    application_id: int,
    payload: Form[AttachmentUploadIn],
    file: Annotated[UploadedFile, File(description="PDF, DOCX, XLSX, ODT, UTF-8 text, PNG, JPEG")],
) -> Status[dict[str, Any]]:
    app = selectors.application_get(request.user, application_id)
    attachment = services.attachment_add(
        actor=request.user,
        application=app,
        kind=payload.kind,
        upload=file,
        expected_version=payload.expected_version,
    )
    return Status(201, _attachment_out(attachment))


@router.post(
    "/applications/{int:application_id}/attachments/waive",
    response={201: AttachmentOut, 403: Message, 404: Message, 422: Message},
    summary="Mark a waivable bundle item not applicable, with the reason",
)
def waive_attachment(
    request: HttpRequest, application_id: int, payload: WaiverIn
) -> Status[dict[str, Any]]:
    app = selectors.application_get(request.user, application_id)
    attachment = services.attachment_waive(
        actor=request.user,
        application=app,
        kind=payload.kind,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return Status(201, _attachment_out(attachment))


@router.delete(
    "/applications/{int:application_id}/attachments/{int:attachment_id}",
    response={200: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Remove an attachment or a waiver",
)
def delete_attachment(
    request: HttpRequest,
    application_id: int,
    attachment_id: int,
    expected_version: int | None = Query(None, ge=0, le=2**31),
) -> dict[str, Any]:
    app = selectors.application_get(request.user, application_id)
    attachment = get_object_or_404(Attachment, pk=attachment_id, application=app)
    services.attachment_remove(
        actor=request.user,
        application=app,
        attachment=attachment,
        expected_version=expected_version,
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/evidence",
    response={201: AttachmentOut, 403: Message, 404: Message, 422: Message},
    summary="Attach evidence filed on the platform for the same system",
)
def attach_evidence(
    request: HttpRequest, application_id: int, payload: EvidenceIn
) -> Status[dict[str, Any]]:
    app = selectors.application_get(request.user, application_id)
    evidence = get_object_or_404(
        Evidence.objects.filter(system__in=systems_visible_to(request.user)),
        pk=payload.evidence_id,
    )
    attachment = services.evidence_attach(
        actor=request.user,
        application=app,
        evidence=evidence,
        expected_version=payload.expected_version,
    )
    return Status(201, _attachment_out(attachment))


@router.post(
    "/applications/{int:application_id}/submit",
    response={200: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Submit; an incomplete first submission gets the one notice (status incomplete)",
)
def submit_application(
    request: HttpRequest, application_id: int, payload: ApplicationVersionIn
) -> dict[str, Any]:
    app = selectors.application_get(request.user, application_id)
    services.application_submit(
        actor=request.user, application=app, expected_version=payload.expected_version
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/withdraw",
    response={200: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Withdraw a draft, submitted or incomplete application",
)
def withdraw_application(
    request: HttpRequest, application_id: int, payload: ApplicationVersionIn
) -> dict[str, Any]:
    app = selectors.application_get(request.user, application_id)
    services.application_withdraw(
        actor=request.user, application=app, expected_version=payload.expected_version
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/accept",
    response={200: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Accept a submitted application and name the procedure (chair)",
)
def accept_application(
    request: HttpRequest, application_id: int, payload: AcceptIn
) -> dict[str, Any]:
    app = selectors.application_get(request.user, application_id)
    services.application_accept(
        actor=request.user,
        application=app,
        procedure=payload.procedure,
        ground=payload.ground,
        expected_version=payload.expected_version,
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/materials-request",
    response={200: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Send the one notice of missing materials (chair, before acceptance)",
)
def request_materials(
    request: HttpRequest, application_id: int, payload: MaterialsIn
) -> dict[str, Any]:
    app = selectors.application_get(request.user, application_id)
    services.materials_request(
        actor=request.user,
        application=app,
        kinds=list(payload.kinds),
        note=payload.note,
        expected_version=payload.expected_version,
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/extensions",
    response={201: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Extend the decision deadline (days; hours for emergency) with a reason (chair)",
)
def extend_deadline(
    request: HttpRequest, application_id: int, payload: ExtensionIn
) -> Status[dict[str, Any]]:
    app = selectors.application_get(request.user, application_id)
    services.deadline_extend(
        actor=request.user,
        application=app,
        length=payload.length,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return Status(201, _fresh(request, application_id))


# --- review bodies ----------------------------------------------------------------------------


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
    today = timezone.localdate()
    lang = common.language()
    try:
        composition = bodies.composition(body, today).to_json(lang)
        reminders = bodies.reminders(body, today).to_json(lang)
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
        data["user"] = bodies.user_by_username(username) if username else None
    return data


@router.get("/bodies", response=list[BodySummaryOut], summary="Review bodies visible to you")
def list_bodies(request: HttpRequest) -> list[dict[str, Any]]:
    return [_body_summary(b) for b in selectors.bodies_visible_to(request.user)]


@router.post(
    "/bodies",
    response={201: BodyOut, 403: Message, 404: Message, 422: Message},
    summary="Record an ethics committee or review centre as a review body",
)
def create_body(request: HttpRequest, payload: BodyIn) -> Status[dict[str, Any]]:
    organisation = get_object_or_404(
        visible_organisations(request.user), pk=payload.organisation_id
    )
    body = bodies.body_create(
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
def add_member(request: HttpRequest, body_id: int, payload: MemberIn) -> Status[dict[str, Any]]:
    body = selectors.body_get(request.user, body_id)
    member = bodies.member_add(actor=request.user, body=body, **_member_fields(payload.dict()))
    return Status(201, _member_out(member))


@router.patch(
    "/bodies/{int:body_id}/members/{int:member_id}",
    response={200: MemberOut, 403: Message, 404: Message, 422: Message},
    summary="Change a roster entry",
)
def update_member(
    request: HttpRequest, body_id: int, member_id: int, payload: MemberPatch
) -> dict[str, Any]:
    body = selectors.body_get(request.user, body_id)
    member = bodies.member_get(body, member_id)
    data = payload.dict(exclude_unset=True)
    data = {k: v for k, v in data.items() if v is not None or k == "username"}
    member = bodies.member_update(actor=request.user, member=member, **_member_fields(data))
    return _member_out(member)


@router.post(
    "/bodies/{int:body_id}/members/{int:member_id}/deactivate",
    response={200: MemberOut, 403: Message, 404: Message, 422: Message},
    summary="Take a member off the roster",
)
def deactivate_member(request: HttpRequest, body_id: int, member_id: int) -> dict[str, Any]:
    body = selectors.body_get(request.user, body_id)
    member = bodies.member_get(body, member_id)
    return _member_out(bodies.member_deactivate(actor=request.user, member=member))


@router.post(
    "/bodies/{int:body_id}/registration",
    response={200: BodyOut, 403: Message, 404: Message, 422: Message},
    summary="Record the body's registration",
)
def record_registration(
    request: HttpRequest, body_id: int, payload: RegistrationIn
) -> dict[str, Any]:
    body = selectors.body_get(request.user, body_id)
    bodies.registration_record(actor=request.user, body=body, registered_on=payload.registered_on)
    return _body_out(request, selectors.body_get(request.user, body_id))


@router.post(
    "/bodies/{int:body_id}/annual-reports",
    response={200: BodyOut, 403: Message, 404: Message, 422: Message},
    summary="Record an annual report",
)
def record_annual_report(
    request: HttpRequest, body_id: int, payload: AnnualReportIn
) -> dict[str, Any]:
    body = selectors.body_get(request.user, body_id)
    bodies.annual_report_record(
        actor=request.user, body=body, year=payload.year, filed_on=payload.filed_on
    )
    return _body_out(request, selectors.body_get(request.user, body_id))


# --- entrustments -----------------------------------------------------------------------------


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
    return [_entrustment_out(e) for e in bodies.entrustments_visible_to(request.user)[:500]]


@router.post(
    "/entrustments",
    response={201: EntrustmentOut, 403: Message, 404: Message, 413: Message, 422: Message},
    summary="Record a written entrustment of a review centre (multipart, optional document)",
)
def create_entrustment(
    request: HttpRequest,
    payload: Form[EntrustmentIn],
    document: Annotated[UploadedFile | None, File(description="The signed agreement")] = None,
) -> Status[dict[str, Any]]:
    organisation = get_object_or_404(
        visible_organisations(request.user), pk=payload.organisation_id
    )
    centre = get_object_or_404(bodies.review_centres(), pk=payload.centre_id)
    entrustment = bodies.entrustment_create(
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
def revoke_entrustment(request: HttpRequest, entrustment_id: int) -> dict[str, Any]:
    entrustment = bodies.entrustment_get(request.user, entrustment_id)
    return _entrustment_out(bodies.entrustment_revoke(actor=request.user, entrustment=entrustment))
