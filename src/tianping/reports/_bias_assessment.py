"""The bias assessment: what an audit of one system's decisions found, on paper.

Inputs are JSON-like mappings, as for the intake summary, so the CLI and the
web layer can both call these functions without sharing types:

``system``
    ``{"name": str, "organisation", "purpose", "sector", "owner", …}`` as for
    :func:`~tianping.reports.intake_summary_html`; only ``name`` is required.
``audit``
    The JSON of an audit (``AuditResult.to_json()`` of :mod:`tianping.fairness`,
    schema ``tianping.fairness.audit/1``): verdict, meta (rows, engine, columns,
    policy …), groups, marginals and disparities with their bilingual
    explanations (``explanation_i18n``).
``data``
    Optional: where the data came from, ``{"name": str, "sha256": str | None}``.
``evidence``
    Optional: the requirement items the assessment is linked to as evidence,
    ``[{"id": "REQ-13-02", "question": {"zh-Hans": …, "en": …}}]``.

The charts (:func:`disparity_charts`, :func:`group_charts`) are inline SVG, the
same that the platform's results page and a notebook show; they are drawn by
:mod:`tianping.fairness`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from tianping import fairness
from tianping.fairness import (
    CHART_RATE,
    SCHEMA,
    VERDICTS,
    AuditChart,
    FairnessError,
    group_label,
    metric_title,
    verdict_title,
)
from tianping.reports._errors import ReportError
from tianping.reports._fonts import DEFAULT_FONT_CHECK, FontCheck
from tianping.reports._intake_summary import system_view
from tianping.reports._render import html_to_pdf, normalise_report_language, render_html
from tianping.text import LocalizedText

TEMPLATE: Final = "bias_assessment.html"

#: The group rates the report tabulates, in order.
GROUP_RATES: Final = ("selection_rate", "base_rate", "tpr", "fpr", "precision", "accuracy")

NOT_AN_AUDIT = (
    "the audit must be the JSON of a fairness audit (schema {schema!r}), got schema {got!r}"
)
AUDIT_KEY_MISSING = "the audit has no {key!r}; pass AuditResult.to_json()"
AUDIT_BAD_VERDICT = "{what} is {verdict!r}; expected one of pass, warn, fail, inconclusive"
AUDIT_BAD_METRIC = "{what}: unknown metric {metric!r}"
AUDIT_BAD_SHAPE = "{what} must be {expected}, got {kind}"


def _kind(value: object) -> str:
    return type(value).__name__


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ReportError(
            AUDIT_BAD_SHAPE.format(what=what, expected="a mapping", kind=_kind(value))
        )
    return value


def _list(value: object, what: str) -> Sequence[Any]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise ReportError(AUDIT_BAD_SHAPE.format(what=what, expected="a list", kind=_kind(value)))
    return value


def _required(data: Mapping[str, Any], key: str) -> Any:
    if key not in data:
        raise ReportError(AUDIT_KEY_MISSING.format(key=key))
    return data[key]


def _number(value: object) -> float | None:
    """A JSON number as a float; ``None`` (an undefined value) stays ``None``."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _verdict(value: object, what: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or value not in VERDICTS:
        raise ReportError(AUDIT_BAD_VERDICT.format(what=what, verdict=value))
    return value


def _title(metric: object, what: str) -> LocalizedText:
    try:
        return metric_title(str(metric))
    except FairnessError as exc:
        raise ReportError(AUDIT_BAD_METRIC.format(what=what, metric=metric)) from exc


def _fmt(value: float | None) -> str | None:
    return None if value is None else f"{value:.3f}"


# --- charts ----------------------------------------------------------------------------------


def _checked_audit(audit: Mapping[str, object]) -> Mapping[str, Any]:
    audit = _mapping(audit, "the audit")
    if audit.get("schema") != SCHEMA:
        raise ReportError(NOT_AN_AUDIT.format(schema=SCHEMA, got=audit.get("schema")))
    for key in ("verdict", "meta", "overall", "groups", "marginals", "disparities"):
        _required(audit, key)
    return audit


