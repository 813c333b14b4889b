"""Decision letters, rendered in the background with progress and cancellation.

The letter is printed by :func:`tianping.reports.decision_letter_pdf` from the
application's record (:func:`~tianping.web.reviews.services.records.application_record`).
Only a decided application has one; the applicant or the chair may request it,
anyone who may see the application may read and download it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping.web.core.jobs import error_texts, job_cancel, job_fail, job_step
from tianping.web.reviews import selectors
from tianping.web.reviews.models import Application, DecisionLetterJob
from tianping.web.reviews.services import common, records

LANGUAGES = ("zh-Hans", "en", "both")


def letter_job_get(user: AbstractBaseUser, job_id: object) -> DecisionLetterJob:
    """The letter job ``job_id`` if ``user`` may see its application; otherwise 404."""
    try:
        job = DecisionLetterJob.objects.select_related("application").get(pk=job_id)
    except (DecisionLetterJob.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
    selectors.application_get(user, job.application_id)
    return job


def letter_jobs_of(user: AbstractBaseUser, application: Application) -> list[DecisionLetterJob]:
    return list(application.letter_jobs.defer("pdf").order_by("-created_at")[:5])


def letter_job_start(
    *, actor: AbstractBaseUser, application: Application, language: str
) -> DecisionLetterJob:
    """Queue the decision letter of ``application`` in ``language`` (zh-Hans, en, both)."""
    records.check_can_request_letter(actor, application)
    if language not in LANGUAGES:
        raise ValidationError({"language": [_("Choose Chinese, English or both.")]})
    records.require_decided(application)
    with transaction.atomic():
        app = common.locked(application.pk)
        records.require_decided(app)
        job = DecisionLetterJob.objects.create(
            application=app, language=language, requested_by=actor
        )
        common.record(
            app,
            actor=actor,
            kind="letter_requested",
            payload={"job": str(job.pk), "language": language},
        )
        transaction.on_commit(job.enqueue)
    return job


def letter_job_cancel(*, actor: AbstractBaseUser, job: DecisionLetterJob) -> DecisionLetterJob:
    """Stop a letter; its requester, the applicant or the chair may."""
    if actor.pk != job.requested_by_id and not records.can_request_letter(actor, job.application):
        raise PermissionDenied(_("You cannot cancel this letter."))
    if DecisionLetterJob.objects.get(pk=job.pk).is_finished:
        raise ValidationError(_("This letter has already finished."))
    return job_cancel(DecisionLetterJob, job.pk)


def _job_step(job_id: Any, *, progress: int, message: str) -> bool:
    """Record progress (``message`` untranslated: ``gettext_noop``); False once cancelled."""
    return job_step(DecisionLetterJob, job_id, progress=progress, message=message)


def letter_job_work(job_id: Any) -> None:
    """The work of a letter job, run by the job runner (in a child process)."""
    letter_job_run(job_id=job_id)


def letter_job_run(*, job_id: Any) -> None:
    """Render a queued letter (runs in the task worker)."""
    from tianping import reports
    from tianping.errors import TianpingError

    job = DecisionLetterJob.objects.select_related("application").get(pk=job_id)
    if job.is_finished:
        return
    if not _job_step(job_id, progress=10, message=gettext_noop("Collecting the review record")):
        return
    record = records.application_record(job.application)
    if not _job_step(job_id, progress=40, message=gettext_noop("Typesetting the PDF")):
        return
    try:
        pdf = reports.decision_letter_pdf(record=record, language=job.language)
    except TianpingError as exc:
        job_fail(
            DecisionLetterJob,
            job_id,
            message=gettext_noop("The letter could not be typeset."),
            error=error_texts(exc),
        )
        return
    if not _job_step(job_id, progress=90, message=gettext_noop("Saving")):
        return
    with transaction.atomic():
        app = common.locked(job.application_id)
        DecisionLetterJob.objects.filter(pk=job_id).update(
            status=DecisionLetterJob.Status.DONE,
            progress=100,
            message=gettext_noop("Ready"),
            pdf=pdf,
            finished_at=timezone.now(),
        )
        common.record(
            app,
            actor=job.requested_by,
            kind="letter_generated",
            payload={"job": str(job.pk), "language": job.language, "bytes": len(pdf)},
        )
