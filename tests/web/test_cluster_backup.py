"""Backups: a PostgreSQL dump restored into a fresh database, every ledger verified after it.

Runs only on PostgreSQL (``scripts/with-postgres``): the platform's database is
filled by one process, dumped with ``pg_dump``, restored with ``pg_restore`` into a
new database, and a process on another host (its own ``TIANPING_HOME``, the same
keys from the environment) exports and verifies every log from scratch against the
verifier keys noted before the dump.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.test_cluster_start import ROOT, _env, empty_database  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="a PostgreSQL dump needs PostgreSQL (scripts/with-postgres)",
    ),
]

FILL = """
import json
from tianping.web import launcher
launcher.setup()
launcher.prepare()
from tests.web.factories import build_network
from tianping.web.ledger.models import LedgerCheckpoint, LedgerLog
from tianping.web.ledger.services import ledger_checkpoint_sign, ledger_record_action
from tianping.web.ledger.signing import checkpoint_verifier
from tianping.web.operations.ingestion import DecisionRecord, decision_records_ingest
from tianping.web.operations.keys import system_api_key_create
from tianping.web.operations.switch import system_switch_change
n = build_network()
system_switch_change(actor=n.admin_a, system=n.system_a, state="paused", reason="drill")
key, _raw = system_api_key_create(actor=n.admin_a, system=n.system_a, name="backup test")
for batch in range(3):
    records = [DecisionRecord(record={"decision": i % 2, "batch": batch}) for i in range(5)]
    decision_records_ingest(api_key=key, key=f"batch-{batch}", records=records)
ledger_record_action(actor=None, kind="switch_changed", subject="backup", payload={})
logs = {}
for log in LedgerLog.objects.all():
    ledger_checkpoint_sign(log=log)
    latest = LedgerCheckpoint.objects.filter(log=log).order_by("-id").first()
    vkey = checkpoint_verifier(log.origin, latest.note).text
    logs[log.origin] = {"size": latest.size, "vkey": vkey}
print(json.dumps(logs))
"""

VERIFY = """
import json, sys, tempfile
from pathlib import Path
from tianping.web import launcher
launcher.setup()
launcher.check_keys()
from tianping.ledger import VerifierKey, verify_export
from tianping.web.ledger.models import LedgerLog
from tianping.web.ledger.services import ledger_export
pinned = json.loads(sys.stdin.read())
verified = {}
with tempfile.TemporaryDirectory() as folder:
    for log in LedgerLog.objects.order_by("origin"):
        path = Path(folder) / f"{log.pk}.jsonl"
        ledger_export(log=log, path=path)
        report = verify_export(path, key=VerifierKey.parse(pinned[log.origin]["vkey"]))
        verified[log.origin] = {"size": report.size, "vkey": pinned[log.origin]["vkey"]}
print(json.dumps(verified))
"""


def _bin(name: str) -> str:
    """A PostgreSQL client program, found as ``scripts/with-postgres`` finds them."""
    found = shutil.which(name)
    if found:
        return found
    for base in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (base / name).exists():
            return str(base / name)
    pytest.fail(f"{name} not found: install PostgreSQL's client programs")


@pytest.fixture
def restored_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a second, empty database to restore into."""
    import psycopg

    primary = request.getfixturevalue("empty_database")

    name = f"restored_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(primary, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield primary.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(primary, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _python(env: dict[str, str], code: str, stdin: str = "") -> str:
    env = {**env, "DJANGO_SETTINGS_MODULE": "tianping.web.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_every_ledger_verifies_after_a_dump_and_a_restore_into_a_fresh_database(
    tmp_path: Path, request: pytest.FixtureRequest, restored_database: str
) -> None:
    primary = request.getfixturevalue("empty_database")
    pinned = json.loads(_python(_env(tmp_path, primary, "primary"), FILL))
    assert len(pinned) >= 2 and all(log["size"] > 0 for log in pinned.values())

    dump = tmp_path / "tianping.dump"
    subprocess.run(
        [_bin("pg_dump"), "--format=custom", f"--file={dump}", primary],
        check=True,
        timeout=120,
    )
    subprocess.run(
        [_bin("pg_restore"), "--no-owner", f"--dbname={restored_database}", str(dump)],
        check=True,
        timeout=120,
    )

    restored_host = _env(tmp_path, restored_database, "restored")
    verified = json.loads(_python(restored_host, VERIFY, json.dumps(pinned)))
    assert verified == pinned  # every log, every entry, re-derived and signed by the same keys
