"""Bias assessment from one grouped count: group metrics, disparities, intervals, verdicts.

One grouped count over (protected attributes…, label, prediction[, score bin])
is the only pass over the data, run by the engine that holds it (pandas,
polars, pyarrow, DuckDB through narwhals; Parquet, CSV and JSON Lines files
through DuckDB). Everything else — metrics, intersections, marginals,
disparities, bootstrap replicates, intervals, tests, verdicts — is computed
from that small :class:`CountTable` with NumPy. Count tables of partitions or
time windows add up (``a + b``) and serialise to JSON.

An audit *finds* disparities in a model's decisions on a dataset; it does not
show that a system is fair.

Terms
-----
sensitive features, protected attributes
    The columns that define groups (sex, age band, region …). Categorical;
    numeric ones are binned by given edges (``{"age": [0, 25, 40, 60, 200]}``
    gives ``"0-25"`` … ``"60-200"``). A missing value is its own group,
    ``"(missing)"``, reported like any other.
label, prediction, score
    The true outcome, the model's decision, and optionally its score
    (prediction = score ≥ threshold when no prediction is given). Binary;
    ``positive`` names the positive value for other encodings or several
    classes (one-vs-rest).
group
    The rows that share one value of each attribute considered.
intersection
    A group over all protected attributes at once (``sex=F, age=25-40``);
    an audit's ``groups`` are the intersections.
marginal
    A group over one attribute alone (``sex=F``, whatever the age).
group metric, rate
    A rate of a group's confusion matrix: selection rate, base rate, TPR, FPR,
    TNR, FNR, precision, NPV, FDR, FOR, accuracy, error rate (:data:`RATES`);
    with a score also AUC and calibration. ``0/0`` is undefined: NaN, ``null``
    in JSON.
reference group
    The group others are compared with: the most favoured (highest selection
    rate, the default), the largest, or a named one.
disparity
    One number comparing a group metric across groups. A *difference* is
    max − min (0 is parity), a *ratio* min / max (1 is parity), as in fairlearn;
    each also *vs reference*. Disparate impact, demographic parity, equalized
    odds, equal opportunity, predictive parity, between-group generalized
    entropy and Theil indices (:data:`DISPARITIES`).
insufficient data
    A group with fewer rows than the minimum group size (default 30): flagged,
    reported, never dropped silently, and left out of disparity verdicts.
policy, tolerance, verdict
    A policy (data: ``policies/*.yaml``) gives each judged disparity pass and
    warn thresholds; a disparity's verdict is ``pass``, ``warn``, ``fail``, or
    ``inconclusive`` when it cannot be computed (never a pass).
count table
    Rows by group, label and prediction (:class:`CountTable`); addable, JSON.
representativeness
    How the data's group shares compare with a reference population.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from tianping.fairness import audit
>>> rng = np.random.default_rng(1)
>>> df = pd.DataFrame({"sex": rng.choice(["F", "M"], 5000), "age": rng.integers(18, 80, 5000)})
>>> df["y"] = rng.random(5000) < 0.4
>>> df["yhat"] = rng.random(5000) < np.where(df["sex"] == "F", 0.3, 0.45)
>>> result = audit(df, protected=["sex", "age"], bins={"age": [0, 40, 200]},
...                label="y", prediction="yhat", replicates=200)
>>> [g.attributes for g in result.groups][:2]
[{'sex': 'F', 'age': '0-40'}, {'sex': 'F', 'age': '40-200'}]
>>> result.disparity("disparate_impact", ["sex"]).verdict
'fail'
"""

from tianping.fairness._audit import (
    SCHEMA,
    STAGES,
    AuditMeta,
    AuditResult,
    Disparity,
    Progress,
    ReferenceChoice,
    Stage,
    audit,
    audit_table,
)
from tianping.fairness._charts import (
    CHART_RATE,
    AuditChart,
    disparity_charts,
    group_charts,
    group_label,
)
from tianping.fairness._counts import (
    DEFAULT_SCORE_BINS,
    MISSING,
    CountTable,
    ScoreHistogram,
    bin_labels,
    count_table,
    group_key,
    level_name,
)
from tianping.fairness._disparities import (
    DEFAULT_DISPARITIES,
    DISPARITIES,
    DisparityDefinition,
    between_group_entropy,
    disparity_definition,
    metric_title,
)
from tianping.fairness._errors import (
    FairnessDataError,
    FairnessError,
    PolicyError,
    PopulationError,
)
from tianping.fairness._io import file_format
from tianping.fairness._metrics import (
    DEFAULT_CALIBRATION_BINS,
    DEFAULT_MIN_GROUP_SIZE,
    RATE_NAMES,
    RATES,
    CalibrationBin,
    GroupMetrics,
    Rate,
    auc,
    group_metrics,
    rates,
)
from tianping.fairness._policy import (
    DEFAULT_POLICY,
    VERDICTS,
    Policy,
    Tolerance,
    Verdict,
    available_policies,
    load_policy,
    policy_from_mapping,
    verdict_title,
)
from tianping.fairness._representativeness import (
    ReferencePopulation,
    Representativeness,
    RepresentedGroup,
    ShareSet,
    load_population,
    population_from_mapping,
    representativeness,
)
from tianping.fairness._uncertainty import (
    DEFAULT_CONFIDENCE,
    DEFAULT_REPLICATES,
    TestResult,
    bootstrap_statistics,
    independence_test,
    percentile_interval,
    wilson_interval,
)

__all__ = [
    "CHART_RATE",
    "DEFAULT_CALIBRATION_BINS",
    "DEFAULT_CONFIDENCE",
    "DEFAULT_DISPARITIES",
    "DEFAULT_MIN_GROUP_SIZE",
    "DEFAULT_POLICY",
    "DEFAULT_REPLICATES",
    "DEFAULT_SCORE_BINS",
    "DISPARITIES",
    "MISSING",
    "RATES",
    "RATE_NAMES",
    "SCHEMA",
    "STAGES",
    "VERDICTS",
    "AuditChart",
    "AuditMeta",
    "AuditResult",
    "CalibrationBin",
    "CountTable",
    "Disparity",
    "DisparityDefinition",
    "FairnessDataError",
    "FairnessError",
    "GroupMetrics",
    "Policy",
    "PolicyError",
    "PopulationError",
    "Progress",
    "Rate",
    "ReferenceChoice",
    "ReferencePopulation",
    "Representativeness",
    "RepresentedGroup",
    "ScoreHistogram",
    "ShareSet",
    "Stage",
    "TestResult",
    "Tolerance",
    "Verdict",
    "auc",
    "audit",
    "audit_table",
    "available_policies",
    "between_group_entropy",
    "bin_labels",
    "bootstrap_statistics",
    "count_table",
    "disparity_charts",
    "disparity_definition",
    "file_format",
    "group_charts",
    "group_key",
    "group_label",
    "group_metrics",
    "independence_test",
    "level_name",
    "load_policy",
    "load_population",
    "metric_title",
    "percentile_interval",
    "policy_from_mapping",
    "population_from_mapping",
    "rates",
    "representativeness",
    "verdict_title",
    "wilson_interval",
]
