"""The audit: count once, then metrics, disparities, intervals, tests and verdicts.

:func:`audit` counts the data (:func:`~tianping.fairness.count_table`) and hands
the table to :func:`audit_table`, which does everything else with NumPy on the
table: group metrics for every intersection, every marginal and everyone;
disparities over the intersections and over each attribute alone; bootstrap
intervals for every disparity (one multinomial draw for all replicates);
a significance test per disparity; the policy's verdicts with a bilingual
explanation; and, given a reference population, representativeness.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from tianping import __version__
from tianping.fairness._charts import disparity_charts, group_charts, group_label
from tianping.fairness._counts import DEFAULT_SCORE_BINS, CountTable, _count, level_name
from tianping.fairness._disparities import (
    DEFAULT_DISPARITIES,
    DisparityDefinition,
    disparity_definition,
    group_values,
)
from tianping.fairness._errors import FairnessDataError, FairnessError
from tianping.fairness._io import SCHEMA, json_number
from tianping.fairness._messages import (
    ERR_BAD_PARAMETER,
    ERR_BAD_REFERENCE,
    ERR_REFERENCE_TOO_SMALL,
    ERR_SINGLE_GROUP,
    ERR_SINGLE_LEVEL,
    ERR_UNKNOWN_GROUPING,
    ERR_UNKNOWN_REFERENCE,
    EXPLAIN_CI,
    EXPLAIN_EXCLUDED,
    EXPLAIN_EXTREMES,
    EXPLAIN_INCONCLUSIVE,
    EXPLAIN_NOT_COVERED,
    EXPLAIN_REFERENCE,
    EXPLAIN_RULE_AT_LEAST,
    EXPLAIN_RULE_AT_MOST,
    EXPLAIN_VALUE,
    METRIC_NAMES,
    NOTEBOOK_DISPARITIES,
    NOTEBOOK_FACTS,
    NOTEBOOK_GROUPS,
    NOTEBOOK_TITLE,
    REFERENCE_HOW,
    TEST_NAMES,
    VERDICT_WORDS,
    localized,
    render,
)
from tianping.fairness._metrics import (
    DEFAULT_CALIBRATION_BINS,
    DEFAULT_MIN_GROUP_SIZE,
    RATE_NAMES,
    GroupMetrics,
    group_metrics,
    rate,
)
from tianping.fairness._policy import (
    DEFAULT_POLICY,
    Policy,
    Verdict,
    load_policy,
    verdict_title,
)
from tianping.fairness._representativeness import (
    DEFAULT_TOLERANCE,
    ReferencePopulation,
    Representativeness,
    representativeness,
)
from tianping.fairness._uncertainty import (
    DEFAULT_CONFIDENCE,
    DEFAULT_REPLICATES,
    TestMethod,
    bootstrap_statistics,
    percentile_interval,
)
from tianping.notebook import (
    FrameColumns,
    build_frame,
    html_figure,
    html_result,
    html_table,
)
from tianping.text import DEFAULT_LANGUAGE, LocalizedText, normalise_language

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

Stage = Literal["counting", "metrics", "bootstrap", "verdicts"]
STAGES: tuple[Stage, ...] = ("counting", "metrics", "bootstrap", "verdicts")
Progress = Callable[[Stage], None]
ReferenceChoice = str | Mapping[str, str]
"""``"most_favoured"`` (highest selection rate, the default), ``"largest"``, or a
named group ``{"sex": "M", "age": "25-40"}`` (naming every protected attribute)."""

_NA = LocalizedText(zh="无", en="n/a")
#: The group rates a notebook's table shows (``to_frame()`` has them all), as on the platform.
NOTEBOOK_RATES: tuple[str, ...] = (
    "selection_rate",
    "base_rate",
    "tpr",
    "fpr",
    "precision",
    "accuracy",
)

_WORST: tuple[Verdict, ...] = ("fail", "warn", "inconclusive", "pass")


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disparity:
    """One disparity over one grouping (the intersections, or one attribute).

    ``value`` follows fairlearn's definition (between groups); ``vs_reference``
    compares every group with the ``reference`` group (``None`` for entropy
    indices). ``ci`` is the bootstrap percentile interval of ``value``,
    ``p_value`` the test of independence named by ``test``. ``verdict`` is
    ``None`` when the policy sets no tolerance for the metric. Groups with
    insufficient data are listed in ``excluded_groups`` and left out of
    ``value``, ``ci``, ``p_value`` and the verdict.
    """

    metric: str
    attributes: tuple[str, ...]
    value: float
    vs_reference: float | None
    reference: Mapping[str, str] | None
    compared_rate: str
    lowest: Mapping[str, str] | None
    lowest_value: float
    highest: Mapping[str, str] | None
    highest_value: float
    ci: tuple[float, float] | None
    p_value: float
    test: TestMethod
    verdict: Verdict | None
    explanation: LocalizedText
    groups_compared: int
    excluded_groups: tuple[Mapping[str, str], ...] = ()

    def to_json(self, *, language: str | None = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The disparity as JSON; ``explanation`` in ``language``, both in ``explanation_i18n``."""
        return {
            "metric": self.metric,
            "attributes": list(self.attributes),
            "value": json_number(self.value),
            "vs_reference": None if self.vs_reference is None else json_number(self.vs_reference),
            "reference": None if self.reference is None else dict(self.reference),
            "compared_rate": self.compared_rate,
            "lowest": None
            if self.lowest is None
            else {"attributes": dict(self.lowest), "value": json_number(self.lowest_value)},
            "highest": None
            if self.highest is None
            else {"attributes": dict(self.highest), "value": json_number(self.highest_value)},
            "ci": None if self.ci is None else [json_number(self.ci[0]), json_number(self.ci[1])],
            "p_value": json_number(self.p_value),
            "test": self.test,
            "verdict": self.verdict,
            "explanation": self.explanation.get(language),
            "explanation_i18n": self.explanation.to_json(),
            "groups_compared": self.groups_compared,
            "excluded_groups": [dict(g) for g in self.excluded_groups],
        }


