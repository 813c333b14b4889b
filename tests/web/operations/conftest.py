"""Fixtures of the operations tests: a system API key for system A, a client that sends it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from tests.web.factories import Network
from tianping.web.operations.keys import system_api_key_create
from tianping.web.operations.models import SystemApiKey


@dataclass(frozen=True)
class Keyed:
    """The network, and a system API key of system A (its raw value and its row)."""

    network: Network
    raw: str
    key: SystemApiKey

    @property
    def system_id(self) -> int:
        return self.network.system_a.pk


@pytest.fixture
def keyed(network: Network) -> Keyed:
    key, raw = system_api_key_create(actor=network.applicant_a, system=network.system_a, name="ci")
    return Keyed(network=network, raw=raw, key=key)


def decisions_url(system_id: int) -> str:
    return f"/api/ingest/systems/{system_id}/decisions"


def switch_url(system_id: int) -> str:
    return f"/api/ingest/systems/{system_id}/switch"


def post_batch(
    raw_key: str | None,
    system_id: int,
    records: list[dict[str, Any]],
    *,
    key: str | None = "batch-1",
    body: bytes | None = None,
) -> Any:
    """POST a batch as an AI system would; ``records`` are ``{"record": …}`` items."""
    headers: dict[str, str] = {}
    if raw_key is not None:
        headers["Authorization"] = f"Bearer {raw_key}"
    if key is not None:
        headers["Idempotency-Key"] = key
    content = body if body is not None else json.dumps({"records": records}).encode()
    return Client(headers=headers).post(
        decisions_url(system_id), content, content_type="application/json"
    )


def items(count: int, *, start: int = 0, **extra: Any) -> list[dict[str, Any]]:
    """``count`` decision records as batch items."""
    return [
        {"record": {"case": n, "decision": "approve" if n % 3 else "refer", **extra}}
        for n in range(start, start + count)
    ]
