"""Events operations announces (see :mod:`tianping.web.core.events`): apps above subscribe."""

from __future__ import annotations

from dataclasses import dataclass

from tianping.web.core.events import event


@event("operations.incident_opened")
@dataclass(frozen=True)
class IncidentOpened:
    """A failing monitor opened an incident on a system."""

    system_id: int
    incident_id: int


@event("operations.alert_opened")
@dataclass(frozen=True)
class AlertOpened:
    """A monitor opened a new alert (warning or failure) on a system."""

    system_id: int
    alert_id: int
