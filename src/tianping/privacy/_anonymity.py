"""Anonymity models from one grouped count: k-anonymity, l-diversity, t-closeness, risk.

One ``GROUP BY`` over (quasi-identifiers…, sensitive attribute) with a row
count is the only pass over the data; DuckDB runs it (files, pandas, polars,
pyarrow tables and DuckDB relations are scanned in place). Everything else is
NumPy on that small table:

equivalence class
    The rows sharing one value of every quasi-identifier.
k-anonymity
    ``k`` is the size of the smallest class; a class smaller than the target
    ``k`` violates it.
l-diversity
    *Distinct*: the number of sensitive values in a class; *entropy*:
    ``exp(H)`` of the class's sensitive-value distribution (Machanavajjhala et
    al. 2007). The dataset's ``l`` is the minimum over classes.
t-closeness
    The Earth Mover's Distance between a class's sensitive distribution and the
    whole table's (Li, Li & Venkatasubramanian 2007): for an *ordered*
    (numeric) attribute ``1/(m-1) · Σ_i |F_class(i) - F_all(i)|`` over the
    ``m`` sorted distinct values (cumulative distributions); for a
    *categorical* one with equal distances, ``½ Σ_i |p_i - q_i|``. The
    dataset's ``t`` is the maximum.
prosecutor risk
    Re-identification risk when the attacker knows the person is in the data:
    ``1 / size`` of their class; maximum, average (classes / rows) and the
    share of rows above a threshold (``1 / k`` by default).
journalist risk
    When the attacker does not know: ``1 / F`` with ``F`` the class's size in
    the population (a population table given, or the data taken as the
    population, when the two risks coincide).

Null values are a value of their own (``"(missing)"``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
import narwhals as nw
import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from tianping.charts import ChartBar, interval_chart, nice_domain
from tianping.notebook import FrameColumns, build_frame, html_figure, html_result, html_table
from tianping.privacy._errors import PrivacyDataError
from tianping.privacy._messages import (
    ERR_BAD_PARAMETER,
    ERR_EMPTY_DATA,
    ERR_MISSING_COLUMNS,
    ERR_NO_QUASI,
    ERR_PATH_NOT_FOUND,
    ERR_UNREADABLE,
    ERR_UNSUPPORTED_DATA,
    ERR_UNSUPPORTED_TABLE,
    NOTEBOOK_ANONYMITY,
    NOTEBOOK_ANONYMITY_CHART,
    NOTEBOOK_FACTS,
    NOTEBOOK_NOT_SATISFIED,
    NOTEBOOK_SATISFIED,
    NOTEBOOK_VIOLATING,
    render,
)
from tianping.privacy._scanner import cell_text, error_reason
from tianping.privacy._tables import table_format
from tianping.text import DEFAULT_LANGUAGE, normalise_language

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
SensitiveKind = Literal["auto", "ordered", "categorical"]

ANONYMITY_FORMAT = "tianping.privacy.anonymity"
ANONYMITY_VERSION = 1
MISSING = "(missing)"
_COUNT = "__tianping_rows"


# --- the one pass --------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _relation(con: duckdb.DuckDBPyConnection, data: Any) -> duckdb.DuckDBPyRelation:
    """``data`` as a DuckDB relation on ``con``, scanned in place."""
    if isinstance(data, str | os.PathLike):
        path = Path(data)
        if not any(ch in str(path) for ch in "*?[") and not path.exists():
            raise PrivacyDataError(ERR_PATH_NOT_FOUND, params={"path": str(path)})
        fmt = table_format(path.name)
        if fmt is None:
            raise PrivacyDataError(ERR_UNSUPPORTED_TABLE, params={"path": str(path)})
        try:
            if fmt == "parquet":
                return con.read_parquet(str(path))
            if fmt == "jsonl":
                return con.read_json(str(path), format="newline_delimited")
            return con.read_csv(str(path), delimiter="\t" if fmt == "tsv" else ",")
        except duckdb.Error as exc:
            raise PrivacyDataError(
                ERR_UNREADABLE, params={"path": str(path), "reason": error_reason(exc)}
            ) from exc
    if isinstance(data, duckdb.DuckDBPyRelation):
        return data
    native = data
    try:
        frame = nw.from_native(data)
    except TypeError:
        frame = None
    if isinstance(frame, nw.LazyFrame) and frame.implementation.name.lower() != "duckdb":
        frame = frame.collect()
    if isinstance(frame, nw.DataFrame):
        implementation = frame.implementation.name.lower()
        if implementation not in ("pandas", "pyarrow", "polars"):
            native = frame.to_arrow()
    elif frame is None:
        raise PrivacyDataError(ERR_UNSUPPORTED_DATA, params={"kind": type(data).__name__})
    con.register("__tianping_data", native)
    return con.table("__tianping_data")


def _grouped(
    con: duckdb.DuckDBPyConnection, relation: duckdb.DuckDBPyRelation, columns: Sequence[str]
) -> pa.Table:
    missing = [c for c in columns if c not in relation.columns]
    if missing:
        raise PrivacyDataError(
            ERR_MISSING_COLUMNS,
            params={"columns": ", ".join(missing), "available": ", ".join(relation.columns)},
        )
    keys = ", ".join(_quote(c) for c in columns)
    # column names are quoted identifiers, never values
    query = f"SELECT {keys}, COUNT(*) AS {_COUNT} FROM relation GROUP BY ALL"  # noqa: S608
    try:
        result = relation.query("relation", query)
        assert result is not None
        return result.to_arrow_table()
    except duckdb.Error as exc:
        raise PrivacyDataError(
            ERR_UNREADABLE, params={"path": "data", "reason": error_reason(exc)}
        ) from exc


def _codes(column: pa.ChunkedArray) -> tuple[IntArray, list[object]]:
    """Integer codes of a column's values (nulls included) and the values by code."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    values: list[object] = encoded.dictionary.to_pylist()
    if encoded.null_count:
        indices = np.where(pc.is_null(encoded.indices).to_numpy(zero_copy_only=False), -1, indices)
        values.append(None)
        indices = np.where(indices < 0, len(values) - 1, indices)
    return indices.astype(np.int64), values


