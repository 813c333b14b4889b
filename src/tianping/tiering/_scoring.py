"""Scoring validated answers into a tier, the reasons for it and the obligations it carries.

The method, in the manner of an algorithmic impact assessment (Canada's AIA),
with every number taken from the questionnaire data:

1. **raw impact** — the sum of the impact points of the answers;
2. **mitigation credit** — the mitigations in place earn percentages of the raw
   impact (capped); the credit only comes off the part of the raw impact above
   the mitigation floor: ``credit = min(raw × percent / 100, max(0, raw − floor))``;
3. **final score** — raw impact minus credit, placed in a **band** (low, medium,
   high);
4. **floors** — answer patterns that force a minimum tier; the tier is the
   highest of the band's tier and every floor that applies, so mitigation can
   lower the score but never the tier below a floor;
5. **obligations** — those of the tier (less any a floor that applies
   excludes), then those whose condition the answers meet.

Each step only adds: more risk never lowers the tier, more mitigation never
raises it (the property tests check both).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tianping.text import LocalizedText
from tianping.tiering._models import (
    AllOf,
    Answer,
    AnyOf,
    Clause,
    Condition,
    Floor,
    Obligation,
    Question,
    Questionnaire,
    Reason,
    Score,
    Tier,
    TierResult,
    tier_rank,
)
from tianping.tiering._questionnaire import load_questionnaire
from tianping.tiering._validation import validate_answers
from tianping.tiering.messages import (
    OBLIGATION_FOR_TIER,
    REASON_MITIGATION,
    REASON_POINTS,
    localized,
)

LISTED_ACTIVITIES = "listed_activities"
"""The question whose (non-exclusive) choices are the expert re-review list activities."""


def score_intake(
    answers: Mapping[str, object], *, questionnaire: Questionnaire | None = None
) -> TierResult:
    """Validate intake answers and score them into a risk tier.

    Parameters
    ----------
    answers
        ``{question id: answer}``; see :func:`validate_answers`.
    questionnaire
        The questionnaire whose scoring applies (default: the built-in one).

    Returns
    -------
    TierResult
        The tier, whether expert re-review is needed, the score, the reasons
        (most influential first), the obligations and the questionnaire version.

    Raises
    ------
    IntakeValidationError
        If the answers do not fit the questionnaire.

    Examples
    --------
    >>> from tianping.tiering import score_intake
    >>> result = score_intake({
    ...     "personal_info": True, "sensitive_pi": True, "minors": False,
    ...     "affects_rights": True, "automated_decisions": ["credit"],
    ...     "public_facing": True, "generative": False, "third_party_components": False,
    ...     "exported": False, "listed_activities": ["none"], "scale": "gt_1m",
    ...     "mitigations": ["human_review", "appeal_path"],
    ... })
    >>> result.tier, result.score.band_tier, result.reasons[0].rule
    ('high', 'medium', 'sensitive_data_high_stakes_decision')
    """
    questionnaire = questionnaire or load_questionnaire()
    cleaned = validate_answers(answers, questionnaire=questionnaire)
    return _score(cleaned, questionnaire)


def _score(answers: Mapping[str, Answer], questionnaire: Questionnaire) -> TierResult:
    scoring = questionnaire.scoring
    point_reasons = _impact_reasons(answers, questionnaire)
    raw = sum(reason.points or 0 for reason in point_reasons)

    mitigation = scoring.mitigation
    chosen = _chosen(answers.get(mitigation.question))
    shares = {c: mitigation.credit_percent.get(c, 0) for c in chosen}
    percent = min(mitigation.max_percent, sum(shares.values()))
    credit = round(min(raw * percent / 100, max(0.0, raw - mitigation.floor_points)), 2)
    final = round(raw - credit, 2)
    band_tier = max((b for b in scoring.bands if b.min <= final), key=lambda b: b.min).tier

    floors = [floor for floor in scoring.floors if floor.when.holds(answers)]
    tier = max([band_tier, *(floor.tier for floor in floors)], key=tier_rank)

    mitigation_question = questionnaire.question(mitigation.question)
    mitigation_reasons = [
        Reason(
            kind="mitigation",
            question=mitigation.question,
            answer=(choice,),
            credit_percent=share,
            text=localized(
                REASON_MITIGATION,
                answer=_answer_text(mitigation_question, (choice,)),
                percent=str(share),
            ),
        )
        for choice, share in sorted(shares.items(), key=lambda item: -item[1])
        if share > 0 and credit > 0
    ]
    floor_reasons = [
        _floor_reason(floor, answers) for floor in sorted(floors, key=lambda f: -tier_rank(f.tier))
    ]
    point_reasons.sort(key=lambda reason: -(reason.points or 0))

    listed: tuple[str, ...] = ()
    if LISTED_ACTIVITIES in questionnaire.question_ids:
        question = questionnaire.question(LISTED_ACTIVITIES)
        listed = tuple(
            c for c in _chosen(answers.get(question.id)) if not question.choice(c).exclusive
        )

    return TierResult(
        tier=tier,
        expert_review_required=any(floor.expert_review for floor in floors),
        score=Score(
            raw_impact=raw,
            mitigation_percent=percent,
            mitigation_credit=credit,
            final=final,
            max_raw=scoring.max_raw,
            band_tier=band_tier,
            bands=scoring.bands,
        ),
        reasons=(*floor_reasons, *point_reasons, *mitigation_reasons),
        obligations=(
            *tier_obligations(questionnaire, tier, floors=[floor.id for floor in floors]),
            *condition_obligations(questionnaire, answers),
        ),
        listed_activities=listed,
        questionnaire_version=questionnaire.version,
    )


def _impact_reasons(answers: Mapping[str, Answer], questionnaire: Questionnaire) -> list[Reason]:
    """A reason per answer (per chosen choice) that scores points, in questionnaire order."""
    reasons = []
    for question in questionnaire.questions:
        table = questionnaire.scoring.impact.get(question.id)
        answer = answers.get(question.id)
        if table is None:
            continue
        scored: list[tuple[str | bool | tuple[str, ...], int]] = []
        if answer is True:
            scored.append((True, table.get("true", 0)))
        elif isinstance(answer, str):
            scored.append((answer, table.get(answer, 0)))
        elif isinstance(answer, list):
            scored += [((choice,), table.get(choice, 0)) for choice in answer]
        for given, points in scored:
            if points <= 0:
                continue
            text = localized(
                REASON_POINTS,
                title=question.title,
                answer=_answer_text(question, given),
                points=str(points),
            )
            reasons.append(
                Reason(
                    kind="points",
                    question=question.id,
                    answer=given,
                    points=points,
                    text=text,
                )
            )
    return reasons


def _floor_reason(floor: Floor, answers: Mapping[str, Answer]) -> Reason:
    """A floor's reason points at its question; for choices, at the ones the floor names."""
    answer = answers.get(floor.question)
    frozen: bool | str | tuple[str, ...] | None
    if isinstance(answer, list):
        named = set(_named_choices(floor.when, floor.question))
        frozen = tuple(c for c in answer if c in named) if named else tuple(answer)
    else:
        frozen = answer
    return Reason(
        kind="floor",
        question=floor.question,
        answer=frozen,
        floor=floor.tier,
        rule=floor.id,
        text=floor.explanation,
    )


