"""A human override of the computed tier, recorded beside it.

A reviewer may disagree with the computed tier. The override needs a written
justification (at least ``min_justification_chars`` characters, from the
questionnaire data) and a name; the result keeps the computed tier and records
who, when, why, and whether the override goes below a floor that an answer
forced — allowed, but visible.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from tianping.tiering._errors import OverrideError
from tianping.tiering._models import TIERS, Override, Questionnaire, TierResult, tier_rank
from tianping.tiering._questionnaire import load_questionnaire
from tianping.tiering._scoring import tier_obligations
from tianping.tiering.messages import (
    ERR_OVERRIDE_BY,
    ERR_OVERRIDE_JUSTIFICATION,
    ERR_OVERRIDE_TIER,
    ERR_OVERRIDE_VERSION,
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

    The tier's obligations are replaced by those of the new tier; obligations
    that come from the answers (export, generative, PIPL …) stay, as does
    ``expert_review_required``. Overriding an overridden result keeps the
    originally computed tier.

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
    record = Override(
        tier=new_tier,
        computed_tier=result.computed_tier,
        justification=text,
        by=name,
        at=at or dt.datetime.now(dt.UTC),
        below_floor=floor is not None and tier_rank(new_tier) < tier_rank(floor),
        floor=floor,
    )
    kept = [o for o in result.obligations if o.trigger == "condition"]
    return dataclasses.replace(
        result,
        tier=new_tier,
        override=record,
        obligations=(*tier_obligations(questionnaire, new_tier), *kept),
    )
