"""API endpoints of the vendor register and of systems' AI-BOMs (under ``/api/vendors``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status, UploadedFile
from pydantic import StringConstraints

from tianping.web.accounts.models import Organisation
from tianping.web.accounts.selectors import visible_organisations
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.systems.selectors import system_get
from tianping.web.vendors import selectors, services
from tianping.web.vendors.models import Answer, BomComponent, Supplier, SupplierKind

router = Router(tags=["vendors"])

if TYPE_CHECKING:
    KindCode = str
    AnswerCode = str
else:
    KindCode = Literal[tuple(SupplierKind.values)]
    AnswerCode = Literal[tuple(Answer.values)]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Contact = Annotated[str, StringConstraints(max_length=300)]
Notes = Annotated[str, StringConstraints(max_length=5000)]
Note = Annotated[str, StringConstraints(max_length=2000)]
CertificateId = Annotated[str, StringConstraints(max_length=200)]


class SupplierIn(Schema):
    organisation_id: int = Field(..., ge=1, le=2**62)
    name: Name
    kind: KindCode
    contact: Contact = ""
    notes: Notes = ""


class SupplierOut(Schema):
    id: int
    organisation_id: int
    name: str
    kind: str
    kind_label: str
    contact: str
    notes: str
    risk: Literal["low", "medium", "high"]
    risk_points: int
    risk_reasons: list[str]
    answers: dict[str, dict[str, str]]


class AnswerIn(Schema):
    answer: AnswerCode
    note: Note = ""


class QuestionnaireIn(Schema):
    answers: dict[str, AnswerIn]


class ComponentOut(Schema):
    id: int
    bom_ref: str
    component_type: str
    name: str
    version: str
    hashes: dict[str, str]
    supplier_name: str
    supplier_id: int | None
    certificate_id: str


class BomOut(Schema):
    system_id: int
    spec_version: str | None
    serial_number: str | None
    sha256: str | None
    components: list[ComponentOut]
    supplier_risk: list[tuple[str, str]]


class ComponentIn(Schema):
    supplier_id: int | None = Field(None, ge=1, le=2**62)
    certificate_id: CertificateId = ""


def _supplier_out(supplier: Supplier) -> dict[str, Any]:
    rating = selectors.supplier_risk(supplier)
    language = get_language()
    return {
        "id": supplier.pk,
        "organisation_id": supplier.organisation_id,
        "name": supplier.name,
        "kind": supplier.kind,
        "kind_label": supplier.get_kind_display(),
        "contact": supplier.contact,
        "notes": supplier.notes,
        "risk": rating.level,
        "risk_points": rating.points,
        "risk_reasons": [r.get(language) for r in rating.reasons],
        "answers": {
            a.question: {"answer": a.answer, "note": a.note} for a in supplier.answers.all()
        },
    }


def _component_out(row: BomComponent) -> dict[str, Any]:
    return {
        "id": row.pk,
        "bom_ref": row.bom_ref,
        "component_type": row.component_type,
        "name": row.name,
        "version": row.version,
        "hashes": row.hashes,
        "supplier_name": row.supplier_name,
        "supplier_id": row.supplier_id,
        "certificate_id": row.certificate_id,
    }


def _bom_out(system: Any) -> dict[str, Any]:
    stored = getattr(system, "ai_bom", None)
    return {
        "system_id": system.pk,
        "spec_version": stored.spec_version if stored else None,
        "serial_number": (stored.serial_number or None) if stored else None,
        "sha256": stored.sha256 if stored else None,
        "components": [_component_out(c) for c in selectors.components_for(system)],
        "supplier_risk": selectors.supplier_risk_for(system),
    }


@router.get("/suppliers", response=list[SupplierOut], summary="Suppliers of the registers you see")
def list_suppliers(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    rows = selectors.suppliers_visible_to(request.user).order_by("name", "pk")[:500]
    return [_supplier_out(s) for s in rows]


@router.post(
    "/suppliers",
    response={201: SupplierOut, 403: Message, 404: Message, 422: Message},
    summary="Add a supplier to an organisation's register",
)
def create_supplier(
    request: AuthenticatedHttpRequest, payload: SupplierIn
) -> Status[dict[str, Any]]:
    try:
        organisation = visible_organisations(request.user).get(pk=payload.organisation_id)
    except Organisation.DoesNotExist:
        raise Http404 from None
    data = payload.dict()
    data.pop("organisation_id")
    supplier = services.supplier_create(actor=request.user, organisation=organisation, **data)
    return Status(201, _supplier_out(supplier))


@router.get(
    "/suppliers/{int:supplier_id}",
    response={200: SupplierOut, 404: Message},
    summary="A supplier, its questionnaire answers and its risk rating with the reasons",
)
def get_supplier(request: AuthenticatedHttpRequest, supplier_id: int) -> dict[str, Any]:
    return _supplier_out(selectors.supplier_get(request.user, supplier_id))


@router.put(
    "/suppliers/{int:supplier_id}/questionnaire",
    response={200: SupplierOut, 403: Message, 404: Message, 422: Message},
    summary="Answer questions of the vendor questionnaire (question id → answer and note)",
)
def answer_questionnaire(
    request: AuthenticatedHttpRequest, supplier_id: int, payload: QuestionnaireIn
) -> dict[str, Any]:
    supplier = selectors.supplier_get(request.user, supplier_id)
    services.questionnaire_answer(
        actor=request.user,
        supplier=supplier,
        answers={q: (a.answer, a.note) for q, a in payload.answers.items()},
    )
    return _supplier_out(selectors.supplier_get(request.user, supplier_id))


@router.get(
    "/systems/{int:system_id}/bom",
    response={200: BomOut, 404: Message},
    summary="A system's AI-BOM components and the risk of their suppliers",
)
def get_system_bom(request: AuthenticatedHttpRequest, system_id: int) -> dict[str, Any]:
    return _bom_out(system_get(request.user, system_id))


@router.post(
    "/systems/{int:system_id}/bom",
    response={201: BomOut, 403: Message, 404: Message, 413: Message, 422: Message},
    summary="Upload a system's AI-BOM (multipart: file, CycloneDX 1.6 or 1.7 JSON)",
)
def upload_system_bom(
    request: AuthenticatedHttpRequest,
    system_id: int,
    file: Annotated[UploadedFile | None, File(description="CycloneDX 1.6 or 1.7 JSON")] = None,
) -> Status[dict[str, Any]]:
    system = system_get(request.user, system_id)
    if not selectors.can_write(request.user, system.organisation):
        raise PermissionDenied(str(services.ERR_NOT_WRITER))
    if file is None:
        raise ValidationError({"file": [_("Choose the AI-BOM file to upload.")]})
    services.bom_upload(actor=request.user, system=system, data=file.read())
    return Status(201, _bom_out(system_get(request.user, system_id)))


@router.patch(
    "/systems/{int:system_id}/bom/components/{int:component_id}",
    response={200: ComponentOut, 403: Message, 404: Message, 422: Message},
    summary="Set a component's supplier (or none) and its certificate's credential ID",
)
def update_component(
    request: AuthenticatedHttpRequest, system_id: int, component_id: int, payload: ComponentIn
) -> dict[str, Any]:
    system = system_get(request.user, system_id)
    row = selectors.component_get(system, component_id)
    services.component_update(
        actor=request.user,
        component=row,
        supplier_id=payload.supplier_id,
        certificate_id=payload.certificate_id,
    )
    return _component_out(selectors.component_get(system, component_id))
