"""The ethics risk case database: real, documented cases, searchable in Chinese and English.

Domain words
------------
case
    One documented incident in which an AI system harmed, or nearly harmed,
    people (:class:`Case`): a bilingual title and summary written in
    Tianping's own words, the date, sector, region, system type, harms,
    affected groups, the principles and articles of the *Ethical Norms for
    New Generation AI* it touches (checked against :mod:`tianping.norms`),
    its risk category and severity, what was done about it (only where the
    source says so), its sources, and its provenance and licence.
risk category
    ``discrimination``, ``emotional_dependence``, ``privacy_leak``,
    ``loss_of_control``, ``misinformation``, ``fraud_impersonation``,
    ``harmful_content``, ``unsafe_advice``, ``wrongful_decision``
    (:data:`RISK_CATEGORIES`).
AIID snapshot
    An export of the AI Incident Database (https://incidentdatabase.ai,
    CC BY-SA 4.0): its ``incidents.csv`` is read by :func:`read_snapshot`;
    :func:`verify_cases` checks the shipped cases against it.
similar cases
    The cases most like a system's description (:meth:`CaseIndex.similar`):
    normalised BM25 over the text plus boosts for the same risk category,
    sector and system type.

The shipped cases (``data/cases.yaml``) are each adapted from one AIID
incident row, name its id and URL, and say which snapshot they were verified
against; being adapted from the AIID, they are shared under CC BY-SA 4.0.

Examples
--------
>>> from tianping.cases import CaseIndex, load_cases
>>> cases = load_cases()
>>> len(cases) >= 60
True
>>> index = CaseIndex(cases)
>>> index.search("人脸识别 隐私", limit=3).language
'zh-Hans'
"""

from tianping.cases._aiid import (
    COLUMNS,
    MAX_FIELD_CHARS,
    MAX_SNAPSHOT_BYTES,
    AiidIncident,
    AiidSnapshot,
    RowProblem,
    parse_snapshot,
    read_snapshot,
    verify_cases,
)
from tianping.cases._export import CSV_COLUMNS, cases_json, write_cases_csv
from tianping.cases._loader import (
    DATA_FILE,
    SCHEMA,
    load_cases,
    parse_cases,
    read_cases,
)
from tianping.cases._models import (
    AFFECTED_GROUPS,
    FACETS,
    HARMS,
    LICENCES,
    REGIONS,
    RISK_CATEGORIES,
    SECTORS,
    SEVERITIES,
    SYSTEM_TYPES,
    Case,
    CaseError,
    Provenance,
)
from tianping.cases._search import (
    FACET_NAMES,
    K1,
    SIMILAR_BOOSTS,
    TITLE_WEIGHT,
    B,
    CaseIndex,
    Hit,
    SearchResult,
    query_language,
    shipped_index,
    tokenize,
)

__all__ = [
    "AFFECTED_GROUPS",
    "COLUMNS",
    "CSV_COLUMNS",
    "DATA_FILE",
    "FACETS",
    "FACET_NAMES",
    "HARMS",
    "K1",
    "LICENCES",
    "MAX_FIELD_CHARS",
    "MAX_SNAPSHOT_BYTES",
    "REGIONS",
    "RISK_CATEGORIES",
    "SCHEMA",
    "SECTORS",
    "SEVERITIES",
    "SIMILAR_BOOSTS",
    "SYSTEM_TYPES",
    "TITLE_WEIGHT",
    "AiidIncident",
    "AiidSnapshot",
    "B",
    "Case",
    "CaseError",
    "CaseIndex",
    "Hit",
    "Provenance",
    "RowProblem",
    "SearchResult",
    "cases_json",
    "load_cases",
    "parse_cases",
    "parse_snapshot",
    "query_language",
    "read_cases",
    "read_snapshot",
    "shipped_index",
    "tokenize",
    "verify_cases",
    "write_cases_csv",
]
