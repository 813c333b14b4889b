"""Events the risk network announces (see :mod:`tianping.web.core.events`): apps above subscribe."""

from __future__ import annotations

from dataclasses import dataclass

from tianping.web.core.events import event


@event("network.warning_acknowledged")
@dataclass(frozen=True)
class WarningAcknowledged:
    """An organisation acknowledged an early warning (one recipient row)."""

    warning_id: int
    recipient_id: int
