"""Fairness policies as data: tolerances per disparity → pass / warn / fail.

A policy is a YAML file (presets in ``tianping/fairness/policies/``)::

    id: four-fifths
    title: {zh-Hans: …, en: …}
    description: {zh-Hans: …, en: …}
    source: Uniform Guidelines on Employee Selection Procedures (1978), 29 CFR § 1607.4(D)
    tolerances:
      disparate_impact: {pass: 0.8, warn: 0.7}

For a ratio (fairer when higher) a value ≥ ``pass`` passes, ≥ ``warn`` warns and
anything lower fails; for a difference or index (fairer when lower) a value
≤ ``pass`` passes, ≤ ``warn`` warns, anything higher fails. A disparity that
cannot be computed is *inconclusive*, never a pass.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from tianping import yamlsafe
from tianping.fairness._disparities import disparity_definition
from tianping.fairness._errors import PolicyError
from tianping.fairness._messages import ERR_INVALID_POLICY, ERR_UNKNOWN_POLICY, VERDICT_WORDS
from tianping.text import LocalizedText

POLICY_DIR = Path(__file__).with_name("policies")
DEFAULT_POLICY = "four-fifths"

Verdict = Literal["pass", "warn", "fail", "inconclusive"]
VERDICTS: tuple[Verdict, ...] = ("pass", "warn", "fail", "inconclusive")
Direction = Literal["at_least", "at_most"]


def verdict_title(verdict: str) -> LocalizedText:
    """The word for a verdict in both languages (lower case, as it reads mid-sentence).

    >>> verdict_title("fail").zh, verdict_title("inconclusive").en
    ('不通过', 'inconclusive')

    Raises
    ------
    ValueError
        ``verdict`` is not one of :data:`VERDICTS`.
    """
    if verdict not in VERDICT_WORDS:
        raise ValueError(f"unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}")
    return VERDICT_WORDS[verdict]


@dataclass(frozen=True, slots=True)
class Tolerance:
    """The pass and warn thresholds of one disparity metric.

    >>> Tolerance("disparate_impact", "at_least", 0.8, 0.7).judge(0.75)
    'warn'
    """

    metric: str
    direction: Direction
    pass_threshold: float
    warn_threshold: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.pass_threshold) and math.isfinite(self.warn_threshold)):
            raise ValueError(f"{self.metric}: thresholds must be finite numbers")
        if self.direction == "at_least" and self.warn_threshold > self.pass_threshold:
            raise ValueError(
                f"{self.metric}: a ratio's warn threshold must be ≤ its pass threshold"
            )
        if self.direction == "at_most" and self.warn_threshold < self.pass_threshold:
            raise ValueError(
                f"{self.metric}: a difference's warn threshold must be ≥ its pass threshold"
            )

    def judge(self, value: float | None) -> Verdict:
        """The verdict for ``value``; ``inconclusive`` when it is undefined."""
        if value is None or not math.isfinite(value):
            return "inconclusive"
        if self.direction == "at_least":
            if value >= self.pass_threshold:
                return "pass"
            return "warn" if value >= self.warn_threshold else "fail"
        if value <= self.pass_threshold:
            return "pass"
        return "warn" if value <= self.warn_threshold else "fail"

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "direction": self.direction,
            "pass": self.pass_threshold,
            "warn": self.warn_threshold,
        }


def tolerance(metric: str, *, pass_: float, warn: float) -> Tolerance:
    """A tolerance whose direction follows the metric: ratios at least, differences at most.

    Raises
    ------
    PolicyError
        ``metric`` is not a disparity.
    """
    definition = disparity_definition(metric)
    direction: Direction = "at_least" if definition.higher_is_fairer else "at_most"
    return Tolerance(metric, direction, float(pass_), float(warn))


@dataclass(frozen=True)
class Policy:
    """A named set of tolerances, one per judged disparity metric."""

    id: str
    title: LocalizedText
    description: LocalizedText
    tolerances: tuple[Tolerance, ...]
    source: str | None = None

    def __post_init__(self) -> None:
        metrics = [t.metric for t in self.tolerances]
        if len(set(metrics)) != len(metrics):
            raise ValueError("a policy gives each metric one tolerance")

    def tolerance_for(self, metric: str) -> Tolerance | None:
        """The tolerance for ``metric``, or ``None`` when the policy does not judge it."""
        return next((t for t in self.tolerances if t.metric == metric), None)

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(t.metric for t in self.tolerances)

    def with_tolerances(self, overrides: Mapping[str, Mapping[str, float]]) -> Policy:
        """This policy with tolerances added or replaced, ``{"fpr_difference": {"pass": …}}``.

        The result's id is ``<id>+custom``.
        """
        if not overrides:
            return self
        extra = _parse_tolerances(overrides, source=f"{self.id}+custom")
        kept = [t for t in self.tolerances if t.metric not in {e.metric for e in extra}]
        return replace(self, id=f"{self.id}+custom", tolerances=(*kept, *extra))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title.to_json(),
            "source": self.source,
            "tolerances": [t.to_json() for t in self.tolerances],
        }


def available_policies() -> tuple[str, ...]:
    """The ids of the preset policies."""
    return tuple(sorted(p.stem for p in POLICY_DIR.glob("*.yaml")))


def _invalid(source: str, problem: str) -> PolicyError:
    return PolicyError(ERR_INVALID_POLICY, params={"source": source, "problem": problem})


def _parse_tolerances(data: Any, *, source: str) -> tuple[Tolerance, ...]:
    if not isinstance(data, Mapping) or not data:
        raise _invalid(source, "`tolerances` must map metric names to {pass: …, warn: …}")
    out = []
    for metric, spec in data.items():
        if not isinstance(spec, Mapping) or set(spec) != {"pass", "warn"}:
            raise _invalid(source, f"{metric}: give exactly `pass` and `warn` thresholds")
        try:
            out.append(tolerance(str(metric), pass_=spec["pass"], warn=spec["warn"]))
        except (TypeError, ValueError) as exc:
            raise _invalid(source, str(exc)) from exc
    return tuple(out)


def _text(data: Any, field: str, source: str) -> LocalizedText:
    try:
        return LocalizedText.from_json(data)
    except (TypeError, ValueError) as exc:
        raise _invalid(source, f"`{field}` needs zh-Hans and en texts") from exc


def policy_from_mapping(data: Any, *, source: str = "<mapping>") -> Policy:
    """A policy from its parsed YAML/JSON form.

    Raises
    ------
    PolicyError
        A field is missing or malformed, a metric unknown, thresholds out of order.
    """
    if not isinstance(data, Mapping):
        raise _invalid(source, "a policy is a mapping with id, title, description, tolerances")
    missing = [k for k in ("id", "title", "description", "tolerances") if k not in data]
    if missing:
        raise _invalid(source, f"missing {', '.join(missing)}")
    return Policy(
        id=str(data["id"]),
        title=_text(data["title"], "title", source),
        description=_text(data["description"], "description", source),
        tolerances=_parse_tolerances(data["tolerances"], source=source),
        source=None if data.get("source") is None else str(data["source"]),
    )


def load_policy(policy: str | Path | Policy | Mapping[str, Any] = DEFAULT_POLICY) -> Policy:
    """A preset by id (``four-fifths``, ``export-review``), a YAML/JSON file, or a mapping.

    Raises
    ------
    PolicyError
        An unknown id, an unreadable or invalid file.

    Examples
    --------
    >>> load_policy("four-fifths").tolerance_for("disparate_impact").pass_threshold
    0.8
    """
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, Mapping):
        return policy_from_mapping(policy)
    name = str(policy)
    preset = POLICY_DIR / f"{name}.yaml"
    if isinstance(policy, str) and "/" not in name and preset.is_file():
        path = preset
    else:
        path = Path(policy)
        if path.suffix.lower() not in {".yaml", ".yml", ".json"} or not path.is_file():
            raise PolicyError(
                ERR_UNKNOWN_POLICY,
                params={"name": name, "known": ", ".join(available_policies())},
            )
    try:
        data = yamlsafe.load_file(path)
    except yamlsafe.DataFileError as exc:
        raise _invalid(str(path), exc.detail) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _invalid(str(path), str(exc).splitlines()[0]) from exc
    return policy_from_mapping(data, source=str(path))


__all__ = [
    "DEFAULT_POLICY",
    "POLICY_DIR",
    "VERDICTS",
    "Direction",
    "Policy",
    "Tolerance",
    "Verdict",
    "available_policies",
    "load_policy",
    "policy_from_mapping",
    "tolerance",
    "verdict_title",
]
