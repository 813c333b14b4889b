"""Privacy assessment: personal data found in files and tables, de-identified, and measured.

A scan makes one multi-pattern pass over each text buffer (Hyperscan when
installed, Python's ``re`` otherwise — the same findings either way), checks
each candidate (check digits, real birth dates, issuer ranges …), weighs it by
the words around it, and reports :class:`Finding` objects that carry a masked
form and a salted hash, never the value. Anonymity models come from one
grouped count over the quasi-identifiers (DuckDB).

Terms
-----
entity
    A kind of personal data, by a stable name (:data:`ENTITIES`):
    ``cn_resident_id``, ``cn_uscc``, ``cn_mobile``, ``cn_landline``,
    ``bank_card`` (debit and credit cards), ``cn_passport``,
    ``hk_macao_taiwan_permit``, ``cn_license_plate``, ``cn_address``,
    ``person_name``, ``email``, ``iban``, ``ip_address``, ``mac_address``,
    ``us_ssn``, ``date_of_birth``, ``geo_coordinates``.
detector
    An entity's patterns (data: ``data/detectors.yaml``), validator (code:
    check digits), context words in Chinese and English, priority and mask.
candidate, finding
    A pattern match; a candidate that passed its validator, has enough
    confidence, and won any overlap (the higher priority wins, so an 18-digit
    string valid as a resident ID is not also reported as a bank card).
confidence
    The pattern's base confidence, raised by context words on the same line
    (or in a table's column name), lowered by negative ones ("订单号").
salt, hash
    Each scan draws a random salt (or takes one); a finding's hash is
    HMAC-SHA256 of the entity and the normalised value under it.
PIPL class
    ``sensitive`` (PIPL Art. 28: financial accounts, location, minors' data,
    health …), ``high-risk`` (identity-document numbers, GB/T 45574-2025),
    ``ordinary``, or ``none`` (data: ``data/pipl.yaml``); :func:`pipl_label`
    gives its bilingual name.
minor
    A person under 14 on the reference date, from a birth date or resident ID.
quasi-identifiers, equivalence class
    Columns that together may identify a person (age, sex, postcode …); the
    rows that share their values.
k-anonymity, l-diversity, t-closeness
    The smallest class size; the fewest distinct (or ``exp(entropy)``)
    sensitive values in a class; the largest Earth Mover's Distance between a
    class's sensitive distribution and the table's.
screen
    A check of a structured record (every value and key, at any depth) with
    the near-certain detectors (:data:`SCREEN_ENTITIES`) before it goes
    somewhere permanent, such as a ledger (:class:`RecordScreen`); it reports
    JSON Pointers and entities, never values.
prosecutor / journalist risk
    Re-identification risk when the attacker knows / does not know that the
    person is in the data.

Examples
--------
>>> from tianping.privacy import Scanner
>>> scanner = Scanner(salt=b"demo")
>>> [(f.entity, f.masked) for f in scanner.scan_text("卡号4539578763621486，电话13912345678")]
[('bank_card', '4539********1486'), ('cn_mobile', '139******78')]
"""

from tianping.privacy._anonymity import (
    AnonymityReport,
    EquivalenceClass,
    Risk,
    anonymity,
    violating_records,
)
from tianping.privacy._checksums import (
    VALIDATORS,
    age_on,
    iban_check_digits,
    is_valid_bank_card,
    is_valid_iban,
    is_valid_resident_id,
    is_valid_uscc,
    luhn_valid,
    parse_date,
    resident_id_birth_date,
    resident_id_check_character,
    uscc_check_character,
)
from tianping.privacy._deidentify import (
    ACTIONS,
    ColumnRule,
    DeidentificationPolicy,
    DeidentificationResult,
    address_city,
    band_label,
    deidentify,
    deidentify_frame,
    load_policy,
    mask_text,
    policy_from_mapping,
)
from tianping.privacy._detectors import (
    ENTITIES,
    DetectorSet,
    Entity,
    Pattern,
    PiplClass,
    load_detectors,
    load_pipl_classes,
)
from tianping.privacy._engine import Engine, EngineChoice, EngineName, hyperscan_available
from tianping.privacy._errors import DetectorError, PolicyError, PrivacyDataError, PrivacyError
from tianping.privacy._evaluation import (
    Corpus,
    EntityScore,
    EvaluationReport,
    Label,
    Sample,
    evaluate,
    generate_corpus,
)
from tianping.privacy._findings import Finding, keyed_hash, mask_value, new_salt, salt_id
from tianping.privacy._inputs import SNIFF_BYTES, ScanLimits, SourceReport, sniff_encoding
from tianping.privacy._messages import SKIP_REASONS
from tianping.privacy._profile import ColumnProfile, TableProfile, pipl_label, profile_table
from tianping.privacy._scan import Progress, ScanReport, scan
from tianping.privacy._scanner import DEFAULT_MIN_CONFIDENCE, MINOR_AGE, Scanner
from tianping.privacy._screen import (
    MAX_SCREEN_DEPTH,
    SCREEN_ENTITIES,
    SCREEN_MIN_CONFIDENCE,
    PersonalValue,
    RecordScreen,
    default_screen,
    screen_record,
)
from tianping.privacy._spark import count_partition, merge_counts, scan_partition

__all__ = [
    "ACTIONS",
    "DEFAULT_MIN_CONFIDENCE",
    "ENTITIES",
    "MAX_SCREEN_DEPTH",
    "MINOR_AGE",
    "SCREEN_ENTITIES",
    "SCREEN_MIN_CONFIDENCE",
    "SKIP_REASONS",
    "SNIFF_BYTES",
    "VALIDATORS",
    "AnonymityReport",
    "ColumnProfile",
    "ColumnRule",
    "Corpus",
    "DeidentificationPolicy",
    "DeidentificationResult",
    "DetectorError",
    "DetectorSet",
    "Engine",
    "EngineChoice",
    "EngineName",
    "Entity",
    "EntityScore",
    "EquivalenceClass",
    "EvaluationReport",
    "Finding",
    "Label",
    "Pattern",
    "PersonalValue",
    "PiplClass",
    "PolicyError",
    "PrivacyDataError",
    "PrivacyError",
    "Progress",
    "RecordScreen",
    "Risk",
    "Sample",
    "ScanLimits",
    "ScanReport",
    "Scanner",
    "SourceReport",
    "TableProfile",
    "address_city",
    "age_on",
    "anonymity",
    "band_label",
    "count_partition",
    "default_screen",
    "deidentify",
    "deidentify_frame",
    "evaluate",
    "generate_corpus",
    "hyperscan_available",
    "iban_check_digits",
    "is_valid_bank_card",
    "is_valid_iban",
    "is_valid_resident_id",
    "is_valid_uscc",
    "keyed_hash",
    "load_detectors",
    "load_pipl_classes",
    "load_policy",
    "luhn_valid",
    "mask_text",
    "mask_value",
    "merge_counts",
    "new_salt",
    "parse_date",
    "pipl_label",
    "policy_from_mapping",
    "profile_table",
    "resident_id_birth_date",
    "resident_id_check_character",
    "salt_id",
    "scan",
    "scan_partition",
    "screen_record",
    "sniff_encoding",
    "uscc_check_character",
    "violating_records",
]
