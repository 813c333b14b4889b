"""Reads of certification: the platform's evidence for a system, requirements, who may do what,
the bodies' DID documents and status lists, and verification of a certificate."""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tianping.bom import Application as BomApplication
from tianping.bom import Bom, BomReport, CertificateIndex, verify_bom
from tianping.bom import Component as BomComponent
from tianping.certification import (
    BiasAssessment,
    EthicsReview,
    EvaluatorFinding,
    Evidence,
    Overlay,
    PlaybookAdoption,
    PrivacyScan,
    ProbeRunResult,
    RequirementResult,
    Resolver,
    SigningKey,
    StatusList,
    SwitchTest,
    TransparencyDocument,
    Verification,
    canonical,
    export_gap,
    gap,
    issue_credential,
    load_levels,
    overlays_for,
    status_list_credential,
    verify_credential,
    xsd_datetime,
)
from tianping.web.accounts.models import Membership, Role
from tianping.web.accounts.selectors import has_role
from tianping.web.assessments.evidence.services import latest_intake_answers
from tianping.web.assessments.models import Evidence as EvidenceRow
from tianping.web.certification.models import (
    EXPORT,
    Certificate,
    CertificationApplication,
    CertificationBody,
    Finding,
    RevokedKey,
    StatusListVersion,
    SurveillanceCase,
)
from tianping.web.core import signing
from tianping.web.operations.models import IncidentPlaybook, SystemSwitch
from tianping.web.reviews.models import Application as ReviewApplication
from tianping.web.reviews.models import DecisionType
from tianping.web.systems.models import AISystem
from tianping.web.transparency.selectors import published_documents

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
PUBLIC_HOST_ENV = "TIANPING_PUBLIC_HOST"
PURPOSES = ("revocation", "suspension")

_DECISIONS = {
    DecisionType.APPROVE: "approved",
    DecisionType.APPROVE_AFTER_MODIFICATION: "approved_after_modification",
    DecisionType.RE_REVIEW_AFTER_MODIFICATION: "re_review",
    DecisionType.NOT_APPROVE: "not_approved",
}


# --- the platform's address and the bodies' keys ------------------------------------------------


