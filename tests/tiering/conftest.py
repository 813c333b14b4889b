"""Shared fixtures for the tiering tests: the built-in questionnaire and a baseline intake."""

from __future__ import annotations

import pytest

from tianping.tiering import Questionnaire, load_questionnaire


def baseline_answers() -> dict[str, object]:
    """A complete, valid, lowest-risk intake: nothing personal, decided or exported."""
    return {
        "personal_info": False,
        "affects_rights": False,
        "automated_decisions": ["none"],
        "public_facing": False,
        "generative": False,
        "third_party_components": False,
        "exported": False,
        "listed_activities": ["none"],
        "scale": "lt_10k",
        "mitigations": ["none"],
    }


@pytest.fixture
def answers() -> dict[str, object]:
    return baseline_answers()


@pytest.fixture
def questionnaire() -> Questionnaire:
    return load_questionnaire()
