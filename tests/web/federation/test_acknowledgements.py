"""Acknowledgements of a federated warning travel back to the instance that issued it."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.web.factories import PASSWORD, make_user
from tianping.web.accounts.models import Organisation, Role
from tianping.web.accounts.models import OrganisationKind as K
from tianping.web.accounts.services import organisation_create
from tianping.web.federation import services
from tianping.web.federation.models import Inbound, Outbound, Peer, RemoteAcknowledgement
from tianping.web.network.models import EarlyWarning
from tianping.web.network.services import warning_acknowledge, warning_issue

pytestmark = pytest.mark.django_db

INBOX = "/api/federation/inbox"
OWN = "guangdong"
Sign = Callable[[str, dict[str, Any]], dict[str, Any]]


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def peers(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Organisation], None]:
    """``add(name, stand_in)`` configures a peer; ``sign`` (below) signs as it."""
    keys: dict[str, str] = {}
    own_key = _key()
    monkeypatch.setenv("TIANPING_FEDERATION_NAME", OWN)
    monkeypatch.setenv("TIANPING_KEY_FEDERATION", own_key)

    def add(name: str, stand_in: Organisation) -> None:
        keys[name] = _key()
        monkeypatch.setenv("TIANPING_FEDERATION_NAME", name)
        monkeypatch.setenv("TIANPING_KEY_FEDERATION", keys[name])
        public = services.public_keys()
        monkeypatch.setenv("TIANPING_FEDERATION_NAME", OWN)
        monkeypatch.setenv("TIANPING_KEY_FEDERATION", own_key)
        services.peer_configure(
            name=name, url="http://127.0.0.1:9", public_keys=public, stand_in=stand_in
        )

    def sign(name: str, envelope: dict[str, Any]) -> dict[str, Any]:
        monkeypatch.setenv("TIANPING_FEDERATION_NAME", name)
        monkeypatch.setenv("TIANPING_KEY_FEDERATION", keys[name])
        try:
            return services.sign(envelope)
        finally:
            monkeypatch.setenv("TIANPING_FEDERATION_NAME", OWN)
            monkeypatch.setenv("TIANPING_KEY_FEDERATION", own_key)

    add.sign = sign  # type: ignore[attr-defined]
    return add


def _envelope(sender: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "v": 1,
        "id": str(uuid.uuid4()),
        "from": sender,
        "to": OWN,
        "kind": kind,
        "sent": timezone.now().isoformat(),
        "payload": payload,
    }


def _ack(warning: str, **change: Any) -> dict[str, Any]:
    payload = {
        "warning": warning,
        "organisation": "Shenzhen Robotics",
        "region": "440300",
        "acknowledged_at": timezone.now().isoformat(),
        "recipients": 5,
    }
    payload.update(change)
    return payload


@pytest.fixture
def issued(peers: Any) -> dict[str, Any]:
    """This instance (the province) sent a warning to ``shenzhen``; ``hubei`` is a peer
    outside the warning's reach."""
    province = organisation_create(name="Guangdong", kind=K.PROVINCIAL_REGULATOR)
    city = organisation_create(name="Shenzhen (peer)", kind=K.MUNICIPAL_REGULATOR, parent=province)
    other = organisation_create(name="Hubei (peer)", kind=K.PROVINCIAL_REGULATOR)
    peers("shenzhen", city)
    peers("hubei", other)
    now = timezone.now()
    warning = EarlyWarning.objects.create(
        issuer=province,
        title="Credit scorers leaking scores",
        body="Check who can see a score.",
        category="privacy_leak",
        severity="high",
        acknowledge_by=now,
        issued_at=now,
    )
    assert services.enqueue() == 1
    sent = Outbound.objects.get(kind="early_warning")
    assert sent.peer.name == "shenzhen"
    return {"warning": warning, "message_id": str(sent.message_id), "province": province}


