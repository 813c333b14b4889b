"""Handlers of operations' events: an incident or a monitor alert drafts a risk report.

Subscribed in :class:`~tianping.web.network.apps.NetworkConfig`; each runs as a
background task after the announcing transaction commits. The draft waits in the
organisation's list; filing it is one click (:func:`.services.report_submit`).
"""

from __future__ import annotations

from tianping.web.network.services import report_draft_from_alert, report_draft_from_incident
from tianping.web.operations.events import AlertOpened, IncidentOpened
from tianping.web.operations.models import Incident, MonitorAlert


def draft_from_incident(event: IncidentOpened) -> None:
    incident = (
        Incident.objects.select_related("system__organisation").filter(pk=event.incident_id).first()
    )
    if incident is not None:
        report_draft_from_incident(incident)


def draft_from_alert(event: AlertOpened) -> None:
    alert = (
        MonitorAlert.objects.select_related("system__organisation")
        .filter(pk=event.alert_id)
        .first()
    )
    if alert is not None:
        report_draft_from_alert(alert)
