"""Who may read which case, searching the cases, and the cases similar to a system.

A ``public`` case is read by every signed-in user; an ``organisation`` case by
the members of its organisation and the regulators over it; a ``jurisdiction``
case also by every organisation under the regulator above its organisation
(``jurisdiction_path``). Anything else answers 404.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from tianping.cases import FACETS, SIMILAR_BOOSTS, query_language, tokenize
from tianping.text import normalise_language
from tianping.web.accounts.selectors import memberships_of
from tianping.web.cases import search
from tianping.web.cases.models import CaseRecord, CaseVisibility, Complaint
from tianping.web.core.validation import check_pk

FACET_NAMES = (*FACETS, "year")
MAX_LIMIT = 100
#: The most matches a search counts (its total and facets); beyond, ``Results.more`` is set.
COUNTED = search.CANDIDATES
MAX_QUERY_CHARS = 2_000
SIMILAR_CANDIDATES = 50
"""How many best text matches and how many cases sharing a stated field are scored as similar."""

ERR_LONG = _("The query is too long ({length} characters; at most {limit}).")
ERR_FACET = _("Unknown value {value} for the filter {facet}.")

# A system's sector in the registry → the case database's sector.
SECTOR_OF_SYSTEM = {
    "finance": "finance",
    "employment": "employment",
    "healthcare": "healthcare",
    "education": "education",
    "transport": "transport",
    "manufacturing": "manufacturing",
    "commerce": "retail",
    "media": "media",
    "customer_service": "consumer_services",
    "public_services": "public_services",
    "research": "research",
}


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def cases_visible(user: User | AnonymousUser) -> QuerySet[CaseRecord]:
    """The cases ``user`` may read (see the module's rule); a withdrawn case only by superusers."""
    if not user.is_authenticated:
        return CaseRecord.objects.none()
    if getattr(user, "is_superuser", False):
        return CaseRecord.objects.all()
    return CaseRecord.objects.filter(_readable(user), withdrawn_at__isnull=True)


def _readable(user: User) -> Q:
    query = Q(visibility=CaseVisibility.PUBLIC)
    for membership in memberships_of(user):
        organisation = membership.organisation
        # Its own cases, and those of every organisation below it (a regulator's subtree).
        query |= Q(organisation__path__startswith=organisation.path)
        query |= Q(visibility=CaseVisibility.JURISDICTION) & Q(
            jurisdiction_path__in=_prefixes(organisation.path)
        )
    return query


def case_get(user: User | AnonymousUser, code: object) -> CaseRecord:
    """A case ``user`` may read, by its id, or 404."""
    if not isinstance(code, str) or len(code) > 40:
        raise Http404
    case = cases_visible(user).filter(code=code).first()
    if case is None:
        raise Http404
    return case


def check_filters(filters: dict[str, str | None]) -> dict[str, str]:
    """The filters that are set, each checked against its vocabulary."""
    checked = {}
    for facet, value in filters.items():
        if not value:
            continue
        ok = (
            value.isdigit() and len(value) == 4
            if facet == "year"
            else facet in FACETS and value in FACETS[facet]
        )
        if not ok:
            raise ValidationError(str(ERR_FACET).format(value=value[:40], facet=facet))
        checked[facet] = value
    return checked


@dataclass
class Results:
    """One page of a search: the cases with their scores, the total and the facet counts."""

    query: str
    language: str
    total: int
    hits: list[tuple[CaseRecord, float]]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    #: More than ``total`` (:data:`COUNTED`) cases match; the facets count the first ones.
    more: bool = False


def filtered(queryset: QuerySet[CaseRecord], filters: dict[str, str]) -> QuerySet[CaseRecord]:
    for facet, value in filters.items():
        queryset = queryset.filter(**{facet: int(value) if facet == "year" else value})
    return queryset


def case_search(
    user: User | AnonymousUser,
    query: str = "",
    *,
    filters: dict[str, str | None] | None = None,
    language: str | None = None,
    limit: int = 20,
    facets: bool = True,
) -> Results:
    """The visible cases matching ``query`` (all of them when it is empty), best first."""
    if len(query) > MAX_QUERY_CHARS:
        raise ValidationError(str(ERR_LONG).format(length=len(query), limit=MAX_QUERY_CHARS))
    limit = max(0, min(limit, MAX_LIMIT))
    chosen = normalise_language(language) if language else query_language(query)
    checked = check_filters(filters or {})
    visible = filtered(cases_visible(user), checked)
    tokens = tokenize(query)
    names = FACET_NAMES if facets else ()
    if tokens:
        ranked = search.rank(visible, tokens, chosen, limit, names, keys=checked)
        records = CaseRecord.objects.in_bulk(ranked.order)
        hits = [(records[pk], ranked.scores[pk]) for pk in ranked.order]
        total, more, counts = ranked.total, ranked.more, ranked.facets
    else:
        hits = [(record, 0.0) for record in visible.order_by("-date", "code")[:limit]]
        # Counted over the COUNTED most recently added cases, as a search's matches.
        rows = list(visible.order_by("-id").values_list("id", *names)[: COUNTED + 1])
        more = len(rows) > COUNTED
        rows = rows[:COUNTED]
        total = len(rows)
        counts = {
            name: {
                str(value): n
                for value, n in Counter(row[1 + i] for row in rows).most_common()
                if value not in ("", None)
            }
            for i, name in enumerate(names)
        }
    return Results(query, chosen, total, hits, counts, more)


@dataclass(frozen=True)
class Similar:
    case: CaseRecord
    score: float
    text_score: float
    matched: tuple[str, ...]


def system_profile(system: Any) -> dict[str, Any]:
    """What similar cases are found by: the system's registry text and its coded fields."""
    parts = [
        system.name,
        system.purpose,
        system.deployment_context,
        system.people_affected,
    ]
    return {
        "text": " ".join(p for p in parts if p),
        "sector": SECTOR_OF_SYSTEM.get(system.sector),
        "system_type": None,
        "risk_category": None,
    }


def similar_cases(
    user: User | AnonymousUser,
    text: str,
    *,
    sector: str | None = None,
    system_type: str | None = None,
    risk_category: str | None = None,
    limit: int = 5,
) -> list[Similar]:
    """The visible cases most like a system: BM25 of its text against each case, divided by
    the best one, plus the library's boosts for the same risk category, sector and system type
    (:data:`tianping.cases.SIMILAR_BOOSTS`); ties go to the more recent case."""
    visible = cases_visible(user)
    stated = {
        name: value
        for name, value in (
            ("risk_category", risk_category),
            ("sector", sector),
            ("system_type", system_type),
        )
        if value
    }
    text = text[:MAX_QUERY_CHARS]
    language = query_language(text)
    tokens = tokenize(text)
    ranked = search.rank(visible, tokens, language, SIMILAR_CANDIDATES)
    best = max(ranked.scores.values(), default=0.0)
    candidates = set(ranked.order)
    for name, value in stated.items():
        candidates |= set(
            visible.filter(**{name: value})
            .order_by("-date")
            .values_list("id", flat=True)[:SIMILAR_CANDIDATES]
        )
    records = CaseRecord.objects.in_bulk(list(candidates))
    found = []
    for pk, record in records.items():
        text_score = ranked.scores.get(pk, 0.0) / best if best > 0 else 0.0
        matched = tuple(name for name, value in stated.items() if getattr(record, name) == value)
        score = text_score + sum(SIMILAR_BOOSTS[name] for name in matched)
        if score > 0:
            found.append(Similar(record, score, text_score, matched))
    found.sort(key=lambda s: (-s.score, -s.case.date.toordinal(), s.case.code))
    return found[:limit]


def complaints_visible(user: User | AnonymousUser) -> QuerySet[Complaint]:
    """The complaints about the systems of ``user``'s organisations, and those escalated to a
    regulator ``user`` belongs to (a regulator reads only the masked text)."""
    if not user.is_authenticated:
        return Complaint.objects.none()
    organisations = [m.organisation.pk for m in memberships_of(user)]
    return Complaint.objects.filter(
        Q(system__organisation__in=organisations) | Q(escalated_to__in=organisations)
    ).select_related("system__organisation", "escalated_to")


def complaint_get(user: User | AnonymousUser, complaint_id: object) -> Complaint:
    complaint = complaints_visible(user).filter(pk=check_pk(complaint_id)).first()
    if complaint is None:
        raise Http404
    return complaint


def is_complaint_owner(user: User | AnonymousUser, complaint: Complaint) -> bool:
    """Whether ``user`` belongs to the organisation of the system complained about (who may
    read the complaint in full and answer it)."""
    return any(m.organisation.pk == complaint.system.organisation_id for m in memberships_of(user))
