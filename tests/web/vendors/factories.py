"""An AI-BOM for the vendor tests: the example BOM, its model with a stated certificate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "bom" / "ai-bom.json"


def example_bom(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(EXAMPLE.read_text("utf-8"))
    document["components"][0]["properties"] = [
        {"name": "tianping:certificate", "value": "urn:uuid:cert-1"}
    ]
    document.update(changes)
    return document


def bom_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()
