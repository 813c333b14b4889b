"""Searches over the catalogue."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tianping.web.catalogue.models import Article, RequirementItem

STAGES = ("design", "data", "build", "test", "launch", "operate", "retire")
TIERS = ("low", "medium", "high")


def requirement_search(
    *,
    principle: str | None = None,
    article: int | None = None,
    stage: str | None = None,
    tier: str | None = None,
    text: str | None = None,
) -> QuerySet[RequirementItem]:
    """Requirement items matching every given filter; text matches either language."""
    qs = RequirementItem.objects.select_related("article").prefetch_related("principles")
    if principle:
        qs = qs.filter(principles__code=principle)
    if article:
        qs = qs.filter(article__number=article)
    if stage:
        qs = qs.filter(stage=stage)
    if text:
        term = text.strip()[:100]
        qs = qs.filter(
            Q(question_zh__icontains=term)
            | Q(question_en__icontains=term)
            | Q(code__icontains=term)
            | Q(article__title_zh__icontains=term)
            | Q(article__title_en__icontains=term)
        )
    items = qs.distinct()
    if tier:
        # Tiers are a short JSON list; filter in Python for portability across databases.
        ids = [i.pk for i in items if tier in i.tiers]
        items = qs.filter(pk__in=ids).distinct()
    return items


def article_get(number: int) -> Article | None:
    return Article.objects.prefetch_related("principles", "items").filter(number=number).first()
