"""What bias assessments and privacy scans share as jobs on a dataset.

Both attach a data file (an upload, stored encrypted, or a file in a configured
server folder) and queue a background job; both are read, cancelled and
followed the same way. Each concept keeps its own checks, work and pages in
:mod:`..bias` and :mod:`..privacy`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.utils.translation import gettext as translate_stored

from tianping.datalimits import DataLimitError
from tianping.text import normalise_language
from tianping.web.assessments import datafiles, inputs
from tianping.web.assessments.evidence.selectors import evidence_items
from tianping.web.assessments.models import BiasAssessment, Evidence, PredictionsFile, PrivacyScan
from tianping.web.core.jobs import error_texts, job_fail
from tianping.web.core.keys import KeyServiceError
from tianping.web.core.validation import apply_errors, reject_nul
from tianping.web.systems.models import AISystem
from tianping.web.systems.selectors import User, can_edit_system, system_get

MSG_OVER_BUDGET = gettext_noop("The data is larger than a job may read.")
REPORT_LANGUAGES = {"zh-Hans", "en", "both"}

Job = TypeVar("Job", BiasAssessment, PrivacyScan)


# --- reads --------------------------------------------------------------------------------------


def can_run_assessment(user: User, system: AISystem) -> bool:
    """Who may attach data and run an audit: the owner's applicants and administrators."""
    return can_edit_system(user, system)


def can_cancel_job(user: User, job: BiasAssessment | PrivacyScan) -> bool:
    """Its requester, or anyone who may run assessments on the system."""
    return (user.is_authenticated and user.pk == job.requested_by_id) or can_edit_system(
        user, job.system
    )


def job_get(model: type[Job], user: User, job_id: uuid.UUID | str) -> Job:
    """The job if ``user`` may read its system; otherwise 404 (no existence leak)."""
    try:
        job = model.objects.select_related("system__organisation", "data", "requested_by").get(
            pk=job_id
        )
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    system_get(user, job.system_id)
    return job


# --- starting -----------------------------------------------------------------------------------


def checked_request(*, title: str, upload: object | None, server_path: str) -> str:
    """The stripped title; a ValidationError unless there is exactly one file source."""
    reject_nul(title, "title")
    title = (title or "").strip()
    if len(title) > 200:
        raise ValidationError({"title": [_("Titles are limited to 200 characters.")]})
    has_path = bool((server_path or "").strip())
    if (upload is None) == (not has_path):
        raise ValidationError(
            {
                "__all__": [
                    _("Upload a file or give the path of a file on the server (one of them).")
                ]
            }
        )
    return title


def job_start(
    *,
    actor: AuthUser,
    system: AISystem,
    upload: UploadedFile[bytes] | None,
    server_path: str,
    keep: bool,
    job: Callable[[PredictionsFile, datafiles.CheckedFile], Job],
    formats: dict[str, str] | None = None,
    check: Callable[[datafiles.CheckedFile], None] | None = None,
) -> Job:
    """Check the file, store it, save it and the job ``job(data, checked)`` makes; queue the job.

    Nothing is saved if a check fails (``check`` runs on the checked file first);
    a refused or failed upload leaves no file behind.
    """
    extra = {} if formats is None else {"formats": formats}
    if upload is not None:
        checked = datafiles.check_upload(upload, field="file", **extra)
    else:
        checked = datafiles.check_server_file(server_path, field="server_path", **extra)
    kept: str | None = None
    try:
        if check is not None:
            check(checked)
        with transaction.atomic():
            if upload is not None:
                location = kept = inputs.store_upload(checked, system_id=system.pk)
            else:
                location = str(checked.path)
            data = PredictionsFile(
                system=system,
                source=PredictionsFile.Source.UPLOAD
                if upload is not None
                else PredictionsFile.Source.SERVER,
                name=checked.name,
                location=location,
                format=checked.format,
                size=checked.size,
                sha256=checked.sha256,
                rows=checked.rows,
                columns=[c.to_json() for c in checked.columns],
                encrypted=upload is not None,
                keep_until=inputs.keep_until(keep) if upload is not None else None,
                uploaded_by=actor,
            )
            data.full_clean()
            data.save()
            started = job(data, checked)
            started.full_clean()
            started.save()
            # robust: a failing enqueue is logged; the saved job stays queued.
            transaction.on_commit(started.enqueue, robust=True)
    except BaseException:
        if upload is not None:
            checked.path.unlink(missing_ok=True)
            if kept is not None:
                inputs.delete_stored(kept)
        raise
    return started


