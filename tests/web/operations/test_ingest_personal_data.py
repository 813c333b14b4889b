"""Raw personal data never reaches a decision log or the platform log, declared or not."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from tianping.ledger import SALTED_HASH_KEY, matches_salted_hash, parse_json
from tianping.web.ledger.models import LedgerSalt
from tianping.web.ledger.selectors import decision_log_find, platform_log_find
from tianping.web.ledger.services import ledger_record_action
from tianping.web.ledger.store import DatabaseStore
from tianping.web.operations.keys import system_api_key_create
from tianping.web.operations.models import PersonalDataPolicy

from .conftest import Keyed, post_batch

RESIDENT_ID = "11010519491231002X"
MOBILE = "13912345678"


def _undeclared() -> list[dict[str, object]]:
    return [
        {"record": {"case": 1, "decision": "approve"}},
        {"record": {"case": 2, "decision": "refer", "applicant": {"id": RESIDENT_ID}}},
        {"record": {"case": 3, "decision": "refer", "phone": MOBILE}},
    ]


def _post(raw: str, system_id: int, records: list[dict[str, object]], language: str) -> object:
    client = Client(
        headers={
            "Authorization": f"Bearer {raw}",
            "Idempotency-Key": language,
            "Accept-Language": language,
        }
    )
    return client.post(
        f"/api/ingest/systems/{system_id}/decisions",
        json.dumps({"records": records}),
        content_type="application/json",
    )


def test_a_batch_with_undeclared_personal_data_is_refused_by_field_and_kind(keyed: Keyed) -> None:
    response: Any = _post(keyed.raw, keyed.system_id, _undeclared(), "en")
    assert response.status_code == 422, response.content
    text = response.content.decode()
    assert "/applicant/id" in text and "resident identity card number" in text
    assert RESIDENT_ID not in text and MOBILE not in text
    log = decision_log_find(keyed.network.system_a)
    assert log is None or log.size == 0  # nothing of the batch was written


def test_the_refusal_is_in_the_requests_language(keyed: Keyed) -> None:
    chinese: Any = _post(keyed.raw, keyed.system_id, _undeclared()[1:2], "zh-hans")
    assert chinese.status_code == 422
    text = json.loads(chinese.content)["detail"]["records"][0]
    assert "居民身份证号码" in text and "个人信息" in text and RESIDENT_ID not in text


def test_a_key_that_hashes_detected_values_keeps_the_records_without_the_values(
    keyed: Keyed,
) -> None:
    n = keyed.network
    _key, raw = system_api_key_create(
        actor=n.applicant_a, system=n.system_a, name="hash", personal_data=PersonalDataPolicy.HASH
    )
    response = post_batch(raw, keyed.system_id, _undeclared())
    assert response.status_code == 201, response.content
    log = decision_log_find(n.system_a)
    assert log is not None
    leaves = DatabaseStore(log).read_leaves(0, 3)
    assert not any(RESIDENT_ID.encode() in leaf or MOBILE.encode() in leaf for leaf in leaves)
    second = parse_json(leaves[1])
    assert set(second["applicant"]["id"]) == {SALTED_HASH_KEY}
    salt = bytes(LedgerSalt.objects.get(log=log, idx=1).salt)
    assert matches_salted_hash(second["applicant"]["id"], RESIDENT_ID, salt)
    assert not LedgerSalt.objects.filter(log=log, idx=0).exists()


def test_a_declared_personal_field_the_record_lacks_is_refused(keyed: Keyed) -> None:
    items = [{"record": {"case": 1}, "personal_fields": ["applicant"]}]
    response: Any = _post(keyed.raw, keyed.system_id, items, "en")
    assert response.status_code == 422
    assert "does not have" in str(response.json()["detail"])


def test_personal_data_typed_into_a_platform_action_enters_only_as_a_hash(keyed: Keyed) -> None:
    n = keyed.network
    index = ledger_record_action(
        actor=n.applicant_a,
        kind="switch_changed",
        subject=n.system_a,
        payload={"reason": f"call the duty officer on {MOBILE}", "state": "paused"},
    )
    log = platform_log_find()
    assert log is not None
    leaf = DatabaseStore(log).read_leaves(index, index + 1)[0]
    assert MOBILE.encode() not in leaf
    entry = parse_json(leaf)
    assert entry["payload"]["state"] == "paused"
    salt = bytes(LedgerSalt.objects.get(log=log, idx=index).salt)
    assert matches_salted_hash(entry["payload"]["reason"], f"call the duty officer on {MOBILE}",
                               salt)  # fmt: skip
