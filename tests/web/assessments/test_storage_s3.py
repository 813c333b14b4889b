"""Uploads in S3-compatible object storage: a real S3 server (moto) on loopback.

The storages are the ones the platform's settings build from ``TIANPING_STORAGE=s3``
(read in a child process), pointed at a bucket of the server.
"""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer

from tests.web.assessments.factories import csv_bytes, stored_files, upload
from tests.web.factories import Network, logged_in_client
from tianping.web.assessments import inputs
from tianping.web.assessments.models import BiasAssessment, PredictionsFile

BUCKET = "tianping-files"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    """An S3-compatible server on 127.0.0.1 (its endpoint URL)."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _platform_storages(endpoint: str, home: Path) -> dict[str, Any]:
    """``STORAGES`` as the platform's settings make it for ``TIANPING_STORAGE=s3``."""
    environment = {
        **os.environ,
        "TIANPING_HOME": str(home),
        "TIANPING_STORAGE": "s3",
        "TIANPING_S3_BUCKET": BUCKET,
        "TIANPING_S3_ENDPOINT_URL": endpoint,
    }
    code = "from tianping.web import settings; print(repr(settings.STORAGES))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    storages: dict[str, Any] = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    return storages


@pytest.fixture
def bucket(
    s3_server: str, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Any]:
    """An empty bucket of the server, the platform's files stored in it."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.resource("s3", endpoint_url=s3_server)
    created = client.Bucket(BUCKET)
    created.create()
    storages = _platform_storages(s3_server, tmp_path / "home")
    assert storages["uploads"]["BACKEND"] == "storages.backends.s3.S3Storage"
    settings.STORAGES = {**settings.STORAGES, **storages}
    try:
        yield created
    finally:
        created.objects.all().delete()
        created.delete()


def _objects(bucket: Any) -> dict[str, bytes]:
    return {o.key: o.get()["Body"].read() for o in bucket.objects.all()}


def _form(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Credit model",
        "file": upload(),
        "protected": "sex,age",
        "label": "y",
        "prediction": "yhat",
        "threshold": "0.5",
        "bins": "age=0,40,200",
        "policy": "four-fifths",
        "replicates": "200",
        "min_group_size": "30",
        **changes,
    }


def test_an_upload_is_stored_encrypted_in_the_bucket_read_from_it_and_deleted(
    network: Network,
    bucket: Any,
    predictions_dir: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    applicant = logged_in_client(network.applicant_a)
    url = reverse("assessments:new", kwargs={"pk": network.system_a.pk})
    with django_capture_on_commit_callbacks() as queued:
        response = applicant.post(url, _form())
    assert response.status_code == 302
    data = PredictionsFile.objects.get()
    # In the bucket, encrypted; nothing on this host's disk.
    stored = _objects(bucket)
    assert list(stored) == [f"predictions/{data.location}"]
    [content] = stored.values()
    assert content.startswith(b"TPENC1") and b"yhat" not in content
    assert stored_files(predictions_dir) == []

    for callback in queued:  # the job runs (the worker reads the bucket)
        callback()
    assessment = BiasAssessment.objects.get()
    assert assessment.status == BiasAssessment.Status.DONE, (assessment.message, assessment.error)
    assert _objects(bucket) == {}  # deleted when the job ended
    data.refresh_from_db()
    assert data.discarded_at is not None
    assert stored_files(predictions_dir) == []


def test_a_kept_upload_stays_in_the_bucket_until_its_retention_ends(
    network: Network,
    bucket: Any,
    start: Callable[..., BiasAssessment],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assessment = start(keep=True)
    assessment.refresh_from_db()
    assert assessment.status == BiasAssessment.Status.DONE, (assessment.message, assessment.error)
    assert len(_objects(bucket)) == 1
    later = timezone.now() + timedelta(days=inputs.retention_days() + 1)
    assert inputs.purge_expired(now=later) == 1
    assert _objects(bucket) == {}


def test_a_missing_object_fails_the_job_without_naming_a_server_path(
    network: Network,
    bucket: Any,
    start: Callable[..., BiasAssessment],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        assessment = start()
    bucket.objects.all().delete()
    for callback in queued:
        callback()
    assessment.refresh_from_db()
    assert assessment.status == BiasAssessment.Status.FAILED
    shown = f"{assessment.message} {assessment.error}"
    assert "predictions" not in shown and "/" not in shown.replace("N/A", "")


def test_a_job_reads_the_upload_back_from_the_bucket_byte_for_byte(
    network: Network, bucket: Any, start: Callable[..., BiasAssessment]
) -> None:
    data = start().data  # queued, not run: its upload waits in the bucket
    with inputs.readable(data) as path:
        assert path.read_bytes() == csv_bytes()
        assert path.stat().st_mode & 0o077 == 0
    assert not path.exists()  # the private copy is gone after the block
    assert len(_objects(bucket)) == 1
