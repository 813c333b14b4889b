"""Decision letters, rendered in the background with progress and cancellation.

The letter is printed by :func:`tianping.reports.decision_letter_pdf` from the
application's record (:func:`~tianping.web.reviews.records.selectors.application_record`).
Only a decided application has one; the applicant or the chair may request it,
anyone who may see the application may read and download it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping.web.core.jobs import error_texts, job_cancel, job_fail, job_step
from tianping.web.core.timezones import local_now, zone_of
from tianping.web.reviews import timeline
from tianping.web.reviews.models import (
    Application,
    Attachment,
    DecisionLetterJob,
)
from tianping.web.reviews.records import selectors
from tianping.web.reviews.records.selectors import (
    LANGUAGES,
    PurgeReport,
    _years_before,
    purge_candidates,
    retention_years,
)


def letter_job_start(*, actor: User, application: Application, language: str) -> DecisionLetterJob:
    """Queue the decision letter of ``application`` in ``language`` (zh-Hans, en, both)."""
    selectors.check_can_request_letter(actor, application)
    if language not in LANGUAGES:
        raise ValidationError({"language": [_("Choose Chinese, English or both.")]})
    selectors.require_decided(application)
    with transaction.atomic():
        app = timeline.locked(application.pk)
        selectors.require_decided(app)
        job = DecisionLetterJob.objects.create(
            application=app, language=language, requested_by=actor
        )
        timeline.record(
            app,
            actor=actor,
            kind="letter_requested",
            payload={"job": str(job.pk), "language": language},
        )
        transaction.on_commit(job.enqueue)
    return job


def letter_job_cancel(*, actor: User, job: DecisionLetterJob) -> DecisionLetterJob:
    """Stop a letter; its requester, the applicant or the chair may."""
    if actor.pk != job.requested_by_id and not selectors.can_request_letter(actor, job.application):
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

    job = DecisionLetterJob.objects.select_related("application__body__organisation").get(pk=job_id)
    if job.is_finished:
        return
    if not _job_step(job_id, progress=10, message=gettext_noop("Collecting the review record")):
        return
    record = selectors.application_record(job.application)
    if not _job_step(job_id, progress=40, message=gettext_noop("Typesetting the PDF")):
        return
    try:
        zone = zone_of(job.application.body.organisation)
        pdf = reports.decision_letter_pdf(
            record=record,
            language=job.language,
            generated_at=local_now(zone),
            time_zone=zone,
        )
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
        app = timeline.locked(job.application_id)
        DecisionLetterJob.objects.filter(pk=job_id).update(
            status=DecisionLetterJob.Status.DONE,
            progress=100,
            message=gettext_noop("Ready"),
            pdf=pdf,
            finished_at=timezone.now(),
        )
        timeline.record(
            app,
            actor=job.requested_by,
            kind="letter_generated",
            payload={"job": str(job.pk), "language": job.language, "bytes": len(pdf)},
        )


def records_purge(*, today: date | None = None, dry_run: bool = False) -> PurgeReport:
    """Delete attachment contents and letter PDFs of applications past the retention period.

    Names, sizes and SHA-256 stay, so the record still proves what was
    filed. Each purged application gets a ``records_purged`` timeline event
    and ledger entry (counts only). ``dry_run`` changes nothing and reports
    what would go.
    """
    today = today or timezone.localdate()
    cutoff = _years_before(today, retention_years())
    report = PurgeReport(cutoff=cutoff, dry_run=dry_run)
    for app in purge_candidates(cutoff):
        attachments = Attachment.objects.filter(application=app, data__isnull=False)
        letters = DecisionLetterJob.objects.filter(application=app, pdf__isnull=False)
        n_att = attachments.count()
        n_letters = letters.count()
        size = sum(attachments.values_list("size", flat=True))
        report.applications.append(app.reference)
        report.attachments += n_att
        report.letters += n_letters
        report.bytes += size
        if dry_run:
            continue
        with transaction.atomic():
            locked = timeline.locked(app.pk)
            Attachment.objects.filter(application=locked, data__isnull=False).update(data=None)
            DecisionLetterJob.objects.filter(application=locked, pdf__isnull=False).update(pdf=None)
            timeline.bump(locked)
            timeline.record(
                locked,
                actor=None,
                kind="records_purged",
                payload={
                    "attachments": n_att,
                    "letters": n_letters,
                    "bytes": size,
                    "cutoff": cutoff.isoformat(),
                    "retention_years": retention_years(),
                },
            )
    return report
