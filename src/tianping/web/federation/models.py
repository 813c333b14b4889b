"""Peers, and the messages sent to and received from them."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import Organisation
from tianping.web.network.models import EarlyWarning


class MessageKind(models.TextChoices):
    RISK_REPORT = "risk_report", _("Risk report")
    EARLY_WARNING = "early_warning", _("Early warning")
    WARNING_ACK = "warning_ack", _("Acknowledgement of an early warning")


class Peer(models.Model):
    """Another Tianping instance, as this instance's administrators configured it."""

    name = models.CharField(
        _("peer name"),
        max_length=64,
        unique=True,
        help_text=_("The name the peer signs with (its TIANPING_FEDERATION_NAME)."),
    )
    url = models.URLField(_("address"), max_length=300)
    public_keys = models.TextField(
        _("public keys"),
        max_length=2000,
        help_text=_("The peer's Ed25519 public keys (base64), newest first, one per line."),
    )
    stand_in = models.OneToOneField(
        Organisation,
        verbose_name=_("stand-in organisation"),
        on_delete=models.PROTECT,
        related_name="federation_peer",
        help_text=_("The organisation in this instance's tree that stands for the peer."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("configured at"), auto_now_add=True)

    class Meta:
        verbose_name = _("federation peer")
        verbose_name_plural = _("federation peers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Outbound(models.Model):
    """A signed message to a peer, kept until the peer accepts it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be delivered")
        DELIVERED = "delivered", _("Delivered")
        REFUSED = "refused", _("Refused by the peer")

    message_id = models.UUIDField(_("message ID"), default=uuid.uuid4, unique=True)
    peer = models.ForeignKey(
        Peer, verbose_name=_("peer"), on_delete=models.PROTECT, related_name="outbound"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MessageKind.choices)
    object_id = models.PositiveBigIntegerField(_("object"))
    body = models.JSONField(_("signed message"))
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "kind", "object_id"], name="federation_outbound_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.peer} · {self.get_kind_display()} · {self.object_id}"


class Inbound(models.Model):
    """A message a peer delivered, applied once."""

    peer = models.ForeignKey(
        Peer, verbose_name=_("peer"), on_delete=models.PROTECT, related_name="inbound"
    )
    message_id = models.UUIDField(_("message ID"))
    kind = models.CharField(_("kind"), max_length=16, choices=MessageKind.choices)
    object_id = models.PositiveBigIntegerField(_("created object"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "message_id"], name="federation_inbound_once")
        ]

    def __str__(self) -> str:
        return f"{self.peer} · {self.get_kind_display()} · {self.message_id}"


class RemoteAcknowledgement(models.Model):
    """An organisation of a peer's jurisdiction acknowledged a warning this instance sent."""

    warning = models.ForeignKey(
        EarlyWarning,
        verbose_name=_("early warning"),
        on_delete=models.CASCADE,
        related_name="remote_acknowledgements",
    )
    peer = models.ForeignKey(
        Peer,
        verbose_name=_("peer"),
        on_delete=models.PROTECT,
        related_name="remote_acknowledgements",
    )
    organisation_name = models.CharField(_("organisation"), max_length=200)
    region = models.CharField(_("administrative division code"), max_length=12, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"))
    peer_recipients = models.PositiveIntegerField(
        _("recipients at the peer"),
        help_text=_("How many organisations the warning reached at the peer."),
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acknowledgement from a peer")
        verbose_name_plural = _("acknowledgements from peers")
        ordering = ["peer__name", "organisation_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["warning", "peer", "organisation_name", "region"],
                name="federation_remote_ack_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.peer} · {self.warning_id} · {self.organisation_name}"
