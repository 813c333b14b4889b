"""Shared fixtures of the index tests: the shipped specification and the example evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tianping.index import Specification, SystemEvidence, load_spec, read_evidence_file

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "index" / "evidence.yaml"


@pytest.fixture(scope="session")
def spec() -> Specification:
    return load_spec("2026.1")


@pytest.fixture(scope="session")
def population(spec: Specification) -> tuple[SystemEvidence, ...]:
    return read_evidence_file(EXAMPLE, spec)