def test_an_acknowledgement_from_the_peer_is_applied_once_and_shown_to_the_issuer(
    client: Client, peers: Any, issued: dict[str, Any]
) -> None:
    def post(body: dict[str, Any]) -> Any:
        return client.post(INBOX, body, content_type="application/json")

    body = peers.sign("shenzhen", _envelope("shenzhen", "warning_ack", _ack(issued["message_id"])))
    assert post(body).json()["status"] == "accepted"
    assert post(body).json()["status"] == "duplicate"
    # Sent again under a new message id: recorded once per organisation all the same.
    again = peers.sign("shenzhen", _envelope("shenzhen", "warning_ack", _ack(issued["message_id"])))
    assert post(again).status_code == 200
    other = _ack(issued["message_id"], organisation="Shenzhen Lending", region="")
    assert (
        post(peers.sign("shenzhen", _envelope("shenzhen", "warning_ack", other))).status_code == 200
    )
    rows = RemoteAcknowledgement.objects.filter(warning=issued["warning"])
    assert sorted(rows.values_list("organisation_name", "region")) == [
        ("Shenzhen Lending", ""),
        ("Shenzhen Robotics", "440300"),
    ]
    make_user("regulator_gd", organisation=issued["province"], role=Role.REGULATOR)
    assert client.login(username="regulator_gd", password=PASSWORD)
    url = reverse("network:warning_detail", args=[issued["warning"].pk])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(url).content.decode()
    assert "via shenzhen: 2 of 5 acknowledged" in text and "Shenzhen Lending" in text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "经 shenzhen：5 个中 2 个已确认" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"warning": str(uuid.uuid4())}, 422),  # this instance sent no such warning
        ({"recipients": 0}, 422),
        ({"recipients": True}, 422),
        ({"region": "Pudong"}, 422),
        ({"organisation": " "}, 422),
        ({"acknowledged_at": "yesterday"}, 422),
        ({"acknowledged_at": "2026-01-01T08:00:00"}, 422),  # no zone
        ({"user": "zhang.wei"}, 422),  # nothing beyond the five fields
    ],
)
def test_a_malformed_or_unknown_acknowledgement_is_refused_and_changes_nothing(
    client: Client, peers: Any, issued: dict[str, Any], change: dict[str, Any], status: int
) -> None:
    payload = {**_ack(issued["message_id"]), **change}
    body = peers.sign("shenzhen", _envelope("shenzhen", "warning_ack", payload))
    answer = client.post(INBOX, body, content_type="application/json")
    assert answer.status_code == status, answer.content
    assert not RemoteAcknowledgement.objects.exists() and not Inbound.objects.exists()


def test_an_acknowledgement_from_a_peer_the_warning_was_not_sent_to_is_refused(
    client: Client, peers: Any, issued: dict[str, Any]
) -> None:
    body = peers.sign("hubei", _envelope("hubei", "warning_ack", _ack(issued["message_id"])))
    answer = client.post(INBOX, body, content_type="application/json")
    assert answer.status_code == 403, answer.content
    assert not RemoteAcknowledgement.objects.exists() and not Inbound.objects.exists()


