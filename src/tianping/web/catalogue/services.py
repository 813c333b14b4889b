"""Import a catalogue release from the library's data into the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from tianping import norms
from tianping.web.catalogue.models import (
    Article,
    CatalogueRelease,
    ListedActivity,
    Principle,
    RequirementItem,
)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@transaction.atomic
def catalogue_sync(*, catalogue: norms.Catalogue | None = None) -> CatalogueRelease:
    """Upsert principles, articles, requirement items and listed activities.

    Records are matched by their stable ids, so amendments made in the admin to
    rows the release does not touch survive; rows the release carries are reset
    to the release's text. Listed activities absent from the release are marked
    inactive, not deleted.
    """
    cat = catalogue or norms.load_catalogue()
    release, _created = CatalogueRelease.objects.update_or_create(
        version=cat.version, defaults={"effective_from": _date(cat.effective_from)}
    )
    principles = {}
    for p in cat.principles:
        principles[p.id], _ = Principle.objects.update_or_create(
            code=p.id,
            defaults={
                "number": p.number,
                "name_zh": p.name.zh,
                "name_en": p.name.en,
                "description_zh": p.description.zh,
                "description_en": p.description.en,
            },
        )
    chapters = {c.number: c for c in cat.chapters}
    articles = {}
    for a in cat.articles:
        chapter = chapters[a.chapter]
        article, _ = Article.objects.update_or_create(
            number=a.number,
            defaults={
                "chapter_zh": chapter.title.zh,
                "chapter_en": chapter.title.en,
                "category": a.category or "",
                "title_zh": a.title.zh,
                "title_en": a.title.en,
                "text_zh": a.text.zh,
                "text_en": a.text.en,
            },
        )
        article.principles.set([principles[pid] for pid in a.principles])
        articles[a.number] = article
    for item in cat.items:
        row, _ = RequirementItem.objects.update_or_create(
            code=item.id,
            defaults={
                "article": articles[item.article],
                "category": item.category,
                "stage": item.stage,
                "evidence_type": item.evidence,
                "tiers": list(item.tiers),
                "question_zh": item.question.zh,
                "question_en": item.question.en,
                "crosswalks": {k: list(v) for k, v in item.crosswalk.items()},
            },
        )
        row.principles.set([principles[pid] for pid in item.principles])
    listed = cat.expert_review_list
    codes = []
    for activity in listed.activities:
        codes.append(activity.id)
        ListedActivity.objects.update_or_create(
            code=activity.id,
            defaults={
                "name_zh": activity.name.zh,
                "name_en": activity.name.en,
                "description_zh": activity.description.zh,
                "description_en": activity.description.en,
                "list_version": listed.version,
                "active": True,
            },
        )
    ListedActivity.objects.exclude(code__in=codes).update(active=False)
    return release
