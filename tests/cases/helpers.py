"""Shared pieces of the case database tests: the fixture snapshot and a built index."""

from __future__ import annotations

from pathlib import Path

from tianping.cases import shipped_index

FIXTURES = Path(__file__).parent / "fixtures"
SNAPSHOT = FIXTURES / "incidents.csv"
"""32 rows of the AIID snapshot (CC BY-SA 4.0, see fixtures/LICENSE.md)."""
QUERIES = Path(__file__).parent / "queries.yaml"


__all__ = ["FIXTURES", "QUERIES", "SNAPSHOT", "shipped_index"]
