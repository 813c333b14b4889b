"""Fixtures of the web tests; the factories behind them are in ``tests/web/factories.py``."""

from __future__ import annotations

import pytest

from tests.web.factories import Network, build_network
from tianping.web.catalogue.services import catalogue_sync


@pytest.fixture
def network(db: None) -> Network:
    """Enterprises A and B under two provinces, their users, systems and intakes."""
    return build_network()


@pytest.fixture
def catalogue(db: None) -> None:
    """The shipped catalogue release, loaded into the database with ``catalogue_sync``."""
    catalogue_sync()
