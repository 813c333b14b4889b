"""Reads of certification: the platform's evidence for a system, requirements, who may do what,
the bodies' DID documents and status lists, and verification of a certificate."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from tianping.certification import (
    BiasAssessment,
    EthicsReview,
    EvaluatorFinding,
    Evidence,
    PrivacyScan,
    RequirementResult,
    Resolver,
    SigningKey,
    StatusList,
    Verification,
    canonical,
    export_gap,
    gap,
    issue_credential,
    load_levels,
    status_list_credential,
    verify_credential,
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
    StatusListVersion,
)
from tianping.web.core import signing
from tianping.web.reviews.models import Application as ReviewApplication
from tianping.web.reviews.models import DecisionType
from tianping.web.systems.models import AISystem

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
    return tuple(
        SigningKey(seed) for seed in signing.ed25519_seeds(signing.CERTIFICATES, did_of(body))
    )


def method_of(body: CertificationBody, key: SigningKey) -> str:
    return f"{did_of(body)}#{key.public_multibase}"


def did_document(body: CertificationBody) -> dict[str, Any]:
    """The body's DID document: every key it has signed with, newest first."""
    did = did_of(body)
    methods = [
        {
            "id": method_of(body, key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_multibase,
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
    return issue_credential(document, key, method_of(body, key), created=at)


def status_list(body: CertificationBody, purpose: str) -> dict[str, Any]:
    """The body's current status list credential of ``purpose`` (an empty one before the first)."""
    latest = StatusListVersion.objects.filter(issuer=body, purpose=purpose).first()
    if latest is not None:
        return dict(latest.credential)
    unsigned = status_list_credential(
        status_list_url(body, purpose),
        did_of(body),
        "revocation" if purpose == "revocation" else "suspension",
        StatusList.empty(),
        valid_from=body.created_at,
    )
    return sign(body, unsigned, at=body.created_at)


def issuing_bodies() -> QuerySet[CertificationBody]:
    return CertificationBody.objects.filter(issues=True).select_related("organisation")


# --- evidence and requirements ------------------------------------------------------------------


def _digest(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def platform_evidence(system: AISystem, findings: Iterable[tuple[str, str, str]] = ()) -> Evidence:
    """What the platform holds for ``system``: decided ethics reviews, bias assessments and
    privacy scans filed as evidence, its intake answers, and ``findings``
    (``(requirement, conclusion, evaluator)``) as evaluators' findings."""
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
    for row in EvidenceRow.objects.filter(system=system).order_by("created_at", "pk"):
        content = row.content if isinstance(row.content, dict) else {}
        if row.kind == EvidenceRow.Kind.BIAS_ASSESSMENT:
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


def final_findings(
    application: CertificationApplication, ruling: str | None = None
) -> list[tuple[str, str, str]]:
    """The findings that stand: those both evaluators agree on, and for a decided dispute the
    decision-maker's ruling (``met`` when granted, ``not_met`` when refused)."""
    by_requirement: dict[str, list[str]] = {}
    for row in application.evaluator_rows.all():
        for finding in row.findings.all():
            by_requirement.setdefault(finding.requirement, []).append(finding.conclusion)
    if ruling is None and application.decided_at is not None:
        granted = application.status == CertificationApplication.Status.GRANTED
        ruling = "met" if granted else "not_met"
    out = []
    for requirement, conclusions in by_requirement.items():
        if len(set(conclusions)) == 1:
            out.append((requirement, conclusions[0], "joint"))
        elif ruling is not None:
            out.append((requirement, ruling, "decision"))
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


def verify(document: Any, *, now: datetime | None = None) -> Verification:
    """Verify a certificate against the platform's issuers only (their pinned DID documents)
    and their current status lists; never fetches anything."""
    bodies = list(issuing_bodies())
    resolver = Resolver([did_document(body) for body in bodies], did_key=False)
    lists = [status_list(body, purpose) for body in bodies for purpose in PURPOSES]
    return verify_credential(document, resolver=resolver, status_lists=lists, now=now)
