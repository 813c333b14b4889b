"""Processes of one platform started together: they migrate once, and share keys or refuse.

Each process has a home folder of its own (as on separate hosts) and shares only the
environment and the database: SQLite in the default run, PostgreSQL under
``scripts/with-postgres``.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_SECRET = base64.b64encode(b"\x21" * 32).decode()
OTHER_SECRET = base64.b64encode(b"\x42" * 32).decode()
SIGN = (
    "import django; django.setup();"
    "from tianping.web.ledger.services import ledger_record_action, platform_log;"
    "ledger_record_action(actor=None, kind='switch_changed', subject='start', payload={});"
    "print(platform_log().origin)"
)


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of this test's own."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'shared' / 'platform.sqlite3'}"
        return
    import psycopg

    name = f"start_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _env(tmp_path: Path, database: str, host: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIANPING_", "DJANGO_"))}
    (tmp_path / "shared").mkdir(exist_ok=True)
    env.update(
        DATABASE_URL=database,
        TIANPING_HOME=str(tmp_path / host),  # nothing shared through the home folder
        TIANPING_SECRET_KEY="cluster-secret-key-" + "x" * 40,
        TIANPING_LEDGER_SECRET=CLUSTER_SECRET,
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def _tianping(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tianping", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        out, _ = process.communicate(timeout=240)
    finally:
        if process.poll() is None:  # it should have ended: a worker that started
            process.kill()
            process.wait()
    return process.returncode, " ".join(out.split())


def test_processes_started_together_migrate_once_and_refuse_other_keys(
    tmp_path: Path, empty_database: str
) -> None:
    commands = [("setup",), ("setup",), ("migrate",), ("setup",)]
    started = [
        _tianping(_env(tmp_path, empty_database, f"host{i}"), *command)
        for i, command in enumerate(commands)
    ]
    outcomes = [_finish(process) for process in started]
    for code, said in outcomes:
        assert code == 0, said
        assert "already exists" not in said and "Traceback" not in said
    applied = [said for _code, said in outcomes if "Applied" in said]
    assert len(applied) == 1, outcomes  # one process migrated, the others found it done
    assert sum("The database is up to date." in said for _c, said in outcomes) == 3

    # A checkpoint signed with the cluster's ledger secret ...
    signed = subprocess.run(
        [sys.executable, "-c", SIGN],
        env=_env(tmp_path, empty_database, "host0", DJANGO_SETTINGS_MODULE="tianping.web.settings"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert signed.returncode == 0, signed.stderr
    origin = signed.stdout.split()[-1]

    # ... a worker started with another refuses to start, saying which log and what to set.
    stranger = _env(tmp_path, empty_database, "host4", TIANPING_LEDGER_SECRET=OTHER_SECRET)
    code, said = _finish(_tianping(stranger, "worker"))
    assert code == 2, said
    assert origin in said and "TIANPING_LEDGER_SECRET" in said
    assert "Traceback" not in said and OTHER_SECRET not in said


def test_the_secret_key_can_come_from_a_mounted_file(tmp_path: Path) -> None:
    mounted = tmp_path / "run-secrets" / "tianping_secret_key"
    mounted.parent.mkdir()
    mounted.write_text("key-from-the-mounted-secret-" + "y" * 30 + "\n")
    database = f"sqlite:///{tmp_path / 'shared' / 'platform.sqlite3'}"
    env = _env(tmp_path, database, "host0", DJANGO_SETTINGS_MODULE="tianping.web.settings")
    del env["TIANPING_SECRET_KEY"]
    env["TIANPING_SECRET_KEY_FILE"] = str(mounted)
    read = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "key-from-the-mounted-secret-" + "y" * 30
    assert not (tmp_path / "host0" / "secret_key").exists()  # none generated

    env["TIANPING_SECRET_KEY_FILE"] = str(tmp_path / "not-mounted")
    code, said = _finish(_tianping(env, "migrate"))
    assert code == 2, said
    assert "TIANPING_SECRET_KEY_FILE" in said and "No such file" in said
    assert "Traceback" not in said
