"""docs/fairness.md stays true: the JSON schema validates real audits, every option is described."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tianping.cli import _fairness
from tianping.fairness import DISPARITIES, RATE_NAMES, audit

from .conftest import decisions

DOC = Path(__file__).resolve().parents[2] / "docs" / "fairness.md"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- audit-json-schema -->\s*```json\n(.*?)```\s*<!-- /audit-json-schema -->", text, re.S
    )
    assert block, "docs/fairness.md lost its schema block"
    loaded: dict[str, Any] = json.loads(block.group(1))
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
def test_audits_match_the_documented_schema(schema: dict[str, Any], language: str) -> None:
    df = decisions(2000, seed=71, missing=True)
    result = audit(
        df,
        protected=["sex", "age"],
        bins={"age": [0, 30, 50, 200]},
        label="y",
        score="score",
        weights="w",
        population={"sex": {"F": 0.5, "M": 0.5}},
        policy="export-review",
        replicates=50,
    )
    document = json.loads(json.dumps(result.to_json(language=language), allow_nan=False))
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)


def test_every_metric_and_disparity_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in (*RATE_NAMES, *DISPARITIES):
        assert f"`{name}`" in text, name


def test_every_command_line_option_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    command = _fairness.app.registered_commands[0].callback
    assert command is not None
    options = re.findall(r'"(--[a-z-]+)"', Path(_fairness.__file__).read_text(encoding="utf-8"))
    assert len(options) >= 15
    for option in options:
        assert option in text, option
