"""The errors :mod:`tianping.privacy` raises; all derive from :class:`TianpingError`.

Their messages are bilingual templates from :mod:`tianping.privacy._messages`.
``str(error)`` is in the error's ``language`` (English unless asked otherwise);
:meth:`PrivacyError.in_language` gives the same error in another language.
A scan does not raise for one bad file: it records why the file was skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Self

from tianping.errors import TianpingError
from tianping.privacy._messages import render
from tianping.text import Language, LocalizedText, normalise_language


class PrivacyError(TianpingError):
    """The base of every error :mod:`tianping.privacy` raises.

    Parameters
    ----------
    template
        The message, with ``{placeholders}`` filled from ``params``.
    language
        The language of ``str(error)`` (default English).
    hint
        How to fix it, in both languages.
    params
        The placeholder values.
    """

    def __init__(
        self,
        template: LocalizedText,
        *,
        language: str | None = "en",
        hint: LocalizedText | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.template = template
        self.params: dict[str, object] = dict(params or {})
        self.hint_text = hint
        self.language: Language = normalise_language(language)
        super().__init__(
            self.localized(self.language),
            hint=None if hint is None else hint.get(self.language),
        )

    def localized(self, language: str | None) -> str:
        """The message in ``language``."""
        return render(self.template, language, self.params)

    def in_language(self, language: str | None) -> Self:
        """The same error with its message and hint in ``language``."""
        return type(self)(self.template, language=language, hint=self.hint_text, params=self.params)


class DetectorError(PrivacyError):
    """Detector definitions are invalid, or an unknown entity or engine was asked for."""


class PrivacyDataError(PrivacyError):
    """The data cannot be used: missing, unreadable, not a table, missing columns, empty."""


class PolicyError(PrivacyError):
    """A de-identification policy is invalid, or its key is missing."""


__all__ = ["DetectorError", "PolicyError", "PrivacyDataError", "PrivacyError"]
