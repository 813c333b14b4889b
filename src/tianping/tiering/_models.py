"""Value objects of intake and tiering: the questionnaire as data, and the tier result.

Everything here is frozen. The questionnaire objects are built by
:mod:`tianping.tiering._questionnaire` from the YAML data; the result objects by
:mod:`tianping.tiering._scoring` and :mod:`tianping.tiering._override`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from tianping.charts import ChartBar, ChartLine, Tone, interval_chart
from tianping.notebook import FrameColumns, build_frame, html_figure, html_result, html_table
from tianping.text import DEFAULT_LANGUAGE, LocalizedText, normalise_language, render
from tianping.tiering.messages import (
    NOTEBOOK_FACTS,
    NOTEBOOK_NO,
    NOTEBOOK_SCORE_BARS,
    NOTEBOOK_SCORE_CHART,
    NOTEBOOK_TIERS,
    NOTEBOOK_TITLE,
    NOTEBOOK_YES,
)

Tier = Literal["low", "medium", "high"]
TIERS: tuple[Tier, ...] = ("low", "medium", "high")
"""The tiers, lowest first; a tier's index is its rank."""

QuestionType = Literal["boolean", "choice", "multichoice", "text"]
QUESTION_TYPES: tuple[QuestionType, ...] = ("boolean", "choice", "multichoice", "text")

Answer: TypeAlias = bool | str | list[str] | None
"""A cleaned answer: ``bool`` (boolean), ``str`` (choice, text), ``list[str]``
(multichoice, in the questionnaire's choice order) or ``None`` (a choice left
unanswered because it does not apply)."""

FrozenAnswer: TypeAlias = bool | str | tuple[str, ...] | None
"""An answer as a frozen result object holds it (multichoice as a tuple)."""

ReasonKind = Literal["floor", "points", "mitigation"]
ObligationTrigger = Literal["tier", "condition"]


def tier_rank(tier: Tier) -> int:
    """The rank of ``tier``: 0 for ``low``, up to 2 for ``high``.

    Examples
    --------
    >>> tier_rank("medium") > tier_rank("low")
    True
    """
    return TIERS.index(tier)


def _text_json(text: LocalizedText, language: str | None) -> str | dict[str, str]:
    return text.to_json() if language is None else text.get(language)


def _answer_json(answer: FrozenAnswer) -> bool | str | list[str] | None:
    return list(answer) if isinstance(answer, tuple) else answer


# --- conditions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clause:
    """One test on one answer: ``equals`` a value, or ``includes_any`` of some choices.

    ``includes_any`` holds for a multichoice answer that contains one of the
    choices, and for a choice answer that is one of them.
    """

    question: str
    equals: bool | str | None = None
    includes_any: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.equals is None) == (not self.includes_any):
            raise ValueError("a clause needs exactly one of 'equals' and 'includes_any'")

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        """Whether the answers meet this clause (an absent answer meets nothing)."""
        answer = answers.get(self.question)
        if self.equals is not None:
            return (
                answer is not None and type(answer) is type(self.equals) and answer == self.equals
            )
        if isinstance(answer, list):
            return any(choice in self.includes_any for choice in answer)
        return isinstance(answer, str) and answer in self.includes_any

    def questions(self) -> tuple[str, ...]:
        """The question ids this condition reads."""
        return (self.question,)

    def describe(self, language: str | None = None) -> str:
        """The condition as a short phrase, e.g. ``personal_info is true``."""
        english = _is_english(language)
        if self.equals is not None:
            value = str(self.equals).lower() if isinstance(self.equals, bool) else self.equals
            return f"{self.question} is {value}" if english else f"{self.question} 为 {value}"
        listed = ", ".join(self.includes_any)
        if english:
            return f"{self.question} includes any of {listed}"
        return f"{self.question} 包含 {listed} 之一"

    def to_json(self) -> dict[str, object]:
        if self.equals is not None:
            return {"question": self.question, "equals": self.equals}
        return {"question": self.question, "includes_any": list(self.includes_any)}


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every one of ``conditions`` holds."""

    conditions: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        """Whether every condition holds."""
        return all(condition.holds(answers) for condition in self.conditions)

    def questions(self) -> tuple[str, ...]:
        """The question ids this condition reads, in order, without repeats."""
        return _unique(q for condition in self.conditions for q in condition.questions())

    def describe(self, language: str | None = None) -> str:
        """The condition as a short phrase."""
        joiner = " and " if _is_english(language) else " 且 "
        return joiner.join(_bracketed(c, language) for c in self.conditions)

    def to_json(self) -> dict[str, object]:
        return {"all": [condition.to_json() for condition in self.conditions]}


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one of ``conditions`` holds."""

    conditions: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        """Whether any condition holds."""
        return any(condition.holds(answers) for condition in self.conditions)

    def questions(self) -> tuple[str, ...]:
        """The question ids this condition reads, in order, without repeats."""
        return _unique(q for condition in self.conditions for q in condition.questions())

    def describe(self, language: str | None = None) -> str:
        """The condition as a short phrase."""
        joiner = " or " if _is_english(language) else " 或 "
        return joiner.join(_bracketed(c, language) for c in self.conditions)

    def to_json(self) -> dict[str, object]:
        return {"any": [condition.to_json() for condition in self.conditions]}