def test_a_received_warning_acknowledged_here_is_queued_for_its_issuer_once(
    client: Client, peers: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """This instance (the city) received the province's warning; a recipient acknowledges."""
    province = organisation_create(name="Guangdong (peer)", kind=K.PROVINCIAL_REGULATOR)
    city = organisation_create(name="Shenzhen", kind=K.MUNICIPAL_REGULATOR, parent=province)
    firm = organisation_create(
        name="Shenzhen Robotics", kind=K.ENTERPRISE, parent=city, region_code="440300"
    )
    organisation_create(name="Shenzhen Lending", kind=K.ENTERPRISE, parent=city)
    peers("province", province)
    values = {
        "title": "Credit scorers leaking scores",
        "body": "Check who can see a score.",
        "category": "privacy_leak",
        "severity": "high",
        "sector": "",
        "kinds": [],
    }
    envelope = _envelope("province", "early_warning", values)
    body = peers.sign("province", envelope)
    assert client.post(INBOX, body, content_type="application/json").status_code == 200
    warning = EarlyWarning.objects.get()
    user = make_user("zhang.wei", organisation=firm, role=Role.APPLICANT)
    with django_capture_on_commit_callbacks(execute=True):
        warning_acknowledge(actor=user, warning=warning)  # type: ignore[arg-type]
    (sent,) = Outbound.objects.filter(kind="warning_ack")
    assert sent.peer.name == "province" and sent.body["message"]["to"] == "province"
    payload = sent.body["message"]["payload"]
    assert payload["warning"] == envelope["id"]  # the message id, not a local key
    assert (payload["organisation"], payload["region"], payload["recipients"]) == (
        "Shenzhen Robotics",
        "440300",
        2,
    )
    assert "zhang.wei" not in json.dumps(sent.body)
    assert services.enqueue() == 0  # queued once
    # Had the handler never run, the periodic pass queues it.
    sent.delete()
    assert services.enqueue() == 1
    assert Outbound.objects.filter(kind="warning_ack").count() == 1


def test_a_local_warning_acknowledged_sends_nothing(
    peers: Any, django_capture_on_commit_callbacks: Any
) -> None:
    province = organisation_create(name="Guangdong", kind=K.PROVINCIAL_REGULATOR)
    firm = organisation_create(name="Guangzhou Robotics", kind=K.ENTERPRISE, parent=province)
    peers("hubei", organisation_create(name="Hubei (peer)", kind=K.PROVINCIAL_REGULATOR))
    regulator = make_user("regulator_gd", organisation=province, role=Role.REGULATOR)
    user = make_user("li.na", organisation=firm)
    warning = warning_issue(
        actor=regulator,  # type: ignore[arg-type]
        issuer=province,
        title="Check scores",
        body="Check who can see a score.",
        category="privacy_leak",
        severity="high",
    )
    with django_capture_on_commit_callbacks(execute=True):
        warning_acknowledge(actor=user, warning=warning)  # type: ignore[arg-type]
    assert services.enqueue() == 0
    assert not Outbound.objects.filter(kind="warning_ack").exists()
    assert Peer.objects.count() == 1


def test_a_warning_crosses_with_its_finer_filters_and_a_bad_one_is_refused(
    client: Client, peers: Any
) -> None:
    """The system type, reported category and listed activity travel with a warning (the
    receiving instance narrows by them: ``tests/web/network/test_warnings.py``); a code the
    receiver does not know refuses the message and changes nothing."""
    province = organisation_create(name="Guangdong", kind=K.PROVINCIAL_REGULATOR)
    stand_in = organisation_create(
        name="Shenzhen (peer)", kind=K.MUNICIPAL_REGULATOR, parent=province
    )
    peers("shenzhen", stand_in)
    now = timezone.now()
    warning = EarlyWarning.objects.create(
        issuer=province,
        title="Recommenders",
        body="Check the ranking rules.",
        category="other",
        severity="low",
        system_type="recommender",
        report_category="privacy_leak",
        listed_activity="public_opinion_mobilisation",
        acknowledge_by=now,
        issued_at=now,
    )
    assert services.enqueue() == 1
    (sent,) = Outbound.objects.filter(kind="early_warning", object_id=warning.pk)
    payload = sent.body["message"]["payload"]
    assert (payload["system_type"], payload["report_category"], payload["listed_activity"]) == (
        "recommender",
        "privacy_leak",
        "public_opinion_mobilisation",
    )

    city = organisation_create(name="Shenzhen", kind=K.MUNICIPAL_REGULATOR)
    peers("province", city)
    bad = {**payload, "system_type": "astrology"}
    body = peers.sign("province", _envelope("province", "early_warning", bad))
    answer = client.post(INBOX, body, content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert EarlyWarning.objects.count() == 1 and not Inbound.objects.exists()
