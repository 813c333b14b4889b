"""API of ethics review records: the complete record, decision letters, notifications,
the dashboard summary. Errors as everywhere in the API (docs/api.md): 404 for what
the caller may not see, 403 for what they may not do, 422 for bad input or a wrong state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from tianping.web.reviews import selectors
from tianping.web.reviews.models import DecisionLetterJob
from tianping.web.reviews.services import common, letters, records

router = Router(tags=["reviews"])

MAX_ID = 2**62


class Message(Schema):
    detail: Any


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


class NotificationOut(Schema):
    id: int
    application_id: int | None
    reference: str | None
    text: str
    url: str
    created_at: datetime
    read_at: datetime | None


class MarkedOut(Schema):
    marked: int


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


def _note_out(note: Any) -> dict[str, Any]:
    return {
        "id": note.pk,
        "application_id": note.application_id,
        "reference": note.application.reference if note.application_id else None,
        "text": common.render_notification(note.message, note.params or {}),
        "url": note.url,
        "created_at": note.created_at,
        "read_at": note.read_at,
    }


def _app(request: HttpRequest, application_id: int) -> Any:
    if application_id > MAX_ID:
        from django.http import Http404

        raise Http404
    return selectors.application_get(request.user, application_id)


@router.get(
    "/applications/{int:application_id}/record",
    response={200: dict[str, Any], 404: Message},
    summary="The complete record of an application (format tianping.review-record/1)",
)
def application_record(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return records.application_record(_app(request, application_id))


@router.get(
    "/applications/{int:application_id}/letters",
    response={200: list[LetterJobOut], 404: Message},
    summary="The latest decision letters of an application",
)
def letter_list(request: HttpRequest, application_id: int) -> list[dict[str, Any]]:
    app = _app(request, application_id)
    return [_job_out(job) for job in letters.letter_jobs_of(request.user, app)]


@router.post(
    "/applications/{int:application_id}/letters",
    response={201: LetterJobOut, 403: Message, 404: Message, 422: Message},
    summary="Queue the decision letter of a decided application (applicant or chair)",
)
def letter_start(
    request: HttpRequest, application_id: int, payload: LetterIn
) -> Status[dict[str, Any]]:
    app = _app(request, application_id)
    job = letters.letter_job_start(actor=request.user, application=app, language=payload.language)
    return Status(201, _job_out(job))


@router.get(
    "/letters/{job_id}",
    response={200: LetterJobOut, 404: Message},
    summary="A decision letter's progress",
)
def letter_get(request: HttpRequest, job_id: UUID) -> dict[str, Any]:
    return _job_out(letters.letter_job_get(request.user, job_id))


@router.post(
    "/letters/{job_id}/cancel",
    response={200: LetterJobOut, 403: Message, 404: Message, 422: Message},
    summary="Cancel a decision letter that has not finished",
)
def letter_cancel(request: HttpRequest, job_id: UUID) -> dict[str, Any]:
    job = letters.letter_job_get(request.user, job_id)
    job = letters.letter_job_cancel(actor=request.user, job=job)
    return _job_out(letters.letter_job_get(request.user, job.pk))


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
def letter_download(request: HttpRequest, job_id: UUID) -> Any:
    job = letters.letter_job_get(request.user, job_id)
    if job.status != DecisionLetterJob.Status.DONE or job.pdf is None:
        return Status(409, {"detail": "The letter is not ready."})
    response = HttpResponse(bytes(job.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="tianping-decision-{job.application.reference}-{job.language}.pdf"'
    )
    return response


@router.get(
    "/notifications",
    response=list[NotificationOut],
    summary="The caller's review notifications, newest first, in the caller's language",
)
def notification_list(
    request: HttpRequest,
    unread: bool = False,
    limit: int = Query(100, ge=1, le=500),
) -> list[dict[str, Any]]:
    notes = records.notifications_of(request.user, limit=limit, unread=unread)
    return [_note_out(n) for n in notes]


@router.post(
    "/notifications/{int:notification_id}/read",
    response={200: NotificationOut, 404: Message},
    summary="Mark one notification read",
)
def notification_read(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    if notification_id > MAX_ID:
        from django.http import Http404

        raise Http404
    note = records.notification_mark_read(actor=request.user, notification_id=notification_id)
    return _note_out(note)


@router.post(
    "/notifications/read-all",
    response=MarkedOut,
    summary="Mark all the caller's notifications read",
)
def notifications_read_all(request: HttpRequest) -> dict[str, Any]:
    return {"marked": records.notifications_mark_all_read(actor=request.user)}


@router.get(
    "/dashboard",
    response=dict[str, Any],
    summary="The caller's review dashboard: one section per role held",
)
def dashboard(request: HttpRequest) -> dict[str, Any]:
    return records.dashboard_summary(request.user)
