"""Ingestion of decision records: keys, idempotency, limits, back-pressure, personal fields."""

from __future__ import annotations

import json
import threading

import pytest
from django.test import Client

from tests.web.factories import bearer_client
from tianping.ledger import Ledger, audit_store, matches_salted_hash, parse_json, verify_receipt
from tianping.web.ledger.models import LedgerLog, LedgerSalt
from tianping.web.ledger.selectors import decision_log_find
from tianping.web.ledger.services import ledger_receipt, ledger_salt_erase
from tianping.web.ledger.signing import ledger_signer
from tianping.web.ledger.store import DatabaseStore
from tianping.web.operations.api import (
    ERR_BUSY,
    ERR_CONFLICT,
    ERR_OTHER_SYSTEM,
    ingest_gate,
)
from tianping.web.operations.keys import system_api_key_create, system_api_key_revoke
from tianping.web.operations.models import IngestBatch

from .conftest import Keyed, decisions_url, items, post_batch


def test_a_batch_is_acknowledged_with_its_ledger_indices(keyed: Keyed) -> None:
    response = post_batch(keyed.raw, keyed.system_id, items(3))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["indices"] == [0, 1, 2]
    assert (body["first_index"], body["count"], body["tree_size"], body["duplicate"]) == (
        0,
        3,
        3,
        False,
    )
    second = post_batch(keyed.raw, keyed.system_id, items(2, start=3), key="batch-2")
    assert second.json()["indices"] == [3, 4]
    log = decision_log_find(keyed.network.system_a)
    assert log is not None and log.size == 5
    leaves = DatabaseStore(log).read_leaves(0, 5)
    assert parse_json(leaves[3]) == {"case": 3, "decision": "refer"}


def test_a_repeated_idempotency_key_returns_the_original_indices_and_appends_nothing(
    keyed: Keyed,
) -> None:
    first = post_batch(keyed.raw, keyed.system_id, items(4), key="same")
    again = post_batch(keyed.raw, keyed.system_id, items(4), key="same")
    assert again.status_code == 200
    assert again.json()["indices"] == first.json()["indices"]
    assert again.json()["duplicate"] is True
    log = decision_log_find(keyed.network.system_a)
    assert log is not None and log.size == 4
    assert IngestBatch.objects.filter(log=log).count() == 1


def test_a_reused_idempotency_key_with_other_records_is_a_conflict(keyed: Keyed) -> None:
    post_batch(keyed.raw, keyed.system_id, items(2), key="k")
    response = post_batch(keyed.raw, keyed.system_id, items(2, start=7), key="k")
    assert response.status_code == 409
    assert response.json()["detail"] == str(ERR_CONFLICT)


def test_only_the_systems_own_active_key_is_accepted(keyed: Keyed) -> None:
    n = keyed.network
    other_key, other_raw = system_api_key_create(actor=n.applicant_b, system=n.system_b, name="b")
    assert post_batch(None, keyed.system_id, items(1)).status_code == 401
    assert post_batch("tpk_not-a-key", keyed.system_id, items(1)).status_code == 401
    wrong = post_batch(other_raw, keyed.system_id, items(1))
    assert wrong.status_code == 403
    assert wrong.json()["detail"] == str(ERR_OTHER_SYSTEM)
    # A person's API token is not a system key, and neither is a session.
    person = bearer_client(n.applicant_a).post(
        decisions_url(keyed.system_id),
        json.dumps({"records": items(1)}),
        content_type="application/json",
        headers={"Idempotency-Key": "p"},
    )
    assert person.status_code == 401
    system_api_key_revoke(actor=n.applicant_a, system=n.system_a, key_id=keyed.key.pk)
    assert post_batch(keyed.raw, keyed.system_id, items(1)).status_code == 401
    assert not LedgerLog.objects.filter(system=n.system_a).exists()
    assert other_key.system_id == n.system_b.pk


@pytest.mark.parametrize(
    ("body", "headers_key", "status"),
    [
        (b"not json", "k", 422),
        (b'{"records": []}', "k", 422),
        (b'{"records": {}}', "k", 422),
        (b'{"records": [{"record": [1, 2]}]}', "k", 422),
        (b'{"records": [{"record": {"a": 1, "a": 2}}]}', "k", 422),
        (b'{"records": [{"record": {"big": 9007199254740993}}]}', "k", 422),
        (b'{"records": [{"record": {"a": 1}, "extra": 1}]}', "k", 422),
        (b'{"records": [{"record": {"a": 1}, "personal_fields": [""]}]}', "k", 422),
        (b'{"records": [{"record": {"a": "\\ud800"}}]}', "k", 422),
        (b'{"records": [{"record": {"a": 1}}]}', None, 422),
        (b'{"records": [{"record": {"a": 1}}]}', "has space", 422),
        (b'{"records": [{"record": {"a": 1}}], "more": 1}', "k", 422),
        (b"[]", "k", 422),
    ],
)
def test_malformed_batches_are_refused_with_4xx_and_change_nothing(
    keyed: Keyed, body: bytes, headers_key: str | None, status: int
) -> None:
    response = post_batch(keyed.raw, keyed.system_id, [], key=headers_key, body=body)
    assert response.status_code == status, response.content
    assert not LedgerLog.objects.filter(system=keyed.network.system_a, size__gt=0).exists()


