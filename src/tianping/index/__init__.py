"""The Machine Responsibility Index: versioned indicators, pure scoring, sensitivity ranges.

A score is a pure function of (specification version, evidence): the same
inputs always give the same :class:`Scorecard`, and every point names the
evidence items (id and SHA-256) and the rule that produced it.

Terms
-----
specification
    One version of the index as data (``data/spec-<version>.yaml``, checked
    against ``schema/spec.schema.json``): domains and their weights, indicators
    (definition in zh-Hans and en, scale, weight within the domain, evidence
    rule), the Dirichlet concentration and the owner's reply period.
evidence rule
    How an indicator's value in [0, 1] comes from evidence: automatically from
    an evidence item (a document present or its completeness, a fairness
    verdict, a probe pass rate, the certificate level, the incident count,
    monitor coverage, a switch test, an energy report), or ``raters: 2`` — two
    human raters whose agreement is measured (Cohen's κ) and whose
    disagreements are resolved on record.
missing evidence
    An indicator with no evidence is reported in ``Scorecard.missing`` and
    scored 0 in the point total; sensitivity ranges also score it at the
    indicator's median over the population.
sensitivity
    Scores and ranks under weights drawn from Dirichlet(concentration ×
    specification weights) with a seeded generator, and under both
    missing-evidence bounds (:func:`rank_ranges`).
FMTI
    Stanford's Foundation Model Transparency Index; :func:`reproduce_fmti`
    scores each vendored edition with this engine and compares it with the
    published totals, subdomain scores and mean.

Examples
--------
>>> from tianping.index import load_spec, read_evidence_file, score
>>> spec = load_spec()
>>> systems = read_evidence_file("examples/index/evidence.yaml", spec)
>>> card = score(spec, systems[0])
>>> card.indicator("co.kill_switch").evidence[0][0]
'switch-2026-01'
"""

from tianping.index._errors import (
    EvidenceError,
    FMTIDataError,
    RatingError,
    ResponsibilityIndexError,
    SpecificationError,
)
from tianping.index._evidence import (
    MAX_EVIDENCE_BYTES,
    item_hash,
    parse_evidence,
    read_evidence,
    read_evidence_file,
    select_system,
)
from tianping.index._export import agreement_json, fmti_json, scorecard_json, sensitivity_json
from tianping.index._fmti import (
    EDITIONS,
    FMTI_DIR,
    FMTICompany,
    FMTIEdition,
    FMTIIndicator,
    FMTIReproduction,
    fmti_evidence,
    fmti_specification,
    read_fmti,
    read_fmti_edition,
    reproduce_fmti,
    round_half_up,
)
from tianping.index._history import (
    Reweighted,
    VersionChanges,
    change_log,
    rescore,
    rescore_all,
    spec_changes,
)
from tianping.index._models import (
    EVIDENCE_KIND,
    RULE_KINDS,
    Agreement,
    BoundRange,
    Disagreement,
    Domain,
    DomainScore,
    EvidenceItem,
    Indicator,
    IndicatorScore,
    Interval,
    RankRange,
    Rating,
    Rule,
    Scorecard,
    Sensitivity,
    Specification,
    SystemEvidence,
)
from tianping.index._raters import agreement, cohen_kappa
from tianping.index._scoring import evaluate, score, score_all, value_matrix
from tianping.index._sensitivity import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    competition_ranks,
    fill_missing,
    rank_ranges,
    sensitivity,
    weight_draws,
)
from tianping.index._spec import load_spec, parse_spec, require_indicator, spec_versions

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "EDITIONS",
    "EVIDENCE_KIND",
    "FMTI_DIR",
    "MAX_EVIDENCE_BYTES",
    "RULE_KINDS",
    "Agreement",
    "BoundRange",
    "Disagreement",
    "Domain",
    "DomainScore",
    "EvidenceError",
    "EvidenceItem",
    "FMTICompany",
    "FMTIDataError",
    "FMTIEdition",
    "FMTIIndicator",
    "FMTIReproduction",
    "Indicator",
    "IndicatorScore",
    "Interval",
    "RankRange",
    "Rating",
    "RatingError",
    "ResponsibilityIndexError",
    "Reweighted",
    "Rule",
    "Scorecard",
    "Sensitivity",
    "Specification",
    "SpecificationError",
    "SystemEvidence",
    "VersionChanges",
    "agreement",
    "agreement_json",
    "change_log",
    "cohen_kappa",
    "competition_ranks",
    "evaluate",
    "fill_missing",
    "fmti_evidence",
    "fmti_json",
    "fmti_specification",
    "item_hash",
    "load_spec",
    "parse_evidence",
    "parse_spec",
    "rank_ranges",
    "read_evidence",
    "read_evidence_file",
    "read_fmti",
    "read_fmti_edition",
    "reproduce_fmti",
    "require_indicator",
    "rescore",
    "rescore_all",
    "round_half_up",
    "score",
    "score_all",
    "scorecard_json",
    "select_system",
    "sensitivity",
    "sensitivity_json",
    "spec_changes",
    "spec_versions",
    "value_matrix",
    "weight_draws",
]
