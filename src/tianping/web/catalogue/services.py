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
    inactive, not deleted. The listed activities are left alone when the list in
    force is newer than the release's (amended on the platform by approved proposals).
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
    if _version_key(listed_version_current()) > _version_key(listed.version):
        # The list was amended on the platform after this release (approved proposals):
        # the newer list stays in force until a release carries a newer version.
        return release
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


def listed_version_current() -> str:
    """The version of the expert re-review list in force (that of its active activities)."""
    versions = ListedActivity.objects.filter(active=True).values_list("list_version", flat=True)
    return max(versions, key=_version_key, default="")


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (0,)


@transaction.atomic
def listed_activities_amend(
    *,
    change: str,
    code: str,
    texts: dict[str, str] | None = None,
    year: int,
) -> str:
    """Add (``add``), change (``change``) or remove (``remove``) one listed activity and
    give the whole list a new version, ``<year>.<n>``; return that version.

    ``texts`` holds ``name_zh``, ``name_en``, ``description_zh``, ``description_en`` for
    an addition or a change (empty values keep a change's old text). A removed activity
    is marked inactive, never deleted. Raises ``ValueError`` for an impossible change.
    """
    current = listed_version_current()
    major, *rest = _version_key(current) if current else (0,)
    version = f"{year}.{(rest[0] if rest else 0) + 1 if major == year else 1}"
    row = ListedActivity.objects.select_for_update().filter(code=code).first()
    values = {k: v for k, v in (texts or {}).items() if v}
    if change == "add":
        if row is not None and row.active:
            raise ValueError("the activity is already on the list")
        if not values.get("name_zh") or not values.get("name_en"):
            raise ValueError("a new activity needs a name in both languages")
        ListedActivity.objects.update_or_create(
            code=code, defaults={**values, "active": True, "list_version": version}
        )
    elif change in ("change", "remove"):
        if row is None or not row.active:
            raise ValueError("the activity is not on the list")
        if change == "change":
            for field, value in values.items():
                setattr(row, field, value)
        else:
            row.active = False
        row.list_version = version
        row.save()
    else:
        raise ValueError("unknown change")
    ListedActivity.objects.filter(active=True).update(list_version=version)
    return version
