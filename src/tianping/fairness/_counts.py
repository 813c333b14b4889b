"""The count table: the one pass over the data, and everything else's input.

A :class:`CountTable` holds, for every observed group (one value of each
protected attribute), the number of rows by true label and prediction: a
2 × 2 confusion matrix per group. With a score it also holds a histogram of
scores by label. The table is small (groups × 4 cells, plus groups × 2 × bins),
so every metric, interval and test after it is NumPy on a few kilobytes.

Tables from partitions or time windows add up (``a + b``), and serialise to
JSON, so partial counts can be stored and merged later.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import narwhals as nw
import numpy as np
import numpy.typing as npt

from tianping.fairness._errors import FairnessDataError, FairnessError
from tianping.fairness._io import open_frame
from tianping.fairness._messages import (
    ERR_BAD_BINS,
    ERR_BAD_PARAMETER,
    ERR_BINS_NOT_NUMERIC,
    ERR_BINS_NOT_PROTECTED,
    ERR_DUPLICATE_COLUMN,
    ERR_EMPTY_DATA,
    ERR_MISSING_COLUMNS,
    ERR_MISSING_VALUES,
    ERR_NEGATIVE_WEIGHTS,
    ERR_NO_PREDICTION,
    ERR_NO_PROTECTED,
    ERR_NON_BINARY,
    ERR_NOT_A_COUNT_TABLE,
    ERR_POSITIVE_ABSENT,
    ERR_SCORE_NOT_NUMERIC,
    ERR_SCORE_RANGE,
    ERR_TABLES_INCOMPATIBLE,
    ROLE_NAMES,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

MISSING = "(missing)"
"""The group label of rows whose protected attribute is missing (null or NaN)."""

JSON_FORMAT = "tianping.fairness.count_table"
JSON_VERSION = 1
DEFAULT_SCORE_BINS = 1000

_PREFIX = "__tianping_"
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")


# --- group labels --------------------------------------------------------------------------------


def level_name(value: object) -> str:
    """The label of one raw attribute value, the same whichever engine produced it.

    Missing values (``None``, NaN, pandas ``NA``) become ``"(missing)"``;
    integral floats lose their ``.0`` (pandas turns an integer column with a
    gap into floats, polars does not), so ``25.0`` and ``25`` are one group.

    >>> level_name(25.0), level_name(None), level_name(True), level_name("F")
    ('25', '(missing)', 'True', 'F')
    """
    if value is None or type(value).__name__ in {"NAType", "NaTType"}:
        return MISSING
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return MISSING
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _edge(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def bin_labels(edges: Sequence[float]) -> tuple[str, ...]:
    """Labels of the bins ``edges`` make, by bin index: below, ``[e0, e1)`` …, above.

    >>> bin_labels([0, 25, 40])
    ('<0', '0-25', '25-40', '>=40')
    """
    inner = tuple(f"{_edge(lo)}-{_edge(hi)}" for lo, hi in itertools.pairwise(edges))
    return (f"<{_edge(edges[0])}", *inner, f">={_edge(edges[-1])}")


def _natural(text: str) -> tuple[tuple[int, float, str], ...]:
    parts = (p for p in _NUMBER.split(text) if p)
    return tuple((0, float(p), "") if _NUMBER.fullmatch(p) else (1, 0.0, p) for p in parts)


def level_key(level: str) -> tuple[Any, ...]:
    """Sort key of a group label: natural order, below-range bins first, missing last."""
    if level == MISSING:
        return (3,)
    if level.startswith(">="):
        return (2, _natural(level[2:]))
    if level.startswith("<") and _NUMBER.match(level, 1):
        return (0, _natural(level[1:]))
    return (1, _natural(level))


def group_key(group: Sequence[str]) -> tuple[Any, ...]:
    """Sort key of an intersection: its labels' keys, attribute by attribute."""
    return tuple(level_key(level) for level in group)


