"""The CycloneDX specification's own test BOMs: the valid ones pass the schema, the invalid fail."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tianping.bom import BomError, parse_bom

EXAMPLES = Path(__file__).parent / "spec_examples"
VALID = sorted(EXAMPLES.glob("valid-*.json"))
INVALID = sorted(EXAMPLES.glob("invalid-*.json"))


def hashed(items: list[dict[str, Any]]) -> int:
    """Give every model and data component (nested too) a SHA-256; how many were given one."""
    count = 0
    for number, item in enumerate(items):
        if item["type"] in ("machine-learning-model", "data"):
            item["hashes"] = [{"alg": "SHA-256", "content": f"{number:064x}"}]
            count += 1
        count += hashed(item.get("components", []))
    return count


def test_the_copied_files_are_there() -> None:
    assert len(VALID) == 5 and len(INVALID) == 3


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_examples_pass_the_schema_and_need_only_their_hashes(path: Path) -> None:
    text = path.read_text("utf-8")
    document = json.loads(text)
    # The examples carry no artefact hashes: the schema accepts them, the AI-BOM rule does not.
    with pytest.raises(BomError, match="has no SHA-256 hash"):
        parse_bom(text, source=path.name)
    assert hashed(document["components"]) >= 1
    bom = parse_bom(json.dumps(document), source=path.name)
    assert bom.spec_version == document["specVersion"]
    cards = [c.get("modelCard") for c in document["components"] if "modelCard" in c]
    assert [c.get("modelCard") for c in bom.document["components"] if "modelCard" in c] == cards


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("invalid-component-type-1.6.json", "at components[0].type"),
        ("invalid-hash-alg-1.6.json", "at components[0].hashes[0].alg"),
        ("invalid-hash-sha256-1.6.json", "at components[0].hashes[2].content"),
    ],
)
def test_invalid_examples_are_refused_saying_where(name: str, where: str) -> None:
    with pytest.raises(BomError, match=re.escape(where)):
        parse_bom((EXAMPLES / name).read_text("utf-8"), source=name)
