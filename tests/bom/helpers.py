"""Shared builders of the supply-chain tests: BOMs, certificates and status lists."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tianping.certification import (
    SigningKey,
    StatusList,
    StatusPurpose,
    certificate_credential,
    issue_credential,
    load_levels,
    status_entry,
    status_list_credential,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_BOM = ROOT / "examples" / "bom" / "ai-bom.json"
EXAMPLE_SYSTEM = ROOT / "examples" / "bom" / "system.yaml"
CERTIFICATES = ROOT / "examples" / "certificates"
KEY = SigningKey(bytes(range(32)))
OTHER = SigningKey(bytes(range(1, 33)))
ISSUED = datetime(2026, 7, 1, tzinfo=UTC)
NOW = datetime(2027, 1, 1, tzinfo=UTC)
REVOCATION = "https://tianping.example/status/r/1"
SUSPENSION = "https://tianping.example/status/s/1"
MODEL = "41b158e0d6a86f7798aa5ccc597e324037ae2be1e361d0d257f73f2e3b87a823"
DATA = "a15f330d5fad2414058ac7a1a2888a7848bd49ea2c4471ada89c9e66aab38f7f"


def example_bom() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(EXAMPLE_BOM.read_text("utf-8"))
    return copy.deepcopy(document)


def certificate(
    subject: dict[str, Any],
    *,
    index: int = 7,
    key: SigningKey = KEY,
    valid_from: datetime = ISSUED,
    number: int = 1,
) -> dict[str, Any]:
    unsigned = certificate_credential(
        credential_id=f"urn:uuid:11111111-2222-4333-8444-{number:012d}",
        issuer=key.did_key,
        level=load_levels().level("basic_compliance"),
        subject={"id": f"urn:tianping:system:{number}", **subject},
        valid_from=valid_from,
        status=[
            status_entry(REVOCATION, index, "revocation"),
            status_entry(SUSPENSION, index, "suspension"),
        ],
    )
    return issue_credential(unsigned, key, created=valid_from)


def status_list(url: str, purpose: StatusPurpose, *bits: int) -> dict[str, Any]:
    status = StatusList.empty()
    for bit in bits:
        status = status.set(bit)
    unsigned = status_list_credential(url, KEY.did_key, purpose, status, valid_from=ISSUED)
    return issue_credential(unsigned, KEY, created=ISSUED)


def lists(revoked: tuple[int, ...] = (), suspended: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    return [
        status_list(REVOCATION, "revocation", *revoked),
        status_list(SUSPENSION, "suspension", *suspended),
    ]
