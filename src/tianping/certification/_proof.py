"""Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite (W3C vc-di-eddsa, §3.3).

Signing a document:

1. the proof configuration (``type``, ``cryptosuite``, ``created``,
   ``verificationMethod``, ``proofPurpose`` and the document's ``@context``)
   and the document without ``proof`` are each canonicalised with the JSON
   Canonicalization Scheme (RFC 8785, the ``rfc8785`` package);
2. the hash data is SHA-256(proof configuration) ‖ SHA-256(document);
3. Ed25519 signs the hash data; ``proofValue`` is ``z`` + base58btc(signature).

Verification reverses it; the pieces are public so that the test suite can
reproduce the W3C test vectors step by step.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tianping.certification import _multibase as mb
from tianping.certification._did import SigningKey
from tianping.certification._errors import SIGNING_INVALID, CertificationError
from tianping.certification._vocab import ASSERTION, CRYPTOSUITE, PROOF_TYPE, xsd_datetime

_SAFE_INT = 2**53 - 1
_DUMPS = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode


def _plain(value: Any) -> bool:
    """Whether JCS of ``value`` is what :mod:`json` writes with sorted keys: no float, every
    integer within ±(2**53 − 1), every key below U+10000 (so UTF-16 order is code-point order)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if -_SAFE_INT <= item <= _SAFE_INT:
                continue
            return False
        if kind is dict:
            for key in item:
                if type(key) is not str or (not key.isascii() and max(key) >= "\U00010000"):
                    return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        else:
            return False
    return True


def canonical(value: Any) -> bytes:
    """RFC 8785 (JCS) bytes of a JSON value; :class:`ValueError` for what JSON cannot hold.

    Documents of strings, booleans, nulls and safe integers (certificates, status lists)
    take :mod:`json`'s C encoder, which writes the same bytes there; others ``rfc8785``.
    """
    if _plain(value):
        try:
            return _DUMPS(value).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: rfc8785 refuses it below
            pass
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError) as exc:
        raise ValueError(f"not canonical JSON: {exc}") from None


def proof_config(
    document: Mapping[str, Any],
    verification_method: str,
    *,
    created: datetime,
    proof_purpose: str = ASSERTION,
) -> dict[str, Any]:
    """The proof configuration of an ``eddsa-jcs-2022`` proof (no ``proofValue`` yet)."""
    config: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": xsd_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def hash_data(config: Mapping[str, Any], unsecured: Mapping[str, Any]) -> bytes:
    """SHA-256(JCS(proof configuration)) ‖ SHA-256(JCS(document without proof)): 64 bytes."""
    return (
        hashlib.sha256(canonical(config)).digest() + hashlib.sha256(canonical(unsecured)).digest()
    )


def issue_credential(
    document: Mapping[str, Any],
    key: SigningKey,
    verification_method: str | None = None,
    *,
    created: datetime | None = None,
    proof_purpose: str = ASSERTION,
) -> dict[str, Any]:
    """``document`` with an ``eddsa-jcs-2022`` Data Integrity proof by ``key``.

    ``verification_method`` names the key as verifiers resolve it: the
    ``did:key`` method of ``key`` by default, or a method of the issuer's
    ``did:web`` document. ``document`` must not carry a proof already.

    Examples
    --------
    >>> key = SigningKey(bytes(32))
    >>> signed = issue_credential({"issuer": key.did_key}, key)
    >>> signed["proof"]["cryptosuite"], signed["proof"]["proofValue"][0]
    ('eddsa-jcs-2022', 'z')
    """
    if not isinstance(document, Mapping):
        raise CertificationError(SIGNING_INVALID, params={"problem": "not a JSON object"})
    if "proof" in document:
        raise CertificationError(
            SIGNING_INVALID, params={"problem": "the document already has a proof"}
        )
    config = proof_config(
        document,
        verification_method or key.verification_method,
        created=created or datetime.now(UTC),
        proof_purpose=proof_purpose,
    )
    try:
        data = hash_data(config, document)
    except ValueError as exc:
        raise CertificationError(SIGNING_INVALID, params={"problem": str(exc)}) from None
    return {**document, "proof": {**config, "proofValue": mb.encode_z(key.sign(data))}}


@functools.lru_cache(maxsize=1024)
def signature_valid(public_key: bytes, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is an Ed25519 signature of ``data`` by ``public_key``.

    Remembered for the last 1,024 checks: a status list shared by many certificates is
    checked once."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


__all__ = ["canonical", "hash_data", "issue_credential", "proof_config", "signature_valid"]