Condition: TypeAlias = Clause | AllOf | AnyOf
"""A test on the answers, as the questionnaire data writes it."""


def _bracketed(condition: Condition, language: str | None) -> str:
    text = condition.describe(language)
    return text if isinstance(condition, Clause) else f"({text})"


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _is_english(language: str | None) -> bool:
    return normalise_language(language) == "en"


# --- the questionnaire -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choice:
    """One choice of a ``choice`` or ``multichoice`` question.

    An ``exclusive`` choice (``none``) cannot be combined with any other.
    """

    id: str
    label: LocalizedText
    exclusive: bool = False

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "id": self.id,
            "label": _text_json(self.label, language),
            "exclusive": self.exclusive,
        }


@dataclass(frozen=True, slots=True)
class Question:
    """One intake question.

    Attributes
    ----------
    id
        Stable id; the key of the answer.
    type
        ``boolean``, ``choice`` (one choice id), ``multichoice`` (a list of
        choice ids) or ``text``.
    title
        A short noun phrase for summaries and reasons ("processes personal
        information").
    label, help
        The question as asked, and the help text shown beside it.
    required
        Whether an answer is needed (when ``requires`` holds).
    requires
        The condition under which the question applies, or ``None`` (always).
        When it does not hold the question must be left unanswered (or given a
        negative answer: false, an empty list) and its cleaned answer is empty.
    choices
        The choices of a choice or multichoice question, in display order.
    max_length
        The longest text a ``text`` question accepts.
    """

    id: str
    type: QuestionType
    title: LocalizedText
    label: LocalizedText
    help: LocalizedText
    required: bool = True
    requires: Condition | None = None
    choices: tuple[Choice, ...] = ()
    max_length: int | None = None

    def choice(self, choice_id: str) -> Choice:
        """The choice with id ``choice_id`` (``KeyError`` if there is none)."""
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        raise KeyError(choice_id)

    @property
    def choice_ids(self) -> tuple[str, ...]:
        """The ids of the choices, in display order."""
        return tuple(choice.id for choice in self.choices)

    def answer_label(self, answer: FrozenAnswer | list[str], language: str | None = None) -> str:
        """A cleaned answer in words: ``yes`` / ``是``, or the choices' labels."""
        english = _is_english(language)
        if isinstance(answer, bool):
            return ("yes" if answer else "no") if english else ("是" if answer else "否")
        if answer is None:
            return "—"
        if self.type == "text":
            return str(answer)
        ids = [answer] if isinstance(answer, str) else list(answer)
        labels = [self.choice(i).label.get(language) if i in self.choice_ids else i for i in ids]
        return (", " if english else "、").join(labels)

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "id": self.id,
            "type": self.type,
            "title": _text_json(self.title, language),
            "label": _text_json(self.label, language),
            "help": _text_json(self.help, language),
            "required": self.required,
            "requires": None if self.requires is None else self.requires.to_json(),
            "choices": [choice.to_json(language) for choice in self.choices],
            "max_length": self.max_length,
        }


