"""The SDK against the platform served on loopback (pytest-django's live server).

Records reach the ledger once, whatever happens between: an outage of the
platform (a proxy in between is cut and restored), a kill -9 of the process
that was writing; a pause of the runtime switch reaches ``guard()`` within the
stated time (the poll interval, 1 s, plus one request).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.web.factories import Network, build_network
from tianping.ledger import Ledger, audit_store, canonical_json, parse_json, verify_receipt
from tianping.sdk import Client, Spool, read_journal
from tianping.web.ledger.selectors import decision_log_find
from tianping.web.ledger.services import ledger_checkpoint_sign, ledger_receipt
from tianping.web.ledger.signing import ledger_signer
from tianping.web.ledger.store import DatabaseStore
from tianping.web.operations.keys import system_api_key_create
from tianping.web.operations.models import IngestBatch
from tianping.web.operations.switch import system_switch_change

from .proxy import Proxy

pytestmark = pytest.mark.django_db(transaction=True)

SWITCH_SECONDS = 3.0
"""The stated bound: a pause is seen within the poll interval (1 s) plus one request; margin."""


@dataclass
class Live:
    url: str
    network: Network
    raw_key: str

    @property
    def system_id(self) -> int:
        return self.network.system_a.pk


@pytest.fixture
def live(live_server: object) -> Live:
    network = build_network()
    _key, raw = system_api_key_create(actor=network.admin_a, system=network.system_a, name="sdk")
    return Live(url=str(live_server.url), network=network, raw_key=raw)  # type: ignore[attr-defined]


@pytest.fixture
def proxy(live: Live) -> Iterator[Proxy]:
    parts = urlsplit(live.url)
    forwarder = Proxy((parts.hostname or "localhost", parts.port or 80))
    yield forwarder
    forwarder.close()


def client_for(url: str, live: Live, spool: Path, **options: object) -> Client:
    return Client(
        url,
        system_id=live.system_id,
        api_key=live.raw_key,
        spool_dir=spool,
        linger_s=0.02,
        max_backoff_s=0.2,
        **options,  # type: ignore[arg-type]
    )


def ledger_records(live: Live) -> list[dict[str, object]]:
    log = decision_log_find(live.network.system_a)
    if log is None:
        return []
    store = DatabaseStore(log)
    return [parse_json(leaf) for leaf in store.read_leaves(0, store.size())]


def test_records_sent_with_the_sdk_are_in_the_ledger_at_the_acknowledged_indices(
    live: Live, tmp_path: Path
) -> None:
    with client_for(live.url, live, tmp_path / "spool", batch_size=20) as client:
        client.record_many([{"n": n, "decision": "approve"} for n in range(45)])
        client.record({"n": 45, "applicant": "韩梅梅"}, personal_fields=["applicant"])
        assert client.flush(timeout_s=20)
    records = ledger_records(live)
    assert [r["n"] for r in records] == list(range(46))
    assert records[45]["applicant"] != "韩梅梅"  # a salted hash
    acks, opened = read_journal(tmp_path / "spool")
    assert opened is None and sum(a.count for a in acks) == 46
    assert acks[-1].index_of(45) == 45


def test_records_spooled_while_the_platform_is_down_arrive_once_when_it_is_back(
    live: Live, proxy: Proxy, tmp_path: Path
) -> None:
    client = client_for(proxy.url, live, tmp_path / "spool", batch_size=7, max_staleness_s=1.0)
    try:
        client.record_many([{"n": n} for n in range(10)])
        assert client.flush(timeout_s=20)
        proxy.down()
        client.record_many([{"n": n} for n in range(10, 30)])
        assert not client.flush(timeout_s=1.5)
        assert client.pending == 20
        assert not client.guard() and client.status().reason == "unreachable"  # fail-safe
        proxy.up()
        assert client.flush(timeout_s=20)
        deadline = time.monotonic() + SWITCH_SECONDS
        while not client.guard() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.guard()
    finally:
        client.close(timeout_s=5)
    records = ledger_records(live)
    assert sorted(r["n"] for r in records) == list(range(30))  # all, and none twice
    log = decision_log_find(live.network.system_a)
    acks, _opened = read_journal(tmp_path / "spool")
    assert IngestBatch.objects.filter(log=log).count() == len(acks)


def test_pausing_a_system_stops_its_ai_decisions_at_the_next_switch_answer(
    live: Live, tmp_path: Path
) -> None:
    """No clock is asserted: the first answer about the switch after the change enforces it,
    and the platform tells clients to ask every SWITCH_SECONDS at most."""
    n = live.network
    with client_for(live.url, live, tmp_path / "spool") as client:
        assert client.guard()
        before = client.status()
        assert before.version is not None
        system_switch_change(
            actor=n.regulator_province_a,
            system=n.system_a,
            state="paused",
            reason="Investigating complaints from applicants.",
        )
        assert _wait_for(lambda: (client.status().version or 0) > (before.version or 0))
        status = client.status()
        assert not client.guard() and status.reason == "paused"
        answer = httpx.get(
            f"{live.url}/api/ingest/systems/{live.system_id}/switch",
            headers={"Authorization": f"Bearer {live.raw_key}"},
            timeout=5,
        ).json()
        assert answer["poll_interval_s"] <= SWITCH_SECONDS
        system_switch_change(
            actor=n.admin_a, system=n.system_a, state="active", reason="Checked, resumed."
        )
        assert _wait_for(client.guard)


def _wait_for(condition: Callable[[], bool], limit_s: float = 30.0) -> bool:
    """Wait for ``condition`` (an event), giving up after ``limit_s`` (not an assertion)."""
    deadline = time.monotonic() + limit_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_a_writer_killed_mid_stream_loses_nothing_and_duplicates_nothing(
    live: Live, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    root = Path(__file__).resolve().parents[3]
    writer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.web.operations.sdk_writer",
            live.url,
            str(live.system_id),
            live.raw_key,
            str(spool),
            "3000",
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        assert writer.stdout is not None
        acknowledged = []
        while len(acknowledged) < 3:  # let a few batches be acknowledged, then kill it
            line = writer.stdout.readline()
            assert line, "the writer stopped before sending"
            acknowledged.append(json.loads(line))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
        acknowledged += [json.loads(line) for line in writer.stdout if line.startswith("{")]
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
        if writer.stdout is not None:
            writer.stdout.close()

    # Every batch acknowledged before the kill is in the ledger, where the platform said.
    log = decision_log_find(live.network.system_a)
    assert log is not None
    store = DatabaseStore(log)
    for ack in acknowledged:
        leaves = store.read_leaves(ack["index"], ack["index"] + ack["last"] - ack["first"] + 1)
        assert leaves == [canonical_json({"n": n}) for n in range(ack["first"], ack["last"] + 1)]

    # Restarted on the same spool, the client sends the rest, the open batch again first.
    written = Spool(spool, system_id=live.system_id)
    total = written.written + 1
    written.close()
    assert total >= acknowledged[-1]["last"] + 1
    with client_for(live.url, live, spool) as client:
        assert client.flush(timeout_s=30)
    records = ledger_records(live)
    assert [r["n"] for r in records] == list(range(total))  # in order, none lost, none twice

    # And everything acknowledged is proven: a signed checkpoint covers it, receipts verify.
    ledger_checkpoint_sign(log=log)
    key = ledger_signer(log.origin).verifier
    assert audit_store(DatabaseStore(log), key=key).size == total
    for ack in acknowledged[:2]:
        receipt = ledger_receipt(log=log, index=ack["index"])
        assert verify_receipt(receipt, key).size == total
    assert Ledger(store).size == total
