"""Decision ingestion on the platform: durable database appends/s and HTTP records/s.

Three figures, each on SQLite (a file, WAL, ``synchronous=FULL``) and, with
``--postgres``, on a throwaway PostgreSQL cluster started here with its
durable defaults (``fsync=on``, ``synchronous_commit=on``; not the test
suite's cluster, which turns both off):

1. **database appends** -- ``Ledger.append_many`` on the platform's
   :class:`DatabaseStore`, one transaction (one durable commit) per batch,
   entries built beforehand (target ≥ 20,000/s);
2. **ingest service** -- ``decision_records_ingest``: the same plus turning
   records into canonical JSON, salting one personal field, the idempotency
   key and the salt rows, still one commit per batch;
3. **HTTP ingestion** -- batches of records POSTed with a system API key to
   the platform served by waitress (a separate process, 8 threads) by
   ``--clients`` concurrent senders; a batch counts once the platform
   acknowledged it, i.e. after its durable commit (target ≥ 5,000 records/s);
   and the SDK (``tianping.sdk.Client``: spool with fsync, background batching)
   sending the same records end to end.

Run: ``.venv/bin/python benchmarks/ledger_ingest.py [--records 100000] [--postgres]``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

DB_TARGET = 20_000
HTTP_TARGET = 5_000
PG_OPTIONS = "-c listen_addresses=127.0.0.1 -c max_connections=50"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for base in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (base / name).exists():
            return str(base / name)
    sys.exit(f"{name} not found: install PostgreSQL")


@contextmanager
def durable_postgres() -> Iterator[str]:
    """A PostgreSQL cluster with durable commits, for the length of the block; its URL."""
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    tmp = Path(tempfile.mkdtemp(prefix="tianping-bench-pg-"))
    if as_root:
        shutil.chown(tmp, user="postgres")
    data, port = tmp / "data", _free_port()
    try:
        subprocess.run(
            [*prefix, _pg_bin("initdb"), "-D", str(data), "-U", "tianping", "--auth=trust"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [
                *prefix,
                _pg_bin("pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(tmp / "log"),
                "-w",
                "-o",
                f"-p {port} -k {tmp} {PG_OPTIONS}",
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [
                *prefix,
                _pg_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "tianping",
                "tp",
            ],
            check=True,
        )
        yield f"postgres://tianping@127.0.0.1:{port}/tp"
    finally:
        subprocess.run(
            [*prefix, _pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def record(n: int) -> dict[str, Any]:
    return {
        "system": "credit-scoring-42",
        "case": n,
        "decision": "approve" if n % 3 else "refer",
        "score": round(n % 1000 / 1000, 3),
        "model": "v2.3.1",
        "applicant": f"applicant-{n}",
    }


def setup_platform() -> tuple[Any, str]:
    """Migrate, then register an organisation, a user, a system and a system API key."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from tianping.web.accounts.models import OrganisationKind, Role
    from tianping.web.accounts.services import membership_grant, organisation_create
    from tianping.web.operations.services import system_api_key_create
    from tianping.web.systems.services import system_register

    org = organisation_create(name="Bench enterprise", kind=OrganisationKind.ENTERPRISE)
    user = get_user_model().objects.create_user(username="bench", password=secrets.token_hex())
    membership_grant(user=user, organisation=org, role=Role.ADMIN)
    system = system_register(
        actor=user,
        organisation=org,
        name="Bench credit scorer",
        purpose="Benchmark",
        owner="QA",
        sector="finance",
        lifecycle_stage="operate",
    )
    _key, raw = system_api_key_create(actor=user, system=system, name="bench")
    return system, raw


def bench_database(system: Any, raw_key: str, count: int, batch: int) -> tuple[float, float]:
    from django.db import transaction

    from tianping.ledger import Ledger, make_leaf
    from tianping.web.ledger.models import LedgerLog
    from tianping.web.ledger.services import decision_log_of
    from tianping.web.ledger.store import DatabaseStore
    from tianping.web.operations.ingestion import DecisionRecord, decision_records_ingest
    from tianping.web.operations.models import SystemApiKey

    salt = secrets.token_bytes(16)
    leaves = [make_leaf(record(n), personal_fields=["applicant"], salt=salt) for n in range(count)]
    log = decision_log_of(system)
    start = time.perf_counter()
    for first in range(0, count, batch):
        with transaction.atomic():
            store = DatabaseStore(log)
            store.lock()
            Ledger(store).append_many(leaves[first : first + batch])
    appends = count / (time.perf_counter() - start)
    assert LedgerLog.objects.get(pk=log.pk).size == count

    key = SystemApiKey.objects.select_related("system").get(system=system)
    items = [DecisionRecord(record=record(n), personal_fields=("applicant",)) for n in range(count)]
    start = time.perf_counter()
    for first in range(0, count, batch):
        decision_records_ingest(
            api_key=key, key=f"svc-{first}", records=items[first : first + batch]
        )
    service = count / (time.perf_counter() - start)
    return appends, service


