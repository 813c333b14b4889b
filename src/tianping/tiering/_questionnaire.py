"""Loading the questionnaire, its scoring and obligations from YAML, strictly.

The data is checked as it is read — unknown keys, wrong types, references to
questions or choices that do not exist, bands out of order — and any problem is
a :class:`QuestionnaireError` naming where it is (``questions[3].choices[1].id``).
A questionnaire that loads is internally consistent.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import cast

from tianping import yamlsafe
from tianping.text import LocalizedText
from tianping.tiering._errors import QuestionnaireError
from tianping.tiering._models import (
    QUESTION_TYPES,
    TIERS,
    AllOf,
    AnyOf,
    Band,
    Choice,
    Clause,
    Condition,
    Floor,
    Mitigation,
    ObligationRule,
    Question,
    Questionnaire,
    QuestionType,
    ScoringModel,
    Tier,
    TierDefinition,
    tier_rank,
)

DEFAULT_QUESTIONNAIRE = "data/questionnaire.yaml"
"""The built-in questionnaire, relative to the ``tianping.tiering`` package."""

DEFAULT_TEXT_MAX_LENGTH = 2000
"""The longest answer a ``text`` question takes unless its data says otherwise."""

_QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CHOICE_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_RULE_ID = re.compile(r"^[a-z][a-z0-9_.]*$")


def load_questionnaire(path: str | os.PathLike[str] | None = None) -> Questionnaire:
    """Load a questionnaire from YAML (the built-in one when ``path`` is ``None``).

    Results are cached per path, so repeated calls are cheap; a file changed on
    disk is read again only in a new process.

    Parameters
    ----------
    path
        A questionnaire YAML file, e.g. a province's revision.

    Returns
    -------
    Questionnaire
        The questions, scoring and obligations, checked for consistency.

    Raises
    ------
    QuestionnaireError
        If the file cannot be read or the data is not a valid questionnaire.

    Examples
    --------
    >>> from tianping.tiering import load_questionnaire
    >>> questionnaire = load_questionnaire()
    >>> questionnaire.question("sensitive_pi").type
    'boolean'
    >>> questionnaire.question("sensitive_pi").requires.describe("en")
    'personal_info is true'
    """
    key = None if path is None else str(Path(path).resolve())
    return _load_cached(key)


@functools.lru_cache(maxsize=16)
def _load_cached(path: str | None) -> Questionnaire:
    if path is None:
        source = f"tianping.tiering/{DEFAULT_QUESTIONNAIRE}"
        text = (
            resources.files("tianping.tiering").joinpath(DEFAULT_QUESTIONNAIRE).read_text("utf-8")
        )
    else:
        source = path
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QuestionnaireError(f"cannot read questionnaire {source}: {exc}") from exc
    try:
        data = yamlsafe.load(text, source=source)
    except yamlsafe.DataFileError as exc:
        raise QuestionnaireError(f"questionnaire {source} is not valid YAML: {exc.detail}") from exc
    return parse_questionnaire(data, source=source)


def parse_questionnaire(data: object, *, source: str = "<data>") -> Questionnaire:
    """Build a :class:`Questionnaire` from already-parsed data (a mapping as in the YAML).

    Parameters
    ----------
    data
        The document, e.g. from :func:`tianping.yamlsafe.load`.
    source
        Where it came from, for error messages.

    Raises
    ------
    QuestionnaireError
        With the location of the first problem found.

    Examples
    --------
    >>> from importlib import resources
    >>> from tianping import yamlsafe
    >>> from tianping.tiering import parse_questionnaire
    >>> text = resources.files("tianping.tiering").joinpath("data/questionnaire.yaml").read_text()
    >>> parse_questionnaire(yamlsafe.load(text)).version
    '2026.1'
    """
    return _Parser(source).questionnaire(data)


def parse_condition(
    data: object,
    *,
    questionnaire: Questionnaire | None = None,
    source: str = "<data>",
    where: str = "when",
) -> Condition:
    """Build a :class:`Condition` written in the questionnaire's condition language.

    Other data (the catalogue's measurement mapping, for one) states conditions
    on intake answers the way ``requires`` and ``when`` do here; this checks
    them against the questions and choices of ``questionnaire`` (the built-in
    one by default) and returns the same objects, whose ``holds(answers)``
    evaluates them.

    Raises
    ------
    QuestionnaireError
        If the data is not a condition, or names a question or choice that
        ``questionnaire`` does not have.

    Examples
    --------
    >>> from tianping.tiering import parse_condition
    >>> condition = parse_condition({"question": "generative", "equals": True})
    >>> condition.holds({"generative": True}), condition.holds({})
    (True, False)
    """
    parser = _Parser(source)
    parser.questions = {q.id: q for q in (questionnaire or load_questionnaire()).questions}
    return parser.condition(data, where)


class _Parser:
    """Reads questionnaire data; every method takes the value and where it sits."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.questions: dict[str, Question] = {}

    # -- primitives -----------------------------------------------------------------------

    def fail(self, where: str, problem: str) -> QuestionnaireError:
        return QuestionnaireError(
            f"questionnaire {self.source}: {where}: {problem}",
            hint="Fix the questionnaire data; the header of the built-in file documents its form.",
        )

    def mapping(
        self,
        value: object,
        where: str,
        *,
        required: Sequence[str] = (),
        optional: Sequence[str] = (),
    ) -> Mapping[str, object]:
        if not isinstance(value, Mapping):
            raise self.fail(where, f"expected a mapping, got {type(value).__name__}")
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                raise self.fail(
                    where, f"unknown key {key!r}; allowed: {', '.join(sorted(allowed))}"
                )
        for key in required:
            if key not in value:
                raise self.fail(where, f"missing key {key!r}")
        return cast("Mapping[str, object]", value)

    def sequence(self, value: object, where: str, *, non_empty: bool = True) -> list[object]:
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, got {type(value).__name__}")
        if non_empty and not value:
            raise self.fail(where, "expected at least one item")
        return value

    def string(self, value: object, where: str, *, pattern: re.Pattern[str] | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"expected non-empty text, got {value!r}")
        if pattern is not None and not pattern.match(value):
            raise self.fail(where, f"{value!r} is not a valid id (pattern {pattern.pattern})")
        return value

    def boolean(self, value: object, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, f"expected true or false, got {value!r}")
        return value

    def integer(self, value: object, where: str, *, low: int = 0, high: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, f"expected a whole number, got {value!r}")
        if value < low or (high is not None and value > high):
            bounds = f"at least {low}" if high is None else f"between {low} and {high}"
            raise self.fail(where, f"expected a number {bounds}, got {value}")
        return value

    def number(self, value: object, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(where, f"expected a number of at least 0, got {value!r}")
        return float(value)

    def text(self, value: object, where: str) -> LocalizedText:
        fields = self.mapping(value, where, required=("zh-Hans", "en"))
        return LocalizedText(
            zh=self.string(fields["zh-Hans"], f"{where}.zh-Hans"),
            en=self.string(fields["en"], f"{where}.en"),
        )

    def tier(self, value: object, where: str) -> Tier:
        if value not in TIERS:
            raise self.fail(where, f"{value!r} is not a tier; use one of {', '.join(TIERS)}")
        return value

    def unique(self, ids: Sequence[str], where: str) -> None:
        seen: set[str] = set()
        for item in ids:
            if item in seen:
                raise self.fail(where, f"id {item!r} appears twice")
            seen.add(item)

    # -- the document ---------------------------------------------------------------------

    def questionnaire(self, data: object) -> Questionnaire:
        doc = self.mapping(
            data,
            "document",
            required=(
                "version",
                "effective_from",
                "tiers",
                "questions",
                "scoring",
                "obligations",
                "override",
            ),
        )
        if not isinstance(doc["version"], str):
            raise self.fail("version", 'expected text; quote it (version: "2026.1")')
        version = self.string(doc["version"], "version")
        tiers = self.tiers(doc["tiers"])
        for i, item in enumerate(self.sequence(doc["questions"], "questions")):
            question = self.question(item, f"questions[{i}]")
            if question.id in self.questions:
                raise self.fail(f"questions[{i}].id", f"id {question.id!r} appears twice")
            self.questions[question.id] = question
        scoring = self.scoring(doc["scoring"])
        obligations = self.obligations(doc["obligations"], {f.id for f in scoring.floors})
        override = self.mapping(doc["override"], "override", required=("min_justification_chars",))
        return Questionnaire(
            version=version,
            effective_from=self.date(doc["effective_from"], "effective_from"),
            tiers=tiers,
            questions=tuple(self.questions.values()),
            scoring=scoring,
            obligations=obligations,
            min_justification_chars=self.integer(
                override["min_justification_chars"], "override.min_justification_chars", low=1
            ),
        )

    def date(self, value: object, where: str) -> dt.date:
        if isinstance(value, dt.datetime):
            raise self.fail(where, "expected a date, not a date and time")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(where, f"expected a date (YYYY-MM-DD), got {value!r}")

    def tiers(self, value: object) -> tuple[TierDefinition, ...]:
        definitions = []
        for i, item in enumerate(self.sequence(value, "tiers")):
            fields = self.mapping(item, f"tiers[{i}]", required=("id", "label"))
            definitions.append(
                TierDefinition(
                    id=self.tier(fields["id"], f"tiers[{i}].id"),
                    label=self.text(fields["label"], f"tiers[{i}].label"),
                )
            )
        if tuple(d.id for d in definitions) != TIERS:
            raise self.fail(
                "tiers", f"expected exactly the tiers {', '.join(TIERS)}, in that order"
            )
        return tuple(definitions)

    def question(self, value: object, where: str) -> Question:
        fields = self.mapping(
            value,
            where,
            required=("id", "type", "title", "label", "help", "required"),
            optional=("requires", "choices", "max_length"),
        )
        question_id = self.string(fields["id"], f"{where}.id", pattern=_QUESTION_ID)
        kind = fields["type"]
        if kind not in QUESTION_TYPES:
            raise self.fail(f"{where}.type", f"{kind!r} is not one of {', '.join(QUESTION_TYPES)}")
        qtype: QuestionType = kind
        has_choices = qtype in ("choice", "multichoice")
        if has_choices != ("choices" in fields):
            need = "needs" if has_choices else "takes no"
            raise self.fail(where, f"a {qtype} question {need} 'choices'")
        if "max_length" in fields and qtype != "text":
            raise self.fail(f"{where}.max_length", "only a text question takes 'max_length'")
        choices = self.choices(fields["choices"], f"{where}.choices", qtype) if has_choices else ()
        requires = None
        if "requires" in fields:
            requires = self.condition(fields["requires"], f"{where}.requires")
        return Question(
            id=question_id,
            type=qtype,
            title=self.text(fields["title"], f"{where}.title"),
            label=self.text(fields["label"], f"{where}.label"),
            help=self.text(fields["help"], f"{where}.help"),
            required=self.boolean(fields["required"], f"{where}.required"),
            requires=requires,
            choices=choices,
            max_length=(
                self.integer(
                    fields.get("max_length", DEFAULT_TEXT_MAX_LENGTH), f"{where}.max_length", low=1
                )
                if qtype == "text"
                else None
            ),
        )

    def choices(self, value: object, where: str, qtype: QuestionType) -> tuple[Choice, ...]:
        choices = []
        for i, item in enumerate(self.sequence(value, where)):
            fields = self.mapping(
                item, f"{where}[{i}]", required=("id", "label"), optional=("exclusive",)
            )
            exclusive = self.boolean(fields.get("exclusive", False), f"{where}[{i}].exclusive")
            if exclusive and qtype != "multichoice":
                raise self.fail(
                    f"{where}[{i}].exclusive", "only a multichoice choice can be exclusive"
                )
            choices.append(
                Choice(
                    id=self.string(fields["id"], f"{where}[{i}].id", pattern=_CHOICE_ID),
                    label=self.text(fields["label"], f"{where}[{i}].label"),
                    exclusive=exclusive,
                )
            )
        self.unique([c.id for c in choices], where)
        return tuple(choices)

    def known_question(self, value: object, where: str) -> Question:
        question_id = self.string(value, where)
        if question_id not in self.questions:
            raise self.fail(where, f"{question_id!r} is not a question defined before this point")
        return self.questions[question_id]

    def condition(self, value: object, where: str) -> Condition:
        if isinstance(value, Mapping) and ("all" in value or "any" in value):
            key = "all" if "all" in value else "any"
            fields = self.mapping(value, where, required=(key,))
            parts = tuple(
                self.condition(item, f"{where}.{key}[{i}]")
                for i, item in enumerate(self.sequence(fields[key], f"{where}.{key}"))
            )
            return AllOf(parts) if key == "all" else AnyOf(parts)
        fields = self.mapping(
            value, where, required=("question",), optional=("equals", "includes_any")
        )
        question = self.known_question(fields["question"], f"{where}.question")
        if ("equals" in fields) == ("includes_any" in fields):
            raise self.fail(where, "a clause needs exactly one of 'equals' and 'includes_any'")
        if "equals" in fields:
            expected = fields["equals"]
            if question.type == "boolean":
                return Clause(question.id, equals=self.boolean(expected, f"{where}.equals"))
            if question.type == "choice" and expected in question.choice_ids:
                return Clause(question.id, equals=expected)
            raise self.fail(
                f"{where}.equals",
                f"{expected!r} is not an answer {question.id!r} can equal; use includes_any",
            )
        if question.type not in ("choice", "multichoice"):
            raise self.fail(f"{where}.includes_any", f"{question.id!r} has no choices")
        listed = self.sequence(fields["includes_any"], f"{where}.includes_any")
        for i, choice in enumerate(listed):
            if choice not in question.choice_ids:
                raise self.fail(
                    f"{where}.includes_any[{i}]", f"{choice!r} is not a choice of {question.id!r}"
                )
        return Clause(question.id, includes_any=tuple(cast("list[str]", listed)))

    # -- scoring --------------------------------------------------------------------------

    def scoring(self, value: object) -> ScoringModel:
        fields = self.mapping(
            value, "scoring", required=("impact", "mitigation", "bands", "floors")
        )
        impact = self.impact(fields["impact"])
        mitigation = self.mitigation(fields["mitigation"])
        bands = self.bands(fields["bands"])
        floors = []
        for i, item in enumerate(
            self.sequence(fields["floors"], "scoring.floors", non_empty=False)
        ):
            where = f"scoring.floors[{i}]"
            floor = self.mapping(
                item,
                where,
                required=("id", "tier", "question", "when", "explanation", "source"),
                optional=("expert_review", "overridable"),
            )
            floors.append(
                Floor(
                    id=self.string(floor["id"], f"{where}.id", pattern=_RULE_ID),
                    tier=self.tier(floor["tier"], f"{where}.tier"),
                    question=self.known_question(floor["question"], f"{where}.question").id,
                    when=self.condition(floor["when"], f"{where}.when"),
                    explanation=self.text(floor["explanation"], f"{where}.explanation"),
                    expert_review=self.boolean(
                        floor.get("expert_review", False), f"{where}.expert_review"
                    ),
                    # Not overridable unless the data says so: a floor is a rule first.
                    overridable=self.boolean(
                        floor.get("overridable", False), f"{where}.overridable"
                    ),
                    source=self.string(floor["source"], f"{where}.source"),
                )
            )
        self.unique([f.id for f in floors], "scoring.floors")
        return ScoringModel(
            impact=impact,
            mitigation=mitigation,
            bands=bands,
            floors=tuple(floors),
            max_raw=self.max_raw(impact),
        )

    def impact(self, value: object) -> dict[str, dict[str, int]]:
        entries = self.mapping(value, "scoring.impact", optional=tuple(self.questions))
        impact: dict[str, dict[str, int]] = {}
        for question_id, points in entries.items():
            where = f"scoring.impact.{question_id}"
            question = self.questions[question_id]
            if question.type == "boolean":
                impact[question_id] = {"true": self.integer(points, where)}
            elif question.type in ("choice", "multichoice"):
                table = self.mapping(points, where, optional=question.choice_ids)
                impact[question_id] = {
                    str(choice): self.integer(p, f"{where}.{choice}") for choice, p in table.items()
                }
            else:
                raise self.fail(where, "a text question cannot score points")
        return impact

    def max_raw(self, impact: Mapping[str, Mapping[str, int]]) -> int:
        total = 0
        for question_id, points in impact.items():
            if self.questions[question_id].type == "choice":
                total += max(points.values(), default=0)
            else:
                total += sum(points.values())
        return total

    def mitigation(self, value: object) -> Mitigation:
        fields = self.mapping(
            value,
            "scoring.mitigation",
            required=("question", "credit_percent", "max_percent", "floor_points"),
        )
        question = self.known_question(fields["question"], "scoring.mitigation.question")
        if question.type != "multichoice":
            raise self.fail(
                "scoring.mitigation.question", "mitigations must be a multichoice question"
            )
        table = self.mapping(
            fields["credit_percent"],
            "scoring.mitigation.credit_percent",
            optional=question.choice_ids,
        )
        return Mitigation(
            question=question.id,
            credit_percent={
                str(c): self.integer(p, f"scoring.mitigation.credit_percent.{c}", high=100)
                for c, p in table.items()
            },
            max_percent=self.integer(
                fields["max_percent"], "scoring.mitigation.max_percent", high=100
            ),
            floor_points=self.number(fields["floor_points"], "scoring.mitigation.floor_points"),
        )

    def bands(self, value: object) -> tuple[Band, ...]:
        starts: list[tuple[Tier, float]] = []
        for i, item in enumerate(self.sequence(value, "scoring.bands")):
            fields = self.mapping(item, f"scoring.bands[{i}]", required=("tier", "min"))
            tier = self.tier(fields["tier"], f"scoring.bands[{i}].tier")
            start = self.number(fields["min"], f"scoring.bands[{i}].min")
            if starts and (start <= starts[-1][1] or tier_rank(tier) <= tier_rank(starts[-1][0])):
                raise self.fail(f"scoring.bands[{i}]", "bands must rise in both 'min' and tier")
            starts.append((tier, start))
        if starts[0][1] != 0:
            raise self.fail("scoring.bands[0].min", "the first band must start at 0")
        ends: list[float | None] = [start for _, start in starts[1:]]
        ends.append(None)
        return tuple(
            Band(tier, start, end) for (tier, start), end in zip(starts, ends, strict=True)
        )

    # -- obligations ----------------------------------------------------------------------

    def obligations(self, value: object, floor_ids: set[str]) -> tuple[ObligationRule, ...]:
        rules = []
        for i, item in enumerate(self.sequence(value, "obligations")):
            where = f"obligations[{i}]"
            fields = self.mapping(
                item,
                where,
                required=("id", "text"),
                optional=("tiers", "when", "why", "source", "excluded_by_floors"),
            )
            if ("tiers" in fields) == ("when" in fields):
                raise self.fail(where, "an obligation needs exactly one of 'tiers' and 'when'")
            if ("when" in fields) != ("why" in fields):
                raise self.fail(
                    where, "a conditional obligation needs 'why', and only it takes one"
                )
            tiers = tuple(
                self.tier(t, f"{where}.tiers[{j}]")
                for j, t in enumerate(
                    self.sequence(
                        fields.get("tiers", []), f"{where}.tiers", non_empty="tiers" in fields
                    )
                )
            )
            excluded: list[str] = []
            if "excluded_by_floors" in fields:
                if "tiers" not in fields:
                    raise self.fail(
                        f"{where}.excluded_by_floors", "only a tier obligation excludes floors"
                    )
                for j, floor_id in enumerate(
                    self.sequence(fields["excluded_by_floors"], f"{where}.excluded_by_floors")
                ):
                    name = self.string(floor_id, f"{where}.excluded_by_floors[{j}]")
                    if name not in floor_ids:
                        raise self.fail(
                            f"{where}.excluded_by_floors[{j}]", f"{name!r} is not a floor id"
                        )
                    excluded.append(name)
            rules.append(
                ObligationRule(
                    id=self.string(fields["id"], f"{where}.id", pattern=_RULE_ID),
                    excluded_by_floors=tuple(excluded),
                    text=self.text(fields["text"], f"{where}.text"),
                    tiers=tiers,
                    when=self.condition(fields["when"], f"{where}.when")
                    if "when" in fields
                    else None,
                    why=self.text(fields["why"], f"{where}.why") if "why" in fields else None,
                    source=self.string(fields["source"], f"{where}.source")
                    if "source" in fields
                    else None,
                )
            )
        self.unique([r.id for r in rules], "obligations")
        for tier in TIERS:
            if not any(tier in rule.tiers for rule in rules):
                raise self.fail("obligations", f"tier {tier!r} has no obligations")
        return tuple(rules)
