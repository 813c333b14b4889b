"""The intake summary: one AI system's particulars, answers and risk tier on paper.

Inputs are JSON-like mappings, not classes, so the CLI and the web layer can
both call these functions without sharing types:

``system``
    ``{"name": str, "organisation", "purpose", "sector", "owner",
    "lifecycle_stage", "model_version", "deployment_context",
    "people_affected": str, "markets", "export_destinations": [str],
    "components": [{"name", "vendor"}], "datasets": [{"name", "source"}]}``.
    Only ``name`` is required; a missing key prints as "—". Other keys are
    ignored.
``result``
    The bilingual JSON of a tier result (``TierResult.to_json()`` in
    :mod:`tianping.tiering`): ``tier``, ``expert_review_required``, ``score``
    (``raw_impact``, ``mitigation_credit``, ``final``, ``max_raw``, ``bands``;
    ``mitigation_percent`` and ``band_tier`` when present), ``reasons`` (each
    sentence under ``text`` or ``explanation``), ``obligations``,
    ``questionnaire_version`` and ``override`` (``computed_tier`` beside it or
    inside it). ``bands`` is a list of ``{"tier", "min", "max"}`` or a mapping of
    tier to the score its band starts at. Optional extras print the answer
    table: ``answers`` (``{question_id: value}``), ``questions``
    (``{question_id: {"zh-Hans", "en"}}`` labels) and ``choices``
    (``{question_id: {choice_id: {"zh-Hans", "en"}}}`` labels for choice answers).

Inputs are checked before anything is rendered; a shape the report cannot
print faithfully is a :class:`~tianping.reports.ReportError`, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from numbers import Real
from typing import Any, Final

from tianping.reports._errors import ReportError
from tianping.reports._fonts import DEFAULT_FONT_CHECK, FontCheck
from tianping.reports._render import TIER_MESSAGES, html_to_pdf, render_html
from tianping.text import LocalizedText

TEMPLATE: Final = "intake_summary.html"

SYSTEM_TEXT_FIELDS: Final = (
    "organisation",
    "purpose",
    "sector",
    "owner",
    "lifecycle_stage",
    "model_version",
    "deployment_context",
    "people_affected",
)
SYSTEM_LIST_FIELDS: Final = ("markets", "export_destinations")

NOT_A_MAPPING = "{what} must be a mapping (a JSON object), got {kind}"
NOT_A_LIST = "{what} must be a list, got {kind}"
SYSTEM_NAME_MISSING = "the system needs a 'name': a non-empty string"
NOT_TEXT = (
    "{what} must be text, got {kind} {value!r} (in YAML, put values such as "
    "version numbers in quotes)"
)
RESULT_KEY_MISSING = "the tier result has no {key!r}; pass the JSON of a tier result"
RESULT_BAD_TIER = "{what} is {tier!r}; expected one of low, medium, high"
RESULT_NOT_BOOL = "{what} must be true or false, got {value!r}"
RESULT_NOT_NUMBER = "{what} must be a number, got {value!r}"
RESULT_NOT_LOCALIZED = (
    "{what} must be a text in both languages ({{'zh-Hans': …, 'en': …}}) or a string"
)


def _kind(value: object) -> str:
    return type(value).__name__


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ReportError(NOT_A_MAPPING.format(what=what, kind=_kind(value)))
    return value


def _list(value: object, what: str) -> Sequence[Any]:
    if value is None:
        return []
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise ReportError(NOT_A_LIST.format(what=what, kind=_kind(value)))
    return value


def _text(value: object, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReportError(NOT_TEXT.format(what=what, kind=_kind(value), value=value))
    return value


def _localized(value: object, what: str) -> LocalizedText | str | None:
    if value is None or isinstance(value, str):
        return value
    try:
        return LocalizedText.from_json(value)
    except (TypeError, ValueError) as exc:
        raise ReportError(RESULT_NOT_LOCALIZED.format(what=what)) from exc


def _tier(value: object, what: str) -> str:
    if not isinstance(value, str) or value not in TIER_MESSAGES:
        raise ReportError(RESULT_BAD_TIER.format(what=what, tier=value))
    return value


def _bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise ReportError(RESULT_NOT_BOOL.format(what=what, value=value))
    return value


def _number(value: object, what: str, *, optional: bool = False) -> Real | Decimal | None:
    """A number (``Decimal`` too, as the web layer's models give); never a bool."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise ReportError(RESULT_NOT_NUMBER.format(what=what, value=value))
    return value


def _required(result: Mapping[str, Any], key: str) -> Any:
    if key not in result:
        raise ReportError(RESULT_KEY_MISSING.format(key=key))
    return result[key]


# -- system -------------------------------------------------------------------------------


def _named_items(value: object, what: str, detail: str) -> list[dict[str, str | None]]:
    items = []
    for index, item in enumerate(_list(value, what)):
        entry = _mapping(item, f"{what}[{index}]")
        items.append(
            {
                "name": _text(entry.get("name"), f"{what}[{index}].name"),
                detail: _text(entry.get(detail), f"{what}[{index}].{detail}"),
            }
        )
    return items


def system_view(system: Mapping[str, object]) -> dict[str, Any]:
    """Check ``system`` and give the template its fields, every one present."""
    system = _mapping(system, "the system")
    name = system.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ReportError(SYSTEM_NAME_MISSING)
    view: dict[str, Any] = {"name": name}
    for key in SYSTEM_TEXT_FIELDS:
        view[key] = _text(system.get(key), f"system.{key}")
    for key in SYSTEM_LIST_FIELDS:
        raw = system.get(key)
        items = [raw] if isinstance(raw, str) else _list(raw, f"system.{key}")
        view[key] = [_text(item, f"system.{key}[{i}]") for i, item in enumerate(items)]
    view["components"] = _named_items(system.get("components"), "system.components", "vendor")
    view["datasets"] = _named_items(system.get("datasets"), "system.datasets", "source")
    return view


# -- result -------------------------------------------------------------------------------


Label = LocalizedText | str
Questions = dict[str, Label | None]
Choices = dict[str, dict[str, Label]]


def _choice_labels(result: Mapping[str, Any]) -> Choices:
    labels: Choices = {}
    for question, choices in _mapping(result.get("choices") or {}, "result.choices").items():
        labels[str(question)] = {}
        for choice, label in _mapping(choices, f"result.choices.{question}").items():
            text = _localized(label, f"result.choices.{question}.{choice}")
            if text is not None:
                labels[str(question)][str(choice)] = text
    return labels


def _answer_display(question: str, answer: object, choices: Choices) -> object:
    """The answer with choice ids replaced by their labels, where labels were given."""
    labels = choices.get(question, {})
    if isinstance(answer, str) and answer in labels:
        return labels[answer]
    if isinstance(answer, Sequence) and not isinstance(answer, str | bytes):
        return [labels.get(item, item) if isinstance(item, str) else item for item in answer]
    return answer


def _bands(bands: object) -> list[dict[str, Any]]:
    """Bands as rows of ``tier`` (or ``key``), ``min`` and ``max`` (or a free ``value``).

    Accepts a list of ``{"tier", "min", "max"}`` (``max`` absent or null: open) or a
    mapping of tier to the score where its band starts.
    """
    rows: list[dict[str, Any]] = []
    if isinstance(bands, Mapping):
        for key, value in bands.items():
            is_number = isinstance(value, Real | Decimal) and not isinstance(value, bool)
            rows.append(
                {
                    "key": key,
                    "min": value if is_number else None,
                    "max": None,
                    "value": None if is_number else value,
                }
            )
    else:
        for index, band in enumerate(_list(bands, "result.score.bands")):
            entry = _mapping(band, f"result.score.bands[{index}]")
            where = f"result.score.bands[{index}]"
            rows.append(
                {
                    "key": entry.get("tier"),
                    "min": _number(entry.get("min"), f"{where}.min"),
                    "max": _number(entry.get("max"), f"{where}.max", optional=True),
                    "value": None,
                }
            )
    for row in rows:
        key = row["key"]
        row["tier"] = key if isinstance(key, str) and key in TIER_MESSAGES else None
    return rows


def _reason(raw: object, index: int, questions: Questions, choices: Choices) -> dict[str, Any]:
    where = f"result.reasons[{index}]"
    reason = _mapping(raw, where)
    question = reason.get("question")
    question_id = question if isinstance(question, str) else ""
    floor = _text(reason.get("floor"), f"{where}.floor")
    # The contract names the sentence "text"; TierResult.to_json() writes "explanation".
    text = reason.get("text", reason.get("explanation"))
    return {
        "kind": _text(reason.get("kind"), f"{where}.kind"),
        "question": question,
        "question_label": questions.get(question_id),
        "answer": _answer_display(question_id, reason.get("answer"), choices),
        "points": _number(reason.get("points"), f"{where}.points", optional=True),
        "credit_percent": _number(
            reason.get("credit_percent"), f"{where}.credit_percent", optional=True
        ),
        "floor": floor,
        "floor_is_tier": floor in TIER_MESSAGES,
        "rule": _text(reason.get("rule"), f"{where}.rule"),
        "text": _localized(text, f"{where}.text"),
    }


def _obligation(raw: object, index: int) -> dict[str, Any]:
    where = f"result.obligations[{index}]"
    obligation = _mapping(raw, where)
    return {
        "id": _text(obligation.get("id"), f"{where}.id"),
        "text": _localized(obligation.get("text"), f"{where}.text"),
        "why": _localized(obligation.get("why"), f"{where}.why"),
        "source": _text(obligation.get("source"), f"{where}.source"),
    }


def _override(raw: object, result: Mapping[str, Any]) -> dict[str, Any] | None:
    if raw is None:
        return None
    entry = _mapping(raw, "result.override")
    at = entry.get("at")
    floor = entry.get("floor")
    # The contract puts computed_tier beside the override; TierResult.to_json() inside it.
    computed = result.get("computed_tier", entry.get("computed_tier"))
    return {
        "tier": _tier(entry.get("tier"), "result.override.tier"),
        "computed_tier": None if computed is None else _tier(computed, "result.computed_tier"),
        "justification": _text(entry.get("justification"), "result.override.justification"),
        "by": _text(entry.get("by"), "result.override.by"),
        "at": at.isoformat() if isinstance(at, date) else _text(at, "result.override.at"),
        "below_floor": _bool(entry.get("below_floor", False), "result.override.below_floor"),
        "floor": None if floor is None else _tier(floor, "result.override.floor"),
    }


def _answers(result: Mapping[str, Any], questions: Questions, choices: Choices) -> Any:
    if result.get("answers") is None:
        return None
    given = _mapping(result["answers"], "result.answers")
    order = [*questions, *(str(key) for key in given if str(key) not in questions)]
    return [
        {
            "question": question,
            "label": questions.get(question),
            "answer": _answer_display(question, given.get(question), choices),
        }
        for question in order
    ]


def result_view(result: Mapping[str, object]) -> dict[str, Any]:
    """Check ``result`` and give the template its fields, every one present."""
    result = _mapping(result, "the tier result")
    raw_score = _mapping(_required(result, "score"), "result.score")
    score: dict[str, Any] = {
        key: _number(_required(raw_score, key), f"result.score.{key}")
        for key in ("raw_impact", "max_raw", "mitigation_credit", "final")
    }
    score["mitigation_percent"] = _number(
        raw_score.get("mitigation_percent"), "result.score.mitigation_percent", optional=True
    )
    band_tier = raw_score.get("band_tier")
    score["band_tier"] = None if band_tier is None else _tier(band_tier, "result.score.band_tier")
    score["bands"] = _bands(raw_score.get("bands"))

    questions: Questions = {
        str(key): _localized(label, f"result.questions.{key}")
        for key, label in _mapping(result.get("questions") or {}, "result.questions").items()
    }
    choices = _choice_labels(result)
    reasons = _list(_required(result, "reasons"), "result.reasons")
    obligations = _list(_required(result, "obligations"), "result.obligations")
    return {
        "tier": _tier(_required(result, "tier"), "result.tier"),
        "expert_review_required": _bool(
            _required(result, "expert_review_required"), "result.expert_review_required"
        ),
        "score": score,
        "reasons": [_reason(raw, i, questions, choices) for i, raw in enumerate(reasons)],
        "obligations": [_obligation(raw, i) for i, raw in enumerate(obligations)],
        "questionnaire_version": _text(
            _required(result, "questionnaire_version"), "result.questionnaire_version"
        ),
        "override": _override(_required(result, "override"), result),
        "answers": _answers(result, questions, choices),
    }


# -- public -------------------------------------------------------------------------------


def intake_summary_html(
    *,
    system: Mapping[str, object],
    result: Mapping[str, object],
    language: str,
    generated_at: datetime | None = None,
) -> str:
    """The intake summary of one AI system as an HTML document.

    Parameters
    ----------
    system
        The system's particulars; only ``"name"`` is required (see the module
        docstring for the keys).
    result
        The bilingual JSON of a tier result, optionally with ``answers``,
        ``questions`` and ``choices`` for the answer table.
    language
        ``"zh-Hans"``, ``"en"`` or ``"both"`` (side by side, Chinese first).
    generated_at
        The timestamp in the header; timezone-aware. Default: now, UTC.

    Returns
    -------
    str
        A complete HTML document with its print stylesheet inline.

    Raises
    ------
    ReportError
        If ``system`` or ``result`` does not follow the contract, or the
        language is not one Tianping ships.

    Examples
    --------
    >>> result = {
    ...     "tier": "high", "expert_review_required": True, "questionnaire_version": "2026.1",
    ...     "score": {"raw_impact": 30, "max_raw": 80, "mitigation_credit": 4, "final": 26,
    ...               "bands": {"low": 0, "medium": 10, "high": 22}},
    ...     "reasons": [], "obligations": [], "override": None,
    ... }
    >>> html = intake_summary_html(system={"name": "智能信贷评分"}, result=result,
    ...                            language="zh-Hans")
    >>> "智能信贷评分" in html and "高风险" in html
    True
    """
    context = {"system": system_view(system), "result": result_view(result)}
    return render_html(TEMPLATE, context, language=language, generated_at=generated_at)


def intake_summary_pdf(
    *,
    system: Mapping[str, object],
    result: Mapping[str, object],
    language: str,
    generated_at: datetime | None = None,
    font_check: FontCheck = DEFAULT_FONT_CHECK,
) -> bytes:
    """The intake summary of one AI system as a PDF, Chinese fonts embedded.

    Parameters
    ----------
    system, result, language, generated_at
        As for :func:`intake_summary_html`.
    font_check
        The fonts to require before printing (see :class:`FontCheck`).

    Returns
    -------
    bytes
        The PDF file.

    Raises
    ------
    ReportError
        For input outside the contract, or when no Chinese font is installed.
    """
    html = intake_summary_html(
        system=system, result=result, language=language, generated_at=generated_at
    )
    return html_to_pdf(html, font_check=font_check)


__all__ = ["intake_summary_html", "intake_summary_pdf", "result_view", "system_view"]
