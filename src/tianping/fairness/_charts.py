"""The charts of an audit as inline SVG: its disparities against the policy, and group rates.

The same charts appear on the platform's results page, in the printed bias
assessment (:mod:`tianping.reports`) and in a notebook
(:meth:`AuditResult._repr_html_ <tianping.fairness.AuditResult>`). They are drawn
from the audit's JSON (``AuditResult.to_json()``, schema
``tianping.fairness.audit/1``), so a stored audit draws the same as a fresh one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from markupsafe import Markup

from tianping.charts import ChartBar, ChartLine, Tone, interval_chart, nice_domain
from tianping.fairness._disparities import metric_title
from tianping.fairness._errors import FairnessError
from tianping.fairness._io import SCHEMA
from tianping.fairness._messages import ERR_AUDIT_SHAPE, ERR_NOT_AN_AUDIT
from tianping.fairness._policy import VERDICTS
from tianping.text import LocalizedText, normalise_language

#: The rate the group charts show unless asked for another.
CHART_RATE: Final = "selection_rate"

_A_MAPPING = LocalizedText(zh="映射（对象）", en="a mapping")
_A_LIST = LocalizedText(zh="列表", en="a list")
_A_VERDICT = LocalizedText(
    zh="pass、warn、fail 或 inconclusive 之一", en="one of pass, warn, fail, inconclusive"
)
_A_METRIC = LocalizedText(zh="已知的指标", en="a known metric")
_PRESENT = LocalizedText(zh="存在的键", en="present")


@dataclass(frozen=True, slots=True)
class AuditChart:
    """One chart of an audit: what it shows, its title in both languages, and the SVG."""

    key: str
    title: LocalizedText
    svg: Markup


def _shape(what: str, expected: LocalizedText) -> FairnessError:
    return FairnessError(ERR_AUDIT_SHAPE, params={"what": what, "expected": expected})


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _shape(what, _A_MAPPING)
    return value


def _list(value: object, what: str) -> Sequence[Any]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise _shape(what, _A_LIST)
    return value


def _number(value: object) -> float | None:
    """A JSON number as a float; ``None`` (an undefined value) stays ``None``."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _title(metric: object, what: str) -> LocalizedText:
    try:
        return metric_title(str(metric))
    except FairnessError as exc:
        raise _shape(what, _A_METRIC) from exc


def _plain(text: LocalizedText, language: str) -> str:
    """A bilingual text in ``language``; ``both``: ``zh / en``."""
    if language.strip().lower() == "both":
        return f"{text.zh} / {text.en}"
    return text.get(normalise_language(language))


def _checked(audit: Mapping[str, object]) -> Mapping[str, Any]:
    audit = _mapping(audit, "audit")
    if audit.get("schema") != SCHEMA:
        raise FairnessError(ERR_NOT_AN_AUDIT, params={"schema": SCHEMA, "got": audit.get("schema")})
    for key in ("meta", "groups", "marginals", "disparities"):
        if key not in audit:
            raise _shape(key, _PRESENT)
    return audit


def group_label(attributes: Mapping[str, Any]) -> str:
    """``sex=F, age=25-40``: a group by its attribute values (``everyone`` has none: ``—``).

    >>> group_label({"sex": "F", "age": "25-40"})
    'sex=F, age=25-40'
    """
    return ", ".join(f"{key}={value}" for key, value in attributes.items()) or "—"


