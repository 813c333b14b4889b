"""Fixtures of the web tests; the factories behind them are in ``tests/web/factories.py``."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from tests.web.factories import Network, build_network
from tianping.web.accounts.throttling import CACHE as THROTTLE_CACHE
from tianping.web.catalogue.services import catalogue_sync


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    """Each test starts with no password-reset or bearer-token failures counted (the
    counters live in a process-wide cache; sign-in failures live in the test's database)."""
    caches[THROTTLE_CACHE].clear()


@pytest.fixture
def network(db: None) -> Network:
    """Enterprises A and B under two provinces, their users, systems and intakes."""
    return build_network()


@pytest.fixture
def catalogue(db: None) -> None:
    """The shipped catalogue release, loaded into the database with ``catalogue_sync``."""
    catalogue_sync()
