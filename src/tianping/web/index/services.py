"""Actions of the index: compute a signed, ledgered scorecard; the owner's reply; publication;
energy reports; raters' scores and the resolution of their disagreements."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tianping.certification import canonical
from tianping.index import (
    ResponsibilityIndexError,
    item_hash,
    parse_evidence,
    rank_ranges,
    score,
    scorecard_json,
)
from tianping.ledger import sign_note
from tianping.web.core import signing
from tianping.web.index import evidence, selectors
from tianping.web.index.models import (
    AlgorithmFiling,
    EnergyMethod,
    EnergyReport,
    FilingStatus,
    IndicatorRating,
    RatingResolution,
    ScorecardState,
    StoredScorecard,
)
from tianping.web.ledger.services import ledger_record_action
from tianping.web.systems.models import AISystem

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Weight draws for the sensitivity ranges of a jurisdiction (seeded: the same evidence gives
#: the same ranges).
DRAWS = 1000
SEED = 0
SIGNER_NAME = "tianping-scorecards"

ERR_NOT_OWNER = gettext_lazy("Only the system's applicants and administrators may do this.")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _digest(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


# --- scorecards -----------------------------------------------------------------------------


@transaction.atomic
def scorecard_compute(*, actor: User, system: AISystem) -> StoredScorecard:
    """Compute ``system``'s scorecard under the newest specification, ranked within its
    jurisdiction; store it as the next version, sign it and append its hash to the ledger.

    The owner or a regulator of the system computes; the new version is a draft until
    published.
    """
    _require(
        selectors.is_owner(actor, system) or selectors.is_regulator_of(actor, system),
        _("Only the system's owner or a regulator over it may compute its scorecard."),
    )
    spec = selectors.spec()
    regulator, population = selectors.population_of(system)
    entries: list[dict[str, Any]] = []
    confidential: list[str] = []
    for member in population.order_by("pk"):
        entry, secret = evidence.collect(member)
        entries.append(entry)
        if member.pk == system.pk:
            own, confidential = entry, secret
    try:
        systems = parse_evidence({"systems": entries}, spec, source=system.name)
    except ResponsibilityIndexError as exc:
        raise ValidationError(str(exc)) from exc
    ref = evidence.system_ref(system)
    mine = next(s for s in systems if s.system == ref)
    card = score(spec, mine)
    ranges = rank_ranges(spec, systems, draws=DRAWS, seed=SEED)
    mine_range = next(r for r in ranges.systems if r.system == ref)
    for item in own["evidence"]:
        item["sha256"] = item_hash(item)
    card_json = scorecard_json(card, spec)
    evidence_sha256 = _digest(own)
    sha256 = _digest({"card": card_json, "evidence_sha256": evidence_sha256})
    # The system's row is locked so that two computations take two versions in turn.
    AISystem.objects.select_for_update().filter(pk=system.pk).first()
    version = (
        StoredScorecard.objects.filter(system=system).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    note = sign_note(
        f"tianping.scorecard/1\n{ref} v{version}\nspec {spec.version}\nsha256 {sha256}\n",
        signing.signer(signing.SCORECARDS, SIGNER_NAME),
    )
    now = timezone.now()
    stored = StoredScorecard.objects.create(
        system=system,
        version=version,
        spec_version=spec.version,
        evidence=own,
        evidence_sha256=evidence_sha256,
        confidential=confidential,
        card=card_json,
        total=float(card.total),
        score_low=mine_range.score_range.low,
        score_high=mine_range.score_range.high,
        rank=mine_range.zero.rank,
        rank_low=mine_range.rank_range.low,
        rank_high=mine_range.rank_range.high,
        population=len(systems),
        jurisdiction=regulator.name if regulator is not None else system.organisation.name,
        sha256=sha256,
        signature=note,
        reply_due=now + timedelta(days=spec.reply_period_days),
        computed_by=actor,
    )
    stored.ledger_index = ledger_record_action(
        actor=actor,
        kind="index.scorecard_computed",
        subject=stored,
        system=system,
        payload={"version": version, "spec": spec.version, "sha256": sha256},
    )
    stored.save(update_fields=["ledger_index"])
    return stored


def _draft(card: StoredScorecard) -> None:
    if card.state != ScorecardState.DRAFT:
        raise ValidationError(_("This scorecard is already published."))


@transaction.atomic
def scorecard_reply(*, actor: User, card: StoredScorecard, reply: str) -> StoredScorecard:
    """The owner's reply to a draft, within the reply period; published with the scorecard."""
    _require(selectors.is_owner(actor, card.system), str(ERR_NOT_OWNER))
    _draft(card)
    if timezone.now() > card.reply_due:
        raise ValidationError(_("The period for a reply has ended."))
    text = reply.strip()
    if not text:
        raise ValidationError({"reply": [_("Write a reply.")]})
    card.reply = text
    card.replied_at = timezone.now()
    card.save(update_fields=["reply", "replied_at"])
    return card


