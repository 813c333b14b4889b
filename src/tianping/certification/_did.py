"""Ed25519 signing keys, ``did:key`` and a resolver that never touches the network.

``did:key`` (https://w3c-ccg.github.io/did-key-spec/) carries its Ed25519 public
key in the identifier itself: ``did:key:`` + multibase base58btc of the
multicodec ``0xed01`` + the 32 key bytes (``z6Mk…``); its one verification
method is ``did:key:z6Mk…#z6Mk…``. ``did:web`` documents are not fetched: a
verifier pins them (a DID document file, or a mapping of DIDs to documents),
so verification is offline and does not trust whoever serves the issuer's web
site at that moment.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tianping.certification import _multibase as mb
from tianping.certification._vocab import parse_datetime

DID_KEY = "did:key:"
DID_WEB = "did:web:"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
#: Verification method types whose ``publicKeyMultibase`` is an Ed25519 key (``z6Mk…``).
MULTIBASE_TYPES = ("Multikey", "Ed25519VerificationKey2020")
#: Verification method types that hold an Ed25519 key as an OKP JSON Web Key.
JWK_TYPES = ("JsonWebKey", "JsonWebKey2020")


class ResolutionError(Exception):
    """A verification method that cannot be resolved to an Ed25519 key; ``reason`` is a code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key (its 32-byte seed) and the ``did:key`` it makes.

    Keep real keys out of the repository: read them from a file or the
    environment (:meth:`from_multibase`); :meth:`generate` makes a new one.
    """

    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.seed, bytes) or len(self.seed) != 32:
            raise ValueError("an Ed25519 private key is a 32-byte seed")

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(secrets.token_bytes(32))

    @classmethod
    def from_multibase(cls, text: str) -> SigningKey:
        """The key of a ``privateKeyMultibase`` value (``z3u2…``, multicodec 0x1300)."""
        return cls(mb.ed25519_private_from_multibase(text.strip()))

    @property
    def private_multibase(self) -> str:
        return mb.ed25519_private_multibase(self.seed)

    @property
    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @functools.cached_property
    def public_bytes(self) -> bytes:
        return self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @functools.cached_property
    def public_multibase(self) -> str:
        """``z6Mk…``: the public key as ``publicKeyMultibase``."""
        return mb.ed25519_public_multibase(self.public_bytes)

    @property
    def did_key(self) -> str:
        return DID_KEY + self.public_multibase

    @property
    def verification_method(self) -> str:
        """The ``did:key`` verification method: ``did:key:z6Mk…#z6Mk…``."""
        return f"{self.did_key}#{self.public_multibase}"

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)


def did_key_public_key(did: str) -> bytes:
    """The 32-byte Ed25519 public key a ``did:key:z6Mk…`` names; :class:`ValueError` if none."""
    if not did.startswith(DID_KEY):
        raise ValueError(f"{did!r} is not a did:key")
    return mb.ed25519_public_from_multibase(did[len(DID_KEY) :])


