"""The normative catalogue in the database, imported from the library's data.

The YAML shipped with :mod:`tianping.norms` is the source of each release;
``catalogue_sync`` loads it here so the admin can browse and amend it and the
catalogue pages can search it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Bilingual(models.Model):
    """Helpers for ``<field>_zh`` / ``<field>_en`` pairs."""

    class Meta:
        abstract = True

    def loc(self, field: str) -> str:
        language = (get_language() or "zh-hans").lower()
        suffix = "en" if language.startswith("en") else "zh"
        return str(getattr(self, f"{field}_{suffix}") or getattr(self, f"{field}_zh"))


class CatalogueRelease(models.Model):
    version = models.CharField(_("version"), max_length=32, unique=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("catalogue release")
        verbose_name_plural = _("catalogue releases")

    def __str__(self) -> str:
        return self.version


class Principle(Bilingual):
    code = models.SlugField(_("id"), max_length=40, unique=True)
    number = models.PositiveSmallIntegerField(_("number"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("principle")
        verbose_name_plural = _("principles")

    def __str__(self) -> str:
        return f"{self.number}. {self.name_zh}"

    @property
    def name(self) -> str:
        return self.loc("name")


class Article(Bilingual):
    number = models.PositiveSmallIntegerField(_("article"), unique=True)
    chapter_zh = models.CharField(_("chapter (Chinese)"), max_length=100)
    chapter_en = models.CharField(_("chapter (English)"), max_length=200)
    category = models.CharField(_("activity category"), max_length=20, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_zh = models.TextField(_("official Chinese text"))
    text_en = models.TextField(_("English rendering"))
    principles = models.ManyToManyField(
        Principle, verbose_name=_("principles"), blank=True, related_name="articles"
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return f"第{self.number}条 {self.title_zh}"

    @property
    def title(self) -> str:
        return self.loc("title")


class RequirementItem(Bilingual):
    code = models.CharField(_("id"), max_length=32, unique=True)
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="items"
    )
    principles = models.ManyToManyField(
        Principle, verbose_name=_("principles"), related_name="items"
    )
    category = models.CharField(_("activity category"), max_length=20)
    stage = models.CharField(_("lifecycle stage"), max_length=16)
    evidence_type = models.CharField(_("evidence type"), max_length=20)
    tiers = models.JSONField(_("tiers"), default=list)
    question_zh = models.TextField(_("question (Chinese)"))
    question_en = models.TextField(_("question (English)"))
    crosswalks = models.JSONField(_("crosswalks"), default=dict, blank=True)

    class Meta:
        ordering = ["article__number", "code"]
        verbose_name = _("requirement item")
        verbose_name_plural = _("requirement items")

    def __str__(self) -> str:
        return self.code

    @property
    def question(self) -> str:
        return self.loc("question")


class ListedActivity(Bilingual):
    """An activity on the expert re-review list (a dynamic, versioned list)."""

    code = models.SlugField(_("id"), max_length=60, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    list_version = models.CharField(_("list version"), max_length=32)
    active = models.BooleanField(_("on the current list"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("listed activity")
        verbose_name_plural = _("listed activities")

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        return self.loc("name")
