"""Shared inputs for the transparency tests: the example input, read once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tianping import yamlsafe
from tianping.transparency import TransparencyInput, read_input

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "transparency" / "system.yaml"


@pytest.fixture(scope="session")
def example_data() -> dict[str, Any]:
    data: dict[str, Any] = yamlsafe.load_file(EXAMPLE, dates_as_text=True)
    return data


@pytest.fixture(scope="session")
def example(example_data: dict[str, Any]) -> TransparencyInput:
    return read_input(example_data)
