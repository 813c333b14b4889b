"""The platform's ledgers in the database: logs, entries, tree nodes, checkpoints, salts.

Ledger tables (:class:`LedgerLog`, :class:`LedgerLeaf`, :class:`LedgerNode`,
:class:`LedgerCheckpoint`) are written only by
:class:`~tianping.web.ledger.store.DatabaseStore`, append-only; the library
(:mod:`tianping.ledger`) does all hashing. Salts of personal fields live apart
(:class:`LedgerSalt`) so they can be erased without touching a leaf;
:class:`PlatformAction` indexes the platform log's entries by action and system.

The tables keep the names they had in the ``operations`` app (``db_table``):
the models moved without moving a row, and the append-only triggers of
``operations/migrations/0002_append_only_triggers.py`` still guard them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LedgerLog(models.Model):
    """One Merkle log: the decision records of one AI system, or the platform's actions.

    ``size`` is the number of committed entries; appends lock this row, so
    concurrent writers to one log are serialised while different logs proceed
    in parallel (PostgreSQL).
    """

    class Kind(models.TextChoices):
        DECISIONS = "decisions", _("Decision records")
        PLATFORM = "platform", _("Platform actions")

    origin = models.CharField(_("origin"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    system = models.ForeignKey(
        "systems.AISystem",
        verbose_name=_("AI system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_logs",
    )
    size = models.BigIntegerField(_("entries"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "operations_ledgerlog"
        verbose_name = _("ledger log")
        verbose_name_plural = _("ledger logs")
        constraints = [
            models.UniqueConstraint(
                fields=["system"],
                condition=Q(kind="decisions"),
                name="one_decision_log_per_system",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="platform"), name="one_platform_log"
            ),
            models.CheckConstraint(
                condition=Q(kind="platform", system__isnull=True)
                | Q(kind="decisions", system__isnull=False),
                name="decision_logs_belong_to_a_system",
            ),
        ]

    def __str__(self) -> str:
        return self.origin


class LedgerLeaf(models.Model):
    """Entry ``idx`` of a log: its canonical JSON and its RFC 6962 leaf hash (level-0 node)."""

    pk = models.CompositePrimaryKey("log_id", "idx")
    log = models.ForeignKey(LedgerLog, on_delete=models.PROTECT, related_name="+", db_index=False)
    idx = models.BigIntegerField()
    data = models.BinaryField()
    hash = models.BinaryField()

    class Meta:
        db_table = "operations_ledgerleaf"
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"{self.log_id} · {self.idx}"


class LedgerNode(models.Model):
    """The hash of a perfect subtree above the leaves, at its post-order position ``pos``."""

    pk = models.CompositePrimaryKey("log_id", "pos")
    log = models.ForeignKey(LedgerLog, on_delete=models.PROTECT, related_name="+", db_index=False)
    pos = models.BigIntegerField()
    hash = models.BinaryField()

    class Meta:
        db_table = "operations_ledgernode"
        verbose_name = _("ledger node")
        verbose_name_plural = _("ledger nodes")

    def __str__(self) -> str:
        return f"{self.log_id} · {self.pos}"


class LedgerCheckpoint(models.Model):
    """A signed checkpoint (C2SP tlog-checkpoint) of a log, in signing order."""

    log = models.ForeignKey(
        LedgerLog, on_delete=models.PROTECT, related_name="checkpoints", db_index=False
    )
    size = models.BigIntegerField(_("tree size"))
    note = models.TextField(_("signed note"))
    created_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        db_table = "operations_ledgercheckpoint"
        verbose_name = _("ledger checkpoint")
        verbose_name_plural = _("ledger checkpoints")
        indexes = [models.Index(fields=["log", "id"], name="checkpoint_log_order")]

    def __str__(self) -> str:
        return f"{self.log_id} · {self.size}"


class LedgerSalt(models.Model):
    """The salt of an entry's personal fields; deleting it erases the link to the person.

    The leaf keeps only ``SHA-256(salt || value)``; once the salt and the personal
    data are gone, nobody can tie the entry to a person, and no proof changes
    (PIPL Art. 47).
    """

    pk = models.CompositePrimaryKey("log_id", "idx")
    log = models.ForeignKey(LedgerLog, on_delete=models.PROTECT, related_name="+", db_index=False)
    idx = models.BigIntegerField()
    salt = models.BinaryField()

    class Meta:
        db_table = "operations_ledgersalt"
        verbose_name = _("ledger salt")
        verbose_name_plural = _("ledger salts")

    def __str__(self) -> str:
        return f"{self.log_id} · {self.idx}"


ACTION_LABELS = {
    "switch_changed": _("Runtime switch changed"),
    "tier_overridden": _("Tier overridden"),
    "playbook_changed": _("Incident playbook changed"),
    "api_key_created": _("System API key created"),
    "api_key_revoked": _("System API key revoked"),
    "incident_opened": _("Incident opened by a monitor"),
    "alert_acknowledged": _("Monitor alert acknowledged"),
    "alert_resolved": _("Monitor alert resolved"),
    "incident_closed": _("Incident closed"),
    "probe_endpoint_saved": _("Chat endpoint saved"),
    "probe_endpoint_deleted": _("Chat endpoint deleted"),
    "probe_run_started": _("Probe run started"),
    "probe_run_finished": _("Probe run finished"),
}
"""How the platform log's action kinds read; later issues add theirs (kinds are not choices,
so a new kind needs no migration)."""


class PlatformAction(models.Model):
    """An index of the platform log: which entry records which action on which system."""

    log = models.ForeignKey(LedgerLog, on_delete=models.PROTECT, related_name="+", db_index=False)
    idx = models.BigIntegerField(_("entry"))
    kind = models.CharField(_("action"), max_length=64)
    system = models.ForeignKey(
        "systems.AISystem",
        verbose_name=_("AI system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="platform_actions",
    )
    subject = models.CharField(_("subject"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        db_table = "operations_platformaction"
        verbose_name = _("platform action")
        verbose_name_plural = _("platform actions")
        ordering = ["-idx"]
        constraints = [
            models.UniqueConstraint(fields=["log", "idx"], name="one_action_per_platform_entry")
        ]
        indexes = [models.Index(fields=["system", "-idx"], name="platform_action_by_system")]

    def __str__(self) -> str:
        return f"{self.kind} · {self.subject}"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS.get(self.kind, self.kind))