def test_size_limits_answer_413_or_422(keyed: Keyed, settings: object) -> None:
    settings.TIANPING = {  # type: ignore[attr-defined]
        **settings.TIANPING,  # type: ignore[attr-defined]
        "INGEST_MAX_RECORDS": 5,
        "INGEST_MAX_BYTES": 800,
        "INGEST_MAX_RECORD_BYTES": 200,
    }
    assert post_batch(keyed.raw, keyed.system_id, items(6)).status_code == 422
    assert post_batch(keyed.raw, keyed.system_id, items(1, pad="x" * 300)).status_code == 422
    big = post_batch(keyed.raw, keyed.system_id, items(5, pad="y" * 150))
    assert big.status_code == 413
    assert post_batch(keyed.raw, keyed.system_id, items(5)).status_code == 201


def test_a_full_gate_answers_429_with_retry_after(keyed: Keyed, settings: object) -> None:
    settings.TIANPING = {  # type: ignore[attr-defined]
        **settings.TIANPING,  # type: ignore[attr-defined]
        "INGEST_CONCURRENCY": 1,
        "INGEST_QUEUE": 0,
        "INGEST_RETRY_AFTER_S": 3,
    }
    gate = ingest_gate()
    with gate.slot():  # another batch is being committed
        response = post_batch(keyed.raw, keyed.system_id, items(2))
    assert response.status_code == 429
    assert response["Retry-After"] == "3"
    assert response.json()["detail"] == ERR_BUSY.format(seconds=3)
    assert gate.refused >= 1
    assert post_batch(keyed.raw, keyed.system_id, items(2)).status_code == 201


def test_a_waiting_batch_gets_the_slot_when_it_frees_within_the_wait(
    keyed: Keyed, settings: object
) -> None:
    settings.TIANPING = {  # type: ignore[attr-defined]
        **settings.TIANPING,  # type: ignore[attr-defined]
        "INGEST_CONCURRENCY": 1,
        "INGEST_QUEUE": 1,
        "INGEST_QUEUE_WAIT_S": 5,
    }
    gate = ingest_gate()
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with gate.slot():
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    threading.Timer(0.2, release.set).start()
    response = post_batch(keyed.raw, keyed.system_id, items(1))
    holder.join()
    assert response.status_code == 201


def test_personal_fields_enter_the_ledger_as_salted_hashes_and_can_be_erased(keyed: Keyed) -> None:
    records = [
        {
            "record": {"case": 1, "applicant": "李雷", "decision": "refer"},
            "personal_fields": ["applicant"],
        },
        {"record": {"case": 2, "decision": "approve"}},
    ]
    response = post_batch(keyed.raw, keyed.system_id, records)
    assert response.status_code == 201
    log = decision_log_find(keyed.network.system_a)
    assert log is not None
    leaf = DatabaseStore(log).read_leaves(0, 1)[0]
    assert "李雷".encode() not in leaf
    salt = bytes(LedgerSalt.objects.get(log=log, idx=0).salt)
    assert matches_salted_hash(parse_json(leaf)["applicant"], "李雷", salt)
    assert not LedgerSalt.objects.filter(log=log, idx=1).exists()  # nothing personal in it
    receipt = ledger_receipt(log=log, index=0)
    assert ledger_salt_erase(log=log, index=0)
    assert not LedgerSalt.objects.filter(log=log, idx=0).exists()
    # The entry, its proof and the signed checkpoint are untouched by the erasure.
    assert verify_receipt(receipt, ledger_signer(log.origin).verifier).size == 2
    assert ledger_receipt(log=log, index=0).leaf == leaf


def test_checkpoints_are_signed_as_batches_arrive_once_the_interval_passed(
    keyed: Keyed, settings: object
) -> None:
    post_batch(keyed.raw, keyed.system_id, items(3), key="a")
    log = decision_log_find(keyed.network.system_a)
    assert log is not None
    ledger = Ledger(DatabaseStore(log))
    assert [c.checkpoint.size for c in ledger.checkpoints()] == [3]  # the first batch: at once
    post_batch(keyed.raw, keyed.system_id, items(2, start=3), key="b")
    assert [c.checkpoint.size for c in ledger.checkpoints()] == [3]  # within the interval
    settings.TIANPING = {**settings.TIANPING, "CHECKPOINT_INTERVAL_S": 0}  # type: ignore[attr-defined]
    post_batch(keyed.raw, keyed.system_id, items(1, start=5), key="c")
    assert [c.checkpoint.size for c in ledger.checkpoints()] == [3, 6]
    assert audit_store(DatabaseStore(log), key=ledger_signer(log.origin).verifier).size == 6


def test_an_unknown_system_answers_like_a_foreign_one(keyed: Keyed) -> None:
    response = post_batch(keyed.raw, 10**9, items(1))
    assert response.status_code == 403


def test_the_switch_endpoint_answers_the_state_and_304_while_unchanged(keyed: Keyed) -> None:
    client = Client(headers={"Authorization": f"Bearer {keyed.raw}"})
    url = f"/api/ingest/systems/{keyed.system_id}/switch"
    first = client.get(url)
    assert first.status_code == 200
    body = first.json()
    assert (body["state"], body["allowed"], body["fail_safe"], body["version"]) == (
        "active",
        True,
        "human",
        0,
    )
    assert first["Cache-Control"] == "no-store"
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert Client().get(url).status_code == 401
