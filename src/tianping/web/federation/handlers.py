"""Handlers of the risk network's events: an acknowledgement travels back to the issuer."""

from __future__ import annotations

from tianping.web.federation.services import acknowledgement_queue
from tianping.web.network.events import WarningAcknowledged


def warning_acknowledged(event: WarningAcknowledged) -> None:
    """Queue the acknowledgement for the peer the warning came from (none for a local one;
    the periodic pass queues any this handler missed)."""
    acknowledgement_queue(event.recipient_id)
