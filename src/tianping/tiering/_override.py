"""A human override of the computed tier, recorded beside it.

A reviewer may disagree with the computed tier. The override needs a written
justification (at least ``min_justification_chars`` characters, from the
questionnaire data) and a name; the result keeps the computed tier and records
who, when, why, and whether the override goes below a floor that an answer
forced. Going below a floor is refused unless every floor gone below is
``overridable``; then the override is marked ``needs_confirmation``: it waits
for the regulator over the system's organisation, and until then the floor's
tier stays in force (the platform keeps that state).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from tianping.tiering._errors import FloorOverrideError, OverrideError
from tianping.tiering._models import TIERS, Override, Questionnaire, TierResult, tier_rank
from tianping.tiering._questionnaire import load_questionnaire
from tianping.tiering._scoring import tier_obligations
from tianping.tiering.messages import (
    ERR_OVERRIDE_BELOW_FLOOR,
    ERR_OVERRIDE_BY,
    ERR_OVERRIDE_JUSTIFICATION,
    ERR_OVERRIDE_TIER,
    ERR_OVERRIDE_VERSION,
    OVERRIDE_BELOW_FLOOR_HINT,
)


def override_tier(
    result: TierResult,
    *,
    tier: str,
    justification: str,
    by: str,
    questionnaire: Questionnaire | None = None,
    at: dt.datetime | None = None,
) -> TierResult:
    """Override a result's tier by human decision, keeping the computed tier on record.

    The tier's obligations are replaced by those of the new tier (less any a
    floor that applies excludes); obligations that come from the answers
    (export, generative, PIPL …) stay, as does ``expert_review_required``.
    Overriding an overridden result keeps the originally computed tier.

    An override below a floor that may not be overridden is refused
    (:class:`FloorOverrideError`); one below floors that all allow it is
    recorded with ``needs_confirmation``: the regulator over the system's
    organisation must confirm it before it takes effect.

    Parameters
    ----------
    result
        The result to override.
    tier
        The tier decided: ``low``, ``medium`` or ``high``.
    justification
        Why, in writing (surrounding blanks do not count toward the minimum).
    by
        The name of the person deciding.
    questionnaire
        The questionnaire that scored ``result`` (default: the built-in one);
        its version must match the result's.
    at
        When, time-zone aware (default: now, UTC).

    Returns
    -------
    TierResult
        A new result with ``tier`` set and ``override`` recorded.

    Raises
    ------
    FloorOverrideError
        If the tier is below a floor that may not be overridden.
    OverrideError
        If the justification is too short, the name is blank, the tier is
        unknown or the questionnaire version differs.

    Examples
    --------
    >>> from tianping.tiering import override_tier, score_intake
    >>> result = score_intake({
    ...     "personal_info": False, "affects_rights": False, "automated_decisions": ["none"],
    ...     "public_facing": False, "generative": False, "third_party_components": True,
    ...     "exported": False, "listed_activities": ["none"], "scale": "lt_10k",
    ...     "mitigations": ["none"],
    ... })
    >>> raised = override_tier(
    ...     result, tier="medium", by="Li Wei",
    ...     justification="Pilot deployment at a hospital site; treat as medium.",
    ... )
    >>> raised.tier, raised.computed_tier, raised.override.below_floor
    ('medium', 'low', False)

    Automated credit decisions force at least medium, a floor that allows an
    override with the regulator's confirmation:

    >>> credit = score_intake({
    ...     "personal_info": False, "affects_rights": False, "automated_decisions": ["credit"],
    ...     "public_facing": False, "generative": False, "third_party_components": False,
    ...     "exported": False, "listed_activities": ["none"], "scale": "lt_10k",
    ...     "mitigations": ["none"],
    ... })
    >>> lowered = override_tier(
    ...     credit, tier="low", by="Li Wei",
    ...     justification="Scores only staff loans under manual approval.",
    ... )
    >>> lowered.override.floors, lowered.override.needs_confirmation
    (('automated_hiring_or_credit',), True)
    """
    questionnaire = questionnaire or load_questionnaire()
    if questionnaire.version != result.questionnaire_version:
        raise OverrideError(
            ERR_OVERRIDE_VERSION,
            params={
                "result_version": result.questionnaire_version,
                "version": questionnaire.version,
            },
        )
    if tier not in TIERS:
        raise OverrideError(
            ERR_OVERRIDE_TIER, params={"tier": repr(tier), "tiers": ", ".join(TIERS)}
        )
    text = justification.strip() if isinstance(justification, str) else ""
    minimum = questionnaire.min_justification_chars
    if len(text) < minimum:
        raise OverrideError(
            ERR_OVERRIDE_JUSTIFICATION, params={"minimum": minimum, "length": len(text)}
        )
    name = by.strip() if isinstance(by, str) else ""
    if not name:
        raise OverrideError(ERR_OVERRIDE_BY)

    new_tier = next(t for t in TIERS if t == tier)
    floor = result.floor_tier
    applied = [r for r in result.reasons if r.kind == "floor" and r.rule and r.floor]
    below = [r for r in applied if r.floor and tier_rank(new_tier) < tier_rank(r.floor)]
    refusing = [r.rule for r in below if r.rule and not _overridable(questionnaire, r.rule)]
    if refusing:
        highest = max((r.floor for r in below if r.rule in refusing and r.floor), key=tier_rank)
        raise FloorOverrideError(
            ERR_OVERRIDE_BELOW_FLOOR,
            hint=OVERRIDE_BELOW_FLOOR_HINT,
            params={
                "floor": questionnaire.tier_label(highest),
                "floors": ", ".join(refusing),
                "tier": questionnaire.tier_label(new_tier),
            },
        )
    gone_below = tuple(r.rule for r in below if r.rule)
    record = Override(
        tier=new_tier,
        computed_tier=result.computed_tier,
        justification=text,
        by=name,
        at=at or dt.datetime.now(dt.UTC),
        below_floor=floor is not None and tier_rank(new_tier) < tier_rank(floor),
        floor=floor,
        floors=gone_below,
        needs_confirmation=bool(gone_below),
    )
    kept = [o for o in result.obligations if o.trigger == "condition"]
    floor_ids = [r.rule for r in applied if r.rule]
    return dataclasses.replace(
        result,
        tier=new_tier,
        override=record,
        obligations=(*tier_obligations(questionnaire, new_tier, floors=floor_ids), *kept),
    )


def _overridable(questionnaire: Questionnaire, floor_id: str) -> bool:
    """Whether the floor allows an override below it (an unknown floor does not)."""
    try:
        return questionnaire.scoring.floor(floor_id).overridable
    except KeyError:
        return False
