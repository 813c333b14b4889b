"""Template helpers: pick the current language from bilingual data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import template
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models import Field

from tianping.text import normalise_language

register = template.Library()

HISTORY_FIELDS = {
    "tier": _("Tier"),
    "expert_review_required": _("Expert re-review required"),
    "justification": _("Justification"),
    "note": _("Note"),
    "language": _("Language"),
}
"""History entries' names that are not fields of the AI system (intake and report events)."""


def _short(value: Any) -> str:
    if isinstance(value, list):
        return (
            ", ".join(str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value)
            or "∅"
        )
    if value in (None, ""):
        return "∅"
    return str(value)[:120]


def _named(value: Any, name: str) -> Any:
    """A recorded value of the history field ``name``, as a person reads it."""
    from tianping.web.systems.models import AISystem, Market, Tier

    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "tier" and value in Tier.values:
        return Tier(value).label
    if name == "language":
        return dict(settings.LANGUAGES).get(str(value).lower(), value)
    if name == "markets" and isinstance(value, list):
        labels = dict(Market.choices)
        return [labels.get(code, code) for code in value]
    try:
        choices = dict(AISystem._meta.get_field(name).flatchoices)  # type: ignore[union-attr]
    except (FieldDoesNotExist, AttributeError, TypeError):
        return value
    return choices.get(value, value) if isinstance(value, str) else value


@register.filter
def change(value: Any, name: str = "") -> str:
    """A history entry's change of field ``name``: ``old → new`` or the recorded value,
    stored codes and yes/no named in the active language."""
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        return f"{_short(_named(value['from'], name))} → {_short(_named(value['to'], name))}"
    return _short(_named(value, name))


def _language() -> str:
    return normalise_language(get_language())


@register.filter
def market_labels(codes: Any) -> str:
    from tianping.web.systems.models import Market

    if not codes:
        return "—"
    labels = dict(Market.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes)


@register.filter
def answer_rows(answers: Any) -> list[tuple[str, str]]:
    """(question, answer) in the active language, in questionnaire order."""
    from tianping.tiering import load_questionnaire

    language = _language()
    rows = []
    for question in load_questionnaire().questions:
        if question.id in answers:
            rows.append(
                (
                    question.label.get(language),
                    question.answer_label(answers[question.id], language),
                )
            )
    return rows


@register.filter
def floor_texts(rules: Any) -> list[str]:
    """Floor ids → what each floor says, in the active language (an unknown id as it is)."""
    from tianping.tiering import load_questionnaire

    scoring = load_questionnaire().scoring
    texts = []
    for rule in rules if isinstance(rules, list | tuple) else []:
        try:
            texts.append(scoring.floor(str(rule)).explanation.get(_language()))
        except KeyError:
            texts.append(str(rule))
    return texts


@register.filter
def field_label(name: str) -> str:
    """A history entry's field name → the field's verbose name."""
    from tianping.web.systems.models import AISystem

    if name in HISTORY_FIELDS:
        return str(HISTORY_FIELDS[name])
    try:
        # History entries name AISystem's own (concrete) fields, never a reverse relation.
        field = cast("Field[Any, Any]", AISystem._meta.get_field(name))
        return str(field.verbose_name)
    except FieldDoesNotExist:
        return name
