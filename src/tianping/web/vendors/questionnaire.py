"""The advice-06 vendor questionnaire and its risk rule, read from ``data/questionnaire.yaml``.

The questions and the rule are data: each answer scores points, a critical
question answered badly makes the supplier high risk, and otherwise the total
decides (``low`` / ``medium`` / ``high``). :func:`rate` returns the rating with
its reasons, in both languages.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tianping import yamlsafe
from tianping.text import LocalizedText

QUESTIONNAIRE_FILE = Path(__file__).resolve().parent / "data" / "questionnaire.yaml"
ANSWERS = ("yes", "partly", "no", "unknown")
LEVELS = ("low", "medium", "high")

_TEXT = {
    "type": "object",
    "required": ["zh-Hans", "en"],
    "additionalProperties": False,
    "properties": {
        "zh-Hans": {"type": "string", "minLength": 1},
        "en": {"type": "string", "minLength": 1},
    },
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "source", "questions", "rating"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string"},
        "source": _TEXT,
        "questions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "critical", "text"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$"},
                    "critical": {"type": "boolean"},
                    "text": _TEXT,
                },
            },
        },
        "rating": {
            "type": "object",
            "required": ["points", "critical_answers", "levels"],
            "additionalProperties": False,
            "properties": {
                "points": {
                    "type": "object",
                    "required": list(ANSWERS),
                    "additionalProperties": False,
                    "properties": {a: {"type": "integer", "minimum": 0} for a in ANSWERS},
                },
                "critical_answers": {"type": "array", "items": {"enum": list(ANSWERS)}},
                "levels": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["level", "at_least"],
                        "additionalProperties": False,
                        "properties": {
                            "level": {"enum": ["medium", "high"]},
                            "at_least": {"type": "integer", "minimum": 1},
                        },
                    },
                },
            },
        },
    },
}

_ANSWER_WORDS = {
    "yes": LocalizedText(zh="是", en="yes"),
    "partly": LocalizedText(zh="部分", en="partly"),
    "no": LocalizedText(zh="否", en="no"),
    "unknown": LocalizedText(zh="未知", en="unknown"),
}
_LEVEL_WORDS = {
    "low": LocalizedText(zh="低", en="low"),
    "medium": LocalizedText(zh="中", en="medium"),
    "high": LocalizedText(zh="高", en="high"),
}


@dataclass(frozen=True)
class Question:
    id: str
    critical: bool
    text: LocalizedText


@dataclass(frozen=True)
class Questionnaire:
    version: str
    source: LocalizedText
    questions: tuple[Question, ...]
    points: Mapping[str, int]
    critical_answers: frozenset[str]
    levels: tuple[tuple[str, int], ...]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class RiskRating:
    """A rating (``low``, ``medium``, ``high``), its points and why, in both languages."""

    level: str
    points: int
    reasons: tuple[LocalizedText, ...]


def parse_questionnaire(text: str, *, source: str = "<string>") -> Questionnaire:
    """A :class:`Questionnaire` from YAML text; a bad document is a ``yamlsafe.DataFileError``."""
    document = yamlsafe.load(text, source=source, schema=SCHEMA, dates_as_text=True)
    ids = [q["id"] for q in document["questions"]]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise yamlsafe.DataFileError(
            source, f"question id {duplicates[0]!r} appears more than once"
        )
    levels = sorted(
        ((entry["level"], entry["at_least"]) for entry in document["rating"]["levels"]),
        key=lambda pair: -pair[1],
    )
    return Questionnaire(
        version=document["version"],
        source=LocalizedText.from_json(document["source"]),
        questions=tuple(
            Question(id=q["id"], critical=q["critical"], text=LocalizedText.from_json(q["text"]))
            for q in document["questions"]
        ),
        points=dict(document["rating"]["points"]),
        critical_answers=frozenset(document["rating"]["critical_answers"]),
        levels=tuple(levels),
    )


@functools.cache
def questionnaire() -> Questionnaire:
    """The shipped questionnaire."""
    return parse_questionnaire(
        QUESTIONNAIRE_FILE.read_text("utf-8"), source=QUESTIONNAIRE_FILE.name
    )


def rate(answers: Mapping[str, str], form: Questionnaire | None = None) -> RiskRating:
    """The risk rating of a supplier whose answers are ``answers`` (question id → answer).

    Questions not answered count as ``unknown``; answers to questions the
    questionnaire no longer asks are ignored.
    """
    form = form or questionnaire()
    total = 0
    reasons: list[LocalizedText] = []
    critical: list[Question] = []
    for question in form.questions:
        answer = answers.get(question.id, "unknown")
        if answer not in form.points:
            answer = "unknown"
        points = form.points[answer]
        total += points
        word = _ANSWER_WORDS[answer]
        if points:
            reasons.append(
                LocalizedText(
                    zh=f"“{question.text.zh}”答案为“{word.zh}”：{points} 分",
                    en=f"“{question.text.en}” answered {word.en}: {points} points",
                )
            )
        if question.critical and answer in form.critical_answers:
            critical.append(question)
    if critical:
        level = "high"
        for question in critical:
            reasons.append(
                LocalizedText(
                    zh=f"关键问题“{question.text.zh}”答案不合格，评为高风险",
                    en=f"critical question “{question.text.en}” failed: high risk",
                )
            )
    else:
        level = next((name for name, floor in form.levels if total >= floor), "low")
    floors = "; ".join(f"{_LEVEL_WORDS[n].en} ≥ {f}" for n, f in form.levels)
    floors_zh = "；".join(f"{_LEVEL_WORDS[n].zh} ≥ {f}" for n, f in form.levels)
    reasons.append(
        LocalizedText(
            zh=f"合计 {total} 分（{floors_zh}）：{_LEVEL_WORDS[level].zh}风险",
            en=f"{total} points in all ({floors}): {_LEVEL_WORDS[level].en} risk",
        )
    )
    return RiskRating(level=level, points=total, reasons=tuple(reasons))
