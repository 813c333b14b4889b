"""Reads of bias assessments and evidence, always through the reader's view of the registry."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from tianping.web.assessments.models import BiasAssessment, Evidence, EvidenceLink
from tianping.web.systems.models import AISystem
from tianping.web.systems.selectors import User, can_edit_system, system_get


def can_run_assessment(user: User, system: AISystem) -> bool:
    """Who may attach data and run an audit: the owner's applicants and administrators."""
    return can_edit_system(user, system)


def can_cancel_assessment(user: User, assessment: BiasAssessment) -> bool:
    """Its requester, or anyone who may run assessments on the system."""
    return (user.is_authenticated and user.pk == assessment.requested_by_id) or can_edit_system(
        user, assessment.system
    )


def assessments_of(system: AISystem) -> QuerySet[BiasAssessment]:
    return system.bias_assessments.select_related("data", "requested_by")


def assessment_get(user: User, assessment_id: uuid.UUID | str) -> BiasAssessment:
    """The assessment if ``user`` may read its system; otherwise 404 (no existence leak)."""
    try:
        assessment = BiasAssessment.objects.select_related(
            "system__organisation", "data", "requested_by"
        ).get(pk=assessment_id)
    except (BiasAssessment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    system_get(user, assessment.system_id)
    return assessment


def evidence_of(source: models.Model) -> Evidence | None:
    """The evidence filed for ``source`` — a bias assessment, a privacy scan, any record."""
    if source.pk is None:
        return None
    return (
        Evidence.objects.prefetch_related("links")
        .filter(source_type=ContentType.objects.get_for_model(source), source_id=str(source.pk))
        .first()
    )


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
                "basis": link.basis,
                "catalogue_version": link.catalogue_version,
            }
        )
    return items
