"""Pages of the index: per organisation and per system (signed in), rankings within a
jurisdiction for regulators with CSV and JSON export, and the public methodology page and
published scorecards (no login)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tianping import csvsafe
from tianping.index import ResponsibilityIndexError, agreement, load_spec, parse_evidence
from tianping.web.accounts.selectors import visible_organisations
from tianping.web.core.actions import post_and_redirect
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.index import selectors, services
from tianping.web.index.forms import (
    AlgorithmFilingForm,
    EnergyForm,
    RatingForm,
    ReplyForm,
    ResolveForm,
)
from tianping.web.index.labels import CONFIDENCE_LABELS, RULE_LABELS, SCALE_LABELS
from tianping.web.index.models import (
    AlgorithmFiling,
    EnergyReport,
    IndicatorRating,
    RatingResolution,
    StoredScorecard,
)
from tianping.web.systems.models import AISystem


def _system(request: HttpRequest, system_id: int) -> AISystem:
    return get_object_or_404(selectors.visible_systems(request.user), pk=system_id)


def _owned(request: HttpRequest, system_id: int) -> AISystem:
    """A visible system whose owner ``request``'s user acts for (others: 403)."""
    item = _system(request, system_id)
    if not selectors.is_owner(request.user, item):
        raise PermissionDenied(services.ERR_NOT_OWNER)
    return item


def _card(request: HttpRequest, scorecard_id: int) -> StoredScorecard:
    systems = selectors.visible_systems(request.user)
    return get_object_or_404(
        StoredScorecard.objects.filter(system__in=systems).select_related("system"),
        pk=scorecard_id,
    )


def _indicator_rows(
    card: dict[str, Any], items: list[dict[str, Any]], *, public: bool
) -> list[dict[str, Any]]:
    """Each indicator of a stored scorecard with its name, definition and evidence items."""
    spec = selectors.spec()
    language = get_language()
    by_id = {item["id"]: item for item in items}
    rows = []
    for entry in card.get("indicators", []):
        indicator = spec.indicator(entry["id"])
        evidence = []
        for ref in entry.get("evidence", []):
            item = by_id.get(ref["id"])
            evidence.append(
                {
                    "id": ref["id"],
                    "sha256": ref["sha256"],
                    "redacted": ref["id"] == selectors.REDACTED,
                    "source": "" if public or item is None else item.get("source", ""),
                }
            )
        rows.append(
            {
                "id": entry["id"],
                "name": indicator.name.get(language) if indicator else entry["id"],
                "rule": RULE_LABELS.get(indicator.rule.kind, "") if indicator else "",
                "domain": entry["domain"],
                "value": entry["value"],
                "points": entry["points"],
                "missing": entry["missing"],
                "evidence": evidence,
            }
        )
    return rows


def _history(system: AISystem, limit: int = selectors.HISTORY_LIMIT) -> dict[str, Any]:
    """The system's history as the page shows it: per scorecard, its score under each
    specification version in column order, and each version's change notes."""
    data = selectors.history(system, get_language(), limit=limit)
    versions = data["versions"]
    rows = [
        {
            "scorecard": point["scorecard"],
            "computed_at": datetime.fromisoformat(point["computed_at"]),
            "spec": point["spec"],
            "cells": [
                {
                    "version": v,
                    "score": point["scores"][v],
                    "missing": point["missing"][v],
                    "own": v == point["spec"],
                }
                for v in versions
            ],
        }
        for point in data["points"]
    ]
    return {"versions": versions, "rows": rows, "changes": data["changes"]}


def _domain_names() -> dict[str, str]:
    language = get_language()
    return {d.id: d.name.get(language) for d in selectors.spec().domains}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    organisations = visible_organisations(request.user).order_by("name")[:200]
    regulator = selectors.regulated_systems(request.user).exists()
    return render(
        request, "index/home.html", {"organisations": organisations, "regulator": regulator}
    )


@login_required
@require_GET
def organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    org = get_object_or_404(visible_organisations(request.user), pk=organisation_id)
    systems = list(AISystem.objects.filter(organisation=org).order_by("name")[:200])
    rows = [(system, selectors.latest(system)) for system in systems]
    histories = [
        (system, _history(system, selectors.ORGANISATION_HISTORY_LIMIT))
        for system, card in rows
        if card is not None
    ]
    return render(
        request,
        "index/organisation.html",
        {"organisation": org, "rows": rows, "histories": histories},
    )


