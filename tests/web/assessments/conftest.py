"""Fixtures of the bias assessment tests; the data behind them is in ``factories.py``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.web.assessments.factories import SETTINGS, upload
from tests.web.factories import Network
from tianping.web.assessments.bias.services import bias_assessment_start
from tianping.web.assessments.models import BiasAssessment


@pytest.fixture(autouse=True)
def predictions_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test keeps its uploads in a folder of its own, and reads no server folder."""
    folder = tmp_path / "predictions"
    settings.TIANPING = {**settings.TIANPING, "PREDICTIONS_DIR": folder, "DATA_DIRS": []}
    return folder


@pytest.fixture
def start(network: Network) -> Callable[..., BiasAssessment]:
    """``start(**changes)``: applicant_a starts an assessment of system A (a CSV upload)."""

    def _start(**changes: Any) -> BiasAssessment:
        arguments: dict[str, Any] = {
            "actor": network.applicant_a,
            "system": network.system_a,
            "upload": upload(),
            **SETTINGS,
        }
        arguments.update(changes)
        return bias_assessment_start(**arguments)

    return _start


@pytest.fixture
def finished(
    start: Callable[..., BiasAssessment], django_capture_on_commit_callbacks: Callable[..., Any]
) -> BiasAssessment:
    """A finished assessment of system A, run by the (immediate) task backend."""
    with django_capture_on_commit_callbacks(execute=True):
        assessment = start()
    assessment.refresh_from_db()
    assert assessment.status == BiasAssessment.Status.DONE, (assessment.message, assessment.error)
    return assessment
