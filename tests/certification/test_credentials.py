"""Issue → verify, and every way a credential fails closed, with its reason."""

from __future__ import annotations

import copy
import gzip
from datetime import UTC, datetime
from typing import Any

import pytest

from tianping.certification import (
    CertificationError,
    Resolver,
    SigningKey,
    StatusList,
    StatusListError,
    certificate_credential,
    did_key_document,
    issue_credential,
    load_levels,
    status_entry,
    status_list_credential,
    update_status,
    verify_credential,
)
from tianping.certification._multibase import encode_u

ISSUER = SigningKey(bytes(range(32)))
OTHER = SigningKey(bytes(range(1, 33)))
ISSUED = datetime(2026, 7, 1, tzinfo=UTC)
LATER = datetime(2027, 1, 1, tzinfo=UTC)
REVOCATION = "https://tianping.example/status/r/1"
SUSPENSION = "https://tianping.example/status/s/1"


def certificate_unsigned(key: SigningKey = ISSUER) -> dict[str, Any]:
    return certificate_credential(
        credential_id="urn:uuid:11111111-2222-4333-8444-555555555555",
        issuer=key.did_key,
        level=load_levels().level("basic_compliance"),
        subject={"id": "urn:tianping:system:1", "digests": {"model": "ab" * 32}},
        valid_from=ISSUED,
        status=[
            status_entry(REVOCATION, 7, "revocation"),
            status_entry(SUSPENSION, 7, "suspension"),
        ],
    )


def certificate(key: SigningKey = ISSUER) -> dict[str, Any]:
    return issue_credential(certificate_unsigned(key), key, created=ISSUED)


def status_list(url: str, purpose: str, *bits: int, key: SigningKey = ISSUER) -> dict[str, Any]:
    status = StatusList.empty()
    for bit in bits:
        status = status.set(bit)
    unsigned = status_list_credential(url, key.did_key, purpose, status, valid_from=ISSUED)  # type: ignore[arg-type]
    return issue_credential(unsigned, key, created=ISSUED)


LISTS = [status_list(REVOCATION, "revocation"), status_list(SUSPENSION, "suspension")]


def verify(document: Any, **options: Any) -> Any:
    options.setdefault("status_lists", LISTS)
    options.setdefault("now", LATER)
    return verify_credential(document, **options)


def test_round_trip_is_valid_and_valid_for_two_years() -> None:
    signed = certificate()
    verdict = verify(signed)
    assert verdict.valid, verdict
    assert signed["validUntil"] == "2028-07-01T00:00:00Z"
    assert [s.purpose for s in verdict.statuses] == ["revocation", "suspension"]
    assert verdict.to_json()["valid"] is True


def test_a_tampered_subject_fails_with_bad_proof() -> None:
    signed = certificate()
    signed["credentialSubject"]["level"]["id"] = "trusted_ai_platform"
    assert verify(signed).reason == "bad_proof"


def test_a_signature_by_another_key_fails() -> None:
    signed = certificate()
    forged = issue_credential(
        {k: v for k, v in signed.items() if k != "proof"}, OTHER, ISSUER.verification_method,
        created=ISSUED,
    )  # fmt: skip
    assert verify(forged).reason == "bad_proof"
    # Signed by its own key but claiming the issuer's name:
    claimed = issue_credential({k: v for k, v in signed.items() if k != "proof"}, OTHER)
    assert verify(claimed).reason == "issuer_mismatch"


def test_pinning_the_issuer_refuses_every_other_key() -> None:
    pinned = Resolver([did_key_document(OTHER.did_key)], did_key=False)
    assert verify(certificate(), resolver=pinned).reason == "unknown_key"


def test_expired_and_not_yet_valid() -> None:
    signed = certificate()
    assert verify(signed, now=datetime(2028, 7, 1, 0, 0, 1, tzinfo=UTC)).reason == "expired"
    assert verify(signed, now=datetime(2026, 6, 30, tzinfo=UTC)).reason == "not_yet_valid"


def test_revoked_and_suspended_bits_fail_closed() -> None:
    signed = certificate()
    revoked = [status_list(REVOCATION, "revocation", 7), LISTS[1]]
    assert verify(signed, status_lists=revoked).reason == "revoked"
    suspended = [LISTS[0], status_list(SUSPENSION, "suspension", 7)]
    assert verify(signed, status_lists=suspended).reason == "suspended"
    other_bit = [status_list(REVOCATION, "revocation", 8), LISTS[1]]
    assert verify(signed, status_lists=other_bit).valid


