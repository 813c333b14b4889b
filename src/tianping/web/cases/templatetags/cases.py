"""Case texts and coded values in the active language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tianping.cases import AFFECTED_GROUPS, FACETS, HARMS
from tianping.text import normalise_language

register = template.Library()

VOCABULARIES = {**FACETS, "harms": HARMS, "affected_groups": AFFECTED_GROUPS}


def _language() -> str:
    return normalise_language(get_language() or "zh-Hans")


@register.filter
def case_label(value: Any, vocabulary: str) -> str:
    """A coded value (or a list of them) by its label in the active language."""
    if vocabulary == "year":
        return str(value)
    if value in ("", None, [], ()):
        # An imported incident nobody has coded yet.
        return str(_("not yet classified"))
    labels = VOCABULARIES[vocabulary]
    codes = value if isinstance(value, list | tuple) else [value]
    language = _language()
    separator = "、" if language == "zh-Hans" else ", "
    return separator.join(
        labels[str(code)].get(language) if str(code) in labels else str(code) for code in codes
    )


@register.filter
def case_text(record: Any, name: str) -> str:
    """A case's ``title``, ``summary`` or ``remediation`` in the active language."""
    suffix = "zh" if _language() == "zh-Hans" else "en"
    return str(getattr(record, f"{name}_{suffix}") or getattr(record, f"{name}_en") or "")
