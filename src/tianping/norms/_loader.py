"""Reading a catalogue folder: YAML → schema → cross-references → frozen objects."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from tianping import yamlsafe
from tianping.norms import _errors as msg
from tianping.norms._catalogue import Catalogue
from tianping.norms._checks import reference_problems
from tianping.norms._errors import CatalogueError, CatalogueProblem
from tianping.norms._models import (
    ActivityCategory,
    Article,
    Chapter,
    Confidence,
    CrosswalkTarget,
    EvidenceType,
    ExpertReviewList,
    Framework,
    ListChange,
    ListedActivity,
    Principle,
    RequirementItem,
    Source,
    Stage,
    Term,
    Tier,
)
from tianping.norms._schema import CATALOGUE_FILES, schema_problems
from tianping.text import LocalizedText

#: The catalogue shipped with Tianping.
DATA_DIR = Path(__file__).resolve().parent / "data"


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Load and check a catalogue folder; the shipped one when ``path`` is ``None``.

    The shipped catalogue is read once per process and cached. Any problem in
    the files (YAML syntax, schema, broken cross-reference) raises
    :class:`CatalogueError` listing every problem found: the catalogue fails
    closed.

    Parameters
    ----------
    path
        A folder holding ``norms.yaml``, ``requirements.yaml``, ``crosswalks.yaml``
        and ``expert_review_list.yaml``.

    Examples
    --------
    >>> from tianping.norms import load_catalogue
    >>> catalogue = load_catalogue()
    >>> catalogue.version, len(catalogue.articles)
    ('2026.1', 25)
    """
    directory = DATA_DIR if path is None else Path(path).resolve()
    if directory == DATA_DIR:
        return _load_shipped()
    return _load(directory)


@functools.cache
def _load_shipped() -> Catalogue:
    return _load(DATA_DIR)


def check_catalogue(path: Path | None = None) -> list[CatalogueProblem]:
    """Every problem in a catalogue folder (the shipped one by default); empty when valid.

    Unlike :func:`load_catalogue` this never raises for a bad catalogue and
    never caches: it is the check behind ``python -m tianping.norms.validate``.

    Examples
    --------
    >>> check_catalogue()
    []
    """
    directory = DATA_DIR if path is None else Path(path).resolve()
    documents, problems = _read(directory)
    if problems:
        return problems
    try:
        _build(documents)
    except (ValueError, TypeError) as exc:
        return [
            CatalogueProblem(
                file=str(directory), path="", message=msg.BUILD_FAILED.format(error=exc)
            )
        ]
    return []


def _load(directory: Path) -> Catalogue:
    documents, problems = _read(directory)
    if problems:
        raise CatalogueError(directory, problems)
    try:
        return _build(documents)
    except (ValueError, TypeError) as exc:  # a constructor invariant the checks missed
        problem = CatalogueProblem(
            file=str(directory), path="", message=msg.BUILD_FAILED.format(error=exc)
        )
        raise CatalogueError(directory, [problem]) from exc


def _read(directory: Path) -> tuple[dict[str, Any], list[CatalogueProblem]]:
    """Parse and schema-check each file, then cross-check them if all are well-formed."""
    if not directory.is_dir():
        return {}, [CatalogueProblem(file=str(directory), path="", message=msg.NOT_A_DIRECTORY)]
    documents: dict[str, Any] = {}
    problems: list[CatalogueProblem] = []
    for kind, name in CATALOGUE_FILES.items():
        try:
            text = (directory / name).read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(CatalogueProblem(file=name, path="", message=msg.MISSING_FILE))
            continue
        except UnicodeDecodeError as exc:
            problems.append(
                CatalogueProblem(file=name, path="", message=msg.NOT_UTF8.format(error=exc))
            )
            continue
        try:
            document = yamlsafe.load(text, source=name, dates_as_text=True)
        except yamlsafe.DataFileError as exc:
            problems.append(
                CatalogueProblem(
                    file=name, path=exc.where, message=msg.YAML_SYNTAX.format(error=exc.problem)
                )
            )
            continue
        file_problems = schema_problems(kind, document, name)
        problems += file_problems
        documents[kind] = document
    if not problems:
        problems = reference_problems(documents)
    return documents, problems


# -- building the objects --------------------------------------------------------
def _text(data: Mapping[str, str]) -> LocalizedText:
    return LocalizedText.from_json(data)


