"""Signed messages between instances: the outbox, delivery with retries, the inbox.

A message is a JSON object (the *envelope*: version, id, sender, recipient, kind, time,
payload) and an Ed25519 signature over its RFC 8785 canonical form, made with this
instance's federation key (:mod:`tianping.web.core.signing`, purpose ``federation``).

Sending is a transactional outbox: a periodic pass (:func:`federation_tick`) looks for
reports assigned to a peer's stand-in and warnings whose subtree holds one, writes an
:class:`~tianping.web.federation.models.Outbound` row once per (peer, kind, object), and
posts what is due. A process killed at any point loses nothing: the row, or the state it
is derived from, is in the database, and the next pass sends it again. The receiver
applies a message once per (peer, message id), so sending again never duplicates.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tianping.web.accounts.models import Organisation
from tianping.web.core.signing import FEDERATION, ed25519_seeds
from tianping.web.federation.models import (
    Inbound,
    MessageKind,
    Outbound,
    Peer,
    RemoteAcknowledgement,
)
from tianping.web.ledger.services import ledger_record_action
from tianping.web.network.models import EarlyWarning, RiskReport, WarningRecipient
from tianping.web.network.services import report_receive_federated, warning_receive_federated
from tianping.web.network.targeting import TARGET_FIELDS

VERSION = 1
NAME_ENV = "TIANPING_FEDERATION_NAME"
DEFAULT_NAME = "tianping"
INBOX_PATH = "/api/federation/inbox"
TIMEOUT_S = 10.0
BATCH = 100
BACKOFF_S = 30
BACKOFF_MAX_S = 3600
CLOCK_SKEW = timedelta(days=7)
"""How old a message may be when it arrives (a peer down for days still catches up)."""
ACK_FIELDS = frozenset({"warning", "organisation", "region", "acknowledged_at", "recipients"})
ACK_MAX_RECIPIENTS = 10_000_000


class Refused(Exception):
    """A message this instance will not apply; ``status`` is the HTTP answer."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


# --- this instance's identity ---------------------------------------------------------------


def instance_name() -> str:
    """The name this instance signs with (``TIANPING_FEDERATION_NAME``)."""
    return os.environ.get(NAME_ENV, "").strip() or DEFAULT_NAME


def _private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(ed25519_seeds(FEDERATION, instance_name())[0])


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def public_keys() -> list[str]:
    """This instance's federation public keys (base64), newest first, for its peers."""
    return [
        _b64(
            Ed25519PrivateKey.from_private_bytes(seed)
            .public_key()
            .public_bytes(Encoding.Raw, PublicFormat.Raw)
        )
        for seed in ed25519_seeds(FEDERATION, instance_name())
    ]


# --- peers -----------------------------------------------------------------------------------


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _decode_key(text: str) -> bytes | None:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def peer_keys(peer: Peer) -> list[Ed25519PublicKey]:
    """The peer's configured public keys."""
    keys = []
    for line in peer.public_keys.splitlines():
        raw = _decode_key(line) if line.strip() else None
        if raw is not None:
            keys.append(Ed25519PublicKey.from_public_bytes(raw))
    return keys


