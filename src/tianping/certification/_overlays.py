"""Destination overlays: the extra obligations a destination's law puts on an exported system.

Each ``data/overlays/*.yaml`` file is one law of one destination, versioned, read by
the strict loader (:mod:`tianping.yamlsafe`) and checked against a schema. An
overlay is marked as the destination's law, never China's, and carries a
confidence mark: ``high`` when the Regulation states the use and the obligations,
``medium`` when mapping a use to it needs a case-by-case reading.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tianping import yamlsafe
from tianping.certification._errors import CertificationError
from tianping.text import LocalizedText

OVERLAYS_DIR = Path(__file__).resolve().parent / "data" / "overlays"
Confidence = Literal["high", "medium", "low"]

_TEXT: dict[str, Any] = {
    "type": "object",
    "required": ["zh-Hans", "en"],
    "additionalProperties": False,
    "properties": {
        "zh-Hans": {"type": "string", "minLength": 1},
        "en": {"type": "string", "minLength": 1},
    },
}
_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "law", "destinations", "obligations", "overlays"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string", "minLength": 1},
        "law": _TEXT,
        "applies_from": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "destinations": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "minLength": 1},
        },
        "obligations": {"type": "array", "items": _TEXT},
        "overlays": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "title", "confidence", "obligations"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9.-]*$"},
                    "title": _TEXT,
                    "confidence": {"enum": ["high", "medium", "low"]},
                    "obligations": {"type": "array", "minItems": 1, "items": _TEXT},
                },
            },
        },
    },
}


class OverlayError(CertificationError):
    """A destination overlay file that cannot be read or breaks the schema."""


def _lang(text: dict[str, str]) -> dict[str, str]:
    return {"zh": text["zh-Hans"], "en": text["en"]}


@dataclass(frozen=True)
class Overlay:
    """One high-risk use under a destination's law, with its obligations in zh and en.

    ``law`` names the destination's law (never China's); ``version`` is the data
    version of the file; ``obligations`` are the law's general obligations for
    the use followed by the use's own.
    """

    code: str
    title: dict[str, str]
    obligations: list[dict[str, str]]
    law: dict[str, str]
    version: str
    confidence: Confidence
    applies_from: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "obligations": self.obligations,
            "law": self.law,
            "version": self.version,
            "confidence": self.confidence,
            "appliesFrom": self.applies_from,
        }


def _key(destination: str) -> str:
    return destination.strip().casefold()


@functools.cache
def _load_all() -> tuple[tuple[frozenset[str], tuple[Overlay, ...]], ...]:
    loaded = []
    for file in sorted(OVERLAYS_DIR.glob("*.yaml")):
        try:
            document = yamlsafe.load_file(file, schema=_SCHEMA, dates_as_text=True)
        except (OSError, UnicodeDecodeError, yamlsafe.DataFileError) as exc:
            raise OverlayError(
                LocalizedText(zh=f"目的地规则文件无效：{exc}", en=str(exc))
            ) from None
        law = _lang(document["law"])
        common = [_lang(text) for text in document["obligations"]]
        overlays = tuple(
            Overlay(
                code=entry["code"],
                title=_lang(entry["title"]),
                obligations=common + [_lang(text) for text in entry["obligations"]],
                law=law,
                version=document["version"],
                confidence=entry["confidence"],
                applies_from=document.get("applies_from"),
            )
            for entry in document["overlays"]
        )
        loaded.append((frozenset(_key(d) for d in document["destinations"]), overlays))
    return tuple(loaded)


def overlays_for(destinations: list[str]) -> list[Overlay]:
    """The overlays of every destination law that covers one of ``destinations``.

    Destinations match case-insensitively by code or name (``EU``, ``DE``,
    ``Germany``, ``德国``); unknown destinations add nothing. Each overlay is
    listed once, in file order.

    >>> [o.code for o in overlays_for(["德国", "Brazil"])][:2]
    ['eu-ai-act.employment', 'eu-ai-act.credit']
    >>> overlays_for(["eu"])[0].law["en"].startswith("EU Artificial Intelligence Act")
    True
    >>> overlays_for([])
    []
    """
    wanted = {_key(d) for d in destinations}
    found: list[Overlay] = []
    for names, overlays in _load_all():
        if names & wanted:
            found.extend(overlays)
    return found


__all__ = ["OVERLAYS_DIR", "Confidence", "Overlay", "OverlayError", "overlays_for"]
