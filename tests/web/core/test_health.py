"""``/healthz`` and ``/readyz`` for load balancers: each check, and each way it fails."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from tests.web.assessments.test_storage_s3 import bucket, s3_server  # noqa: F401 (fixtures)
from tests.web.factories import Network
from tianping.web.core import health, periodic, signing
from tianping.web.core.jobs.sweeper import HEARTBEAT, heartbeat_register, newest_heartbeat
from tianping.web.core.models import ScheduledWork
from tianping.web.ledger.selectors import keys_mismatched
from tianping.web.ledger.services import ledger_record_action, platform_log
from tianping.web.systems.models import ReportJob

ROOT = Path(__file__).resolve().parents[3]
SECRET_A = base64.b64encode(b"\x0a" * 32).decode()
SECRET_B = base64.b64encode(b"\x0b" * 32).decode()
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("TIANPING_READY_WORKER_SECONDS", raising=False)
    health.forget_results()
    yield
    health.forget_results()


@pytest.fixture
def ledger_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The ledger secret of this process: SECRET_A, changed with :func:`_use_secret`."""
    monkeypatch.delenv("TIANPING_KEY_LEDGER", raising=False)
    _use_secret(monkeypatch, SECRET_A)
    yield monkeypatch
    signing.ledger_secret.cache_clear()


def _use_secret(monkeypatch: pytest.MonkeyPatch, secret: str) -> None:
    monkeypatch.setenv("TIANPING_LEDGER_SECRET", secret)
    signing.ledger_secret.cache_clear()
    health.forget_results()


def _ready(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_every_check_passes(client: Client, ledger_secret: Any) -> None:
    ledger_record_action(actor=None, kind="switch_changed", subject="probe", payload={})
    status, body = _ready(client)
    assert status == 200
    # Tasks run in the request in the test settings: no worker is needed.
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "keys": "ok", "worker": "skipped"},
        "failing": [],
    }


