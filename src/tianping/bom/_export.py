"""A system's own CycloneDX 1.6 ML-BOM, from a short description of its models, data and services.

Each model becomes a ``machine-learning-model`` component with the SHA-256 of
its artefact and a ``modelCard`` whose fields are placeholders (empty lists)
that the system's transparency documents fill; each data set a ``data``
component with its SHA-256; each external service a service with its
provider. The serial number is derived from the description (UUID 5), so the
same description always gives the same BOM. The result is validated against
the CycloneDX JSON Schema before it is returned.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from tianping import __version__, jsonsafe, yamlsafe
from tianping.bom._errors import bom_error, data_error
from tianping.bom._read import MAX_BOM_BYTES, schema_problem

EXPORT_VERSION = "1.6"
_SCHEMA = Path(__file__).resolve().parent / "schema" / "system.schema.json"
_NAMESPACE = uuid.UUID("5b7e1f0e-8d47-4c58-9a55-2f0d6b1c7a10")
ERR_DUPLICATE = "{what} {key!r} appears more than once"
ERR_UNKNOWN_DATASET = "model {model!r} names data set {key!r}, which is not among the datasets"
ERR_TOO_BIG = "the file has more than {limit} bytes"


@functools.cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = jsonsafe.loads(_SCHEMA.read_text("utf-8"))
    return schema


def load_system(path: str | Path) -> dict[str, Any]:
    """A system description (YAML or JSON) checked against ``schema/system.schema.json``."""
    file = Path(path)
    source = str(file)
    try:
        if file.stat().st_size > MAX_BOM_BYTES:
            raise data_error(source, ERR_TOO_BIG.format(limit=MAX_BOM_BYTES))
        text = file.read_bytes().decode("utf-8-sig")
        document: dict[str, Any] = yamlsafe.load(
            text, source=source, schema=_schema(), dates_as_text=True
        )
    except OSError as exc:
        raise data_error(source, exc.strerror or str(exc)) from None
    except UnicodeDecodeError as exc:
        raise data_error(source, f"not UTF-8 text: {exc}") from None
    except yamlsafe.DataFileError as exc:
        raise data_error(source, exc.detail) from None
    return document


def _ref(kind: str, item: Mapping[str, Any]) -> str:
    version = item.get("version")
    return f"{kind}:{item['name']}" + (f"@{version}" if version else "")


def _artefact(kind: str, item: Mapping[str, Any], supplier: str) -> dict[str, Any]:
    component: dict[str, Any] = {
        "type": kind,
        "bom-ref": _ref("model" if kind == "machine-learning-model" else "data", item),
        "supplier": {"name": item.get("supplier", supplier)},
        "name": item["name"],
    }
    if "version" in item:
        component["version"] = item["version"]
    component["hashes"] = [{"alg": "SHA-256", "content": item["sha256"].lower()}]
    if item.get("licenses"):
        component["licenses"] = [{"license": {"name": name}} for name in item["licenses"]]
    return component


def _model_card(model: Mapping[str, Any], datasets: Mapping[str, str]) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    if "task" in model:
        parameters["task"] = model["task"]
    parameters["datasets"] = [{"ref": datasets[name]} for name in model.get("datasets", [])]
    return {
        "modelParameters": parameters,
        "quantitativeAnalysis": {"performanceMetrics": []},
        "considerations": {
            "users": [],
            "useCases": [],
            "technicalLimitations": [],
            "ethicalConsiderations": [],
            "fairnessAssessments": [],
        },
    }


def export_bom(
    system: Mapping[str, Any], *, source: str = "<system>", timestamp: datetime | None = None
) -> dict[str, Any]:
    """The system's CycloneDX 1.6 ML-BOM as JSON-ready data (see :func:`load_system`)."""
    supplier = system["supplier"]
    refs: set[str] = set()

    def claim(ref: str, what: str) -> str:
        if ref in refs:
            raise data_error(source, ERR_DUPLICATE.format(what=what, key=ref))
        refs.add(ref)
        return ref

    product_ref = claim(_ref("system", system), "system")
    datasets: dict[str, str] = {}
    data_components = []
    for item in system.get("datasets", []):
        component = _artefact("data", item, supplier)
        claim(component["bom-ref"], "data set")
        datasets.setdefault(item["name"], component["bom-ref"])
        if "classification" in item:
            component["data"] = [
                {"type": "dataset", "name": item["name"], "classification": item["classification"]}
            ]
        data_components.append(component)
    models = []
    for item in system.get("models", []):
        for name in item.get("datasets", []):
            if name not in datasets:
                raise data_error(source, ERR_UNKNOWN_DATASET.format(model=item["name"], key=name))
        component = _artefact("machine-learning-model", item, supplier)
        claim(component["bom-ref"], "model")
        component["modelCard"] = _model_card(item, datasets)
        models.append(component)
    services = []
    for item in system.get("services", []):
        service: dict[str, Any] = {
            "bom-ref": claim(_ref("service", item), "service"),
            "provider": {"name": item["provider"]},
            "name": item["name"],
        }
        if "version" in item:
            service["version"] = item["version"]
        if item.get("endpoints"):
            service["endpoints"] = list(item["endpoints"])
        services.append(service)
    product: dict[str, Any] = {
        "type": "application",
        "bom-ref": product_ref,
        "supplier": {"name": supplier},
        "name": system["name"],
        "version": system["version"],
    }
    if system.get("description"):
        product["description"] = system["description"]
    serial = system.get("serial_number") or "urn:uuid:" + str(
        uuid.uuid5(_NAMESPACE, json.dumps(system, sort_keys=True, ensure_ascii=False))
    )
    metadata: dict[str, Any] = {}
    if timestamp is not None:
        metadata["timestamp"] = timestamp.isoformat().replace("+00:00", "Z")
    metadata["tools"] = {
        "components": [{"type": "application", "name": "tianping", "version": __version__}]
    }
    metadata["component"] = product
    components = [*models, *data_components]
    bom: dict[str, Any] = {
        "bomFormat": "CycloneDX",
        "specVersion": EXPORT_VERSION,
        "serialNumber": serial,
        "version": 1,
        "metadata": metadata,
        "components": components,
    }
    if services:
        bom["services"] = services
    bom["dependencies"] = [
        {
            "ref": product_ref,
            "dependsOn": [c["bom-ref"] for c in components] + [s["bom-ref"] for s in services],
        }
    ]
    problem = schema_problem(json.dumps(bom), EXPORT_VERSION)
    if problem is not None:  # the description's schema should rule this out
        raise bom_error(source, problem)
    return bom


__all__ = ["EXPORT_VERSION", "export_bom", "load_system"]
