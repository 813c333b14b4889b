"""Bilingual text: every user-facing string the library's data carries.

Tianping ships Simplified Chinese (``zh-Hans``) and English (``en``). Data files
(the catalogue, the questionnaire) hold both renderings side by side; code asks
for one with :meth:`LocalizedText.get`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Language = Literal["zh-Hans", "en"]
LANGUAGES: tuple[Language, ...] = ("zh-Hans", "en")
DEFAULT_LANGUAGE: Language = "zh-Hans"


def normalise_language(code: str | None) -> Language:
    """Map a language code (``zh``, ``zh-cn``, ``zh_Hans``, ``en-GB`` …) to one we ship."""
    if not code:
        return DEFAULT_LANGUAGE
    lowered = code.replace("_", "-").lower()
    if lowered.startswith("zh"):
        return "zh-Hans"
    if lowered.startswith("en"):
        return "en"
    raise ValueError(f"unsupported language {code!r}; use one of {', '.join(LANGUAGES)}")


@dataclass(frozen=True, slots=True)
class LocalizedText:
    """A string in Simplified Chinese and English."""

    zh: str
    en: str

    def __post_init__(self) -> None:
        if not isinstance(self.zh, str) or not isinstance(self.en, str):
            raise TypeError("LocalizedText needs two strings")
        if not self.zh.strip() or not self.en.strip():
            raise ValueError("LocalizedText needs both a Chinese and an English text")

    def get(self, language: str | None = None) -> str:
        """The text in ``language`` (default Simplified Chinese)."""
        return self.en if normalise_language(language) == "en" else self.zh

    def to_json(self) -> dict[str, str]:
        return {"zh-Hans": self.zh, "en": self.en}

    @classmethod
    def from_json(cls, data: Any) -> LocalizedText:
        """Read ``{"zh-Hans": …, "en": …}`` (``zh`` is accepted for ``zh-Hans``)."""
        if not isinstance(data, dict):
            raise TypeError("bilingual text must be a mapping with 'zh-Hans' and 'en'")
        zh = data.get("zh-Hans", data.get("zh"))
        return cls(zh=zh, en=data.get("en"))  # type: ignore[arg-type]


def render(template: LocalizedText, language: str | None, params: Mapping[str, object]) -> str:
    """``template`` in ``language``, filled; bilingual parameters are taken in that language too.

    >>> render(LocalizedText(zh="共 {n} 项", en="{n} items"), "en", {"n": 3})
    '3 items'
    """
    values = {
        key: value.get(language) if isinstance(value, LocalizedText) else value
        for key, value in params.items()
    }
    return template.get(language).format(**values)


def localized(template: LocalizedText, **params: object) -> LocalizedText:
    """``template`` filled in both languages."""
    return LocalizedText(zh=render(template, "zh-Hans", params), en=render(template, "en", params))


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Language",
    "LocalizedText",
    "localized",
    "normalise_language",
    "render",
]
