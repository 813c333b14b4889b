"""Verifying a credential offline, failing closed with one reason.

The checks run in this order and the first failure is the answer: the
credential's shape and pinned contexts; its one ``eddsa-jcs-2022`` proof (key
resolved offline, bound to the issuer, signature over the JCS hash data); a
key marked revoked before the proof was made; ``validFrom`` / ``validUntil``;
each ``BitstringStatusListEntry`` of purpose ``revocation`` or ``suspension``
against a status list credential the verifier holds (its own proof, issuer,
validity, purpose and length checked too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from tianping.certification import _multibase as mb
from tianping.certification._did import ResolutionError, Resolver
from tianping.certification._proof import hash_data, signature_valid
from tianping.certification._status import (
    ENTRY_TYPE,
    LIST_CREDENTIAL_TYPE,
    PURPOSES,
    StatusListError,
    list_of,
)
from tianping.certification._vocab import (
    ASSERTION,
    CRYPTOSUITE,
    PINNED_CONTEXTS,
    PROOF_TYPE,
    VC_V2,
    parse_datetime,
    xsd_datetime,
)
from tianping.text import LocalizedText

Reason = Literal[
    "malformed",
    "bad_context",
    "no_proof",
    "unsupported_proof",
    "unknown_key",
    "wrong_purpose",
    "issuer_mismatch",
    "bad_proof",
    "key_revoked",
    "not_yet_valid",
    "expired",
    "status_unavailable",
    "status_invalid",
    "revoked",
    "suspended",
]

REASONS: Mapping[str, LocalizedText] = {
    "malformed": LocalizedText(zh="凭证结构不正确", en="The credential is malformed"),
    "bad_context": LocalizedText(
        zh="凭证的 @context 不是固定的 VC 2.0 上下文", en="The credential's @context is not pinned"
    ),
    "no_proof": LocalizedText(zh="凭证没有证明（签名）", en="The credential has no proof"),
    "unsupported_proof": LocalizedText(
        zh="证明不是一个 eddsa-jcs-2022 数据完整性证明",
        en="The proof is not one eddsa-jcs-2022 Data Integrity proof",
    ),
    "unknown_key": LocalizedText(
        zh="无法离线解析签名密钥", en="The signing key cannot be resolved offline"
    ),
    "wrong_purpose": LocalizedText(
        zh="签名密钥未被授权用于签发", en="The signing key is not authorised to issue"
    ),
    "issuer_mismatch": LocalizedText(
        zh="签名密钥不属于签发者", en="The signing key does not belong to the issuer"
    ),
    "bad_proof": LocalizedText(
        zh="签名无效：凭证被改动过或由其他密钥签署",
        en="The signature is invalid: the credential was changed or signed by another key",
    ),
    "key_revoked": LocalizedText(
        zh="签名密钥在签名之前已被撤销", en="The signing key was revoked before it signed"
    ),
    "not_yet_valid": LocalizedText(zh="凭证尚未生效", en="The credential is not valid yet"),
    "expired": LocalizedText(zh="凭证已过期", en="The credential has expired"),
    "status_unavailable": LocalizedText(
        zh="缺少凭证的状态列表，无法确认其未被撤销或暂停",
        en="The credential's status list is missing, so revocation cannot be ruled out",
    ),
    "status_invalid": LocalizedText(zh="状态列表无效", en="The status list is invalid"),
    "revoked": LocalizedText(zh="凭证已被撤销", en="The credential has been revoked"),
    "suspended": LocalizedText(zh="凭证已被暂停", en="The credential has been suspended"),
}
VALID = LocalizedText(zh="凭证有效", en="The credential is valid")


@dataclass(frozen=True)
class StatusCheck:
    """One status entry checked: its purpose, list and index, and whether the bit is set."""

    purpose: str
    list_url: str
    index: int
    set: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "list": self.list_url,
            "index": self.index,
            "set": self.set,
        }


@dataclass(frozen=True)
class Verification:
    """The answer of :func:`verify_credential`: valid, or the first reason it is not."""

    valid: bool
    checked_at: datetime
    reason: Reason | None = None
    detail: str = ""
    issuer: str | None = None
    verification_method: str | None = None
    valid_until: str | None = None
    statuses: tuple[StatusCheck, ...] = field(default=())

    def __bool__(self) -> bool:
        return self.valid

    def message(self, language: str | None = "en") -> str:
        """The verdict in ``language``, with the technical detail (in English) after a colon."""
        head = (VALID if self.reason is None else REASONS[self.reason]).get(language)
        return f"{head}: {self.detail}" if self.detail else head

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "reason": self.reason,
            "message": {"zh-Hans": self.message("zh-Hans"), "en": self.message("en")},
            "detail": self.detail,
            "issuer": self.issuer,
            "verification_method": self.verification_method,
            "valid_until": self.valid_until,
            "checked_at": xsd_datetime(self.checked_at),
            "statuses": [status.to_json() for status in self.statuses],
        }


class _Invalid(Exception):
    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason: Reason = reason
        self.detail = detail


def _issuer_id(document: Mapping[str, Any]) -> str:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    if not isinstance(issuer, str) or not issuer:
        raise _Invalid("malformed", "issuer must be a URL or an object with an id")
    return issuer


def _types(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _check_shape(document: Any, contexts: frozenset[str]) -> str:
    if not isinstance(document, Mapping):
        raise _Invalid("malformed", "a credential is a JSON object")
    context = document.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_V2:
        raise _Invalid("bad_context", f"the first @context must be {VC_V2}")
    for entry in context:
        if not isinstance(entry, str) or entry not in contexts:
            raise _Invalid("bad_context", f"{entry!r} is not a pinned context")
    if "VerifiableCredential" not in _types(document.get("type")):
        raise _Invalid("malformed", "type must include VerifiableCredential")
    if not isinstance(document.get("credentialSubject"), Mapping | list):
        raise _Invalid("malformed", "credentialSubject is missing")
    return _issuer_id(document)


def _check_proof(
    document: Mapping[str, Any], issuer: str, resolver: Resolver
) -> tuple[str, datetime | None]:
    proof = document.get("proof")
    if proof is None:
        raise _Invalid("no_proof", "there is no proof")
    if not isinstance(proof, Mapping):
        raise _Invalid("unsupported_proof", "proof sets and chains are not accepted")
    if (proof.get("type"), proof.get("cryptosuite")) != (PROOF_TYPE, CRYPTOSUITE):
        raise _Invalid("unsupported_proof", f"{proof.get('type')!r} / {proof.get('cryptosuite')!r}")
    if proof.get("proofPurpose") != ASSERTION:
        raise _Invalid("wrong_purpose", f"proofPurpose is {proof.get('proofPurpose')!r}")
    method, value = proof.get("verificationMethod"), proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str):
        raise _Invalid("unsupported_proof", "verificationMethod and proofValue must be strings")
    created = None
    if "created" in proof:
        try:
            created = parse_datetime(proof["created"])
        except ValueError as exc:
            raise _Invalid("malformed", f"proof.created: {exc}") from None
    options = {key: item for key, item in proof.items() if key != "proofValue"}
    if "@context" in options:
        wanted = _types(options["@context"])
        if list(document.get("@context", []))[: len(wanted)] != wanted:
            raise _Invalid("bad_proof", "the proof's @context differs from the credential's")
    try:
        key = resolver.key(method, ASSERTION)
    except ResolutionError as exc:
        raise _Invalid(exc.reason, exc.detail) from None  # type: ignore[arg-type]
    if issuer.startswith("did:"):
        if key.controller != issuer:
            raise _Invalid("issuer_mismatch", f"{method} is not a key of {issuer}")
    elif not key.pinned:
        raise _Invalid(
            "issuer_mismatch",
            f"the issuer {issuer} is not a DID; pin the key of {key.controller} to accept it",
        )
    try:
        signature = mb.decode_z(value)
    except mb.MultibaseError as exc:
        raise _Invalid("bad_proof", f"proofValue: {exc}") from None
    unsecured = {key_: item for key_, item in document.items() if key_ != "proof"}
    try:
        data = hash_data(options, unsecured)
    except ValueError as exc:
        raise _Invalid("malformed", str(exc)) from None
    if len(signature) != 64 or not signature_valid(key.public_key, signature, data):
        raise _Invalid("bad_proof", f"the signature does not verify with {method}")
    if key.revoked is not None and (created is None or created >= key.revoked):
        raise _Invalid("key_revoked", f"{method} was revoked on {xsd_datetime(key.revoked)}")
    return method, created


def _check_validity(document: Mapping[str, Any], now: datetime) -> str | None:
    bounds: dict[str, datetime] = {}
    for name in ("validFrom", "validUntil"):
        if name in document:
            try:
                bounds[name] = parse_datetime(document[name])
            except ValueError as exc:
                raise _Invalid("malformed", f"{name}: {exc}") from None
    if "validFrom" in bounds and now < bounds["validFrom"]:
        raise _Invalid("not_yet_valid", f"valid from {document['validFrom']}")
    if "validUntil" in bounds and now > bounds["validUntil"]:
        raise _Invalid("expired", f"valid until {document['validUntil']}")
    until = document.get("validUntil")
    return until if isinstance(until, str) else None


def _check_status(
    document: Mapping[str, Any],
    issuer: str,
    lists: Mapping[str, Mapping[str, Any]],
    resolver: Resolver,
    now: datetime,
    contexts: frozenset[str],
) -> tuple[StatusCheck, ...]:
    checks: list[StatusCheck] = []
    entries = document.get("credentialStatus")
    for entry in [] if entries is None else _types(entries):
        if not isinstance(entry, Mapping):
            raise _Invalid("malformed", "credentialStatus entries are objects")
        if entry.get("type") != ENTRY_TYPE or entry.get("statusPurpose") not in PURPOSES:
            continue  # refresh, message and other kinds of status do not invalidate
        purpose = entry["statusPurpose"]
        if entry.get("statusSize", 1) != 1:
            raise _Invalid("status_invalid", "only statusSize 1 is read for revocation")
        raw_index, url = entry.get("statusListIndex"), entry.get("statusListCredential")
        if not isinstance(raw_index, str) or not raw_index.isascii() or not raw_index.isdigit():
            raise _Invalid("malformed", "statusListIndex must be a base-10 integer string")
        if not isinstance(url, str):
            raise _Invalid("malformed", "statusListCredential must be a URL")
        if len(raw_index) > 12:  # beyond any list this module reads (MAX_BYTES * 8 entries)
            raise _Invalid("status_invalid", f"index {raw_index[:20]}… is outside any list")
        index = int(raw_index)
        credential = lists.get(url)
        if credential is None:
            raise _Invalid("status_unavailable", f"no status list {url} was given")
        verdict = _verify(credential, resolver, {}, now, contexts)
        if not verdict.valid:
            raise _Invalid("status_invalid", f"{url}: {verdict.message('en')}")
        if _issuer_id(credential) != issuer:
            raise _Invalid("status_invalid", f"{url} is issued by another issuer")
        subject = credential.get("credentialSubject")
        purposes = _types(subject.get("statusPurpose")) if isinstance(subject, Mapping) else []
        if LIST_CREDENTIAL_TYPE not in _types(credential.get("type")) or purpose not in purposes:
            raise _Invalid("status_invalid", f"{url} is not a {purpose} status list")
        try:
            status = list_of(credential)
        except StatusListError as exc:
            raise _Invalid("status_invalid", f"{url}: {exc}") from None
        if index >= len(status):
            raise _Invalid("status_invalid", f"index {raw_index} is outside {url}")
        checks.append(StatusCheck(purpose, url, index, status.get(index)))
        if status.get(index):
            reason: Reason = "revoked" if purpose == "revocation" else "suspended"
            raise _Invalid(reason, f"bit {index} of {url} is set")
    return tuple(checks)


def _verify(
    document: Any,
    resolver: Resolver,
    lists: Mapping[str, Mapping[str, Any]],
    now: datetime,
    contexts: frozenset[str],
) -> Verification:
    issuer = method = until = None
    try:
        issuer = _check_shape(document, contexts)
        method, _created = _check_proof(document, issuer, resolver)
        until = _check_validity(document, now)
        statuses = _check_status(document, issuer, lists, resolver, now, contexts)
    except _Invalid as exc:
        return Verification(
            valid=False,
            checked_at=now,
            reason=exc.reason,
            detail=exc.detail,
            issuer=issuer,
            verification_method=method,
            valid_until=until,
        )
    return Verification(
        valid=True,
        checked_at=now,
        issuer=issuer,
        verification_method=method,
        valid_until=until,
        statuses=statuses,
    )


def verify_credential(
    document: Any,
    *,
    resolver: Resolver | None = None,
    status_lists: Iterable[Mapping[str, Any]] = (),
    now: datetime | None = None,
    contexts: Iterable[str] = PINNED_CONTEXTS,
) -> Verification:
    """Verify a credential offline; never raises for a bad credential, answers why instead.

    Parameters
    ----------
    document
        The credential as parsed JSON.
    resolver
        Resolves the proof's verification method (default: any ``did:key``,
        nothing else). Pin ``did:web`` documents, or pass ``did_key=False``
        to accept only the pinned issuers.
    status_lists
        Status list credentials the verifier holds, matched by their ``id``
        to each entry's ``statusListCredential``. An entry whose list is not
        given makes the credential invalid (``status_unavailable``).
    now
        The moment to judge validity at (default: now, UTC).
    contexts
        The ``@context`` URLs accepted, as pinned strings (none is fetched).
    """
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("now must be an aware date and time")
    lists = {
        credential["id"]: credential
        for credential in status_lists
        if isinstance(credential, Mapping) and isinstance(credential.get("id"), str)
    }
    return _verify(document, resolver or Resolver(), lists, moment, frozenset(contexts))


__all__ = ["REASONS", "Reason", "StatusCheck", "Verification", "verify_credential"]