def _named_choices(condition: Condition, question_id: str) -> Iterable[str]:
    if isinstance(condition, AllOf | AnyOf):
        for part in condition.conditions:
            yield from _named_choices(part, question_id)
    elif isinstance(condition, Clause) and condition.question == question_id:
        yield from condition.includes_any


def tier_obligations(
    questionnaire: Questionnaire, tier: Tier, *, floors: Iterable[str] = ()
) -> list[Obligation]:
    """The obligations that come with ``tier``, in data order.

    ``floors`` are the ids of the floors the answers meet; a tier obligation
    that one of them excludes (``excluded_by_floors``) does not apply.

    Examples
    --------
    >>> from tianping.tiering import load_questionnaire, tier_obligations
    >>> [o.id for o in tier_obligations(load_questionnaire(), "low")]
    ['review.fast_track']
    >>> [o.id for o in tier_obligations(load_questionnaire(), "low", floors=["export_scope"])]
    []
    """
    applied = set(floors)
    why = localized(OBLIGATION_FOR_TIER, tier=questionnaire.tier_label(tier))
    return [
        Obligation(id=rule.id, text=rule.text, why=why, trigger="tier", source=rule.source)
        for rule in questionnaire.obligations
        if tier in rule.tiers and not applied.intersection(rule.excluded_by_floors)
    ]


def condition_obligations(
    questionnaire: Questionnaire, answers: Mapping[str, Answer]
) -> list[Obligation]:
    """The obligations whose condition the (cleaned) answers meet, in data order.

    Examples
    --------
    >>> from tianping.tiering import condition_obligations, load_questionnaire
    >>> [o.id for o in condition_obligations(load_questionnaire(), {"generative": True})]
    ['genai.content_safety', 'genai.aigc_labelling']
    """
    return [
        Obligation(
            id=rule.id, text=rule.text, why=rule.why, trigger="condition", source=rule.source
        )
        for rule in questionnaire.obligations
        if rule.when is not None and rule.why is not None and rule.when.holds(answers)
    ]


def _chosen(answer: Answer) -> list[str]:
    return answer if isinstance(answer, list) else []


def _answer_text(question: Question, answer: bool | str | tuple[str, ...]) -> LocalizedText:
    return LocalizedText(
        zh=question.answer_label(answer, "zh-Hans"), en=question.answer_label(answer, "en")
    )
