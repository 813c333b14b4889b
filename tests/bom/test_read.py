"""Reading an AI-BOM: schema-valid CycloneDX 1.6 / 1.7 only, every AI artefact hashed, bounded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.bom.helpers import EXAMPLE_BOM, MODEL, example_bom
from tianping.bom import BomError, parse_bom, read_bom
from tianping.jsonsafe import MAX_DEPTH


def refused(document: Any) -> str:
    text = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(BomError) as caught:
        parse_bom(text, source="bom.json")
    assert "bom.json" in str(caught.value)
    return str(caught.value)


def test_the_example_is_read_with_its_model_card_kept() -> None:
    bom = read_bom(EXAMPLE_BOM)
    assert bom.spec_version == "1.6"
    assert [c.kind for c in bom.components] == ["machine-learning-model", "data", "library"]
    assert bom.components[0].sha256 == MODEL
    assert bom.components[0].supplier == "Example Bank (test data)"
    assert bom.document["components"][0]["modelCard"]["modelParameters"]["task"] == "classification"
    assert bom.first_party == "Example Fintech (test data)"


def test_cyclonedx_1_7_is_read_too() -> None:
    document = example_bom()
    document["specVersion"] = "1.7"
    assert parse_bom(json.dumps(document)).spec_version == "1.7"


@pytest.mark.parametrize("version", ["1.5", "1.4", "2.0", 1.6, None])
def test_other_spec_versions_are_refused(version: object) -> None:
    document = example_bom()
    document["specVersion"] = version
    assert "specVersion" in refused(document)


def test_not_cyclonedx_is_refused() -> None:
    document = example_bom()
    document["bomFormat"] = "SPDX"
    assert "bomFormat" in refused(document)
    assert "no JSON object" in refused("[1, 2]")


@pytest.mark.parametrize("index", [0, 1])
def test_model_and_data_components_need_a_sha256(index: int) -> None:
    document = example_bom()
    del document["components"][index]["hashes"]
    assert "no SHA-256" in refused(document)
    document["components"][index]["hashes"] = [{"alg": "MD5", "content": "0" * 32}]
    assert "no SHA-256" in refused(document)
    document["components"][index]["hashes"] = [
        {"alg": "SHA-256", "content": "0" * 64},
        {"alg": "SHA-256", "content": "1" * 64},
    ]
    assert "more than one SHA-256" in refused(document)


def test_a_nested_model_without_hash_is_found() -> None:
    document = example_bom()
    nested = {"type": "machine-learning-model", "name": "inner"}
    document["components"][2]["components"] = [nested]
    assert "components[2].components[0]" in refused(document)


@pytest.mark.parametrize(
    ("where", "value", "expected"),
    [
        ("type", "neural-network", "components[0].type"),
        ("hashes", [{"alg": "SHA-256", "content": "not hex"}], "components[0].hashes[0].content"),
        ("hashes", [{"alg": "SHA-999", "content": MODEL}], "components[0].hashes[0].alg"),
        ("name", 42, "components[0].name"),
        ("surprise", True, "components[0]"),
    ],
)
def test_schema_violations_are_refused_with_where(where: str, value: Any, expected: str) -> None:
    document = example_bom()
    document["components"][0][where] = value
    said = refused(document)
    assert f"at {expected}" in said


def test_a_service_with_a_bad_shape_is_refused() -> None:
    document = example_bom()
    document["services"] = [{"name": "x", "provider": "a string, not an organisation"}]
    assert "services[0].provider" in refused(document)


def test_duplicate_bom_refs_are_refused() -> None:
    document = example_bom()
    document["components"][1]["bom-ref"] = document["components"][0]["bom-ref"]
    said = refused(document)
    assert "appears more than once" in said and "components[0]" in said
    document = example_bom()
    document["services"] = [{"bom-ref": "product:loan-assistant@1.0.0", "name": "svc"}]
    assert "metadata.component" in refused(document)


def test_hostile_json_is_refused_before_the_schema() -> None:
    deep = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": ' + "[" * 100_000
    assert f"deeper than {MAX_DEPTH}" in refused(deep)
    huge = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1' + "0" * 5000 + "}"
    assert "a number has" in refused(huge)
    assert "duplicate key" in refused('{"bomFormat": "CycloneDX", "bomFormat": "CycloneDX"}')
    assert "Expecting" in refused("{not json")


def test_files_too_big_or_not_utf8_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BomError, match="more than 1000 bytes"):
        read_bom(EXAMPLE_BOM, limit=1000)
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"name": "\xe9"}')
    with pytest.raises(BomError, match="not UTF-8"):
        read_bom(latin)
    with pytest.raises(BomError, match=r"bom\.json"):
        read_bom(tmp_path / "bom.json")


def test_too_many_components_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from tianping.bom import _read

    monkeypatch.setattr(_read, "MAX_COMPONENTS", 2)
    assert "more than 2 components" in refused(example_bom())
