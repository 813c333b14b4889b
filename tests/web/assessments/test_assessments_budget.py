"""Decompression and row bombs: data larger than a job may read is refused with the limit's reason.

The bomb is a small ZSTD Parquet file of many rows of one repeated value; the
limits are lowered for the test, so the assertion is on the refusal, not on time.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.web.assessments.factories import stored_files
from tests.web.factories import Network
from tianping import datalimits
from tianping.datalimits import MIN_CELL_BYTES
from tianping.web.assessments.bias.services import bias_assessment_start
from tianping.web.assessments.jobs import MSG_OVER_BUDGET
from tianping.web.assessments.models import BiasAssessment, PrivacyScan
from tianping.web.assessments.privacy.services import privacy_scan_start

ROWS = 3_000_000


def bomb() -> bytes:
    """About 36 KB on disk, 3,000,000 rows: tens of MB once decoded."""
    table = pa.table(
        {
            "sex": pa.array(["F"] * ROWS),
            "y": pa.array([1] * ROWS, type=pa.int64()),
            "yhat": pa.array([0] * ROWS, type=pa.int64()),
        }
    )
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb_bytes() -> bytes:
    data = bomb()
    assert len(data) < 200_000
    return data


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("bomb.parquet", data, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("limit", "value", "needle"),
    [
        ("JOB_MAX_ROWS", 1_000_000, "TIANPING_JOB_MAX_ROWS"),
        ("JOB_MAX_DECODED_BYTES", 1 << 20, "TIANPING_JOB_MAX_DECODED_BYTES"),
        ("JOB_MAX_CELLS", 5_000_000, "TIANPING_JOB_MAX_CELLS"),
    ],
)
def test_a_parquet_bomb_upload_is_refused_by_the_limit_it_passes(
    network: Network,
    predictions_dir: Path,
    settings: Any,
    bomb_bytes: bytes,
    limit: str,
    value: int,
    needle: str,
) -> None:
    settings.TIANPING = {**settings.TIANPING, limit: value}
    settings.LANGUAGE_CODE = "en"
    for start in (
        lambda: privacy_scan_start(
            actor=network.applicant_a, system=network.system_a, upload=_upload(bomb_bytes)
        ),
        lambda: bias_assessment_start(
            actor=network.applicant_a,
            system=network.system_a,
            upload=_upload(bomb_bytes),
            protected=["sex"],
            label="y",
            prediction="yhat",
        ),
    ):
        with pytest.raises(ValidationError) as raised:
            start()
        assert needle in str(raised.value.message_dict["file"])
    assert not PrivacyScan.objects.exists() and not BiasAssessment.objects.exists()
    assert stored_files(predictions_dir) == []


def test_the_footer_measures_a_bomb_without_decoding_it(tmp_path: Path, bomb_bytes: bytes) -> None:
    path = tmp_path / "bomb.parquet"
    path.write_bytes(bomb_bytes)
    found = datalimits.measure(path, "parquet")
    assert (found.rows, found.columns) == (ROWS, 3)
    assert found.decoded_bytes >= ROWS * 3 * MIN_CELL_BYTES


def test_a_server_file_over_the_budget_fails_its_job_with_the_reason(
    network: Network,
    settings: Any,
    tmp_path: Path,
    bomb_bytes: bytes,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "bomb.parquet"
    path.write_bytes(bomb_bytes)
    settings.TIANPING = {**settings.TIANPING, "DATA_DIRS": [folder]}
    with django_capture_on_commit_callbacks(execute=False):
        scan = privacy_scan_start(
            actor=network.applicant_a, system=network.system_a, server_path=str(path)
        )
    # The file grows past the limit after it was attached: the job measures it again.
    settings.TIANPING = {**settings.TIANPING, "JOB_MAX_ROWS": 1000}
    scan.enqueue()
    scan.refresh_from_db()
    assert scan.status == PrivacyScan.Status.FAILED and scan.message == MSG_OVER_BUDGET
    assert "TIANPING_JOB_MAX_ROWS" in scan.error["en"] and "3,000,000" in scan.error["en"]
