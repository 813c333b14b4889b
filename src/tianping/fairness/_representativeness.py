"""Representativeness: how a dataset's groups compare with a reference population.

The reference population is data, shares per attribute or joint shares over
several attributes (YAML or JSON)::

    sex: {F: 0.49, M: 0.51}
    age: {"0-25": 0.30, "25-40": 0.25, "40-60": 0.28, "60-200": 0.17}
    joint:
      - attributes: [sex, age]
        shares:
          - {group: {sex: F, age: "0-25"}, share: 0.15}
          - …

(``joint`` is a reserved key.) For each set of shares the audit reports the
total variation distance between observed and reference shares, Pearson's
chi-square goodness-of-fit test, and flags groups whose observed share is below
``tolerance`` × their reference share as under-represented.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from tianping import yamlsafe
from tianping.fairness._counts import CountTable, group_key, level_name
from tianping.fairness._errors import PopulationError
from tianping.fairness._io import json_number
from tianping.fairness._messages import ERR_INVALID_POPULATION, ERR_POPULATION_ATTRIBUTE

DEFAULT_TOLERANCE = 0.8
SHARE_SUM_TOLERANCE = 1e-6
JOINT_KEY = "joint"


@dataclass(frozen=True)
class ShareSet:
    """Reference shares over one or more attributes; they sum to 1."""

    attributes: tuple[str, ...]
    shares: Mapping[tuple[str, ...], float]

    def __post_init__(self) -> None:
        if not self.attributes or len(set(self.attributes)) != len(self.attributes):
            raise ValueError("shares need one or more distinct attributes")
        if not self.shares:
            raise ValueError(f"no shares given for {', '.join(self.attributes)}")
        for group, share in self.shares.items():
            if len(group) != len(self.attributes):
                raise ValueError(f"group {group} needs one value per attribute")
            if not (math.isfinite(share) and share >= 0):
                raise ValueError(f"the share of {group} must be a number ≥ 0")
        total = math.fsum(self.shares.values())
        if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
            raise ValueError(f"the shares of {', '.join(self.attributes)} sum to {total:g}, not 1")


@dataclass(frozen=True)
class ReferencePopulation:
    """The shares a dataset is compared with."""

    share_sets: tuple[ShareSet, ...]
    source: str | None = None

    def __post_init__(self) -> None:
        if not self.share_sets:
            raise ValueError("a reference population needs at least one set of shares")


def _shares(data: Any, attributes: tuple[str, ...]) -> dict[tuple[str, ...], float]:
    if not isinstance(data, Mapping):
        raise ValueError(f"the shares of {', '.join(attributes)} must be a mapping")
    return {(level_name(k),): float(v) for k, v in data.items()}


def _joint(entry: Any) -> ShareSet:
    if not isinstance(entry, Mapping) or "attributes" not in entry or "shares" not in entry:
        raise ValueError("each `joint` entry needs `attributes` and `shares`")
    attributes = tuple(str(a) for a in entry["attributes"])
    shares: dict[tuple[str, ...], float] = {}
    for item in entry["shares"]:
        if not isinstance(item, Mapping) or not isinstance(item.get("group"), Mapping):
            raise ValueError("each joint share is {group: {attribute: value, …}, share: …}")
        group = item["group"]
        if set(map(str, group)) != set(attributes):
            raise ValueError(f"joint group {dict(group)} must name exactly {list(attributes)}")
        values = {str(k): level_name(v) for k, v in group.items()}
        key = tuple(values[a] for a in attributes)
        if key in shares:
            raise ValueError(f"joint group {dict(group)} appears twice")
        shares[key] = float(item["share"])
    return ShareSet(attributes, shares)


def population_from_mapping(data: Any, *, source: str = "<mapping>") -> ReferencePopulation:
    """A reference population from its parsed YAML/JSON form.

    Raises
    ------
    PopulationError
        Malformed shares, shares that do not sum to 1, negative shares.
    """
    try:
        if not isinstance(data, Mapping) or not data:
            raise ValueError("expected a mapping of attribute to shares")
        sets: list[ShareSet] = []
        for key, value in data.items():
            if key == JOINT_KEY:
                if not isinstance(value, list):
                    raise ValueError("`joint` must be a list")
                sets.extend(_joint(entry) for entry in value)
            else:
                attribute = (str(key),)
                sets.append(ShareSet(attribute, _shares(value, attribute)))
        return ReferencePopulation(tuple(sets), source)
    except (TypeError, ValueError) as exc:
        raise PopulationError(
            ERR_INVALID_POPULATION, params={"source": source, "problem": str(exc)}
        ) from exc


def load_population(
    population: str | Path | Mapping[str, Any] | ReferencePopulation,
) -> ReferencePopulation:
    """A reference population from a YAML/JSON file, a mapping, or as given."""
    if isinstance(population, ReferencePopulation):
        return population
    if isinstance(population, Mapping):
        return population_from_mapping(population)
    path = Path(population)
    try:
        data = yamlsafe.load_file(path)
    except (OSError, UnicodeDecodeError, yamlsafe.DataFileError) as exc:
        problem = exc.detail if isinstance(exc, yamlsafe.DataFileError) else str(exc)
        raise PopulationError(
            ERR_INVALID_POPULATION,
            params={"source": str(path), "problem": problem.splitlines()[0]},
        ) from exc
    return population_from_mapping(data, source=str(path))


@dataclass(frozen=True)
class RepresentedGroup:
    """One group's observed share against its reference share.

    ``reference_share`` is ``None`` for a group the reference does not name
    (for instance ``(missing)``); ``ratio`` is observed / reference.
    """

    attributes: Mapping[str, str]
    count: int
    observed_share: float
    reference_share: float | None
    ratio: float
    under_represented: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "attributes": dict(self.attributes),
            "count": self.count,
            "observed_share": self.observed_share,
            "reference_share": self.reference_share,
            "ratio": json_number(self.ratio),
            "under_represented": self.under_represented,
        }


@dataclass(frozen=True)
class Representativeness:
    """How the data's groups over ``attributes`` compare with the reference shares."""

    attributes: tuple[str, ...]
    total_variation_distance: float
    chi_square: float
    p_value: float
    dof: int
    tolerance: float
    groups: tuple[RepresentedGroup, ...]
    unmatched_share: float

    @property
    def under_represented(self) -> tuple[RepresentedGroup, ...]:
        return tuple(g for g in self.groups if g.under_represented)

    def to_json(self) -> dict[str, Any]:
        return {
            "attributes": list(self.attributes),
            "total_variation_distance": self.total_variation_distance,
            "chi_square": json_number(self.chi_square),
            "p_value": json_number(self.p_value),
            "dof": self.dof,
            "tolerance": self.tolerance,
            "unmatched_share": self.unmatched_share,
            "groups": [g.to_json() for g in self.groups],
        }


