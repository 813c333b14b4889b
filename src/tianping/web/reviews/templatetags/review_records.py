"""Template helpers of ethics review records: the unread-notification count in the nav."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone

from tianping.web.core.notifications import render_notification, unread_count
from tianping.web.core.timezones import DATETIME_FORMAT, format_datetime
from tianping.web.reviews import labels

register = template.Library()


@register.simple_tag(takes_context=True)
def review_unread_count(context: dict[str, Any]) -> int:
    """How many notifications the signed-in user has not read (0 for anonymous)."""

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return unread_count(user)


@register.simple_tag
def render_review_notification(message: str, params: Any) -> str:
    """A stored notification in the active language."""

    return render_notification(message, params if isinstance(params, dict) else {})


@register.filter
def moment(value: Any) -> str:
    """A deadline: ``2026-12-01 18:00`` (platform zone) for a moment, ``2026-12-01`` for a day."""
    if isinstance(value, datetime) and timezone.is_naive(value):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return format_datetime(value)
    return ""


@register.filter
def event_label(kind: str) -> str:
    """The translated name of a timeline event."""
    return labels.event_label(kind)


@register.filter
def code_label(value: str | None) -> str:
    """The translated name of a status, decision, procedure, discipline or tier code."""
    return labels.code_label(value)


@register.filter
def code_labels(values: Any) -> str:
    """Several codes (a member's disciplines …), named in the active language, joined."""
    return labels.code_labels(values or ())


@register.filter
def item_label(kind: str, checklist: Any) -> Any:
    """A requirement item's code → its label in the checklist (bilingual), else the code."""
    for row in checklist or ():
        if row.get("id") == kind:
            return row.get("label")
    return kind