def _class_ids(columns: Sequence[pa.ChunkedArray]) -> tuple[IntArray, IntArray]:
    """A class id per grouped row (0…C-1, in first-seen order), and one row per class."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, values = _codes(column)
        _, key = np.unique(key * (len(values) + 1) + codes, return_inverse=True)
        key = key.astype(np.int64)
    _ids, first = np.unique(key, return_index=True)
    return key, first.astype(np.int64)


def _label(value: object) -> str:
    text = cell_text(value)
    return MISSING if text is None else text


# --- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EquivalenceClass:
    """One class of rows sharing their quasi-identifier values, and what it violates."""

    values: dict[str, str]
    size: int
    distinct: int | None
    entropy_l: float | None
    emd: float | None
    violates: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "values": self.values,
            "size": self.size,
            "distinct": self.distinct,
            "entropy_l": None if self.entropy_l is None else round(self.entropy_l, 6),
            "emd": None if self.emd is None else round(self.emd, 6),
            "violates": list(self.violates),
        }


@dataclass(frozen=True)
class Risk:
    """Re-identification risk: highest, average, and the share of rows above the threshold."""

    highest: float
    average: float
    records_at_risk: float
    threshold: float
    basis: Literal["sample", "population"] = "sample"

    def to_json(self) -> dict[str, Any]:
        return {
            "highest": round(self.highest, 6),
            "average": round(self.average, 6),
            "records_at_risk": round(self.records_at_risk, 6),
            "threshold": round(self.threshold, 6),
            "basis": self.basis,
        }


@dataclass(frozen=True)
class AnonymityReport:
    """k, l and t of a table over its quasi-identifiers, the violating classes, and risks.

    ``violating_classes`` lists every class that misses a target (size < ``k_target``,
    distinct values < ``l_target``, EMD > ``t_target``); ``violating_records`` counts
    their rows.
    """

    rows: int
    quasi: tuple[str, ...]
    sensitive: str | None
    sensitive_kind: Literal["ordered", "categorical"] | None
    classes: int
    k: int
    l_distinct: int | None
    l_entropy: float | None
    t: float | None
    k_target: int
    l_target: int | None
    t_target: float | None
    violating_classes: tuple[EquivalenceClass, ...]
    violating_records: int
    prosecutor: Risk
    journalist: Risk
    class_sizes: dict[int, int] = field(default_factory=dict)
    violating_keys: pa.Table | None = field(default=None, repr=False, compare=False)

    @property
    def satisfied(self) -> bool:
        """Whether every target is met."""
        return not self.violating_classes

    def to_json(self, *, max_classes: int = 1000) -> dict[str, Any]:
        """The report as JSON (``docs/privacy.md``, *Anonymity report*)."""
        return {
            "format": ANONYMITY_FORMAT,
            "version": ANONYMITY_VERSION,
            "rows": self.rows,
            "quasi_identifiers": list(self.quasi),
            "sensitive": self.sensitive,
            "sensitive_kind": self.sensitive_kind,
            "classes": self.classes,
            "k": self.k,
            "l_distinct": self.l_distinct,
            "l_entropy": None if self.l_entropy is None else round(self.l_entropy, 6),
            "t": None if self.t is None else round(self.t, 6),
            "targets": {"k": self.k_target, "l": self.l_target, "t": self.t_target},
            "satisfied": self.satisfied,
            "violating_records": self.violating_records,
            "violating_classes_total": len(self.violating_classes),
            "violating_classes": [c.to_json() for c in self.violating_classes[:max_classes]],
            "class_size_histogram": {str(k): v for k, v in sorted(self.class_sizes.items())},
            "risk": {
                "prosecutor": self.prosecutor.to_json(),
                "journalist": self.journalist.to_json(),
            },
        }

    def _frame_columns(self) -> FrameColumns:
        cs = self.violating_classes
        return [
            *[(name, "str", [c.values.get(name) for c in cs]) for name in self.quasi],
            ("size", "int", [c.size for c in cs]),
            ("distinct", "int", [c.distinct for c in cs]),
            ("entropy_l", "float", [c.entropy_l for c in cs]),
            ("emd", "float", [c.emd for c in cs]),
            ("violates", "str", [", ".join(c.violates) for c in cs]),
        ]

    def to_frame(self, *, backend: str | None = None) -> Any:
        """The classes that miss a target, one row per equivalence class, smallest first.

        Columns: one per quasi-identifier (the class's value, ``"(missing)"`` for
        null), ``size`` (its rows), ``distinct`` (sensitive values in it),
        ``entropy_l`` (``exp`` of their entropy), ``emd`` (its distance from
        the table's sensitive distribution), and ``violates`` (the targets it
        misses: ``"k, l"``). The last three are null without a sensitive
        attribute. A table that meets every target gives no rows;
        :meth:`class_size_frame` covers every class. ``backend``: ``"pandas"``
        (default), ``"polars"`` or ``"pyarrow"``.

        Raises
        ------
        ValueError
            A quasi-identifier is named like one of the other columns.
        """
        return build_frame(self._frame_columns(), backend=backend)

    def _size_columns(self) -> FrameColumns:
        sizes = sorted(self.class_sizes.items())
        return [
            ("size", "int", [size for size, _ in sizes]),
            ("classes", "int", [n for _, n in sizes]),
            ("rows", "int", [size * n for size, n in sizes]),
            ("below_k", "bool", [size < self.k_target for size, _ in sizes]),
        ]

    def class_size_frame(self, *, backend: str | None = None) -> Any:
        """Every class by its size: ``size``, ``classes`` of that size, their ``rows``,
        and ``below_k`` (smaller than the target ``k``). ``backend`` as for :meth:`to_frame`.
        """
        return build_frame(self._size_columns(), backend=backend)

    def to_html(self, *, language: str | None = DEFAULT_LANGUAGE) -> str:
        """The report for a notebook: k, l, t and risks, a chart of class sizes, the tables."""
        lang = normalise_language(language)
        outcome = (NOTEBOOK_SATISFIED if self.satisfied else NOTEBOOK_NOT_SATISFIED).get(lang)
        facts: list[tuple[str, object]] = [
            (NOTEBOOK_FACTS["rows"].get(lang), self.rows),
            (NOTEBOOK_FACTS["classes"].get(lang), self.classes),
            ("k", f"{self.k} / {self.k_target}"),
        ]
        if self.l_target is not None:
            facts.append(("l", f"{self.l_distinct} / {self.l_target}"))
        if self.t_target is not None and self.t is not None:
            facts.append(("t", f"{self.t:.3f} / {self.t_target:g}"))
        facts += [
            (NOTEBOOK_FACTS["violating_records"].get(lang), self.violating_records),
            (NOTEBOOK_FACTS["prosecutor"].get(lang), self.prosecutor.highest),
        ]
        parts = []
        sizes = sorted(self.class_sizes.items())
        if sizes:
            title = render(NOTEBOOK_ANONYMITY_CHART, lang, {"k": self.k_target})
            bars = [
                ChartBar(
                    str(size), float(size * n), tone="fail" if size < self.k_target else "pass"
                )
                for size, n in sizes
            ]
            domain = nice_domain([float(size * n) for size, n in sizes])
            chart = interval_chart(bars, title=title, domain=domain)
            parts.append(html_figure(chart, title))
        columns = self._frame_columns()
        parts.append(
            html_table(
                [name for name, _, _ in columns],
                list(zip(*(values for _, _, values in columns), strict=True)),
                caption=NOTEBOOK_VIOLATING.get(lang),
            )
        )
        return html_result(render(NOTEBOOK_ANONYMITY, lang, {"outcome": outcome}), facts, *parts)

    def _repr_html_(self) -> str:
        """What Jupyter shows: :meth:`to_html`."""
        return self.to_html()


# --- the models ----------------------------------------------------------------------------------


def _ordered_emd(
    cls: IntArray, rank: IntArray, p: FloatArray, q: FloatArray, classes: int
) -> FloatArray:
    """Ordered EMD per class from sparse (class, rank, share) rows, exactly, in O(G log m)."""
    m = len(q)
    if m < 2:
        return np.zeros(classes)
    g = np.cumsum(q)  # G(i): the whole table's cumulative distribution
    s = np.concatenate([[0.0], np.cumsum(g)])  # S(i) = Σ_{j<i} G(j)
    order = np.lexsort((rank, cls))
    cls, rank, p = cls[order], rank[order], p[order]
    f = np.cumsum(p)
    starts = np.r_[0, np.flatnonzero(np.diff(cls)) + 1]
    f -= np.repeat(np.r_[0.0, f[starts[1:] - 1]], np.diff(np.r_[starts, len(cls)]))
    # Segment [rank_t, rank_{t+1}) has F = f_t; the class's last segment runs to m.
    nxt = np.r_[rank[1:], m]
    last = np.r_[np.diff(cls) != 0, True]
    nxt[last] = m
    a, b = rank, nxt
    x = np.clip(np.searchsorted(g, f, side="left"), a, b)
    below = f * (x - a) - (s[x] - s[a])  # Σ_{i∈[a,x)} (f - G(i))
    above = (s[b] - s[x]) - f * (b - x)  # Σ_{i∈[x,b)} (G(i) - f)
    total = np.abs(below) + np.abs(above)
    head = s[rank[starts]]  # Σ_{i<first rank} |0 - G(i)|
    emd = np.bincount(cls, weights=total, minlength=classes)
    emd[cls[starts]] += head
    return np.asarray(emd / (m - 1), dtype=np.float64)


def _categorical_emd(
    cls: IntArray, value: IntArray, p: FloatArray, q: FloatArray, classes: int
) -> FloatArray:
    """Equal-distance EMD per class: ½ Σ |p - q| over all values (absent ones count q)."""
    inside = np.bincount(cls, weights=np.abs(p - q[value]), minlength=classes)
    covered = np.bincount(cls, weights=q[value], minlength=classes)
    return np.asarray(0.5 * (inside + 1.0 - covered), dtype=np.float64)


def _check_targets(k: int, l: int | None, t: float | None) -> None:  # noqa: E741
    problems = []
    if k < 1:
        problems.append(("k", "must be at least 1"))
    if l is not None and l < 1:
        problems.append(("l", "must be at least 1"))
    if t is not None and not 0 <= t <= 1:
        problems.append(("t", "must be in [0, 1]"))
    if problems:
        name, reason = problems[0]
        raise PrivacyDataError(ERR_BAD_PARAMETER, params={"name": name, "reason": reason})


def _population_sizes(
    population: Any, quasi: Sequence[str], keys: pa.Table
) -> npt.NDArray[np.float64]:
    """Each sample class's size in ``population`` (joined on the quasi-identifiers)."""
    con = duckdb.connect()
    try:
        relation = _relation(con, population)
        counts = _grouped(con, relation, quasi)
        con.register("__tianping_sample", keys)
        con.register("__tianping_population", counts)
        on = " AND ".join(f"s.{_quote(c)} IS NOT DISTINCT FROM p.{_quote(c)}" for c in quasi)
        select = f"SELECT s.__tianping_class, COALESCE(p.{_COUNT}, 0)"
        source = f"FROM __tianping_sample s LEFT JOIN __tianping_population p ON {on}"
        sql = f"{select} {source} ORDER BY s.__tianping_class"
        result = con.execute(sql).fetchnumpy()
    finally:
        con.close()
    return np.asarray(list(result.values())[1], dtype=np.float64)


