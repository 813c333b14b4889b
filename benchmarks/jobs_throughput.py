"""The platform scaled out on PostgreSQL: jobs per second with 1, 2 and 4 workers, and HTTP
ingestion through two web processes against one.

Starts a throwaway PostgreSQL cluster (``initdb`` in a temporary folder, as
``benchmarks/ledger_ingest.py`` and ``scripts/with-postgres`` do), migrates it, then:

1. **jobs** -- ``--jobs`` small bias assessments (200 rows, 50 bootstrap
   replicates) are queued, then 1, 2 and 4 ``tianping worker`` processes are
   started; throughput is the jobs over the time from the first job's start to
   the last one's end (as the database records them), so the workers' start-up
   is not counted. Printed: jobs/s and the ratio against one worker, and the
   peak memory of a worker (``VmHWM``);
2. **HTTP ingestion** -- ``--records`` decision records in batches POSTed by
   ``--clients`` senders to one ``tianping serve --no-worker`` process, then
   spread over two; printed: records/s of each and the ratio.

The ratios say how far one host's cores let the platform grow; on a machine
with fewer cores than processes they stay near 1.

Run: ``.venv/bin/python benchmarks/jobs_throughput.py [--jobs 24] [--records 10000]``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import signal
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ledger_ingest import _free_port, durable_postgres, record  # noqa: E402

WORKERS = (1, 2, 4)

SETUP = """
import json
from tianping.web import launcher
launcher.setup()
launcher.prepare()
from benchmarks.ledger_ingest import setup_platform
system, raw_key = setup_platform()
print(json.dumps({"system": system.pk, "key": raw_key}))
"""

QUEUE = """
import json, sys
from tianping.web import launcher
launcher.setup()
import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from tianping.web.assessments.bias.services import bias_assessment_start
from tianping.web.systems.models import AISystem
system = AISystem.objects.get(pk=int(sys.argv[1]))
from django.contrib.auth import get_user_model
actor = get_user_model().objects.get(username="bench")
rng = np.random.default_rng(1)
lines = ["sex,age,y,yhat"] + [
    f"{rng.choice(['F', 'M'])},{rng.integers(18, 80)},{rng.integers(0, 2)},{rng.integers(0, 2)}"
    for _ in range(200)
]
content = ("\\n".join(lines) + "\\n").encode()
ids = [
    str(bias_assessment_start(
        actor=actor, system=system, upload=SimpleUploadedFile("d.csv", content),
        protected=["sex", "age"], label="y", prediction="yhat", bins={"age": [0, 40, 200]},
        replicates=50,
    ).pk)
    for _ in range(int(sys.argv[2]))
]
print(json.dumps(ids))
"""


def _python(env: dict[str, str], code: str, *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _peak_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def bench_jobs(env: dict[str, str], database: str, system: int, jobs: int, workers: int) -> Any:
    import psycopg

    ids = _python(env, QUEUE, str(system), str(jobs))
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "tianping", "worker", "--no-migrate"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    peak = 0
    try:
        with psycopg.connect(database, autocommit=True) as connection:
            deadline = time.monotonic() + 600
            while True:
                peak = max([peak, *(_peak_kib(p.pid) for p in started)])
                row = connection.execute(
                    "SELECT count(*) FILTER (WHERE status IN ('done', 'failed', 'cancelled')),"
                    " count(*) FILTER (WHERE status = 'done'),"
                    " extract(epoch FROM max(finished_at) - min(started_at))"
                    " FROM assessments_biasassessment WHERE id::text = ANY(%s)",
                    (ids,),
                ).fetchone()
                assert row is not None
                if row[0] == jobs:
                    break
                if time.monotonic() > deadline:
                    raise SystemExit(f"{jobs - row[0]} jobs did not end within 10 minutes")
                time.sleep(0.1)
    finally:
        _stop(started)
    if row[1] != jobs:
        raise SystemExit(f"{jobs - row[1]} jobs did not succeed")
    return jobs / float(row[2]), peak


@contextmanager
def served(env: dict[str, str], count: int) -> Iterator[list[str]]:
    """``count`` web processes (``tianping serve --no-worker``); their URLs."""
    ports = [_free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tianping", "serve", "--no-worker", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(url + "/healthz", timeout=30).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"{url} did not start")
                time.sleep(0.2)
        yield urls
    finally:
        _stop(processes)


def bench_http(urls: list[str], system: int, key: str, count: int, clients: int, tag: str) -> float:
    batch = 100
    bodies = [
        (
            f"{tag}-{first}",
            json.dumps(
                {"records": [{"record": record(n)} for n in range(first, first + batch)]}
            ).encode(),
        )
        for first in range(0, count, batch)
    ]
    errors: list[str] = []

    def send(worker: int) -> None:
        url = urls[worker % len(urls)]
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120
        ) as http:
            for idempotency, body in bodies[worker::clients]:
                while True:
                    response = http.post(
                        f"/api/ingest/systems/{system}/decisions",
                        content=body,
                        headers={
                            "Idempotency-Key": idempotency,
                            "Content-Type": "application/json",
                        },
                    )
                    if response.status_code == 429:
                        time.sleep(float(response.headers.get("Retry-After", "1")))
                        continue
                    if response.status_code != 201:
                        errors.append(f"{response.status_code} {response.text[:200]}")
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
    return len(bodies) * batch / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=24)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="tianping-bench-jobs-"))
    with durable_postgres() as database:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TIANPING_", "DJANGO_"))}
        env.update(
            DATABASE_URL=database,
            TIANPING_HOME=str(home),
            TIANPING_SECRET_KEY=secrets.token_urlsafe(50),
            TIANPING_LEDGER_SECRET=base64.b64encode(secrets.token_bytes(32)).decode(),
            TIANPING_LOG_LEVEL="ERROR",
            PYTHONPATH=str(ROOT),
        )
        info = _python(env, SETUP)
        print(f"jobs: {args.jobs} small bias assessments (200 rows, 50 replicates) each run")
        base = 0.0
        for workers in WORKERS:
            rate, peak = bench_jobs(env, database, info["system"], args.jobs, workers)
            base = base or rate
            print(
                f"  {workers} worker(s): {rate:6.2f} jobs/s  ×{rate / base:.2f} vs 1 worker"
                f"  (worker peak memory {peak / 1024:.0f} MiB)"
            )
        print(f"HTTP ingestion: {args.records} records in batches of 100, {args.clients} senders")
        rates = []
        for count in (1, 2):
            with served(env, count) as urls:
                rates.append(
                    bench_http(
                        urls, info["system"], info["key"], args.records, args.clients, f"w{count}"
                    )
                )
            print(f"  {count} web process(es): {rates[-1]:8.0f} records/s")
        print(f"  two web processes against one: ×{rates[1] / rates[0]:.2f}")
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory of this process: {own / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
