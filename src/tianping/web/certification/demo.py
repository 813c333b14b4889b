"""The demo's certification: three bodies, their accreditations, and a pending application."""

from __future__ import annotations

from datetime import date
from typing import Any

from tianping.web.certification.models import CertificationBody
from tianping.web.certification.services import application_submit, body_create

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
    system = next(s for s in systems.values() if s.organisation_id == orgs["xinghe"].pk)
    application_submit(
        actor=users["applicant"], system=system, scheme="basic_compliance", issuer=issuer
    )