def _tolerances(audit: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    policy = _mapping(_mapping(audit["meta"], "audit.meta").get("policy", {}), "audit.meta.policy")
    out: dict[str, Mapping[str, Any]] = {}
    for i, tolerance in enumerate(_list(policy.get("tolerances", []), "policy.tolerances")):
        entry = _mapping(tolerance, f"audit.meta.policy.tolerances[{i}]")
        out[str(entry.get("metric"))] = entry
    return out


def _charts_error(exc: FairnessError) -> ReportError:
    return ReportError(exc.localized("en"))


def disparity_charts(audit: Mapping[str, object], *, language: str) -> list[AuditChart]:
    """One chart per disparity the policy judges (:func:`tianping.fairness.disparity_charts`).

    Raises
    ------
    ReportError
        ``audit`` is not the JSON of an audit, or ``language`` is unknown.
    """
    checked = _checked_audit(audit)
    report_language = normalise_report_language(language)
    try:
        return fairness.disparity_charts(checked, language=report_language)
    except FairnessError as exc:
        raise _charts_error(exc) from exc


def _groupings(audit: Mapping[str, Any]) -> list[tuple[str, list[str], Sequence[Any]]]:
    """(key, attributes, groups): the intersections first, then each attribute alone."""
    meta = _mapping(audit["meta"], "audit.meta")
    attributes = [str(a) for a in _list(meta.get("attributes", []), "audit.meta.attributes")]
    out: list[tuple[str, list[str], Sequence[Any]]] = [
        ("intersections", attributes, _list(audit["groups"], "audit.groups"))
    ]
    marginals = _mapping(audit["marginals"], "audit.marginals")
    if len(attributes) > 1:
        for attribute in attributes:
            groups = _list(marginals.get(attribute, []), f"audit.marginals.{attribute}")
            out.append((attribute, [attribute], groups))
    return out


def group_charts(
    audit: Mapping[str, object], *, language: str, rate: str = CHART_RATE
) -> list[AuditChart]:
    """One chart per grouping: ``rate`` per group (:func:`tianping.fairness.group_charts`).

    Raises
    ------
    ReportError
        ``audit`` is not the JSON of an audit, or ``language`` or ``rate`` is unknown.
    """
    checked = _checked_audit(audit)
    report_language = normalise_report_language(language)
    try:
        return fairness.group_charts(checked, language=report_language, rate=rate)
    except FairnessError as exc:
        raise _charts_error(exc) from exc


# --- the report ------------------------------------------------------------------------------


def _meta_view(audit: Mapping[str, Any]) -> dict[str, Any]:
    meta = _mapping(audit["meta"], "audit.meta")
    policy = _mapping(meta.get("policy", {}), "audit.meta.policy")
    tolerances = []
    for entry in _tolerances(audit).values():
        sign = "≥" if entry.get("direction") == "at_least" else "≤"
        tolerances.append(
            {
                "metric": _title(entry.get("metric"), "audit.meta.policy.tolerances"),
                "pass": f"{sign} {entry.get('pass'):g}",
                "warn": f"{sign} {entry.get('warn'):g}",
            }
        )
    reference = meta.get("reference")
    confidence = _number(meta.get("confidence"))
    title = policy.get("title")
    return {
        "rows": meta.get("rows"),
        "engine": meta.get("engine"),
        "attributes": [str(a) for a in _list(meta.get("attributes", []), "audit.meta.attributes")],
        "label": meta.get("label"),
        "prediction": meta.get("prediction"),
        "score": meta.get("score"),
        "threshold": meta.get("threshold"),
        "positive": meta.get("positive"),
        "replicates": meta.get("replicates"),
        "seed": meta.get("seed"),
        "confidence": None if confidence is None else f"{confidence * 100:g} %",
        "min_group_size": meta.get("min_group_size"),
        "reference": group_label(reference) if isinstance(reference, Mapping) else reference,
        "policy_id": policy.get("id"),
        "policy_title": None if title is None else LocalizedText.from_json(title),
        "policy_source": policy.get("source"),
        "tolerances": tolerances,
        "version": meta.get("version"),
    }


def _disparity_rows(audit: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for i, raw in enumerate(_list(audit["disparities"], "audit.disparities")):
        entry = _mapping(raw, f"audit.disparities[{i}]")
        verdict = _verdict(entry.get("verdict"), f"audit.disparities[{i}].verdict", optional=True)
        ci = entry.get("ci")
        low, high = (None, None) if not ci else (_number(ci[0]), _number(ci[1]))
        p = _number(entry.get("p_value"))
        explanation = entry.get("explanation_i18n")
        rows.append(
            {
                "metric": _title(entry.get("metric"), f"audit.disparities[{i}]"),
                "over": " × ".join(str(a) for a in entry.get("attributes") or []),
                "value": _fmt(_number(entry.get("value"))),
                "ci": None if low is None or high is None else f"[{low:.3f}, {high:.3f}]",
                "p": None if p is None else ("< 0.001" if p < 0.001 else f"{p:.3f}"),
                "verdict": verdict,
                "verdict_text": None if verdict is None else verdict_title(verdict),
                "explanation": None
                if not isinstance(explanation, Mapping)
                else LocalizedText.from_json(dict(explanation)),
            }
        )
    return rows


def _group_rows(groups: Sequence[Any]) -> list[dict[str, Any]]:
    rows = []
    for i, raw in enumerate(groups):
        group = _mapping(raw, f"group[{i}]")
        ci = _mapping(group.get("ci") or {}, "group.ci")
        rates = {}
        for rate in GROUP_RATES:
            interval = ci.get(rate) or [None, None]
            low, high = _number(interval[0]), _number(interval[1])
            rates[rate] = {
                "value": _fmt(_number(group.get(rate))),
                "ci": None if low is None or high is None else f"{low:.2f}–{high:.2f}",
            }
        rows.append(
            {
                "label": group_label(_mapping(group.get("attributes", {}), "group.attributes")),
                "count": group.get("count"),
                "rates": rates,
                "insufficient": bool(group.get("insufficient_data")),
            }
        )
    return rows


def _evidence(evidence: Sequence[Any] | None) -> list[dict[str, Any]]:
    items = []
    for i, raw in enumerate(_list(evidence or [], "evidence")):
        entry = _mapping(raw, f"evidence[{i}]")
        question = entry.get("question")
        items.append(
            {
                "id": str(entry.get("id", "")),
                "question": None if question is None else LocalizedText.from_json(dict(question)),
            }
        )
    return items


def bias_assessment_context(
    *,
    system: Mapping[str, object],
    audit: Mapping[str, object],
    language: str,
    data: Mapping[str, object] | None = None,
    evidence: Sequence[Mapping[str, object]] | None = None,
) -> dict[str, Any]:
    """Check the inputs and give the template everything it prints."""
    checked = _checked_audit(audit)
    verdict = _verdict(checked["verdict"], "audit.verdict")
    assert verdict is not None
    groupings = []
    charts = {chart.key: chart for chart in group_charts(checked, language=language)}
    for key, attributes, groups in _groupings(checked):
        groupings.append(
            {
                "key": key,
                "over": " × ".join(attributes),
                "intersections": key == "intersections",
                "chart": charts.get(key),
                "rows": _group_rows(groups),
            }
        )
    data_view = None
    if data is not None:
        given = _mapping(data, "data")
        data_view = {"name": given.get("name"), "sha256": given.get("sha256")}
    return {
        "system": system_view(system),
        "verdict": verdict,
        "verdict_text": verdict_title(verdict),
        "meta": _meta_view(checked),
        "data": data_view,
        "judged": disparity_charts(checked, language=language),
        "disparities": _disparity_rows(checked),
        "groupings": groupings,
        "rate_names": {rate: metric_title(rate) for rate in GROUP_RATES},
        "evidence": _evidence(evidence),
    }


def bias_assessment_html(
    *,
    system: Mapping[str, object],
    audit: Mapping[str, object],
    language: str,
    data: Mapping[str, object] | None = None,
    evidence: Sequence[Mapping[str, object]] | None = None,
    generated_at: datetime | None = None,
) -> str:
    """The bias assessment of one AI system as an HTML document.

    Parameters
    ----------
    system
        The system's particulars; only ``"name"`` is required.
    audit
        The JSON of a fairness audit (``AuditResult.to_json()``).
    language
        ``"zh-Hans"``, ``"en"`` or ``"both"`` (side by side, Chinese first).
    data, evidence
        Optional: the data file (``name``, ``sha256``) and the requirement items
        the assessment is evidence for (``id``, bilingual ``question``).
    generated_at
        The timestamp in the header; timezone-aware. Default: now, UTC.

    Raises
    ------
    ReportError
        If an input does not follow the contract, or the language is not one
        Tianping ships.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tianping.fairness import audit
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"sex": rng.choice(["F", "M"], 400), "y": rng.random(400) < 0.5})
    >>> df["yhat"] = rng.random(400) < np.where(df["sex"] == "F", 0.3, 0.5)
    >>> result = audit(df, protected="sex", label="y", prediction="yhat", replicates=50)
    >>> html = bias_assessment_html(
    ...     system={"name": "智能信贷评分"}, audit=result.to_json(), language="zh-Hans"
    ... )
    >>> "偏见评估" in html and "<svg" in html
    True
    """
    context = bias_assessment_context(
        system=system, audit=audit, language=language, data=data, evidence=evidence
    )
    return render_html(TEMPLATE, context, language=language, generated_at=generated_at)


def bias_assessment_pdf(
    *,
    system: Mapping[str, object],
    audit: Mapping[str, object],
    language: str,
    data: Mapping[str, object] | None = None,
    evidence: Sequence[Mapping[str, object]] | None = None,
    generated_at: datetime | None = None,
    font_check: FontCheck = DEFAULT_FONT_CHECK,
) -> bytes:
    """The bias assessment of one AI system as a PDF, Chinese fonts embedded.

    Parameters
    ----------
    system, audit, language, data, evidence, generated_at
        As for :func:`bias_assessment_html`.
    font_check
        The fonts to require before printing (see :class:`FontCheck`).

    Raises
    ------
    ReportError
        For input outside the contract, or when no Chinese font is installed.
    """
    html = bias_assessment_html(
        system=system,
        audit=audit,
        language=language,
        data=data,
        evidence=evidence,
        generated_at=generated_at,
    )
    return html_to_pdf(html, font_check=font_check)


__all__ = [
    "CHART_RATE",
    "GROUP_RATES",
    "AuditChart",
    "bias_assessment_context",
    "bias_assessment_html",
    "bias_assessment_pdf",
    "disparity_charts",
    "group_charts",
    "group_label",
]
