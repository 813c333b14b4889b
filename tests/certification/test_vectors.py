"""The published vectors: W3C vc-di-eddsa (eddsa-jcs-2022), did:key Ed25519, Bitstring Status List.

The vectors are copied verbatim into ``vectors/`` (see its README for their sources).
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tianping.certification import (
    Resolver,
    SigningKey,
    StatusList,
    canonical,
    did_key_document,
    did_key_for,
    did_key_public_key,
    hash_data,
    issue_credential,
    parse_datetime,
    proof_config,
    verify_credential,
)
from tianping.certification._multibase import b58decode, b58encode, decode_u

VECTORS = Path(__file__).parent / "vectors"


def text(name: str) -> str:
    return (VECTORS / name).read_text(encoding="utf-8").strip()


def data(name: str) -> dict:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


KEY = SigningKey.from_multibase(data("keyPair.json")["privateKeyMultibase"])
SIGNED = data("signedJCS.json")
PINNED = Resolver([did_key_document(KEY.did_key)], did_key=False)


def test_the_key_pair_matches() -> None:
    assert KEY.public_multibase == data("keyPair.json")["publicKeyMultibase"]
    assert KEY.private_multibase == data("keyPair.json")["privateKeyMultibase"]


def test_every_step_of_the_vector_is_reproduced_byte_for_byte() -> None:
    unsigned = data("unsigned.json")
    config = data("proofConfigJCS.json")
    created = parse_datetime(config["created"])
    assert proof_config(unsigned, config["verificationMethod"], created=created) == config
    assert canonical(unsigned).decode() == text("canonDocJCS.txt")
    assert hashlib.sha256(canonical(unsigned)).hexdigest() == text("docHashJCS.txt")
    assert canonical(config).decode() == text("proofCanonJCS.txt")
    assert hashlib.sha256(canonical(config)).hexdigest() == text("proofHashJCS.txt")
    assert hash_data(config, unsigned).hex() == text("combinedHashJCS.txt")
    assert KEY.sign(hash_data(config, unsigned)).hex() == text("sigHexJCS.txt")
    signed = issue_credential(unsigned, KEY, config["verificationMethod"], created=created)
    assert signed["proof"]["proofValue"] == text("sigBTC58JCS.txt")
    assert signed == SIGNED


def test_the_signed_vector_verifies_with_its_pinned_key() -> None:
    verdict = verify_credential(SIGNED, resolver=PINNED)
    assert verdict.valid, verdict
    # Its issuer is a URL, not a DID: without the key pinned nobody vouches for it.
    assert verify_credential(SIGNED).reason == "issuer_mismatch"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "alumniOf"), "The School of Counterexamples"),
        (("name",), "Alumni Credential "),
        (("validFrom",), "2023-01-01T00:00:01Z"),
        (("proof", "created"), "2023-02-24T23:36:39Z"),
    ],
)
def test_any_changed_copy_of_the_vector_is_refused(path: tuple[str, ...], value: str) -> None:
    changed = copy.deepcopy(SIGNED)
    target = changed
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    assert verify_credential(changed, resolver=PINNED).reason == "bad_proof"


def test_did_key_examples_of_the_did_key_method() -> None:
    examples = data("did-key-ed25519.json")
    assert len(examples) == 5
    for did, example in examples.items():
        pair = example["verificationKeyPair"]
        public = (
            b58decode(pair["publicKeyBase58"])
            if "publicKeyBase58" in pair
            else decode_u("u" + pair["publicKeyJwk"]["x"])
        )
        assert did_key_public_key(did) == public
        assert did_key_for(public) == did
        assert SigningKey(bytes.fromhex(example["seed"])).did_key == did
        method = f"{did}#{did.removeprefix('did:key:')}"
        assert example["didDocument"]["assertionMethod"] == [method]
        assert Resolver().key(method).public_key == public
    assert "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp" in examples


def test_base58_round_trip_keeps_leading_zeros() -> None:
    for raw in (b"", b"\0", b"\0\0\x01", bytes(range(64))):
        assert b58decode(b58encode(raw)) == raw


SPEC_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
"""The encodedList of the Bitstring Status List specification's example (16 KB, all zeros)."""


def test_the_specification_example_list_decodes_and_encodes_byte_for_byte() -> None:
    status = StatusList.decode(SPEC_LIST)
    assert len(status) == 131_072
    assert not any(status.bits)
    assert StatusList.empty().encode() == SPEC_LIST


def test_bit_zero_is_the_left_most_bit() -> None:
    status = StatusList.empty().set(0).set(131_071)
    assert status.bits[0] == 0x80 and status.bits[-1] == 0x01
    assert StatusList.decode(status.encode()).get(131_071)
    assert not status.set(0, False).get(0)


def test_issuing_now_uses_an_aware_created_time() -> None:
    signed = issue_credential({"issuer": KEY.did_key}, KEY)
    assert parse_datetime(signed["proof"]["created"]) <= datetime.now(UTC)
