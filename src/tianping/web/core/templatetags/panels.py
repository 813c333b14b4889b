"""``{% panels "slot" object %}``: the panels other apps registered for a slot of this page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from tianping.web.core import panels as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: dict[str, Any], slot: str, obj: Any) -> SafeString:
    return registry.render(slot, context.get("request"), obj)
