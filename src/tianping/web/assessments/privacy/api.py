"""API endpoints of dataset privacy scans: start one (upload or server path), read, cancel."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from pydantic import StringConstraints

from tianping.web.assessments.evidence.api import EvidenceItemOut
from tianping.web.assessments.evidence.selectors import evidence_of
from tianping.web.assessments.jobs import job_out
from tianping.web.assessments.models import PrivacyScan
from tianping.web.assessments.privacy import selectors, services
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.systems.selectors import system_get

router = Router(tags=["privacy scans"])
system_router = Router(tags=["privacy scans"])


class PrivacyScanIn(Schema):
    path: Annotated[str, StringConstraints(max_length=1000)] = Field(
        "", description="A file on the server instead of an upload (inside TIANPING_DATA_DIRS)."
    )
    title: Annotated[str, StringConstraints(max_length=200)] = ""
    keep: bool = Field(
        False,
        description="Keep an uploaded file (encrypted) after the job, until the retention "
        "period (TIANPING_UPLOAD_RETENTION_DAYS) ends; by default it is deleted when the job ends.",
    )


class PrivacyScanOut(Schema):
    id: uuid.UUID
    system_id: int
    title: str
    status: str
    progress: int
    message: str
    error: str | None
    pipl_class: str | None
    data: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None
    evidence_sha256: str | None
    evidence_items: list[EvidenceItemOut]
    result: dict[str, Any] | None = Field(
        None,
        description="The profile (tianping.privacy.profile/1) with masked findings, once done.",
    )


def _out(scan: PrivacyScan, *, with_result: bool) -> dict[str, Any]:
    out = job_out(scan, evidence_of(scan), with_result=with_result)
    return {**out, "pipl_class": scan.pipl_class or None}


@system_router.post(
    "/{int:system_id}/privacy-scans",
    response={202: PrivacyScanOut, 403: Message, 404: Message, 422: Message},
    summary="Attach a dataset (upload or server path) and queue its privacy scan",
)
def start_privacy_scan(
    request: AuthenticatedHttpRequest,
    system_id: int,
    payload: Form[PrivacyScanIn],
    file: Annotated[
        UploadedFile | None, File(description="The dataset (CSV, TSV, JSONL, Parquet).")
    ] = None,
) -> Status[dict[str, Any]]:
    system = system_get(request.user, system_id)
    scan = services.privacy_scan_start(
        actor=request.user,
        system=system,
        upload=file,
        server_path=payload.path,
        title=payload.title,
        keep=payload.keep,
    )
    scan.refresh_from_db()
    return Status(202, _out(scan, with_result=False))


@system_router.get(
    "/{int:system_id}/privacy-scans",
    response={200: list[PrivacyScanOut], 404: Message},
    summary="Privacy scans of a system, newest first (without their profiles)",
)
def list_privacy_scans(request: HttpRequest, system_id: int) -> list[dict[str, Any]]:
    system = system_get(request.user, system_id)
    return [_out(s, with_result=False) for s in selectors.scans_of(system)[:100]]


@router.get(
    "/{uuid:scan_id}",
    response={200: PrivacyScanOut, 404: Message},
    summary="One privacy scan: progress, and its profile once done",
)
def get_privacy_scan(request: HttpRequest, scan_id: uuid.UUID) -> dict[str, Any]:
    return _out(selectors.scan_get(request.user, scan_id), with_result=True)


@router.post(
    "/{uuid:scan_id}/cancel",
    response={200: PrivacyScanOut, 403: Message, 404: Message, 422: Message},
    summary="Cancel a queued or running privacy scan",
)
def cancel_privacy_scan(request: AuthenticatedHttpRequest, scan_id: uuid.UUID) -> dict[str, Any]:
    scan = selectors.scan_get(request.user, scan_id)
    return _out(services.privacy_scan_cancel(actor=request.user, scan=scan), with_result=False)
