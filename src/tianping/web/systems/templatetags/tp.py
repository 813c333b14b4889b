"""Template helpers: pick the current language from bilingual data."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from tianping.text import normalise_language

register = template.Library()


@register.filter
def loc(value: Any) -> Any:
    """``{"zh-Hans": …, "en": …}`` → the text in the active language; other values unchanged."""
    if isinstance(value, dict) and ("zh-Hans" in value or "en" in value):
        language = normalise_language(get_language())
        return value.get(language) or value.get("zh-Hans") or value.get("en")
    return value


@register.filter
def answer(value: Any) -> Any:
    """Render an intake answer readably."""
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def _short(value: Any) -> str:
    if isinstance(value, list):
        return (
            ", ".join(str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value)
            or "∅"
        )
    if value in (None, ""):
        return "∅"
    return str(value)[:120]


@register.filter
def change(value: Any) -> str:
    """A history entry's change: ``old → new`` or the recorded value."""
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        return f"{_short(value['from'])} → {_short(value['to'])}"
    return _short(value)