def test_updating_a_status_list_and_reissuing_it() -> None:
    updated = update_status(LISTS[1], 7, True)
    assert "proof" not in updated
    signed = issue_credential(updated, ISSUER, created=ISSUED)
    assert verify(certificate(), status_lists=[LISTS[0], signed]).reason == "suspended"
    lifted = issue_credential(update_status(signed, 7, False), ISSUER, created=ISSUED)
    assert verify(certificate(), status_lists=[LISTS[0], lifted]).valid


def test_status_lists_that_cannot_be_trusted() -> None:
    signed = certificate()
    assert verify(signed, status_lists=[LISTS[0]]).reason == "status_unavailable"
    foreign = [status_list(REVOCATION, "revocation", key=OTHER), LISTS[1]]
    assert verify(signed, status_lists=foreign).reason == "status_invalid"
    tampered = copy.deepcopy(LISTS[0])
    tampered["credentialSubject"]["encodedList"] = StatusList.empty().set(7).encode()
    assert verify(signed, status_lists=[tampered, LISTS[1]]).reason == "status_invalid"
    swapped = [status_list(REVOCATION, "suspension"), LISTS[1]]
    assert verify(signed, status_lists=swapped).reason == "status_invalid"


def test_status_list_encoding_limits() -> None:
    with pytest.raises(StatusListError, match="at least 131072"):
        StatusList.decode(encode_u(gzip.compress(bytes(1024))))
    with pytest.raises(StatusListError, match="more than"):
        StatusList.decode(encode_u(gzip.compress(bytes(2**25))))
    with pytest.raises(StatusListError):
        StatusList.decode("uAAAA")
    with pytest.raises(StatusListError):
        StatusList.decode("zAAAA")
    with pytest.raises(IndexError):
        StatusList.empty().get(131_072)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"@context": ["https://www.w3.org/2018/credentials/v1"]}, "bad_context"),
        (
            {"@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"]},
            "bad_context",
        ),
        ({"type": ["Certificate"]}, "malformed"),
        ({"issuer": 42}, "malformed"),
        ({"validUntil": "next year"}, "malformed"),
    ],
)
def test_shape_problems_fail_closed(change: dict[str, Any], reason: str) -> None:
    signed = issue_credential({**certificate_unsigned(), **change}, ISSUER, created=ISSUED)
    assert verify(signed).reason == reason


def test_proof_problems_fail_closed() -> None:
    signed = certificate()
    assert verify({k: v for k, v in signed.items() if k != "proof"}).reason == "no_proof"
    for field, value, reason in [
        ("cryptosuite", "eddsa-rdfc-2022", "unsupported_proof"),
        ("proofPurpose", "authentication", "wrong_purpose"),
        ("proofValue", "z111", "bad_proof"),
        ("proofValue", "uAAAA", "bad_proof"),
        ("verificationMethod", "did:web:nowhere.example#key-1", "unknown_key"),
    ]:
        broken = copy.deepcopy(signed)
        broken["proof"][field] = value
        assert verify(broken).reason == reason, field
    assert verify([signed]).reason == "malformed"


def test_did_web_from_a_pinned_document_and_a_revoked_key() -> None:
    did = "did:web:certifier.example"
    method = f"{did}#key-1"

    def document(**extra: Any) -> dict[str, Any]:
        vm = {"id": method, "type": "Multikey", "controller": did,
              "publicKeyMultibase": ISSUER.public_multibase, **extra}  # fmt: skip
        return {"id": did, "verificationMethod": [vm], "assertionMethod": [method]}

    unsigned = certificate_credential(
        credential_id="urn:uuid:1", issuer=did, level=load_levels().level("basic_compliance"),
        subject={"id": "urn:tianping:system:2"}, valid_from=ISSUED,
    )  # fmt: skip
    signed = issue_credential(unsigned, ISSUER, method, created=ISSUED)
    assert verify(signed, resolver=Resolver([document()])).valid
    assert verify(signed).reason == "unknown_key"  # not pinned: never fetched
    rotated = Resolver([document(revoked="2026-06-01T00:00:00Z")])
    assert verify(signed, resolver=rotated).reason == "key_revoked"
    still_good = Resolver([document(revoked="2026-08-01T00:00:00Z")])
    assert verify(signed, resolver=still_good).valid


def test_issuing_refuses_a_document_with_a_proof() -> None:
    with pytest.raises(CertificationError, match="already has a proof"):
        issue_credential(certificate(), ISSUER)


def test_the_reason_is_worded_in_both_languages() -> None:
    signed = certificate()
    signed["credentialSubject"]["id"] = "urn:tianping:system:other"
    verdict = verify(signed)
    assert verdict.message("zh-Hans").startswith("签名无效")
    assert verdict.message("en").startswith("The signature is invalid")