def anonymity(
    data: Any,
    *,
    quasi: Sequence[str] | str,
    sensitive: str | None = None,
    k: int = 5,
    l: int | None = 2,  # noqa: E741 - the model's own letter
    t: float | None = 0.2,
    sensitive_kind: SensitiveKind = "auto",
    population: Any = None,
    risk_threshold: float | None = None,
) -> AnonymityReport:
    """k-anonymity, l-diversity, t-closeness and re-identification risk of a table.

    Parameters
    ----------
    data
        A Parquet / CSV / TSV / JSON Lines file (or glob), a pandas, polars or
        pyarrow table, or a DuckDB relation.
    quasi
        The quasi-identifier columns (a list, or ``"a,b,c"``).
    sensitive
        The sensitive attribute, for l-diversity and t-closeness.
    k, l, t
        The targets; classes that miss one are reported (``l`` and ``t`` need
        ``sensitive``; ``None`` skips a model).
    sensitive_kind
        ``ordered`` (numeric EMD), ``categorical`` (equal distances), or ``auto``
        (ordered for numbers and dates).
    population
        A table of the population the data was sampled from, for journalist risk.
    risk_threshold
        The per-record risk above which a record is "at risk" (``1 / k`` by default).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"zip": ["100", "100", "100", "200", "200"],
    ...                    "age": [30, 30, 30, 40, 40],
    ...                    "disease": ["flu", "cold", "flu", "hiv", "hiv"]})
    >>> report = anonymity(df, quasi=["zip", "age"], sensitive="disease", k=2, l=2, t=None)
    >>> report.k, report.l_distinct, [c.values for c in report.violating_classes]
    (2, 1, [{'zip': '200', 'age': '40'}])
    """
    quasi = [c.strip() for c in quasi.split(",")] if isinstance(quasi, str) else list(quasi)
    if not quasi or not all(quasi):
        raise PrivacyDataError(ERR_NO_QUASI)
    if sensitive is None:
        l, t = None, None  # noqa: E741
    _check_targets(k, l, t)
    columns = [*quasi, *([sensitive] if sensitive else [])]
    con = duckdb.connect()
    try:
        relation = _relation(con, data)
        grouped = _grouped(con, relation, columns)
    finally:
        con.close()
    counts = grouped.column(_COUNT).to_numpy().astype(np.int64)
    rows = int(counts.sum())
    if rows == 0:
        raise PrivacyDataError(ERR_EMPTY_DATA)
    cls, first = _class_ids([grouped.column(c) for c in quasi])
    classes = len(first)
    sizes = np.bincount(cls, weights=counts, minlength=classes).astype(np.int64)
    k_value = int(sizes.min())
    violations: list[list[str]] = [[] for _ in range(classes)]
    for c in np.flatnonzero(sizes < k):
        violations[c].append("k")

    distinct = entropy_l = emd = None
    kind: Literal["ordered", "categorical"] | None = None
    l_value = l_ent = t_value = None
    if sensitive is not None:
        column = grouped.column(sensitive)
        numeric = (
            pa.types.is_integer(column.type)
            or pa.types.is_floating(column.type)
            or pa.types.is_decimal(column.type)
            or pa.types.is_temporal(column.type)
        )
        kind = (
            ("ordered" if numeric else "categorical")
            if sensitive_kind == "auto"
            else sensitive_kind
        )
        if kind == "ordered":
            # ranks of the sorted distinct values; a null ranks last
            flat = column.combine_chunks()
            distinct_values = pc.unique(
                pc.take(flat, pc.array_sort_indices(flat, null_placement="at_end"))
            )
            value = pc.index_in(flat, value_set=distinct_values).to_numpy(zero_copy_only=False)
            value = value.astype(np.int64)
            m = len(distinct_values)
        else:
            value, labels = _codes(column)
            m = len(labels)
        distinct = np.bincount(cls, minlength=classes)
        share = counts / sizes[cls]
        entropy = -np.bincount(cls, weights=share * np.log(share), minlength=classes)
        entropy_l = np.exp(entropy)
        q = np.bincount(value, weights=counts, minlength=m) / rows
        if kind == "ordered":
            emd = _ordered_emd(cls, value, share, q, classes)
        else:
            emd = _categorical_emd(cls, value, share, q, classes)
        emd = np.clip(emd, 0.0, 1.0)
        l_value, l_ent, t_value = int(distinct.min()), float(entropy_l.min()), float(emd.max())
        if l is not None:
            for c in np.flatnonzero(distinct < l):
                violations[c].append("l")
        if t is not None:
            for c in np.flatnonzero(emd > t + 1e-12):
                violations[c].append("t")

    bad = [c for c in range(classes) if violations[c]]
    quasi_columns = [grouped.column(c).take(pa.array(first)) for c in quasi]
    quasi_values = [col.to_pylist() for col in quasi_columns]
    listed = tuple(
        EquivalenceClass(
            values={name: _label(quasi_values[i][c]) for i, name in enumerate(quasi)},
            size=int(sizes[c]),
            distinct=None if distinct is None else int(distinct[c]),
            entropy_l=None if entropy_l is None else float(entropy_l[c]),
            emd=None if emd is None else float(emd[c]),
            violates=tuple(violations[c]),
        )
        for c in sorted(bad, key=lambda c: (int(sizes[c]), c))
    )
    threshold = risk_threshold if risk_threshold is not None else 1.0 / k
    per_record = 1.0 / sizes
    prosecutor = Risk(
        highest=float(per_record.max()),
        average=classes / rows,
        records_at_risk=float(sizes[per_record > threshold + 1e-12].sum() / rows),
        threshold=threshold,
    )
    if population is not None:
        keys = pa.table(
            {**{c: quasi_columns[i] for i, c in enumerate(quasi)},
             "__tianping_class": pa.array(np.arange(classes))}
        )  # fmt: skip
        big = np.maximum(_population_sizes(population, quasi, keys), sizes)
        risk = 1.0 / big
        journalist = Risk(
            highest=float(risk.max()),
            average=float((sizes * risk).sum() / rows),
            records_at_risk=float(sizes[risk > threshold + 1e-12].sum() / rows),
            threshold=threshold,
            basis="population",
        )
    else:
        journalist = prosecutor
    histogram_sizes, histogram_counts = np.unique(sizes, return_counts=True)
    return AnonymityReport(
        rows=rows,
        quasi=tuple(quasi),
        sensitive=sensitive,
        sensitive_kind=kind,
        classes=classes,
        k=k_value,
        l_distinct=l_value,
        l_entropy=l_ent,
        t=t_value,
        k_target=k,
        l_target=l,
        t_target=t,
        violating_classes=listed,
        violating_records=int(sum(sizes[c] for c in bad)),
        prosecutor=prosecutor,
        journalist=journalist,
        class_sizes={
            int(s): int(n) for s, n in zip(histogram_sizes[:50], histogram_counts[:50], strict=True)
        },
        violating_keys=pa.table(
            {c: grouped.column(c).take(pa.array(first[bad], pa.int64())) for c in quasi}
        ),
    )


