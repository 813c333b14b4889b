"""The inbox and the outbox in one process: signatures, idempotence, refusals, back-off."""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tianping.web.accounts.models import Organisation
from tianping.web.accounts.models import OrganisationKind as K
from tianping.web.accounts.services import organisation_create
from tianping.web.federation import services
from tianping.web.federation.models import Inbound, Outbound, Peer
from tianping.web.network.models import RiskReport

pytestmark = pytest.mark.django_db

INBOX = "/api/federation/inbox"


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def tree() -> dict[str, Organisation]:
    province = organisation_create(name="Guangdong", kind=K.PROVINCIAL_REGULATOR)
    stand_in = organisation_create(
        name="Shenzhen (peer)", kind=K.MUNICIPAL_REGULATOR, parent=province
    )
    return {"province": province, "stand_in": stand_in}


@pytest.fixture
def remote(monkeypatch: pytest.MonkeyPatch, tree: dict[str, Organisation]) -> Any:
    """Sign as the peer ``shenzhen``; receive as ``guangdong``, which knows its key."""
    peer_key, own_key = _key(), _key()

    def as_peer(envelope: dict[str, Any]) -> dict[str, Any]:
        monkeypatch.setenv("TIANPING_FEDERATION_NAME", "shenzhen")
        monkeypatch.setenv("TIANPING_KEY_FEDERATION", peer_key)
        try:
            return services.sign(envelope)
        finally:
            monkeypatch.setenv("TIANPING_FEDERATION_NAME", "guangdong")
            monkeypatch.setenv("TIANPING_KEY_FEDERATION", own_key)

    monkeypatch.setenv("TIANPING_FEDERATION_NAME", "shenzhen")
    monkeypatch.setenv("TIANPING_KEY_FEDERATION", peer_key)
    keys = services.public_keys()
    monkeypatch.setenv("TIANPING_FEDERATION_NAME", "guangdong")
    monkeypatch.setenv("TIANPING_KEY_FEDERATION", own_key)
    services.peer_configure(
        name="shenzhen",
        url="http://127.0.0.1:9",
        public_keys=keys,
        stand_in=tree["stand_in"],
    )
    return as_peer


def _report(**change: Any) -> dict[str, Any]:
    payload = {
        "kind": "incident",
        "category": "discrimination",
        "severity": "high",
        "visibility": "organisation",
        "affected_people": 3,
        "title": "Scorer refused older applicants",
        "description": "Call 13912345678 for the applicant's file.",
        "actions_taken": "",
        "origin": "Shenzhen Robotics",
    }
    payload.update(change)
    return {
        "v": 1,
        "id": str(uuid.uuid4()),
        "from": "shenzhen",
        "to": "guangdong",
        "kind": "risk_report",
        "sent": timezone.now().isoformat(),
        "payload": payload,
    }


def test_a_signed_report_is_applied_once_and_masked_again(client: Client, remote: Any) -> None:
    body = remote(_report())
    first = client.post(INBOX, body, content_type="application/json")
    assert first.status_code == 200 and first.json()["status"] == "accepted"
    again = client.post(INBOX, body, content_type="application/json")
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    (report,) = RiskReport.objects.all()
    assert report.assigned_to is not None and report.assigned_to.name == "Guangdong"
    assert "13912345678" not in report.description
    assert Inbound.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [
        (lambda b: b["message"].update(to="beijing"), 401),  # signature no longer matches
        (lambda b: b.update(signature=base64.b64encode(b"x" * 64).decode()), 401),
        (lambda b: b.update(signature="not base64!"), 401),
        (lambda b: b.update(extra=1), 400),
    ],
)
def test_an_altered_or_malformed_message_is_refused_and_changes_nothing(
    client: Client, remote: Any, change: Any, status: int
) -> None:
    body = remote(_report())
    change(body)
    answer = client.post(INBOX, body, content_type="application/json")
    assert answer.status_code == status, answer.content
    assert not RiskReport.objects.exists() and not Inbound.objects.exists()


def test_refusals_by_sender_addressee_time_and_content(client: Client, remote: Any) -> None:
    def post(envelope: dict[str, Any]) -> int:
        return client.post(INBOX, remote(envelope), content_type="application/json").status_code

    assert post({**_report(), "from": "hubei"}) == 401  # no such peer
    assert post({**_report(), "to": "beijing"}) == 403  # signed, but for another instance
    old = (timezone.now() - timedelta(days=30)).isoformat()
    assert post({**_report(), "sent": old}) == 400
    assert post(_report(category="astrology")) == 422
    assert post(_report(affected_people=-1)) == 422
    huge = remote(_report())
    huge["message"]["payload"]["affected_people"] = 10**30  # no canonical JSON for it
    assert client.post(INBOX, huge, content_type="application/json").status_code == 400
    assert client.post(INBOX, b"{", content_type="application/json").status_code == 400
    assert client.post(INBOX, b"a=1", content_type="text/plain").status_code == 415
    deep = b"[" * 5000 + b"]" * 5000
    assert client.post(INBOX, deep, content_type="application/json").status_code == 400
    Peer.objects.update(enabled=False)
    assert post(_report()) == 401  # a peer switched off is not heard
    assert not RiskReport.objects.exists()


def test_a_peer_is_reached_over_https_with_keys_that_decode(tree: dict[str, Organisation]) -> None:
    with pytest.raises(ValidationError) as refused:
        services.peer_configure(
            name="hubei",
            url="http://tianping.hubei.example",
            public_keys=["short"],
            stand_in=tree["province"],
        )
    assert set(refused.value.message_dict) == {"url", "public_keys"}
    assert not Peer.objects.exists()


def test_delivery_backs_off_retries_and_stops_on_a_refusal(
    remote: Any, tree: dict[str, Organisation]
) -> None:
    peer = Peer.objects.get()
    row = Outbound.objects.create(
        peer=peer, kind="risk_report", object_id=1, body={}, next_attempt_at=timezone.now()
    )
    answers = iter([httpx.Response(503), httpx.Response(200), httpx.Response(401)])
    client = httpx.Client(transport=httpx.MockTransport(lambda request: next(answers)))
    assert services.deliver_due(client=client) == {"delivered": 0, "retrying": 1, "refused": 0}
    row.refresh_from_db()
    assert row.attempts == 1 and row.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert services.deliver_due(client=client)["retrying"] == 0  # not due yet
    later = timezone.now() + timedelta(minutes=5)
    assert services.deliver_due(now=later, client=client)["delivered"] == 1
    second = Outbound.objects.create(
        peer=peer, kind="early_warning", object_id=2, body={}, next_attempt_at=timezone.now()
    )
    assert services.deliver_due(client=client)["refused"] == 1
    second.refresh_from_db()
    assert second.state == Outbound.State.REFUSED and "401" in second.last_error
