"""No raw personal data enters a leaf: every value and key is screened before it is built."""

from __future__ import annotations

import json

import pytest

from tianping.ledger import (
    SALTED_HASH_KEY,
    LeafError,
    PersonalDataError,
    make_leaf,
    matches_salted_hash,
    prepare_leaf,
)
from tianping.ledger._messages import ERR_ON_PERSONAL_DATA, ERR_PERSONAL_DATA

# Valid by their check digits / formats (the resident ID is GB 11643's published example).
RESIDENT_ID = "11010519491231002X"
MOBILE = "13912345678"
CARD = "4539578763621486"  # Luhn-valid Visa test number
USCC = "91350100M000100Y43"
EMAIL = "li.lei@example.com"


@pytest.mark.parametrize(
    ("record", "pointer", "entity"),
    [
        ({"decision": "refer", "id_number": RESIDENT_ID}, "/id_number", "cn_resident_id"),
        ({"decision": "refer", "applicant": {"phone": MOBILE}}, "/applicant/phone", "cn_mobile"),
        ({"decision": "refer", "phone": int(MOBILE)}, "/phone", "cn_mobile"),
        ({"payment": {"cards": ["x", CARD]}}, "/payment/cards/1", "bank_card"),
        ({"company": USCC}, "/company", "cn_uscc"),
        ({"notes": f"contact {EMAIL} tomorrow"}, "/notes", "email"),
        ({"a/b": {"c~d": RESIDENT_ID}}, "/a~1b/c~0d", "cn_resident_id"),
    ],
)
def test_undeclared_personal_data_is_refused_by_pointer_and_entity(
    record: dict[str, object], pointer: str, entity: str
) -> None:
    with pytest.raises(PersonalDataError) as raised:
        make_leaf(record)
    [found] = raised.value.found
    assert (found.pointer, found.entity) == (pointer, entity)  # type: ignore[attr-defined]
    message = raised.value.message
    assert message == ERR_PERSONAL_DATA.format(found=f"{pointer} ({entity})")
    for raw in (RESIDENT_ID, MOBILE, CARD, USCC, EMAIL):
        assert raw not in message


def test_personal_data_in_a_key_is_refused_even_when_hashing() -> None:
    with pytest.raises(PersonalDataError) as raised:
        prepare_leaf({"by_phone": {MOBILE: 1}}, on_personal_data="hash")
    assert MOBILE not in raised.value.message
    assert "a key of /by_phone" in raised.value.message


def test_declared_personal_fields_are_not_refused() -> None:
    leaf = make_leaf({"applicant": {"id": RESIDENT_ID}}, personal_fields=["applicant"],
                     salt=bytes(16))  # fmt: skip
    assert RESIDENT_ID.encode() not in leaf


def test_hash_mode_hashes_each_detected_value_in_place() -> None:
    record = {"case": 7, "contact": {"phone": MOBILE, "name": "Li"}, "cards": [CARD]}
    prepared = prepare_leaf(record, on_personal_data="hash")
    assert prepared.salt is not None
    entry = json.loads(prepared.data)
    assert entry["case"] == 7 and entry["contact"]["name"] == "Li"
    assert set(entry["contact"]["phone"]) == {SALTED_HASH_KEY}
    assert matches_salted_hash(entry["contact"]["phone"], MOBILE, prepared.salt)
    assert matches_salted_hash(entry["cards"][0], CARD, prepared.salt)
    assert sorted(p.pointer for p in prepared.detected) == ["/cards/0", "/contact/phone"]
    for raw in (MOBILE, CARD):
        assert raw.encode() not in prepared.data


def test_clean_records_pass_unchanged_and_need_no_salt() -> None:
    record = {"case": 1733500000000, "score": 0.93, "at": "2026-12-06T10:00:00Z",
              "model": "credit-v2", "order_no": "6222021234567890128"}  # fmt: skip
    prepared = prepare_leaf(record)
    assert prepared.salt is None and prepared.detected == ()
    assert json.loads(prepared.data) == record


def test_an_unknown_policy_is_an_error() -> None:
    with pytest.raises(LeafError) as raised:
        prepare_leaf({"a": 1}, on_personal_data="ignore")  # type: ignore[arg-type]
    assert raised.value.message == ERR_ON_PERSONAL_DATA.format(value="ignore")
