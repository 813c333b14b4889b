"""The JSON API of probes: a system's chat endpoint (write-only key) and its runs against the
local chat server; bad bodies answer 422 and change nothing; outsiders get 404."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from tests.probes.chat_server import ChatServer
from tests.web.factories import Network, bearer_client
from tianping.web.probes.models import ChatEndpoint, ProbeRun

SECRET = "sk-api-3b9e51d07c4a"


@pytest.fixture(autouse=True)
def allow_loopback(settings: Any) -> None:
    settings.TIANPING = {**settings.TIANPING, "PROBE_ALLOW_HOSTS": ["127.0.0.1"]}


@pytest.fixture
def server() -> Iterator[ChatServer]:
    with ChatServer("compliant") as chat:
        yield chat


def _json(client: Client, method: str, url: str, body: Any = None) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, data=data, content_type="application/json")


def _endpoint(url: str, **changes: Any) -> dict[str, Any]:
    return {"base_url": url, "model": "test-model", **changes}


def test_the_api_saves_an_endpoint_runs_the_suite_and_reads_the_results(
    network: Network,
    server: ChatServer,
    django_capture_on_commit_callbacks: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    owner = bearer_client(network.applicant_a)
    system = f"/api/systems/{network.system_a.pk}"
    saved = _json(owner, "put", f"{system}/probe-endpoint", _endpoint(server.url, api_key=SECRET))
    assert saved.status_code == 200, saved.content
    assert saved.json()["has_api_key"] is True and "api_key" not in saved.json()
    shown = owner.get(f"{system}/probe-endpoint")
    assert shown.status_code == 200 and shown.json()["base_url"] == server.url
    with django_capture_on_commit_callbacks(execute=True):
        started = _json(
            owner,
            "post",
            f"{system}/probe-runs",
            {"languages": ["en"], "samples": 1, "max_requests": 100_000, "title": "API run"},
        )
    assert started.status_code == 202, started.content
    run_id = started.json()["id"]
    read = owner.get(f"/api/probe-runs/{run_id}")
    body = read.json()
    assert read.status_code == 200
    assert body["status"] == "done" and body["progress"] == 100, body["message"]
    assert body["verdict"] in ("pass", "warn", "inconclusive")
    assert body["max_requests"] == 100_000 and body["languages"] == ["en"]
    rows = body["categories"]
    assert rows and all(r["language"] == "en" for r in rows)
    assert all(set(r["counts"]) >= {"pass", "fail", "error"} for r in rows)
    assert all(len(r["interval"]) == 2 for r in rows)
    assert body["result"]["verdict"] == body["verdict"]
    assert server.authorizations == {f"Bearer {SECRET}"}
    listed = owner.get(f"{system}/probe-runs")
    assert [r["id"] for r in listed.json()] == [run_id] and listed.json()[0]["result"] is None
    # A finished run cannot be cancelled.
    assert owner.post(f"/api/probe-runs/{run_id}/cancel").status_code == 422
    # Reads outside the organisation answer 404; the jurisdiction's regulator reads, not writes.
    outsider = bearer_client(network.applicant_b)
    assert outsider.get(f"/api/probe-runs/{run_id}").status_code == 404
    assert outsider.get(f"{system}/probe-endpoint").status_code == 404
    regulator = bearer_client(network.regulator_province_a)
    assert regulator.get(f"/api/probe-runs/{run_id}").status_code == 200
    assert (
        _json(regulator, "put", f"{system}/probe-endpoint", _endpoint(server.url)).status_code
        == 403
    )
    assert regulator.delete(f"{system}/probe-endpoint").status_code == 403
    texts = [saved, shown, started, read, listed]
    assert not any(SECRET in r.content.decode() for r in texts)
    assert SECRET not in caplog.text
    # Deleting the endpoint keeps the runs.
    assert owner.delete(f"{system}/probe-endpoint").status_code == 204
    assert owner.get(f"{system}/probe-endpoint").status_code == 404
    assert owner.delete(f"{system}/probe-endpoint").status_code == 422
    assert ProbeRun.objects.filter(pk=run_id).exists()


def test_bad_bodies_answer_422_and_change_nothing(network: Network, server: ChatServer) -> None:
    owner = bearer_client(network.applicant_a)
    url = f"/api/systems/{network.system_a.pk}/probe-endpoint"
    for body in (
        _endpoint("http://10.9.9.9/v1"),
        _endpoint("ftp://127.0.0.1/v1"),
        _endpoint(server.url, model=""),
        _endpoint(server.url, temperature=5),
        _endpoint(server.url, api_key="has space"),
        _endpoint(server.url, model="a\x00b"),
        {"model": "m"},
    ):
        answer = _json(owner, "put", url, body)
        assert answer.status_code == 422, (body, answer.content)
    assert _json(owner, "put", url, "{not json").status_code == 400
    assert not ChatEndpoint.objects.exists()
    runs = f"/api/systems/{network.system_a.pk}/probe-runs"
    assert _json(owner, "post", runs, {"languages": ["en"]}).status_code == 422  # no endpoint
    assert _json(owner, "put", url, _endpoint(server.url)).status_code == 200
    for body in (
        {"languages": ["fr"]},
        {"languages": []},
        {"samples": 9},
        {"max_requests": 0},
        {"max_tokens": -1},
        {"suite": "other"},
        {"title": "x" * 201},
    ):
        answer = _json(owner, "post", runs, body)
        assert answer.status_code == 422, (body, answer.content)
    assert not ProbeRun.objects.exists()
    assert server.requests == 0


def test_a_run_stops_when_its_request_budget_is_spent(
    network: Network,
    server: ChatServer,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    owner = bearer_client(network.applicant_a)
    system = f"/api/systems/{network.system_a.pk}"
    assert _json(owner, "put", f"{system}/probe-endpoint", _endpoint(server.url)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        started = _json(
            owner, "post", f"{system}/probe-runs", {"languages": ["en"], "max_requests": 3}
        )
    body = owner.get(f"/api/probe-runs/{started.json()['id']}").json()
    # It stops there and files the results of what was answered, marked incomplete.
    assert body["status"] == "done" and body["error"] is None
    assert body["result"]["incomplete"]["budget"] == "requests"
    assert body["result"]["incomplete"]["answered"] == 3
    assert body["message"] == "已因预算用完而停止：结果只包含已回答的探针。"
    assert server.requests == 3
