"""The errors intake and tiering raise; all derive from :class:`TianpingError`.

Their messages are bilingual templates from :mod:`tianping.tiering.messages`.
``str(error)`` is in the error's ``language`` (English unless asked otherwise);
:meth:`IntakeError.in_language` gives the same error in another language.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Self

from tianping.errors import LocalizedError, TianpingError
from tianping.text import LocalizedText
from tianping.tiering.messages import VALIDATION_HINT, VALIDATION_SUMMARY, render

NON_FIELD = "__all__"
"""The key under which :attr:`IntakeValidationError.errors` files problems of the whole answers."""


class TieringError(TianpingError):
    """The base of every error :mod:`tianping.tiering` raises."""

    def in_language(self, language: str | None) -> Self:
        """The error worded in ``language`` (one without a bilingual message returns itself)."""
        return self


class QuestionnaireError(TieringError):
    """The questionnaire data (questions, scoring, obligations) is not valid.

    Its message is for whoever maintains the data, in English only.
    """


class IntakeError(LocalizedError, TieringError):
    """An error about intake answers or a tier whose message is a bilingual template.

    A :class:`~tianping.errors.LocalizedError` (template, language, hint, params)
    that is also a :class:`TieringError`.
    """


class IntakeDocumentError(IntakeError):
    """An answers document cannot be read: too large, not UTF-8, not YAML/JSON, not a mapping."""


class OverrideError(IntakeError):
    """A tier override lacks a justification, a name or a valid tier."""


class FloorOverrideError(OverrideError):
    """A tier override goes below a floor that may not be overridden.

    ``floor`` is the tier the answers force and ``floors`` the ids of the floors
    that refuse the override; the hint says how to proceed.
    """

    def __init__(
        self,
        template: LocalizedText,
        *,
        language: str | None = "en",
        hint: LocalizedText | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(template, language=language, hint=hint, params=params)
        floors = self.params.get("floors", "")
        self.floors = tuple(str(floors).split(", ")) if floors else ()


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one answer: ``field`` (a question id, or ``__all__``) and its message."""

    field: str
    template: LocalizedText
    params: Mapping[str, str | LocalizedText] = dataclasses.field(default_factory=dict)

    def text(self, language: str | None = "en") -> str:
        """The message in ``language`` (bilingual parameters are rendered in it too)."""
        return render(self.template, language, self.params)


class IntakeValidationError(IntakeError):
    """The answers do not fit the questionnaire.

    Attributes
    ----------
    problems
        Every problem found, in questionnaire order.
    errors
        ``{field: [message, ...]}`` in English; ``errors_localized(language)``
        gives the same in another language. Problems of the answers as a whole
        are filed under ``"__all__"``.

    Examples
    --------
    >>> from tianping.tiering import IntakeValidationError, validate_answers
    >>> try:
    ...     validate_answers({"personal_info": "yes"})
    ... except IntakeValidationError as error:
    ...     print(error.errors["personal_info"])
    ['must be true or false, not "yes"']
    """

    def __init__(self, problems: Sequence[FieldError], *, language: str | None = "en") -> None:
        if not problems:
            raise ValueError("an IntakeValidationError needs at least one problem")
        self.problems = tuple(problems)
        super().__init__(
            VALIDATION_SUMMARY,
            language=language,
            hint=VALIDATION_HINT,
            params={"count": len(self.problems)},
        )

    def localized(self, language: str | None) -> str:
        """The summary and one line per problem, in ``language``."""
        lines = [render(VALIDATION_SUMMARY, language, {"count": len(self.problems)})]
        lines += [f"  - {p.field}: {p.text(language)}" for p in self.problems]
        return "\n".join(lines)

    @property
    def errors(self) -> dict[str, list[str]]:
        """``{field: [message, ...]}`` in English."""
        return self.errors_localized("en")

    def errors_localized(self, language: str | None) -> dict[str, list[str]]:
        """``{field: [message, ...]}`` in ``language``."""
        errors: dict[str, list[str]] = {}
        for problem in self.problems:
            errors.setdefault(problem.field, []).append(problem.text(language))
        return errors

    def in_language(self, language: str | None) -> Self:
        """The same error with its message and hint in ``language``."""
        return type(self)(self.problems, language=language)