@dataclass(frozen=True, slots=True)
class TierDefinition:
    """A tier's id and its name in both languages."""

    id: Tier
    label: LocalizedText

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {"id": self.id, "label": _text_json(self.label, language)}


@dataclass(frozen=True, slots=True)
class Band:
    """A band of final scores: from ``min`` (inclusive) up to ``max`` (exclusive, or open)."""

    tier: Tier
    min: float
    max: float | None = None

    def to_json(self) -> dict[str, object]:
        return {"tier": self.tier, "min": self.min, "max": self.max}


@dataclass(frozen=True, slots=True)
class Floor:
    """An answer pattern that forces a minimum tier whatever the score.

    ``question`` is the answer a reason points at; ``expert_review`` marks
    results that need expert re-review. ``overridable`` says whether a human
    override may go below the floor at all (and then only with the regulator's
    confirmation); ``source`` names the rule the floor comes from.
    """

    id: str
    tier: Tier
    when: Condition
    question: str
    explanation: LocalizedText
    expert_review: bool = False
    overridable: bool = False
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Mitigation:
    """Mitigation credit: percentages of the raw impact, capped, above a floor in points."""

    question: str
    credit_percent: Mapping[str, int]
    max_percent: int
    floor_points: float


@dataclass(frozen=True, slots=True)
class ScoringModel:
    """Impact points, mitigation credit, bands and floors (see the module docs of the package).

    ``impact`` maps a question id to its points by answer: for a boolean the key
    ``"true"``, for choice questions the choice ids.
    """

    impact: Mapping[str, Mapping[str, int]]
    mitigation: Mitigation
    bands: tuple[Band, ...]
    floors: tuple[Floor, ...]
    max_raw: int

    def to_json(self) -> dict[str, object]:
        return {
            "impact": {q: dict(points) for q, points in self.impact.items()},
            "mitigation": {
                "question": self.mitigation.question,
                "credit_percent": dict(self.mitigation.credit_percent),
                "max_percent": self.mitigation.max_percent,
                "floor_points": self.mitigation.floor_points,
            },
            "bands": [band.to_json() for band in self.bands],
            "floors": [
                {
                    "id": floor.id,
                    "tier": floor.tier,
                    "expert_review": floor.expert_review,
                    "overridable": floor.overridable,
                    "source": floor.source,
                    "question": floor.question,
                    "when": floor.when.to_json(),
                    "explanation": floor.explanation.to_json(),
                }
                for floor in self.floors
            ],
            "max_raw": self.max_raw,
        }

    def floor(self, floor_id: str) -> Floor:
        """The floor with id ``floor_id`` (``KeyError`` if there is none)."""
        for floor in self.floors:
            if floor.id == floor_id:
                return floor
        raise KeyError(floor_id)


