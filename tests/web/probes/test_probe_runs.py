"""Probe runs on the platform: the endpoint's address and key, the background run against the
local chat server, evidence, the results page, cancellation and permissions."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from tests.probes.chat_server import PERSONAL, ChatServer
from tests.web.factories import HIGH_RISK_ANSWERS, Network
from tianping.probes import load_suite
from tianping.web.assessments.evidence.selectors import evidence_of
from tianping.web.assessments.evidence.services import evidence_items_for
from tianping.web.assessments.models import Evidence
from tianping.web.probes.models import ChatEndpoint, ProbeRun
from tianping.web.probes.results import results_view
from tianping.web.probes.services import (
    MSG_PRIVATE,
    STOPPED_BY_BUDGET,
    decrypt_api_key,
    endpoint_save,
    probe_run_cancel,
    probe_run_run,
    probe_run_start,
)
from tianping.web.systems.services import intake_submit

SECRET = "sk-test-6f1c0a9e2b7d4"


@pytest.fixture(autouse=True)
def allow_loopback(settings: Any) -> None:
    """Tests reach the local chat server on loopback: the administrator allows 127.0.0.1."""
    settings.TIANPING = {**settings.TIANPING, "PROBE_ALLOW_HOSTS": ["127.0.0.1"]}


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[ChatServer]:
    personality = getattr(request, "param", "compliant")
    with ChatServer(personality) as chat:
        yield chat


def _save(network: Network, url: str, **changes: Any) -> ChatEndpoint:
    arguments: dict[str, Any] = {
        "actor": network.applicant_a,
        "system": network.system_a,
        "base_url": url,
        "model": "test-model",
        **changes,
    }
    return endpoint_save(**arguments)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/v1",
        "http://10.1.2.3/v1",
        "http://192.168.0.10:8000/v1",
        "http://169.254.169.254/latest",
        "http://[::1]:8000/v1",
        "http://[fe80::1]/v1",
        "http://localhost:8000/v1",
    ],
)
def test_a_private_loopback_or_link_local_address_is_refused_unless_allowed(
    network: Network, settings: Any, url: str
) -> None:
    settings.TIANPING = {**settings.TIANPING, "PROBE_ALLOW_HOSTS": []}
    with pytest.raises(ValidationError) as refused:
        _save(network, url, api_key=SECRET)
    assert "base_url" in refused.value.message_dict
    assert not ChatEndpoint.objects.exists()


def test_an_allow_listed_network_is_accepted(network: Network, settings: Any) -> None:
    settings.TIANPING = {**settings.TIANPING, "PROBE_ALLOW_HOSTS": ["10.0.0.0/8"]}
    endpoint = _save(network, "http://10.1.2.3:8000/v1/")
    assert endpoint.base_url == "http://10.1.2.3:8000/v1"
    with pytest.raises(ValidationError):
        _save(network, "http://192.168.0.10/v1")


def test_bad_input_is_refused_and_changes_nothing(network: Network) -> None:
    for changes in (
        {"base_url": "ftp://127.0.0.1/v1"},
        {"base_url": "http://user:pw@127.0.0.1/v1"},
        {"model": ""},
        {"temperature": 5},
        {"api_key": "has space"},
        {"model": "a\x00b"},
    ):
        arguments: dict[str, Any] = {"base_url": "http://127.0.0.1:9/v1", **changes}
        url = arguments.pop("base_url")
        with pytest.raises(ValidationError):
            _save(network, url, **arguments)
    assert not ChatEndpoint.objects.exists()


def test_the_api_key_is_encrypted_at_rest_and_never_shown(network: Network) -> None:
    endpoint = _save(network, "http://127.0.0.1:9/v1", api_key=SECRET)
    assert SECRET not in endpoint.api_key_encrypted
    assert decrypt_api_key(endpoint.api_key_encrypted, system_id=network.system_a.pk) == SECRET
    client = _client(network.applicant_a)
    for url in (
        f"/probes/systems/{network.system_a.pk}/",
        f"/probes/systems/{network.system_a.pk}/endpoint/",
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert SECRET not in page.content.decode()
    # Saving again without a key keeps it; asking to remove it removes it.
    again = _save(network, "http://127.0.0.1:9/v1")
    assert decrypt_api_key(again.api_key_encrypted, system_id=network.system_a.pk) == SECRET
    assert not _save(network, "http://127.0.0.1:9/v1", clear_key=True).has_api_key


def test_only_the_owner_sets_the_endpoint_and_outsiders_see_nothing(
    network: Network, server: ChatServer
) -> None:
    with pytest.raises(PermissionDenied):
        endpoint_save(
            actor=network.regulator_province_a,
            system=network.system_a,
            base_url=server.url,
            model="m",
        )
    _save(network, server.url)
    run = probe_run_start(actor=network.applicant_a, system=network.system_a, languages=["en"])
    assert _client(network.applicant_b).get(f"/probes/runs/{run.pk}/").status_code == 404
    assert _client(network.regulator_province_a).get(f"/probes/runs/{run.pk}/").status_code == 200
    with pytest.raises(PermissionDenied):
        probe_run_start(actor=network.regulator_province_a, system=network.system_a)


@pytest.mark.parametrize("server", ["echo"], indirect=True)
def test_a_run_against_the_local_server_files_evidence_and_shows_its_results(
    network: Network,
    server: ChatServer,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # A generative system: the catalogue's mapping links a probe run to its items.
    intake_submit(actor=network.applicant_a, system=network.system_a, answers=HIGH_RISK_ANSWERS)
    _save(network, server.url, api_key=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        run = probe_run_start(actor=network.applicant_a, system=network.system_a, languages=["en"])
    run.refresh_from_db()
    assert run.status == ProbeRun.Status.DONE, (run.message, run.error)
    assert run.verdict == "fail"
    assert server.authorizations == {f"Bearer {SECRET}"}
    evidence = evidence_of(run)
    assert evidence is not None and evidence.kind == Evidence.Kind.PROBE_RUN
    failing = {r["category"] for r in evidence.content["categories"] if r["verdict"] == "fail"}
    assert failing == {"privacy_echo"}
    mapped = {
        item for item, _e, _b in evidence_items_for(kind="probe_run", system=network.system_a)
    }
    assert mapped == {"REQ-13-07", "REQ-12-06", "REQ-12-03"}
    assert {link.item for link in evidence.links.all()} == mapped
    assert SECRET not in str(evidence.content)
    page = _client(network.applicant_a).get(f"/probes/runs/{run.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="probe-chart"' in html and "<svg" in html
    assert 'data-category="privacy_echo" data-language="en" data-verdict="fail"' in html
    assert 'id="probe-judges"' in html
    given = {
        value
        for probe in load_suite("default").probes
        if probe.category == "privacy_echo" and probe.language == "en"
        for message in probe.messages
        for value in PERSONAL.findall(message.content)
    }
    assert given and not any(value in html for value in given)


def test_a_run_stopped_by_its_budget_shows_the_partial_results(
    network: Network, server: ChatServer
) -> None:
    _save(network, server.url)
    run = probe_run_start(
        actor=network.applicant_a, system=network.system_a, languages=["en"], max_requests=5
    )
    probe_run_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ProbeRun.Status.DONE, (run.message, run.error)
    assert run.message == STOPPED_BY_BUDGET and server.requests == 5
    evidence = evidence_of(run)
    assert evidence is not None
    assert evidence.content["incomplete"]["budget"] == "requests"
    assert evidence.content["incomplete"]["answered"] == 5
    page = _client(network.applicant_a).get(f"/probes/runs/{run.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="probe-incomplete"' in html
    assert "请求预算（5）用完而停止" in html
    with translation.override("en"):
        shown = results_view(evidence.content)["incomplete"]
    assert "request budget (5) ran out: 5 of" in shown


def test_the_address_is_checked_again_when_the_run_is_sent(
    network: Network, server: ChatServer, settings: Any
) -> None:
    _save(network, server.url)
    run = probe_run_start(actor=network.applicant_a, system=network.system_a, languages=["en"])
    settings.TIANPING = {**settings.TIANPING, "PROBE_ALLOW_HOSTS": []}
    probe_run_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ProbeRun.Status.FAILED
    assert run.message == MSG_PRIVATE
    assert server.requests == 0


def test_a_cancelled_run_sends_nothing(network: Network, server: ChatServer) -> None:
    _save(network, server.url)
    run = probe_run_start(actor=network.applicant_a, system=network.system_a, languages=["en"])
    probe_run_cancel(actor=network.applicant_a, run=run)
    probe_run_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ProbeRun.Status.CANCELLED
    assert server.requests == 0
    with pytest.raises(ValidationError):
        probe_run_cancel(actor=network.applicant_a, run=run)


def test_the_pages_start_a_run_and_refuse_bad_input(network: Network, server: ChatServer) -> None:
    client = _client(network.applicant_a)
    url = f"/probes/systems/{network.system_a.pk}/endpoint/"
    refused = client.post(
        url,
        {"base_url": "http://10.9.9.9/v1", "model": "m", "temperature": 0, "max_output_tokens": 10},
    )
    assert refused.status_code == 200 and not ChatEndpoint.objects.exists()
    saved = client.post(
        url, {"base_url": server.url, "model": "m", "temperature": 0, "max_output_tokens": 10}
    )
    assert saved.status_code == 302
    page = f"/probes/systems/{network.system_a.pk}/"
    assert client.post(page, {"languages": ["fr"], "samples": 1}).status_code == 200
    assert not ProbeRun.objects.exists()
    started = client.post(page, {"languages": ["en"], "samples": 1, "title": "Round 1"})
    assert started.status_code == 302
    assert ProbeRun.objects.get().title == "Round 1"


class _Resolver:
    """``socket.getaddrinfo`` for one made-up host name: ``answers`` in turn, the last repeated."""

    def __init__(self, host: str, answers: list[str]) -> None:
        self.host = host
        self.answers = answers
        self.calls = 0
        self._real = socket.getaddrinfo

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != self.host:
            return self._real(host, port, *args, **kwargs)
        address = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 80)))]


def test_a_host_rebound_to_loopback_at_connect_time_is_refused(
    network: Network, server: ChatServer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TIANPING = {**settings.TIANPING, "PROBE_ALLOW_HOSTS": []}
    port = server.url.split(":")[2].split("/")[0]
    resolver = _Resolver("rebind.example", ["93.184.216.34"])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    _save(network, f"http://rebind.example:{port}/v1")
    run = probe_run_start(actor=network.applicant_a, system=network.system_a, languages=["en"])
    # The run's own check still sees the public address; every later answer is loopback.
    resolver.answers = ["93.184.216.34", "127.0.0.1"]
    resolver.calls = 0
    probe_run_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ProbeRun.Status.FAILED, run.message
    assert "rebind.example" in run.error["en"] and "refused" in run.error["en"]
    assert resolver.calls == 2  # checked once before the run, resolved once to connect
    assert server.requests == 0


def test_an_allow_listed_loopback_network_is_reached_through_its_host_name(
    network: Network, server: ChatServer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TIANPING = {**settings.TIANPING, "PROBE_ALLOW_HOSTS": ["127.0.0.0/8"]}
    port = server.url.split(":")[2].split("/")[0]
    monkeypatch.setattr(socket, "getaddrinfo", _Resolver("chat.internal", ["127.0.0.1"]))
    _save(network, f"http://chat.internal:{port}/v1")
    run = probe_run_start(actor=network.applicant_a, system=network.system_a, languages=["en"])
    probe_run_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ProbeRun.Status.DONE, (run.message, run.error)
    assert server.requests > 0
    assert server.hosts == {f"chat.internal:{port}"}
