"""A system's own CycloneDX ML-BOM: valid CycloneDX 1.6, its model carrying the latest
published transparency model card, field by field; none without a published card."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from tests.web.factories import Network, bearer_client, logged_in_client
from tests.web.vendors.factories import bom_bytes, example_bom
from tianping.bom import parse_bom
from tianping.web.assessments.models import Evidence
from tianping.web.certification.mlbom import ml_bom
from tianping.web.transparency import services as transparency
from tianping.web.transparency.models import DocumentVersion
from tianping.web.vendors import services as vendors

PERSON = "张三丰"
CARD = {
    "system": {
        "model_name": "credit-scoring",
        "approach": "supervised",
        "task": "credit scoring",
        "inputs": ["tabular"],
        "outputs": ["score"],
        "users": ["loan officers"],
        "use_cases": ["pre-screening of applications"],
        "limitations": ["not for final decisions"],
    },
    "owner": {"ethical_considerations": [{"name": "bias", "mitigation": "human review"}]},
}
BIAS = {
    "verdict": "pass",
    "meta": {"policy": {"id": "four-fifths"}},
    "disparities": [{"metric": "selection_rate_ratio", "value": 0.91, "ci": [0.85, 0.97]}],
    "representativeness": [
        {
            "attributes": ["sex"],
            "total_variation_distance": 0.2,
            "tolerance": 0.05,
            "groups": [
                {
                    "attributes": {"sex": "female"},
                    "count": 20,
                    "observed_share": 0.2,
                    "reference_share": 0.5,
                    "under_represented": True,
                }
            ],
        }
    ],
}


@pytest.fixture
def system(network: Network) -> Any:
    system = network.system_a
    system.owner = PERSON  # the registry's accountable owner may be a person
    system.datasets = [{"name": "loan-applications", "source": "the bank's applications"}]
    system.save(update_fields=["owner", "datasets"])
    vendors.bom_upload(actor=network.applicant_a, system=system, data=bom_bytes(example_bom()))
    return system


def _models(bom: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in bom["components"] if c["type"] == "machine-learning-model"]


def _en(value: Any) -> Any:
    return value if isinstance(value, str) else value["en"]


def _publish(network: Network, fields: dict[str, Any]) -> DocumentVersion:
    row = transparency.document_save(
        actor=network.applicant_a, system=network.system_a, kind="model-card", owner_fields=fields
    )
    return transparency.document_publish(actor=network.applicant_a, row=row)


def test_without_a_published_model_card_the_bom_has_none(network: Network, system: Any) -> None:
    transparency.document_save(  # a draft is not published: it does not count
        actor=network.applicant_a, system=system, kind="model-card", owner_fields=CARD
    )
    bom = ml_bom(system)
    parse_bom(json.dumps(bom))
    assert [m["name"] for m in _models(bom)] == ["credit-scoring"]
    assert all("modelCard" not in c for c in bom["components"])


def test_the_model_card_traces_to_the_published_document(network: Network, system: Any) -> None:
    Evidence.objects.create(
        system=system, kind="bias_assessment", title="audit", sha256="c" * 64, content=BIAS
    )
    row = _publish(network, CARD)
    transparency.document_save(  # a newer draft changes nothing until it is published
        actor=network.applicant_a,
        system=system,
        kind="model-card",
        owner_fields={**CARD, "system": {**CARD["system"], "task": "draft task"}},
    )
    bom = ml_bom(system)
    parse_bom(json.dumps(bom))  # the CycloneDX 1.6 JSON Schema
    text = json.dumps(bom, ensure_ascii=False)
    assert PERSON not in text and "draft task" not in text
    (model,) = _models(bom)
    card = model["modelCard"]
    content = row.document["json"]["content"]
    described = content["model"]
    parameters = card["modelParameters"]
    assert parameters["approach"] == {"type": described["approach"]}
    assert parameters["task"] == _en(described["task"])
    assert parameters["inputs"] == [{"format": f} for f in described["inputs"]]
    assert parameters["outputs"] == [{"format": f} for f in described["outputs"]]
    data_refs = {c["name"]: c["bom-ref"] for c in bom["components"] if c["type"] == "data"}
    assert content["training_data"] == ["loan-applications"]
    assert parameters["datasets"] == [{"ref": data_refs["loan-applications"]}]
    metrics = card["quantitativeAnalysis"]["performanceMetrics"]
    assert [(m["type"], float(m["value"])) for m in metrics] == [
        (p["name"], p["value"]) for p in content["performance"]
    ]
    assert metrics[0]["confidenceInterval"] == {"lowerBound": "0.85", "upperBound": "0.97"}
    considerations = card["considerations"]
    uses = content["intended_use"]
    assert considerations["users"] == [_en(u) for u in uses["users"]]
    assert considerations["useCases"] == [_en(u) for u in uses["use_cases"]]
    assert considerations["technicalLimitations"] == [_en(u) for u in content["limitations"]]
    assert considerations["ethicalConsiderations"] == [
        {"name": _en(c["name"]), "mitigationStrategy": _en(c["mitigation"])}
        for c in content["ethical_considerations"]
    ]
    groups = [
        g["group"]
        for check in content["representativeness"]
        for g in check["groups"]
        if g["under_represented"]
    ]
    assert (
        [f["groupAtRisk"] for f in considerations["fairnessAssessments"]]
        == groups
        == ["sex=female"]
    )
    # The same document through the page and the API (its path and operation kept).
    client = logged_in_client(network.applicant_a)
    download = client.get(reverse("certification:bom_export", args=[system.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert json.loads(download.content)["components"] == bom["components"]
    assert reverse("certification:bom_export", args=[system.pk]).startswith("/vendors/")
    api = bearer_client(network.applicant_a)
    answer = api.get(f"/api/vendors/systems/{system.pk}/ml-bom")
    assert answer.status_code == 200 and answer.json()["components"] == bom["components"]
    outsider = bearer_client(network.applicant_b)
    assert outsider.get(f"/api/vendors/systems/{system.pk}/ml-bom").status_code == 404
