"""The catalogue: every entry of one edition, with look-ups and filters."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any, TypeVar

from tianping.norms._errors import (
    UNKNOWN_ARTICLE,
    UNKNOWN_ARTICLE_HINT,
    UNKNOWN_ENTRY,
    NotInCatalogueError,
)
from tianping.norms._models import (
    ActivityCategory,
    Article,
    Chapter,
    Confidence,
    ExpertReviewList,
    Framework,
    Principle,
    RequirementItem,
    Source,
    Term,
)


def fold(text: str) -> str:
    """Normalise text for search: NFKC (full-width → half-width) and case-folded.

    Chinese needs no tokenising for substring search; NFKC makes ``，`` match
    ``,`` and full-width Latin match ASCII.

    Examples
    --------
    >>> fold("ＡＩ，Bias")
    'ai,bias'
    """
    return unicodedata.normalize("NFKC", text).casefold()


_K = TypeVar("_K")
_V = TypeVar("_V")


def _index(entries: tuple[_V, ...], key: str) -> Mapping[Any, _V]:
    return MappingProxyType({getattr(entry, key): entry for entry in entries})


@dataclass(frozen=True)
class Catalogue:
    """One edition of the normative catalogue.

    Build it with :func:`tianping.norms.load_catalogue`. Look-ups of something
    the catalogue does not hold raise :class:`NotInCatalogueError`; filters
    with an unknown value do too, rather than quietly returning nothing.
    """

    version: str
    effective_from: date
    source: Source
    confidence: Confidence
    principles: tuple[Principle, ...]
    chapters: tuple[Chapter, ...]
    categories: tuple[ActivityCategory, ...]
    articles: tuple[Article, ...]
    items: tuple[RequirementItem, ...]
    stages: tuple[Term, ...]
    evidence_types: tuple[Term, ...]
    tiers: tuple[Term, ...]
    frameworks: tuple[Framework, ...]
    expert_review_list: ExpertReviewList
    _articles: Mapping[int, Article] = field(init=False, repr=False, compare=False)
    _chapters: Mapping[int, Chapter] = field(init=False, repr=False, compare=False)
    _principles: Mapping[str, Principle] = field(init=False, repr=False, compare=False)
    _categories: Mapping[str, ActivityCategory] = field(init=False, repr=False, compare=False)
    _items: Mapping[str, RequirementItem] = field(init=False, repr=False, compare=False)
    _frameworks: Mapping[str, Framework] = field(init=False, repr=False, compare=False)
    _terms: Mapping[str, Mapping[str, Term]] = field(init=False, repr=False, compare=False)
    _by_article: Mapping[int, tuple[RequirementItem, ...]] = field(
        init=False, repr=False, compare=False
    )
    _haystacks: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Indexes are built once, so that look-ups and filters never re-scan the data.
        articles: Mapping[int, Article] = _index(self.articles, "number")
        by_article: dict[int, list[RequirementItem]] = {number: [] for number in articles}
        for item in self.items:
            by_article.setdefault(item.article, []).append(item)
        haystacks = {}
        for item in self.items:
            article = articles.get(item.article)
            parts = [item.question.zh, item.question.en]
            if article is not None:
                parts += [article.title.zh, article.title.en]
            haystacks[item.id] = fold("\n".join(parts))
        terms = {
            "stage": _index(self.stages, "id"),
            "evidence type": _index(self.evidence_types, "id"),
            "tier": _index(self.tiers, "id"),
        }
        values: dict[str, object] = {
            "_articles": articles,
            "_chapters": _index(self.chapters, "number"),
            "_principles": _index(self.principles, "id"),
            "_categories": _index(self.categories, "id"),
            "_items": _index(self.items, "id"),
            "_frameworks": _index(self.frameworks, "id"),
            "_terms": MappingProxyType(terms),
            "_by_article": MappingProxyType({k: tuple(v) for k, v in by_article.items()}),
            "_haystacks": MappingProxyType(haystacks),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    # -- look-ups ---------------------------------------------------------------
    def article(self, number: int) -> Article:
        """The article with this number.

        Examples
        --------
        >>> from tianping.norms import load_catalogue
        >>> load_catalogue().article(13).title.zh
        '避免偏见歧视'
        """
        try:
            return self._articles[number]
        except KeyError:
            raise NotInCatalogueError(
                UNKNOWN_ARTICLE.format(
                    number=number, first=self.articles[0].number, last=self.articles[-1].number
                ),
                what="article",
                key=number,
                hint=UNKNOWN_ARTICLE_HINT,
            ) from None

    def chapter(self, number: int) -> Chapter:
        """The chapter with this number (1–6)."""
        return self._lookup(self._chapters, number, "chapter")

    def principle(self, principle_id: str) -> Principle:
        """The principle with this id, e.g. ``"fairness"``.

        Examples
        --------
        >>> from tianping.norms import load_catalogue
        >>> load_catalogue().principle("fairness").name.en
        'Promote fairness and justice'
        """
        return self._lookup(self._principles, principle_id, "principle")

    def category(self, category_id: str) -> ActivityCategory:
        """The activity category with this id: ``management``, ``research``, ``supply``, ``use``."""
        return self._lookup(self._categories, category_id, "activity category")

    def framework(self, framework_id: str) -> Framework:
        """The crosswalk framework with this id, e.g. ``"export_review_2026"``."""
        return self._lookup(self._frameworks, framework_id, "framework")

    def requirement(self, item_id: str) -> RequirementItem:
        """The requirement item with this id, e.g. ``"REQ-13-01"``."""
        return self._lookup(self._items, item_id, "requirement item")

    def stage(self, stage_id: str) -> Term:
        """The lifecycle stage with this id and its bilingual name."""
        return self._lookup(self._terms["stage"], stage_id, "stage")

    def evidence_type(self, evidence_id: str) -> Term:
        """The evidence type with this id and its bilingual name."""
        return self._lookup(self._terms["evidence type"], evidence_id, "evidence type")

    def tier(self, tier_id: str) -> Term:
        """The risk tier with this id and its bilingual name."""
        return self._lookup(self._terms["tier"], tier_id, "tier")

    # -- queries ----------------------------------------------------------------
    def requirements(
        self,
        *,
        article: int | None = None,
        principle: str | None = None,
        stage: str | None = None,
        category: str | None = None,
        tier: str | None = None,
        text: str | None = None,
    ) -> list[RequirementItem]:
        """The requirement items that pass every filter given, in catalogue order.

        ``text`` is a case-insensitive substring searched in both languages of
        the question and of the article's title; Chinese needs no tokenising.
        An unknown article, principle, stage, category or tier raises
        :class:`NotInCatalogueError`.

        Examples
        --------
        >>> from tianping.norms import load_catalogue
        >>> catalogue = load_catalogue()
        >>> [item.id for item in catalogue.requirements(article=13, tier="low")]
        ['REQ-13-01']
        >>> "REQ-13-01" in [item.id for item in catalogue.requirements(text="代表性")]
        True
        """
        items: tuple[RequirementItem, ...] = self.items
        if article is not None:
            items = self._by_article[self.article(article).number]
        if principle is not None:
            wanted = self.principle(principle).id
            items = tuple(item for item in items if wanted in item.principles)
        if stage is not None:
            wanted = self.stage(stage).id
            items = tuple(item for item in items if item.stage == wanted)
        if category is not None:
            wanted = self.category(category).id
            items = tuple(item for item in items if item.category == wanted)
        if tier is not None:
            wanted = self.tier(tier).id
            items = tuple(item for item in items if wanted in item.tiers)
        if text is not None:
            needle = fold(text.strip())
            items = tuple(item for item in items if needle in self._haystacks[item.id])
        return list(items)

    def items_for_article(self, number: int) -> list[RequirementItem]:
        """The requirement items derived from article ``number`` (empty for Art. 1, 2, 23–25).

        Examples
        --------
        >>> from tianping.norms import load_catalogue
        >>> [item.id for item in load_catalogue().items_for_article(18)]
        ['REQ-18-01', 'REQ-18-02']
        """
        return list(self._by_article[self.article(number).number])

    def crosswalk(self, framework_id: str) -> dict[str, list[str]]:
        """For each target of a framework, in its order, the ids of the items that map to it.

        Every target appears, with an empty list when no item maps to it.

        Examples
        --------
        >>> from tianping.norms import load_catalogue
        >>> walk = load_catalogue().crosswalk("export_review_2026")
        >>> list(walk)
        ['algorithmic_bias', 'data_privacy', 'system_controllability']
        >>> "REQ-13-01" in walk["algorithmic_bias"]
        True
        """
        framework = self.framework(framework_id)
        mapping: dict[str, list[str]] = {target.id: [] for target in framework.targets}
        for item in self.items:
            for target_id in item.targets(framework.id):
                mapping[target_id].append(item.id)
        return mapping

    def articles_in(self, category_id: str) -> list[Article]:
        """The articles of an activity category's chapter."""
        wanted = self.category(category_id).id
        return [article for article in self.articles if article.category == wanted]

    def to_json(self) -> dict[str, Any]:
        """The whole catalogue as JSON-ready data (dates as ISO strings)."""
        return {
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "source": self.source.to_json(),
            "confidence": self.confidence,
            "principles": [entry.to_json() for entry in self.principles],
            "chapters": [entry.to_json() for entry in self.chapters],
            "categories": [entry.to_json() for entry in self.categories],
            "articles": [entry.to_json() for entry in self.articles],
            "stages": [entry.to_json() for entry in self.stages],
            "evidence_types": [entry.to_json() for entry in self.evidence_types],
            "tiers": [entry.to_json() for entry in self.tiers],
            "items": [entry.to_json() for entry in self.items],
            "frameworks": [entry.to_json() for entry in self.frameworks],
            "expert_review_list": self.expert_review_list.to_json(),
        }

    def _lookup(self, index: Mapping[_K, _V], key: _K, what: str) -> _V:
        try:
            return index[key]
        except (KeyError, TypeError):
            raise NotInCatalogueError(
                UNKNOWN_ENTRY.format(what=what, key=key, known=", ".join(map(str, index))),
                what=what,
                key=key,
            ) from None


__all__ = ["Catalogue", "fold"]
