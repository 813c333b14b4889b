"""Reading an AI-BOM: CycloneDX 1.6 or 1.7 JSON, bounded, schema-valid, every AI artefact hashed.

The text is read through :mod:`tianping.jsonsafe` (by way of
:func:`tianping.yamlsafe.load_json`: bounded nesting and numbers, no
duplicated key) before anything else, then validated against the official
CycloneDX JSON Schema of its ``specVersion`` with ``cyclonedx-python-lib``'s
validator. The document itself is kept as parsed JSON: the library's object
model is not used, since it drops the ``modelCard``. Then Tianping's own
rules: every ``bom-ref`` is unique, and every ``machine-learning-model`` and
``data`` component carries exactly one SHA-256 hash of its artefact.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonValidator

from tianping import yamlsafe
from tianping.bom._errors import bom_error

#: The largest BOM file read (bytes).
MAX_BOM_BYTES = 16 * 1024 * 1024
#: The most components and services (nested ones included) a BOM may list.
MAX_COMPONENTS = 100_000
#: The CycloneDX versions read (an AI-BOM needs 1.6's ``modelCard`` and ``data``).
SPEC_VERSIONS = ("1.6", "1.7")
#: Component types whose artefact must carry a SHA-256 hash.
HASHED_TYPES = ("machine-learning-model", "data")
SHA256 = "SHA-256"

ERR_TOO_BIG = "the file has more than {limit} bytes"
ERR_NOT_OBJECT = "the file holds no JSON object"
ERR_VERSION = "specVersion {version!r} is not read; give CycloneDX {versions}"
ERR_FORMAT = "bomFormat must be 'CycloneDX'"
ERR_SCHEMA = "at {path}: {message}"
ERR_DUPLICATE_REF = "bom-ref {ref!r} appears more than once ({first} and {second})"
ERR_NO_HASH = "the {kind} component at {path} has no SHA-256 hash of its artefact"
ERR_TWO_HASHES = "the {kind} component at {path} has more than one SHA-256 hash"
ERR_TOO_MANY = "the BOM lists more than {limit} components and services"
_MESSAGE_LIMIT = 300


@dataclass(frozen=True)
class Component:
    """One component or service of a BOM, as the supply-chain check reads it.

    ``kind`` is the CycloneDX component type, or ``service``; ``supplier`` the
    name of its supplier (else manufacturer, publisher, or a service's
    provider); ``sha256`` the lower-case hex digest of its artefact.
    """

    path: str
    kind: str
    name: str
    bom_ref: str | None = None
    version: str | None = None
    group: str | None = None
    supplier: str | None = None
    sha256: str | None = None
    licenses: tuple[str, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "type": self.kind,
            "name": self.name,
            "bom_ref": self.bom_ref,
            "version": self.version,
            "group": self.group,
            "supplier": self.supplier,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Bom:
    """A BOM read and validated: the document as parsed JSON, and its components flattened."""

    document: dict[str, Any] = field(repr=False)
    spec_version: str
    serial_number: str | None
    product: Component | None
    components: tuple[Component, ...]

    @property
    def first_party(self) -> str | None:
        """The product's own supplier or manufacturer (its in-house components are first-party)."""
        metadata = self.document.get("metadata", {})
        for name in (
            self.product.supplier if self.product else None,
            _entity_name(metadata.get("manufacturer")),
            _entity_name(metadata.get("supplier")),
        ):
            if name:
                return name
        return None


