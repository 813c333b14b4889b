"""The root of Tianping's exception tree.

Every error the library raises on purpose derives from :class:`TianpingError`.
Only the CLI's ``main()`` and the web layer's exception handlers turn these
into exit codes or HTTP responses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Self

from tianping.text import Language, LocalizedText, normalise_language, render


class TianpingError(Exception):
    """An error with a message for the user and, optionally, how to fix it."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def diagnostics(self) -> str:
        """The message followed by the hint, ready to print."""
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class LocalizedError(TianpingError):
    """An error whose message and hint are bilingual templates.

    ``str(error)`` is in the error's ``language`` (English unless asked
    otherwise); :meth:`in_language` gives the same error in another language.

    Parameters
    ----------
    template
        The message, with ``{placeholders}`` filled from ``params``.
    language
        The language of ``str(error)`` (default English).
    hint
        How to fix it, in both languages.
    params
        The placeholder values (bilingual values are taken in the message's language).
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
            hint=None if hint is None else self.hint_in(self.language),
        )

    def localized(self, language: str | None) -> str:
        """The message in ``language``."""
        return render(self.template, language, self.params)

    def hint_in(self, language: str | None) -> str | None:
        """The hint in ``language`` (as written: hints take no placeholders here)."""
        return None if self.hint_text is None else self.hint_text.get(language)

    def in_language(self, language: str | None) -> Self:
        """The same error with its message and hint in ``language``."""
        return type(self)(self.template, language=language, hint=self.hint_text, params=self.params)
