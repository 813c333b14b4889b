"""Reads of evidence: the record filed for a source, its items, its removed links."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from tianping.web.assessments.models import Evidence, EvidenceLink, EvidenceLinkRemoval
from tianping.web.systems.models import AISystem


def evidence_of(source: models.Model) -> Evidence | None:
    """The evidence filed for ``source`` — a bias assessment, a privacy scan, any record."""
    if source.pk is None:
        return None
    return (
        Evidence.objects.prefetch_related("links")
        .filter(source_type=ContentType.objects.get_for_model(source), source_id=str(source.pk))
        .first()
    )


def removed_links_of(evidence: Evidence | None) -> QuerySet[EvidenceLinkRemoval]:
    """The links of an evidence record that were removed, newest first (its history)."""
    if evidence is None:
        return EvidenceLinkRemoval.objects.none()
    return EvidenceLinkRemoval.objects.filter(evidence=evidence)


def evidence_for_system(system: AISystem, kind: str | None = None) -> QuerySet[Evidence]:
    """The evidence filed for ``system``, newest first; only of ``kind`` if given."""
    evidence = Evidence.objects.filter(system=system)
    if kind is not None:
        evidence = evidence.filter(kind=kind)
    return evidence.order_by("-created_at", "-pk")


def evidence_items(
    evidence: Evidence | None, *, language: str | None = None
) -> list[dict[str, Any]]:
    """The items an evidence record is linked to, with their questions from the catalogue.

    ``language`` given: ``question`` in that language; otherwise both (``{"zh-Hans", "en"}``).
    ``extent`` is ``full`` or ``partial`` (the measurement mapping's), ``extent_label``
    its name in the active language.
    """
    from tianping.norms import NotInCatalogueError, load_catalogue

    if evidence is None:
        return []
    catalogue = load_catalogue()
    items = []
    link: EvidenceLink
    for link in evidence.links.all():
        try:
            question = catalogue.requirement(link.item).question
        except NotInCatalogueError:
            question = None
        shown: Any = None
        if question is not None:
            shown = question.to_json() if language is None else question.get(language)
        items.append(
            {
                "id": link.item,
                "question": shown,
                "extent": link.extent,
                "extent_label": str(link.get_extent_display()),
                "basis": link.basis,
                "catalogue_version": link.catalogue_version,
            }
        )
    return items
