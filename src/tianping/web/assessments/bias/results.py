"""What the results page shows, in the reader's language, from the audit JSON filed as evidence.

The charts are :mod:`tianping.reports`' inline SVG (the PDF prints the same);
names of metrics and verdicts and the explanations come from
:mod:`tianping.fairness` in both languages, so the page and the report use the
same words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from tianping import fairness, reports

#: The group rates the page can chart, in the order offered.
CHART_RATES = ("selection_rate", "tpr", "fpr", "precision", "base_rate", "accuracy")
#: The group rates the tables show.
TABLE_RATES = ("selection_rate", "base_rate", "tpr", "fpr", "precision", "accuracy")


def _number(value: Any) -> str | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return f"{value:.3f}" if math.isfinite(value) else None


def _interval(pair: Any) -> str | None:
    if not isinstance(pair, Sequence) or len(pair) != 2:
        return None
    low, high = _number(pair[0]), _number(pair[1])
    return None if low is None or high is None else f"[{low}, {high}]"


def metric_name(code: str, language: str) -> str:
    try:
        return fairness.metric_title(code).get(language)
    except fairness.FairnessError:
        return code


def verdict_name(code: str | None, language: str) -> str | None:
    if code is None:
        return None
    return fairness.verdict_title(code).get(language)


def _explanation(entry: Mapping[str, Any], language: str) -> str:
    texts = entry.get("explanation_i18n") or {}
    return str(texts.get(language) or entry.get("explanation") or "")


def _group_rows(groups: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for group in groups:
        ci = group.get("ci") or {}
        rows.append(
            {
                "label": reports.group_label(group.get("attributes") or {}),
                "count": group.get("count"),
                "insufficient": bool(group.get("insufficient_data")),
                "rates": [
                    {"value": _number(group.get(rate)), "ci": _interval(ci.get(rate))}
                    for rate in TABLE_RATES
                ],
            }
        )
    return rows


def results_context(content: Mapping[str, Any], *, language: str, rate: str) -> dict[str, Any]:
    """Charts, tables and explanations of an audit for the page, in ``language``."""
    rate = rate if rate in CHART_RATES else CHART_RATES[0]
    disparities = list(content.get("disparities") or [])
    judged = []
    for chart in reports.disparity_charts(content, language=language):
        judged.append(
            {
                "metric": chart.key,
                "title": chart.title.get(language),
                "svg": chart.svg,
                "explanations": [
                    {
                        "over": " × ".join(entry.get("attributes") or []),
                        "verdict": entry.get("verdict"),
                        "verdict_name": verdict_name(entry.get("verdict"), language),
                        "text": _explanation(entry, language),
                    }
                    for entry in disparities
                    if entry.get("metric") == chart.key and entry.get("verdict") is not None
                ],
            }
        )
    charts = {c.key: c for c in reports.group_charts(content, language=language, rate=rate)}
    attributes = list((content.get("meta") or {}).get("attributes") or [])
    groupings = [
        {
            "key": "intersections",
            "over": " × ".join(attributes),
            "intersections": True,
            "chart": charts.get("intersections"),
            "rows": _group_rows(content.get("groups") or []),
        }
    ]
    if len(attributes) > 1:
        marginals = content.get("marginals") or {}
        groupings += [
            {
                "key": attribute,
                "over": attribute,
                "intersections": False,
                "chart": charts.get(attribute),
                "rows": _group_rows(marginals.get(attribute) or []),
            }
            for attribute in attributes
        ]
    table = [
        {
            "metric": entry.get("metric"),
            "name": metric_name(str(entry.get("metric")), language),
            "over": " × ".join(entry.get("attributes") or []),
            "value": _number(entry.get("value")),
            "ci": _interval(entry.get("ci")),
            "p": _number(entry.get("p_value")),
            "verdict": entry.get("verdict"),
            "verdict_name": verdict_name(entry.get("verdict"), language),
        }
        for entry in disparities
    ]
    policy = (content.get("meta") or {}).get("policy") or {}
    return {
        "verdict": content.get("verdict"),
        "verdict_name": verdict_name(content.get("verdict"), language),
        "meta": content.get("meta") or {},
        "policy_title": (policy.get("title") or {}).get(language) or policy.get("id"),
        "judged": judged,
        "groupings": groupings,
        "disparity_table": table,
        "rate": rate,
        "rate_choices": [(code, metric_name(code, language)) for code in CHART_RATES],
        "rate_columns": [metric_name(code, language) for code in TABLE_RATES],
    }
