"""Supply chain: AI-BOMs (CycloneDX 1.6 / 1.7 JSON) checked against certificates, and exported.

Products that integrate third-party models or modules must verify that their
upstream AI components are certified or eligible, or the product is
ineligible for the AI Export Ethical Compliance Certificate (seed 004).

Domain words
------------
AI-BOM
    A CycloneDX 1.6 or 1.7 JSON bill of materials listing the product's
    ``machine-learning-model`` and ``data`` components (each with the SHA-256
    of its artefact in ``hashes``) and its services. It is read bounded
    (:mod:`tianping.jsonsafe`), validated against the official JSON Schema,
    and kept as JSON, ``modelCard`` included (:func:`read_bom`).
component status
    ``certified``, ``eligible`` (an exemption rule in data, or the supplier's
    open application with a complete submission), ``uncertified``,
    ``expired``, ``suspended`` or ``revoked``; the product takes its weakest
    component's status (:data:`ORDER`, weakest first) (:func:`verify_bom`).
ML-BOM export
    A system's own CycloneDX 1.6 BOM from a short description, with
    ``modelCard`` placeholders that its transparency documents fill
    (:func:`export_bom`).

Examples
--------
>>> from tianping.bom import export_bom, parse_bom, verify_bom
>>> import json
>>> bom = export_bom({
...     "name": "Demo", "version": "1.0", "supplier": "Example Co.",
...     "models": [{"name": "m", "version": "1", "sha256": "ab" * 32, "supplier": "Vendor"}],
... })
>>> report = verify_bom(parse_bom(json.dumps(bom)), exemptions=())
>>> report.status, report.passes
('uncertified', False)
"""

from tianping.bom._data import (
    EXEMPTIONS_FILE,
    Application,
    Exemption,
    applications_from,
    load_exemptions,
    read_applications,
)
from tianping.bom._errors import BomError
from tianping.bom._export import EXPORT_VERSION, export_bom, load_system
from tianping.bom._read import (
    HASHED_TYPES,
    MAX_BOM_BYTES,
    MAX_COMPONENTS,
    SPEC_VERSIONS,
    Bom,
    Component,
    parse_bom,
    read_bom,
)
from tianping.bom._verify import (
    CHECKED_KINDS,
    KIND_LABELS,
    ORDER,
    PASSING,
    STATUS_LABELS,
    BomReport,
    CertificateIndex,
    ComponentResult,
    ComponentStatus,
    verify_bom,
)

__all__ = [
    "CHECKED_KINDS",
    "EXEMPTIONS_FILE",
    "EXPORT_VERSION",
    "HASHED_TYPES",
    "KIND_LABELS",
    "MAX_BOM_BYTES",
    "MAX_COMPONENTS",
    "ORDER",
    "PASSING",
    "SPEC_VERSIONS",
    "STATUS_LABELS",
    "Application",
    "Bom",
    "BomError",
    "BomReport",
    "CertificateIndex",
    "Component",
    "ComponentResult",
    "ComponentStatus",
    "Exemption",
    "applications_from",
    "export_bom",
    "load_exemptions",
    "load_system",
    "parse_bom",
    "read_applications",
    "read_bom",
    "verify_bom",
]