@login_required
@require_GET
def system(request: HttpRequest, system_id: int) -> HttpResponse:
    item = _system(request, system_id)
    card = selectors.latest(item)
    spec = selectors.spec()
    owner = selectors.is_owner(request.user, item)
    regulator = selectors.is_regulator_of(request.user, item)
    ratings = IndicatorRating.objects.filter(system=item).select_related("rater")
    resolutions = RatingResolution.objects.filter(system=item).select_related("resolved_by")
    context: dict[str, Any] = {
        "system": item,
        "card": card,
        "history": StoredScorecard.objects.filter(system=item).order_by("-version")[:20],
        "versions_history": _history(item),
        "algorithm_filings": AlgorithmFiling.objects.filter(system=item),
        "energy": EnergyReport.objects.filter(system=item),
        "ratings": ratings,
        "resolutions": resolutions,
        "owner": owner,
        "regulator": regulator,
        "domains": _domain_names(),
        "spec_version": spec.version,
    }
    if card is not None:
        context["rows"] = _indicator_rows(
            card.card, card.evidence.get("evidence", []), public=False
        )
        try:
            population = parse_evidence({"systems": [card.evidence]}, load_spec(card.spec_version))
            context["agreement"] = agreement(population)
        except ResponsibilityIndexError:
            context["agreement"] = None  # no two raters' scores to compare yet
    if owner:
        context["energy_form"] = EnergyForm()
        context["algorithm_filing_form"] = AlgorithmFilingForm(prefix="filing")
        context["reply_form"] = ReplyForm()
    if regulator:
        context["rating_form"] = RatingForm(spec=spec)
        context["resolve_form"] = ResolveForm(spec=spec, prefix="resolve")
    return render(request, "index/system.html", context)


def _back(system_id: int) -> str:
    return reverse("index:system", args=[system_id])


@login_required
@require_POST
def compute(request: AuthenticatedHttpRequest, system_id: int) -> HttpResponse:
    item = _system(request, system_id)
    return post_and_redirect(
        request,
        lambda _data: services.scorecard_compute(actor=request.user, system=item),
        back=_back(item.pk),
        success=_("The scorecard was computed, signed and recorded in the ledger."),
    )


@login_required
@require_POST
def energy(request: AuthenticatedHttpRequest, system_id: int) -> HttpResponse:
    item = _owned(request, system_id)
    return post_and_redirect(
        request,
        lambda data: services.energy_record(actor=request.user, system=item, **data),
        back=_back(item.pk),
        success=_("The energy report was recorded."),
        form=EnergyForm(request.POST),
    )


@login_required
@require_POST
def algorithm_filing(request: AuthenticatedHttpRequest, system_id: int) -> HttpResponse:
    item = _owned(request, system_id)
    return post_and_redirect(
        request,
        lambda data: services.algorithm_filing_record(actor=request.user, system=item, **data),
        back=_back(item.pk),
        success=_("The algorithm filing was recorded."),
        form=AlgorithmFilingForm(request.POST, prefix="filing"),
    )


@login_required
@require_POST
def rate(request: AuthenticatedHttpRequest, system_id: int) -> HttpResponse:
    item = _system(request, system_id)
    return post_and_redirect(
        request,
        lambda data: services.rating_record(actor=request.user, system=item, **data),
        back=_back(item.pk),
        success=_("Your rating was recorded."),
        form=RatingForm(request.POST, spec=selectors.spec()),
    )


@login_required
@require_POST
def resolve(request: AuthenticatedHttpRequest, system_id: int) -> HttpResponse:
    item = _system(request, system_id)
    return post_and_redirect(
        request,
        lambda data: services.rating_resolve(actor=request.user, system=item, **data),
        back=_back(item.pk),
        success=_("The disagreement was resolved on record."),
        form=ResolveForm(request.POST, spec=selectors.spec(), prefix="resolve"),
    )


