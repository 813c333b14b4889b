"""Template helpers of operations: monitors, thresholds and incidents by name, not by code."""

from __future__ import annotations

from django import template

from tianping.web.operations import monitors
from tianping.web.operations.models import Incident

register = template.Library()


@register.filter
def monitor_name(monitor: str) -> str:
    """``{{ alert.monitor|monitor_name }}``: the monitor's name in the active language."""
    return monitors.monitor_name(monitor)


@register.filter
def threshold_name(key: str) -> str:
    """``{{ name|threshold_name }}``: a playbook threshold's monitor and field, by name."""
    return monitors.threshold_name(key)


@register.filter
def incident_title(incident: Incident) -> str:
    """``{{ incident|incident_title }}``: what failed, in the active language."""
    return monitors.incident_title(incident)
