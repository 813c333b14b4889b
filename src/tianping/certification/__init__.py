"""Certification: levels as data, gap reports, and certificates anyone can verify offline.

Domain words
------------
level
    One rung of the Ethical AI Certification, from *Basic Compliance* (基础合规)
    to *Trusted AI Platform* (可信人工智能平台). The intermediate levels are not
    published: they are configurable data marked ``confirmed: false``, each
    with its ``source`` (``data/levels.yaml``). Levels are **cumulative**: a
    level requires its own requirements and those of every level below.
requirement
    A catalogue **item** (``REQ-13-02``, :mod:`tianping.norms`) or an
    **evidence rule**: ``ethics_review_approved``, ``bias_assessment_passing``
    (a named fairness policy), ``privacy_scan_clean``, ``ledger_days``,
    ``switch_tested``, ``playbook_adopted``, ``evaluator_finding``.
evidence
    What the platform holds for a system, one record per artefact with its
    SHA-256 and date (:class:`Evidence`, :func:`load_evidence`).
gap report
    Each requirement of a level **met**, **missing** or **failed**, with the
    evidence behind it, and the highest level met (:func:`gap`). The export
    certificate's three dimensions (algorithmic bias, data privacy protection,
    system controllability) have their own (:func:`export_gap`).
certificate
    A W3C Verifiable Credential 2.0 secured with a Data Integrity proof of
    the ``eddsa-jcs-2022`` cryptosuite (Ed25519 over RFC 8785 JCS), valid for
    two years (:func:`certificate_credential`, :func:`issue_credential`).
status list
    A W3C Bitstring Status List credential: one bit per certificate for
    revocation, another list for suspension (:class:`StatusList`).
overlay
    A destination's law (e.g. the EU AI Act's high-risk uses) as versioned data:
    extra obligations for an exported system, in zh and en, marked as the
    destination's law with a confidence mark (:func:`overlays_for`).
verification
    Offline: keys from ``did:key`` or pinned ``did:web`` documents
    (:class:`Resolver`), contexts pinned as strings, status lists the verifier
    holds; the first failure is the answer (:func:`verify_credential`).

Examples
--------
>>> from datetime import UTC, datetime
>>> from tianping.certification import (
...     SigningKey, certificate_credential, issue_credential, load_levels, verify_credential,
... )
>>> key = SigningKey(bytes(range(32)))  # a test key; real keys never live in code
>>> unsigned = certificate_credential(
...     credential_id="urn:uuid:00000000-0000-4000-8000-000000000000",
...     issuer=key.did_key,
...     level=load_levels().level("basic_compliance"),
...     subject={"id": "urn:tianping:system:demo"},
...     valid_from=datetime(2026, 7, 1, tzinfo=UTC),
... )
>>> signed = issue_credential(unsigned, key, created=datetime(2026, 7, 1, tzinfo=UTC))
>>> verify_credential(signed, now=datetime(2027, 1, 1, tzinfo=UTC)).valid
True
>>> verify_credential(signed, now=datetime(2029, 1, 1, tzinfo=UTC)).reason
'expired'
"""

from tianping.certification._credential import CERTIFICATE_TYPE, add_years, certificate_credential
from tianping.certification._did import (
    Resolver,
    SigningKey,
    VerificationKey,
    did_key_document,
    did_key_for,
    did_key_public_key,
    did_web_url,
)
from tianping.certification._errors import (
    CertificationError,
    CredentialError,
    EvidenceError,
    LevelsError,
    UnknownLevelError,
)
from tianping.certification._evidence import (
    EVIDENCE_KINDS,
    BiasAssessment,
    EthicsReview,
    EvaluatorFinding,
    Evidence,
    EvidenceRecord,
    LedgerHistory,
    PlaybookAdoption,
    PrivacyScan,
    ProbeRunResult,
    SwitchTest,
    TransparencyDocument,
    load_evidence,
)
from tianping.certification._gap import (
    SATISFIED,
    STATUS_LABELS,
    STATUSES,
    DimensionGap,
    ExportGapReport,
    GapReport,
    RequirementResult,
    Status,
    export_gap,
    gap,
)
from tianping.certification._issue import (
    EXPORT,
    EXPORT_TYPE,
    credential_status,
    issue_certificate,
    read_signing_key,
    read_status_source,
    read_subject,
)
from tianping.certification._levels import (
    LEVELS_FILE,
    RULE_KINDS,
    EvidenceRule,
    ExportDimension,
    ExportScheme,
    Level,
    Levels,
    RuleKind,
    load_levels,
)
from tianping.certification._multibase import MultibaseError
from tianping.certification._overlays import OVERLAYS_DIR, Overlay, OverlayError, overlays_for
from tianping.certification._proof import canonical, hash_data, issue_credential, proof_config
from tianping.certification._read import (
    MAX_CREDENTIAL_BYTES,
    read_credential,
    read_resolver,
)
from tianping.certification._status import (
    MIN_ENTRIES,
    PURPOSES,
    StatusList,
    StatusListError,
    StatusPurpose,
    list_of,
    status_entry,
    status_list_credential,
    update_status,
)
from tianping.certification._verify import (
    REASONS,
    Reason,
    StatusCheck,
    Verification,
    verify_credential,
)
from tianping.certification._vocab import (
    CRYPTOSUITE,
    PINNED_CONTEXTS,
    VC_V2,
    VC_V2_EXAMPLES,
    parse_datetime,
    xsd_datetime,
)

__all__ = [
    "CERTIFICATE_TYPE",
    "CRYPTOSUITE",
    "EVIDENCE_KINDS",
    "EXPORT",
    "EXPORT_TYPE",
    "LEVELS_FILE",
    "MAX_CREDENTIAL_BYTES",
    "MIN_ENTRIES",
    "OVERLAYS_DIR",
    "PINNED_CONTEXTS",
    "PURPOSES",
    "REASONS",
    "RULE_KINDS",
    "SATISFIED",
    "STATUSES",
    "STATUS_LABELS",
    "VC_V2",
    "VC_V2_EXAMPLES",
    "BiasAssessment",
    "CertificationError",
    "CredentialError",
    "DimensionGap",
    "EthicsReview",
    "EvaluatorFinding",
    "Evidence",
    "EvidenceError",
    "EvidenceRecord",
    "EvidenceRule",
    "ExportDimension",
    "ExportGapReport",
    "ExportScheme",
    "GapReport",
    "LedgerHistory",
    "Level",
    "Levels",
    "LevelsError",
    "MultibaseError",
    "Overlay",
    "OverlayError",
    "PlaybookAdoption",
    "PrivacyScan",
    "ProbeRunResult",
    "Reason",
    "RequirementResult",
    "Resolver",
    "RuleKind",
    "SigningKey",
    "Status",
    "StatusCheck",
    "StatusList",
    "StatusListError",
    "StatusPurpose",
    "SwitchTest",
    "TransparencyDocument",
    "UnknownLevelError",
    "Verification",
    "VerificationKey",
    "add_years",
    "canonical",
    "certificate_credential",
    "credential_status",
    "did_key_document",
    "did_key_for",
    "did_key_public_key",
    "did_web_url",
    "export_gap",
    "gap",
    "hash_data",
    "issue_certificate",
    "issue_credential",
    "list_of",
    "load_evidence",
    "load_levels",
    "overlays_for",
    "parse_datetime",
    "proof_config",
    "read_credential",
    "read_resolver",
    "read_signing_key",
    "read_status_source",
    "read_subject",
    "status_entry",
    "status_list_credential",
    "update_status",
    "verify_credential",
    "xsd_datetime",
]
