"""Versions of a system's transparency documents: what the owner wrote and what was built."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.transparency import DOCUMENT_KINDS
from tianping.web.systems.models import AISystem
from tianping.web.transparency.labels import KIND_LABELS

KIND_CHOICES = [(kind, KIND_LABELS[kind]) for kind in DOCUMENT_KINDS]


class DocumentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class DocumentVersion(models.Model):
    """One saved version of one document of a system.

    ``owner_fields`` is what the owner wrote (the fields the platform cannot know);
    ``document`` is the library's JSON built from it and the platform's evidence at
    saving time, with its RFC 8785 hash in ``sha256``. Publishing signs the hash and
    appends it to the platform ledger; the newest published version is the public one.
    """

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("document"), max_length=32, choices=KIND_CHOICES)
    version = models.PositiveIntegerField(_("version"))
    owner_fields = models.JSONField(_("owner's fields"), default=dict, blank=True)
    document = models.JSONField(_("document"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    complete = models.BooleanField(_("complete"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=DocumentState.choices, default=DocumentState.DRAFT
    )
    signature = models.TextField(_("signature"), blank=True)
    ledger_index = models.BigIntegerField(_("platform ledger entry"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("transparency document version")
        verbose_name_plural = _("transparency document versions")
        ordering = ["system", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "kind", "version"], name="one_transparency_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} · {self.kind} · v{self.version}"


class ReportReminder(models.Model):
    """A reminder sent for a system's six-monthly report due on ``due`` (once per stage)."""

    class Stage(models.TextChoices):
        SOON = "soon", _("Due within 30 days")
        OVERDUE = "overdue", _("Overdue")

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="+"
    )
    due = models.DateField(_("due"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("transparency report reminder")
        verbose_name_plural = _("transparency report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "due", "stage"], name="one_report_reminder_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} · {self.due} · {self.stage}"
