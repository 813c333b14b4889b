"""The demo's certification: three bodies, their accreditations, and the certifier's work: an
application awaiting findings, one in dispute, a certificate near expiry under surveillance,
and an export application blocked by an unverified upstream component."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from tianping.web.certification import selectors
from tianping.web.certification.models import CertificationApplication, CertificationBody
from tianping.web.certification.services import (
    application_submit,
    body_create,
    certificate_issue,
    evaluators_assign,
    findings_record,
    surveillance_open,
)

ACCREDITED_BY = "国家人工智能伦理委员会"


def seed_certification(
    orgs: dict[str, Any], users: dict[str, Any], systems: dict[str, Any]
) -> None:
    """The certification centre issues (levels and export review); the institute and the
    association evaluate; the credit scorer's application awaits the certifier."""
    if CertificationBody.objects.exists():
        return
    issuer = body_create(
        organisation=orgs["certbody"],
        kind="certification_centre",
        issues=True,
        accreditations=[
            {
                "scope": scope,
                "accredited_by": ACCREDITED_BY,
                "reference": f"NAIEC-2026-{scope.upper()}-001",
                "valid_from": date(2026, 1, 1),
            }
            for scope in ("levels", "export")
        ],
    )
    body_create(organisation=orgs["institute"], kind="research_institute")
    body_create(organisation=orgs["association"], kind="industry_association")
    xinghe = [s for s in systems.values() if s.organisation_id == orgs["xinghe"].pk]
    yunyu = sorted(
        (s for s in systems.values() if s.organisation_id == orgs["yunyu"].pk),
        key=lambda s: "YunChat" in s.name,
    )
    evaluators = [users["evaluator_ri"], users["evaluator_ia"]]
    # Awaiting the evaluators' findings.
    waiting = application_submit(
        actor=users["applicant"], system=xinghe[0], scheme="basic_compliance", issuer=issuer
    )
    evaluators_assign(actor=users["certifier"], application=waiting, evaluators=evaluators)
    # In dispute: the evaluators disagree on one requirement.
    disputed = application_submit(
        actor=users["applicant"], system=xinghe[-1], scheme="basic_compliance", issuer=issuer
    )
    evaluators_assign(actor=users["certifier"], application=disputed, evaluators=evaluators)
    ids = _requirements(disputed)
    findings_record(
        actor=users["evaluator_ri"],
        application=disputed,
        findings={r: ("met", "") for r in ids},
    )
    findings_record(
        actor=users["evaluator_ia"],
        application=disputed,
        findings={r: ("not_met" if r == ids[0] else "met", "证据不足") for r in ids},
    )
    # A certificate issued 22 months ago (expires within 90 days), under surveillance.
    held = application_submit(
        actor=users["yunyu"], system=yunyu[-1], scheme="basic_compliance", issuer=issuer
    )
    evaluators_assign(actor=users["certifier"], application=held, evaluators=evaluators)
    for evaluator in evaluators:
        findings_record(
            actor=evaluator,
            application=held,
            findings={r: ("met", "") for r in _requirements(held)},
        )
    issued_at = timezone.now() - timedelta(days=670)
    CertificationApplication.objects.filter(pk=held.pk).update(
        status=CertificationApplication.Status.GRANTED,
        decided_by=users["certifier"],
        decided_at=issued_at,
        decision_reason="演示：评估一致通过。",
    )
    held.refresh_from_db()
    certificate = certificate_issue(actor=users["certifier"], application=held, at=issued_at)
    surveillance_open(system=certificate.system, trigger="incident", reference="demo:incident:1")
    # An export application for the same system: its AI-BOM (the vendors demo) names a component
    # no certificate covers, so it is blocked until that component is certified or eligible.
    application_submit(
        actor=users["yunyu"],
        system=yunyu[-1],
        scheme="export",
        issuer=issuer,
        product_name=yunyu[-1].name,
        product_version="3.2",
        artefact_digests={"yunchat-base": hashlib.sha256(b"yunchat-base-1.4").hexdigest()},
        destinations=["SG", "DE", "FR"],
    )


def _requirements(application: CertificationApplication) -> list[str]:
    evidence = selectors.platform_evidence(application.system)
    return [r.id for r in selectors.requirements(application.scheme, evidence)]
