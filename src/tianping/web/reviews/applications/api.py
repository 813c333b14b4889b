"""JSON API of applications, review bodies and entrustments (under ``/api/reviews``).

See docs/review-applications.md for the request and response shapes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

# The function itself: ``ninja.Query`` forwards to it, but is typed for annotations only.
from ninja.params.functions import Query
from pydantic import StringConstraints

from tianping.web.assessments.models import Evidence
from tianping.web.core.actions import perform
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews.applications import selectors, services
from tianping.web.reviews.applications.services import MAX_EXTENSION
from tianping.web.reviews.models import (
    Application,
    Attachment,
    Procedure,
    SimplifiedGround,
)
from tianping.web.systems.selectors import system_get, systems_visible_to

router = Router(tags=["reviews"])


Id = Annotated[int, Field(ge=1, le=2**62)]


Version = Annotated[int, Field(ge=0, le=2**31)]


Text = Annotated[str, StringConstraints(max_length=5000)]


Short = Annotated[str, StringConstraints(max_length=200)]


Title = Annotated[str, StringConstraints(max_length=300)]


Code = Annotated[str, StringConstraints(max_length=48)]


# The choices' values, as a Literal for ninja's validation and OpenAPI; a Literal
# built at runtime is no static type, so the type checker sees ``str``.
if TYPE_CHECKING:
    StatusCode = str
else:
    StatusCode = Literal[tuple(Application.Status.values)]


# The choices' values, as a Literal for ninja's validation and OpenAPI; a Literal
# built at runtime is no static type, so the type checker sees ``str``.
if TYPE_CHECKING:
    ProcedureCode = str
    GroundCode = str
else:
    ProcedureCode = Literal[tuple(Procedure.values)]
    GroundCode = Literal[tuple(SimplifiedGround.values)]


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
    length: Annotated[int, Field(ge=1, le=MAX_EXTENSION["hours"])]
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
    # The high-risk activity list version the tier was computed against.
    list_version: str
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
    result = selectors.bundle(app)
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
        "list_version": app.list_version,
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
            "complete": not selectors.missing_items(app),
            "missing": selectors.missing_items(app),
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


def _acted(request: HttpRequest, pk: int, service: Any, payload: Schema) -> dict[str, Any]:
    """``service`` done on the application (404 when invisible) with the payload; the result."""
    perform(service, request, payload, application=selectors.application_get(request.user, pk))
    return _fresh(request, pk)


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
def create_application(
    request: AuthenticatedHttpRequest, payload: ApplicationIn
) -> Status[dict[str, Any]]:
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
    request: AuthenticatedHttpRequest, application_id: int, payload: ApplicationPatch
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
    request: AuthenticatedHttpRequest, application_id: int, payload: SelfAssessmentIn
) -> dict[str, Any]:
    return _acted(request, application_id, services.self_assessment_update, payload)


@router.post(
    "/applications/{int:application_id}/attachments",
    response={201: AttachmentOut, 403: Message, 404: Message, 413: Message, 422: Message},
    summary="Upload one typed attachment (multipart: kind, file, expected_version)",
)
def upload_attachment(
    request: AuthenticatedHttpRequest,
    application_id: int,
    payload: Form[AttachmentUploadIn],
    file: Annotated[UploadedFile, File(description="PDF, DOCX, XLSX, ODT, UTF-8 text, PNG, JPEG")],
) -> Status[dict[str, Any]]:
    app = selectors.application_get(request.user, application_id)
    attachment = perform(services.attachment_add, request, payload, application=app, upload=file)
    return Status(201, _attachment_out(attachment))


@router.post(
    "/applications/{int:application_id}/attachments/waive",
    response={201: AttachmentOut, 403: Message, 404: Message, 422: Message},
    summary="Mark a waivable bundle item not applicable, with the reason",
)
def waive_attachment(
    request: AuthenticatedHttpRequest, application_id: int, payload: WaiverIn
) -> Status[dict[str, Any]]:
    app = selectors.application_get(request.user, application_id)
    attachment = perform(services.attachment_waive, request, payload, application=app)
    return Status(201, _attachment_out(attachment))


@router.delete(
    "/applications/{int:application_id}/attachments/{int:attachment_id}",
    response={200: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Remove an attachment or a waiver",
)
def delete_attachment(
    request: AuthenticatedHttpRequest,
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
    request: AuthenticatedHttpRequest, application_id: int, payload: EvidenceIn
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
    request: AuthenticatedHttpRequest, application_id: int, payload: ApplicationVersionIn
) -> dict[str, Any]:
    return _acted(request, application_id, services.application_submit, payload)


@router.post(
    "/applications/{int:application_id}/withdraw",
    response={200: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Withdraw a draft, submitted or incomplete application",
)
def withdraw_application(
    request: AuthenticatedHttpRequest, application_id: int, payload: ApplicationVersionIn
) -> dict[str, Any]:
    return _acted(request, application_id, services.application_withdraw, payload)


@router.post(
    "/applications/{int:application_id}/accept",
    response={200: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Accept a submitted application and name the procedure (chair)",
)
def accept_application(
    request: AuthenticatedHttpRequest, application_id: int, payload: AcceptIn
) -> dict[str, Any]:
    return _acted(request, application_id, services.application_accept, payload)


@router.post(
    "/applications/{int:application_id}/materials-request",
    response={200: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Send the one notice of missing materials (chair, before acceptance)",
)
def request_materials(
    request: AuthenticatedHttpRequest, application_id: int, payload: MaterialsIn
) -> dict[str, Any]:
    return _acted(request, application_id, services.materials_request, payload)


@router.post(
    "/applications/{int:application_id}/extensions",
    response={201: ReviewApplicationOut, 403: Message, 404: Message, 422: Message},
    summary="Extend the decision deadline (days; hours for emergency) with a reason (chair)",
)
def extend_deadline(
    request: AuthenticatedHttpRequest, application_id: int, payload: ExtensionIn
) -> Status[dict[str, Any]]:
    return Status(201, _acted(request, application_id, services.deadline_extend, payload))
