"""Exemption rules (shipped data) and certification applications (input data) of the check."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tianping import jsonsafe, yamlsafe
from tianping.bom._errors import data_error
from tianping.bom._read import Component
from tianping.text import LocalizedText

HERE = Path(__file__).resolve().parent
EXEMPTIONS_FILE = HERE / "data" / "exemptions.yaml"
_SCHEMAS = HERE / "schema"
#: The largest exemptions or applications file read (bytes).
MAX_DATA_BYTES = 2 * 1024 * 1024
ERR_TOO_BIG = "the file has more than {limit} bytes"
ERR_DUPLICATE = "rule id {key!r} appears more than once"


@functools.cache
def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = jsonsafe.loads((_SCHEMAS / name).read_text("utf-8"))
    return schema


def _load(path: str | Path, schema: str) -> Any:
    file = Path(path)
    source = str(file)
    try:
        if file.stat().st_size > MAX_DATA_BYTES:
            raise data_error(source, ERR_TOO_BIG.format(limit=MAX_DATA_BYTES))
        text = file.read_bytes().decode("utf-8-sig")
        return yamlsafe.load(text, source=source, schema=_schema(schema), dates_as_text=True)
    except OSError as exc:
        raise data_error(source, exc.strerror or str(exc)) from None
    except UnicodeDecodeError as exc:
        raise data_error(source, f"not UTF-8 text: {exc}") from None
    except yamlsafe.DataFileError as exc:
        raise data_error(source, exc.detail) from None


@dataclass(frozen=True)
class Exemption:
    """A rule in data under which a component counts as eligible; every condition given holds."""

    id: str
    name: LocalizedText
    reason: LocalizedText
    confirmed: bool
    source: LocalizedText
    types: tuple[str, ...] | None = None
    first_party: bool | None = None
    licenses: tuple[str, ...] | None = None
    properties: tuple[tuple[str, str], ...] = ()

    def matches(self, component: Component, first_party: str | None) -> bool:
        if self.types is not None and component.kind not in self.types:
            return False
        if self.first_party is not None:
            own = (
                first_party is not None
                and component.supplier is not None
                and component.supplier.casefold() == first_party.casefold()
            )
            if own != self.first_party:
                return False
        if self.licenses is not None and not set(self.licenses) & set(component.licenses):
            return False
        return all(pair in component.properties for pair in self.properties)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.to_json(),
            "reason": self.reason.to_json(),
            "confirmed": self.confirmed,
        }


def load_exemptions(path: str | Path = EXEMPTIONS_FILE) -> tuple[Exemption, ...]:
    """The exemption rules of ``path`` (default: the shipped ``data/exemptions.yaml``)."""
    document = _load(path, "exemptions.schema.json")
    rules: list[Exemption] = []
    for rule in document["rules"]:
        if any(existing.id == rule["id"] for existing in rules):
            raise data_error(str(path), ERR_DUPLICATE.format(key=rule["id"]))
        rules.append(
            Exemption(
                id=rule["id"],
                name=LocalizedText.from_json(rule["name"]),
                reason=LocalizedText.from_json(rule["reason"]),
                confirmed=rule["confirmed"],
                source=LocalizedText.from_json(rule["source"]),
                types=tuple(rule["types"]) if "types" in rule else None,
                first_party=rule.get("first_party"),
                licenses=tuple(rule["licenses"]) if "licenses" in rule else None,
                properties=tuple(sorted(rule.get("properties", {}).items())),
            )
        )
    return tuple(rules)


@dataclass(frozen=True)
class Application:
    """A supplier's certification application for a component, as the platform holds it.

    It makes the component **eligible** while it is ``open`` with a complete
    submission. It names the component by supplier and name (and version, if
    given), or by the SHA-256 of its artefact.
    """

    reference: str
    supplier: str
    component: str
    state: str
    submission_complete: bool
    version: str | None = None
    sha256: str | None = None

    @property
    def makes_eligible(self) -> bool:
        return self.state == "open" and self.submission_complete

    def matches(self, component: Component) -> bool:
        if self.sha256 is not None and component.sha256 is not None:
            return self.sha256.lower() == component.sha256
        if component.supplier is None or self.supplier.casefold() != component.supplier.casefold():
            return False
        if self.component.casefold() != component.name.casefold():
            return False
        return self.version is None or component.version in (None, self.version)

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "supplier": self.supplier,
            "component": self.component,
            "version": self.version,
            "sha256": self.sha256,
            "state": self.state,
            "submission_complete": self.submission_complete,
        }


def applications_from(document: Mapping[str, Any]) -> tuple[Application, ...]:
    """Applications from a mapping already checked against ``applications.schema.json``."""
    return tuple(
        Application(
            reference=item["reference"],
            supplier=item["supplier"],
            component=item["component"],
            state=item["state"],
            submission_complete=item["submission_complete"],
            version=item.get("version"),
            sha256=item.get("sha256"),
        )
        for item in document["applications"]
    )


def read_applications(path: str | Path) -> tuple[Application, ...]:
    """The applications of a YAML or JSON file (``applications: [...]``); bad input raises."""
    return applications_from(_load(path, "applications.schema.json"))


__all__ = [
    "EXEMPTIONS_FILE",
    "Application",
    "Exemption",
    "applications_from",
    "load_exemptions",
    "read_applications",
]