def peer_configure(
    *, name: str, url: str, public_keys: list[str], stand_in: Organisation, enabled: bool = True
) -> Peer:
    """Add or change a peer; HTTPS only (plain HTTP on loopback, for a single machine)."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "-_." for c in name):
        errors["name"] = [_("Name the peer with 1 to 64 letters, digits, - _ or .")]
    parts = urlsplit(url.strip())
    plain_local = parts.scheme == "http" and _loopback(parts.hostname or "")
    if parts.scheme != "https" and not plain_local:
        errors["url"] = [_("A peer is reached over HTTPS (plain HTTP only on this machine).")]
    elif not parts.hostname or parts.query or parts.fragment or len(url) > 300:
        errors["url"] = [_("Enter the peer's base address, e.g. https://tianping.example.gov.cn")]
    if not public_keys or len(public_keys) > 10 or any(_decode_key(k) is None for k in public_keys):
        errors["public_keys"] = [
            _("Give the peer's Ed25519 public keys: base64 of 32 bytes each, at most 10.")
        ]
    if Peer.objects.filter(stand_in=stand_in).exclude(name=name).exists():
        errors["stand_in"] = [_("This organisation already stands in for another peer.")]
    if errors:
        raise ValidationError(errors)
    peer, _created = Peer.objects.update_or_create(
        name=name,
        defaults={
            "url": url.strip().rstrip("/"),
            "public_keys": "\n".join(k.strip() for k in public_keys),
            "stand_in": stand_in,
            "enabled": enabled,
        },
    )
    ledger_record_action(
        actor=None,
        kind="federation.peer_configured",
        subject=peer,
        payload={"peer": peer.name, "stand_in": stand_in.pk, "enabled": enabled},
    )
    return peer


# --- messages --------------------------------------------------------------------------------


def sign(envelope: dict[str, Any]) -> dict[str, Any]:
    """The message to post: the envelope and its signature."""
    signature = _private_key().sign(rfc8785.dumps(envelope))
    return {"message": envelope, "signature": _b64(signature)}


def _envelope(peer: Peer, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "v": VERSION,
        "id": str(uuid.uuid4()),
        "from": instance_name(),
        "to": peer.name,
        "kind": kind,
        "sent": timezone.now().isoformat(),
        "payload": payload,
    }


def _report_payload(report: RiskReport) -> dict[str, Any]:
    # Texts were de-identified when the report was filed; only those are sent.
    return {
        "kind": report.kind,
        "category": report.category,
        "severity": report.severity,
        "visibility": report.visibility,
        "affected_people": report.affected_people,
        "title": report.title,
        "description": report.description,
        "actions_taken": report.actions_taken,
        "origin": report.organisation.name,
    }


def _warning_payload(warning: EarlyWarning) -> dict[str, Any]:
    return {
        "title": warning.title,
        "body": warning.body,
        "category": warning.category,
        "severity": warning.severity,
        "sector": warning.sector,
        "kinds": list(warning.kinds),
        # The finer filters (a peer that knows none of them reads them as blank).
        **{name: getattr(warning, name) for name in TARGET_FIELDS},
    }


def _ack_payload(message_id: uuid.UUID, row: WarningRecipient) -> dict[str, Any]:
    # The organisation by its public name and region only: nobody's name leaves.
    assert row.acknowledged_at is not None
    return {
        "warning": str(message_id),
        "organisation": row.organisation.name,
        "region": row.organisation.region_code,
        "acknowledged_at": row.acknowledged_at.isoformat(),
        "recipients": WarningRecipient.objects.filter(warning_id=row.warning_id).count(),
    }


def acknowledgement_queue(recipient_id: int) -> bool:
    """Queue, for the peer that sent the warning, one organisation's acknowledgement of it;
    whether it was queued now (not for a local warning, nor twice)."""
    row = (
        WarningRecipient.objects.filter(pk=recipient_id, acknowledged_at__isnull=False)
        .select_related("organisation")
        .first()
    )
    if row is None:
        return False
    received = (
        Inbound.objects.filter(
            kind=MessageKind.EARLY_WARNING, object_id=row.warning_id, peer__enabled=True
        )
        .select_related("peer")
        .first()
    )
    if received is None:
        return False  # issued here, not received from a peer
    if Outbound.objects.filter(
        peer=received.peer, kind=MessageKind.WARNING_ACK, object_id=row.pk
    ).exists():
        return False
    return _queue(
        received.peer, MessageKind.WARNING_ACK, row.pk, _ack_payload(received.message_id, row)
    )


def _queue(peer: Peer, kind: str, object_id: int, payload: dict[str, Any]) -> bool:
    envelope = _envelope(peer, kind, payload)
    try:
        with transaction.atomic():
            Outbound.objects.create(
                message_id=uuid.UUID(envelope["id"]),
                peer=peer,
                kind=kind,
                object_id=object_id,
                body=sign(envelope),
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return False  # queued already (by this pass in another process)
    return True


def enqueue() -> int:
    """Queue what must cross to a peer and is not queued yet; how many messages."""
    count = 0
    for peer in Peer.objects.filter(enabled=True).select_related("stand_in"):
        sent_reports = Outbound.objects.filter(peer=peer, kind=MessageKind.RISK_REPORT)
        reports = (
            RiskReport.objects.filter(assigned_to=peer.stand_in)
            .exclude(pk__in=sent_reports.values("object_id"))
            .select_related("organisation")
        )
        for report in reports:
            count += _queue(peer, MessageKind.RISK_REPORT, report.pk, _report_payload(report))
        # A warning reaches the peer when the stand-in is in the issuer's subtree; a warning
        # received from this peer (issued by its stand-in) is never sent back.
        ancestors = [p for p in peer.stand_in.path.strip("/").split("/") if p]
        sent_warnings = Outbound.objects.filter(peer=peer, kind=MessageKind.EARLY_WARNING)
        warnings = (
            EarlyWarning.objects.filter(issuer_id__in=[int(a) for a in ancestors])
            .exclude(issuer=peer.stand_in)
            .filter(issued_at__gte=peer.created_at)
            .exclude(pk__in=sent_warnings.values("object_id"))
        )
        for warning in warnings:
            count += _queue(peer, MessageKind.EARLY_WARNING, warning.pk, _warning_payload(warning))
        # Acknowledgements of warnings received from this peer go back to it.
        received = Inbound.objects.filter(peer=peer, kind=MessageKind.EARLY_WARNING)
        sent_acks = Outbound.objects.filter(peer=peer, kind=MessageKind.WARNING_ACK)
        acknowledged = (
            WarningRecipient.objects.filter(
                warning_id__in=received.values("object_id"), acknowledged_at__isnull=False
            )
            .exclude(pk__in=sent_acks.values("object_id"))
            .values_list("pk", flat=True)
        )
        for recipient_id in list(acknowledged):
            count += acknowledgement_queue(recipient_id)
    return count


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_S * 2 ** min(attempts - 1, 16), BACKOFF_MAX_S))


def _claim(now: datetime) -> list[Outbound]:
    """Due messages, locked for this pass (others skip them), then pushed back a while."""
    with transaction.atomic():
        rows = list(
            Outbound.objects.select_for_update(skip_locked=True)
            .filter(state=Outbound.State.PENDING, next_attempt_at__lte=now)
            .select_related("peer")
            .order_by("next_attempt_at", "pk")[:BATCH]
        )
        # While this pass posts them, a second process leaves them alone.
        Outbound.objects.filter(pk__in=[r.pk for r in rows]).update(
            next_attempt_at=now + timedelta(seconds=TIMEOUT_S * 3)
        )
    return rows


def deliver_due(
    *, now: datetime | None = None, client: httpx.Client | None = None
) -> dict[str, int]:
    """Post the due messages; counts of ``delivered``, ``retrying`` and ``refused``."""
    now = now or timezone.now()
    counts = {"delivered": 0, "retrying": 0, "refused": 0}
    rows = _claim(now)
    if not rows:
        return counts
    own = client is None
    http = client or httpx.Client(timeout=TIMEOUT_S, follow_redirects=False)
    try:
        for row in rows:
            outcome, error = _post(http, row)
            row.attempts += 1
            row.last_error = error[:500]
            if outcome == "delivered":
                row.state = Outbound.State.DELIVERED
                row.delivered_at = timezone.now()
            elif outcome == "refused":
                row.state = Outbound.State.REFUSED
            else:
                row.next_attempt_at = timezone.now() + _backoff(row.attempts)
            row.save(
                update_fields=["attempts", "last_error", "state", "delivered_at", "next_attempt_at"]
            )
            counts[outcome] += 1
    finally:
        if own:
            http.close()
    return counts


def _post(http: httpx.Client, row: Outbound) -> tuple[str, str]:
    try:
        answer = http.post(row.peer.url + INBOX_PATH, json=row.body)
    except httpx.HTTPError as error:
        return "retrying", f"{type(error).__name__}: {error}"
    if 200 <= answer.status_code < 300:
        return "delivered", ""
    detail = answer.text[:300]
    if answer.status_code in (408, 425, 429) or answer.status_code >= 500:
        return "retrying", f"HTTP {answer.status_code}: {detail}"
    return "refused", f"HTTP {answer.status_code}: {detail}"


def federation_tick() -> None:
    """The periodic pass: queue, then deliver what is due."""
    enqueue()
    deliver_due()


# --- the inbox -------------------------------------------------------------------------------


def _check_envelope(body: Any) -> tuple[dict[str, Any], bytes]:
    if not isinstance(body, dict) or set(body) != {"message", "signature"}:
        raise Refused(_("A federation message has exactly a message and a signature."))
    envelope, signature = body["message"], body["signature"]
    if not isinstance(envelope, dict) or not isinstance(signature, str):
        raise Refused(_("A federation message has exactly a message and a signature."))
    expected = {"v", "id", "from", "to", "kind", "sent", "payload"}
    if set(envelope) != expected or envelope["v"] != VERSION:
        raise Refused(_("The message's fields are not those of version 1."))
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise Refused(_("The signature is not base64."), status=401) from None
    return envelope, raw


def receive(body: Any) -> tuple[bool, Inbound]:
    """Apply a posted message once: ``(True, row)`` the first time, ``(False, row)`` after.

    Raises :class:`Refused` for an unknown sender, a bad signature, a message for another
    instance, or a payload that a local report or warning could not hold.
    """
    envelope, signature = _check_envelope(body)
    sender = envelope["from"]
    peer = Peer.objects.filter(name=sender, enabled=True).select_related("stand_in").first()
    if peer is None or not isinstance(sender, str):
        raise Refused(_("This instance has no enabled peer of that name."), status=401)
    try:
        canonical = rfc8785.dumps(envelope)
    except (rfc8785.CanonicalizationError, TypeError, ValueError):
        raise Refused(_("The message cannot be written in canonical JSON.")) from None
    for key in peer_keys(peer):
        try:
            key.verify(signature, canonical)
            break
        except InvalidSignature:
            continue
    else:
        raise Refused(_("The signature does not verify with the peer's keys."), status=401)
    if envelope["to"] != instance_name():
        raise Refused(_("The message is addressed to another instance."), status=403)
    try:
        message_id = uuid.UUID(str(envelope["id"]))
        sent = datetime.fromisoformat(str(envelope["sent"]))
    except ValueError:
        raise Refused(_("The message's id or time is malformed.")) from None
    if sent.tzinfo is None or abs(timezone.now() - sent) > CLOCK_SKEW:
        raise Refused(_("The message's time is too far from this instance's clock."))
    kind, payload = envelope["kind"], envelope["payload"]
    if kind not in MessageKind.values or not isinstance(payload, dict):
        raise Refused(_("The message's kind is not one this instance applies."))
    try:
        with transaction.atomic():
            return True, _apply(peer, message_id, kind, payload)
    except _Duplicate:
        # Applied before, or by a concurrent request just now (whose copy was undone).
        return False, Inbound.objects.get(peer=peer, message_id=message_id)


class _Duplicate(Exception):
    pass


def _apply(peer: Peer, message_id: uuid.UUID, kind: str, payload: dict[str, Any]) -> Inbound:
    if Inbound.objects.filter(peer=peer, message_id=message_id).exists():
        raise _Duplicate
    try:
        applied: RiskReport | EarlyWarning | RemoteAcknowledgement
        if kind == MessageKind.RISK_REPORT:
            applied = report_receive_federated(
                via=peer.stand_in, origin=payload.get("origin", ""), values=payload, peer=peer.name
            )
        elif kind == MessageKind.WARNING_ACK:
            applied = _acknowledgement_apply(peer, payload)
        else:
            applied = warning_receive_federated(
                issuer=peer.stand_in, values=payload, peer=peer.name
            )
    except ValidationError as error:
        raise Refused(
            _("The message's content was refused: {reason}").format(
                reason="; ".join(error.messages)
            ),
            status=422,
        ) from None
    try:
        with transaction.atomic():
            return Inbound.objects.create(
                peer=peer, message_id=message_id, kind=kind, object_id=applied.pk
            )
    except IntegrityError:
        raise _Duplicate from None


def _acknowledgement_apply(peer: Peer, payload: dict[str, Any]) -> RemoteAcknowledgement:
    """Record that an organisation of ``peer``'s jurisdiction acknowledged a warning this
    instance sent to ``peer`` (once per organisation)."""
    if set(payload) != ACK_FIELDS:
        raise ValidationError(
            _(
                "An acknowledgement names the warning, the organisation, its region, "
                "the time and the number of recipients."
            )
        )
    name, region, recipients = payload["organisation"], payload["region"], payload["recipients"]
    try:
        message_id = uuid.UUID(str(payload["warning"]))
        moment = datetime.fromisoformat(str(payload["acknowledged_at"]))
    except ValueError:
        raise ValidationError(_("The acknowledgement's warning id or time is malformed.")) from None
    if moment.tzinfo is None:
        raise ValidationError(_("The acknowledgement's warning id or time is malformed."))
    if not isinstance(name, str) or not name.strip() or len(name) > 200 or "\x00" in name:
        raise ValidationError(_("Name the organisation with 1 to 200 characters."))
    if not isinstance(region, str) or len(region) > 12:
        raise ValidationError(_("The region is an administrative division code of digits."))
    if region and not (region.isascii() and region.isdigit()):
        raise ValidationError(_("The region is an administrative division code of digits."))
    if type(recipients) is not int or not 1 <= recipients <= ACK_MAX_RECIPIENTS:
        raise ValidationError(_("The number of recipients is a positive whole number."))
    sent = Outbound.objects.filter(kind=MessageKind.EARLY_WARNING, message_id=message_id).first()
    if sent is None or not EarlyWarning.objects.filter(pk=sent.object_id).exists():
        raise ValidationError(_("This instance sent no early warning with that message id."))
    if sent.peer_id != peer.pk:
        raise Refused(_("This early warning was not sent to the acknowledging peer."), status=403)
    row, _created = RemoteAcknowledgement.objects.get_or_create(
        warning_id=sent.object_id,
        peer=peer,
        organisation_name=name.strip(),
        region=region,
        defaults={"acknowledged_at": moment, "peer_recipients": recipients},
    )
    return row


def remote_acknowledgements(warning: EarlyWarning) -> list[dict[str, Any]]:
    """For the issuer: each peer the warning was sent to, how many of the organisations it
    reached there have acknowledged it, and which."""
    peers = (
        Outbound.objects.filter(kind=MessageKind.EARLY_WARNING, object_id=warning.pk)
        .select_related("peer")
        .order_by("peer__name")
    )
    rows = list(RemoteAcknowledgement.objects.filter(warning=warning))
    summary = []
    for sent in peers:
        acks = [r for r in rows if r.peer_id == sent.peer_id]
        summary.append(
            {
                "peer": sent.peer.name,
                "delivered": sent.state == Outbound.State.DELIVERED,
                "acknowledged": len(acks),
                "recipients": max((r.peer_recipients for r in acks), default=None),
                "rows": acks,
            }
        )
    return summary


def outbox_pending() -> Any:
    """Messages not yet delivered (for the operations view and the CLI)."""
    return Outbound.objects.filter(~Q(state=Outbound.State.DELIVERED)).select_related("peer")


# --- for the command line (which imports no Django itself) ------------------------------------


def _django_language(language: str) -> str:
    return "zh-hans" if language.lower().startswith("zh") else "en"


def peer_configure_for_cli(
    *,
    name: str,
    url: str,
    public_keys: list[str],
    stand_in_id: int,
    enabled: bool,
    language: str,
) -> tuple[Peer | None, list[str]]:
    """:func:`peer_configure` for ``tianping federation peer``: the peer, or why not (texts in
    ``language``); ``(None, [])`` when no organisation has ``stand_in_id``."""
    organisation = Organisation.objects.filter(pk=stand_in_id).first()
    if organisation is None:
        return None, []
    with translation.override(_django_language(language)):
        try:
            return (
                peer_configure(
                    name=name,
                    url=url,
                    public_keys=public_keys,
                    stand_in=organisation,
                    enabled=enabled,
                ),
                [],
            )
        except ValidationError as error:
            return None, [str(m) for m in error.messages]


def outbox_rows(language: str) -> list[dict[str, Any]]:
    """The messages not yet delivered, each with its kind and state as ``language`` reads them."""
    with translation.override(_django_language(language)):
        return [
            {
                "message_id": str(row.message_id),
                "peer": row.peer.name,
                "kind": row.kind,
                "kind_label": str(row.get_kind_display()),
                "object_id": row.object_id,
                "state": row.state,
                "state_label": str(row.get_state_display()),
                "attempts": row.attempts,
                "next_attempt_at": row.next_attempt_at.isoformat(),
                "last_error": row.last_error,
            }
            for row in outbox_pending()
        ]
