"""API endpoints of the Machine Responsibility Index (under ``/api/index``).

``GET /api/index/methodology`` (public): the specification the platform scores under.
``GET /api/index/systems/{id}/scorecard``: the latest scorecard of a system its reader may see
(any state, in full, with ``history``: every scorecard's evidence scored again under each
specification version, and each version's change notes), or else its latest published
scorecard as the public sees it (``history`` null).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.core.validation import check_pk
from tianping.web.index import selectors
from tianping.web.index.labels import CONFIDENCE_LABELS, RULE_LABELS, SCALE_LABELS
from tianping.web.index.models import ScorecardState, StoredScorecard
from tianping.web.systems.models import AISystem

router = Router(tags=["index"])


class IndicatorOut(Schema):
    id: str
    domain: str
    name: str
    definition: str
    scale: str
    scale_label: str
    levels: int
    weight: float
    points: float
    rule: str
    rule_label: str
    rule_params: dict[str, Any]
    automatic: bool
    basis: str
    confidence: str
    confidence_label: str


class DomainOut(Schema):
    id: str
    name: str
    weight: float


class MethodologyOut(Schema):
    version: str
    title: str
    previous: str
    changes: str
    concentration: float
    reply_period_days: int
    domains: list[DomainOut]
    indicators: list[IndicatorOut]


class ScorecardOut(Schema):
    system_id: int
    public: bool
    system: str
    organisation: str
    version: int
    spec: str
    state: str
    score: float
    score_range: list[float]
    rank: int
    rank_range: list[float]
    systems_ranked: int
    jurisdiction: str
    sha256: str
    evidence_sha256: str
    signature: str
    ledger_index: int | None
    reply: str
    scorecard: dict[str, Any]
    evidence: list[dict[str, Any]]
    history: dict[str, Any] | None = None


def _plain(value: Any) -> Any:
    """A rule parameter as JSON data (the specification keeps them read-only)."""
    if hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


@router.get(
    "/methodology",
    response={200: MethodologyOut},
    auth=None,
    summary="The index's methodology: the newest specification's domains, indicators, "
    "weights, evidence rules and change note",
)
def index_methodology(request: Any) -> dict[str, Any]:
    spec = selectors.spec()
    language = get_language()
    total = sum(d.weight for d in spec.domains)
    shares = dict(zip((i.id for i in spec.indicators), spec.effective_weights(), strict=True))
    return {
        "version": spec.version,
        "title": spec.title.get(language),
        "previous": spec.previous,
        "changes": spec.changes.get(language) if spec.changes else "",
        "concentration": spec.concentration,
        "reply_period_days": spec.reply_period_days,
        "domains": [
            {"id": d.id, "name": d.name.get(language), "weight": float(d.weight / total)}
            for d in spec.domains
        ],
        "indicators": [
            {
                "id": i.id,
                "domain": i.domain,
                "name": i.name.get(language),
                "definition": i.definition.get(language),
                "scale": i.scale,
                "scale_label": str(SCALE_LABELS.get(i.scale, i.scale)),
                "levels": i.levels,
                "weight": float(i.weight),
                "points": float(shares[i.id] * 100),
                "rule": i.rule.kind,
                "rule_label": str(RULE_LABELS.get(i.rule.kind, i.rule.kind)),
                "rule_params": _plain(i.rule.params),
                "automatic": i.rule.automatic,
                "basis": i.basis.get(language) if i.basis else "",
                "confidence": i.confidence,
                "confidence_label": str(CONFIDENCE_LABELS.get(i.confidence, "")),
            }
            for i in spec.indicators
        ],
    }


@router.get(
    "/systems/{int:system_id}/scorecard",
    response={200: ScorecardOut, 404: Message},
    summary="A system's latest scorecard: in full for its organisation and the regulators "
    "over it, otherwise its latest published scorecard with trade secrets redacted",
)
def index_system_scorecard(
    request: AuthenticatedHttpRequest, system_id: int
) -> Status[dict[str, Any]]:
    check_pk(system_id)
    visible = selectors.visible_systems(request.user).filter(pk=system_id).first()
    card: StoredScorecard | None
    if visible is not None:
        card, public = selectors.latest(visible), False
    else:
        card = (
            selectors.public_scorecards()
            .filter(system__pk=system_id, state=ScorecardState.PUBLISHED)
            .order_by("-version")
            .first()
        )
        public = True
    if card is None and visible is not None:
        return Status(404, {"detail": _("No scorecard has been computed for this system yet.")})
    if card is None:
        raise Http404
    system: AISystem = card.system
    # The history reads every scorecard's evidence: for the system's own readers only.
    history = None if public else selectors.history(system, get_language())
    return Status(
        200,
        {
            "system_id": system.pk,
            "public": public,
            **selectors.export(card, public=public),
            "history": history,
        },
    )