def did_key_for(public: bytes) -> str:
    """``did:key:z6Mk…`` of a 32-byte Ed25519 public key."""
    return DID_KEY + mb.ed25519_public_multibase(public)


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document of an Ed25519 ``did:key`` (one Multikey verification method)."""
    fragment = did[len(DID_KEY) :]
    did_key_public_key(did)  # refuses what is not an Ed25519 did:key
    method = f"{did}#{fragment}"
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [
            {"id": method, "type": "Multikey", "controller": did, "publicKeyMultibase": fragment}
        ],
        "authentication": [method],
        "assertionMethod": [method],
        "capabilityInvocation": [method],
        "capabilityDelegation": [method],
    }


def did_web_url(did: str) -> str:
    """Where a ``did:web`` document is published (``did:web:a.example:x`` → ``https://a.example/x/did.json``).

    Informative only: the resolver reads pinned documents, never this URL.
    """
    if not did.startswith(DID_WEB):
        raise ValueError(f"{did!r} is not a did:web")
    parts = [part.replace("%3A", ":") for part in did[len(DID_WEB) :].split(":")]
    path = "/".join(parts[1:]) or ".well-known"
    return f"https://{parts[0]}/{path}/did.json"


@dataclass(frozen=True)
class VerificationKey:
    """A resolved verification method: its id, its controller and the raw Ed25519 key."""

    id: str
    controller: str
    public_key: bytes = field(repr=False)
    revoked: datetime | None = None
    pinned: bool = False


def _did_of(method_id: str) -> str:
    return method_id.split("#", 1)[0]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class Resolver:
    """Resolves verification methods offline: ``did:key`` by itself, others from pinned documents.

    Parameters
    ----------
    documents
        Pinned DID documents (``did:web``, or a ``did:key`` to trust only that key).
    did_key
        Resolve any ``did:key`` from the identifier itself (default). ``False``
        accepts only the pinned documents: a verifier that expects one issuer.
    """

    def __init__(self, documents: Iterable[Mapping[str, Any]] = (), *, did_key: bool = True):
        self._documents: dict[str, Mapping[str, Any]] = {}
        for document in documents:
            if not isinstance(document, Mapping) or not isinstance(document.get("id"), str):
                raise ValueError("a DID document is a JSON object with an 'id'")
            self._documents[document["id"]] = document
        self.did_key = did_key

    @property
    def pinned(self) -> tuple[str, ...]:
        """The DIDs whose documents were given."""
        return tuple(self._documents)

    def document(self, did: str) -> Mapping[str, Any]:
        if did in self._documents:
            return self._documents[did]
        if did.startswith(DID_KEY) and self.did_key:
            try:
                return did_key_document(did)
            except ValueError as exc:
                raise ResolutionError("unknown_key", f"{did}: {exc}") from None
        raise ResolutionError("unknown_key", f"{did} is not pinned and cannot be resolved offline")

    def key(self, method_id: str, purpose: str = "assertionMethod") -> VerificationKey:
        """The Ed25519 key of ``method_id``, which its DID document lists for ``purpose``."""
        if not isinstance(method_id, str) or not method_id.startswith("did:"):
            raise ResolutionError("unknown_key", f"{method_id!r} is not a DID URL")
        did = _did_of(method_id)
        document = self.document(did)
        relation = [
            entry if isinstance(entry, str) else entry.get("id")
            for entry in _as_list(document.get(purpose))
            if isinstance(entry, str | Mapping)
        ]
        if method_id not in relation and f"#{method_id.partition('#')[2]}" not in relation:
            raise ResolutionError(
                "wrong_purpose", f"{did} does not list {method_id} under {purpose}"
            )
        candidates = [
            *_as_list(document.get("verificationMethod")),
            *[entry for entry in _as_list(document.get(purpose)) if isinstance(entry, Mapping)],
        ]
        for method in candidates:
            if not isinstance(method, Mapping):
                continue
            mid = method.get("id")
            if mid == method_id or (isinstance(mid, str) and f"{did}{mid}" == method_id):
                return self._key_of(method, method_id, did)
        raise ResolutionError("unknown_key", f"{did} has no verification method {method_id}")

    def _key_of(self, method: Mapping[str, Any], method_id: str, did: str) -> VerificationKey:
        controller = method.get("controller", did)
        if controller != did:
            raise ResolutionError("unknown_key", f"{method_id} is controlled by {controller!r}")
        try:
            if method.get("type") in MULTIBASE_TYPES:
                public = mb.ed25519_public_from_multibase(str(method.get("publicKeyMultibase")))
            elif method.get("type") in JWK_TYPES:
                jwk = method.get("publicKeyJwk")
                if not isinstance(jwk, Mapping) or (jwk.get("kty"), jwk.get("crv")) != (
                    "OKP",
                    "Ed25519",
                ):
                    raise mb.MultibaseError("not an Ed25519 (OKP) JSON Web Key")
                public = mb.decode_u("u" + str(jwk.get("x")))
                if len(public) != 32:
                    raise mb.MultibaseError("an Ed25519 public key has 32 bytes")
            else:
                raise mb.MultibaseError(f"verification method type {method.get('type')!r}")
        except mb.MultibaseError as exc:
            raise ResolutionError("unknown_key", f"{method_id}: {exc}") from None
        revoked = None
        if "revoked" in method:
            try:
                revoked = parse_datetime(str(method["revoked"]))
            except ValueError:
                raise ResolutionError("unknown_key", f"{method_id}: bad 'revoked' date") from None
        return VerificationKey(
            id=method_id,
            controller=did,
            public_key=public,
            revoked=revoked,
            pinned=did in self._documents,
        )


__all__ = [
    "Resolver",
    "SigningKey",
    "VerificationKey",
    "did_key_document",
    "did_key_for",
    "did_key_public_key",
    "did_web_url",
]
