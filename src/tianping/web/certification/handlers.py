"""Handlers of events that put certificates under surveillance.

Subscribed in :class:`~tianping.web.certification.apps.CertificationConfig`; each runs as a
background task after the announcing transaction commits: an incident or a monitor alert on a
system, or the withdrawal of the certificate of a component a system is built on, opens a
surveillance case on the system's live certificates.
"""

from __future__ import annotations

from tianping.web.certification import selectors, services
from tianping.web.certification.events import CertificateWithdrawn
from tianping.web.certification.models import Certificate, SurveillanceCase
from tianping.web.operations.events import AlertOpened, IncidentOpened
from tianping.web.systems.models import AISystem

Trigger = SurveillanceCase.Trigger


def _open(system_id: int, trigger: str, reference: str) -> None:
    system = AISystem.objects.filter(pk=system_id).first()
    if system is not None:
        services.surveillance_open(system=system, trigger=trigger, reference=reference)


def on_incident(event: IncidentOpened) -> None:
    _open(event.system_id, Trigger.INCIDENT, f"incident:{event.incident_id}")


def on_alert(event: AlertOpened) -> None:
    _open(event.system_id, Trigger.ALERT, f"alert:{event.alert_id}")


def on_certificate_withdrawn(event: CertificateWithdrawn) -> None:
    """Every system holding a live certificate whose AI-BOM names the withdrawn certificate."""
    live = (Certificate.State.ACTIVE, Certificate.State.SUSPENDED)
    systems = AISystem.objects.filter(
        pk__in=Certificate.objects.filter(state__in=live).values("system")
    )
    for system in systems:
        if any(
            c.certificate_id == event.credential_id for c in selectors.vendor_components(system)
        ):
            services.surveillance_open(
                system=system,
                trigger=Trigger.UPSTREAM,
                reference=f"{event.action}:{event.credential_id}",
                detail={"credential": event.credential_id, "action": event.action},
            )
