"""Checking intake answers against the questionnaire.

Every problem is collected before anything is raised, so one
:class:`IntakeValidationError` lists them all (as the S&T Ethics Review Measures
ask of an incomplete application: all missing items in one notice).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from tianping.text import LocalizedText
from tianping.tiering._errors import NON_FIELD, FieldError, IntakeValidationError
from tianping.tiering._models import Answer, Question, Questionnaire
from tianping.tiering._questionnaire import load_questionnaire
from tianping.tiering.messages import (
    ERR_CONTRADICTION,
    ERR_EMPTY_MULTICHOICE,
    ERR_EXCLUSIVE_CHOICE,
    ERR_NOT_A_MAPPING,
    ERR_NOT_BOOLEAN,
    ERR_NOT_CHOICE,
    ERR_NOT_MULTICHOICE,
    ERR_NOT_TEXT,
    ERR_REQUIRED,
    ERR_REQUIRED_WHEN,
    ERR_TEXT_TOO_LONG,
    ERR_UNKNOWN_CHOICE,
    ERR_UNKNOWN_FIELD,
)

_SHOWN_CHARS = 40


def validate_answers(
    answers: Mapping[str, object], *, questionnaire: Questionnaire | None = None
) -> dict[str, Answer]:
    """Check intake answers and return them cleaned.

    The checks: every key is a question; each answer has its question's type
    (``true``/``false`` for a boolean, one choice id for a choice, a list of
    choice ids for a multichoice, text for text); choices exist; required
    questions are answered; and answers agree with each other — a question
    whose ``requires`` condition does not hold (``sensitive_pi`` when
    ``personal_info`` is false, ``export_markets`` when ``exported`` is false)
    must be left out, and an exclusive choice (``none``) stands alone.

    An answer of ``None`` counts as not given. A question that does not apply
    may still be given a negative answer (``false``, an empty list).

    Parameters
    ----------
    answers
        ``{question id: answer}``, e.g. parsed from YAML or a web form.
    questionnaire
        The questionnaire to check against (default: the built-in one).

    Returns
    -------
    dict
        Every question id of the questionnaire with its cleaned answer, in
        questionnaire order: booleans, choice ids, multichoice lists in the
        questionnaire's choice order without repeats. A question that does not
        apply (or an optional one left out) gets its empty answer: ``False``,
        ``[]``, ``None`` for a choice, ``""`` for text.

    Raises
    ------
    IntakeValidationError
        Listing every problem by field.

    Examples
    --------
    >>> from tianping.tiering import validate_answers
    >>> cleaned = validate_answers({
    ...     "personal_info": False, "affects_rights": False,
    ...     "automated_decisions": ["none"], "public_facing": False, "generative": False,
    ...     "third_party_components": True, "exported": False,
    ...     "listed_activities": ["none"], "scale": "lt_10k", "mitigations": ["monitoring"],
    ... })
    >>> cleaned["sensitive_pi"], cleaned["export_markets"]
    (False, [])
    """
    questionnaire = questionnaire or load_questionnaire()
    if not isinstance(answers, Mapping):
        problem = FieldError(NON_FIELD, ERR_NOT_A_MAPPING, {"got": _shown(answers)})
        raise IntakeValidationError([problem])

    problems = [
        FieldError(str(key), ERR_UNKNOWN_FIELD, {"version": questionnaire.version})
        for key in answers
        if not isinstance(key, str) or key not in questionnaire.question_ids
    ]
    cleaned: dict[str, Answer] = {}
    undecided: set[str] = set()  # questions whose answer had a problem
    for question in questionnaire.questions:
        value, error = _typed(question, answers.get(question.id))
        if error is None and question.requires is not None:
            if undecided.intersection(question.requires.questions()):
                undecided.add(question.id)  # whether it applies cannot be told
                continue
            if not question.requires.holds(cleaned):
                if _is_affirmative(value):
                    error = FieldError(
                        question.id, ERR_CONTRADICTION, {"condition": _condition(question)}
                    )
                else:
                    value = _empty(question)
        if error is None and _is_unanswered(value):
            if question.required and not _is_inapplicable(question, cleaned):
                error = _missing(question, value)
            value = _empty(question)
        if error is not None:
            problems.append(error)
            undecided.add(question.id)
        else:
            cleaned[question.id] = value

    if problems:
        raise IntakeValidationError(problems)
    return cleaned


def _typed(question: Question, given: object) -> tuple[Answer, FieldError | None]:
    """The answer in its question's type, or the problem with it; ``None`` means not given."""
    if given is None:
        return None, None
    choices = ", ".join(question.choice_ids)
    if question.type == "boolean":
        if isinstance(given, bool):
            return given, None
        return None, FieldError(question.id, ERR_NOT_BOOLEAN, {"got": _shown(given)})
    if question.type == "text":
        if not isinstance(given, str):
            return None, FieldError(question.id, ERR_NOT_TEXT, {"got": _shown(given)})
        text = given.strip()
        limit = question.max_length or 0
        if len(text) > limit:
            params = {"length": str(len(text)), "limit": str(limit)}
            return None, FieldError(question.id, ERR_TEXT_TOO_LONG, params)
        return text, None
    if question.type == "choice":
        if not isinstance(given, str):
            params = {"got": _shown(given), "choices": choices}
            return None, FieldError(question.id, ERR_NOT_CHOICE, params)
        if given not in question.choice_ids:
            params = {"choice": _shown(given), "choices": choices}
            return None, FieldError(question.id, ERR_UNKNOWN_CHOICE, params)
        return given, None
    # multichoice
    if not isinstance(given, list | tuple):
        params = {"got": _shown(given), "choices": choices}
        return None, FieldError(question.id, ERR_NOT_MULTICHOICE, params)
    for item in given:
        if not isinstance(item, str) or item not in question.choice_ids:
            params = {"choice": _shown(item), "choices": choices}
            return None, FieldError(question.id, ERR_UNKNOWN_CHOICE, params)
    chosen = [choice for choice in question.choices if choice.id in given]
    for choice in chosen:
        if choice.exclusive and len(chosen) > 1:
            params = {"choice": _shown(choice.id)}
            return None, FieldError(question.id, ERR_EXCLUSIVE_CHOICE, params)
    return [choice.id for choice in chosen], None