# --- running (in the task worker) ---------------------------------------------------------------


class Stop(Exception):
    """Ends the work quietly: it was cancelled, or its failure is already recorded."""


@contextmanager
def reading(
    model: type[BiasAssessment] | type[PrivacyScan],
    job: BiasAssessment | PrivacyScan,
    *,
    logger: logging.Logger,
    name: str,
    failed: str,
    own: type[Exception],
) -> Iterator[Path]:
    """The job's data file, readable within its budget; the failures all jobs share.

    Over the budget, not decryptable, no longer readable: the job fails with a
    message for its reader (``name`` is the job in the log) and :class:`Stop`
    is raised. ``own`` (the engine's errors) passes through for the caller. Any
    other error fails the job with ``failed`` and is raised again.
    """
    job_id = job.pk
    try:
        with inputs.readable(job.data) as path:
            inputs.check_budget(job.data, path)
            yield path
    except Stop:
        raise
    except DataLimitError as exc:
        job_fail(model, job_id, message=MSG_OVER_BUDGET, error=error_texts(exc))
        raise Stop from exc
    except KeyServiceError as exc:
        job_fail(model, job_id, message=gettext_noop("The stored file could not be decrypted."))
        logger.error("%s %s: %s", name, job_id, exc)
        raise Stop from exc
    except own:
        raise
    except ValidationError as exc:
        job_fail(model, job_id, message=gettext_noop("The file may no longer be read."))
        logger.warning("%s %s: %s", name, job_id, exc.messages)
        raise Stop from exc
    except Exception:
        job_fail(model, job_id, message=failed)
        logger.exception("%s %s failed", name, job_id)
        raise


def has_nul(value: Any) -> bool:
    """Whether a JSON value holds a NUL character (PostgreSQL cannot store it in JSON)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


# --- API ----------------------------------------------------------------------------------------


def job_out(
    job: BiasAssessment | PrivacyScan, evidence: Evidence | None, *, with_result: bool
) -> dict[str, Any]:
    """The fields bias assessments and privacy scans share, for the API."""
    language = current_language()
    error = job.error or None
    data = job.data
    return {
        "id": job.pk,
        "system_id": job.system_id,
        "title": job.title,
        "status": job.status,
        "progress": job.progress,
        # Stored untranslated (gettext_noop where it was written); translated for the reader.
        "message": translate_stored(job.message) if job.message else "",
        "error": None if error is None else error.get(language) or error.get("en"),
        "data": {
            "name": data.name,
            "source": data.source,
            "format": data.format,
            "size": data.size,
            "sha256": data.sha256 or None,
            "rows": data.rows,
            "columns": data.column_names,
        },
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "evidence_sha256": None if evidence is None else evidence.sha256,
        "evidence_items": [
            {"id": i["id"], "question": i["question"], "extent": i["extent"], "basis": i["basis"]}
            for i in evidence_items(evidence)
        ],
        "result": evidence.content if with_result and evidence is not None else None,
    }


# --- pages --------------------------------------------------------------------------------------


def limit_upload(request: HttpRequest) -> None:
    """Cut off a file upload over the size limit while it arrives (before the body is read)."""
    if request.method == "POST":
        request.upload_handlers.insert(
            0, datafiles.SizeLimitedUploadHandler(request, limit=datafiles.max_bytes())
        )


def start_page(
    request: HttpRequest,
    form: forms.Form,
    start: Callable[[], Job],
    *,
    system: AISystem,
    template: str,
    detail: Callable[[Job], HttpResponse],
) -> HttpResponse:
    """The page that starts a job: on a valid POST ``start()`` and go to ``detail`` of the job;
    otherwise (or when the service refuses) the form again, with its errors."""
    if request.method == "POST" and form.is_valid():
        try:
            job = start()
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return detail(job)
    return render(
        request,
        template,
        {"form": form, "system": system, "limit": datafiles.max_bytes() // (1024 * 1024)},
    )


def report_language(request: HttpRequest, default: str) -> str:
    """The ``language`` asked for a PDF report if it is one offered, else ``default``."""
    language = request.GET.get("language") or default
    return language if language in REPORT_LANGUAGES else default


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def current_language() -> str:
    return normalise_language(get_language())