@transaction.atomic
def scorecard_publish(*, actor: User, card: StoredScorecard) -> StoredScorecard:
    """Publish a draft: the owner at any time; a regulator over the system once the owner has
    replied or the reply period has ended."""
    owner = selectors.is_owner(actor, card.system)
    regulator = selectors.is_regulator_of(actor, card.system)
    _require(
        owner or regulator,
        _("Only the system's owner or a regulator over it may publish its scorecard."),
    )
    _draft(card)
    if not owner and card.replied_at is None and timezone.now() <= card.reply_due:
        raise ValidationError(
            _("The owner may still reply: a regulator may publish once the period has ended.")
        )
    card.state = ScorecardState.PUBLISHED
    card.published_at = timezone.now()
    card.published_by = actor
    card.save(update_fields=["state", "published_at", "published_by"])
    ledger_record_action(
        actor=actor,
        kind="index.scorecard_published",
        subject=card,
        system=card.system,
        payload={"version": card.version, "sha256": card.sha256},
    )
    return card


# --- energy ---------------------------------------------------------------------------------


@transaction.atomic
def energy_record(
    *,
    actor: User,
    system: AISystem,
    phase: str,
    method: str,
    kwh: Decimal,
    method_note: str,
    period_end: date,
    confidential: bool = False,
) -> EnergyReport:
    """Record energy used in training or inference: measured, or estimated with its method."""
    _require(selectors.is_owner(actor, system), str(ERR_NOT_OWNER))
    note = method_note.strip()
    if method == EnergyMethod.ESTIMATED and not note:
        raise ValidationError({"method_note": [_("State how the energy was estimated.")]})
    if kwh < 0:
        raise ValidationError({"kwh": [_("Energy cannot be negative.")]})
    if period_end > timezone.localdate():
        raise ValidationError({"period_end": [_("The period cannot end in the future.")]})
    return EnergyReport.objects.create(
        system=system,
        phase=phase,
        method=method,
        kwh=kwh,
        method_note=note,
        period_end=period_end,
        confidential=confidential,
        recorded_by=actor,
    )


# --- algorithm filing -----------------------------------------------------------------------


@transaction.atomic
def algorithm_filing_record(
    *,
    actor: User,
    system: AISystem,
    regime: str,
    status: str,
    filing_number: str = "",
    authority: str = "",
    filed_on: date | None = None,
    note: str = "",
) -> AlgorithmFiling:
    """Record the state of a system's algorithm filing under one regime; the latest record of
    each regime counts. A filed algorithm has its filing number and date."""
    _require(selectors.is_owner(actor, system), str(ERR_NOT_OWNER))
    number = filing_number.strip()
    errors: dict[str, list[str]] = {}
    if status == FilingStatus.FILED:
        if not number:
            errors["filing_number"] = [_("Give the filing number of a filed algorithm.")]
        if filed_on is None:
            errors["filed_on"] = [_("Give the day the algorithm was filed.")]
    if filed_on is not None and filed_on > timezone.localdate():
        errors["filed_on"] = [_("The filing day cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    return AlgorithmFiling.objects.create(
        system=system,
        regime=regime,
        status=status,
        filing_number=number,
        authority=authority.strip(),
        filed_on=filed_on,
        note=note.strip(),
        recorded_by=actor,
    )


# --- raters ---------------------------------------------------------------------------------


def _rated_indicator(indicator_id: str) -> int:
    indicator = selectors.spec().indicator(indicator_id)
    if indicator is None or indicator.rule.automatic:
        raise ValidationError({"indicator": [_("This indicator is not scored by raters.")]})
    return indicator.levels


@transaction.atomic
def rating_record(*, actor: User, system: AISystem, indicator: str, score: int) -> IndicatorRating:
    """One rater's score of a human-rated indicator; two raters score each indicator."""
    _require(
        selectors.is_regulator_of(actor, system),
        _("Only a regulator over the system may rate its indicators."),
    )
    top = _rated_indicator(indicator)
    if not 0 <= score <= top:
        raise ValidationError({"score": [_("The score is from 0 to %(top)s.") % {"top": top}]})
    AISystem.objects.select_for_update().filter(pk=system.pk).first()  # one rating at a time
    given = IndicatorRating.objects.filter(system=system, indicator=indicator)
    if given.filter(rater=actor).exists():
        raise ValidationError(_("You have already rated this indicator."))
    if given.count() >= 2:
        raise ValidationError(_("Two raters have already rated this indicator."))
    return IndicatorRating.objects.create(
        system=system, indicator=indicator, rater=actor, score=score
    )


@transaction.atomic
def rating_resolve(
    *, actor: User, system: AISystem, indicator: str, score: int, note: str
) -> RatingResolution:
    """A third person (a regulator over the system, not one of the raters) resolves two
    raters' disagreement on record."""
    _require(
        selectors.is_regulator_of(actor, system),
        _("Only a regulator over the system may resolve a disagreement."),
    )
    top = _rated_indicator(indicator)
    scores = list(IndicatorRating.objects.filter(system=system, indicator=indicator))
    if len(scores) < 2 or len({r.score for r in scores}) == 1:
        raise ValidationError(_("The two raters do not disagree on this indicator."))
    if any(r.rater_id == actor.pk for r in scores):
        raise ValidationError(_("A rater cannot resolve a disagreement they are part of."))
    if RatingResolution.objects.filter(system=system, indicator=indicator).exists():
        raise ValidationError(_("This disagreement is already resolved."))
    if not 0 <= score <= top:
        raise ValidationError({"score": [_("The score is from 0 to %(top)s.") % {"top": top}]})
    if not note.strip():
        raise ValidationError({"note": [_("Say how the disagreement was resolved.")]})
    return RatingResolution.objects.create(
        system=system, indicator=indicator, score=score, note=note.strip(), resolved_by=actor
    )