@pytest.mark.django_db
def test_readyz_names_an_unreachable_database(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> bool:
        raise OperationalError("connection to server at 10.0.0.5 failed: Connection refused")

    monkeypatch.setattr(health, "database_reachable", refused)
    status, body = _ready(client)
    assert status == 503
    assert body["failing"] == ["database"]
    assert body["checks"]["keys"] == "skipped"
    assert "10.0.0.5" not in json.dumps(body)  # the error goes to the log, not the probe


@pytest.mark.django_db
def test_readyz_names_storage_that_takes_no_file(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    settings.HOME = tmp_path / "unmounted"  # a home folder that is not there
    status, body = _ready(client)
    assert status == 503
    assert body["failing"] == ["storage"]
    assert "unmounted" not in json.dumps(body) and str(tmp_path) not in json.dumps(body)


@pytest.mark.django_db
def test_readyz_names_keys_that_do_not_match_the_database(
    client: Client, ledger_secret: pytest.MonkeyPatch
) -> None:
    ledger_record_action(actor=None, kind="switch_changed", subject="probe", payload={})
    assert _ready(client)[0] == 200
    _use_secret(ledger_secret, SECRET_B)  # a process started with another ledger secret
    status, body = _ready(client)
    assert status == 503
    assert body["failing"] == ["keys"]
    text = json.dumps(body)
    assert platform_log().origin not in text and SECRET_B not in text


@pytest.mark.django_db
def test_keys_mismatched_names_the_logs_another_secret_signed(
    network: Network, ledger_secret: pytest.MonkeyPatch
) -> None:
    assert keys_mismatched() == []  # nothing signed yet
    ledger_record_action(actor=None, kind="switch_changed", subject="probe", payload={})
    assert keys_mismatched() == []
    _use_secret(ledger_secret, SECRET_B)
    assert keys_mismatched() == [platform_log().origin]
    # After a rotation the earlier secret still verifies what it signed.
    ledger_secret.setenv("TIANPING_KEY_LEDGER", SECRET_B)
    _use_secret(ledger_secret, SECRET_A)
    assert keys_mismatched() == []


@pytest.mark.django_db
def test_readyz_needs_a_fresh_worker_heartbeat(client: Client, settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    status, body = _ready(client)
    assert status == 503 and body["failing"] == ["worker"]  # no worker ever ran

    heartbeat_register()
    periodic.schedule_sync()
    assert HEARTBEAT in periodic.run_due()  # what a worker's sweeper thread does
    beat = newest_heartbeat()
    assert beat is not None and timezone.now() - beat < timedelta(seconds=5)
    health.forget_results()
    assert _ready(client)[0] == 200

    ScheduledWork.objects.filter(name=HEARTBEAT).update(
        last_run_at=timezone.now() - timedelta(seconds=health.WORKER_SECONDS_DEFAULT + 1)
    )
    status, body = _ready(client)
    assert status == 503 and body["failing"] == ["worker"]


@pytest.mark.django_db
def test_a_worker_renewing_a_running_jobs_lease_is_alive(
    client: Client, settings: Any, network: Network
) -> None:
    settings.TASKS = DATABASE_TASKS
    ScheduledWork.objects.filter(name=HEARTBEAT).delete()
    lease = settings.TIANPING["JOB_LEASE_SECONDS"]
    ReportJob.objects.create(
        system=network.system_a,
        intake=network.intake_a,
        language="en",
        status=ReportJob.Status.RUNNING,
        lease_expires_at=timezone.now() + timedelta(seconds=lease - 2),
    )
    assert _ready(client)[0] == 200


@pytest.mark.django_db
def test_the_worker_check_can_be_left_out(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setenv("TIANPING_READY_WORKER_SECONDS", "0")
    status, body = _ready(client)
    assert status == 200 and body["checks"]["worker"] == "skipped"


def test_behind_tls_the_probes_are_not_redirected_to_https(tmp_path: Path) -> None:
    probe = (
        "import django; django.setup(); from django.test import Client; c = Client();"
        "print(c.get('/healthz').status_code, c.get('/accounts/login/').status_code)"
    )
    env = {
        **os.environ,
        "TIANPING_HTTPS": "1",
        "TIANPING_HOME": str(tmp_path),
        "TIANPING_ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "tianping.web.settings",
    }
    env.pop("TIANPING_DEBUG", None)
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", "301"]


@pytest.mark.django_db
def test_readyz_storage_writes_reads_and_deletes_a_probe_in_each_file_storage(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    uploads, files = tmp_path / "uploads", tmp_path / "files"
    backend = "tianping.web.core.storage.PrivateFileSystemStorage"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": backend, "OPTIONS": {"location": files}},
        "uploads": {"BACKEND": backend, "OPTIONS": {"location": uploads}},
    }
    status, body = _ready(client)
    assert status == 200 and body["checks"]["storage"] == "ok"
    assert [p for p in uploads.rglob("*") if p.is_file()] == []  # the probe was deleted
    assert [p for p in files.rglob("*") if p.is_file()] == []

    health.forget_results()
    uploads.rmdir()
    uploads.write_bytes(b"")  # a file where the uploads folder should be: nothing is stored
    status, body = _ready(client)
    assert status == 503 and body["failing"] == ["storage"]
    assert str(tmp_path) not in json.dumps(body)


@pytest.mark.django_db
def test_readyz_storage_probes_the_s3_bucket(
    client: Client, request: pytest.FixtureRequest
) -> None:
    s3 = request.getfixturevalue("bucket")  # an S3 server on loopback, its empty bucket
    status, body = _ready(client)
    assert status == 200 and body["checks"]["storage"] == "ok"
    assert list(s3.objects.all()) == []  # written, read back and deleted

    health.forget_results()
    s3.delete()  # the bucket is gone: nothing can be stored
    try:
        status, body = _ready(client)
        assert status == 503 and body["failing"] == ["storage"]
        assert "tianping-files" not in json.dumps(body)
    finally:
        s3.create()  # for the fixture's clean-up