def violating_records(data: Any, report: AnonymityReport, *, limit: int | None = None) -> pa.Table:
    """The rows of ``data`` in the classes ``report`` found violating, in data order (pyarrow).

    ``data`` must be the table ``report`` was computed from.
    """
    keys = report.violating_keys
    if keys is None or keys.num_rows == 0:
        keys = None
    con = duckdb.connect()
    try:
        if isinstance(data, duckdb.DuckDBPyRelation):
            data = data.to_arrow_table()
        relation = _relation(con, data)
        if keys is None:
            return relation.limit(0).to_arrow_table()
        con.register("__tianping_bad", keys)
        on = " AND ".join(f"d.{_quote(c)} IS NOT DISTINCT FROM b.{_quote(c)}" for c in report.quasi)
        suffix = f" LIMIT {int(limit)}" if limit is not None else ""
        numbered = "(SELECT *, row_number() OVER () AS __tianping_row FROM relation) d"
        join = f"SEMI JOIN __tianping_bad b ON {on}"
        query = f"SELECT d.* EXCLUDE (__tianping_row) FROM {numbered} {join}"  # noqa: S608
        query += f" ORDER BY d.__tianping_row{suffix}"
        result = relation.query("relation", query)
        assert result is not None
        return result.to_arrow_table()
    finally:
        con.close()


__all__ = [
    "ANONYMITY_FORMAT",
    "ANONYMITY_VERSION",
    "AnonymityReport",
    "EquivalenceClass",
    "Risk",
    "anonymity",
    "violating_records",
]
