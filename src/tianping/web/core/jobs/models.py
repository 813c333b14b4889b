"""The abstract background job every kind of job inherits (each keeps its own table)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED = frozenset({JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED})


class BackgroundJob(models.Model):
    """Status, progress, cancellation, failure with a reason, and the lease of a running job."""

    Status = JobStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    # Stored untranslated (gettext_noop) and translated when shown, so each reader
    # sees it in their own language.
    message = models.CharField(_("message"), max_length=500, blank=True)
    # Why the job failed, in both languages ({"zh-Hans": …, "en": …}).
    error = models.JSONField(_("error"), null=True, blank=True)
    cancel_requested = models.BooleanField(_("cancellation requested"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Renewed by the runner while the job runs; past it, the job's worker is presumed dead.
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    task: ClassVar[str] = ""
    """The dotted path of the task that runs this kind of job (``….tasks.run_…``)."""

    def release_inputs(self) -> None:
        """Called once the job has ended (done, failed, cancelled): drop what it no longer needs."""

    def enqueue(self) -> None:
        """Hand the job to its task (after the current transaction commits, if one is open)."""
        from django.utils.module_loading import import_string

        import_string(self.task).enqueue(str(self.pk))