def _entity_name(entity: Any) -> str | None:
    if isinstance(entity, Mapping) and isinstance(entity.get("name"), str) and entity["name"]:
        return str(entity["name"])
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _licenses(item: Mapping[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for choice in item.get("licenses", []):
        if not isinstance(choice, Mapping):
            continue
        licence = choice.get("license")
        if isinstance(licence, Mapping):
            found.extend(str(licence[k]) for k in ("id", "name") if isinstance(licence.get(k), str))
        elif isinstance(choice.get("expression"), str):
            found.append(choice["expression"])
    return tuple(found)


def _component(item: Mapping[str, Any], path: str, kind: str) -> Component:
    if kind == "service":
        supplier = _entity_name(item.get("provider"))
    else:
        supplier = (
            _entity_name(item.get("supplier"))
            or _entity_name(item.get("manufacturer"))
            or _text(item.get("publisher"))
        )
    digests = [
        str(entry["content"]).lower()
        for entry in item.get("hashes", [])
        if isinstance(entry, Mapping) and entry.get("alg") == SHA256
    ]
    if kind in HASHED_TYPES and not digests:
        raise ValueError(ERR_NO_HASH.format(kind=kind, path=path))
    if len(set(digests)) > 1:
        raise ValueError(ERR_TWO_HASHES.format(kind=kind, path=path))
    properties = tuple(
        (str(p["name"]), str(p.get("value", "")))
        for p in item.get("properties", [])
        if isinstance(p, Mapping) and isinstance(p.get("name"), str)
    )
    return Component(
        path=path,
        kind=kind,
        name=str(item.get("name", "")),
        bom_ref=_text(item.get("bom-ref")),
        version=_text(item.get("version")),
        group=_text(item.get("group")),
        supplier=supplier,
        sha256=digests[0] if digests else None,
        licenses=_licenses(item),
        properties=properties,
    )


def _walk(items: Any, path: str, key: str) -> Iterator[tuple[Mapping[str, Any], str]]:
    for number, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, Mapping):
            here = f"{path}[{number}]"
            yield item, here
            yield from _walk(item.get(key), f"{here}.{key}", key)


@functools.cache
def _validator(version: str) -> JsonValidator:
    return JsonValidator(SchemaVersion.from_version(version))


def schema_problem(text: str, version: str) -> str | None:
    error = _validator(version).validate_str(text)
    if error is None:
        return None
    data = error.data
    path = "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}"
        for part in getattr(data, "absolute_path", ())
    )
    message = str(getattr(data, "message", data))
    if len(message) > _MESSAGE_LIMIT:
        message = message[:_MESSAGE_LIMIT] + "…"
    return ERR_SCHEMA.format(path=path.lstrip(".") or "the top level", message=message)


def parse_bom(text: str, *, source: str = "<string>") -> Bom:
    """A :class:`Bom` from JSON text; anything that is not a valid AI-BOM is a :class:`BomError`."""
    text = text.removeprefix("\ufeff")
    try:
        document = yamlsafe.load_json(text, source=source)
    except yamlsafe.DataFileError as exc:
        raise bom_error(source, exc.detail) from None
    if not isinstance(document, dict):
        raise bom_error(source, ERR_NOT_OBJECT)
    if document.get("bomFormat") != "CycloneDX":
        raise bom_error(source, ERR_FORMAT)
    version = document.get("specVersion")
    if version not in SPEC_VERSIONS:
        raise bom_error(
            source, ERR_VERSION.format(version=version, versions=" or ".join(SPEC_VERSIONS))
        )
    problem = schema_problem(text, str(version))
    if problem is not None:
        raise bom_error(source, problem)
    walked = [
        *((item, path, "component") for item, path in _walk(document.get("components"),
                                                             "components", "components")),
        *((item, path, "service") for item, path in _walk(document.get("services"),
                                                          "services", "services")),
    ]  # fmt: skip
    if len(walked) > MAX_COMPONENTS:
        raise bom_error(source, ERR_TOO_MANY.format(limit=MAX_COMPONENTS))
    metadata = document.get("metadata", {})
    product_item = metadata.get("component")
    seen: dict[str, str] = {}
    components: list[Component] = []
    try:
        product = (
            _component(product_item, "metadata.component", str(product_item.get("type")))
            if isinstance(product_item, Mapping)
            else None
        )
        entries = [(product, "metadata.component")] if product else []
        for item, path, what in walked:
            kind = "service" if what == "service" else str(item.get("type"))
            component = _component(item, path, kind)
            components.append(component)
            entries.append((component, path))
        for component, path in entries:
            if component is None or component.bom_ref is None:
                continue
            if component.bom_ref in seen:
                raise ValueError(
                    ERR_DUPLICATE_REF.format(
                        ref=component.bom_ref, first=seen[component.bom_ref], second=path
                    )
                )
            seen[component.bom_ref] = path
    except ValueError as exc:
        raise bom_error(source, str(exc)) from None
    serial = document.get("serialNumber")
    return Bom(
        document=document,
        spec_version=str(version),
        serial_number=serial if isinstance(serial, str) else None,
        product=product,
        components=tuple(components),
    )


def read_bom(path: str | Path, *, limit: int = MAX_BOM_BYTES) -> Bom:
    """:func:`parse_bom` of a UTF-8 file of at most ``limit`` bytes; errors name the file."""
    file = Path(path)
    source = str(file)
    try:
        if file.stat().st_size > limit:
            raise bom_error(source, ERR_TOO_BIG.format(limit=limit))
        text = file.read_bytes().decode("utf-8")
    except OSError as exc:
        raise bom_error(source, exc.strerror or str(exc)) from None
    except UnicodeDecodeError as exc:
        raise bom_error(source, f"not UTF-8 text: {exc}") from None
    return parse_bom(text, source=source)


__all__ = [
    "HASHED_TYPES",
    "MAX_BOM_BYTES",
    "MAX_COMPONENTS",
    "SPEC_VERSIONS",
    "Bom",
    "Component",
    "parse_bom",
    "read_bom",
]
