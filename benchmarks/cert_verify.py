"""Certificate verification: offline throughput, the npm verifier, BOM matching, the public API.

1. Offline verification on one core: ``--certs`` distinct certificates (one issuer,
   did:key), each verified with its revocation and suspension status lists
   (:func:`tianping.certification.verify_credential`); target ≥ 2,000 certificates/s.
2. The same certificates through the independent verifier (Digital Bazaar's
   ``@digitalbazaar/vc`` under Node, ``tests/interop/vc``), timed inside Node; the ratio
   is Tianping's rate / Node's. Skipped when npm or Node is missing (``TIANPING_SKIP_NPM=1``).
3. A BOM of ``--components`` components matched against an index of ``--records``
   verified certificate records (:class:`tianping.bom.CertificateIndex.from_records`,
   what a register holds: each certificate with its verdict, 1 % revoked); the matching
   (digest look-up + status) is timed; target < 1 s.
4. ``POST /api/certification/verify`` under load on loopback: a fresh SQLite platform with
   one issuing body and a certificate it signed, served by waitress (8 threads) in a
   process of its own, two phases from ``httpx`` (async):

   * saturation: ``--requests`` requests from 32 clients, each sending its next request
     when its answer comes (closed loop); prints the most requests/s the server gives —
     target ≥ 300 requests/s. Its latencies are queueing behind 32 clients at full load,
     printed for information only;
   * the latency target at the target rate: requests sent at a constant ``--rate`` (300/s)
     for ``--seconds`` (open loop, as load generators such as wrk2 do), each latency
     counted from the moment its request was due, so a stalled server cannot hide its
     delay (no coordinated omission); target p99 < 100 ms with the rate achieved.

    .venv/bin/python benchmarks/cert_verify.py [--certs 2000] [--records 100000]
    .venv/bin/python benchmarks/cert_verify.py --only-server [--stack full]

Prints the figures, the ratios to their targets and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tianping.bom import CertificateIndex, parse_bom, verify_bom  # noqa: E402
from tianping.certification import (  # noqa: E402
    SigningKey,
    StatusList,
    Verification,
    issue_certificate,
    issue_credential,
    status_list_credential,
    verify_credential,
)

AT = datetime(2026, 7, 1, tzinfo=UTC)
NOW = datetime(2027, 1, 1, tzinfo=UTC)
BASE = "https://bench.example/status/{purpose}"


def _certificates(count: int) -> tuple[list[dict], list[dict]]:
    key = SigningKey(bytes(range(32)))
    certificates = [
        issue_certificate(
            key=key,
            subject={
                "id": f"urn:bench:system:{n}",
                "organisation": "Bench Co.",
                "scope": {"model": f"model-{n}", "version": "1.0"},
                "digests": {"model": f"{n:064x}"},
            },
            scheme="basic_compliance",
            valid_from=AT,
            status_index=n,
            status_base=BASE,
        )
        for n in range(count)
    ]
    lists = [
        issue_credential(
            status_list_credential(
                BASE.format(purpose=p), key.did_key, p, StatusList.empty(), valid_from=AT
            ),
            key,
            created=AT,
        )
        for p in ("revocation", "suspension")
    ]
    return certificates, lists


def offline(certificates: list[dict], lists: list[dict]) -> float:
    started = time.perf_counter()
    for document in certificates:
        assert verify_credential(document, status_lists=lists, now=NOW).valid
    return len(certificates) / (time.perf_counter() - started)


def npm(certificates: list[dict], lists: list[dict]) -> float | None:
    try:
        from tests.interop.vc_verifier import npm_verify

        results, seconds = npm_verify(
            certificates, status_lists=lists, now=NOW.isoformat().replace("+00:00", "Z")
        )
    except BaseException as exc:  # pytest's skip and fail outcomes are BaseExceptions
        if isinstance(exc, KeyboardInterrupt):
            raise
        print(f"  npm verifier: not available ({str(exc).splitlines()[0][:120]})")
        return None
    assert all(r["verified"] for r in results), results[:3]
    return len(certificates) / seconds


def bom_matching(records: int, components: int) -> tuple[float, str]:
    valid = Verification(valid=True, checked_at=NOW)
    revoked = Verification(valid=False, checked_at=NOW, reason="revoked")
    index = CertificateIndex.from_records(
        (
            {
                "id": f"urn:bench:cert:{n}",
                "credentialSubject": {
                    "organisation": f"Supplier {n % 500}",
                    "scope": {"model": f"model-{n}", "version": "1.0"},
                    "digests": {"model": f"{n:064x}"},
                },
            },
            revoked if n % 100 == 0 else valid,
        )
        for n in range(records)
    )
    step = max(1, records // components)
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "components": [
            {
                "type": "machine-learning-model",
                "name": f"model-{n * step}",
                "version": "1.0",
                "supplier": {"name": f"Supplier {(n * step) % 500}"},
                "hashes": [{"alg": "SHA-256", "content": f"{n * step:064x}"}],
            }
            for n in range(components)
        ],
    }
    parsed = parse_bom(json.dumps(bom))
    started = time.perf_counter()
    report = verify_bom(parsed, index=index, now=NOW, exemptions=())
    seconds = time.perf_counter() - started
    return seconds, json.dumps(report.counts())


SERVER = textwrap.dedent(
    """
    import json, os, sys
    from datetime import UTC, datetime
    import django
    from django.conf import settings
    if sys.argv[3] == "full":  # without the lean path of the verify endpoint, for comparison
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if ".fastpath." not in m]
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from tianping.certification import load_levels, certificate_credential, status_entry
    from tianping.web.accounts.services import organisation_create
    from tianping.web.certification import selectors, services
    org = organisation_create(name="基准认证中心", kind="certification_body")
    body = services.body_create(organisation=org, kind="certification_centre", issues=True)
    at = datetime.now(UTC).replace(microsecond=0)
    status = [status_entry(selectors.status_list_url(body, p), 1, p) for p in selectors.PURPOSES]
    unsigned = certificate_credential(
        credential_id="urn:uuid:00000000-0000-4000-8000-00000000be0c",
        issuer=selectors.did_of(body), level=load_levels().level("basic_compliance"),
        subject={"id": "urn:bench:system"}, valid_from=at, status=status,
    )
    signed = selectors.sign(body, unsigned, at=at)
    assert selectors.verify(signed).valid, selectors.verify(signed)
    open(sys.argv[2], "w").write(json.dumps(signed))
    from waitress import serve
    from tianping.web.wsgi import application
    serve(application, host="127.0.0.1", port=int(sys.argv[1]), threads=8, _quiet=True)
    """
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _load(url: str, body: bytes, requests: int, concurrency: int) -> list[float]:
    import httpx

    latencies: list[float] = []
    queue = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker() -> None:
            for _ in queue:
                started = time.perf_counter()
                answer = await client.post(
                    url, content=body, headers={"Content-Type": "application/json"}
                )
                latencies.append(time.perf_counter() - started)
                assert answer.status_code == 200 and answer.json()["valid"], answer.text[:200]

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def _open_loop(
    url: str, body: bytes, rate: float, seconds: float, connections: int
) -> tuple[float, list[float]]:
    """Requests due at a constant ``rate``; each latency from its due time; the rate achieved."""
    import httpx

    total = int(rate * seconds)
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        loop = asyncio.get_running_loop()
        start = loop.time()

        async def one(index: int) -> None:
            due = start + index / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            answer = await client.post(
                url, content=body, headers={"Content-Type": "application/json"}
            )
            latencies.append(loop.time() - due)
            assert answer.status_code == 200 and answer.json()["valid"], answer.text[:200]

        await asyncio.gather(*(one(i) for i in range(total)))
        elapsed = loop.time() - start
    return total / elapsed, latencies


def _p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def api_load(
    requests: int, concurrency: int, stack: str = "lean", rate: float = 300, seconds: float = 10
) -> dict[str, float] | None:
    port = _free_port()
    with tempfile.TemporaryDirectory() as home:
        cert_file = Path(home) / "certificate.json"
        env = {
            **os.environ,
            "TIANPING_HOME": home,
            "DJANGO_SETTINGS_MODULE": "tianping.web.settings",
            "TIANPING_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "TIANPING_ALLOWED_HOSTS": "127.0.0.1",
        }
        env.pop("DATABASE_URL", None)
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(port), str(cert_file), stack],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.time() + 180
            while time.time() < deadline:
                if server.poll() is not None:
                    print(
                        "  server failed:", (server.stderr.read() if server.stderr else "")[-800:]
                    )
                    return None
                if cert_file.exists() and cert_file.stat().st_size:
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=1).close()
                        break
                    except OSError:
                        pass
                time.sleep(0.5)
            else:
                print("  server did not start in 180 s")
                return None
            body = cert_file.read_bytes()
            url = f"http://127.0.0.1:{port}/api/certification/verify"
            asyncio.run(_load(url, body, 50, 4))  # warm up
            load = os.getloadavg()[0]
            cpu = _cpu_seconds(server.pid)
            started = time.perf_counter()
            latencies = asyncio.run(_load(url, body, requests, concurrency))
            elapsed = time.perf_counter() - started
            cpu = _cpu_seconds(server.pid) - cpu
            achieved, open_latencies = asyncio.run(
                _open_loop(url, body, rate, seconds, concurrency * 2)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        f"  server CPU per request: {cpu / requests * 1000:.2f} ms "
        f"(what a busy machine does not distort much; wall-clock figures follow)"
    )
    return {
        "throughput": requests / elapsed,
        "saturated_p99": _p99(latencies),
        "load": load,
        "rate": achieved,
        "p99": _p99(open_latencies),
        "p50": sorted(open_latencies)[len(open_latencies) // 2],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certs", type=int, default=2000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--components", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--rate", type=float, default=300, help="Requests/s of the constant-rate phase."
    )
    parser.add_argument(
        "--seconds", type=float, default=10, help="Length of the constant-rate phase."
    )
    parser.add_argument("--no-server", action="store_true", help="Skip the API load test.")
    parser.add_argument(
        "--only-server", action="store_true", help="Run the API load test only (part 4)."
    )
    parser.add_argument(
        "--stack",
        choices=("lean", "full"),
        default="lean",
        help="full: serve the endpoint through the whole middleware stack (for comparison).",
    )
    args = parser.parse_args()
    if args.only_server:
        _server_part(args)
        return

    certificates, lists = _certificates(args.certs)
    rate = offline(certificates, lists)
    print(f"offline verification (status lists included), one core: {rate:,.0f} certificates/s")
    print(f"  target >= 2,000/s: ratio {rate / 2000:.2f}")
    node = npm(certificates, lists)
    if node is not None:
        print(f"npm verifier (@digitalbazaar/vc, eddsa-jcs-2022) on the same: {node:,.0f}/s")
        print(f"  ratio tianping / npm: {rate / node:.2f}")

    seconds, counts = bom_matching(args.records, args.components)
    print(
        f"BOM of {args.components:,} components against {args.records:,} verified records: "
        f"{seconds:.3f} s {counts}"
    )
    print(f"  target < 1 s: ratio {seconds / 1.0:.2f}")

    if not args.no_server:
        _server_part(args)
        return
    _peak()


def _server_part(args: argparse.Namespace) -> None:
    loaded = api_load(args.requests, args.concurrency, args.stack, args.rate, args.seconds)
    if loaded is not None:
        print(
            f"POST /api/certification/verify ({args.stack} path), waitress 8 threads, "
            f"saturated by {args.concurrency} clients: {loaded['throughput']:,.0f} requests/s "
            f"(target >= 300/s: ratio {loaded['throughput'] / 300:.2f}; "
            f"p99 at saturation {loaded['saturated_p99'] * 1000:.0f} ms, queueing only)"
        )
        print(
            f"  at a constant {args.rate:,.0f} requests/s for {args.seconds:g} s: achieved "
            f"{loaded['rate']:,.0f}/s, p50 {loaded['p50'] * 1000:.1f} ms, "
            f"p99 {loaded['p99'] * 1000:.1f} ms (target < 100 ms: "
            f"{'met' if loaded['p99'] < 0.1 and loaded['rate'] >= 0.98 * args.rate else 'MISSED'})"
        )
        print(
            f"  load average before (1 min): {loaded['load']:.2f}, after: "
            f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs "
            "(the client runs on the same machine)"
        )
    _peak()


def _peak() -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (this process): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
