"""Matching every AI component of a BOM to a certificate, and the product's weakest status.

The components checked are the ``machine-learning-model`` and ``data``
components and the services (nested ones included); libraries, frameworks
and other software are outside this check. For each, in this order:

1. the certificates that name it: by **digest** (the SHA-256 of its artefact
   is among the certificate subject's ``digests``), or, when the certificate
   or the component carries no digest, by the **supplier's certificate** (the
   subject's ``organisation`` is the component's supplier and its
   ``scope.model`` the component's name, and the versions agree where both
   are given). A certificate whose subject names the component but whose
   digests do not include the component's is *outside its scope*: it does
   not count.
2. each certificate is verified offline (:func:`verify_credential`, with the
   status lists given); a valid one makes the component **certified**;
   else a revoked or suspended one makes it **revoked** or **suspended**;
3. else an exemption rule in data, or an open application with a complete
   submission, makes it **eligible**;
4. else an expired certificate makes it **expired**; otherwise it is
   **uncertified** (a certificate that does not verify for another reason —
   a bad signature, an unknown key, a missing status list — is named in the
   detail and does not count).

The product's status is its weakest component's, in the order of
:data:`ORDER` (weakest first): revoked, suspended, uncertified, expired,
eligible, certified. It passes when every component is certified or eligible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from tianping.bom._data import Application, Exemption, load_exemptions
from tianping.bom._read import HASHED_TYPES, Bom, Component
from tianping.certification import Resolver, Verification, verify_credential, xsd_datetime
from tianping.text import LocalizedText, localized

ComponentStatus = Literal["revoked", "suspended", "uncertified", "expired", "eligible", "certified"]
#: The statuses from the weakest to the strongest; the product takes its weakest component's.
ORDER: tuple[ComponentStatus, ...] = (
    "revoked",
    "suspended",
    "uncertified",
    "expired",
    "eligible",
    "certified",
)
#: The statuses with which a product passes.
PASSING: frozenset[ComponentStatus] = frozenset({"eligible", "certified"})
#: The kinds of component checked: AI artefacts and services.
CHECKED_KINDS = (*HASHED_TYPES, "service")

STATUS_LABELS: Mapping[ComponentStatus, LocalizedText] = {
    "certified": LocalizedText(zh="已认证", en="certified"),
    "eligible": LocalizedText(zh="符合条件", en="eligible"),
    "uncertified": LocalizedText(zh="未认证", en="uncertified"),
    "expired": LocalizedText(zh="证书已过期", en="expired"),
    "suspended": LocalizedText(zh="证书已暂停", en="suspended"),
    "revoked": LocalizedText(zh="证书已撤销", en="revoked"),
}
KIND_LABELS: Mapping[str, LocalizedText] = {
    "machine-learning-model": LocalizedText(zh="模型", en="model"),
    "data": LocalizedText(zh="数据", en="data"),
    "service": LocalizedText(zh="服务", en="service"),
}
Basis = Literal["digest", "supplier", "exemption", "application"]
BASIS_DETAIL: Mapping[Basis, LocalizedText] = {
    "digest": LocalizedText(
        zh="证书 {certificate} 按制品摘要覆盖该组件", en="certificate {certificate}, by digest"
    ),
    "supplier": LocalizedText(
        zh="供应商证书 {certificate} 覆盖该组件",
        en="the supplier's certificate {certificate}",
    ),
    "exemption": LocalizedText(zh="豁免规则 {rule}：{reason}", en="exemption {rule}: {reason}"),
    "application": LocalizedText(
        zh="认证申请 {reference} 进行中，提交材料完整",
        en="certification application {reference} is open with a complete submission",
    ),
}
NO_CERTIFICATE = LocalizedText(
    zh="没有覆盖该组件的证书、进行中的申请或豁免规则",
    en="no certificate, open application or exemption covers it",
)
OUT_OF_SCOPE = LocalizedText(
    zh="证书 {certificate} 指名该组件，但其摘要不在证书范围内（需重新评估）",
    en=(
        "certificate {certificate} names it, but its digest is outside the certificate's "
        "scope (re-evaluation needed)"
    ),
)
NOT_VERIFIED = LocalizedText(
    zh="证书 {certificate} 未通过验证：{message}", en="certificate {certificate}: {message}"
)

_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_SKIPPED_TYPES = frozenset({"BitstringStatusListCredential"})


@dataclass(frozen=True)
class ComponentResult:
    """One component checked: its status, what gave it (``basis``) and why, in both languages."""

    component: Component
    status: ComponentStatus
    detail: tuple[LocalizedText, ...]
    basis: Basis | None = None
    certificate: str | None = None

    def message(self, language: str | None = "en") -> str:
        return "; ".join(part.get(language) for part in self.detail)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.component.to_json(),
            "status": self.status,
            "kind_label": KIND_LABELS[self.component.kind].to_json(),
            "label": STATUS_LABELS[self.status].to_json(),
            "basis": self.basis,
            "certificate": self.certificate,
            "detail": {"zh-Hans": self.message("zh-Hans"), "en": self.message("en")},
        }


@dataclass(frozen=True)
class BomReport:
    """The answer of :func:`verify_bom`: each checked component, and the weakest status."""

    spec_version: str
    serial_number: str | None
    product: Component | None
    checked_at: datetime
    results: tuple[ComponentResult, ...]
    skipped: int = 0
    exemptions: tuple[Exemption, ...] = field(default=(), repr=False)

    @property
    def status(self) -> ComponentStatus | None:
        """The weakest component's status (:data:`ORDER`); None when no component is checked."""
        if not self.results:
            return None
        return min((result.status for result in self.results), key=ORDER.index)

    @property
    def passes(self) -> bool:
        """Whether every component checked is certified or eligible."""
        return all(result.status in PASSING for result in self.results)

    def counts(self) -> dict[str, int]:
        return {status: sum(r.status == status for r in self.results) for status in ORDER}

    def to_json(self) -> dict[str, Any]:
        status = self.status
        return {
            "spec_version": self.spec_version,
            "serial_number": self.serial_number,
            "product": None if self.product is None else self.product.to_json(),
            "checked_at": xsd_datetime(self.checked_at),
            "status": status,
            "label": None if status is None else STATUS_LABELS[status].to_json(),
            "passes": self.passes,
            "order": list(ORDER),
            "counts": self.counts(),
            "skipped": self.skipped,
            "components": [result.to_json() for result in self.results],
        }


