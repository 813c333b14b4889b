"""Count decision records into the fairness engine's count tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from tianping.errors import TianpingError
from tianping.fairness import CountTable, group_key, level_name

ERR_NO_ATTRIBUTES = "Monitoring needs at least one protected attribute."
ERR_BAD_RECORD = "Decision record {index}: {problem}."


class DecisionRecordError(TianpingError):
    """A decision record cannot be counted."""


def _binary(value: object, *, index: int, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and value in (0, 1):
        return value
    raise DecisionRecordError(
        ERR_BAD_RECORD.format(index=index, problem=f"{field} must be 0, 1, true, false or null")
    )


def _table(
    attributes: tuple[str, ...], cells: dict[tuple[str, ...], np.ndarray]
) -> CountTable | None:
    if not cells:
        return None
    groups = tuple(sorted(cells, key=group_key))
    counts = np.stack([cells[g] for g in groups]).astype(np.int64)
    return CountTable(attributes=attributes, groups=groups, counts=counts)


def count_decisions(
    records: Iterable[Mapping[str, object]], *, protected: Sequence[str]
) -> tuple[CountTable | None, CountTable | None]:
    """The *selection* and *outcomes* count tables of a batch of decision records.

    Each record has ``attributes`` (a mapping with the protected attributes;
    missing ones form the ``(missing)`` group), ``prediction`` (0/1) and
    optionally ``outcome`` (0/1 or null while unknown).

    Examples
    --------
    >>> records = [
    ...     {"attributes": {"sex": "F"}, "prediction": 1, "outcome": 1},
    ...     {"attributes": {"sex": "M"}, "prediction": 0},
    ... ]
    >>> selection, outcomes = count_decisions(records, protected=["sex"])
    >>> selection.rows, outcomes.rows
    (2, 1)
    """
    attributes = tuple(protected)
    if not attributes:
        raise DecisionRecordError(ERR_NO_ATTRIBUTES)
    selection: dict[tuple[str, ...], np.ndarray] = {}
    outcomes: dict[tuple[str, ...], np.ndarray] = {}
    for index, record in enumerate(records):
        raw = record.get("attributes")
        if not isinstance(raw, Mapping):
            raise DecisionRecordError(
                ERR_BAD_RECORD.format(index=index, problem="attributes must be a mapping")
            )
        prediction = _binary(record.get("prediction"), index=index, field="prediction")
        if prediction is None:
            raise DecisionRecordError(
                ERR_BAD_RECORD.format(index=index, problem="prediction is required")
            )
        outcome = _binary(record.get("outcome"), index=index, field="outcome")
        group = tuple(level_name(raw.get(a)) for a in attributes)
        # Selection: the prediction stands in for the unknown label; only the
        # prediction margin is read from this table.
        selection.setdefault(group, np.zeros((2, 2), np.int64))[prediction, prediction] += 1
        if outcome is not None:
            outcomes.setdefault(group, np.zeros((2, 2), np.int64))[outcome, prediction] += 1
    return _table(attributes, selection), _table(attributes, outcomes)