@dataclass(frozen=True)
class AuditMeta:
    """What was audited and how: rows, engine, columns, seed, replicates, policy, version."""

    rows: int
    total_weight: float
    weighted: bool
    engine: str
    attributes: tuple[str, ...]
    policy: Policy
    min_group_size: int
    reference: ReferenceChoice
    seed: int | None
    replicates: int
    confidence: float
    label: str | None = None
    prediction: str | None = None
    score: str | None = None
    threshold: float | None = None
    positive: str | None = None
    version: str = __version__

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "total_weight": self.total_weight,
            "weighted": self.weighted,
            "engine": self.engine,
            "attributes": list(self.attributes),
            "label": self.label,
            "prediction": self.prediction,
            "score": self.score,
            "threshold": self.threshold,
            "positive": self.positive,
            "seed": self.seed,
            "replicates": self.replicates,
            "confidence": self.confidence,
            "min_group_size": self.min_group_size,
            "reference": self.reference
            if isinstance(self.reference, str)
            else dict(self.reference),
            "policy": self.policy.to_json(),
            "version": self.version,
        }


@dataclass(frozen=True)
class AuditResult:
    """The result of :func:`audit`: groups, marginals, disparities, verdicts, metadata.

    ``groups`` are the full intersections (one value of every protected
    attribute), ``marginals`` one attribute at a time, ``overall`` everyone.
    ``table`` is the count table everything was computed from (not in the JSON;
    store ``table.to_json()`` to merge or re-audit later).
    """

    groups: tuple[GroupMetrics, ...]
    marginals: Mapping[str, tuple[GroupMetrics, ...]]
    overall: GroupMetrics
    disparities: tuple[Disparity, ...]
    representativeness: tuple[Representativeness, ...]
    meta: AuditMeta
    table: CountTable = field(repr=False, compare=False)

    @property
    def verdict(self) -> Verdict:
        """The worst verdict the policy gave (``fail`` > ``warn`` > ``inconclusive`` > ``pass``).

        ``inconclusive`` when the policy judged nothing.
        """
        judged = {d.verdict for d in self.disparities if d.verdict is not None}
        if not judged:
            return "inconclusive"
        return next(v for v in _WORST if v in judged)

    def disparity(self, metric: str, attributes: Sequence[str] | None = None) -> Disparity:
        """The disparity ``metric`` over ``attributes`` (default: all, the intersections)."""
        over = tuple(attributes) if attributes is not None else self.meta.attributes
        for d in self.disparities:
            if d.metric == metric and d.attributes == over:
                return d
        raise KeyError(f"no disparity {metric} over {list(over)}")

    def to_json(self, *, language: str | None = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The result as JSON (schema in ``docs/fairness.md``); NaN becomes ``null``."""
        lang = normalise_language(language)
        return {
            "schema": SCHEMA,
            "language": lang,
            "verdict": self.verdict,
            "meta": self.meta.to_json(),
            "overall": self.overall.to_json(),
            "groups": [g.to_json() for g in self.groups],
            "marginals": {a: [g.to_json() for g in gs] for a, gs in self.marginals.items()},
            "disparities": [d.to_json(language=lang) for d in self.disparities],
            "representativeness": [r.to_json() for r in self.representativeness],
        }

    def _grouping(
        self, over: str | Sequence[str] | None
    ) -> tuple[tuple[str, ...], Sequence[GroupMetrics]]:
        attributes = self.meta.attributes
        wanted = attributes if over is None else (over,) if isinstance(over, str) else tuple(over)
        if wanted == attributes:
            return attributes, self.groups
        if len(wanted) == 1 and wanted[0] in self.marginals:
            return wanted, self.marginals[wanted[0]]
        if wanted == ():
            return (), (self.overall,)
        raise FairnessError(
            ERR_UNKNOWN_GROUPING,
            params={"over": ", ".join(wanted) or "()", "known": ", ".join(attributes)},
        )

    def _group_columns(self, over: str | Sequence[str] | None, *, intervals: bool) -> FrameColumns:
        attributes, groups = self._grouping(over)
        columns: FrameColumns = [
            (name, "str", [g.attributes.get(name) for g in groups]) for name in attributes
        ]
        columns += [
            ("count", "int", [g.count for g in groups]),
            ("weight", "float", [g.weight for g in groups]),
            ("insufficient_data", "bool", [g.insufficient_data for g in groups]),
        ]
        for name in RATE_NAMES:
            columns.append((name, "float", [g.rates[name] for g in groups]))
            if intervals:
                columns.append((f"{name}_low", "float", [g.ci[name][0] for g in groups]))
                columns.append((f"{name}_high", "float", [g.ci[name][1] for g in groups]))
        if self.meta.score is not None:
            columns.append(("auc", "float", [g.auc for g in groups]))
            columns.append(("calibration_error", "float", [g.calibration_error for g in groups]))
        return columns

    def to_frame(
        self,
        over: str | Sequence[str] | None = None,
        *,
        intervals: bool = False,
        backend: str | None = None,
    ) -> Any:
        """The group metrics, one row per group, like fairlearn's ``MetricFrame.by_group``.

        Parameters
        ----------
        over
            The grouping: ``None`` (the intersections of all protected
            attributes, the default), one attribute's name (its marginal groups),
            or ``[]`` (everyone, one row).
        intervals
            Add each rate's Wilson interval as ``<rate>_low`` and ``<rate>_high``.
        backend
            ``"pandas"``, ``"polars"`` or ``"pyarrow"``; default: the kind of the
            audited table if polars or pyarrow, else pandas
            (:func:`tianping.notebook.resolve_backend`).

        Returns
        -------
        A frame with these columns, in this order:

        one per attribute of the grouping (str)
            The group's value of it (``"(missing)"`` for a missing value, bin
            labels such as ``"25-40"`` for binned numbers).
        ``count`` (int), ``weight`` (float)
            Rows in the group, and their total weight (``count`` unweighted).
        ``insufficient_data`` (bool)
            Fewer rows than the minimum group size: left out of verdicts.
        one per rate of :data:`~tianping.fairness.RATE_NAMES` (float)
            ``selection_rate``, ``base_rate``, ``tpr``, ``fpr``, ``tnr``, ``fnr``,
            ``precision``, ``npv``, ``fdr``, ``for``, ``accuracy``, ``error_rate``;
            null (NaN) when undefined (``0/0``).
        ``auc``, ``calibration_error`` (float)
            Only when the audit had a score.

        Raises
        ------
        FairnessError
            ``over`` is not a grouping of the audit.
        ValueError
            An unknown ``backend``, or an attribute named like a metric column.
        """
        return build_frame(
            self._group_columns(over, intervals=intervals), backend=backend, engine=self.meta.engine
        )

    def _disparity_columns(self) -> FrameColumns:
        ds = self.disparities
        return [
            ("metric", "str", [d.metric for d in ds]),
            ("attributes", "str", [" × ".join(d.attributes) for d in ds]),
            ("value", "float", [d.value for d in ds]),
            ("ci_low", "float", [None if d.ci is None else d.ci[0] for d in ds]),
            ("ci_high", "float", [None if d.ci is None else d.ci[1] for d in ds]),
            ("p_value", "float", [d.p_value for d in ds]),
            ("verdict", "str", [d.verdict for d in ds]),
            ("vs_reference", "float", [d.vs_reference for d in ds]),
            ("compared_rate", "str", [d.compared_rate for d in ds]),
            ("lowest", "str", [None if d.lowest is None else group_label(d.lowest) for d in ds]),
            ("highest", "str", [None if d.highest is None else group_label(d.highest) for d in ds]),
            ("groups_compared", "int", [d.groups_compared for d in ds]),
            ("excluded_groups", "int", [len(d.excluded_groups) for d in ds]),
        ]

    def disparity_frame(self, *, backend: str | None = None) -> Any:
        """The disparities as a frame, one row per disparity and grouping.

        Columns: ``metric``, ``attributes`` (the grouping, ``"sex × age"``),
        ``value``, ``ci_low`` and ``ci_high`` (the bootstrap interval), ``p_value``,
        ``verdict`` (null where the policy sets no tolerance), ``vs_reference``,
        ``compared_rate``, ``lowest`` and ``highest`` (the groups at the extremes,
        ``"sex=F"``), ``groups_compared`` and ``excluded_groups`` (how many groups
        had insufficient data). ``backend`` as for :meth:`to_frame`.
        """
        return build_frame(self._disparity_columns(), backend=backend, engine=self.meta.engine)

    def to_html(self, *, language: str | None = DEFAULT_LANGUAGE) -> str:
        """The audit for a notebook: the verdict, the charts and tables of the platform's page.

        The disparity charts against the policy, the disparity table, and for the
        intersections a chart of selection rates and a table of group rates.
        Group and column names are escaped.
        """
        lang = normalise_language(language)
        content = self.to_json(language=lang)
        verdict = verdict_title(self.verdict).get(lang)
        facts = [
            (NOTEBOOK_FACTS["rows"].get(lang), self.meta.rows),
            (NOTEBOOK_FACTS["engine"].get(lang), self.meta.engine),
            (NOTEBOOK_FACTS["policy"].get(lang), self.meta.policy.id),
        ]
        parts = [
            html_figure(c.svg, c.title.get(lang)) for c in disparity_charts(content, language=lang)
        ]
        table = self._disparity_columns()
        shown = [c for c in table if c[0] not in ("compared_rate", "lowest", "highest")]
        parts.append(
            html_table(
                [name for name, _, _ in shown],
                list(zip(*(values for _, _, values in shown), strict=True)),
                caption=NOTEBOOK_DISPARITIES.get(lang),
            )
        )
        charts = group_charts(content, language=lang)
        if charts:
            parts.append(html_figure(charts[0].svg, charts[0].title.get(lang)))
        keep = {*self.meta.attributes, "count", "insufficient_data", *NOTEBOOK_RATES}
        groups = [c for c in self._group_columns(None, intervals=False) if c[0] in keep]
        parts.append(
            html_table(
                [name for name, _, _ in groups],
                list(zip(*(values for _, _, values in groups), strict=True)),
                caption=render(NOTEBOOK_GROUPS, lang, {"over": " × ".join(self.meta.attributes)}),
            )
        )
        return html_result(render(NOTEBOOK_TITLE, lang, {"verdict": verdict}), facts, *parts)

    def _repr_html_(self) -> str:
        """What Jupyter shows: :meth:`to_html`."""
        return self.to_html()


# --- reference groups -----------------------------------------------------------------------------


def _check_reference(reference: ReferenceChoice, attributes: tuple[str, ...]) -> None:
    if isinstance(reference, str):
        if reference not in {"largest", "most_favoured"}:
            raise FairnessError(ERR_BAD_REFERENCE, params={"got": repr(reference)})
        return
    if not isinstance(reference, Mapping) or set(reference) != set(attributes):
        raise FairnessError(ERR_BAD_REFERENCE, params={"got": repr(reference)})


def _label(group: Mapping[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in group.items()) or "—"


@dataclass(frozen=True)
class _Grouping:
    attributes: tuple[str, ...]
    table: CountTable
    index: IntArray  # intersection group → group of this grouping
    compared: IntArray  # groups with enough data
    excluded: tuple[Mapping[str, str], ...]
    reference: int | None  # position within `compared`; None: per replicate (most favoured)


def _grouping(
    table: CountTable,
    attributes: tuple[str, ...],
    *,
    reference: ReferenceChoice,
    min_group_size: int,
) -> _Grouping:
    _, index = table.projection(attributes)
    sub = table.marginal(attributes)
    sizes = sub.group_sizes
    compared = np.flatnonzero(sizes >= min_group_size).astype(np.int64)
    labels = sub.group_labels()
    excluded = tuple(labels[i] for i in np.flatnonzero(sizes < min_group_size))
    position: int | None = None
    if isinstance(reference, Mapping):
        wanted = tuple(level_name(reference[a]) for a in attributes)
        if wanted not in sub.groups:
            raise FairnessError(
                ERR_UNKNOWN_REFERENCE,
                params={
                    "group": _label(dict(zip(attributes, wanted, strict=True))),
                    "attributes": " × ".join(attributes),
                    "groups": "; ".join(_label(g) for g in labels),
                },
            )
        at = sub.groups.index(wanted)
        if sizes[at] < min_group_size:
            raise FairnessError(
                ERR_REFERENCE_TOO_SMALL,
                params={
                    "group": _label(labels[at]),
                    "count": int(sizes[at]),
                    "minimum": min_group_size,
                },
            )
        position = int(np.flatnonzero(compared == at)[0])
    elif reference == "largest" and compared.size:
        position = int(np.argmax(sizes[compared]))
    return _Grouping(attributes, sub, index, compared, excluded, position)


def _most_favoured(cells: FloatArray) -> IntArray:
    selection = rate(cells, "selection_rate")
    best = np.argmax(np.where(np.isnan(selection), -np.inf, selection), axis=-1)
    return np.asarray(best, dtype=np.int64)


def _references(grouping: _Grouping, cells: FloatArray) -> IntArray:
    """Reference positions for ``cells`` (``(..., compared, 2, 2)``), one per leading index."""
    if grouping.reference is None:
        return _most_favoured(cells)
    return np.full(cells.shape[:-3], grouping.reference, dtype=np.int64)


# --- explanations --------------------------------------------------------------------------------


def _number(value: float | None) -> object:
    return _NA if value is None or not math.isfinite(value) else f"{value:.3f}"


def _p(value: float) -> str:
    if not math.isfinite(value):
        return ""
    return " p < 0.001" if value < 0.001 else f" p = {value:.3f}"


def _join(parts: list[tuple[LocalizedText, dict[str, object]]]) -> LocalizedText:
    zh = "".join(render(t, "zh-Hans", p) for t, p in parts)
    en = " ".join(render(t, "en", p) for t, p in parts)
    return LocalizedText(zh=zh, en=en)


def _explain(
    *,
    definition: DisparityDefinition,
    disparity: dict[str, Any],
    policy: Policy,
    confidence: float,
    min_group_size: int,
    reference_kind: str,
) -> LocalizedText:
    over = " × ".join(disparity["attributes"])
    verdict = disparity["verdict"]
    parts: list[tuple[LocalizedText, dict[str, object]]] = []
    value = disparity["value"]
    if not math.isfinite(value):
        parts.append(
            (
                EXPLAIN_INCONCLUSIVE,
                {
                    "metric": definition.title,
                    "over": over,
                    "verdict": VERDICT_WORDS["inconclusive"] if verdict else _NA,
                },
            )
        )
    else:
        interval: object = ""
        if disparity["ci"] is not None:
            low, high = disparity["ci"]
            interval = localized(
                EXPLAIN_CI,
                confidence=f"{confidence * 100:g}",
                low=_number(low),
                high=_number(high),
            )
        parts.append(
            (
                EXPLAIN_VALUE,
                {
                    "metric": definition.title,
                    "over": over,
                    "value": _number(value),
                    "ci": interval,
                    "test": TEST_NAMES[disparity["test"]],
                    "p": _p(disparity["p_value"]),
                },
            )
        )
        if disparity["lowest"] is not None and disparity["highest"] is not None:
            parts.append(
                (
                    EXPLAIN_EXTREMES,
                    {
                        "rate": METRIC_NAMES[disparity["compared_rate"]],
                        "min_group": _label(disparity["lowest"]),
                        "min_value": _number(disparity["lowest_value"]),
                        "max_group": _label(disparity["highest"]),
                        "max_value": _number(disparity["highest_value"]),
                    },
                )
            )
        if disparity["reference"] is not None and disparity["vs_reference"] is not None:
            parts.append(
                (
                    EXPLAIN_REFERENCE,
                    {
                        "reference": _label(disparity["reference"]),
                        "how": REFERENCE_HOW[reference_kind],
                    },
                )
            )
        tolerance = policy.tolerance_for(definition.name)
        if tolerance is None:
            parts.append((EXPLAIN_NOT_COVERED, {"policy": policy.title}))
        else:
            template = (
                EXPLAIN_RULE_AT_LEAST if tolerance.direction == "at_least" else EXPLAIN_RULE_AT_MOST
            )
            parts.append(
                (
                    template,
                    {
                        "policy": policy.title,
                        "pass_": f"{tolerance.pass_threshold:g}",
                        "warn": f"{tolerance.warn_threshold:g}",
                        "verdict": VERDICT_WORDS[verdict],
                    },
                )
            )
    excluded = disparity["excluded_groups"]
    if excluded:
        parts.append(
            (
                EXPLAIN_EXCLUDED,
                {
                    "count": len(excluded),
                    "minimum": min_group_size,
                    "groups": "; ".join(_label(g) for g in excluded),
                },
            )
        )
    return _join(parts)


# --- the audit ------------------------------------------------------------------------------------


def _check_parameters(*, min_group_size: int, replicates: int, confidence: float) -> None:
    checks = [
        (
            "min_group_size",
            min_group_size,
            "an integer ≥ 0",
            isinstance(min_group_size, int) and min_group_size >= 0,
        ),
        (
            "replicates",
            replicates,
            "an integer ≥ 0",
            isinstance(replicates, int) and replicates >= 0,
        ),
        ("confidence", confidence, "a number in (0, 1)", 0.0 < confidence < 1.0),
    ]
    for name, got, expected, ok in checks:
        if not ok:
            raise FairnessError(
                ERR_BAD_PARAMETER, params={"name": name, "expected": expected, "got": got}
            )


def _check_groups(table: CountTable) -> None:
    if len(table.groups) < 2:
        raise FairnessDataError(
            ERR_SINGLE_GROUP,
            params={"rows": table.rows, "group": _label(table.group_labels()[0])},
        )
    for i, attribute in enumerate(table.attributes):
        values = {group[i] for group in table.groups}
        if len(values) < 2:
            raise FairnessDataError(
                ERR_SINGLE_LEVEL, params={"attribute": attribute, "value": values.pop()}
            )


def audit_table(
    table: CountTable,
    *,
    reference: ReferenceChoice = "most_favoured",
    policy: str | Path | Policy | Mapping[str, Any] = DEFAULT_POLICY,
    tolerances: Mapping[str, Mapping[str, float]] | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = 0,
    confidence: float = DEFAULT_CONFIDENCE,
    population: str | Path | Mapping[str, Any] | ReferencePopulation | None = None,
    population_tolerance: float = DEFAULT_TOLERANCE,
    calibration_bins: int = DEFAULT_CALIBRATION_BINS,
    progress: Progress | None = None,
) -> AuditResult:
    """Audit a count table (for instance one merged from partitions or time windows).

    Takes the keyword arguments of :func:`audit` that do not concern reading
    the data; ``meta.engine`` is ``"count table"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from tianping.fairness import count_table
    >>> df = pd.DataFrame(
    ...     {"g": ["a"] * 40 + ["b"] * 40, "y": [1, 0] * 40, "p": [1] * 60 + [0] * 20}
    ... )
    >>> week1 = count_table(df, protected="g", label="y", prediction="p")
    >>> result = audit_table(week1 + week1, replicates=0)
    >>> result.meta.rows, result.disparity("demographic_parity_difference").value
    (160, 0.5)
    """
    return _audit_counts(
        table,
        reference=reference,
        policy=policy,
        tolerances=tolerances,
        min_group_size=min_group_size,
        replicates=replicates,
        seed=seed,
        confidence=confidence,
        population=population,
        population_tolerance=population_tolerance,
        calibration_bins=calibration_bins,
        progress=progress,
        engine="count table",
        columns={},
    )


def _audit_counts(
    table: CountTable,
    *,
    reference: ReferenceChoice,
    policy: str | Path | Policy | Mapping[str, Any],
    tolerances: Mapping[str, Mapping[str, float]] | None,
    min_group_size: int,
    replicates: int,
    seed: int | None,
    confidence: float,
    population: str | Path | Mapping[str, Any] | ReferencePopulation | None,
    population_tolerance: float,
    calibration_bins: int,
    progress: Progress | None,
    engine: str,
    columns: Mapping[str, Any],
) -> AuditResult:
    """:func:`audit_table`, recording the engine and columns the table came from."""
    _check_parameters(min_group_size=min_group_size, replicates=replicates, confidence=confidence)
    _check_groups(table)
    _check_reference(reference, table.attributes)
    rules = load_policy(policy).with_tolerances(tolerances or {})
    names = list(dict.fromkeys([*DEFAULT_DISPARITIES, *rules.metrics]))
    definitions = [disparity_definition(n) for n in names]
    report = progress or (lambda stage: None)

    report("metrics")

    def metrics_of(sub: CountTable) -> tuple[GroupMetrics, ...]:
        return group_metrics(
            sub,
            min_group_size=min_group_size,
            confidence=confidence,
            calibration_bins=calibration_bins,
        )

    groups = metrics_of(table)
    marginals = {a: metrics_of(table.marginal([a])) for a in table.attributes}
    overall = metrics_of(table.marginal([]))[0]

    over = [table.attributes]
    if len(table.attributes) > 1:
        over += [(a,) for a in table.attributes]
    groupings = [
        _grouping(table, a, reference=reference, min_group_size=min_group_size) for a in over
    ]

    entries: list[dict[str, Any]] = []
    for grouping in groupings:
        cells = grouping.table.cell_weights[grouping.compared]
        counts = grouping.table.counts[grouping.compared]
        labels = grouping.table.group_labels()
        compared_labels = [labels[i] for i in grouping.compared]
        enough = grouping.compared.size >= 2
        ref = _references(grouping, cells) if enough else None
        for definition in definitions:
            entry: dict[str, Any] = {
                "definition": definition,
                "attributes": grouping.attributes,
                "value": math.nan,
                "vs_reference": None,
                "reference": None,
                "compared_rate": "selection_rate",
                "lowest": None,
                "lowest_value": math.nan,
                "highest": None,
                "highest_value": math.nan,
                "ci": None,
                "test": "none",
                "p_value": math.nan,
                "excluded_groups": grouping.excluded,
                "groups_compared": int(grouping.compared.size),
            }
            if enough and ref is not None:
                result = definition.evaluate(cells, ref)
                entry["value"] = float(result.value)
                entry["compared_rate"] = result.rate
                if result.vs_reference is not None:
                    entry["vs_reference"] = float(result.vs_reference)
                    entry["reference"] = compared_labels[int(ref)]
                per_group = group_values(cells, result.rate)
                if np.isfinite(per_group).any():
                    lo = int(np.nanargmin(per_group))
                    hi = int(np.nanargmax(per_group))
                    entry.update(
                        lowest=compared_labels[lo],
                        lowest_value=float(per_group[lo]),
                        highest=compared_labels[hi],
                        highest_value=float(per_group[hi]),
                    )
                test = definition.test(counts.astype(np.float64))
                entry["test"], entry["p_value"] = test.method, test.p_value
            entries.append(entry)

    report("bootstrap")
    if replicates > 0:
        _bootstrap(table, groupings, definitions, entries, replicates, seed, confidence)

    report("verdicts")
    reference_kind = "named" if isinstance(reference, Mapping) else str(reference)
    disparities = []
    for entry in entries:
        definition = entry.pop("definition")
        tolerance = rules.tolerance_for(definition.name)
        entry["verdict"] = None if tolerance is None else tolerance.judge(entry["value"])
        explanation = _explain(
            definition=definition,
            disparity=entry,
            policy=rules,
            confidence=confidence,
            min_group_size=min_group_size,
            reference_kind=reference_kind,
        )
        disparities.append(Disparity(metric=definition.name, explanation=explanation, **entry))

    represented: tuple[Representativeness, ...] = ()
    if population is not None:
        represented = representativeness(table, population, tolerance=population_tolerance)

    meta = AuditMeta(
        rows=table.rows,
        total_weight=float(table.cell_weights.sum()),
        weighted=table.weighted,
        engine=engine,
        attributes=table.attributes,
        policy=rules,
        min_group_size=min_group_size,
        reference=reference,
        seed=seed,
        replicates=replicates,
        confidence=confidence,
        label=columns.get("label"),
        prediction=columns.get("prediction"),
        score=columns.get("score"),
        threshold=columns.get("threshold"),
        positive=None if columns.get("positive") is None else str(columns["positive"]),
    )
    return AuditResult(
        groups=groups,
        marginals=marginals,
        overall=overall,
        disparities=tuple(disparities),
        representativeness=represented,
        meta=meta,
        table=table,
    )


def _bootstrap(
    table: CountTable,
    groupings: list[_Grouping],
    definitions: list[DisparityDefinition],
    entries: list[dict[str, Any]],
    replicates: int,
    seed: int | None,
    confidence: float,
) -> None:
    """Fill each entry's ``ci`` from one bootstrap of the intersection table."""
    members = []
    for grouping in groupings:
        member = np.zeros((len(table.groups), len(grouping.table.groups)))
        member[np.arange(len(table.groups)), grouping.index] = 1.0
        members.append(member[:, grouping.compared])

    def statistic(cells: FloatArray) -> FloatArray:
        columns = []
        for grouping, member in zip(groupings, members, strict=True):
            if grouping.compared.size < 2:
                columns += [np.full(cells.shape[0], np.nan)] * len(definitions)
                continue
            grouped = np.einsum("rgij,gh->rhij", cells, member)
            ref = _references(grouping, grouped)
            columns += [np.asarray(d.evaluate(grouped, ref).value) for d in definitions]
        return np.stack(columns, axis=1)

    samples = bootstrap_statistics(table, statistic, replicates=replicates, seed=seed)
    low, high = percentile_interval(samples, confidence=confidence)
    for j, entry in enumerate(entries):
        if math.isfinite(entry["value"]):
            entry["ci"] = (float(low[j]), float(high[j]))


