"""The client against a scripted platform (httpx.MockTransport): guard, fail-safe, retries."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tianping.sdk import BatchRejectedError, Client, RecordError, read_journal

SYSTEM = 7


class Platform:
    """A fake platform: the switch state, the batches it committed, and scripted refusals."""

    def __init__(self) -> None:
        self.state = "active"
        self.version = 0
        self.fail_safe = "human"
        self.grace = 0
        self.down = False
        self.refusals: list[httpx.Response] = []
        self.committed: dict[str, tuple[int, int]] = {}
        self.size = 0
        self.posts = 0
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("platform down", request=request)
        assert request.headers["Authorization"] == "Bearer tpk_test"
        if request.url.path.endswith("/switch"):
            return httpx.Response(
                200,
                json={
                    "system": SYSTEM,
                    "state": self.state,
                    "version": self.version,
                    "allowed": self.state == "active",
                    "changed_at": None,
                    "fail_safe": self.fail_safe,
                    "offline_grace_s": self.grace,
                    "poll_interval_s": 0.05,
                },
                headers={"ETag": f'"{self.version}"'},
            )
        with self.lock:
            self.posts += 1
            if self.refusals:
                return self.refusals.pop(0)
            key = request.headers["Idempotency-Key"]
            count = len(json.loads(request.content)["records"])
            if key not in self.committed:
                self.committed[key] = (self.size, count)
                self.size += count
            first, count = self.committed[key]
            return httpx.Response(
                201,
                json={
                    "idempotency_key": key,
                    "origin": "test/log",
                    "first_index": first,
                    "count": count,
                    "indices": list(range(first, first + count)),
                    "tree_size": self.size,
                    "duplicate": False,
                },
            )


@pytest.fixture
def platform() -> Platform:
    return Platform()


@pytest.fixture
def make_client(platform: Platform, tmp_path: Path) -> Iterator[Callable[..., Client]]:
    made: list[Client] = []

    def make(**options: Any) -> Client:
        client = Client(
            "http://tianping.test",
            system_id=SYSTEM,
            api_key="tpk_test",
            spool_dir=tmp_path / "spool",
            transport=httpx.MockTransport(platform),
            linger_s=0.01,
            max_backoff_s=0.05,
            **options,
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close(timeout_s=1)


def wait_for(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_records_are_delivered_in_batches_and_acknowledged(
    platform: Platform, make_client: Callable[..., Client]
) -> None:
    client = make_client(batch_size=4)
    for n in range(10):
        client.record({"n": n})
    assert client.flush(timeout_s=5)
    assert platform.size == 10 and client.pending == 0
    assert client.acknowledged is not None and client.acknowledged.last == 9


def test_429_and_5xx_are_retried_and_nothing_is_logged_twice(
    platform: Platform, make_client: Callable[..., Client]
) -> None:
    platform.refusals = [
        httpx.Response(429, headers={"Retry-After": "0"}, json={"detail": "busy"}),
        httpx.Response(503),
    ]
    client = make_client()
    client.record_many([{"n": n} for n in range(5)])
    assert client.flush(timeout_s=5)
    assert platform.posts == 3 and platform.size == 5


def test_a_refused_batch_stops_sending_and_flush_says_why(
    platform: Platform, make_client: Callable[..., Client]
) -> None:
    platform.refusals = [httpx.Response(401, json={"detail": "Unauthorized"})]
    client = make_client()
    client.record({"n": 1})
    with pytest.raises(BatchRejectedError) as raised:
        client.flush(timeout_s=5)
    assert raised.value.status == 401
    assert client.pending == 1  # kept in the spool for a client with a good key


def test_guard_follows_the_switch_within_the_poll_interval(
    platform: Platform, make_client: Callable[..., Client]
) -> None:
    client = make_client()
    assert client.guard()
    platform.state, platform.version = "paused", 1
    assert wait_for(lambda: not client.guard(), timeout=1.0)
    assert client.status().reason == "paused"


def test_before_any_answer_and_when_unreachable_the_ai_may_not_decide(
    platform: Platform, make_client: Callable[..., Client]
) -> None:
    platform.down = True
    client = make_client(max_staleness_s=0.2)
    assert not client.guard() and client.status().reason == "unknown"
    platform.down = False
    assert wait_for(client.guard)
    platform.down = True
    assert wait_for(lambda: client.status().reason == "unreachable", timeout=2)
    assert not client.guard()


def test_the_last_known_fail_safe_holds_for_its_grace_period(
    platform: Platform, make_client: Callable[..., Client], tmp_path: Path
) -> None:
    platform.fail_safe, platform.grace = "last_known", 30
    client = make_client(max_staleness_s=0.1)
    assert wait_for(lambda: client.status().fail_safe == "last_known")
    platform.down = True
    assert wait_for(lambda: client.status().reason == "offline_last_known", timeout=2)
    assert client.guard()
    client.close(timeout_s=0.1)
    # A restart while the platform is down remembers the state and the fail-safe.
    again = make_client(max_staleness_s=0.1)
    assert again.status().reason == "offline_last_known" and again.guard()


def test_records_spooled_during_an_outage_go_out_once_afterwards(
    platform: Platform, make_client: Callable[..., Client], tmp_path: Path
) -> None:
    platform.down = True
    client = make_client(batch_size=3)
    client.record_many([{"n": n} for n in range(7)])
    assert not client.flush(timeout_s=0.3)
    platform.down = False
    assert client.flush(timeout_s=5)
    assert platform.size == 7
    acks, opened = read_journal(tmp_path / "spool")
    assert sum(a.count for a in acks) == 7 and opened is None


def test_a_batch_refused_for_its_content_is_dead_lettered_and_sending_carries_on(
    platform: Platform, make_client: Callable[..., Client], tmp_path: Path
) -> None:
    reason = "Record 0 holds personal data outside its declared personal fields: /phone (mobile)"
    platform.refusals = [httpx.Response(422, json={"detail": {"records": [reason]}})]
    client = make_client(batch_size=2)
    client.record_many([{"n": 0}, {"n": 1}])
    assert client.flush(timeout_s=5)  # the refused batch is settled, not pending
    client.record_many([{"n": 2}, {"n": 3}])
    assert client.flush(timeout_s=5)
    assert platform.size == 2 and client.pending == 0 and client.dead_lettered == 2
    dead = tmp_path / "spool" / "dead-letter.jsonl"
    assert dead.stat().st_mode & 0o777 == 0o600
    [line] = dead.read_text("utf-8").splitlines()
    entry = json.loads(line)
    assert reason in entry["reason"] and entry["status"] == 422
    assert [r["record"]["n"] for r in entry["records"]] == [0, 1]
    client.close(timeout_s=1)
    # After a restart the dead batch is not sent again.
    again = make_client(batch_size=2)
    posts = platform.posts
    assert again.flush(timeout_s=2) and platform.posts == posts
    acks, opened = read_journal(tmp_path / "spool")
    assert opened is None and [a.last for a in acks] == [3]


def test_a_personal_field_the_record_lacks_is_refused_at_once(
    make_client: Callable[..., Client],
) -> None:
    client = make_client()
    with pytest.raises(RecordError):
        client.record({"n": 1}, personal_fields=["applicant"])