@dataclass(frozen=True, slots=True)
class ObligationRule:
    """An obligation as data: it comes with ``tiers``, or ``when`` a condition holds.

    ``excluded_by_floors`` (tier obligations only) names floors under which the
    obligation never applies, whatever the tier: the fast-track review is not
    open to a system that needs an export certificate, even after an override.
    """

    id: str
    text: LocalizedText
    tiers: tuple[Tier, ...] = ()
    when: Condition | None = None
    why: LocalizedText | None = None
    source: str | None = None
    excluded_by_floors: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if bool(self.tiers) == (self.when is not None):
            raise ValueError(f"obligation {self.id!r} needs exactly one of 'tiers' and 'when'")
        if self.when is not None and self.why is None:
            raise ValueError(f"obligation {self.id!r} has a condition but no 'why'")
        if self.when is not None and self.excluded_by_floors:
            raise ValueError(f"obligation {self.id!r}: only tier obligations exclude floors")

    @property
    def trigger(self) -> ObligationTrigger:
        """``tier`` for obligations that come with a tier, ``condition`` for the others."""
        return "tier" if self.tiers else "condition"

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "id": self.id,
            "text": _text_json(self.text, language),
            "tiers": list(self.tiers),
            "when": None if self.when is None else self.when.to_json(),
            "why": None if self.why is None else _text_json(self.why, language),
            "source": self.source,
            "excluded_by_floors": list(self.excluded_by_floors),
        }


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """One version of the intake questionnaire with its scoring and obligations.

    Attributes
    ----------
    version, effective_from
        The version label and the date it applies from.
    tiers
        The tiers with their names, lowest first.
    questions
        The questions in the order they are asked.
    scoring
        Impact points, mitigation credit, bands and floors.
    obligations
        The obligation rules.
    min_justification_chars
        The shortest justification a human tier override accepts.
    """

    version: str
    effective_from: dt.date
    tiers: tuple[TierDefinition, ...]
    questions: tuple[Question, ...]
    scoring: ScoringModel
    obligations: tuple[ObligationRule, ...]
    min_justification_chars: int
    _by_id: Mapping[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {q.id: q for q in self.questions})

    def question(self, question_id: str) -> Question:
        """The question with id ``question_id`` (``KeyError`` if there is none)."""
        return self._by_id[question_id]

    @property
    def question_ids(self) -> tuple[str, ...]:
        """The question ids, in order."""
        return tuple(self._by_id)

    def tier_label(self, tier: Tier) -> LocalizedText:
        """The name of ``tier`` in both languages."""
        for definition in self.tiers:
            if definition.id == tier:
                return definition.label
        raise KeyError(tier)

    def to_json(self, language: str | None = None) -> dict[str, object]:
        """The whole questionnaire as JSON-ready data (texts bilingual unless ``language``)."""
        return {
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "tiers": [tier.to_json(language) for tier in self.tiers],
            "questions": [question.to_json(language) for question in self.questions],
            "scoring": self.scoring.to_json(),
            "obligations": [rule.to_json(language) for rule in self.obligations],
            "override": {"min_justification_chars": self.min_justification_chars},
        }


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Score:
    """The numbers behind a tier.

    Attributes
    ----------
    raw_impact
        The sum of the impact points of the answers.
    mitigation_percent
        The mitigation share earned (after the cap), in percent of ``raw_impact``.
    mitigation_credit
        The points taken off ``raw_impact`` (limited by the mitigation floor).
    final
        ``raw_impact - mitigation_credit``.
    max_raw
        The largest raw impact the questionnaire allows.
    band_tier
        The tier of the band ``final`` falls in, before floors.
    bands
        The bands, lowest first.
    """

    raw_impact: int
    mitigation_percent: int
    mitigation_credit: float
    final: float
    max_raw: int
    band_tier: Tier
    bands: tuple[Band, ...]

    def __post_init__(self) -> None:
        if not 0 <= self.mitigation_credit <= self.raw_impact:
            raise ValueError("mitigation credit must lie between 0 and the raw impact")

    def to_json(self) -> dict[str, object]:
        return {
            "raw_impact": self.raw_impact,
            "mitigation_percent": self.mitigation_percent,
            "mitigation_credit": self.mitigation_credit,
            "final": self.final,
            "max_raw": self.max_raw,
            "band_tier": self.band_tier,
            "bands": [band.to_json() for band in self.bands],
        }


@dataclass(frozen=True, slots=True)
class Reason:
    """An answer that drove the result.

    Attributes
    ----------
    kind
        ``floor`` (the answer forces a minimum tier), ``points`` (it adds impact
        points) or ``mitigation`` (it earns mitigation credit).
    question
        The question id.
    answer
        The answer (for a multichoice, the choices that count).
    points
        The impact points added (``points`` reasons only).
    credit_percent
        The mitigation share in percent (``mitigation`` reasons only).
    floor
        The minimum tier forced (``floor`` reasons only), and ``rule`` its id.
    text
        One sentence, in both languages, explaining the reason.
    """

    kind: ReasonKind
    question: str
    answer: FrozenAnswer
    text: LocalizedText
    points: int | None = None
    credit_percent: int | None = None
    floor: Tier | None = None
    rule: str | None = None

    def __post_init__(self) -> None:
        expected = {"points": self.points, "mitigation": self.credit_percent, "floor": self.floor}
        if expected[self.kind] is None:
            raise ValueError(f"a {self.kind} reason needs its {self.kind} value")

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "kind": self.kind,
            "question": self.question,
            "answer": _answer_json(self.answer),
            "points": self.points,
            "credit_percent": self.credit_percent,
            "floor": self.floor,
            "rule": self.rule,
            "text": _text_json(self.text, language),
        }


