"""Certification bodies, evaluators and a system of enterprise A with the evidence a level needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from tests.web.factories import Network, make_user
from tests.web.reviews.factories import build_review_network, make_application
from tianping.certification import certificate_credential, load_levels, status_entry
from tianping.web.accounts.models import OrganisationKind, Role
from tianping.web.accounts.services import organisation_create
from tianping.web.assessments.models import Evidence
from tianping.web.certification import selectors, services
from tianping.web.certification.models import (
    Certificate,
    CertificationApplication,
    CertificationBody,
)
from tianping.web.certification.services import application_submit, body_create
from tianping.web.reviews.models import Application


@dataclass
class Bodies:
    issuer: CertificationBody
    institute: CertificationBody
    association: CertificationBody
    certifier: AbstractBaseUser
    evaluator_ri: AbstractBaseUser
    evaluator_ia: AbstractBaseUser


def build_bodies(n: Network) -> Bodies:
    def org(name: str, kind: str) -> Any:
        return organisation_create(name=name, kind=kind, parent=n.central)

    issuer = body_create(
        organisation=org("认证中心", OrganisationKind.CERTIFICATION_BODY),
        kind="certification_centre",
        issues=True,
        accreditations=[
            {"scope": scope, "accredited_by": "NAIEC", "reference": f"ACC-{scope}",
             "valid_from": date(2026, 1, 1)}
            for scope in ("levels", "export")
        ],
    )  # fmt: skip
    institute = body_create(
        organisation=org("研究院", OrganisationKind.INSTITUTE), kind="research_institute"
    )
    association = body_create(
        organisation=org("行业协会", OrganisationKind.INDUSTRY_ASSOCIATION),
        kind="industry_association",
    )
    officer = Role.CERTIFICATION_OFFICER
    return Bodies(
        issuer=issuer,
        institute=institute,
        association=association,
        certifier=make_user("certifier_x", organisation=issuer.organisation, role=officer),
        evaluator_ri=make_user("evaluator_ri_x", organisation=institute.organisation, role=officer),
        evaluator_ia=make_user(
            "evaluator_ia_x", organisation=association.organisation, role=officer
        ),
    )


def give_basic_evidence(n: Network) -> None:
    """What basic compliance's rules need: an approved review, a passing four-fifths bias
    assessment and a privacy scan with no sensitive column."""
    reviews = build_review_network(n)
    make_application(
        system=n.system_a,
        body=reviews.committee,
        applicant=n.applicant_a,
        status=Application.Status.DECIDED,
        decision="approve",
        decided_at=timezone.now(),
    )
    Evidence.objects.create(
        system=n.system_a, kind="bias_assessment", title="audit", sha256="a" * 64,
        content={"verdict": "pass", "meta": {"policy": {"id": "four-fifths"}}},
    )  # fmt: skip
    Evidence.objects.create(
        system=n.system_a, kind="privacy_profile", title="scan", sha256="b" * 64,
        content={"columns": [{"column": "age", "pipl_class": "general"}]},
    )  # fmt: skip


def submit(n: Network, b: Bodies, scheme: str = "basic_compliance") -> CertificationApplication:
    return application_submit(
        actor=n.applicant_a, system=n.system_a, scheme=scheme, issuer=b.issuer
    )


def issue_basic(n: Network) -> tuple[Any, Bodies]:
    """A basic-compliance certificate of ``n.system_a``, through the whole workflow."""
    bodies = build_bodies(n)
    give_basic_evidence(n)
    application = submit(n, bodies)
    services.evaluators_assign(
        actor=bodies.certifier,
        application=application,
        evaluators=[bodies.evaluator_ri, bodies.evaluator_ia],
    )
    evidence = selectors.platform_evidence(application.system)
    met = {r.id: ("met", "") for r in selectors.requirements(application.scheme, evidence)}
    for evaluator in (bodies.evaluator_ri, bodies.evaluator_ia):
        services.findings_record(actor=evaluator, application=application, findings=met)
    application.refresh_from_db()
    certificate = services.application_decide(
        actor=bodies.certifier, application=application, grant=True, reason="Agreed."
    )
    assert certificate is not None
    return certificate, bodies


def expired_copy(certificate: Certificate) -> dict[str, Any]:
    """A certificate of the same body, signed three years ago: its two years are over."""
    body = certificate.issuer
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3 * 365)
    status = [status_entry(selectors.status_list_url(body, p), 4000, p) for p in selectors.PURPOSES]
    unsigned = certificate_credential(
        credential_id="urn:uuid:00000000-0000-4000-8000-0000000e0e0e",
        issuer=selectors.did_of(body),
        level=load_levels().level("basic_compliance"),
        subject={"id": "urn:test:system"},
        valid_from=at,
        status=status,
    )
    return selectors.sign(body, unsigned, at=at)
