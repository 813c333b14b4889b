"""The model card as a CycloneDX 1.6 ``modelCard`` object.

The object goes inside the ``machine-learning-model`` component of a system's
ML-BOM (:func:`cyclonedx_bom` wraps it in a minimal BOM, which is how the tests
validate it against the official schema). CycloneDX texts are plain strings, so
each bilingual text is given in one language (English by default).
"""

from __future__ import annotations

from typing import Any

from tianping.text import LocalizedText
from tianping.transparency._inputs import Text, TransparencyInput

CYCLONEDX_SPEC_VERSION = "1.6"


def _plain(value: Text | None, language: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.get(language)


def _number(value: float) -> str:
    return f"{value:g}"


def _prune(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without empty values (CycloneDX has no nulls)."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def cyclonedx_model_card(inputs: TransparencyInput, *, language: str = "en") -> dict[str, Any]:
    """The CycloneDX 1.6 ``modelCard``: modelParameters, quantitativeAnalysis, considerations.

    Examples
    --------
    >>> from tianping.transparency import read_input
    >>> inputs = read_input({"version": "1", "as_of": "2026-06-30",
    ...                      "system": {"name": "客服", "approach": "supervised"}})
    >>> cyclonedx_model_card(inputs)["modelParameters"]["approach"]
    {'type': 'supervised'}
    """
    s = inputs.system
    found = {p.dataset: p for p in inputs.privacy}
    datasets = []
    for source in inputs.data_sources:
        privacy = found.get(source.name)
        datasets.append(
            _prune(
                {
                    "type": "dataset",
                    "name": source.name,
                    "description": _plain(source.origin, language),
                    "classification": privacy.pipl_class if privacy else None,
                    "sensitiveData": sorted(privacy.entities) if privacy else None,
                }
            )
        )
    parameters = _prune(
        {
            "approach": {"type": s.approach} if s.approach else None,
            "task": _plain(s.task, language),
            "modelArchitecture": _plain(s.architecture, language),
            "datasets": datasets,
            "inputs": [{"format": item} for item in s.inputs],
            "outputs": [{"format": item} for item in s.outputs],
        }
    )
    metrics = []
    for metric in inputs.metrics:
        interval = None
        if metric.lower is not None and metric.upper is not None:
            interval = {"lowerBound": _number(metric.lower), "upperBound": _number(metric.upper)}
        metrics.append(
            _prune(
                {
                    "type": metric.name,
                    "value": _number(metric.value),
                    "slice": metric.slice,
                    "confidenceInterval": interval,
                }
            )
        )
    fairness = [
        {
            "groupAtRisk": group.group,
            "harms": _HARM.get(language).format(
                observed=_number(group.observed_share),
                reference=_number(group.reference_share or 0.0),
            ),
        }
        for check in inputs.representativeness
        for group in check.groups
        if group.under_represented
    ]
    considerations = _prune(
        {
            "users": [_plain(u, language) for u in s.users],
            "useCases": [_plain(u, language) for u in s.use_cases],
            "technicalLimitations": [_plain(u, language) for u in s.limitations],
            "ethicalConsiderations": [
                _prune(
                    {
                        "name": _plain(c.name, language),
                        "mitigationStrategy": _plain(c.mitigation, language),
                    }
                )
                for c in inputs.owner.ethical_considerations
            ],
            "fairnessAssessments": fairness,
        }
    )
    reference = f"model-card:{s.model_name or s.name}@{s.model_version or inputs.version}"
    return _prune(
        {
            "bom-ref": reference,
            "modelParameters": parameters,
            "quantitativeAnalysis": {"performanceMetrics": metrics} if metrics else None,
            "considerations": considerations,
        }
    )


_HARM = LocalizedText(
    zh="训练数据中占比 {observed}，低于参照人群占比 {reference}",
    en="share of the training data {observed}, below its reference share {reference}",
)


def cyclonedx_bom(inputs: TransparencyInput, *, language: str = "en") -> dict[str, Any]:
    """A minimal CycloneDX 1.6 BOM with the model as its one component and its model card."""
    s = inputs.system
    component = _prune(
        {
            "type": "machine-learning-model",
            "name": s.model_name or s.name,
            "version": s.model_version,
            "modelCard": cyclonedx_model_card(inputs, language=language),
        }
    )
    return {
        "bomFormat": "CycloneDX",
        "specVersion": CYCLONEDX_SPEC_VERSION,
        "version": 1,
        "components": [component],
    }


__all__ = ["CYCLONEDX_SPEC_VERSION", "cyclonedx_bom", "cyclonedx_model_card"]