def _compare(table: CountTable, shares: ShareSet, tolerance: float) -> Representativeness:
    marginal = table.marginal(shares.attributes)
    weights = marginal.cell_weights.sum(axis=(1, 2))
    counts = marginal.group_sizes
    observed = dict(zip(marginal.groups, weights / weights.sum(), strict=True))
    rows = dict(zip(marginal.groups, counts.tolist(), strict=True))
    everyone = sorted(set(observed) | set(shares.shares), key=group_key)
    groups = []
    for group in everyone:
        obs = float(observed.get(group, 0.0))
        ref = shares.shares.get(group)
        ratio = math.nan if not ref else obs / ref
        groups.append(
            RepresentedGroup(
                attributes=dict(zip(shares.attributes, group, strict=True)),
                count=int(rows.get(group, 0)),
                observed_share=obs,
                reference_share=ref,
                ratio=ratio,
                under_represented=bool(ref) and ratio < tolerance,
            )
        )
    tvd = 0.5 * math.fsum(
        abs(float(observed.get(g, 0.0)) - shares.shares.get(g, 0.0)) for g in everyone
    )
    tested = [g for g in everyone if shares.shares.get(g, 0.0) > 0]
    f_obs = np.array([rows.get(g, 0) for g in tested], dtype=np.float64)
    f_ref = np.array([shares.shares[g] for g in tested])
    chi2, p, dof = math.nan, math.nan, 0
    if len(tested) >= 2 and f_obs.sum() > 0:
        f_exp = f_ref / f_ref.sum() * f_obs.sum()
        result = stats.chisquare(f_obs, f_exp)
        chi2, p, dof = float(result.statistic), float(result.pvalue), len(tested) - 1
    unmatched = math.fsum(float(s) for g, s in observed.items() if g not in shares.shares)
    return Representativeness(
        attributes=shares.attributes,
        total_variation_distance=tvd,
        chi_square=chi2,
        p_value=p,
        dof=dof,
        tolerance=tolerance,
        groups=tuple(groups),
        unmatched_share=unmatched,
    )


def representativeness(
    table: CountTable,
    population: str | Path | Mapping[str, Any] | ReferencePopulation,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
) -> tuple[Representativeness, ...]:
    """Compare the groups of ``table`` with a reference population, one result per share set.

    Observed shares use the sample weights when the table has them; the
    chi-square test uses row counts. Groups the reference does not name (such
    as ``(missing)``) count in the total variation distance and in
    ``unmatched_share`` but not in the chi-square test.

    Examples
    --------
    >>> import pandas as pd
    >>> from tianping.fairness import count_table
    >>> df = pd.DataFrame({"sex": ["F"] * 20 + ["M"] * 80, "y": [1, 0] * 50, "p": [0, 1] * 50})
    >>> table = count_table(df, protected="sex", label="y", prediction="p")
    >>> [r] = representativeness(table, {"sex": {"F": 0.5, "M": 0.5}})
    >>> round(r.total_variation_distance, 3), [g.attributes["sex"] for g in r.under_represented]
    (0.3, ['F'])
    """
    if not 0.0 < tolerance <= 1.0:
        raise ValueError("tolerance must be in (0, 1]")
    reference = load_population(population)
    for share_set in reference.share_sets:
        for attribute in share_set.attributes:
            if attribute not in table.attributes:
                raise PopulationError(
                    ERR_POPULATION_ATTRIBUTE,
                    params={"attribute": attribute, "protected": ", ".join(table.attributes)},
                )
    return tuple(_compare(table, s, tolerance) for s in reference.share_sets)


__all__ = [
    "DEFAULT_TOLERANCE",
    "ReferencePopulation",
    "Representativeness",
    "RepresentedGroup",
    "ShareSet",
    "load_population",
    "population_from_mapping",
    "representativeness",
]
