"""Fixtures of the review tests."""

from __future__ import annotations

import pytest

from tests.web.factories import Network
from tests.web.reviews.factories import ReviewNetwork, build_review_network


@pytest.fixture
def reviews(network: Network) -> ReviewNetwork:
    """The ``network`` plus a committee for A, a review centre entrusted by B, and experts."""
    return build_review_network(network)