@login_required
@require_POST
def reply(request: AuthenticatedHttpRequest, scorecard_id: int) -> HttpResponse:
    card = _card(request, scorecard_id)
    return post_and_redirect(
        request,
        lambda data: services.scorecard_reply(actor=request.user, card=card, **data),
        back=_back(card.system_id),
        success=_("Your reply was recorded; it is published with the scorecard."),
        form=ReplyForm(request.POST),
    )


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest, scorecard_id: int) -> HttpResponse:
    card = _card(request, scorecard_id)
    return post_and_redirect(
        request,
        lambda _data: services.scorecard_publish(actor=request.user, card=card),
        back=_back(card.system_id),
        success=_("The scorecard was published."),
    )


def _export(card: StoredScorecard, *, public: bool) -> dict[str, Any]:
    return selectors.export(card, public=public)


@login_required
@require_GET
def scorecard_json(request: HttpRequest, scorecard_id: int) -> HttpResponse:
    card = _card(request, scorecard_id)
    response = JsonResponse(_export(card, public=False), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="scorecard-{card.pk}.json"'
    return response


@login_required
@require_GET
def rankings(request: HttpRequest) -> HttpResponse:
    if not selectors.regulated_systems(request.user).exists():
        raise Http404
    return render(request, "index/rankings.html", {"cards": selectors.rankings(request.user)})


RANKING_COLUMNS = (
    "system",
    "organisation",
    "version",
    "spec",
    "state",
    "score",
    "score_low",
    "score_high",
    "rank",
    "rank_low",
    "rank_high",
    "systems_ranked",
    "jurisdiction",
    "sha256",
)


@login_required
@require_GET
def rankings_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json") or not selectors.regulated_systems(request.user).exists():
        raise Http404
    cards = selectors.rankings(request.user)
    if fmt == "json":
        data = {"rankings": [_export(c, public=False) for c in cards]}
        response: HttpResponse = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    else:
        out = io.StringIO()
        writer = csvsafe.writer(out)
        writer.writerow(RANKING_COLUMNS)
        for c in cards:
            writer.writerow(
                [
                    c.system.name,
                    c.system.organisation.name,
                    c.version,
                    c.spec_version,
                    c.state,
                    c.total,
                    c.score_low,
                    c.score_high,
                    c.rank,
                    c.rank_low,
                    c.rank_high,
                    c.population,
                    c.jurisdiction,
                    c.sha256,
                ]
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="index-rankings.{fmt}"'
    return response


# --- public -------------------------------------------------------------------------------------


@require_GET
def methodology(request: HttpRequest) -> HttpResponse:
    spec = selectors.spec()
    language = get_language()
    weights = dict(zip((i.id for i in spec.indicators), spec.effective_weights(), strict=True))
    domains = [
        {
            "id": d.id,
            "name": d.name.get(language),
            "indicators": [
                {
                    "id": i.id,
                    "name": i.name.get(language),
                    "definition": i.definition.get(language),
                    "scale": SCALE_LABELS.get(i.scale, i.scale),
                    "levels": i.levels,
                    "rule": RULE_LABELS.get(i.rule.kind, i.rule.kind),
                    "automatic": i.rule.automatic,
                    "points": float(weights[i.id] * 100),
                    "basis": i.basis.get(language) if i.basis else "",
                    "confidence": CONFIDENCE_LABELS.get(i.confidence, ""),
                }
                for i in spec.indicators
                if i.domain == d.id
            ],
        }
        for d in spec.domains
    ]
    return render(
        request,
        "index/methodology.html",
        {
            "spec": spec,
            "title": spec.title.get(language),
            "domains": domains,
            "changes": spec.changes.get(language) if spec.changes else "",
        },
    )


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    cards = selectors.public_scorecards().order_by("-published_at", "-pk")[:200]
    return render(request, "index/public_list.html", {"cards": cards})


@require_GET
def public_scorecard(request: HttpRequest, scorecard_id: int) -> HttpResponse:
    card = get_object_or_404(selectors.public_scorecards(), pk=scorecard_id)
    redacted = selectors.redacted_card(card)
    rows = _indicator_rows(redacted, selectors.public_evidence(card), public=True)
    return render(
        request,
        "index/public_scorecard.html",
        {"card": card, "rows": rows, "domains": _domain_names()},
    )


@require_GET
def public_scorecard_json(request: HttpRequest, scorecard_id: int) -> HttpResponse:
    card = get_object_or_404(selectors.public_scorecards(), pk=scorecard_id)
    return JsonResponse(_export(card, public=True), json_dumps_params={"ensure_ascii": False})