def audit(
    data: object,
    *,
    protected: Sequence[str] | str,
    label: str,
    prediction: str | None = None,
    score: str | None = None,
    threshold: float = 0.5,
    weights: str | None = None,
    bins: Mapping[str, Sequence[float]] | None = None,
    positive: object = None,
    reference: ReferenceChoice = "most_favoured",
    policy: str | Path | Policy | Mapping[str, Any] = DEFAULT_POLICY,
    tolerances: Mapping[str, Mapping[str, float]] | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = 0,
    confidence: float = DEFAULT_CONFIDENCE,
    population: str | Path | Mapping[str, Any] | ReferencePopulation | None = None,
    population_tolerance: float = DEFAULT_TOLERANCE,
    score_bins: int = DEFAULT_SCORE_BINS,
    score_range: tuple[float, float] = (0.0, 1.0),
    calibration_bins: int = DEFAULT_CALIBRATION_BINS,
    progress: Progress | None = None,
) -> AuditResult:
    """Audit a model's decisions for bias across protected attributes.

    Parameters
    ----------
    data, protected, label, prediction, score, threshold, weights, bins, positive
        What to count; see :func:`~tianping.fairness.count_table`.
    reference
        The reference group: ``"most_favoured"`` (highest selection rate),
        ``"largest"``, or a named group ``{"sex": "M", "age": "25-40"}``.
    policy, tolerances
        The policy (preset id, YAML file, mapping or :class:`Policy`) and extra
        or replacing tolerances ``{"fpr_difference": {"pass": 0.05, "warn": 0.1}}``.
    min_group_size
        Groups with fewer rows are flagged ``insufficient_data``, reported and
        left out of disparities and verdicts.
    replicates, seed, confidence
        Bootstrap replicates (0: no intervals), the seed of its generator, and
        the confidence level of every interval.
    population, population_tolerance
        A reference population to compare the data's shares with; groups below
        ``population_tolerance`` × their reference share are under-represented.
    score_bins, score_range, calibration_bins
        Bins of the score histogram (AUC) over the score range, and of the
        calibration curves.
    progress
        Called with each stage's name as it starts: counting, metrics,
        bootstrap, verdicts.

    Raises
    ------
    FairnessDataError
        The data cannot be read or audited (see :func:`count_table`), or all
        rows fall in one group.
    PolicyError
        An unknown policy or metric.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> sex = rng.choice(["F", "M"], 2000)
    >>> y = rng.random(2000) < 0.5
    >>> yhat = rng.random(2000) < np.where(sex == "F", 0.3, 0.5)
    >>> df = pd.DataFrame({"sex": sex, "y": y, "yhat": yhat})
    >>> result = audit(df, protected="sex", label="y", prediction="yhat", replicates=200)
    >>> d = result.disparity("disparate_impact")
    >>> round(d.value, 2), d.verdict, result.verdict
    (0.64, 'fail', 'fail')
    """
    report = progress or (lambda stage: None)
    report("counting")
    table, engine = _count(
        data,
        protected=protected,
        label=label,
        prediction=prediction,
        score=score,
        threshold=threshold,
        weights=weights,
        bins=bins,
        positive=positive,
        score_bins=score_bins,
        score_range=score_range,
    )
    return _audit_counts(
        table,
        reference=reference,
        policy=policy,
        tolerances=tolerances,
        min_group_size=min_group_size,
        replicates=replicates,
        seed=seed,
        confidence=confidence,
        population=population,
        population_tolerance=population_tolerance,
        calibration_bins=calibration_bins,
        progress=progress,
        engine=engine,
        columns={
            "label": label,
            "prediction": prediction,
            "score": score,
            "threshold": threshold if score is not None and prediction is None else None,
            "positive": positive,
        },
    )


__all__ = [
    "SCHEMA",
    "STAGES",
    "AuditMeta",
    "AuditResult",
    "Disparity",
    "Progress",
    "ReferenceChoice",
    "Stage",
    "audit",
    "audit_table",
]
