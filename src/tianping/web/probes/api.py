"""The JSON API of generative-AI probes: a system's chat endpoint, and its probe runs.

The same services as the pages: the endpoint's address is checked, its API key is
write-only (encrypted at rest, never returned); runs are queued, followed, read
and cancelled with the pages' organisation and role checks (reads outside → 404).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext as translate_stored
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from tianping.web.assessments.evidence.api import EvidenceItemOut
from tianping.web.assessments.evidence.selectors import evidence_items, evidence_of
from tianping.web.assessments.jobs import current_language
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.probes import selectors, services
from tianping.web.probes.models import ChatEndpoint, ProbeRun
from tianping.web.systems.selectors import system_get

router = Router(tags=["probes"])
system_router = Router(tags=["probes"])

Budget = Annotated[int, Field(ge=1, le=services.MAX_BUDGET)]


class EndpointIn(Schema):
    base_url: Annotated[str, StringConstraints(max_length=500)] = Field(
        ..., description="The base URL, e.g. https://host/v1 (without /chat/completions)."
    )
    model: Annotated[str, StringConstraints(max_length=200)]
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    max_output_tokens: int = Field(512, ge=1, le=32768)
    api_key: Annotated[str, StringConstraints(max_length=services.MAX_API_KEY)] = Field(
        "",
        description="Write-only: stored encrypted and never returned. Empty keeps the stored key.",
    )
    clear_key: bool = Field(False, description="Remove the stored API key.")


class EndpointOut(Schema):
    system_id: int
    base_url: str
    model: str
    temperature: float
    max_output_tokens: int
    has_api_key: bool
    updated_at: datetime


class RunIn(Schema):
    suite: Literal["default"] = "default"
    languages: list[Literal["zh", "en"]] = Field(["zh", "en"], min_length=1, max_length=2)
    samples: int = Field(1, ge=1, le=services.MAX_SAMPLES)
    title: Annotated[str, StringConstraints(max_length=200)] = ""
    max_requests: Budget | None = Field(None, description="Most HTTP requests, retries included.")
    max_tokens: Budget | None = Field(None, description="Most tokens sent and received.")


class CategoryOut(Schema):
    category: str
    language: str
    counts: dict[str, int]
    pass_rate: float | None
    interval: list[float | None]
    verdict: str


class RunOut(Schema):
    id: uuid.UUID
    system_id: int
    title: str
    status: str
    progress: int
    message: str
    error: str | None
    suite: str
    model: str
    languages: list[str]
    samples: int
    max_requests: int | None
    max_tokens: int | None
    verdict: str | None
    created_at: datetime
    finished_at: datetime | None
    evidence_sha256: str | None
    evidence_items: list[EvidenceItemOut]
    categories: list[CategoryOut] | None = Field(
        None, description="Per category and language: counts, pass rate, interval, verdict."
    )
    result: dict[str, Any] | None = Field(
        None, description="The whole results.json (personal data masked), once done."
    )


def _endpoint_out(endpoint: ChatEndpoint) -> dict[str, Any]:
    return {
        "system_id": endpoint.system_id,
        "base_url": endpoint.base_url,
        "model": endpoint.model,
        "temperature": endpoint.temperature,
        "max_output_tokens": endpoint.max_output_tokens,
        "has_api_key": endpoint.has_api_key,
        "updated_at": endpoint.updated_at,
    }


def _categories(content: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in content.get("categories", []):
        interval = row.get("interval") or [None, None]
        rows.append(
            {
                "category": str(row.get("category", "")),
                "language": str(row.get("language", "")),
                "counts": {k: int(v) for k, v in (row.get("counts") or {}).items()},
                "pass_rate": row.get("pass_rate"),
                "interval": list(interval),
                "verdict": str(row.get("verdict", "")),
            }
        )
    return rows


def _run_out(run: ProbeRun, *, with_result: bool) -> dict[str, Any]:
    evidence = evidence_of(run) if run.status == ProbeRun.Status.DONE else None
    language = current_language()
    error = run.error or None
    content = evidence.content if evidence is not None else None
    return {
        "id": run.pk,
        "system_id": run.system_id,
        "title": run.title,
        "status": run.status,
        "progress": run.progress,
        # Stored untranslated (gettext_noop where it was written); translated for the reader.
        "message": translate_stored(run.message) if run.message else "",
        "error": None if error is None else error.get(language) or error.get("en"),
        "suite": "default",
        "model": run.model,
        "languages": list(run.languages),
        "samples": run.samples,
        "max_requests": run.max_requests,
        "max_tokens": run.max_tokens,
        "verdict": run.verdict or None,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "evidence_sha256": None if evidence is None else evidence.sha256,
        "evidence_items": [
            {"id": i["id"], "question": i["question"], "extent": i["extent"], "basis": i["basis"]}
            for i in evidence_items(evidence)
        ],
        "categories": _categories(content) if content is not None else None,
        "result": content if with_result else None,
    }


@system_router.get(
    "/{int:system_id}/probe-endpoint",
    response={200: EndpointOut, 404: Message},
    summary="The system's chat endpoint (its API key never shown)",
)
def get_probe_endpoint(request: HttpRequest, system_id: int) -> dict[str, Any]:
    system = system_get(request.user, system_id)
    endpoint = selectors.endpoint_of(system)
    if endpoint is None:
        raise Http404
    return _endpoint_out(endpoint)


@system_router.put(
    "/{int:system_id}/probe-endpoint",
    response={200: EndpointOut, 403: Message, 404: Message, 422: Message},
    summary="Create or change the system's chat endpoint (address checked, key encrypted)",
)
def save_probe_endpoint(
    request: AuthenticatedHttpRequest, system_id: int, payload: EndpointIn
) -> dict[str, Any]:
    system = system_get(request.user, system_id)
    endpoint = services.endpoint_save(
        actor=request.user,
        system=system,
        base_url=payload.base_url,
        model=payload.model,
        temperature=payload.temperature,
        max_output_tokens=payload.max_output_tokens,
        api_key=payload.api_key,
        clear_key=payload.clear_key,
    )
    return _endpoint_out(endpoint)


@system_router.delete(
    "/{int:system_id}/probe-endpoint",
    response={204: None, 403: Message, 404: Message, 422: Message},
    summary="Remove the system's chat endpoint and its key (runs are kept)",
)
def delete_probe_endpoint(request: AuthenticatedHttpRequest, system_id: int) -> Status[None]:
    system = system_get(request.user, system_id)
    services.endpoint_delete(actor=request.user, system=system)
    return Status(204, None)


@system_router.post(
    "/{int:system_id}/probe-runs",
    response={202: RunOut, 403: Message, 404: Message, 422: Message},
    summary="Queue a probe run against the system's chat endpoint",
)
def start_probe_run(
    request: AuthenticatedHttpRequest, system_id: int, payload: RunIn
) -> Status[dict[str, Any]]:
    system = system_get(request.user, system_id)
    if not selectors.can_run_probes(request.user, system):
        raise PermissionDenied(_("You cannot run probes on this system."))
    run = services.probe_run_start(
        actor=request.user,
        system=system,
        languages=payload.languages,
        samples=payload.samples,
        title=payload.title,
        max_requests=payload.max_requests,
        max_tokens=payload.max_tokens,
    )
    run.refresh_from_db()
    return Status(202, _run_out(run, with_result=False))


@system_router.get(
    "/{int:system_id}/probe-runs",
    response={200: list[RunOut], 404: Message},
    summary="Probe runs of a system, newest first (without their results)",
)
def list_probe_runs(request: HttpRequest, system_id: int) -> list[dict[str, Any]]:
    system = system_get(request.user, system_id)
    return [_run_out(r, with_result=False) for r in selectors.runs_of(system)[:100]]


@router.get(
    "/{uuid:run_id}",
    response={200: RunOut, 404: Message},
    summary="One probe run: progress and status, and its results once done",
)
def get_probe_run(request: HttpRequest, run_id: uuid.UUID) -> dict[str, Any]:
    return _run_out(selectors.run_get(request.user, run_id), with_result=True)


@router.post(
    "/{uuid:run_id}/cancel",
    response={200: RunOut, 403: Message, 404: Message, 422: Message},
    summary="Cancel a queued or running probe run",
)
def cancel_probe_run(request: AuthenticatedHttpRequest, run_id: uuid.UUID) -> dict[str, Any]:
    run = selectors.run_get(request.user, run_id)
    return _run_out(services.probe_run_cancel(actor=request.user, run=run), with_result=False)
