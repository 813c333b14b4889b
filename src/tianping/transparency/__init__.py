"""Transparency documents: model cards, training-data summaries, reports and notices.

Six documents, each bilingual, as JSON, HTML and PDF, built from what the
platform holds about one AI system and what only its owner can say:

model card
    The model, its intended use, performance, limitations, ethical considerations
    and the representativeness of its data; also as a CycloneDX 1.6 ``modelCard``
    (:func:`cyclonedx_model_card`) for the system's ML-BOM.
training-data summary
    Sources, collection period, legal basis, volume, languages, demographic
    representativeness (:mod:`tianping.fairness`), personal-information handling
    (:mod:`tianping.privacy`, counts only) and known gaps (seed 001).
algorithm documentation
    The algorithm and the data-sourcing records certification asks for (seed 003).
transparency report
    The six-monthly report: decisions from the ledger, monitor alerts, incidents,
    switch changes, model changes, assessment results and complaints, each figure
    traced to its records.
user notice
    Art. 16 of the Norms: that AI is involved, its role and limits, how to opt out
    or reach a person; as embeddable HTML (:func:`user_notice_fragment`) and text.
incident playbook
    The one-pager of advice 07: who pauses, when people take over, how problems
    escalate, what customers, employees and regulators are told.

Terms
-----
input
    A :class:`TransparencyInput` (:func:`read_input` reads its YAML): frozen
    dataclasses the platform fills from its registry and evidence, and
    :class:`OwnerFields` the owner fills.
completeness
    Per document, which required fields are empty (:class:`Completeness`); the
    certification gap report reads it.
version and hash
    Every document carries the input's version and the SHA-256 of its canonical
    JSON (RFC 8785), so a published version can be checked byte for byte.

Examples
--------
>>> from tianping.transparency import build_document, read_input
>>> inputs = read_input({"version": "2026.1", "as_of": "2026-06-30",
...                      "system": {"name": "客服机器人", "ai_role": "回答常见问题"}})
>>> notice = build_document("user-notice", inputs)
>>> notice.completeness.complete, [m.path for m in notice.completeness.missing]
(False, ['limitations', 'opt_out', 'human_contact'])
"""

from tianping.transparency._cyclonedx import (
    CYCLONEDX_SPEC_VERSION,
    cyclonedx_bom,
    cyclonedx_model_card,
)
from tianping.transparency._documents import (
    DOCUMENT_KINDS,
    REQUIRED_FIELDS,
    SCHEMA,
    Completeness,
    DocumentKind,
    MissingField,
    TransparencyDocument,
    build_document,
    canonical_sha256,
    completeness,
    normalise_kind,
)
from tianping.transparency._errors import TransparencyError
from tianping.transparency._inputs import (
    APPROACHES,
    Consideration,
    DataSource,
    DecisionVolume,
    Escalation,
    Event,
    GroupShare,
    OwnerFields,
    PerformanceMetric,
    Playbook,
    PrivacySummary,
    RepresentativenessSummary,
    SystemFacts,
    Text,
    TransparencyInput,
    read_input,
    representativeness_from_audit,
)
from tianping.transparency._render import (
    document_html,
    document_pdf,
    user_notice_fragment,
    user_notice_text,
)

__all__ = [
    "APPROACHES",
    "CYCLONEDX_SPEC_VERSION",
    "DOCUMENT_KINDS",
    "REQUIRED_FIELDS",
    "SCHEMA",
    "Completeness",
    "Consideration",
    "DataSource",
    "DecisionVolume",
    "DocumentKind",
    "Escalation",
    "Event",
    "GroupShare",
    "MissingField",
    "OwnerFields",
    "PerformanceMetric",
    "Playbook",
    "PrivacySummary",
    "RepresentativenessSummary",
    "SystemFacts",
    "Text",
    "TransparencyDocument",
    "TransparencyError",
    "TransparencyInput",
    "build_document",
    "canonical_sha256",
    "completeness",
    "cyclonedx_bom",
    "cyclonedx_model_card",
    "document_html",
    "document_pdf",
    "normalise_kind",
    "read_input",
    "representativeness_from_audit",
    "user_notice_fragment",
    "user_notice_text",
]
