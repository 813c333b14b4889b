"""Template helpers of bias assessments: the card on a system's page, verdict words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.text import capfirst
from django.utils.translation import get_language

from tianping.privacy import pipl_label
from tianping.text import normalise_language
from tianping.web.assessments.bias.results import verdict_name
from tianping.web.assessments.bias.selectors import assessments_of
from tianping.web.assessments.jobs import can_run_assessment

register = template.Library()

CARD_LIMIT = 10


@register.inclusion_tag("assessments/_card.html", takes_context=True)
def bias_assessments_card(context: dict[str, Any], system: Any) -> dict[str, Any]:
    """The "Bias assessments" card of a system: recent assessments, and a start link for editors."""
    user = context["request"].user
    return {
        "system": system,
        "assessments": assessments_of(system)[:CARD_LIMIT],
        "privacy_scans": system.privacy_scans.all()[:CARD_LIMIT],
        "can_run": can_run_assessment(user, system),
    }


@register.filter
def verdict_word(code: str) -> str:
    """A verdict code (``pass`` …) → its word in the active language, capitalised."""
    return capfirst(verdict_name(code, normalise_language(get_language())) or code)


@register.filter
def pipl_word(code: str) -> str:
    """A PIPL class code (``high-risk`` …) → its name in the active language."""
    try:
        return pipl_label(code).get(normalise_language(get_language()))
    except (KeyError, ValueError):
        return code
