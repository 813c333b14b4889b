"""Shared fixtures for the privacy tests: scanners on both engines, a fixed salt."""

from __future__ import annotations

from datetime import date

import pytest

from tianping.privacy import Scanner, hyperscan_available

SALT = b"tianping test salt, not a secret"
AS_OF = date(2026, 6, 1)

ENGINES = ["re", pytest.param("hyperscan", marks=pytest.mark.skipif(
    not hyperscan_available(), reason="hyperscan is not installed"))]  # fmt: skip


@pytest.fixture(scope="session")
def scanner() -> Scanner:
    """The default scanner (Hyperscan when installed), with a fixed salt and reference date."""
    return Scanner(salt=SALT, as_of=AS_OF)


@pytest.fixture(scope="session", params=ENGINES)
def any_scanner(request: pytest.FixtureRequest) -> Scanner:
    """A scanner on each engine in turn."""
    return Scanner(salt=SALT, as_of=AS_OF, engine=request.param)
