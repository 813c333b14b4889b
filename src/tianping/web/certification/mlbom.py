"""A system's own CycloneDX 1.6 ML-BOM, with the model card its owner published.

The components come from the system's AI-BOM (the vendors app): each model and data set with
the SHA-256 of its artefact, each external service with its provider. The machine-learning
model the system's latest *published* transparency model card describes carries that card as
the component's ``modelCard`` (CycloneDX 1.6): model parameters (approach, task, architecture,
data sets, inputs, outputs), quantitative analysis (the performance metrics the platform's
evidence gave the card) and considerations (users, use cases, technical limitations, ethical
considerations, fairness assessments from the representativeness of the data).

What goes in is the published card's own ``cyclonedx_model_card``, field by field and no more
(the keys below); drafts never do. The card is built from what the platform holds and what
the owner wrote for the public (no person's name, contact or a privacy scan's findings: only
counts and categories), so the BOM tells nothing the published card does not. A data set the
card names that is also a component of the BOM is referred to by its ``bom-ref``.

Without a published model card, or when no model component of the BOM is the card's model
(by its name, and version where both give one; or the only model of the BOM), the ML-BOM has
no ``modelCard``. The result is validated against the CycloneDX 1.6 JSON Schema
(:func:`tianping.bom.parse_bom`) before it is returned.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tianping.bom import export_bom, parse_bom
from tianping.transparency import cyclonedx_model_card, read_input
from tianping.web.systems.models import AISystem
from tianping.web.transparency.models import DocumentVersion
from tianping.web.transparency.selectors import current
from tianping.web.vendors.selectors import components_for

MODEL_CARD = "model-card"

ALLOWED: Mapping[str, tuple[str, ...]] = {
    "modelParameters": (
        "approach",
        "task",
        "architectureFamily",
        "modelArchitecture",
        "datasets",
        "inputs",
        "outputs",
    ),
    "quantitativeAnalysis": ("performanceMetrics",),
    "considerations": (
        "users",
        "useCases",
        "technicalLimitations",
        "ethicalConsiderations",
        "fairnessAssessments",
    ),
}
"""The parts of the published card that the ML-BOM carries."""

DATASET_KEYS = ("type", "name", "description", "classification", "sensitiveData")


def description_of(system: AISystem) -> dict[str, Any]:
    """The system's models, data sets and services as :func:`tianping.bom.export_bom` reads
    them, from its AI-BOM components (one per kind, name and version)."""
    supplier = system.organisation.name
    description: dict[str, Any] = {
        "name": system.name,
        "version": system.model_version or "unversioned",
        "supplier": supplier,
        "models": [],
        "datasets": [],
        "services": [],
    }
    if system.purpose:
        description["description"] = system.purpose[:1000]
    seen: set[tuple[str, str, str]] = set()
    for row in components_for(system):
        key = (row.component_type, row.name, row.version)
        if key in seen:  # the export names components by name and version
            continue
        seen.add(key)
        item: dict[str, Any] = {"name": row.name}
        if row.version:
            item["version"] = row.version
        owner = row.supplier.name if row.supplier else row.supplier_name
        if row.component_type == "service":
            item["provider"] = owner or supplier
            description["services"].append(item)
            continue
        sha256 = row.hashes.get("SHA-256")
        if row.component_type not in ("machine-learning-model", "data") or not sha256:
            continue
        item["sha256"] = sha256
        if owner:
            item["supplier"] = owner
        key_name = "models" if row.component_type == "machine-learning-model" else "datasets"
        description[key_name].append(item)
    return description


def published_card(system: AISystem) -> tuple[DocumentVersion, dict[str, Any]] | None:
    """The latest published model card of ``system`` and its CycloneDX ``modelCard`` (the
    document's own ``cyclonedx_model_card``); None when none is published."""
    row = current(system, MODEL_CARD)
    if row is None:
        return None
    content = (row.document.get("json") or {}).get("content") or {}
    card = content.get("cyclonedx_model_card")
    if not isinstance(card, dict):  # a version stored before the card carried it
        card = cyclonedx_model_card(read_input(row.document["input"]))
    return row, card


def _datasets(items: Any, refs: Mapping[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        name = item.get("name")
        if isinstance(name, str) and name in refs:
            out.append({"ref": refs[name]})
        else:
            out.append({k: item[k] for k in DATASET_KEYS if k in item})
    return out


def model_card(card: Mapping[str, Any], refs: Mapping[str, str]) -> dict[str, Any]:
    """The parts of ``card`` the ML-BOM carries (:data:`ALLOWED`), its data sets referred to
    by ``refs`` (data set name → ``bom-ref``) where the BOM lists them."""
    out: dict[str, Any] = {}
    for section, keys in ALLOWED.items():
        found = card.get(section)
        if not isinstance(found, dict):
            continue
        kept = {k: found[k] for k in keys if found.get(k) not in (None, "", [], {})}
        if "datasets" in kept:
            kept["datasets"] = _datasets(kept["datasets"], refs)
        if kept:
            out[section] = kept
    return out


def _card_model(components: list[dict[str, Any]], row: DocumentVersion) -> dict[str, Any] | None:
    models = [c for c in components if c.get("type") == "machine-learning-model"]
    described = ((row.document.get("json") or {}).get("content") or {}).get("model") or {}
    name, version = described.get("name"), described.get("version")
    if isinstance(name, str) and name:
        named = [
            c
            for c in models
            if c["name"].casefold() == name.casefold()
            and (not version or "version" not in c or c["version"] == version)
        ]
        if len(named) == 1:
            return named[0]
    return models[0] if len(models) == 1 else None


def ml_bom(system: AISystem) -> dict[str, Any]:
    """The system's CycloneDX 1.6 ML-BOM as JSON-ready data; raises
    :class:`tianping.bom.BomError` when it cannot be made or is not valid."""
    bom = export_bom(description_of(system), source=system.name)
    components: list[dict[str, Any]] = bom.get("components", [])
    for component in components:
        component.pop("modelCard", None)  # placeholders: only a published card fills one
    published = published_card(system)
    if published is not None:
        row, card = published
        target = _card_model(components, row)
        if target is not None:
            refs = {c["name"]: c["bom-ref"] for c in components if c.get("type") == "data"}
            carried = model_card(card, refs)
            if carried:
                target["modelCard"] = carried
    parse_bom(json.dumps(bom), source=system.name)  # the CycloneDX 1.6 JSON Schema
    return bom


__all__ = ["ALLOWED", "MODEL_CARD", "description_of", "ml_bom", "model_card", "published_card"]