# --- the table -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ScoreHistogram:
    """Binned scores by group and true label: the input of AUC and calibration.

    ``weights[g, y, b]`` is the (weighted) number of rows of group ``g`` with
    label ``y`` whose score falls in bin ``b`` of ``bins`` equal-width bins over
    ``[low, high]`` (``[low + b·w, low + (b+1)·w)``, the last bin closed);
    ``sums[g, y, b]`` the (weighted) sum of those scores.
    """

    low: float
    high: float
    weights: FloatArray
    sums: FloatArray

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError("a score histogram needs finite low < high")
        if self.weights.ndim != 3 or self.weights.shape[1] != 2 or self.weights.shape[2] < 1:
            raise ValueError("score weights must have the shape (groups, 2, bins)")
        if self.sums.shape != self.weights.shape:
            raise ValueError("score sums must have the shape of the score weights")

    @property
    def bins(self) -> int:
        return int(self.weights.shape[2])

    def same_bins(self, other: ScoreHistogram) -> bool:
        return (self.low, self.high, self.bins) == (other.low, other.high, other.bins)


def _check_cells(name: str, array: npt.NDArray[Any], groups: int) -> None:
    if array.shape != (groups, 2, 2):
        raise ValueError(f"{name} must have the shape ({groups}, 2, 2), not {array.shape}")
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"{name} must be finite and non-negative")