def _is_unanswered(value: Answer) -> bool:
    return value is None or value == [] or value == ""


def _is_affirmative(value: Answer) -> bool:
    """Whether an answer says something that only makes sense when its question applies."""
    return value is not None and value is not False and not _is_unanswered(value)


def _is_inapplicable(question: Question, cleaned: Mapping[str, Answer]) -> bool:
    return question.requires is not None and not question.requires.holds(cleaned)


def _empty(question: Question) -> Answer:
    """The answer a question has when it does not apply or is left out."""
    if question.type == "boolean":
        return False
    if question.type == "multichoice":
        return []
    return "" if question.type == "text" else None


def _missing(question: Question, value: Answer) -> FieldError:
    if question.requires is not None:
        return FieldError(question.id, ERR_REQUIRED_WHEN, {"condition": _condition(question)})
    if value == []:
        choices = ", ".join(question.choice_ids)
        return FieldError(question.id, ERR_EMPTY_MULTICHOICE, {"choices": choices})
    return FieldError(question.id, ERR_REQUIRED)


def _condition(question: Question) -> LocalizedText:
    assert question.requires is not None
    return LocalizedText(
        zh=question.requires.describe("zh-Hans"), en=question.requires.describe("en")
    )


def _shown(value: object) -> str:
    """A short, language-neutral rendering of a value for a message (JSON-like)."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, str):
        clipped = value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS] + "…"
        return json.dumps(clipped, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[…]"
    if isinstance(value, Mapping):
        return "{…}"
    return f"<{type(value).__name__}>"
