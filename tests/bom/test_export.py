"""A system's own ML-BOM: schema-valid CycloneDX 1.6, model cards in place, reproducible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bom.helpers import EXAMPLE_SYSTEM
from tianping.bom import BomError, export_bom, load_system, parse_bom, verify_bom


def test_the_example_exports_a_valid_bom_that_reads_back() -> None:
    system = load_system(EXAMPLE_SYSTEM)
    bom = export_bom(system)
    assert bom["specVersion"] == "1.6" and bom["serialNumber"].startswith("urn:uuid:")
    read = parse_bom(json.dumps(bom))  # validated against the official schema
    assert [c.kind for c in read.components] == ["machine-learning-model", "data", "service"]
    card = read.document["components"][0]["modelCard"]
    assert card["modelParameters"] == {
        "task": "classification",
        "datasets": [{"ref": "data:loan-applications@2025"}],
    }
    assert card["considerations"]["fairnessAssessments"] == []
    assert read.product is not None and read.product.name == "loan-assistant"
    assert export_bom(system) == bom  # the same description, the same BOM
    assert verify_bom(read, exemptions=()).status == "uncertified"


def test_a_minimal_system_and_a_timestamp() -> None:
    from datetime import UTC, datetime

    bom = export_bom(
        {"name": "s", "version": "1", "supplier": "Me"},
        timestamp=datetime(2026, 9, 1, tzinfo=UTC),
    )
    assert bom["metadata"]["timestamp"] == "2026-09-01T00:00:00Z"
    assert bom["components"] == [] and "services" not in bom
    parse_bom(json.dumps(bom))


def test_duplicates_and_unknown_datasets_are_refused() -> None:
    model = {"name": "m", "version": "1", "sha256": "ab" * 32}
    with pytest.raises(BomError, match="appears more than once"):
        export_bom({"name": "s", "version": "1", "supplier": "Me", "models": [model, model]})
    with pytest.raises(BomError, match="not among the datasets"):
        export_bom(
            {"name": "s", "version": "1", "supplier": "Me",
             "models": [{**model, "datasets": ["nowhere"]}]}
        )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: s\nversion: '1'\n", "supplier"),
        ("name: s\nversion: '1'\nsupplier: x\nmodels: [{name: m, sha256: nothex}]\n", "sha256"),
        ("name: s\nversion: '1'\nsupplier: x\nsurprise: 1\n", "surprise"),
        ("[" * 10_000, "system.yaml"),
    ],
)
def test_bad_descriptions_are_refused(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "system.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BomError, match=expected):
        load_system(path)
