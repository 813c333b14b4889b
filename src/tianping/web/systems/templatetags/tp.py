"""Template helpers: pick the current language from bilingual data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import template
from django.utils.translation import get_language

if TYPE_CHECKING:
    from django.db.models import Field

from tianping.text import normalise_language

register = template.Library()


@register.filter
def loc(value: Any) -> Any:
    """``{"zh-Hans": …, "en": …}`` → the text in the active language; other values unchanged."""
    if isinstance(value, dict) and ("zh-Hans" in value or "en" in value):
        language = normalise_language(get_language())
        return value.get(language) or value.get("zh-Hans") or value.get("en")
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


def _language() -> str:
    return normalise_language(get_language())


@register.filter
def term(value: Any, kind: str) -> str:
    """A catalogue code (``stage``, ``tier``, ``evidence_type``) → its name in the active language.

    A list of codes gives the names joined by commas.
    """
    from tianping.norms import NotInCatalogueError, load_catalogue

    look_up = getattr(load_catalogue(), kind)
    codes = value if isinstance(value, list | tuple) else [value]
    names = []
    for code in codes:
        try:
            names.append(look_up(code).name.get(_language()))
        except NotInCatalogueError:
            names.append(str(code))
    return ", ".join(names)


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
def field_label(name: str) -> str:
    """A history entry's field name → the field's verbose name."""
    from django.core.exceptions import FieldDoesNotExist

    from tianping.web.systems.models import AISystem

    try:
        # History entries name AISystem's own (concrete) fields, never a reverse relation.
        field = cast("Field[Any, Any]", AISystem._meta.get_field(name))
        return str(field.verbose_name)
    except FieldDoesNotExist:
        return name