@dataclass(frozen=True)
class _Certificate:
    id: str
    digests: frozenset[str]
    organisation: str | None
    model: str | None
    version: str | None
    verdict: Verification

    def names(self, component: Component) -> bool:
        if component.supplier is None or self.organisation is None or self.model is None:
            return False
        if self.organisation.casefold() != component.supplier.casefold():
            return False
        if self.model.casefold() != component.name.casefold():
            return False
        return self.version is None or component.version in (None, self.version)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (item for item in value if isinstance(item, str))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)


def _certificate(document: Mapping[str, Any], verdict: Verification, number: int) -> _Certificate:
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    subject = subject if isinstance(subject, Mapping) else {}
    found = subject.get("scope")
    scope: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    identifier = document.get("id")

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) and value else None

    return _Certificate(
        id=identifier if isinstance(identifier, str) else f"#{number + 1}",
        digests=frozenset(
            digest.lower()
            for digest in _strings(subject.get("digests"))
            if _HEX64.fullmatch(digest)
        ),
        organisation=text(subject.get("organisation")),
        model=text(scope.get("model")),
        version=text(scope.get("version")),
        verdict=verdict,
    )


def _check(
    component: Component,
    by_digest: Mapping[str, list[_Certificate]],
    by_supplier: Mapping[tuple[str, str], list[_Certificate]],
    applications: Sequence[Application],
    exemptions: Sequence[Exemption],
    first_party: str | None,
) -> ComponentResult:
    notes: list[LocalizedText] = []
    matched: list[tuple[_Certificate, Basis]] = [
        (cert, "digest") for cert in by_digest.get(component.sha256 or "", [])
    ]
    key = ((component.supplier or "").casefold(), component.name.casefold())
    for cert in by_supplier.get(key, ()):
        if not cert.names(component) or any(cert is seen for seen, _ in matched):
            continue
        if cert.digests and component.sha256 is not None:
            notes.append(localized(OUT_OF_SCOPE, certificate=cert.id))
        else:
            matched.append((cert, "supplier"))
    lapsed: list[tuple[_Certificate, Basis, ComponentStatus]] = []
    for cert, basis in matched:
        reason = cert.verdict.reason
        if reason is None:
            return ComponentResult(
                component,
                "certified",
                (localized(BASIS_DETAIL[basis], certificate=cert.id),),
                basis,
                cert.id,
            )
        if reason in ("revoked", "suspended", "expired"):
            lapsed.append((cert, basis, reason))
        else:
            notes.append(
                localized(
                    NOT_VERIFIED,
                    certificate=cert.id,
                    message=LocalizedText(
                        zh=cert.verdict.message("zh-Hans"), en=cert.verdict.message("en")
                    ),
                )
            )
    for wanted in ("revoked", "suspended"):
        for cert, basis, status in lapsed:
            if status == wanted:
                return ComponentResult(
                    component,
                    status,
                    (localized(BASIS_DETAIL[basis], certificate=cert.id), *notes),
                    basis,
                    cert.id,
                )
    for rule in exemptions:
        if rule.matches(component, first_party):
            detail = localized(BASIS_DETAIL["exemption"], rule=rule.id, reason=rule.reason)
            return ComponentResult(component, "eligible", (detail, *notes), "exemption")
    for application in applications:
        if application.makes_eligible and application.matches(component):
            detail = localized(BASIS_DETAIL["application"], reference=application.reference)
            return ComponentResult(component, "eligible", (detail, *notes), "application")
    if lapsed:
        cert, basis, _status = lapsed[0]
        detail = localized(BASIS_DETAIL[basis], certificate=cert.id)
        return ComponentResult(component, "expired", (detail, *notes), basis, cert.id)
    return ComponentResult(component, "uncertified", (*notes, NO_CERTIFICATE))