def _tolerances(audit: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    policy = _mapping(_mapping(audit["meta"], "meta").get("policy", {}), "meta.policy")
    out: dict[str, Mapping[str, Any]] = {}
    for i, tolerance in enumerate(_list(policy.get("tolerances", []), "meta.policy.tolerances")):
        entry = _mapping(tolerance, f"meta.policy.tolerances[{i}]")
        out[str(entry.get("metric"))] = entry
    return out


def disparity_charts(audit: Mapping[str, object], *, language: str) -> list[AuditChart]:
    """One chart per disparity the policy judges, in the policy's order: a bar per grouping.

    Whiskers are the bootstrap intervals; dashed lines the policy's pass (green)
    and warn (amber) thresholds. ``language`` (``zh-Hans``, ``en`` or ``both``)
    only sets the charts' accessible titles.

    Raises
    ------
    FairnessError
        ``audit`` is not the JSON of an audit.
    """
    checked = _checked(audit)
    tolerances = _tolerances(checked)
    by_metric: dict[str, list[Mapping[str, Any]]] = {}
    for i, raw in enumerate(_list(checked["disparities"], "disparities")):
        entry = _mapping(raw, f"disparities[{i}]")
        if entry.get("verdict") is not None:
            by_metric.setdefault(str(entry.get("metric")), []).append(entry)
    order = list(tolerances)
    charts = []
    for metric in sorted(by_metric, key=lambda m: order.index(m) if m in order else len(order)):
        title = _title(metric, "disparities[].metric")
        bars = []
        values: list[float | None] = []
        for entry in by_metric[metric]:
            ci = entry.get("ci") or [None, None]
            value, low, high = _number(entry.get("value")), _number(ci[0]), _number(ci[1])
            verdict = entry.get("verdict")
            if verdict not in VERDICTS:
                raise _shape(f"{metric}.verdict", _A_VERDICT)
            tone: Tone = verdict
            bars.append(ChartBar(" × ".join(entry.get("attributes") or []), value, low, high, tone))
            values += [value, high]
        lines: list[ChartLine] = []
        tolerance = tolerances.get(metric)
        ratio = tolerance is not None and tolerance.get("direction") == "at_least"
        if tolerance is not None:
            for key, line_tone in (("pass", "pass"), ("warn", "warn")):
                threshold = _number(tolerance.get(key))
                if threshold is not None:
                    lines.append(ChartLine(threshold, line_tone))  # type: ignore[arg-type]
                    values.append(threshold * (1.0 if ratio else 1.2))
        domain = nice_domain(values, at_least=1.0 if ratio else 0.01)
        svg = interval_chart(bars, title=_plain(title, language), lines=lines, domain=domain)
        charts.append(AuditChart(key=metric, title=title, svg=svg))
    return charts


def _groupings(audit: Mapping[str, Any]) -> list[tuple[str, list[str], Sequence[Any]]]:
    """(key, attributes, groups): the intersections first, then each attribute alone."""
    meta = _mapping(audit["meta"], "meta")
    attributes = [str(a) for a in _list(meta.get("attributes", []), "meta.attributes")]
    out: list[tuple[str, list[str], Sequence[Any]]] = [
        ("intersections", attributes, _list(audit["groups"], "groups"))
    ]
    marginals = _mapping(audit["marginals"], "marginals")
    if len(attributes) > 1:
        for attribute in attributes:
            groups = _list(marginals.get(attribute, []), f"marginals.{attribute}")
            out.append((attribute, [attribute], groups))
    return out


def group_charts(
    audit: Mapping[str, object], *, language: str, rate: str = CHART_RATE
) -> list[AuditChart]:
    """One chart per grouping (intersections, then each attribute): ``rate`` per group.

    Whiskers are the Wilson intervals; groups with insufficient data are grey.

    Raises
    ------
    FairnessError
        ``audit`` is not the JSON of an audit, or ``rate`` is not a rate.
    """
    checked = _checked(audit)
    rate_title = _title(rate, "rate")
    charts = []
    for key, attributes, groups in _groupings(checked):
        bars = []
        for i, raw in enumerate(groups):
            group = _mapping(raw, f"groups[{i}]")
            ci = _mapping(group.get("ci") or {}, f"groups[{i}].ci").get(rate) or [None, None]
            bars.append(
                ChartBar(
                    group_label(_mapping(group.get("attributes", {}), f"groups[{i}].attributes")),
                    _number(group.get(rate)),
                    _number(ci[0]),
                    _number(ci[1]),
                    "muted" if group.get("insufficient_data") else "neutral",
                )
            )
        if not bars:
            continue
        over = " × ".join(attributes)
        title = LocalizedText(zh=f"{rate_title.zh}（{over}）", en=f"{rate_title.en} ({over})")
        svg = interval_chart(bars, title=_plain(title, language), domain=(0.0, 1.0))
        charts.append(AuditChart(key=key, title=title, svg=svg))
    return charts


__all__ = ["CHART_RATE", "AuditChart", "disparity_charts", "group_charts", "group_label"]
