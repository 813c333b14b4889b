"""Leaves: canonical JSON, personal fields only as salted hashes, erasure keeps the tree."""

from __future__ import annotations

import hashlib
import json
import secrets

import pytest

from tianping.ledger import (
    MIN_SALT_BYTES,
    SALTED_HASH_KEY,
    LeafError,
    Ledger,
    MemoryStore,
    NoteSigner,
    canonical_json,
    make_leaf,
    matches_salted_hash,
    salted_hash,
    verify_receipt,
)
from tianping.ledger._messages import (
    ERR_LEAF_NOT_CANONICAL,
    ERR_PERSONAL_FIELD_ABSENT,
    ERR_SALT_MISSING,
    ERR_SALT_TOO_SHORT,
)

from .conftest import ORIGIN

RECORD = {
    "system": "credit-42",
    "decision": "refer",
    "applicant": {"name": "Li Lei", "id_number": "110101199003074512"},
    "phone": "+86 138 0000 0000",
}


def test_personal_fields_become_salted_hashes_and_nothing_else_changes() -> None:
    salt = secrets.token_bytes(16)
    leaf = make_leaf(RECORD, personal_fields=["applicant", "phone"], salt=salt)
    stored = json.loads(leaf)
    assert stored["system"] == "credit-42" and stored["decision"] == "refer"
    for field in ("applicant", "phone"):
        assert set(stored[field]) == {SALTED_HASH_KEY}
        assert matches_salted_hash(stored[field], RECORD[field], salt)
    assert b"Li Lei" not in leaf and b"110101" not in leaf and b"138" not in leaf


def test_the_salted_hash_is_sha256_of_salt_and_canonical_value() -> None:
    salt = bytes(range(16))
    expected = hashlib.sha256(salt + canonical_json(RECORD["applicant"])).hexdigest()
    assert salted_hash(RECORD["applicant"], salt) == expected


def test_a_different_salt_gives_an_unlinkable_hash() -> None:
    first = make_leaf(RECORD, personal_fields=["phone"], salt=secrets.token_bytes(16))
    second = make_leaf(RECORD, personal_fields=["phone"], salt=secrets.token_bytes(16))
    assert json.loads(first)["phone"] != json.loads(second)["phone"]
    assert not matches_salted_hash(json.loads(first)["phone"], "+86 139 0000 0000", bytes(16))


def test_personal_fields_need_a_long_enough_salt() -> None:
    with pytest.raises(LeafError) as missing:
        make_leaf(RECORD, personal_fields=["phone"])
    assert missing.value.message == ERR_SALT_MISSING.format(fields="phone")
    with pytest.raises(LeafError) as short:
        make_leaf(RECORD, personal_fields=["phone"], salt=b"pepper")
    assert short.value.message == ERR_SALT_TOO_SHORT.format(minimum=MIN_SALT_BYTES, length=6)


def test_records_are_canonical() -> None:
    assert make_leaf({"b": 1, "a": [1.0, "x"]}) == b'{"a":[1,"x"],"b":1}'


def test_a_personal_field_absent_from_the_record_is_an_error() -> None:
    with pytest.raises(LeafError) as raised:
        make_leaf({"b": 1}, personal_fields=["email"], salt=bytes(16))
    assert raised.value.message == ERR_PERSONAL_FIELD_ABSENT.format(field="email")


def test_a_record_must_be_an_object() -> None:
    with pytest.raises(LeafError):
        make_leaf(["not", "an", "object"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "leaf",
    [b'{"b":1,"a":2}', b'{"a": 1}', b"[1,2]", b'"text"', b"{", "{}", b'{"a":1,"a":1}'],
)
def test_the_ledger_refuses_leaves_that_are_not_canonical_objects(leaf: object) -> None:
    ledger = Ledger(MemoryStore(ORIGIN))
    with pytest.raises(LeafError) as raised:
        ledger.append_many([b'{"fine":true}', leaf])  # type: ignore[list-item]
    assert raised.value.message == ERR_LEAF_NOT_CANONICAL.format(index=1)
    assert ledger.size == 0  # nothing of the batch was appended


def test_erasing_personal_data_leaves_every_proof_and_receipt_valid() -> None:
    ledger = Ledger(MemoryStore(ORIGIN))
    signer = NoteSigner.generate(ORIGIN)
    salts: dict[int, bytes] = {}
    people = {n: {"name": f"Person {n}", "phone": f"+86 138 {n:04d} 0000"} for n in range(20)}
    for number, person in people.items():
        salt = secrets.token_bytes(16)
        index = ledger.append(
            make_leaf(
                {"case": number, "applicant": person}, personal_fields=["applicant"], salt=salt
            )
        )
        salts[index] = salt
    ledger.sign_checkpoint(signer)
    receipt = ledger.receipt(7)
    # Before erasure, whoever holds the data and the salt can link the entry to the person.
    assert matches_salted_hash(receipt.record["applicant"], people[7], salts[7])
    # Erasure: the personal data and the salt are deleted outside the ledger.
    del people[7], salts[7]
    assert verify_receipt(receipt, signer.verifier).size == 20
    assert b"Person 7" not in ledger.leaf(7)