def _optional_text(data: Mapping[str, str] | None) -> LocalizedText | None:
    return None if data is None else LocalizedText.from_json(data)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _source(data: Mapping[str, Any]) -> Source:
    return Source(
        title=_text(data["title"]),
        issuer=_optional_text(data.get("issuer")),
        issued=_day(data.get("issued")),
        effective_from=_day(data.get("effective_from")),
    )


def _terms(entries: list[Mapping[str, Any]]) -> tuple[Term, ...]:
    return tuple(Term(id=entry["id"], name=_text(entry["name"])) for entry in entries)


def _build(documents: Mapping[str, Any]) -> Catalogue:
    norms = documents["norms"]
    requirements = documents["requirements"]
    crosswalks = documents["crosswalks"]
    listed = documents["expert_review_list"]
    return Catalogue(
        version=norms["version"],
        effective_from=date.fromisoformat(norms["effective_from"]),
        source=_source(norms["source"]),
        confidence=cast(Confidence, norms["confidence"]),
        principles=tuple(
            Principle(
                id=entry["id"],
                number=entry["number"],
                name=_text(entry["name"]),
                description=_text(entry["description"]),
                article=entry["article"],
                clause=entry["clause"],
            )
            for entry in norms["principles"]
        ),
        chapters=tuple(
            Chapter(
                number=entry["number"],
                title=_text(entry["title"]),
                first_article=entry["first_article"],
                last_article=entry["last_article"],
                category=entry["category"],
            )
            for entry in norms["chapters"]
        ),
        categories=tuple(
            ActivityCategory(
                id=entry["id"],
                name=_text(entry["name"]),
                description=_text(entry["description"]),
                chapter=entry["chapter"],
                first_article=entry["first_article"],
                last_article=entry["last_article"],
                clause=entry["clause"],
            )
            for entry in norms["categories"]
        ),
        articles=tuple(
            Article(
                number=entry["number"],
                chapter=entry["chapter"],
                category=entry["category"],
                title=_text(entry["title"]),
                official_title=entry["official_title"],
                text=_text(entry["text"]),
                principles=tuple(entry["principles"]),
                clauses=entry.get("clauses", 0),
            )
            for entry in norms["articles"]
        ),
        items=tuple(_item(entry) for entry in requirements["items"]),
        stages=_terms(requirements["stages"]),
        evidence_types=_terms(requirements["evidence_types"]),
        tiers=_terms(requirements["tiers"]),
        frameworks=tuple(_framework(entry) for entry in crosswalks["frameworks"]),
        expert_review_list=ExpertReviewList(
            version=listed["version"],
            effective_from=date.fromisoformat(listed["effective_from"]),
            source=_source(listed["source"]),
            confidence=cast(Confidence, listed["confidence"]),
            history=tuple(
                ListChange(
                    version=entry["version"],
                    effective_from=date.fromisoformat(entry["effective_from"]),
                    change=_text(entry["change"]),
                    added=tuple(entry["added"]),
                    removed=tuple(entry["removed"]),
                )
                for entry in listed["history"]
            ),
            activities=tuple(
                ListedActivity(
                    id=entry["id"],
                    name=_text(entry["name"]),
                    description=_text(entry["description"]),
                    confidence=cast(Confidence, entry["confidence"]),
                )
                for entry in listed["activities"]
            ),
        ),
    )


def _item(entry: Mapping[str, Any]) -> RequirementItem:
    return RequirementItem(
        id=entry["id"],
        article=entry["article"],
        clause=entry.get("clause"),
        question=_text(entry["question"]),
        principles=tuple(entry["principles"]),
        category=entry["category"],
        stage=cast(Stage, entry["stage"]),
        evidence=cast(EvidenceType, entry["evidence"]),
        tiers=tuple(cast(list[Tier], entry["tiers"])),
        crosswalk=MappingProxyType(
            {key: tuple(value) for key, value in entry.get("crosswalk", {}).items() if value}
        ),
    )


def _framework(entry: Mapping[str, Any]) -> Framework:
    return Framework(
        id=entry["id"],
        name=_text(entry["name"]),
        source=_source(entry["source"]),
        confidence=cast(Confidence, entry["confidence"]),
        effective_from=date.fromisoformat(entry["effective_from"]),
        note=_optional_text(entry.get("note")),
        targets=tuple(
            CrosswalkTarget(
                id=target["id"],
                name=_text(target["name"]),
                description=_optional_text(target.get("description")),
                confidence=cast(Confidence | None, target.get("confidence")),
            )
            for target in entry["targets"]
        ),
    )


__all__ = ["DATA_DIR", "check_catalogue", "load_catalogue"]
