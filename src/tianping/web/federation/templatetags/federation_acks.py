"""The issuer's view of a warning's acknowledgements at peer instances."""

from __future__ import annotations

from typing import Any

from django import template

from tianping.web.federation.services import remote_acknowledgements
from tianping.web.network.models import EarlyWarning

register = template.Library()


@register.inclusion_tag("federation/remote_acknowledgements.html")
def remote_acknowledgements_of(warning: EarlyWarning) -> dict[str, Any]:
    """Each peer the warning was sent to, with the acknowledgements it sent back."""
    return {"peers": remote_acknowledgements(warning)}
