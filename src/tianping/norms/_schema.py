"""The JSON Schemas (draft 2020-12) that every catalogue file must satisfy.

The schemas live in ``schema/``, one per data file plus ``common.schema.json``
for shared definitions; they are compiled once per process. Schema checks
catch shape errors (a missing field, a wrong type, an unknown stage); the
cross-reference checks in ``_checks`` catch the rest.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from tianping.norms._errors import BLANK_TEXT, CatalogueProblem

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"

#: The files of a catalogue folder, by kind. Each kind has ``schema/<kind>.schema.json``.
CATALOGUE_FILES: Mapping[str, str] = MappingProxyType(
    {
        "norms": "norms.yaml",
        "requirements": "requirements.yaml",
        "crosswalks": "crosswalks.yaml",
        "expert_review_list": "expert_review_list.yaml",
    }
)
_COMMON = "common.schema.json"

#: Data files beside the catalogue that are loaded on their own, by kind: the mapping of
#: measurements to items (``tianping.norms.load_measurements``).
MAPPING_FILES: Mapping[str, str] = MappingProxyType({"measurements": "measurements.yaml"})


def catalogue_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema for one kind of catalogue file, as a fresh dictionary.

    Parameters
    ----------
    kind
        One of the keys of :data:`CATALOGUE_FILES` (``"norms"``, ``"requirements"`` …).

    Examples
    --------
    >>> catalogue_schema("requirements")["additionalProperties"]
    False
    """
    if kind not in CATALOGUE_FILES and kind not in MAPPING_FILES:
        raise ValueError(
            f"unknown catalogue file kind {kind!r}; use one of {[*CATALOGUE_FILES, *MAPPING_FILES]}"
        )
    return _read_schema(f"{kind}.schema.json")


def _read_schema(name: str) -> dict[str, Any]:
    contents: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return contents


@functools.cache
def _validators() -> Mapping[str, Draft202012Validator]:
    schemas = {kind: catalogue_schema(kind) for kind in (*CATALOGUE_FILES, *MAPPING_FILES)}
    common = _read_schema(_COMMON)
    for schema in (common, *schemas.values()):
        Draft202012Validator.check_schema(schema)
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in (common, *schemas.values())
    )
    return MappingProxyType(
        {
            kind: Draft202012Validator(
                schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
            for kind, schema in schemas.items()
        }
    )


def location(document: Any, path: Iterable[str | int]) -> str:
    """A readable place inside a document, e.g. ``items[3] (REQ-03-04).stage``.

    List elements that carry an ``id`` or a ``number`` are labelled with it,
    so that the reader need not count entries.

    Examples
    --------
    >>> location({"items": [{"id": "REQ-03-01", "stage": "x"}]}, ["items", 0, "stage"])
    'items[0] (REQ-03-01).stage'
    """
    text = ""
    node = document
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, Sequence) and part < len(node) else None
            if isinstance(node, Mapping):
                label = node.get("id", node.get("number"))
                if isinstance(label, str | int) and not isinstance(label, bool):
                    text += f" ({label})"
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return text


def _message(error: ValidationError) -> str:
    schema = error.schema
    if (
        error.validator in ("minLength", "pattern")
        and isinstance(schema, Mapping)
        and schema.get("pattern") == r"\S"
    ):
        return BLANK_TEXT
    return error.message


def schema_problems(kind: str, document: Any, file: str) -> list[CatalogueProblem]:
    """Every schema violation of ``document`` (a parsed file of ``kind``), in file order."""
    validator = _validators()[kind]
    errors = sorted(validator.iter_errors(document), key=_file_order)
    problems: list[CatalogueProblem] = []
    for error in errors:
        problem = CatalogueProblem(
            file=file, path=location(document, error.absolute_path), message=_message(error)
        )
        if problem not in problems:  # "" fails both minLength and pattern: say it once
            problems.append(problem)
    return problems


def _file_order(error: ValidationError) -> list[tuple[int, int, str]]:
    return [
        (0, part, "") if isinstance(part, int) else (1, 0, part) for part in error.absolute_path
    ]


__all__ = [
    "CATALOGUE_FILES",
    "MAPPING_FILES",
    "SCHEMA_DIR",
    "catalogue_schema",
    "location",
    "schema_problems",
]
