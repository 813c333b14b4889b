"""Reads of the index: who may see and do what, jurisdictions, populations, redaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tianping.index import (
    ResponsibilityIndexError,
    Specification,
    VersionChanges,
    change_log,
    load_spec,
    rescore,
    spec_versions,
)
from tianping.web.accounts.models import REGULATOR_KINDS, Organisation, Role
from tianping.web.accounts.selectors import (
    JURISDICTION_ROLES,
    has_jurisdiction,
    has_role,
    memberships_of,
    visible_organisations,
)
from tianping.web.index.models import ScorecardState, StoredScorecard
from tianping.web.systems.models import AISystem

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

OWNER_ROLES = (Role.APPLICANT, Role.ADMIN)


def spec() -> Specification:
    """The specification scorecards are computed under: the newest shipped version."""
    return load_spec()


def visible_systems(user: User | AnonymousUser) -> QuerySet[AISystem]:
    """Systems whose index pages ``user`` may read (their organisation's and those in their
    jurisdiction)."""
    return AISystem.objects.filter(organisation__in=visible_organisations(user)).select_related(
        "organisation"
    )


def is_owner(user: User | AnonymousUser, system: AISystem) -> bool:
    return has_role(user, system.organisation, OWNER_ROLES)


def is_regulator_of(user: User | AnonymousUser, system: AISystem) -> bool:
    return has_jurisdiction(user, system.organisation)


def jurisdiction_of(organisation: Organisation) -> Organisation | None:
    """The nearest regulator above (or at) ``organisation``, whose subtree ranks together."""
    ids = [int(part) for part in organisation.path.strip("/").split("/") if part.isdigit()]
    regulators = {
        o.pk: o for o in Organisation.objects.filter(pk__in=ids, kind__in=REGULATOR_KINDS)
    }
    for pk in reversed(ids):
        if pk in regulators:
            return regulators[pk]
    return None


def population_of(system: AISystem) -> tuple[Organisation | None, QuerySet[AISystem]]:
    """The jurisdiction ``system`` is ranked in, and every system in it (its organisation's
    systems when no regulator is above it)."""
    regulator = jurisdiction_of(system.organisation)
    if regulator is None:
        return None, AISystem.objects.filter(organisation=system.organisation)
    return regulator, AISystem.objects.filter(organisation__path__startswith=regulator.path)


def regulated_systems(user: User | AnonymousUser) -> QuerySet[AISystem]:
    """Every system in the jurisdictions where ``user`` is a regulator."""
    query = Q(pk__in=[])
    for membership in memberships_of(user):
        org = membership.organisation
        if org.kind in REGULATOR_KINDS and membership.role in JURISDICTION_ROLES:
            query |= Q(organisation__path__startswith=org.path)
    return AISystem.objects.filter(query).select_related("organisation")


def latest(system: AISystem) -> StoredScorecard | None:
    return StoredScorecard.objects.filter(system=system).order_by("-version").first()


def public_scorecards() -> QuerySet[StoredScorecard]:
    return StoredScorecard.objects.filter(state=ScorecardState.PUBLISHED).select_related(
        "system__organisation"
    )


def rankings(user: User | AnonymousUser) -> list[StoredScorecard]:
    """The latest scorecard of every system in ``user``'s jurisdictions, best score first."""
    cards = []
    for system in regulated_systems(user).order_by("pk"):
        card = latest(system)
        if card is not None:
            cards.append(card)
    return sorted(cards, key=lambda c: (-c.total, c.system.name, c.pk))


REDACTED = "redacted"


def redacted_card(card: StoredScorecard) -> dict[str, Any]:
    """The scorecard as the public sees it: evidence marked as a trade secret keeps its place
    and its points but loses its id, hash and source."""
    secret = set(card.confidential)
    data = dict(card.card)
    indicators = []
    for indicator in data.get("indicators", []):
        entry = dict(indicator)
        entry["evidence"] = [
            {"id": REDACTED, "sha256": REDACTED} if e["id"] in secret else e
            for e in entry.get("evidence", [])
        ]
        indicators.append(entry)
    data["indicators"] = indicators
    return data


def public_evidence(card: StoredScorecard) -> list[dict[str, Any]]:
    """The evidence items of a scorecard without those marked as trade secrets."""
    secret = set(card.confidential)
    return [item for item in card.evidence.get("evidence", []) if item["id"] not in secret]


def export(card: StoredScorecard, *, public: bool) -> dict[str, Any]:
    """A stored scorecard as JSON data; ``public``: as the public sees it (trade secrets
    redacted, the reply only once published)."""
    return {
        "system": card.system.name,
        "organisation": card.system.organisation.name,
        "version": card.version,
        "spec": card.spec_version,
        "state": card.state,
        "score": card.total,
        "score_range": [card.score_low, card.score_high],
        "rank": card.rank,
        "rank_range": [card.rank_low, card.rank_high],
        "systems_ranked": card.population,
        "jurisdiction": card.jurisdiction,
        "sha256": card.sha256,
        "evidence_sha256": card.evidence_sha256,
        "signature": card.signature,
        "ledger_index": card.ledger_index,
        "reply": card.reply if (card.published_at or not public) else "",
        "scorecard": redacted_card(card) if public else card.card,
        "evidence": public_evidence(card) if public else card.evidence.get("evidence", []),
    }


#: Scorecards a system's history goes back over (the newest first); an organisation's page
#: shows fewer per system.
HISTORY_LIMIT = 50
ORGANISATION_HISTORY_LIMIT = 10


def changes_json(changes: VersionChanges, language: str) -> dict[str, Any]:
    """One version's change notes: the generated differences and the version's own note."""
    return {
        "version": changes.version,
        "previous": changes.previous,
        "note": changes.note.get(language) if changes.note else "",
        "added": list(changes.added),
        "removed": list(changes.removed),
        "reweighted": [
            {"id": r.id, "before": float(r.before), "after": float(r.after)}
            for r in changes.reweighted
        ],
        "rule_changed": list(changes.rule_changed),
        "redefined": list(changes.redefined),
        "domains_reweighted": [
            {"id": r.id, "before": float(r.before), "after": float(r.after)}
            for r in changes.domains_reweighted
        ],
    }


def history(system: AISystem, language: str, *, limit: int = HISTORY_LIMIT) -> dict[str, Any]:
    """``system``'s scorecards over time, each one's evidence snapshot scored again under
    every shipped specification version, with each version's change notes.

    The score under the scorecard's own version is its stored score; a version that cannot
    read the snapshot gives ``None`` for that scorecard. ``limit``: the newest scorecards
    taken.
    """
    versions = spec_versions()
    specs = [load_spec(v) for v in versions]
    cards = StoredScorecard.objects.filter(system=system).order_by("-version")[:limit]
    points = []
    for card in reversed(list(cards)):
        scores: dict[str, float | None] = {}
        missing: dict[str, int | None] = {}
        for spec in specs:
            try:
                result = rescore(card.evidence, spec)
            except (ResponsibilityIndexError, KeyError, TypeError, ValueError):
                scores[spec.version], missing[spec.version] = None, None
                continue
            scores[spec.version] = float(result.total)
            missing[spec.version] = len(result.missing)
        points.append(
            {
                "scorecard": card.version,
                "computed_at": timezone.localtime(card.computed_at).isoformat(),
                "spec": card.spec_version,
                "score": card.total,
                "scores": scores,
                "missing": missing,
            }
        )
    return {
        "versions": list(versions),
        "changes": [changes_json(c, language) for c in change_log()],
        "points": points,
    }
