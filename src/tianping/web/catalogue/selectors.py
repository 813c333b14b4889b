"""Searches over the catalogue."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tianping.norms import load_measurements
from tianping.web.catalogue.models import Article, RequirementItem

#: How much of an item a measurement answers (the measurement mapping's ``extent``).
EXTENT_LABELS = {"full": _("Answers it in full"), "partial": _("Answers it in part")}

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


def answered_by(item_code: str, *, language: str) -> list[dict[str, Any]]:
    """The measurements that answer an item, per the catalogue's measurement mapping.

    Each with its name in ``language``, its extent (code and label) and whether it
    applies only to some systems (a condition on their intake answers).
    """
    return [
        {
            "measurement": measurement.id,
            "name": measurement.name.get(language),
            "extent": entry.extent,
            "extent_label": EXTENT_LABELS[entry.extent],
            "conditional": entry.applies_when is not None,
        }
        for measurement, entry in load_measurements().answering(item_code)
    ]
