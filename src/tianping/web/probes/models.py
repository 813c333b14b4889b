"""A system's chat endpoint (its API key encrypted at rest) and the probe runs sent to it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.core.jobs import BackgroundJob
from tianping.web.systems.models import AISystem


class ChatEndpoint(models.Model):
    """The OpenAI-compatible chat endpoint of an AI system that probe runs are sent to."""

    system = models.OneToOneField(
        AISystem,
        verbose_name=_("AI system"),
        on_delete=models.CASCADE,
        related_name="chat_endpoint",
    )
    base_url = models.CharField(_("base URL"), max_length=500)
    model = models.CharField(_("model"), max_length=200)
    temperature = models.FloatField(_("temperature"), default=0.0)
    max_output_tokens = models.PositiveIntegerField(_("maximum tokens per reply"), default=512)
    # The API key, AES-256-GCM under the key service's ``probe_endpoints`` keys
    # (services.encrypt_api_key); never shown, logged or exported.
    api_key_encrypted = models.TextField(_("encrypted API key"), blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("chat endpoint")
        verbose_name_plural = _("chat endpoints")

    def __str__(self) -> str:
        return f"{self.system} · {self.model}"

    @property
    def has_api_key(self) -> bool:
        return bool(self.api_key_encrypted)


class ProbeRun(BackgroundJob):
    """One run of the built-in probe suite against a system's chat endpoint."""

    task = "tianping.web.probes.tasks.run_probe_run"

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="probe_runs"
    )
    title = models.CharField(_("title"), max_length=200)
    # What the run sends: base URL and model copied from the endpoint when it was started.
    base_url = models.CharField(_("base URL"), max_length=500)
    model = models.CharField(_("model"), max_length=200)
    languages = models.JSONField(_("languages"), default=list)
    samples = models.PositiveSmallIntegerField(_("samples per probe"), default=1)
    # Budgets of the run (none: unlimited): HTTP requests, retries included, and tokens.
    max_requests = models.PositiveIntegerField(_("request budget"), null=True, blank=True)
    max_tokens = models.PositiveIntegerField(_("token budget"), null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=16, blank=True)

    # Only so that deleting the run deletes its evidence.
    evidence_records = GenericRelation(
        "assessments.Evidence", content_type_field="source_type", object_id_field="source_id"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("probe run")
        verbose_name_plural = _("probe runs")

    def __str__(self) -> str:
        return f"{self.system} · {self.title} · {self.status}"
