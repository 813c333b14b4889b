"""kill -9 of the platform during ingestion: nothing acknowledged is lost, nothing is doubled.

The platform runs in a process of its own (waitress) on a database of its own:
an SQLite file, or a fresh database on the PostgreSQL cluster when the suite
runs on PostgreSQL. An SDK client streams records into it; the server is killed
with SIGKILL mid-stream and started again; the client goes on. Afterwards an
export of the log, signed by the platform, verifies offline, and holds every
record once, in order, each acknowledged one at the index it was acknowledged with.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tianping.ledger import canonical_json, verify_export
from tianping.sdk import Ack, Client

ROOT = Path(__file__).resolve().parents[3]
RECORDS = 1500


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def platform_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of the platform's processes: its own home and database."""
    env = {
        **os.environ,
        "TIANPING_HOME": str(tmp_path / "home"),
        "DJANGO_SETTINGS_MODULE": "tianping.web.settings",
        "TIANPING_TASKS_BACKEND": "immediate",
        "PYTHONPATH": str(ROOT),
    }
    base = os.environ.get("DATABASE_URL", "")
    name = None
    if base.startswith("postgres"):
        import psycopg

        name = f"crash_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'platform.sqlite3'}"
    yield env
    if name is not None:
        import psycopg

        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.web.operations.platform_process", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.web.operations.platform_process", "serve", str(port)],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.05)
    server.kill()
    server.wait()
    raise AssertionError("the platform did not start")


def test_the_platform_killed_during_ingestion_keeps_every_acknowledged_record(
    platform_env: dict[str, str], tmp_path: Path
) -> None:
    setup = json.loads(_run(platform_env, "setup"))
    port = _free_port()
    server = _serve(platform_env, port)
    acks: list[Ack] = []
    first_ack = threading.Event()

    def on_ack(ack: Ack) -> None:
        acks.append(ack)
        first_ack.set()

    client = Client(
        f"http://127.0.0.1:{port}",
        system_id=setup["system"],
        api_key=setup["key"],
        spool_dir=tmp_path / "spool",
        batch_size=40,
        linger_s=0.01,
        max_backoff_s=0.1,
        on_ack=on_ack,
    )
    try:
        feeder_done = threading.Event()

        def feed() -> None:
            for first in range(0, RECORDS, 20):
                client.record_many([{"n": n} for n in range(first, first + 20)])
                time.sleep(0.003)
            feeder_done.set()

        feeder = threading.Thread(target=feed)
        feeder.start()
        assert first_ack.wait(20), client.last_problem
        server.send_signal(signal.SIGKILL)  # mid-stream: batches in flight, maybe committed
        server.wait(timeout=10)
        acknowledged_before_kill = len(acks)
        time.sleep(0.3)
        server = _serve(platform_env, port)
        feeder.join(timeout=60)
        assert feeder_done.is_set()
        assert client.flush(timeout_s=60), client.last_problem
        assert acknowledged_before_kill < len(acks)
    finally:
        client.close(timeout_s=5)
        server.terminate()
        server.wait(timeout=10)

    export = tmp_path / "export.jsonl"
    vkey = _run(platform_env, "export", str(setup["system"]), str(export))
    report = verify_export(export, key=vkey)  # every entry proven by a signed checkpoint
    assert report.size == RECORDS and report.key_pinned
    entries = [json.loads(line) for line in export.read_text("utf-8").splitlines()[1:]]
    leaves = [e["leaf"].encode() for e in entries if "leaf" in e]
    assert leaves == [canonical_json({"n": n}) for n in range(RECORDS)]  # once each, in order
    for ack in acks:
        for seq in (ack.first, ack.last):
            assert leaves[ack.index_of(seq)] == canonical_json({"n": seq})