@dataclass(frozen=True, eq=False)
class CountTable:
    """Rows by group, true label and prediction: ``counts[g, label, prediction]``.

    Parameters
    ----------
    attributes
        The protected attributes, in order.
    groups
        The observed groups: one label per attribute, sorted (:func:`group_key`),
        unique, each with at least one row.
    counts
        Rows, shape ``(groups, 2, 2)``: ``[g, 0, 0]`` true negatives, ``[g, 0, 1]``
        false positives, ``[g, 1, 0]`` false negatives, ``[g, 1, 1]`` true positives.
    weights
        Sums of sample weights in the same cells, or ``None`` when unweighted.
    weights_squared
        Sums of squared sample weights (for effective sample sizes), with ``weights``.
    scores
        The score histogram, when the audit has a score.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["F", "F", "M", "M"], "y": [1, 0, 1, 0], "yhat": [1, 1, 0, 0]})
    >>> table = count_table(df, protected=["sex"], label="y", prediction="yhat")
    >>> table.groups, table.counts[0].tolist()
    ((('F',), ('M',)), [[0, 1], [0, 1]])
    >>> (table + table).rows
    8
    """

    attributes: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    counts: IntArray
    weights: FloatArray | None = None
    weights_squared: FloatArray | None = None
    scores: ScoreHistogram | None = None

    def __post_init__(self) -> None:
        g = len(self.groups)
        if len(set(self.attributes)) != len(self.attributes):
            raise ValueError("attributes must be unique")
        if any(len(group) != len(self.attributes) for group in self.groups):
            raise ValueError("every group needs one label per attribute")
        keys = [group_key(group) for group in self.groups]
        if any(a >= b for a, b in itertools.pairwise(keys)):
            raise ValueError("groups must be unique and sorted by group_key")
        _check_cells("counts", self.counts, g)
        if g and np.any(self.counts.sum(axis=(1, 2)) == 0):
            raise ValueError("every group needs at least one row")
        if (self.weights is None) != (self.weights_squared is None):
            raise ValueError("weights and weights_squared go together")
        if self.weights is not None and self.weights_squared is not None:
            _check_cells("weights", self.weights, g)
            _check_cells("weights_squared", self.weights_squared, g)
        if self.scores is not None and self.scores.weights.shape[0] != g:
            raise ValueError("the score histogram needs one row per group")

    # -- views ---------------------------------------------------------------------------------

    @property
    def weighted(self) -> bool:
        """Whether the rows carry sample weights."""
        return self.weights is not None

    @property
    def rows(self) -> int:
        """The number of rows counted."""
        return int(self.counts.sum())

    @property
    def cell_weights(self) -> FloatArray:
        """Weights by cell, ``(groups, 2, 2)``: the weight sums, or the counts when unweighted."""
        return self.weights if self.weights is not None else self.counts.astype(np.float64)

    @property
    def group_sizes(self) -> IntArray:
        """Rows per group."""
        return cast(IntArray, self.counts.sum(axis=(1, 2)))

    def group_labels(self) -> list[dict[str, str]]:
        """The groups as ``{attribute: label}`` mappings."""
        return [dict(zip(self.attributes, group, strict=True)) for group in self.groups]

    def projection(self, attributes: Sequence[str]) -> tuple[tuple[tuple[str, ...], ...], IntArray]:
        """The groups over ``attributes`` (a subset) and, per group here, its index there."""
        try:
            positions = [self.attributes.index(a) for a in attributes]
        except ValueError as exc:
            raise ValueError(f"{list(attributes)} are not all in {list(self.attributes)}") from exc
        projected = [tuple(group[i] for i in positions) for group in self.groups]
        unique = sorted(set(projected), key=group_key)
        index = {group: i for i, group in enumerate(unique)}
        return tuple(unique), np.array([index[p] for p in projected], dtype=np.int64)

    def marginal(self, attributes: Sequence[str]) -> CountTable:
        """The table over some of the attributes (``[]`` gives the overall table)."""
        groups, index = self.projection(attributes)

        def fold(array: npt.NDArray[Any]) -> Any:
            out = np.zeros((len(groups), *array.shape[1:]), dtype=array.dtype)
            np.add.at(out, index, array)
            return out

        scores = None
        if self.scores is not None:
            scores = ScoreHistogram(
                self.scores.low,
                self.scores.high,
                fold(self.scores.weights),
                fold(self.scores.sums),
            )
        return CountTable(
            attributes=tuple(attributes),
            groups=groups,
            counts=fold(self.counts),
            weights=None if self.weights is None else fold(self.weights),
            weights_squared=None if self.weights_squared is None else fold(self.weights_squared),
            scores=scores,
        )

    # -- algebra ---------------------------------------------------------------------------------

    def __add__(self, other: object) -> CountTable:
        if not isinstance(other, CountTable):
            return NotImplemented
        reason = None
        if other.attributes != self.attributes:
            reason = f"attributes {list(self.attributes)} ≠ {list(other.attributes)}"
        elif other.weighted != self.weighted:
            reason = "one table is weighted and the other is not"
        elif (self.scores is None) != (other.scores is None):
            reason = "one table has scores and the other has none"
        elif (
            self.scores is not None
            and other.scores is not None
            and not self.scores.same_bins(other.scores)
        ):
            reason = "the score histograms have different bins"
        if reason is not None:
            raise FairnessError(ERR_TABLES_INCOMPATIBLE, params={"reason": reason})
        groups = sorted(set(self.groups) | set(other.groups), key=group_key)
        index = {group: i for i, group in enumerate(groups)}
        mine = np.array([index[g] for g in self.groups], dtype=np.int64)
        theirs = np.array([index[g] for g in other.groups], dtype=np.int64)

        def merge(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> Any:
            out = np.zeros((len(groups), *a.shape[1:]), dtype=a.dtype)
            np.add.at(out, mine, a)
            np.add.at(out, theirs, b)
            return out

        scores = None
        if self.scores is not None and other.scores is not None:
            scores = ScoreHistogram(
                self.scores.low,
                self.scores.high,
                merge(self.scores.weights, other.scores.weights),
                merge(self.scores.sums, other.scores.sums),
            )
        weights = weights_squared = None
        if self.weights is not None and other.weights is not None:
            weights = merge(self.weights, other.weights)
        if self.weights_squared is not None and other.weights_squared is not None:
            weights_squared = merge(self.weights_squared, other.weights_squared)
        return CountTable(
            attributes=self.attributes,
            groups=tuple(groups),
            counts=merge(self.counts, other.counts),
            weights=weights,
            weights_squared=weights_squared,
            scores=scores,
        )

    def __radd__(self, other: object) -> CountTable:
        if other == 0:  # sum(tables) starts from 0
            return self
        return self.__add__(other)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CountTable):
            return NotImplemented
        return self.to_json() == other.to_json()

    __hash__ = None  # type: ignore[assignment]

    # -- JSON ------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (see ``docs/fairness.md``, *Count tables*)."""
        scores = None
        if self.scores is not None:
            g, y, b = np.nonzero((self.scores.weights > 0) | (self.scores.sums != 0))
            cells = [
                [int(gi), int(yi), int(bi), float(w), float(s)]
                for gi, yi, bi, w, s in zip(
                    g,
                    y,
                    b,
                    self.scores.weights[g, y, b],
                    self.scores.sums[g, y, b],
                    strict=True,
                )
            ]
            scores = {
                "low": self.scores.low,
                "high": self.scores.high,
                "bins": self.scores.bins,
                "cells": cells,
            }
        return {
            "format": JSON_FORMAT,
            "version": JSON_VERSION,
            "attributes": list(self.attributes),
            "groups": [list(group) for group in self.groups],
            "counts": self.counts.tolist(),
            "weights": None if self.weights is None else self.weights.tolist(),
            "weights_squared": (
                None if self.weights_squared is None else self.weights_squared.tolist()
            ),
            "scores": scores,
        }

    @classmethod
    def from_json(cls, data: Any) -> CountTable:
        """Read what :meth:`to_json` wrote; groups may come in any order."""
        try:
            if not isinstance(data, Mapping):
                raise TypeError("expected a JSON object")
            if data.get("format") != JSON_FORMAT or data.get("version") != JSON_VERSION:
                raise ValueError(f"expected format {JSON_FORMAT!r}, version {JSON_VERSION}")
            attributes = tuple(str(a) for a in data["attributes"])
            groups = [tuple(str(level) for level in group) for group in data["groups"]]
            counts = np.asarray(data["counts"], dtype=np.int64).reshape(len(groups), 2, 2)
            weights = weights_squared = None
            if data.get("weights") is not None:
                weights = np.asarray(data["weights"], dtype=np.float64).reshape(counts.shape)
                weights_squared = np.asarray(data["weights_squared"], dtype=np.float64).reshape(
                    counts.shape
                )
            scores = None
            if data.get("scores") is not None:
                spec = data["scores"]
                bins = int(spec["bins"])
                sw = np.zeros((len(groups), 2, bins))
                ss = np.zeros((len(groups), 2, bins))
                for gi, yi, bi, w, s in spec["cells"]:
                    sw[int(gi), int(yi), int(bi)] += float(w)
                    ss[int(gi), int(yi), int(bi)] += float(s)
                scores = ScoreHistogram(float(spec["low"]), float(spec["high"]), sw, ss)
            order = sorted(range(len(groups)), key=lambda i: group_key(groups[i]))
            return cls(
                attributes=attributes,
                groups=tuple(groups[i] for i in order),
                counts=counts[order],
                weights=None if weights is None else weights[order],
                weights_squared=None if weights_squared is None else weights_squared[order],
                scores=(
                    None
                    if scores is None
                    else ScoreHistogram(
                        scores.low, scores.high, scores.weights[order], scores.sums[order]
                    )
                ),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise FairnessError(ERR_NOT_A_COUNT_TABLE, params={"reason": str(exc)}) from exc


# --- counting ------------------------------------------------------------------------------------


def _as_list(protected: Sequence[str] | str) -> list[str]:
    return (
        [p.strip() for p in protected.split(",")] if isinstance(protected, str) else list(protected)
    )


def _check_edges(attribute: str, edges: Sequence[float]) -> tuple[float, ...]:
    try:
        values = tuple(float(e) for e in edges)
    except (TypeError, ValueError):
        values = ()
    if (
        len(values) < 2
        or not all(math.isfinite(v) for v in values)
        or any(a >= b for a, b in itertools.pairwise(values))
    ):
        raise FairnessDataError(ERR_BAD_BINS, params={"attribute": attribute, "edges": list(edges)})
    return values


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _is_missing(value: object) -> bool:
    return level_name(value) == MISSING


_BINARY_SETS = (frozenset({0, 1}), frozenset({-1, 1}))


def _positive_test(positive: object) -> Callable[[object], bool]:
    if isinstance(positive, Collection) and not isinstance(positive, str | bytes):
        names = {level_name(p) for p in positive}
        raw = list(positive)
        return lambda v: v in raw or level_name(v) in names
    name = level_name(positive)
    return lambda v: v == positive or level_name(v) == name


def _binary_codes(
    values: list[object],
    *,
    role: str,
    column: str,
    positive: object,
) -> tuple[dict[str, int], bool]:
    """Per distinct value (by label), 0 or 1; and whether the positive value occurs."""
    distinct = {level_name(v): v for v in values}
    if positive is None:
        numeric = set()
        for v in distinct.values():
            if isinstance(v, bool | int | float) and float(v) in (-1.0, 0.0, 1.0):
                numeric.add(int(v))
            else:
                numeric = {2}
                break
        if not any(numeric <= allowed for allowed in _BINARY_SETS):
            shown = sorted(distinct, key=level_key)
            raise FairnessDataError(
                ERR_NON_BINARY,
                params={
                    "role": ROLE_NAMES[role],
                    "column": column,
                    "values": ", ".join(shown[:10]) + (" …" if len(shown) > 10 else ""),
                },
            )
        codes = {name: int(float(cast(float, v)) == 1.0) for name, v in distinct.items()}
        return codes, True
    is_positive = _positive_test(positive)
    codes = {name: int(is_positive(v)) for name, v in distinct.items()}
    return codes, any(codes.values())


def count_table(
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
    score_bins: int = DEFAULT_SCORE_BINS,
    score_range: tuple[float, float] = (0.0, 1.0),
) -> CountTable:
    """Count rows by protected attributes, label and prediction (and score bin): one pass.

    Parameters
    ----------
    data
        A pandas, polars (eager or lazy) or pyarrow table, a DuckDB relation, or
        the path of a Parquet, CSV or JSON Lines file (read by DuckDB).
    protected
        The protected attributes (column names; a comma-separated string is split).
        Missing values form their own group, ``"(missing)"``.
    label, prediction
        The true outcome and the model's decision. Binary as 0/1, ``False``/``True``
        or -1/1 (1 positive), or any values with ``positive`` saying which count as
        positive (one-vs-rest for several classes).
    score, threshold
        A score column; without ``prediction`` the prediction is ``score >= threshold``.
        Scores are also binned (``score_bins`` equal-width bins over ``score_range``)
        for AUC and calibration.
    weights
        A column of non-negative sample weights.
    bins
        Bin edges for numeric protected attributes, ``{"age": [0, 25, 40, 60, 200]}``:
        the bins are ``[0, 25)`` … ``[60, 200)``, labelled ``"0-25"`` …, with
        ``"<0"`` and ``">=200"`` for values outside.
    positive
        The value, or collection of values, of label and prediction that counts as positive.

    Raises
    ------
    FairnessDataError
        Missing columns, no rows, missing labels or predictions, non-binary
        labels without ``positive``, scores outside the range, negative weights,
        an unreadable file.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"age": [22, 31, 45, None], "y": [1, 0, 1, 1], "yhat": [1, 0, 0, 1]})
    >>> t = count_table(
    ...     df, protected="age", label="y", prediction="yhat", bins={"age": [0, 30, 60]}
    ... )
    >>> t.groups
    (('0-30',), ('30-60',), ('(missing)',))
    """
    table, _ = _count(
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
    return table


def _count(
    data: object,
    *,
    protected: Sequence[str] | str,
    label: str,
    prediction: str | None,
    score: str | None,
    threshold: float,
    weights: str | None,
    bins: Mapping[str, Sequence[float]] | None,
    positive: object,
    score_bins: int,
    score_range: tuple[float, float],
) -> tuple[CountTable, str]:
    """:func:`count_table`, and the name of the engine that counted."""
    attributes = _as_list(protected)
    if not attributes or not all(attributes):
        raise FairnessDataError(ERR_NO_PROTECTED)
    if prediction is None and score is None:
        raise FairnessDataError(ERR_NO_PREDICTION)
    if not isinstance(score_bins, int) or score_bins < 1:
        raise FairnessError(
            ERR_BAD_PARAMETER,
            params={"name": "score_bins", "expected": "a positive integer", "got": score_bins},
        )
    low, high = (float(score_range[0]), float(score_range[1]))
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise FairnessError(
            ERR_BAD_PARAMETER,
            params={"name": "score_range", "expected": "finite (low, high)", "got": score_range},
        )
    bins = dict(bins or {})
    stray = sorted(set(bins) - set(attributes))
    if stray:
        raise FairnessDataError(
            ERR_BINS_NOT_PROTECTED,
            params={"attributes": ", ".join(stray), "protected": ", ".join(attributes)},
        )
    edges = {attr: _check_edges(attr, e) for attr, e in bins.items()}
    roles = [*attributes, label, *(c for c in (prediction, score, weights) if c is not None)]
    duplicated = sorted({c for c in roles if roles.count(c) > 1})
    if duplicated:
        raise FairnessDataError(ERR_DUPLICATE_COLUMN, params={"column": duplicated[0]})

    with open_frame(data) as (frame, engine):
        schema = frame.collect_schema()
        missing = [c for c in dict.fromkeys(roles) if c not in schema]
        if missing:
            raise FairnessDataError(
                ERR_MISSING_COLUMNS,
                params={"columns": ", ".join(missing), "available": ", ".join(schema.names())},
            )
        for attr in edges:
            if not schema[attr].is_numeric():
                raise FairnessDataError(
                    ERR_BINS_NOT_NUMERIC, params={"column": attr, "dtype": str(schema[attr])}
                )
        if score is not None and not schema[score].is_numeric():
            raise FairnessDataError(
                ERR_SCORE_NOT_NUMERIC, params={"column": score, "dtype": str(schema[score])}
            )

        def absent(column: str) -> nw.Expr:
            expr = nw.col(column).is_null()
            return expr | nw.col(column).is_nan() if schema[column].is_float() else expr

        keys: list[str] = []
        exprs: list[nw.Expr] = []
        for i, attr in enumerate(attributes):
            name = f"{_PREFIX}a{i}"
            keys.append(name)
            if attr in edges:
                index = nw.sum_horizontal(
                    *[(nw.col(attr) >= e).cast(nw.Int32) for e in edges[attr]]
                )
                exprs.append(nw.when(absent(attr)).then(nw.lit(-1)).otherwise(index).alias(name))
            else:
                exprs.append(nw.col(attr).alias(name))
        exprs.append(nw.col(label).alias(f"{_PREFIX}y"))
        keys.append(f"{_PREFIX}y")
        if prediction is not None:
            exprs.append(nw.col(prediction).alias(f"{_PREFIX}p"))
        else:
            assert score is not None
            exprs.append((nw.col(score) >= threshold).alias(f"{_PREFIX}p"))
        keys.append(f"{_PREFIX}p")
        sums = [nw.len().alias(f"{_PREFIX}n")]
        weight = nw.col(weights) if weights is not None else nw.lit(1.0)
        if weights is not None:
            exprs += [
                nw.col(weights).alias(f"{_PREFIX}w"),
                (nw.col(weights) * nw.col(weights)).alias(f"{_PREFIX}w2"),
                (nw.col(weights) < 0).cast(nw.Int64).alias(f"{_PREFIX}wneg"),
                absent(weights).cast(nw.Int64).alias(f"{_PREFIX}wnull"),
            ]
            sums += [nw.col(f"{_PREFIX}{k}").sum() for k in ("w", "w2", "wneg", "wnull")]
        if score is not None:
            s = nw.col(score)
            raw = ((s - low) * (score_bins / (high - low))).floor()
            binned = (
                nw.when(absent(score))
                .then(nw.lit(-2.0))
                .otherwise(
                    nw.when(s < low)
                    .then(nw.lit(-1.0))
                    .otherwise(
                        nw.when(s > high)
                        .then(nw.lit(float(score_bins)))
                        .otherwise(
                            nw.when(s == high).then(nw.lit(float(score_bins - 1))).otherwise(raw)
                        )
                    )
                )
            )
            exprs += [
                binned.cast(nw.Int64).alias(f"{_PREFIX}b"),
                (s * weight).alias(f"{_PREFIX}ws"),
            ]
            keys.append(f"{_PREFIX}b")
            sums.append(nw.col(f"{_PREFIX}ws").sum())
        grouped = frame.select(*exprs).group_by(*keys).agg(*sums)
        result = grouped.collect() if isinstance(grouped, nw.LazyFrame) else grouped
        columns = {name: result.get_column(name) for name in result.columns}
        table = _table_from_cells(
            columns,
            attributes=attributes,
            edges=edges,
            label=label,
            prediction=prediction,
            score=score,
            weights=weights,
            positive=positive,
            score_bins=score_bins if score is not None else 0,
            score_range=(low, high),
        )
    return table, engine


def _labels(values: Iterable[object], convert: Callable[[object], str]) -> list[str]:
    cache: dict[object, str] = {}
    out = []
    for value in values:
        try:
            out.append(cache[value])
        except (KeyError, TypeError):
            label = convert(value)
            with contextlib.suppress(TypeError):
                cache[value] = label
            out.append(label)
    return out


def _table_from_cells(
    columns: Mapping[str, nw.Series[Any]],
    *,
    attributes: list[str],
    edges: Mapping[str, tuple[float, ...]],
    label: str,
    prediction: str | None,
    score: str | None,
    weights: str | None,
    positive: object,
    score_bins: int,
    score_range: tuple[float, float],
) -> CountTable:
    n = columns[f"{_PREFIX}n"].to_numpy().astype(np.int64)
    if n.size == 0 or int(n.sum()) == 0:
        raise FairnessDataError(ERR_EMPTY_DATA)
    levels: list[list[str]] = []
    for i, attr in enumerate(attributes):
        values = columns[f"{_PREFIX}a{i}"].to_list()
        if attr in edges:
            names = bin_labels(edges[attr])

            def binned(value: object, names: tuple[str, ...] = names) -> str:
                return (
                    MISSING
                    if _is_missing(value) or int(cast(int, value)) < 0
                    else names[int(cast(int, value))]
                )

            levels.append(_labels(values, binned))
        else:
            levels.append(_labels(values, level_name))

    if score is not None:
        # Checked before the prediction: a missing score also leaves the prediction missing.
        b = columns[f"{_PREFIX}b"].to_numpy().astype(np.int64)
        if np.any(b == -2):
            raise FairnessDataError(
                ERR_MISSING_VALUES,
                params={
                    "role": ROLE_NAMES["score"],
                    "column": score,
                    "count": int(n[b == -2].sum()),
                },
            )
    role_columns = {"label": label, "prediction": prediction or score or ""}
    coded: dict[str, IntArray] = {}
    occurs = False
    for role, key in (("label", "y"), ("prediction", "p")):
        values = [_plain(v) for v in columns[f"{_PREFIX}{key}"].to_list()]
        absent = np.array([_is_missing(v) for v in values], dtype=bool)
        if absent.any():
            column = role_columns[role] if role == "label" or prediction else str(score)
            raise FairnessDataError(
                ERR_MISSING_VALUES,
                params={"role": ROLE_NAMES[role], "column": column, "count": int(n[absent].sum())},
            )
        codes, found = _binary_codes(
            values, role=role, column=role_columns[role], positive=positive
        )
        occurs = occurs or found
        coded[role] = np.array([codes[level_name(v)] for v in values], dtype=np.int64)
    if positive is not None and not occurs:
        raise FairnessDataError(
            ERR_POSITIVE_ABSENT,
            params={"positive": positive, "label": label, "prediction": role_columns["prediction"]},
        )

    weight = n.astype(np.float64)
    weight_sq = weight
    if weights is not None:
        nulls = int(columns[f"{_PREFIX}wnull"].to_numpy().sum())
        if nulls:
            raise FairnessDataError(
                ERR_MISSING_VALUES,
                params={"role": ROLE_NAMES["weights"], "column": weights, "count": nulls},
            )
        if int(columns[f"{_PREFIX}wneg"].to_numpy().sum()):
            raise FairnessDataError(ERR_NEGATIVE_WEIGHTS, params={"column": weights})
        weight = columns[f"{_PREFIX}w"].to_numpy().astype(np.float64)
        weight_sq = columns[f"{_PREFIX}w2"].to_numpy().astype(np.float64)

    tuples = list(zip(*levels, strict=True))
    groups = sorted(set(tuples), key=group_key)
    index = {group: i for i, group in enumerate(groups)}
    g = np.array([index[t] for t in tuples], dtype=np.int64)
    y, p = coded["label"], coded["prediction"]
    counts = np.zeros((len(groups), 2, 2), dtype=np.int64)
    np.add.at(counts, (g, y, p), n)
    cell_weights = cell_weights_sq = None
    if weights is not None:
        cell_weights = np.zeros((len(groups), 2, 2))
        cell_weights_sq = np.zeros((len(groups), 2, 2))
        np.add.at(cell_weights, (g, y, p), weight)
        np.add.at(cell_weights_sq, (g, y, p), weight_sq)

    histogram = None
    if score is not None:
        b = columns[f"{_PREFIX}b"].to_numpy().astype(np.int64)
        outside = (b < 0) | (b >= score_bins)
        if outside.any():
            raise FairnessDataError(
                ERR_SCORE_RANGE,
                params={
                    "column": score,
                    "count": int(n[outside].sum()),
                    "low": score_range[0],
                    "high": score_range[1],
                },
            )
        ws = columns[f"{_PREFIX}ws"].to_numpy().astype(np.float64)
        sw = np.zeros((len(groups), 2, score_bins))
        ss = np.zeros((len(groups), 2, score_bins))
        np.add.at(sw, (g, y, b), weight)
        np.add.at(ss, (g, y, b), ws)
        histogram = ScoreHistogram(score_range[0], score_range[1], sw, ss)

    return CountTable(
        attributes=tuple(attributes),
        groups=tuple(groups),
        counts=counts,
        weights=cell_weights,
        weights_squared=cell_weights_sq,
        scores=histogram,
    )


__all__ = [
    "DEFAULT_SCORE_BINS",
    "MISSING",
    "CountTable",
    "ScoreHistogram",
    "bin_labels",
    "count_table",
    "group_key",
    "level_key",
    "level_name",
]