def public_host() -> str:
    """The host name certificates and DIDs name: ``TIANPING_PUBLIC_HOST``, else the first
    allowed host (``127.0.0.1`` by default)."""
    configured = os.environ.get(PUBLIC_HOST_ENV, "").strip()
    if configured:
        return configured
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*", "["))]
    return hosts[0] if hosts else "localhost"


def base_url() -> str:
    return f"https://{public_host()}"


def did_of(body: CertificationBody) -> str:
    """``did:web:<host>:bodies:<id>`` (a port's colon written ``%3A``)."""
    return f"did:web:{public_host().replace(':', '%3A')}:bodies:{body.pk}"


def signing_keys(body: CertificationBody) -> tuple[SigningKey, ...]:
    """The body's certificate keys, newest first (older ones still verify what they signed)."""
    return _keys_of(signing.ed25519_seeds(signing.CERTIFICATES, did_of(body)))


@functools.lru_cache(maxsize=256)
def _keys_of(seeds: tuple[bytes, ...]) -> tuple[SigningKey, ...]:
    # Deriving a key's public half and its multibase text costs more than a verification:
    # done once per seed a process sees.
    return tuple(SigningKey(seed) for seed in seeds)


def _revoked(body: CertificationBody) -> dict[str, datetime]:
    """When each of the body's compromised keys (by public multibase) stopped being trusted."""
    return dict(RevokedKey.objects.filter(body=body).values_list("public_multibase", "revoked_at"))


def key_states(body: CertificationBody) -> list[tuple[str, datetime | None]]:
    """Each of the body's certificate keys (newest first) and when it was marked compromised."""
    revoked = _revoked(body)
    return [(key.public_multibase, revoked.get(key.public_multibase)) for key in signing_keys(body)]


def method_of(body: CertificationBody, key: SigningKey) -> str:
    return f"{did_of(body)}#{key.public_multibase}"


def did_document(body: CertificationBody) -> dict[str, Any]:
    """The body's DID document: every key it has signed with, newest first."""
    did = did_of(body)
    revoked = _revoked(body)
    methods = [
        {
            "id": method_of(body, key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_multibase,
            # A compromised key: proofs it made from then on are refused everywhere.
            **(
                {"revoked": xsd_datetime(revoked[key.public_multibase])}
                if key.public_multibase in revoked
                else {}
            ),
        }
        for key in signing_keys(body)
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def status_list_url(body: CertificationBody, purpose: str) -> str:
    return f"{base_url()}/bodies/{body.pk}/status/{purpose}"


def sign(body: CertificationBody, document: dict[str, Any], *, at: datetime) -> dict[str, Any]:
    key = signing_keys(body)[0]
    if RevokedKey.objects.filter(
        body=body, public_multibase=key.public_multibase, revoked_at__lte=at
    ).exists():
        raise ValidationError(
            _(
                "The body's newest certificate key is marked compromised: rotate the "
                "certificate keys (a new key first in TIANPING_KEY_CERTIFICATES) before signing."
            )
        )
    return _signed(body, document, at=at)


def _signed(body: CertificationBody, document: dict[str, Any], *, at: datetime) -> dict[str, Any]:
    key = signing_keys(body)[0]
    return issue_credential(document, key, method_of(body, key), created=at)


def status_list(body: CertificationBody, purpose: str) -> dict[str, Any]:
    """The body's current status list credential of ``purpose`` (an empty one before the first)."""
    latest = StatusListVersion.objects.filter(issuer=body, purpose=purpose).first()
    if latest is not None:
        return dict(latest.credential)
    # Before the first certificate: the empty list, signed once per process and key.
    key = (did_of(body), purpose, body.created_at, signing_keys(body)[0].public_multibase)
    if key not in _EMPTY_LISTS:
        unsigned = status_list_credential(
            status_list_url(body, purpose),
            did_of(body),
            "revocation" if purpose == "revocation" else "suspension",
            StatusList.empty(),
            valid_from=body.created_at,
        )
        # Not refused under a compromised key: an empty list revokes nothing, and its proof
        # fails by itself where the key is no longer trusted.
        _EMPTY_LISTS[key] = _signed(body, unsigned, at=body.created_at)
    return dict(_EMPTY_LISTS[key])


_EMPTY_LISTS: dict[tuple[str, str, datetime, str], dict[str, Any]] = {}


def issuing_bodies() -> QuerySet[CertificationBody]:
    return CertificationBody.objects.filter(issues=True).select_related("organisation")


# --- evidence and requirements ------------------------------------------------------------------


def _digest(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def platform_evidence(system: AISystem, findings: Iterable[tuple[str, str, str]] = ()) -> Evidence:
    """What the platform holds for ``system``: decided ethics reviews, bias assessments,
    privacy scans and its latest finished probe run filed as evidence, its intake answers, and
    ``findings`` (``(requirement, conclusion, evaluator)``) as evaluators' findings."""
    records: list[Any] = []
    for review in ReviewApplication.objects.filter(system=system, decided_at__isnull=False):
        if review.decision in _DECISIONS:
            records.append(
                EthicsReview(
                    decision=_DECISIONS[DecisionType(review.decision)],
                    sha256=_digest({"review": review.reference, "decision": review.decision}),
                    date=review.decided_at.date()
                    if review.decided_at
                    else system.created_at.date(),
                )
            )
    probe_run: EvidenceRow | None = None
    for row in EvidenceRow.objects.filter(system=system).order_by("created_at", "pk"):
        content = row.content if isinstance(row.content, dict) else {}
        if row.kind == EvidenceRow.Kind.PROBE_RUN:
            probe_run = row  # a run files its evidence only once finished; the latest counts
        elif row.kind == EvidenceRow.Kind.BIAS_ASSESSMENT:
            policy = ((content.get("meta") or {}).get("policy") or {}).get("id")
            if isinstance(policy, str):
                records.append(
                    BiasAssessment(
                        policy=policy,
                        passed=content.get("verdict") == "pass",
                        sha256=row.sha256,
                        date=row.created_at.date(),
                    )
                )
        elif row.kind == EvidenceRow.Kind.PRIVACY_PROFILE:
            # No resolution of a finding is recorded on the platform: every sensitive column counts.
            columns = content.get("columns") or []
            sensitive = sum(
                1 for c in columns if isinstance(c, dict) and c.get("pipl_class") == "sensitive"
            )
            records.append(
                PrivacyScan(
                    unresolved_sensitive=sensitive, sha256=row.sha256, date=row.created_at.date()
                )
            )
    if probe_run is not None and isinstance(probe_run.content, dict):
        records.append(
            ProbeRunResult.from_results(
                probe_run.content,
                run=str(probe_run.source_id or probe_run.pk),
                sha256=probe_run.sha256,
                on=timezone.localtime(probe_run.created_at).date(),
            )
        )
    switch = SystemSwitch.objects.filter(system=system, changed_at__isnull=False).first()
    if switch is not None and switch.changed_at is not None and switch.version > 0:
        # The switch has been operated on the platform (each change is ledgered).
        records.append(
            SwitchTest(
                passed=True,
                sha256=_digest({"switch": system.pk, "version": switch.version}),
                date=switch.changed_at.date(),
            )
        )
    playbook = IncidentPlaybook.objects.filter(system=system).first()
    if playbook is not None:
        records.append(
            PlaybookAdoption(
                adopted=True,
                sha256=_digest({"playbook": system.pk, "updated": str(playbook.updated_at)}),
                date=playbook.updated_at.date(),
            )
        )
    for document in published_documents(system):
        records.append(
            TransparencyDocument(
                document=document.kind,
                complete=document.complete,
                sha256=document.sha256,
                date=(document.published_at or document.created_at).date(),
            )
        )
    today = datetime.now().date()
    for requirement, conclusion, evaluator in findings:
        records.append(
            EvaluatorFinding(
                requirement=requirement,
                conclusion=conclusion,
                evaluator=evaluator,
                sha256=_digest([requirement, conclusion, evaluator]),
                date=today,
            )
        )
    return Evidence(records=tuple(records), answers=latest_intake_answers(system))


def scheme_choices() -> list[tuple[str, str]]:
    """The levels (lowest first) and the export certificate, as ``(id, name)`` pairs."""
    language = get_language()
    levels = load_levels()
    choices = [(level.id, level.name.get(language)) for level in levels.levels]
    return [*choices, (EXPORT, levels.export.name.get(language))]


def requirements(scheme: str, evidence: Evidence) -> list[RequirementResult]:
    """The requirements of a level (cumulative) or the export certificate, on ``evidence``."""
    if scheme == EXPORT:
        seen: dict[str, RequirementResult] = {}
        for dimension in export_gap(evidence).dimensions:
            for result in dimension.results:
                seen.setdefault(result.id, result)
        return list(seen.values())
    return list(gap(scheme, evidence).results)


def dimension_conclusions(
    application: CertificationApplication, evidence: Evidence
) -> list[tuple[Any, list[tuple[Any, str | None]]]]:
    """Each export dimension (its gap) with each evaluator's conclusion on it: their finding on
    the dimension's ``evaluator_finding`` rule (None before they record it)."""
    rows = list(application.evaluator_rows.select_related("body__organisation"))
    found = {
        (f.evaluator_id, f.requirement): f.conclusion
        for f in Finding.objects.filter(evaluator__application=application)
    }
    out = []
    for dimension in export_gap(evidence).dimensions:
        rules = [r.id for r in dimension.results if r.kind == "evaluator_finding"]
        out.append(
            (
                dimension,
                [
                    (row, next((found[(row.pk, r)] for r in rules if (row.pk, r) in found), None))
                    for row in rows
                ],
            )
        )
    return out


def export_overlays(application: CertificationApplication) -> list[Overlay]:
    """The destination laws' extra obligations for an export application's markets."""
    if application.scheme != EXPORT or not application.destinations:
        return []
    return overlays_for(list(application.destinations))


def final_findings(
    application: CertificationApplication, ruling: str | None = None
) -> list[tuple[str, str, str]]:
    """The findings that stand: those both evaluators agree on (named by their bodies), and for
    a decided dispute the decision-maker's ruling (``met`` when granted, ``not_met`` when
    refused; named by the issuing body)."""
    by_requirement: dict[str, list[str]] = {}
    bodies: list[str] = []
    for row in application.evaluator_rows.select_related("body__organisation"):
        bodies.append(row.body.organisation.name)
        for finding in row.findings.all():
            by_requirement.setdefault(finding.requirement, []).append(finding.conclusion)
    joint = " + ".join(bodies)
    if ruling is None and application.decided_at is not None:
        granted = application.status == CertificationApplication.Status.GRANTED
        ruling = "met" if granted else "not_met"
    out = []
    for requirement, conclusions in by_requirement.items():
        if len(set(conclusions)) == 1:
            out.append((requirement, conclusions[0], joint))
        elif ruling is not None:
            out.append((requirement, ruling, application.issuer.organisation.name))
    return out


def disagreements(application: CertificationApplication) -> list[str]:
    by_requirement: dict[str, set[str]] = {}
    for row in application.evaluator_rows.all():
        for finding in row.findings.all():
            by_requirement.setdefault(finding.requirement, set()).add(finding.conclusion)
    return sorted(r for r, conclusions in by_requirement.items() if len(conclusions) > 1)


# --- who may do what ----------------------------------------------------------------------------


def officer_bodies(user: User | AnonymousUser) -> QuerySet[CertificationBody]:
    """The bodies in which ``user`` is a certification officer."""
    if not user.is_authenticated:
        return CertificationBody.objects.none()
    return CertificationBody.objects.filter(
        organisation__memberships__user=user,
        organisation__memberships__role=Role.CERTIFICATION_OFFICER,
    ).distinct()


def decides_for(user: User | AnonymousUser, body: CertificationBody) -> bool:
    """Whether ``user`` is the decision-maker of ``body`` (one of its certification officers)."""
    return has_role(user, body.organisation, [Role.CERTIFICATION_OFFICER])


def applies_for(user: User | AnonymousUser, system: AISystem) -> bool:
    return has_role(user, system.organisation, [Role.APPLICANT, Role.ADMIN])


def visible_applications(user: User | AnonymousUser) -> QuerySet[CertificationApplication]:
    """Applications of the user's organisations, of the bodies they decide for, and those they
    evaluate."""
    if not user.is_authenticated:
        return CertificationApplication.objects.none()
    orgs = Membership.objects.filter(user=user).values("organisation")
    return (
        CertificationApplication.objects.filter(
            Q(system__organisation__in=orgs)
            | Q(issuer__in=officer_bodies(user))
            | Q(evaluator_rows__user=user)
        )
        .distinct()
        .select_related("system", "issuer__organisation")
    )


def candidate_evaluators(
    application: CertificationApplication,
) -> list[tuple[Any, CertificationBody]]:
    """Certification officers of every body but those of the applicant's organisation."""
    rows = (
        Membership.objects.filter(
            role=Role.CERTIFICATION_OFFICER, organisation__certification_body__isnull=False
        )
        .exclude(user__memberships__organisation=application.system.organisation)
        .select_related("user", "organisation__certification_body")
        .order_by("organisation__certification_body__pk", "user__username")
    )
    return [(row.user, row.organisation.certification_body) for row in rows]


# --- the register and verification -------------------------------------------------------------


def register_certificates(query: str = "") -> QuerySet[Certificate]:
    """Every certificate the platform has issued (any state), newest first; ``query`` searches
    the system's and the organisation's names."""
    certificates = Certificate.objects.select_related(
        "system__organisation", "issuer__organisation", "application"
    )
    if query:
        certificates = certificates.filter(
            Q(system__name__icontains=query)
            | Q(system__organisation__name__icontains=query)
            | Q(system__organisation__name_en__icontains=query)
        )
    return certificates


def certified_system(system_id: int) -> tuple[AISystem, Sequence[Certificate]] | None:
    certificates = list(register_certificates().filter(system_id=system_id))
    if not certificates:
        return None
    return certificates[0].system, certificates


def _text(value: Any, language: str) -> str:
    """A document's text (a string, or ``{"zh-Hans": …, "en": …}``) in ``language``."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return ""
    wanted = ("zh-Hans", "en") if language.startswith("zh") else ("en", "zh-Hans")
    return next((value[k] for k in wanted if isinstance(value.get(k), str) and value[k]), "")


def trust_notice(system: AISystem) -> dict[str, Any]:
    """What the system's published user notice (Art. 16) says of its limits, how to opt out
    and how to reach a person, in the reader's language; empty where nothing is published."""
    notice = next((d for d in published_documents(system) if d.kind == "user-notice"), None)
    stored = (notice.document or {}).get("json") if notice is not None else None
    content = stored.get("content") if isinstance(stored, dict) else None
    if not isinstance(content, dict):
        return {}
    language = get_language() or "zh-hans"
    limits = content.get("limitations")
    texts = (_text(v, language) for v in (limits if isinstance(limits, list) else []))
    return {
        "limitations": [t for t in texts if t],
        "opt_out": _text(content.get("opt_out"), language),
        "human_contact": _text(content.get("human_contact"), language),
    }


def keys_mismatched() -> list[str]:
    """The issuing bodies whose newest certificate no certificate key of this process signed.

    Every process sharing a database must hold the same ``certificates`` keys
    (``TIANPING_KEY_CERTIFICATES`` or the key file): one that does not would publish DID
    documents without the key that signed the certificates, and they would stop verifying.
    """
    newest = Certificate.objects.values("issuer").annotate(newest=Max("id")).values("newest")
    mismatched = []
    for certificate in Certificate.objects.filter(id__in=newest).select_related("issuer"):
        proof = (certificate.credential or {}).get("proof")
        method = proof.get("verificationMethod") if isinstance(proof, dict) else None
        body = certificate.issuer
        if method not in {method_of(body, key) for key in signing_keys(body)}:
            mismatched.append(str(body))
    return sorted(mismatched)


def issuer_number(document: Any) -> int | None:
    """The number of the platform's body the document names as its issuer (its ``did:web``),
    or None when it names none of them."""
    issuer = document.get("issuer") if isinstance(document, dict) else None
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    prefix = f"did:web:{public_host().replace(':', '%3A')}:bodies:"
    if not isinstance(issuer, str) or not issuer.startswith(prefix):
        return None
    number = issuer[len(prefix) :]
    if not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    return int(number)


def _named_issuer(document: Any) -> list[CertificationBody]:
    """The platform's issuing body the document names as its issuer (none if it names none of
    them): only its DID document and status lists are needed to judge the certificate."""
    number = issuer_number(document)
    return [] if number is None else list(issuing_bodies().filter(pk=number))


def verify(document: Any, *, now: datetime | None = None) -> Verification:
    """Verify a certificate against the platform's issuers only (their pinned DID documents)
    and their current status lists; never fetches anything."""
    bodies = _named_issuer(document)
    resolver = Resolver([did_document(body) for body in bodies], did_key=False)
    lists = [status_list(body, purpose) for body in bodies for purpose in PURPOSES]
    return verify_credential(document, resolver=resolver, status_lists=lists, now=now)


# --- suppliers and surveillance -----------------------------------------------------------------

VENDORS_SELECTORS = "tianping.web.vendors.selectors"


def _vendors() -> Any | None:
    """The vendors app's selectors, where that app is installed."""
    try:
        found = importlib.util.find_spec(VENDORS_SELECTORS)
    except ModuleNotFoundError:
        return None
    return importlib.import_module(VENDORS_SELECTORS) if found is not None else None


def vendor_components(system: AISystem) -> list[Any]:
    """The system's AI-BOM components (``.name``, ``.supplier``, ``.certificate_id`` …) as the
    vendors app records them; none without it."""
    vendors = _vendors()
    return list(vendors.components_for(system)) if vendors is not None else []


def supplier_risk(system: AISystem) -> list[tuple[str, str]]:
    """``(supplier, rating)`` for the system's suppliers, rated ``low``/``medium``/``high``."""
    vendors = _vendors()
    return list(vendors.supplier_risk_for(system)) if vendors is not None else []


def high_risk_suppliers(system: AISystem) -> list[str]:
    """The suppliers rated high risk: the gap report's "supplier risk" item fails on them."""
    return sorted({name for name, rating in supplier_risk(system) if rating == "high"})


def surveillance_cases(user: User | AnonymousUser) -> QuerySet[SurveillanceCase]:
    """Open cases on certificates of the bodies ``user`` decides for, or of the user's
    organisations' systems."""
    if not user.is_authenticated:
        return SurveillanceCase.objects.none()
    orgs = Membership.objects.filter(user=user).values("organisation")
    return (
        SurveillanceCase.objects.filter(
            Q(certificate__issuer__in=officer_bodies(user))
            | Q(certificate__system__organisation__in=orgs)
        )
        .exclude(status=SurveillanceCase.Status.CLOSED)
        .distinct()
        .select_related("certificate__system", "certificate__application")
    )


def _sha256_of(hashes: Any) -> str | None:
    if not isinstance(hashes, dict):
        return None
    for key, value in hashes.items():
        if str(key).replace("-", "").upper() == "SHA256" and isinstance(value, str):
            return value.lower()
    return None


def upstream_report(system: AISystem, *, now: datetime | None = None) -> BomReport | None:
    """Each AI component of the system's AI-BOM (the vendors app) checked against the platform's
    certificates, open applications and the exemption rules; the product takes its weakest
    component's status (:func:`tianping.bom.verify_bom`). None when no component is recorded."""
    rows = vendor_components(system)
    if not rows:
        return None
    components = tuple(
        BomComponent(
            path=f"components[{number}]",
            kind=str(row.component_type),
            name=str(row.name),
            version=str(row.version) or None,
            supplier=str(row.supplier) if row.supplier else None,
            sha256=_sha256_of(row.hashes),
        )
        for number, row in enumerate(rows)
    )
    bom = Bom(
        document={"metadata": {"supplier": {"name": system.organisation.name}}},
        spec_version="1.6",
        serial_number=None,
        product=None,
        components=components,
    )
    applications = [
        BomApplication(
            reference=f"#{application.pk}",
            supplier=application.system.organisation.name,
            component=application.system.name,
            state="open",
            submission_complete=True,
            sha256=digest,
        )
        for application in CertificationApplication.objects.exclude(system=system)
        .filter(status__in=OPEN_STATUSES)
        .select_related("system__organisation")
        for digest in (list(application.artefact_digests.values()) or [None])
    ]
    index = upstream_index(now=now)
    own = set(Certificate.objects.filter(system=system).values_list("credential_id", flat=True))
    return verify_bom(bom, applications=applications, now=now, index=_without(index, own))


def _without(index: CertificateIndex, ids: set[str]) -> CertificateIndex:
    """``index`` less the certificates ``ids`` (a system's own: they do not vouch for its
    suppliers' components)."""
    if not ids:
        return index
    by_digest = {k: [c for c in v if c.id not in ids] for k, v in index.by_digest.items()}
    by_supplier = {k: [c for c in v if c.id not in ids] for k, v in index.by_supplier.items()}
    return CertificateIndex(by_digest, by_supplier, index.size)


def _upstream_version() -> tuple[Any, ...]:
    """What the index of the platform's certificates depends on: the certificates, the status
    lists' versions, the compromised keys, the issuing bodies and their keys."""
    certificates = Certificate.objects.aggregate(n=Count("pk"), last=Max("pk"), at=Max("issued_at"))
    lists = StatusListVersion.objects.aggregate(n=Count("pk"), last=Max("pk"), at=Max("created_at"))
    keys = RevokedKey.objects.aggregate(n=Count("pk"), last=Max("pk"), at=Max("recorded_at"))
    bodies = tuple(
        (body.pk, body.created_at, tuple(k.public_multibase for k in signing_keys(body)))
        for body in issuing_bodies().order_by("pk")
    )
    return (
        public_host(),
        *certificates.values(),
        *lists.values(),
        *keys.values(),
        bodies,
    )


@dataclass(frozen=True)
class _Upstream:
    version: tuple[Any, ...]
    index: CertificateIndex
    until: datetime | None
    """The next moment a verdict in the index changes by time alone (a certificate starts
    or ends its validity); the index is built again from then on."""


_UPSTREAM: dict[str, _Upstream] = {}
_UPSTREAM_LOCK = threading.Lock()
UPSTREAM_BUILDS = {"count": 0}
"""How many times the index of upstream certificates was built (tests read it)."""


def upstream_index(*, now: datetime | None = None) -> CertificateIndex:
    """The newest :data:`MAX_UPSTREAM` certificates of the platform, each verified offline
    against its issuer's pinned keys and status lists, indexed by digest and by supplier.

    Verifying 2,000 certificates takes a while, so the index is kept per process and built
    again only when a certificate is issued, a status list gets a new version (a revocation,
    a suspension, a reinstatement), a key is marked compromised, the issuing bodies or their
    keys change, or a certificate's validity starts or ends. With ``now`` given it is built
    for that moment and not kept.
    """
    if now is not None:
        return _upstream_build(now)[0]
    version = _upstream_version()
    moment = timezone.now()
    with _UPSTREAM_LOCK:
        kept = _UPSTREAM.get("index")
    if kept is not None and kept.version == version and (kept.until is None or moment < kept.until):
        return kept.index
    index, until = _upstream_build(moment)
    with _UPSTREAM_LOCK:
        _UPSTREAM["index"] = _Upstream(version, index, until)
    return index


def _upstream_build(now: datetime) -> tuple[CertificateIndex, datetime | None]:
    UPSTREAM_BUILDS["count"] += 1
    rows = list(Certificate.objects.only("credential", "valid_from", "valid_until")[:MAX_UPSTREAM])
    bodies = list(issuing_bodies())
    index = CertificateIndex.build(
        [row.credential for row in rows],
        status_lists=[status_list(body, purpose) for body in bodies for purpose in PURPOSES],
        resolver=Resolver([did_document(body) for body in bodies], did_key=False),
        now=now,
    )
    later = [moment for row in rows for moment in (row.valid_from, row.valid_until) if moment > now]
    return index, min(later, default=None)


MAX_UPSTREAM = 2000
"""The most certificates (newest first) an AI-BOM is checked against."""

OPEN_STATUSES = (
    CertificationApplication.Status.SUBMITTED,
    CertificationApplication.Status.EVALUATION,
    CertificationApplication.Status.DECISION,
    CertificationApplication.Status.APPEALED,
)
"""An application in these states is open: its component counts as eligible."""