@contextmanager
def served(env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    code = (
        "import django; django.setup();"
        "from waitress import serve; from tianping.web.wsgi import application;"
        f"serve(application, host='127.0.0.1', port={port}, threads=8, _quiet=True)"
    )
    server = subprocess.Popen([sys.executable, "-c", code], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/api/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_http(
    url: str, system_id: int, raw_key: str, count: int, batch: int, clients: int
) -> float:
    bodies = []
    for first in range(0, count, batch):
        items = [
            {"record": record(n), "personal_fields": ["applicant"]}
            for n in range(first, min(count, first + batch))
        ]
        bodies.append((f"http-{first}", json.dumps({"records": items}).encode()))
    path = f"/api/ingest/systems/{system_id}/decisions"
    acknowledged = [0] * clients
    errors: list[str] = []

    def send(worker: int) -> None:
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {raw_key}"}, timeout=60
        ) as http:
            for key, body in bodies[worker::clients]:
                while True:
                    response = http.post(
                        path,
                        content=body,
                        headers={"Idempotency-Key": key, "Content-Type": "application/json"},
                    )
                    if response.status_code == 429:
                        time.sleep(float(response.headers.get("Retry-After", "1")))
                        continue
                    if response.status_code != 201:
                        errors.append(f"{response.status_code} {response.text[:200]}")
                        return
                    acknowledged[worker] += response.json()["count"]
                    break

    threads = [threading.Thread(target=send, args=(w,)) for w in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"HTTP ingestion failed: {errors[0]}")
    assert sum(acknowledged) == count
    return count / elapsed


def bench_sdk(url: str, system_id: int, raw_key: str, count: int, workdir: Path) -> float:
    from tianping.sdk import Client

    with Client(
        url,
        system_id=system_id,
        api_key=raw_key,
        spool_dir=workdir / "spool",
        batch_size=1000,
        linger_s=0.05,
    ) as client:
        start = time.perf_counter()
        for first in range(0, count, 100):
            client.record_many(
                [record(n) for n in range(first, min(count, first + 100))],
                personal_fields=["applicant"],
            )
        assert client.flush(timeout_s=600)
        return count / (time.perf_counter() - start)


def run_one(kind: str, database_url: str, args: argparse.Namespace) -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix=f"tianping-bench-{kind}-"))
    env = dict(
        os.environ,
        TIANPING_HOME=str(home),
        DATABASE_URL=database_url or f"sqlite:///{home / 'tianping.sqlite3'}",
        DJANGO_SETTINGS_MODULE="tianping.web.settings",
        TIANPING_TASKS_BACKEND="immediate",
    )
    # The measurements run in a child process so each database gets fresh Django settings.
    script = (
        "import json, sys, benchmarks.ledger_ingest as b;"
        "print(json.dumps(b.child(json.loads(sys.argv[1]))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, json.dumps(vars(args) | {"home": str(home)})],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    shutil.rmtree(home, ignore_errors=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def child(options: dict[str, Any]) -> dict[str, float]:
    system, raw_key = setup_platform()
    count, batch = int(options["records"]), int(options["batch"])
    appends, service = bench_database(system, raw_key, count, batch)
    from django.db import connections

    connections.close_all()
    with served(dict(os.environ)) as url:
        http = bench_http(url, system.pk, raw_key, count, batch, int(options["clients"]))
        sdk = bench_sdk(url, system.pk, raw_key, count, Path(options["home"]))
    return {"appends": appends, "service": service, "http": http, "sdk": sdk}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=2, help="concurrent HTTP senders")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    args = parser.parse_args()
    results = {"SQLite (WAL, synchronous=FULL)": run_one("sqlite", "", args)}
    if args.postgres:
        with durable_postgres() as url:
            results["PostgreSQL (fsync=on)"] = run_one("postgres", url, args)
    print(f"{args.records:,} records, batches of {args.batch:,}, {args.clients} HTTP senders\n")
    header = (
        f"{'database':32} {'DB appends/s':>14} {'ingest svc/s':>14} "
        f"{'HTTP rec/s':>12} {'SDK rec/s':>12}"
    )
    print(header)
    print("-" * len(header))
    for name, figures in results.items():
        print(
            f"{name:32} {figures['appends']:>14,.0f} {figures['service']:>14,.0f} "
            f"{figures['http']:>12,.0f} {figures['sdk']:>12,.0f}"
        )
    print()
    for name, figures in results.items():
        db = "met" if figures["appends"] >= DB_TARGET else "NOT met"
        http = "met" if figures["http"] >= HTTP_TARGET else "NOT met"
        print(
            f"{name}: durable appends ≥ {DB_TARGET:,}/s {db} "
            f"({figures['appends'] / DB_TARGET:.2f}× target); "
            f"HTTP ingestion ≥ {HTTP_TARGET:,} records/s {http} "
            f"({figures['http'] / HTTP_TARGET:.2f}× target)"
        )


if __name__ == "__main__":
    main()