def _skipped(document: Mapping[str, Any]) -> bool:
    types = document.get("type")
    return bool(_SKIPPED_TYPES & set(types if isinstance(types, list) else [types]))


@dataclass(frozen=True)
class CertificateIndex:
    """Certificates verified once, indexed by artefact digest and by (supplier, model).

    Build it with :meth:`build` and pass it to :func:`verify_bom` to match many BOMs
    (or a large one) without verifying the certificates again.
    """

    by_digest: Mapping[str, list[_Certificate]]
    by_supplier: Mapping[tuple[str, str], list[_Certificate]]
    size: int

    @classmethod
    def build(
        cls,
        certificates: Iterable[Mapping[str, Any]],
        *,
        status_lists: Iterable[Mapping[str, Any]] = (),
        resolver: Resolver | None = None,
        now: datetime | None = None,
    ) -> CertificateIndex:
        """Verify each certificate offline (status lists included) and index it."""
        moment = now or datetime.now(UTC)
        lists = list(status_lists)
        return cls._of(
            (
                number,
                document,
                verify_credential(document, resolver=resolver, status_lists=lists, now=moment),
            )
            for number, document in enumerate(certificates)
            if not _skipped(document)
        )

    @classmethod
    def from_records(
        cls, records: Iterable[tuple[Mapping[str, Any], Verification]]
    ) -> CertificateIndex:
        """Index certificates verified elsewhere (a register that keeps each certificate
        with its current verdict, status included), without verifying them again."""
        return cls._of(
            (number, document, verdict) for number, (document, verdict) in enumerate(records)
        )

    @classmethod
    def _of(
        cls, entries: Iterable[tuple[int, Mapping[str, Any], Verification]]
    ) -> CertificateIndex:
        by_digest: dict[str, list[_Certificate]] = {}
        by_supplier: dict[tuple[str, str], list[_Certificate]] = {}
        size = 0
        for number, document, verdict in entries:
            cert = _certificate(document, verdict, number)
            size += 1
            for digest in cert.digests:
                by_digest.setdefault(digest, []).append(cert)
            if cert.model and cert.organisation:
                key = (cert.organisation.casefold(), cert.model.casefold())
                by_supplier.setdefault(key, []).append(cert)
        return cls(by_digest, by_supplier, size)


def verify_bom(
    bom: Bom,
    certificates: Iterable[Mapping[str, Any]] = (),
    *,
    status_lists: Iterable[Mapping[str, Any]] = (),
    applications: Iterable[Application] = (),
    exemptions: Iterable[Exemption] | None = None,
    resolver: Resolver | None = None,
    now: datetime | None = None,
    index: CertificateIndex | None = None,
) -> BomReport:
    """Check every AI component and service of ``bom`` against the certificates given.

    Parameters
    ----------
    bom
        A BOM read by :func:`read_bom` or :func:`parse_bom`.
    certificates
        Certificate credentials (parsed JSON), each verified offline once.
    status_lists
        The status list credentials of the certificates (a certificate whose
        list is missing does not verify, so it certifies nothing).
    applications
        Open certification applications of suppliers (:func:`read_applications`).
    exemptions
        Exemption rules (default: the shipped ``data/exemptions.yaml``).
    resolver
        The issuers' keys (default: any ``did:key``); pin them to accept only those issuers.
    now
        The moment to judge validity at (default: now, UTC).
    index
        Certificates verified beforehand (:meth:`CertificateIndex.build`): then
        ``certificates``, ``status_lists`` and ``resolver`` are not read, and a
        BOM is matched by digest and supplier look-ups only.
    """
    moment = now or datetime.now(UTC)
    rules = load_exemptions() if exemptions is None else tuple(exemptions)
    if index is None:
        index = CertificateIndex.build(
            certificates, status_lists=status_lists, resolver=resolver, now=moment
        )
    checked = [c for c in bom.components if c.kind in CHECKED_KINDS]
    first_party = bom.first_party
    apps = tuple(applications)
    results = tuple(
        _check(component, index.by_digest, index.by_supplier, apps, rules, first_party)
        for component in checked
    )
    return BomReport(
        spec_version=bom.spec_version,
        serial_number=bom.serial_number,
        product=bom.product,
        checked_at=moment,
        results=results,
        skipped=len(bom.components) - len(checked),
        exemptions=rules,
    )


__all__ = [
    "CHECKED_KINDS",
    "KIND_LABELS",
    "ORDER",
    "PASSING",
    "STATUS_LABELS",
    "BomReport",
    "CertificateIndex",
    "ComponentResult",
    "ComponentStatus",
    "verify_bom",
]
