"""Intake and risk tiering: questionnaire answers → risk tier → obligations.

The questions, their scoring and the obligations are data
(``tiering/data/questionnaire.yaml``, versioned); this package reads the data,
checks answers against it and scores them. The method follows the shape of an
algorithmic impact assessment (Canada's AIA).

Terms
-----
intake
    The answers an applicant gives about one AI system, ``{question id: answer}``.
questionnaire
    One version of the questions (:class:`Questionnaire`, :class:`Question`,
    :class:`Choice`), with its scoring model and obligation rules. Question and
    choice ids are stable: stored intakes and other packages use them.
condition
    A test on the answers (:class:`Clause`, :class:`AllOf`, :class:`AnyOf`): when
    a question applies (``requires``), when a floor or obligation applies (``when``).
contradiction
    Answers that cannot both be true: a question answered although its
    ``requires`` condition does not hold (sensitive PI without personal
    information), or an exclusive choice (``none``) with others.
raw impact
    The sum of the impact points of the answers.
mitigation credit
    Points taken off the raw impact for mitigations in place: a capped
    percentage, applied only to the part of the raw impact above a floor.
final score, band
    Raw impact minus credit; the band it falls in gives a tier.
floor
    An answer pattern that forces a minimum tier whatever the score (an activity
    on the expert re-review list → high); mitigation never lowers the tier
    below a floor.
tier
    ``low``, ``medium`` or ``high``: the higher of the band's tier and the floors.
listed activity, expert re-review
    An activity on the list annexed to the S&T Ethics Review Measures (Trial),
    2023; such systems need an expert re-review after the committee's review.
obligation
    What the applicant must do: those of the tier (fast-track, standard or
    enhanced review …) and those an answer triggers (export ethical review,
    TC260-003 assessment, PIPL impact assessment …).
override
    A human decision to set another tier, with a justification and a name,
    recorded beside the computed tier. Below a floor it is refused unless the
    floor is ``overridable``; then it needs the confirmation of the regulator
    over the system's organisation (:class:`FloorOverrideError`,
    ``Override.needs_confirmation``).

Messages
--------
Every message the package gives is a bilingual constant in
:mod:`tianping.tiering.messages` (``ERR_REQUIRED``, ``ERR_CONTRADICTION`` …);
errors carry the template and its parameters, so callers can show them in
either language (``IntakeValidationError.errors_localized("zh-Hans")``).

Examples
--------
>>> from tianping.tiering import score_intake
>>> result = score_intake({
...     "personal_info": False, "affects_rights": False, "automated_decisions": ["none"],
...     "public_facing": False, "generative": False, "third_party_components": True,
...     "exported": True, "export_markets": ["asean"], "listed_activities": ["none"],
...     "scale": "lt_10k", "mitigations": ["monitoring"],
... })
>>> result.tier, [o.id for o in result.obligations]
('medium', ['review.standard', 'export.ethics_review', 'export.upstream_components'])
"""

from tianping.tiering._document import MAX_ANSWERS_BYTES, read_answers
from tianping.tiering._errors import (
    NON_FIELD,
    FieldError,
    FloorOverrideError,
    IntakeDocumentError,
    IntakeError,
    IntakeValidationError,
    OverrideError,
    QuestionnaireError,
    TieringError,
)
from tianping.tiering._models import (
    TIERS,
    AllOf,
    Answer,
    AnyOf,
    Band,
    Choice,
    Clause,
    Condition,
    Floor,
    Mitigation,
    Obligation,
    ObligationRule,
    Override,
    Question,
    Questionnaire,
    QuestionType,
    Reason,
    Score,
    ScoringModel,
    Tier,
    TierDefinition,
    TierResult,
    tier_rank,
)
from tianping.tiering._override import override_tier
from tianping.tiering._questionnaire import (
    load_questionnaire,
    parse_condition,
    parse_questionnaire,
)
from tianping.tiering._scoring import condition_obligations, score_intake, tier_obligations
from tianping.tiering._validation import validate_answers

__all__ = [
    "MAX_ANSWERS_BYTES",
    "NON_FIELD",
    "TIERS",
    "AllOf",
    "Answer",
    "AnyOf",
    "Band",
    "Choice",
    "Clause",
    "Condition",
    "FieldError",
    "Floor",
    "FloorOverrideError",
    "IntakeDocumentError",
    "IntakeError",
    "IntakeValidationError",
    "Mitigation",
    "Obligation",
    "ObligationRule",
    "Override",
    "OverrideError",
    "Question",
    "QuestionType",
    "Questionnaire",
    "QuestionnaireError",
    "Reason",
    "Score",
    "ScoringModel",
    "Tier",
    "TierDefinition",
    "TierResult",
    "TieringError",
    "condition_obligations",
    "load_questionnaire",
    "override_tier",
    "parse_condition",
    "parse_questionnaire",
    "read_answers",
    "score_intake",
    "tier_obligations",
    "tier_rank",
    "validate_answers",
]
