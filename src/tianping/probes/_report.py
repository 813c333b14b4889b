"""A probe run's ``results.json`` as a bilingual HTML or PDF report.

Rendered through :mod:`tianping.reports` (its print stylesheet, message catalogue
and WeasyPrint helper): the overall verdict, per category and language the counts,
the pass rate with its interval and the verdict against the policy, the bias tests,
the judges' measured accuracy, and the failing transcripts — masked again with the
privacy engine, whoever wrote the file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tianping.probes._accuracy import TARGET
from tianping.probes._detectors import mask_personal
from tianping.reports import (
    DEFAULT_FONT_CHECK,
    FontCheck,
    html_to_pdf,
    render_html,
)

TEMPLATE = "probe_report.html"


def _fraction(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.3g}" if value < 0.001 else f"{value:.3f}"


def _rate(row: Mapping[str, Any]) -> str:
    if row.get("pass_rate") is None:
        return "—"
    low, high = row["interval"]
    return f"{row['pass_rate']:.1%} ({low:.1%}–{high:.1%})"


def _masked(failure: Mapping[str, Any]) -> dict[str, Any]:
    reply = failure.get("reply")
    return {
        **failure,
        "messages": [
            {"role": m["role"], "content": mask_personal(str(m["content"]))}
            for m in failure.get("messages", [])
        ],
        "reply": None if reply is None else mask_personal(str(reply)),
        "reason": None if failure.get("reason") is None else mask_personal(str(failure["reason"])),
    }


def _accuracy_row(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **entry,
        "sensitivity_text": _fraction(entry.get("sensitivity")),
        "specificity_text": _fraction(entry.get("specificity")),
        "counts_text": " / ".join(
            str(entry.get(k, "—"))
            for k in ("true_positive", "false_negative", "true_negative", "false_positive")
        ),
    }


def report_context(results: Mapping[str, Any]) -> dict[str, Any]:
    """The template's variables from ``results.json`` data (read with ``read_results``)."""
    bias = results.get("bias")
    llm = results.get("llm_judge")
    return {
        "suite": results["suite"],
        "run": results["run"],
        "policy": results.get("policy"),
        "verdict": results["verdict"],
        "incomplete": results.get("incomplete"),
        "target": TARGET,
        "categories": [
            {
                **row,
                "rate": _rate(row),
                "threshold_text": f"{row['threshold']:.0%} / {row['min_samples']}"
                f" / {row.get('source', '')}",
            }
            for row in results["categories"]
        ],
        "bias": bias,
        "bias_tests": [
            {
                **test,
                "rates_text": " / ".join(f"{r:.2f}" for r in test["rates"])
                or " / ".join(f"{m:.0f}" for m in test.get("means", [])),
                "effect_text": f"{test['effect']:.2f}",
                "p_text": _fraction(test["p_adjusted"]),
            }
            for test in (bias or {}).get("tests", [])
        ],
        "judges": [_accuracy_row(entry) for entry in results["judges"]],
        "llm_judge": None
        if llm is None
        else {**llm, "rows": [_accuracy_row(e) for e in llm["accuracy"]]},
        "failures": [_masked(f) for f in results.get("failures", [])],
    }


def probe_report_html(
    results: Mapping[str, Any], *, language: str = "both", generated_at: datetime | None = None
) -> str:
    """The run's report as a complete HTML page (``language``: ``zh-Hans``, ``en`` or ``both``)."""
    return render_html(
        TEMPLATE, report_context(results), language=language, generated_at=generated_at
    )


def probe_report_pdf(
    results: Mapping[str, Any],
    *,
    language: str = "both",
    generated_at: datetime | None = None,
    font_check: FontCheck = DEFAULT_FONT_CHECK,
) -> bytes:
    """The run's report as a PDF, Chinese fonts embedded (:func:`tianping.reports.html_to_pdf`)."""
    html = probe_report_html(results, language=language, generated_at=generated_at)
    return html_to_pdf(html, font_check=font_check)


__all__ = ["probe_report_html", "probe_report_pdf", "report_context"]
