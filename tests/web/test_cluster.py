"""The cluster test: two web processes and two workers on separate hosts, sharing only the
environment, PostgreSQL and an S3-compatible server on loopback.

Each process has a ``TIANPING_HOME`` of its own (nothing is shared through a folder);
keys come from the environment, uploads go to the bucket. Jobs are posted through
the web processes' HTTP API alternately; a worker is killed with ``SIGKILL`` in the
middle of a job (its job process is frozen first, so the kill lands mid-job). Runs
only on PostgreSQL (``scripts/with-postgres``); leases are 3 seconds long here.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.test_cluster_start import (  # noqa: F401 (a fixture)
    CLUSTER_SECRET,
    OTHER_SECRET,
    ROOT,
    _env,
    _finish,
    empty_database,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the cluster test needs PostgreSQL (scripts/with-postgres)",
    ),
]

BUCKET = "tianping-cluster"
LEASE_S = 3
WAIT_S = 240.0
"""How long a step may take at most (a busy machine runs 20 small jobs slowly)."""
UPLOADS_KEY = base64.b64encode(b"\x5a" * 32).decode()
SEED = """
import json
from tianping.web import launcher
launcher.setup()
launcher.prepare()
from tests.web.factories import build_network
from tianping.web.accounts.services import api_token_create
n = build_network()
print(json.dumps({
    "token": api_token_create(user=n.applicant_a, name="cluster")[1],
    "system": n.system_a.pk,
}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An S3-compatible server on loopback with an empty bucket (its endpoint URL)."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    boto3.resource("s3", endpoint_url=endpoint).Bucket(BUCKET).create()
    try:
        yield endpoint
    finally:
        server.stop()


CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


class Cluster:
    """The processes of the test's platform; every one is stopped at the end."""

    def __init__(self, tmp_path: Path, database: str, endpoint: str) -> None:
        self.tmp_path = tmp_path
        self.database = database
        self.endpoint = endpoint
        self.processes: list[subprocess.Popen[str]] = []
        self.hosts = 0
        self.closing: list[Callable[[], None]] = []

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a new host: its own home, the cluster's shared settings."""
        self.hosts += 1
        return _env(
            self.tmp_path,
            self.database,
            f"host{self.hosts}",
            TIANPING_KEY_UPLOADS=UPLOADS_KEY,
            TIANPING_STORAGE="s3",
            TIANPING_S3_BUCKET=BUCKET,
            TIANPING_S3_ENDPOINT_URL=self.endpoint,
            TIANPING_JOB_LEASE_SECONDS=str(LEASE_S),
            TIANPING_LOG_LEVEL="ERROR",
            **CREDENTIALS,
            **extra,
        )

    def start(self, *args: str, **extra: str) -> subprocess.Popen[str]:
        env = self.env(**extra)
        with open(f"{env['TIANPING_HOME']}.log", "w") as log:  # the host's console, kept
            process = subprocess.Popen(
                [sys.executable, "-m", "tianping", *args],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        self.processes.append(process)
        return process

    def web(self) -> str:
        port = _free_port()
        self.start("serve", "--no-worker", "--port", str(port), "--threads", "4")
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        for close in self.closing:
            close()
        for process in self.processes:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)  # stopped ones too
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _until(what: str, check: Callable[[], Any], timeout: float = WAIT_S) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (a worker's running job)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # the task ended
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _freeze_running_job(workers: list[subprocess.Popen[str]]) -> subprocess.Popen[str]:
    """Stop (SIGSTOP) the job process of whichever worker starts a job; that worker."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        for worker in workers:
            for child in _children(worker.pid):
                try:
                    os.kill(child, signal.SIGSTOP)
                except ProcessLookupError:
                    continue
                return worker
        time.sleep(0.005)
    raise AssertionError("no worker started the job")


@pytest.fixture
def cluster(tmp_path: Path, request: pytest.FixtureRequest, s3_endpoint: str) -> Iterator[Cluster]:
    started = Cluster(tmp_path, request.getfixturevalue("empty_database"), s3_endpoint)
    try:
        yield started
    finally:
        started.stop()


def test_two_web_processes_and_two_workers_on_separate_homes(cluster: Cluster) -> None:
    import psycopg
    import requests

    from tests.web.assessments.factories import csv_bytes, decisions

    # Started together on an empty database: one migrates, the others wait for it.
    seeding = subprocess.Popen(
        [sys.executable, "-c", SEED],
        env=cluster.env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    cluster.processes.append(seeding)
    webs = [cluster.web(), cluster.web()]
    workers = [cluster.start("worker") for _ in range(2)]
    out, err = seeding.communicate(timeout=240)
    assert seeding.returncode == 0, err
    info = json.loads(out.strip().splitlines()[-1])
    system = info["system"]
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {info['token']}"

    def up(url: str) -> bool:
        try:
            return http.get(f"{url}/healthz", timeout=30).status_code == 200
        except requests.RequestException:
            return False

    for url in webs:
        _until(f"{url} answers", lambda url=url: up(url), timeout=120)
    database = psycopg.connect(cluster.database, autocommit=True)
    cluster.closing.append(database.close)

    def jobs(ids: list[str]) -> dict[str, tuple[str, int]]:
        rows = database.execute(
            "SELECT id::text, status, attempts FROM assessments_biasassessment"
            " WHERE id::text = ANY(%s)",
            (ids,),
        ).fetchall()
        return {row[0]: (row[1], row[2]) for row in rows}

    def post(web: str, content: bytes, title: str) -> str:
        response = http.post(
            f"{web}/api/systems/{system}/bias-assessments",
            data={
                "title": title,
                "protected": "sex,age",
                "label": "y",
                "prediction": "yhat",
                "bins": "age=0,40,200",
                "replicates": "50",
            },
            files={"file": ("decisions.csv", content)},
            timeout=30,
        )
        assert response.status_code == 202, response.text
        return str(response.json()["id"])

    def ended(ids: list[str]) -> dict[str, tuple[str, int]] | None:
        now = jobs(ids)
        finished = all(status in ("done", "failed", "cancelled") for status, _ in now.values())
        return now if finished and len(now) == len(ids) else None

    def done(ids: list[str]) -> dict[str, tuple[str, int]]:
        return dict(_until("the jobs end", lambda: ended(ids)))

    small = csv_bytes(decisions(200))

    # 20 jobs posted to both web processes alternately complete exactly once.
    ids = [post(webs[i % 2], small, f"job {i}") for i in range(20)]
    assert set(done(ids).values()) == {("done", 1)}

    def task_results() -> list[tuple[Any, ...]] | None:
        rows = database.execute(
            "SELECT args_kwargs, worker_ids, status FROM django_tasks_database_dbtaskresult"
        ).fetchall()
        return rows if all(status != "RUNNING" for *_, status in rows) else None

    runs = _until("the workers record the tasks' ends", task_results)
    ran = [args["args"][0] for args, _w, _s in runs]
    assert sorted(ran) == sorted(ids)  # one task each, each run once by one worker
    assert {status for _a, _w, status in runs} == {"SUCCESSFUL"}
    assert all(len(worker_ids) == 1 for _a, worker_ids, _s in runs)
    assert len({worker_ids[0] for _a, worker_ids, _s in runs}) == 2  # both workers took jobs
    on_disk = [p for p in cluster.tmp_path.glob("host*/predictions/**/*") if p.is_file()]
    assert on_disk == []  # in the bucket, never on a host's disk
    shown = http.get(f"{webs[1]}/api/bias-assessments/{ids[0]}", timeout=10).json()
    assert shown["status"] == "done" and shown["result"] is not None

    # A switch change through one web process is seen through the other.
    changed = http.post(
        f"{webs[0]}/api/systems/{system}/switch",
        json={"state": "paused", "reason": "cluster drill"},
        timeout=30,
    )
    assert changed.status_code == 200, changed.text
    seen = http.get(f"{webs[1]}/api/systems/{system}/operations", timeout=30).json()
    assert seen["switch"]["state"] == "paused" and seen["switch"]["reason"] == "cluster drill"

    # kill -9 of a worker mid-job: its job is retried within its lease, the others unaffected.
    big = csv_bytes(decisions(20_000))
    retried = post(webs[0], big, "killed mid-job")
    holder = _freeze_running_job(workers)
    survivor = workers[1 - workers.index(holder)]
    others = [post(webs[i % 2], small, f"beside {i}") for i in range(3)]
    assert jobs([retried])[retried] == ("running", 1)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    _until("the job is queued again", lambda: jobs([retried])[retried][1] == 2, LEASE_S * 10)
    outcomes = done([retried, *others])
    assert outcomes[retried] == ("done", 2)
    assert {outcomes[i] for i in others} == {("done", 1)}

    # Cancel on a dead worker's job takes effect at once.
    orphan = post(webs[1], big, "orphaned")
    _freeze_running_job([survivor])
    os.kill(survivor.pid, signal.SIGKILL)
    survivor.wait()
    _until(
        "the lease expires",
        lambda: database.execute(
            "SELECT lease_expires_at < now() FROM assessments_biasassessment WHERE id::text = %s",
            (orphan,),
        ).fetchone()[0],
        LEASE_S * 5,
    )
    cancelled = http.post(f"{webs[0]}/api/bias-assessments/{orphan}/cancel", timeout=30)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    cluster.start("worker", "--no-migrate")  # a new host: it runs new jobs, not the cancelled one
    fresh = post(webs[1], small, "after the crash")
    assert done([fresh])[fresh] == ("done", 1)
    assert jobs([orphan])[orphan] == ("cancelled", 1)

    # A process with another ledger signing key refuses to start, naming the log.
    [origin] = database.execute(
        "SELECT origin FROM operations_ledgerlog WHERE origin LIKE %s", ("%/platform%",)
    ).fetchone() or ["?"]
    stranger = subprocess.Popen(
        [sys.executable, "-m", "tianping", "serve", "--no-worker", "--port", str(_free_port())],
        env=cluster.env(TIANPING_LEDGER_SECRET=OTHER_SECRET),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    code, said = _finish(stranger)
    assert code == 2, said
    assert origin in said and "TIANPING_LEDGER_SECRET" in said
    assert "Traceback" not in said and OTHER_SECRET not in said and CLUSTER_SECRET not in said
