"""The JSON API of certification (mounted at ``/api/certification``): the public
verification endpoint (no authentication), and the workflow of applications and
certificates, which calls the same services as the pages (``access`` for who may act)."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StringConstraints

from tianping.web.certification import access, selectors, services
from tianping.web.certification.models import (
    Appeal,
    Certificate,
    CertificationApplication,
    SurveillanceCase,
)
from tianping.web.certification.public_views import verification_of
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest

router = Router(tags=["certification"])


@router.post(
    "/verify",
    auth=None,
    response={200: dict[str, Any], 415: Message, 422: Message},
    summary="Verify a certificate (a W3C Verifiable Credential); no login",
    url_name="certification_verify",
)
def verify(request: HttpRequest) -> dict[str, Any]:
    """The request body is the certificate's JSON (``Content-Type: application/json``); the
    answer says whether it is valid and why not. 415 for another content type, 422 when the
    body is not JSON."""
    if request.content_type != "application/json":
        raise HttpError(415, _("Send the certificate as JSON (Content-Type: application/json)."))
    return verification_of(request.body)


# --- the workflow (bearer token or session) -----------------------------------------------------

Id = Annotated[int, Field(ge=1, le=2**62)]
Short = Annotated[str, StringConstraints(max_length=200)]
Reason = Annotated[str, StringConstraints(max_length=2000)]
Long = Annotated[str, StringConstraints(max_length=5000)]
Digests = Annotated[
    dict[
        Annotated[str, StringConstraints(max_length=200)],
        Annotated[str, StringConstraints(max_length=64)],
    ],
    Field(max_length=100),
]
ERRORS: dict[int, Any] = {403: Message, 404: Message, 422: Message}


class CertificationApplyIn(Schema):
    system_id: Id
    scheme: Annotated[str, StringConstraints(max_length=64)]
    issuer_id: Id
    product_name: Short = ""
    product_version: Annotated[str, StringConstraints(max_length=100)] = ""
    artefact_digests: Digests = {}
    destinations: Annotated[
        list[Annotated[str, StringConstraints(max_length=8)]], Field(max_length=300)
    ] = []


class CertificationEvaluatorsIn(Schema):
    evaluator_ids: Annotated[list[Id], Field(max_length=10)]


class CertificationFindingIn(Schema):
    conclusion: Literal["met", "not_met"]
    note: Reason = ""


class CertificationFindingsIn(Schema):
    findings: Annotated[
        dict[Annotated[str, StringConstraints(max_length=64)], CertificationFindingIn],
        Field(max_length=500),
    ]


class CertificationDecisionIn(Schema):
    grant: bool
    reason: Long = ""


class CertificateReasonIn(Schema):
    reason: Reason


class CertificationAppealIn(Schema):
    grounds: Long


class CertificationAppealDecisionIn(Schema):
    overturn: bool
    reason: Long


class CertificateScopeIn(Schema):
    model_version: Annotated[str, StringConstraints(max_length=100)] = ""
    digests: Digests = {}


class SurveillanceDecisionIn(Schema):
    action: Literal["suspend", "close", "reevaluate"]
    reason: Reason


class CertificationEvaluatorOut(Schema):
    user_id: int
    username: str
    body_id: int
    body: str
    completed_at: datetime | None


class CertificateStateOut(Schema):
    id: int
    credential_id: str
    state: str
    state_reason: str
    valid_from: datetime
    valid_until: datetime


class CertificationAppealOut(Schema):
    grounds: str
    outcome: str
    reason: str
    decided_at: datetime | None


class SurveillanceCaseOut(Schema):
    id: int
    application_id: int
    trigger: str
    reference: str
    detail: dict[str, Any]
    status: str
    reason: str
    opened_at: datetime
    decided_at: datetime | None


class CertificationApplicationOut(Schema):
    id: int
    system_id: int
    system: str
    scheme: str
    issuer_id: int
    status: str
    disputed: bool
    decision_reason: str
    decided_at: datetime | None
    product_name: str
    product_version: str
    artefact_digests: dict[str, str]
    destinations: list[str]
    renews: str | None
    created_at: datetime
    evaluators: list[CertificationEvaluatorOut]
    certificate: CertificateStateOut | None
    appeal: CertificationAppealOut | None
    cases: list[SurveillanceCaseOut]


class CertificationRequirementOut(Schema):
    id: str
    status: str


class CertificationApplicationDetailOut(CertificationApplicationOut):
    requirements: list[CertificationRequirementOut]


class SurveillanceDecisionOut(Schema):
    case: SurveillanceCaseOut
    reevaluation: CertificationApplicationOut | None


def _certificate_out(certificate: Certificate) -> dict[str, Any]:
    return {
        "id": certificate.pk,
        "credential_id": certificate.credential_id,
        "state": certificate.state,
        "state_reason": certificate.state_reason,
        "valid_from": certificate.valid_from,
        "valid_until": certificate.valid_until,
    }


def _case_out(case: SurveillanceCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "application_id": case.certificate.application_id,
        "trigger": case.trigger,
        "reference": case.reference,
        "detail": case.detail if isinstance(case.detail, dict) else {},
        "status": case.status,
        "reason": case.reason,
        "opened_at": case.opened_at,
        "decided_at": case.decided_at,
    }


def _application_out(application: CertificationApplication) -> dict[str, Any]:
    application.refresh_from_db()
    certificate: Certificate | None = getattr(application, "certificate", None)
    appeal = Appeal.objects.filter(application=application).first()
    renews = application.renews
    return {
        "id": application.pk,
        "system_id": application.system_id,
        "system": application.system.name,
        "scheme": application.scheme,
        "issuer_id": application.issuer_id,
        "status": application.status,
        "disputed": application.disputed,
        "decision_reason": application.decision_reason,
        "decided_at": application.decided_at,
        "product_name": application.product_name,
        "product_version": application.product_version,
        "artefact_digests": dict(application.artefact_digests or {}),
        "destinations": list(application.destinations or []),
        "renews": renews.credential_id if renews is not None else None,
        "created_at": application.created_at,
        "evaluators": [
            {
                "user_id": row.user_id,
                "username": row.user.get_username(),
                "body_id": row.body_id,
                "body": row.body.organisation.name,
                "completed_at": row.completed_at,
            }
            for row in application.evaluator_rows.select_related("user", "body__organisation")
        ],
        "certificate": _certificate_out(certificate) if certificate is not None else None,
        "appeal": {
            "grounds": appeal.grounds,
            "outcome": appeal.outcome,
            "reason": appeal.reason,
            "decided_at": appeal.decided_at,
        }
        if appeal is not None
        else None,
        "cases": [
            _case_out(case)
            for case in (certificate.surveillance_cases.all() if certificate is not None else [])
        ],
    }


@router.get(
    "/applications",
    response=list[CertificationApplicationOut],
    summary="Certification applications visible to you",
)
def list_certification_applications(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return [
        _application_out(a)
        for a in selectors.visible_applications(request.user).order_by("pk")[:200]
    ]


@router.post(
    "/applications",
    response={201: CertificationApplicationOut, **ERRORS},
    summary="Apply for a level or for the export certificate",
)
def apply_for_certification(
    request: AuthenticatedHttpRequest, payload: CertificationApplyIn
) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    system = get_object_or_404(access.applicant_systems(request.user), pk=data.pop("system_id"))
    issuer = get_object_or_404(selectors.issuing_bodies(), pk=data.pop("issuer_id"))
    application = services.application_submit(
        actor=request.user, system=system, issuer=issuer, **data
    )
    return Status(201, _application_out(application))


@router.get(
    "/applications/{int:application_id}",
    response={200: CertificationApplicationDetailOut, 404: Message},
    summary="A certification application, with its requirements",
)
def get_certification_application(
    request: AuthenticatedHttpRequest, application_id: int
) -> dict[str, Any]:
    application = access.application_of(request.user, application_id)
    evidence = selectors.platform_evidence(
        application.system, selectors.final_findings(application)
    )
    requirements = selectors.requirements(application.scheme, evidence)
    return {
        **_application_out(application),
        "requirements": [{"id": r.id, "status": r.status} for r in requirements],
    }


@router.post(
    "/applications/{int:application_id}/evaluators",
    response={200: CertificationApplicationOut, **ERRORS},
    summary="Name the two evaluators (certification officers of two different bodies)",
)
def assign_certification_evaluators(
    request: AuthenticatedHttpRequest, application_id: int, payload: CertificationEvaluatorsIn
) -> dict[str, Any]:
    application = access.application_of(request.user, application_id)
    found = get_user_model().objects.in_bulk(payload.evaluator_ids)
    evaluators = [found[pk] for pk in payload.evaluator_ids if pk in found]
    services.evaluators_assign(actor=request.user, application=application, evaluators=evaluators)
    return _application_out(application)


@router.post(
    "/applications/{int:application_id}/findings",
    response={200: CertificationApplicationOut, **ERRORS},
    summary="Record your finding on every requirement (as one of the evaluators)",
)
def record_certification_findings(
    request: AuthenticatedHttpRequest, application_id: int, payload: CertificationFindingsIn
) -> dict[str, Any]:
    application = access.application_of(request.user, application_id)
    findings = {key: (f.conclusion, f.note) for key, f in payload.findings.items()}
    services.findings_record(actor=request.user, application=application, findings=findings)
    return _application_out(application)


@router.post(
    "/applications/{int:application_id}/decision",
    response={200: CertificationApplicationOut, **ERRORS},
    summary="Grant (and issue) or refuse; a refusal or a dispute needs a reason",
)
def decide_certification_application(
    request: AuthenticatedHttpRequest, application_id: int, payload: CertificationDecisionIn
) -> dict[str, Any]:
    application = access.application_of(request.user, application_id)
    services.application_decide(actor=request.user, application=application, **payload.model_dump())
    return _application_out(application)


@router.post(
    "/applications/{int:application_id}/appeal",
    response={200: CertificationApplicationOut, **ERRORS},
    summary="Appeal a refusal, with grounds (once)",
)
def appeal_certification_refusal(
    request: AuthenticatedHttpRequest, application_id: int, payload: CertificationAppealIn
) -> dict[str, Any]:
    application = access.application_of(request.user, application_id)
    services.appeal_lodge(actor=request.user, application=application, grounds=payload.grounds)
    return _application_out(application)


@router.post(
    "/applications/{int:application_id}/appeal/decision",
    response={200: CertificationApplicationOut, **ERRORS},
    summary="Uphold or overturn a refusal under appeal, with a reason",
)
def decide_certification_appeal(
    request: AuthenticatedHttpRequest, application_id: int, payload: CertificationAppealDecisionIn
) -> dict[str, Any]:
    application = access.application_of(request.user, application_id)
    access.require(request.user, application, "officer")
    services.appeal_decide(actor=request.user, application=application, **payload.model_dump())
    return _application_out(application)


@router.get(
    "/applications/{int:application_id}/certificate",
    response={200: dict[str, Any], 404: Message},
    summary="The certificate's credential (a W3C Verifiable Credential)",
)
def get_certificate_credential(
    request: AuthenticatedHttpRequest, application_id: int
) -> dict[str, Any]:
    application = access.application_of(request.user, application_id)
    credential: dict[str, Any] = access.certificate_of(application).credential
    return credential


@router.post(
    "/applications/{int:application_id}/certificate/{action}",
    response={200: CertificateStateOut, **ERRORS},
    summary="Revoke, suspend or reinstate the certificate, with a reason",
)
def change_certificate(
    request: AuthenticatedHttpRequest,
    application_id: int,
    action: str,
    payload: CertificateReasonIn,
) -> dict[str, Any]:
    application = access.application_of(request.user, application_id)
    if action not in services.ACTIONS:
        raise Http404
    access.require(request.user, application, "officer")
    certificate = access.certificate_of(application)
    services.certificate_change(
        actor=request.user, certificate=certificate, action=action, reason=payload.reason
    )
    certificate.refresh_from_db()
    return _certificate_out(certificate)


@router.post(
    "/applications/{int:application_id}/renewal",
    response={201: CertificationApplicationOut, **ERRORS},
    summary="Renew the certificate (within 90 days of its end, or once expired)",
)
def renew_certificate(
    request: AuthenticatedHttpRequest, application_id: int
) -> Status[dict[str, Any]]:
    application = access.application_of(request.user, application_id)
    access.require(request.user, application, "applicant")
    renewal = services.renewal_submit(
        actor=request.user, certificate=access.certificate_of(application)
    )
    return Status(201, _application_out(renewal))


@router.post(
    "/applications/{int:application_id}/scope",
    response={200: list[SurveillanceCaseOut], **ERRORS},
    summary="Record a model version or artefact digests seen; outside the scope opens a case",
)
def record_certificate_scope(
    request: AuthenticatedHttpRequest, application_id: int, payload: CertificateScopeIn
) -> list[dict[str, Any]]:
    application = access.application_of(request.user, application_id)
    access.require(request.user, application, "officer")
    opened = services.surveillance_scope_record(
        actor=request.user,
        certificate=access.certificate_of(application),
        model_version=payload.model_version.strip(),
        digests=payload.digests,
    )
    return [_case_out(case) for case in opened]


@router.get(
    "/surveillance",
    response=list[SurveillanceCaseOut],
    summary="Open surveillance cases on certificates you issue or hold",
)
def list_surveillance_cases(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return [_case_out(case) for case in selectors.surveillance_cases(request.user)[:200]]


@router.post(
    "/applications/{int:application_id}/surveillance/{int:case_id}",
    response={200: SurveillanceDecisionOut, **ERRORS},
    summary="Decide a surveillance case: suspend, close or require re-evaluation, with a reason",
)
def decide_surveillance_case(
    request: AuthenticatedHttpRequest,
    application_id: int,
    case_id: int,
    payload: SurveillanceDecisionIn,
) -> dict[str, Any]:
    application = access.application_of(request.user, application_id)
    access.require(request.user, application, "officer")
    case = access.case_of(application, case_id)
    created = services.surveillance_decide(actor=request.user, case=case, **payload.model_dump())
    case.refresh_from_db()
    return {
        "case": _case_out(case),
        "reevaluation": _application_out(created) if created is not None else None,
    }
