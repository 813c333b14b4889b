"""A finished run's results as its page shows them: rows with labels, a chart, transcripts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tianping.charts import ChartBar, ChartLine, interval_chart
from tianping.web.probes.labels import (
    ATTRIBUTE_LABELS,
    CATEGORY_LABELS,
    DETECTOR_LABELS,
    LANGUAGE_LABELS,
    MEASURE_LABELS,
    OUTCOME_LABELS,
    ROLE_LABELS,
    TEST_LABELS,
    VERDICT_LABELS,
    label,
)

TONES = {"pass": "pass", "warn": "warn", "fail": "fail", "inconclusive": "inconclusive"}


def _percent(value: object) -> str:
    return "—" if not isinstance(value, int | float) else f"{100 * float(value):.1f}%"


def _number(value: object) -> str:
    return "—" if not isinstance(value, int | float) else f"{float(value):.3g}"


def results_view(content: dict[str, Any]) -> dict[str, Any]:
    """What the results page shows of ``results.json`` (codes turned into labels)."""
    rows = []
    bars = []
    for row in content.get("categories", []):
        name = f"{label(CATEGORY_LABELS, row.get('category'))} · "
        name += label(LANGUAGE_LABELS, row.get("language"))
        interval = row.get("interval") or [None, None]
        verdict = str(row.get("verdict", ""))
        counts = row.get("counts", {})
        rows.append(
            {
                "name": name,
                "category": row.get("category"),
                "language": row.get("language"),
                "verdict": verdict,
                "verdict_label": label(VERDICT_LABELS, verdict),
                "passed": counts.get("pass", 0),
                "failed": counts.get("fail", 0),
                "errors": counts.get("error", 0),
                "unscorable": counts.get("unscorable", 0),
                "rate": _percent(row.get("pass_rate")),
                "low": _percent(interval[0]),
                "high": _percent(interval[1]),
                "threshold": _percent(row.get("threshold")),
            }
        )
        bars.append(
            ChartBar(
                name,
                row.get("pass_rate"),
                interval[0],
                interval[1],
                tone=TONES.get(verdict, "neutral"),  # type: ignore[arg-type]
            )
        )
    thresholds = sorted(
        {
            float(r["threshold"])
            for r in content.get("categories", [])
            if isinstance(r.get("threshold"), int | float)
        }
    )
    chart = (
        interval_chart(
            bars,
            title=_("Pass rate per category and language, with confidence intervals"),
            lines=[ChartLine(t, "warn") for t in thresholds[:3]],
        )
        if bars
        else None
    )
    judges = [
        {
            "name": label(DETECTOR_LABELS, j.get("detector")),
            "language": label(LANGUAGE_LABELS, j.get("language")),
            "sensitivity": _percent(j.get("sensitivity")),
            "specificity": _percent(j.get("specificity")),
        }
        for j in content.get("judges", [])
    ]
    bias = content.get("bias") if isinstance(content.get("bias"), dict) else None
    bias_tests = [
        {
            # An attribute of an organisation's own bank is its own text, shown as written.
            "attribute": str(ATTRIBUTE_LABELS.get(str(t.get("attribute")), t.get("attribute"))),
            "measure": label(MEASURE_LABELS, t.get("measure")),
            "test": label(TEST_LABELS, t.get("test")),
            "blocks": t.get("blocks"),
            "effect": _number(t.get("effect")),
            "p_adjusted": _number(t.get("p_adjusted")),
            "significant": bool(t.get("significant")),
        }
        for t in (bias or {}).get("tests", [])
    ]
    failures = [
        {
            "category": label(CATEGORY_LABELS, f.get("category")),
            "language": label(LANGUAGE_LABELS, f.get("language")),
            "outcome": label(OUTCOME_LABELS, f.get("outcome")),
            # The conversation is in the probe's language (marked so on the page).
            "lang": "en" if f.get("language") == "en" else "zh-Hans",
            "probe": f.get("probe"),
            "messages": [
                {"role": label(ROLE_LABELS, m.get("role")), "content": m.get("content", "")}
                for m in f.get("messages", [])
            ],
            "reply": f.get("reply"),
        }
        for f in content.get("failures", [])[:50]
    ]
    run = content.get("run", {})
    incomplete = content.get("incomplete")
    stopped = None
    if isinstance(incomplete, dict):
        numbers = {k: incomplete.get(k, "—") for k in ("limit", "answered", "total")}
        if incomplete.get("budget") == "tokens":
            template = _(
                "This run stopped when its token budget (%(limit)s) ran out: %(answered)s of "
                "%(total)s requests were answered. The probes not answered count as not run, "
                "and the verdicts cover only what was answered."
            )
        else:
            template = _(
                "This run stopped when its request budget (%(limit)s) ran out: %(answered)s of "
                "%(total)s requests were answered. The probes not answered count as not run, "
                "and the verdicts cover only what was answered."
            )
        stopped = template % numbers
    return {
        "incomplete": stopped,
        "verdict": str(content.get("verdict", "")),
        "verdict_label": label(VERDICT_LABELS, content.get("verdict")),
        "rows": rows,
        "chart": chart,
        "judges": judges,
        "bias": None
        if bias is None
        else {
            "verdict": str(bias.get("verdict", "")),
            "verdict_label": label(VERDICT_LABELS, bias.get("verdict")),
            "alpha": bias.get("alpha"),
            "tests": bias_tests,
        },
        "failures": failures,
        "failures_total": len(content.get("failures", [])),
        "requests": run.get("requests"),
        "suite": content.get("suite", {}),
    }
