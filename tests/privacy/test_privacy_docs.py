"""docs/privacy.md stays true: entities, commands, JSON keys, skip reasons."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from tianping.cli._privacy import app
from tianping.privacy import ENTITIES, SKIP_REASONS, anonymity, load_detectors

DOC = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text("utf-8")


def _json_blocks() -> list[str]:
    return re.findall(r"```json\n(.*?)```", DOC, re.S)


def test_every_entity_is_documented_with_its_class_and_priority() -> None:
    detectors = load_detectors()
    for name in ENTITIES:
        entity = detectors.entity(name)
        row = next(line for line in DOC.splitlines() if line.startswith(f"| `{name}` |"))
        assert f"| {entity.pipl_class} |" in row and row.rstrip().endswith(f"| {entity.priority} |")


def test_every_command_and_skip_reason_is_documented() -> None:
    for command in app.registered_commands:
        assert f"tianping privacy {command.name}" in DOC
    for code in SKIP_REASONS:
        assert f"| `{code}` |" in DOC


def test_the_documented_scan_report_has_the_real_keys(tmp_path) -> None:
    from tianping.privacy import scan

    (tmp_path / "a.txt").write_text("手机13912345678", encoding="utf-8")
    real = scan([tmp_path]).to_json()
    documented = json.loads(_json_blocks()[0].replace("…64 hex digits…", ""))
    assert set(documented) == set(real)
    assert set(documented["summary"]) == set(real["summary"])
    assert set(documented["sources"][0]) == set(real["sources"][0])
    assert set(documented["findings"][0]) == set(real["findings"][0])


def test_the_documented_anonymity_report_is_the_real_one() -> None:
    table = pd.DataFrame(
        {
            "zip": ["100", "100", "100", "200", "200", "300", "300", "300", "300"],
            "age": [30, 30, 30, 40, 40, 50, 50, 50, 50],
            "disease": ["flu", "cold", "flu", "hiv", "hiv", "flu", "cold", "hiv", "flu"],
        }
    )
    real = anonymity(table, quasi=["zip", "age"], sensitive="disease", k=3, l=2, t=0.5).to_json()
    documented = json.loads(_json_blocks()[2])
    documented["risk"]["journalist"] = real["risk"]["journalist"]
    assert documented == real
