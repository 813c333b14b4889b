"""API of ethics review records: the complete record, decision letters, notifications,
the dashboard summary. Errors as everywhere in the API (docs/api.md): 404 for what
the caller may not see, 403 for what they may not do, 422 for bad input or a wrong state."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.models import DecisionLetterJob
from tianping.web.reviews.records import selectors, services

router = Router(tags=["reviews"])


MAX_ID = 2**62


class LetterIn(Schema):
    language: Literal["zh-Hans", "en", "both"]


class LetterJobOut(Schema):
    id: UUID
    application_id: int
    reference: str
    language: str
    status: str
    progress: int
    message: str
    created_at: datetime
    finished_at: datetime | None
    download: str | None


def _job_out(job: DecisionLetterJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "application_id": job.application_id,
        "reference": job.application.reference,
        "language": job.language,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "download": (
            f"/api/reviews/letters/{job.pk}/download"
            if job.status == DecisionLetterJob.Status.DONE
            else None
        ),
    }


def _app(request: HttpRequest, application_id: int) -> Any:
    if application_id > MAX_ID:
        raise Http404
    return applications_selectors.application_get(request.user, application_id)


@router.get(
    "/applications/{int:application_id}/record",
    response={200: dict[str, Any], 404: Message},
    summary="The complete record of an application (format tianping.review-record/1)",
)
def application_record(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return selectors.application_record(_app(request, application_id))


@router.get(
    "/applications/{int:application_id}/letters",
    response={200: list[LetterJobOut], 404: Message},
    summary="The latest decision letters of an application",
)
def letter_list(request: AuthenticatedHttpRequest, application_id: int) -> list[dict[str, Any]]:
    app = _app(request, application_id)
    return [_job_out(job) for job in selectors.letter_jobs_of(request.user, app)]


@router.post(
    "/applications/{int:application_id}/letters",
    response={201: LetterJobOut, 403: Message, 404: Message, 422: Message},
    summary="Queue the decision letter of a decided application (applicant or chair)",
)
def letter_start(
    request: AuthenticatedHttpRequest, application_id: int, payload: LetterIn
) -> Status[dict[str, Any]]:
    app = _app(request, application_id)
    job = services.letter_job_start(actor=request.user, application=app, language=payload.language)
    return Status(201, _job_out(job))


@router.get(
    "/letters/{job_id}",
    response={200: LetterJobOut, 404: Message},
    summary="A decision letter's progress",
)
def letter_get(request: AuthenticatedHttpRequest, job_id: UUID) -> dict[str, Any]:
    return _job_out(selectors.letter_job_get(request.user, job_id))


@router.post(
    "/letters/{job_id}/cancel",
    response={200: LetterJobOut, 403: Message, 404: Message, 422: Message},
    summary="Cancel a decision letter that has not finished",
)
def letter_cancel(request: AuthenticatedHttpRequest, job_id: UUID) -> dict[str, Any]:
    job = selectors.letter_job_get(request.user, job_id)
    job = services.letter_job_cancel(actor=request.user, job=job)
    return _job_out(selectors.letter_job_get(request.user, job.pk))


@router.get(
    "/letters/{job_id}/download",
    response={404: Message, 409: Message},
    summary="The PDF of a finished decision letter",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def letter_download(request: AuthenticatedHttpRequest, job_id: UUID) -> Any:
    job = selectors.letter_job_get(request.user, job_id)
    if job.status != DecisionLetterJob.Status.DONE or job.pdf is None:
        return Status(409, {"detail": "The letter is not ready."})
    response = HttpResponse(bytes(job.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="tianping-decision-{job.application.reference}-{job.language}.pdf"'
    )
    return response
