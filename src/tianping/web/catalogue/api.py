"""Catalogue endpoints: principles, articles, requirement items, the re-review list."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema

# The function itself: ``ninja.Query`` forwards to it, but is typed for annotations only.
from ninja.params.functions import Query
from pydantic import StringConstraints

from tianping.web.catalogue import selectors
from tianping.web.catalogue.models import Article, ListedActivity, Principle, RequirementItem
from tianping.web.core.api import Message

router = Router(tags=["catalogue"])

# Filters go into SQL; PostgreSQL refuses NUL characters, so the schema does too (422).
NO_NUL = r"^[^\x00]*$"


class PrincipleOut(Schema):
    id: str
    number: int
    name: dict[str, str]
    description: dict[str, str]


class ItemOut(Schema):
    id: str
    article: int
    principles: list[str]
    category: str
    stage: str
    evidence_type: str
    tiers: list[str]
    question: dict[str, str]
    crosswalks: dict[str, list[str]]


class ArticleOut(Schema):
    number: int
    chapter: dict[str, str]
    category: str | None
    title: dict[str, str]
    text: dict[str, str]
    principles: list[str]
    items: list[ItemOut]


class ListedOut(Schema):
    id: str
    name: dict[str, str]
    description: dict[str, str]
    list_version: str


def _pair(obj: object, field: str) -> dict[str, str]:
    return {"zh-Hans": getattr(obj, f"{field}_zh"), "en": getattr(obj, f"{field}_en")}


def _principle(p: Principle) -> dict[str, Any]:
    return {
        "id": p.code,
        "number": p.number,
        "name": _pair(p, "name"),
        "description": _pair(p, "description"),
    }


def _item(i: RequirementItem) -> dict[str, Any]:
    return {
        "id": i.code,
        "article": i.article.number,
        "principles": [p.code for p in i.principles.all()],
        "category": i.category,
        "stage": i.stage,
        "evidence_type": i.evidence_type,
        "tiers": i.tiers,
        "question": _pair(i, "question"),
        "crosswalks": i.crosswalks,
    }


@router.get("/principles", response=list[PrincipleOut], summary="The six principles")
def principles(request: HttpRequest) -> list[dict[str, Any]]:
    return [_principle(p) for p in Principle.objects.all()]


@router.get("/articles", response=list[ArticleOut], summary="All articles with their items")
def articles(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        _article(a)
        for a in Article.objects.prefetch_related(
            "principles", "items__principles", "items__article"
        )
    ]


def _article(a: Article) -> dict[str, Any]:
    return {
        "number": a.number,
        "chapter": _pair(a, "chapter"),
        "category": a.category or None,
        "title": _pair(a, "title"),
        "text": _pair(a, "text"),
        "principles": [p.code for p in a.principles.all()],
        "items": [_item(i) for i in a.items.all()],
    }


@router.get(
    "/articles/{int:number}", response={200: ArticleOut, 404: Message}, summary="One article"
)
def article(request: HttpRequest, number: int) -> dict[str, Any]:
    if not 1 <= number <= 10_000:
        raise Http404
    found = selectors.article_get(number)
    if found is None:
        raise Http404
    return _article(found)


@router.get("/requirements", response=list[ItemOut], summary="Search requirement items")
def requirements(
    request: HttpRequest,
    principle: Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)] | None = None,
    article: int | None = Query(None, ge=1, le=25),
    stage: Literal["design", "data", "build", "test", "launch", "operate", "retire"] | None = None,
    tier: Literal["low", "medium", "high"] | None = None,
    q: Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL)] | None = None,
) -> list[dict[str, Any]]:
    items = selectors.requirement_search(
        principle=principle, article=article, stage=stage, tier=tier, text=q
    )
    return [_item(i) for i in items]


@router.get(
    "/listed-activities",
    response=list[ListedOut],
    summary="Activities on the current expert re-review list",
)
def listed_activities(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": a.code,
            "name": _pair(a, "name"),
            "description": _pair(a, "description"),
            "list_version": a.list_version,
        }
        for a in ListedActivity.objects.filter(active=True)
    ]
