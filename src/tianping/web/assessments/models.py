"""Predictions files, bias assessments (background jobs) and the evidence they leave."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tianping.web.core.jobs import BackgroundJob
from tianping.web.core.storage import uploads_storage
from tianping.web.systems.models import AISystem, Intake


class PredictionsFile(models.Model):
    """A file of a system's decisions that assessments read: uploaded, or on the server."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded file")
        SERVER = "server", _("File on the server")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        PARQUET = "parquet", "Parquet"
        JSONL = "jsonl", "JSON Lines"
        TSV = "tsv", "TSV"

    system = models.ForeignKey(
        AISystem,
        verbose_name=_("AI system"),
        on_delete=models.CASCADE,
        related_name="predictions_files",
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    name = models.CharField(_("file name"), max_length=255)
    # Uploads: the name in the storage of uploads (locally under TIANPING["PREDICTIONS_DIR"],
    # tianping.web.core.storage); server files: the resolved path,
    # checked against TIANPING["DATA_DIRS"] again each time it is read.
    location = models.CharField(_("location"), max_length=1000, editable=False)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 digest"), max_length=64, blank=True)
    rows = models.PositiveBigIntegerField(_("rows"), null=True, blank=True)
    columns = models.JSONField(_("columns"), default=list)
    # Uploads are stored encrypted (tianping.web.core.keys) and deleted when their job
    # ends, or, if their owner keeps them, at ``keep_until`` (the retention period).
    encrypted = models.BooleanField(_("encrypted at rest"), default=False, editable=False)
    keep_until = models.DateTimeField(_("kept until"), null=True, blank=True)
    discarded_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attached by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("attached at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("predictions file")
        verbose_name_plural = _("predictions files")

    def __str__(self) -> str:
        return f"{self.system} · {self.name}"

    @property
    def column_names(self) -> list[str]:
        return [str(c["name"]) for c in self.columns]

    def discard(self, *, now: datetime | None = None) -> bool:
        """Delete an upload's stored file unless it is kept; whether something was deleted.

        Files on the server are the organisation's own and never touched.
        """
        if self.source != self.Source.UPLOAD or self.discarded_at is not None:
            return False
        moment = now or timezone.now()
        if self.keep_until is not None and self.keep_until > moment:
            return False
        uploads_storage().delete(self.location)
        type(self).objects.filter(pk=self.pk).update(discarded_at=moment)
        self.discarded_at = moment
        return True

    def path(self) -> Path:
        """Where the file lies on this machine (uploads: under the local predictions folder).

        An upload is read through its storage (``inputs.readable``), which may hold
        no local file at all; this path only names it in messages to be cleaned.
        """
        if self.source == self.Source.UPLOAD:
            return Path(settings.TIANPING["PREDICTIONS_DIR"]) / self.location
        return Path(self.location)


class DatasetJob(BackgroundJob):
    """A background job on a data file (``data``) of a system, leaving evidence when done."""

    system: models.ForeignKey[AISystem, AISystem]
    data: models.ForeignKey[PredictionsFile, PredictionsFile]
    title: models.CharField[str, str]

    # Only so that deleting the job deletes its evidence; read it with
    # evidence.selectors.evidence_of.
    evidence_records = GenericRelation(
        "Evidence", content_type_field="source_type", object_id_field="source_id"
    )

    class Meta:
        abstract = True

    def release_inputs(self) -> None:
        self.data.discard()

    def __str__(self) -> str:
        return f"{self.system} · {self.title} · {self.status}"


class BiasAssessment(DatasetJob):
    """One audit of a predictions file, run in the background with progress and cancellation."""

    task = "tianping.web.assessments.tasks.run_bias_assessment"

    system = models.ForeignKey(
        AISystem,
        verbose_name=_("AI system"),
        on_delete=models.CASCADE,
        related_name="bias_assessments",
    )
    data = models.ForeignKey(
        PredictionsFile,
        verbose_name=_("predictions file"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    title = models.CharField(_("title"), max_length=200)
    # The keyword arguments of tianping.fairness.audit: protected, label, prediction, score,
    # threshold, positive, bins, policy, replicates, min_group_size, seed.
    parameters = models.JSONField(_("parameters"))
    verdict = models.CharField(_("verdict"), max_length=16, blank=True)
    # CountTable.to_json(): the one pass over the data, kept to merge or re-audit later.
    counts = models.JSONField(_("count table"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bias assessment")
        verbose_name_plural = _("bias assessments")


class PrivacyScan(DatasetJob):
    """A privacy profile of a dataset (tianping.privacy.profile_table), run in the background."""

    task = "tianping.web.assessments.tasks.run_privacy_scan"

    system = models.ForeignKey(
        AISystem,
        verbose_name=_("AI system"),
        on_delete=models.CASCADE,
        related_name="privacy_scans",
    )
    data = models.ForeignKey(
        PredictionsFile,
        verbose_name=_("dataset"),
        on_delete=models.PROTECT,
        related_name="privacy_scans",
    )
    title = models.CharField(_("title"), max_length=200)
    pipl_class = models.CharField(_("PIPL class"), max_length=16, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("privacy scan")
        verbose_name_plural = _("privacy scans")


class Evidence(models.Model):
    """A result filed for a system's review, unchanged, with the record it came from.

    One model for every kind of result: ``source`` is the record (a bias
    assessment, a privacy scan, and later a probe run, a document, a
    certificate), ``kind`` says what it is. File with
    ``services.evidence_file``; read with ``selectors.evidence_of`` and
    ``selectors.evidence_for_system``.
    """

    class Kind(models.TextChoices):
        BIAS_ASSESSMENT = "bias_assessment", _("Bias assessment")
        PRIVACY_PROFILE = "privacy_profile", _("Dataset privacy profile")
        PROBE_RUN = "probe_run", _("Generative-AI probe run")
        DOCUMENT = "document", _("Document")
        CERTIFICATE = "certificate", _("Certificate")

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    content = models.JSONField(_("content"))
    # SHA-256 of the content as canonical JSON (sorted keys, no spaces, UTF-8).
    sha256 = models.CharField(_("SHA-256 digest"), max_length=64)
    # The record the result came from: any model; its key as text (UUIDs and integers fit).
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("source type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_id = models.CharField(_("source ID"), max_length=64, blank=True, default="")
    source = GenericForeignKey("source_type", "source_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [models.Index(fields=["source_type", "source_id"], name="evidence_source")]
        constraints = [
            # One evidence record per source, as the one-to-one fields ensured.
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=models.Q(source_type__isnull=False),
                name="unique_evidence_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} · {self.title}"


class EvidenceLink(models.Model):
    """Evidence offered for one requirement item of the catalogue (``REQ-13-02``).

    Only where the catalogue's measurement mapping (``tianping.norms.items_for``)
    says that this kind of result answers the item for the system's intake; the
    mapping also gives the extent.
    """

    class Extent(models.TextChoices):
        FULL = "full", _("Answers it in full")
        PARTIAL = "partial", _("Answers it in part")

    evidence = models.ForeignKey(
        Evidence, verbose_name=_("evidence"), on_delete=models.CASCADE, related_name="links"
    )
    item = models.CharField(_("requirement item"), max_length=32)
    # How much of the item's question the evidence answers, per the measurement mapping.
    extent = models.CharField(
        _("extent"), max_length=8, choices=Extent.choices, default=Extent.PARTIAL
    )
    catalogue_version = models.CharField(_("catalogue version"), max_length=32)
    # Why the item was linked: "article 13", "export_review_2026:algorithmic_bias" …
    basis = models.CharField(_("basis"), max_length=200)

    class Meta:
        ordering = ["item"]
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")
        constraints = [
            models.UniqueConstraint(fields=["evidence", "item"], name="unique_evidence_item")
        ]

    def __str__(self) -> str:
        return f"{self.item} ← {self.evidence}"


class EvidenceLinkRemoval(models.Model):
    """A link of evidence to a requirement item that was taken away, kept as history.

    Written when the measurement mapping does not justify a link filed before
    it existed (migration ``0009``); the evidence itself is kept unchanged.
    """

    class Reason(models.TextChoices):
        NOT_JUSTIFIED = (
            "not_justified",
            _("The measurement mapping does not link this result to it"),
        )

    system = models.ForeignKey(
        AISystem,
        verbose_name=_("AI system"),
        on_delete=models.CASCADE,
        related_name="evidence_link_removals",
    )
    evidence = models.ForeignKey(
        Evidence,
        verbose_name=_("evidence"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="removed_links",
    )
    evidence_title = models.CharField(_("title"), max_length=300)
    evidence_sha256 = models.CharField(_("SHA-256 digest"), max_length=64)
    item = models.CharField(_("requirement item"), max_length=32)
    # The link as it was: the catalogue version and basis it was filed with.
    catalogue_version = models.CharField(_("catalogue version"), max_length=32)
    basis = models.CharField(_("basis"), max_length=200)
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices)
    # The version of the measurement mapping (tianping.norms.load_measurements) applied.
    mapping_version = models.CharField(_("mapping version"), max_length=32)
    # The system's latest intake, whose answers the mapping was applied to; none if it had none.
    intake = models.ForeignKey(
        Intake,
        verbose_name=_("intake"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("removed at"), default=timezone.now)

    class Meta:
        ordering = ["-removed_at", "-pk"]
        verbose_name = _("removed evidence link")
        verbose_name_plural = _("removed evidence links")

    def __str__(self) -> str:
        return f"{self.item} ↚ {self.evidence_title}"
