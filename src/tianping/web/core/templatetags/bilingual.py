"""Template filters every page uses, available without ``{% load %}`` (a template builtin).

- ``value|loc``: bilingual data (``{"zh-Hans": …, "en": …}``) in the active language.
- ``code|term:"stage"``: a catalogue code (``stage``, ``tier``, ``evidence_type``…) by its
  name in the active language.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from tianping.norms import NotInCatalogueError, load_catalogue
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
def term(value: Any, kind: str) -> str:
    """A catalogue code (``stage``, ``tier``, ``evidence_type``) → its name in the active language.

    A list of codes gives the names joined by commas.
    """
    look_up = getattr(load_catalogue(), kind)
    codes = value if isinstance(value, list | tuple) else [value]
    names = []
    for code in codes:
        try:
            names.append(look_up(code).name.get(normalise_language(get_language())))
        except NotInCatalogueError:
            names.append(str(code))
    return ", ".join(names)