@dataclass(frozen=True, slots=True)
class Obligation:
    """Something the applicant must do, and why it applies."""

    id: str
    text: LocalizedText
    why: LocalizedText
    trigger: ObligationTrigger
    source: str | None = None

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "id": self.id,
            "text": _text_json(self.text, language),
            "why": _text_json(self.why, language),
            "trigger": self.trigger,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Override:
    """A human override of the computed tier, as recorded.

    ``below_floor`` is true when ``tier`` is lower than ``floor``, the highest
    minimum tier an answer forced; ``floors`` names the floors it goes below.
    Only floors that allow it can be gone below, and such an override
    ``needs_confirmation`` by the regulator over the system's organisation:
    until then the floor's tier stays in force.
    """

    tier: Tier
    computed_tier: Tier
    justification: str
    by: str
    at: dt.datetime
    below_floor: bool
    floor: Tier | None = None
    floors: tuple[str, ...] = ()
    needs_confirmation: bool = False

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("an override time must carry a time zone")
        if self.below_floor != bool(self.floors) or self.needs_confirmation != self.below_floor:
            raise ValueError("an override below a floor names its floors and needs confirmation")

    def to_json(self) -> dict[str, object]:
        return {
            "tier": self.tier,
            "computed_tier": self.computed_tier,
            "justification": self.justification,
            "by": self.by,
            "at": self.at.isoformat(),
            "below_floor": self.below_floor,
            "floor": self.floor,
            "floors": list(self.floors),
            "needs_confirmation": self.needs_confirmation,
        }


