"""Operations of deployed AI systems: the runtime switch, playbooks, API keys, monitors.

The ledgers these write to are the :mod:`tianping.web.ledger` app's
(:class:`~tianping.web.ledger.models.LedgerLog` and its tables); an ingested
batch (:class:`IngestBatch`) points at its decision log there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The ledger's models moved to tianping.web.ledger; re-exported for old imports (reviews).
from tianping.web.ledger.models import LedgerCheckpoint as LedgerCheckpoint
from tianping.web.ledger.models import LedgerLeaf as LedgerLeaf
from tianping.web.ledger.models import LedgerLog
from tianping.web.ledger.models import LedgerNode as LedgerNode
from tianping.web.ledger.models import LedgerSalt as LedgerSalt
from tianping.web.ledger.models import PlatformAction as PlatformAction
from tianping.web.systems.models import AISystem


class PersonalDataPolicy(models.TextChoices):
    """What ingestion does with personal data found outside a record's declared personal fields."""

    REFUSE = "refuse", _("Refuse the batch (422, naming the field and the kind of data)")
    HASH = "hash", _("Keep the record, each detected value replaced by its salted hash")


class SystemApiKey(models.Model):
    """A key with which one AI system sends decision records; only its digest is stored."""

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    personal_data = models.CharField(
        _("undeclared personal data in records"),
        max_length=8,
        choices=PersonalDataPolicy.choices,
        default=PersonalDataPolicy.REFUSE,
    )

    class Meta:
        verbose_name = _("system API key")
        verbose_name_plural = _("system API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IngestBatch(models.Model):
    """A batch of decision records as committed, found again by its idempotency key."""

    log = models.ForeignKey(LedgerLog, on_delete=models.PROTECT, related_name="+", db_index=False)
    key = models.CharField(_("idempotency key"), max_length=100)
    digest = models.CharField(_("SHA-256 of the records"), max_length=64)
    first_index = models.BigIntegerField(_("first entry"))
    count = models.PositiveIntegerField(_("records"))
    api_key = models.ForeignKey(
        SystemApiKey,
        verbose_name=_("API key"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ingested batch")
        verbose_name_plural = _("ingested batches")
        constraints = [
            models.UniqueConstraint(fields=["log", "key"], name="one_batch_per_idempotency_key")
        ]
        indexes = [models.Index(fields=["log", "created_at"], name="batch_log_time")]

    def __str__(self) -> str:
        return f"{self.log_id} · {self.key}"


class SwitchState(models.TextChoices):
    ACTIVE = "active", _("Active: AI may decide")
    PAUSED = "paused", _("Paused: humans decide")
    STOPPED = "stopped", _("Stopped")


class SystemSwitch(models.Model):
    """The runtime switch of a system; ``version`` grows with each change (the SDK's ETag)."""

    system = models.OneToOneField(
        AISystem,
        verbose_name=_("AI system"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="switch",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=SwitchState.choices, default=SwitchState.ACTIVE
    )
    version = models.PositiveBigIntegerField(_("version"), default=0)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    ledger_index = models.BigIntegerField(_("platform ledger entry"), null=True, blank=True)

    class Meta:
        verbose_name = _("runtime switch")
        verbose_name_plural = _("runtime switches")

    def __str__(self) -> str:
        return f"{self.system} · {self.state}"


class FailSafe(models.TextChoices):
    HUMAN = "human", _("Hand every decision to a human")
    LAST_KNOWN = "last_known", _("Follow the last known state for a grace period, then humans")


class IncidentPlaybook(models.Model):
    """Who may move a system's switch, when humans take over, whom to call, what to fall back on.

    A system without a playbook follows the default (``default_playbook.yaml``).
    """

    system = models.OneToOneField(
        AISystem,
        verbose_name=_("AI system"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="playbook",
    )
    switch_roles = models.JSONField(_("who may set each state"))
    # Both may be empty (no automatic takeover, nobody named): the schema's defaults.
    takeover_thresholds = models.JSONField(
        _("thresholds for human takeover"), default=dict, blank=True
    )
    escalation_contacts = models.JSONField(_("escalation contacts"), default=list, blank=True)
    fallback_path = models.TextField(_("fallback path"), max_length=5000, blank=True)
    fail_safe = models.CharField(
        _("when the platform cannot be reached"),
        max_length=16,
        choices=FailSafe.choices,
        default=FailSafe.HUMAN,
    )
    offline_grace_s = models.PositiveIntegerField(_("offline grace period (seconds)"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("incident playbook")
        verbose_name_plural = _("incident playbooks")

    def __str__(self) -> str:
        return str(self.system)


# --- monitors over logged decisions (tianping.monitoring) -------------------------------------


class MonitorCounts(models.Model):
    """A system's rolling count tables of logged decisions (``RollingCounts`` as JSON).

    Updated with each ingested batch, in its transaction and under its log's row lock.
    ``protected`` names the protected attributes counted; empty until the first
    batch with decision records, which fixes it to every key under their ``attributes``.
    """

    system = models.OneToOneField(
        AISystem,
        verbose_name=_("AI system"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="monitor_counts",
    )
    protected = models.JSONField(_("protected attributes"), default=list, blank=True)
    selection = models.JSONField(_("selection counts"), default=dict)
    outcomes = models.JSONField(_("outcome counts"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monitor counts")
        verbose_name_plural = _("monitor counts")

    def __str__(self) -> str:
        return str(self.system)


class MonitorStatus(models.TextChoices):
    OK = "ok", _("OK")
    WARN = "warn", _("Warning")
    FAIL = "fail", _("Failed")
    INSUFFICIENT_DATA = "insufficient_data", _("Insufficient data")
    # The monitor could not be judged (it raised): an alert, never a silent gap. The label
    # reuses the catalogue's "error" (translated) until the catalogue is regenerated.
    ERROR = "error", _("error")


class MonitorReadingRecord(models.Model):
    """One monitor's reading after one batch."""

    system = models.ForeignKey(
        AISystem,
        verbose_name=_("AI system"),
        on_delete=models.CASCADE,
        related_name="monitor_readings",
    )
    monitor = models.CharField(_("monitor"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=MonitorStatus.choices)
    value = models.FloatField(_("value"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=16, blank=True)
    message = models.JSONField(_("message"), default=dict)
    window_end = models.DateTimeField(_("window end"))

    class Meta:
        verbose_name = _("monitor reading")
        verbose_name_plural = _("monitor readings")
        indexes = [
            models.Index(fields=["system", "monitor", "-id"], name="reading_by_monitor"),
        ]

    def __str__(self) -> str:
        return f"{self.monitor} · {self.status}"


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class MonitorAlert(models.Model):
    """A monitor's warning or failure; one unresolved alert per monitor and system."""

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="alerts"
    )
    monitor = models.CharField(_("monitor"), max_length=64)
    severity = models.CharField(_("severity"), max_length=20, choices=MonitorStatus.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    reading = models.ForeignKey(
        MonitorReadingRecord,
        verbose_name=_("reading"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.JSONField(_("message"), default=dict)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("monitor alert")
        verbose_name_plural = _("monitor alerts")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "monitor"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="one_unresolved_alert_per_monitor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.monitor} · {self.status}"


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Incident(models.Model):
    """An incident a failing ``pause`` monitor opened when it paused the system."""

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="incidents"
    )
    alert = models.ForeignKey(
        MonitorAlert,
        verbose_name=_("alert"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    summary = models.TextField(_("summary"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.system} · {self.status}"


class DecisionDayCount(models.Model):
    """How many decision records a system's log received on one day (the platform's zone).

    Ingestion adds each batch's count in its transaction (one upsert per batch), so reports
    of decision volumes read a row per day, never the log's entries.
    """

    system = models.ForeignKey(
        AISystem,
        verbose_name=_("AI system"),
        on_delete=models.CASCADE,
        related_name="decision_day_counts",
    )
    day = models.DateField(_("day"))
    count = models.PositiveBigIntegerField(_("decisions"), default=0)

    class Meta:
        verbose_name = _("decisions per day")
        verbose_name_plural = _("decisions per day")
        ordering = ["system", "day"]
        constraints = [
            models.UniqueConstraint(fields=["system", "day"], name="one_decision_count_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.system} · {self.day} · {self.count}"
