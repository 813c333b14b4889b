"""API endpoints of the registry and of intake scoring."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

# The function itself: ``ninja.Query`` forwards to it, but is typed for annotations only.
from ninja.params.functions import Query
from pydantic import StringConstraints

from tianping import tiering
from tianping.web.accounts.selectors import visible_organisations
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.systems import selectors, services
from tianping.web.systems.models import AISystem, Intake, LifecycleStage, Market, Sector

router = Router(tags=["systems"])
tiering_router = Router(tags=["intake"])

# The choices' values, as a Literal for ninja's validation and OpenAPI; a Literal
# built at runtime is no static type, so the type checker sees ``str``.
if TYPE_CHECKING:
    SectorCode = str
    StageCode = str
    MarketCode = str
else:
    SectorCode = Literal[tuple(Sector.values)]
    StageCode = Literal[tuple(LifecycleStage.values)]
    MarketCode = Literal[tuple(Market.values)]
TierCode = Literal["low", "medium", "high"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(max_length=200)]
Long = Annotated[str, StringConstraints(max_length=5000)]
# Search text goes into SQL; PostgreSQL refuses NUL characters, so the schema does too (422).
SearchText = Annotated[str, StringConstraints(max_length=100, pattern=r"^[^\x00]*$")]


class Component(Schema):
    name: Name
    vendor: Short = ""


class Dataset(Schema):
    name: Name
    source: Short = ""


class SystemIn(Schema):
    organisation_id: int = Field(..., ge=1, le=2**62)
    name: Name
    purpose: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    owner: Name
    sector: SectorCode
    lifecycle_stage: StageCode
    deployment_context: Long = ""
    model_version: Annotated[str, StringConstraints(max_length=100)] = ""
    components: list[Component] = Field(default_factory=list, max_length=100)
    datasets: list[Dataset] = Field(default_factory=list, max_length=100)
    people_affected: Annotated[str, StringConstraints(max_length=2000)] = ""
    markets: list[MarketCode] = Field(default_factory=list, max_length=20)
    export_destinations: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] = (
        Field(default_factory=list, max_length=100)
    )


class SystemPatch(Schema):
    name: Name | None = None
    purpose: Annotated[str, StringConstraints(min_length=1, max_length=5000)] | None = None
    owner: Name | None = None
    sector: SectorCode | None = None
    lifecycle_stage: StageCode | None = None
    deployment_context: Long | None = None
    model_version: Annotated[str, StringConstraints(max_length=100)] | None = None
    components: list[Component] | None = Field(None, max_length=100)
    datasets: list[Dataset] | None = Field(None, max_length=100)
    people_affected: Annotated[str, StringConstraints(max_length=2000)] | None = None
    markets: list[MarketCode] | None = Field(None, max_length=20)
    export_destinations: (
        list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] | None
    ) = Field(None, max_length=100)


class SystemOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    name: str
    purpose: str
    owner: str
    sector: str
    lifecycle_stage: str
    deployment_context: str
    model_version: str
    components: list[dict[str, str]]
    datasets: list[dict[str, str]]
    people_affected: str
    markets: list[str]
    export_destinations: list[str]
    tier: str | None
    expert_review_required: bool | None
    created_at: datetime
    updated_at: datetime


class IntakeIn(Schema):
    answers: dict[str, Any] = Field(..., max_length=100)


class OverrideIn(Schema):
    tier: TierCode
    justification: Annotated[str, StringConstraints(max_length=5000)]


class IntakeOut(Schema):
    id: int
    system_id: int
    tier: str
    computed_tier: str
    expert_review_required: bool
    questionnaire_version: str
    # The high-risk activity list version the tier was computed against.
    list_version: str
    answers: dict[str, Any]
    result: dict[str, Any]
    submitted_at: datetime
    submitted_by: str | None
    overridden: bool
    override_justification: str
    # An override below a floor: "pending" (the floor's tier in force), "confirmed",
    # "rejected", or "" (none).
    override_review: str
    requested_tier: str


class EventOut(Schema):
    kind: str
    actor: str | None
    at: datetime
    changes: dict[str, Any]


def _system_out(s: AISystem) -> dict[str, Any]:
    intake = s.latest_intake
    return {
        "id": s.pk,
        "organisation_id": s.organisation_id,
        "organisation": s.organisation.name,
        **{f: getattr(s, f) for f in services.SYSTEM_FIELDS},
        "tier": intake.tier if intake else None,
        "expert_review_required": intake.expert_review_required if intake else None,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


def _intake_out(i: Intake) -> dict[str, Any]:
    return {
        "id": i.pk,
        "system_id": i.system_id,
        "tier": i.tier,
        "computed_tier": i.computed_tier,
        "expert_review_required": i.expert_review_required,
        "questionnaire_version": i.questionnaire_version,
        "list_version": i.list_version,
        "answers": i.answers,
        "result": i.result,
        "submitted_at": i.submitted_at,
        "submitted_by": i.submitted_by.get_username() if i.submitted_by else None,
        "overridden": i.is_overridden,
        "override_justification": i.override_justification,
        "override_review": i.floor_review,
        "requested_tier": i.requested_tier,
    }


@router.get("", response=list[SystemOut], summary="List visible AI systems")
def list_systems(
    request: HttpRequest,
    sector: SectorCode | None = None,
    tier: Literal["low", "medium", "high", "none"] | None = None,
    stage: StageCode | None = None,
    q: SearchText | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10**9),
) -> list[dict[str, Any]]:
    qs = selectors.system_list(request.user, sector=sector, tier=tier, stage=stage, search=q)
    return [_system_out(s) for s in qs[offset : offset + limit]]


@router.post(
    "",
    response={201: SystemOut, 403: Message, 404: Message, 422: Message},
    summary="Register an AI system",
)
def create_system(request: AuthenticatedHttpRequest, payload: SystemIn) -> Status[dict[str, Any]]:
    organisation = get_object_or_404(
        visible_organisations(request.user), pk=payload.organisation_id
    )
    data = payload.dict(exclude={"organisation_id"})
    system = services.system_register(actor=request.user, organisation=organisation, **data)
    return Status(201, _system_out(selectors.system_get(request.user, system.pk)))


@router.get("/{int:system_id}", response={200: SystemOut, 404: Message}, summary="One AI system")
def get_system(request: HttpRequest, system_id: int) -> dict[str, Any]:
    return _system_out(selectors.system_get(request.user, system_id))


@router.patch(
    "/{int:system_id}",
    response={200: SystemOut, 403: Message, 404: Message, 422: Message},
    summary="Change an AI system's particulars",
)
def update_system(
    request: AuthenticatedHttpRequest, system_id: int, payload: SystemPatch
) -> dict[str, Any]:
    system = selectors.system_get(request.user, system_id)
    services.system_update(
        actor=request.user, system=system, **payload.dict(exclude_unset=True, exclude_none=True)
    )
    return _system_out(selectors.system_get(request.user, system_id))


@router.get(
    "/{int:system_id}/history",
    response={200: list[EventOut], 404: Message},
    summary="Change history of a system",
)
def system_history(request: HttpRequest, system_id: int) -> list[dict[str, Any]]:
    system = selectors.system_get(request.user, system_id)
    return [
        {
            "kind": e.kind,
            "actor": e.actor.get_username() if e.actor else None,
            "at": e.at,
            "changes": e.changes,
        }
        for e in selectors.events_of(system)
    ]


@router.get(
    "/{int:system_id}/intakes",
    response={200: list[IntakeOut], 404: Message},
    summary="Intakes of a system, newest first",
)
def list_intakes(request: HttpRequest, system_id: int) -> list[dict[str, Any]]:
    system = selectors.system_get(request.user, system_id)
    return [_intake_out(i) for i in selectors.intakes_of(system)]


@router.post(
    "/{int:system_id}/intakes",
    response={201: IntakeOut, 403: Message, 404: Message, 422: Message},
    summary="Submit intake answers; the system gets the resulting tier",
)
def submit_intake(
    request: AuthenticatedHttpRequest, system_id: int, payload: IntakeIn
) -> Status[dict[str, Any]]:
    system = selectors.system_get(request.user, system_id)
    intake = services.intake_submit(actor=request.user, system=system, answers=payload.answers)
    return Status(201, _intake_out(intake))


@router.post(
    "/{int:system_id}/intakes/{int:intake_id}/override",
    response={200: IntakeOut, 403: Message, 404: Message, 422: Message},
    summary="Override the computed tier with a recorded justification",
)
def override_intake(
    request: AuthenticatedHttpRequest, system_id: int, intake_id: int, payload: OverrideIn
) -> dict[str, Any]:
    system = selectors.system_get(request.user, system_id)
    intake = selectors.intake_get(system, intake_id)
    intake = services.intake_override(
        actor=request.user, intake=intake, tier=payload.tier, justification=payload.justification
    )
    return _intake_out(intake)


@tiering_router.get("/questionnaire", summary="The intake questionnaire (bilingual)")
def questionnaire(request: HttpRequest) -> dict[str, Any]:
    return tiering.load_questionnaire().to_json()


@tiering_router.post(
    "/score",
    response={200: dict[str, Any], 422: Message},
    summary="Score intake answers without saving anything",
)
def score(request: HttpRequest, payload: IntakeIn) -> dict[str, Any]:
    return services.intake_preview(answers=payload.answers)