@dataclass(frozen=True, slots=True)
class TierResult:
    """The outcome of an intake: the tier, why, and what follows from it.

    Attributes
    ----------
    tier
        The tier in force: the computed one, or a human override's.
    expert_review_required
        Whether a floor marked the system for expert re-review.
    score
        The numbers behind the computed tier.
    reasons
        The answers that drove the result, most influential first: floors
        (highest tier first), then impact points (largest first), then
        mitigations.
    obligations
        The obligations of ``tier`` followed by the conditional ones.
    listed_activities
        The expert re-review list activities answered.
    questionnaire_version
        The questionnaire version that scored the answers.
    override
        The human override, if any.
    """

    tier: Tier
    expert_review_required: bool
    score: Score
    reasons: tuple[Reason, ...]
    obligations: tuple[Obligation, ...]
    listed_activities: tuple[str, ...]
    questionnaire_version: str
    override: Override | None = None

    def __post_init__(self) -> None:
        if self.override is not None and self.override.tier != self.tier:
            raise ValueError("an overridden result's tier must be the override's tier")

    @property
    def computed_tier(self) -> Tier:
        """The tier the scoring gave, before any override."""
        return self.override.computed_tier if self.override is not None else self.tier

    @property
    def floor_tier(self) -> Tier | None:
        """The highest minimum tier an answer forced, or ``None``."""
        floors: list[Tier] = [r.floor for r in self.reasons if r.floor is not None]
        if not floors:
            return None
        return max(floors, key=tier_rank)

    def to_json(self, language: str | None = None) -> dict[str, object]:
        """The result as JSON-ready data.

        With ``language=None`` every text is ``{"zh-Hans": …, "en": …}``; with a
        language, a plain string.

        Examples
        --------
        >>> from tianping.tiering import score_intake
        >>> result = score_intake({
        ...     "personal_info": False, "affects_rights": False, "automated_decisions": ["none"],
        ...     "public_facing": False, "generative": False, "third_party_components": False,
        ...     "exported": False, "listed_activities": ["none"], "scale": "lt_10k",
        ...     "mitigations": ["none"],
        ... })
        >>> result.to_json()["obligations"][0]["why"]
        {'zh-Hans': '等级为低风险', 'en': 'the tier is low'}
        >>> result.to_json("en")["obligations"][0]["why"]
        'the tier is low'
        """
        return {
            "tier": self.tier,
            "expert_review_required": self.expert_review_required,
            "score": self.score.to_json(),
            "reasons": [reason.to_json(language) for reason in self.reasons],
            "obligations": [obligation.to_json(language) for obligation in self.obligations],
            "questionnaire_version": self.questionnaire_version,
            "override": None if self.override is None else self.override.to_json(),
        }

    def to_frame(
        self, *, language: str | None = DEFAULT_LANGUAGE, backend: str | None = None
    ) -> Any:
        """What drove the tier and what follows, one row per reason, then one per obligation.

        Columns: ``kind`` (``floor``, ``points``, ``mitigation`` or
        ``obligation``), ``id`` (the question, or the obligation), ``answer``
        (multiple choices as ``"a, b"``), ``points`` (impact points added),
        ``credit_percent`` (mitigation credit), ``floor`` (the minimum tier an
        answer forces), ``text`` (the reason or obligation in ``language``),
        ``why`` (why an obligation applies) and ``source`` (its basis); a
        column that does not apply to a row is null. ``backend``: ``"pandas"``
        (default), ``"polars"`` or ``"pyarrow"``.
        """
        return build_frame(_result_columns(self, normalise_language(language)), backend=backend)

    def to_html(self, *, language: str | None = DEFAULT_LANGUAGE) -> str:
        """The result for a notebook: the tier, its score against the bands, the table."""
        lang = normalise_language(language)
        score = self.score
        yes_no = NOTEBOOK_YES if self.expert_review_required else NOTEBOOK_NO
        facts: list[tuple[str, object]] = []
        if self.override is not None:
            facts.append(
                (
                    NOTEBOOK_FACTS["computed_tier"].get(lang),
                    NOTEBOOK_TIERS[self.computed_tier].get(lang),
                )
            )
        facts += [
            (NOTEBOOK_FACTS["expert_review_required"].get(lang), yes_no.get(lang)),
            (NOTEBOOK_FACTS["questionnaire_version"].get(lang), self.questionnaire_version),
        ]
        bars = [
            ChartBar(NOTEBOOK_SCORE_BARS[key].get(lang), float(value))
            for key, value in (
                ("raw_impact", score.raw_impact),
                ("mitigation_credit", score.mitigation_credit),
                ("final", score.final),
            )
        ]
        tones: dict[str, Tone] = {"medium": "warn", "high": "fail"}
        lines = [ChartLine(b.min, tones[b.tier]) for b in score.bands if b.tier in tones]
        title = NOTEBOOK_SCORE_CHART.get(lang)
        chart = interval_chart(
            bars, title=title, lines=lines, domain=(0.0, float(max(score.max_raw, 1)))
        )
        columns = _result_columns(self, lang)
        table = html_table(
            [name for name, _, _ in columns],
            list(zip(*(values for _, _, values in columns), strict=True)),
        )
        tier = NOTEBOOK_TIERS[self.tier].get(lang)
        return html_result(
            render(NOTEBOOK_TITLE, lang, {"tier": tier}), facts, html_figure(chart, title), table
        )

    def _repr_html_(self) -> str:
        """What Jupyter shows: :meth:`to_html`."""
        return self.to_html()


def _answer_text(answer: FrozenAnswer) -> str | None:
    if answer is None or isinstance(answer, str):
        return answer
    if isinstance(answer, bool):
        return "true" if answer else "false"
    return ", ".join(answer)


def _result_columns(result: TierResult, language: str | None) -> FrameColumns:
    rows: list[dict[str, object]] = [
        {
            "kind": r.kind,
            "id": r.question,
            "answer": _answer_text(r.answer),
            "points": r.points,
            "credit_percent": r.credit_percent,
            "floor": r.floor,
            "text": r.text.get(language),
        }
        for r in result.reasons
    ]
    rows += [
        {
            "kind": "obligation",
            "id": o.id,
            "text": o.text.get(language),
            "why": o.why.get(language),
            "source": o.source,
        }
        for o in result.obligations
    ]
    kinds: tuple[tuple[str, Any], ...] = (
        ("kind", "str"),
        ("id", "str"),
        ("answer", "str"),
        ("points", "int"),
        ("credit_percent", "int"),
        ("floor", "str"),
        ("text", "str"),
        ("why", "str"),
        ("source", "str"),
    )
    return [(name, kind, [row.get(name) for row in rows]) for name, kind in kinds]
