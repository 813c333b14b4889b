"""JSON forms of scorecards, sensitivity ranges, agreement and the FMTI reproduction.

Exact fractions are given as numbers (``float``) and, where a reader may need
them exactly, as text (``"11/20"``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from tianping.index._fmti import FMTIEdition, FMTIReproduction
from tianping.index._models import Agreement, Interval, Scorecard, Sensitivity, Specification


def _exact(value: Fraction) -> str:
    return str(value)


def _interval(interval: Interval) -> list[float]:
    return [interval.low, interval.high]


def scorecard_json(
    card: Scorecard, spec: Specification, language: str | None = None
) -> dict[str, Any]:
    """A scorecard with, per indicator, its value, points, rule, evidence and reason."""
    names = {i.id: i.name for i in spec.indicators}
    return {
        "system": card.system,
        "spec": card.spec_version,
        "total": float(card.total),
        "total_exact": _exact(card.total),
        "missing": list(card.missing),
        "domains": [
            {
                "id": d.id,
                "score": float(d.score),
                "points": float(d.points),
                "max_points": float(d.max_points),
                "missing": d.missing,
            }
            for d in card.domains
        ],
        "indicators": [
            {
                "id": s.indicator,
                "name": names[s.indicator].to_json()
                if language is None
                else names[s.indicator].get(language),
                "domain": s.domain,
                "value": None if s.value is None else float(s.value),
                "value_exact": None if s.value is None else _exact(s.value),
                "points": float(s.points),
                "rule": s.rule,
                "evidence": [{"id": i, "sha256": h} for i, h in s.evidence],
                "reason": s.reason,
                "missing": bool(s.missing),
            }
            for s in card.indicators
        ],
    }


def sensitivity_json(result: Sensitivity) -> dict[str, Any]:
    """Every system's point scores, ranks and ranges under both missing-evidence bounds."""

    def bound(b: Any) -> dict[str, Any]:
        return {
            "point": b.point,
            "rank": b.rank,
            "scores": _interval(b.scores),
            "ranks": _interval(b.ranks),
        }

    return {
        "spec": result.spec_version,
        "draws": result.draws,
        "seed": result.seed,
        "concentration": result.concentration,
        "percentiles": list(result.percentiles),
        "systems": [
            {
                "system": r.system,
                "score_range": _interval(r.score_range),
                "rank_range": _interval(r.rank_range),
                "missing_as_zero": bound(r.zero),
                "missing_as_median": bound(r.median),
            }
            for r in result.systems
        ],
    }


def agreement_json(result: Agreement) -> dict[str, Any]:
    """Cohen's κ and each disagreement with its resolution."""
    return {
        "kappa": result.kappa,
        "observed": result.observed,
        "expected": result.expected,
        "items": result.items,
        "disagreements": [
            {
                "system": d.system,
                "indicator": d.indicator,
                "scores": dict(d.scores),
                "resolved": d.resolved,
                "note": d.note,
            }
            for d in result.disagreements
        ],
    }


def fmti_json(edition: FMTIEdition, result: FMTIReproduction) -> dict[str, Any]:
    """One edition: its layout, each company's total and domain points, the mean, the checks."""
    return {
        "edition": edition.name,
        "layout": {
            "byte_order_mark": edition.byte_order_mark,
            "domain_columns": edition.domain_columns,
            "totals_row": edition.totals_row,
        },
        "indicators": len(edition.indicators),
        "companies": [
            {
                "company": c.name,
                "total": float(c.total),
                "domains": {k: float(v) for k, v in c.domains.items()},
            }
            for c in result.companies
        ],
        "mean": float(result.mean_rounded),
        "mean_exact": _exact(result.mean),
        "published_values_checked": result.checks,
        "mismatches": list(result.mismatches),
    }


__all__ = ["agreement_json", "fmti_json", "scorecard_json", "sensitivity_json"]
