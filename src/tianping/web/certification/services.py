"""Certification's changes: bodies, applications, findings, decisions, certificates, expiry.

Every state change is appended to the platform ledger (``certification.*``) in the
same transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from tianping.certification import (
    VC_V2,
    add_years,
    canonical,
    certificate_credential,
    list_of,
    load_levels,
    status_entry,
    update_status,
    xsd_datetime,
)
from tianping.web.accounts.models import Organisation
from tianping.web.certification import selectors
from tianping.web.certification.models import (
    EXPORT,
    Accreditation,
    BodyKind,
    Certificate,
    CertificationApplication,
    CertificationBody,
    Evaluator,
    Finding,
    StatusListVersion,
)
from tianping.web.core.notifications import notify
from tianping.web.ledger.services import ledger_record_action
from tianping.web.systems.models import AISystem

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = CertificationApplication.Status
REMINDER_DAYS = (90, 30)
EXPORT_TYPE = "AIExportEthicalComplianceCertificate"
ACTIONS = ("revoke", "suspend", "reinstate")
CHANGED = {
    "revoke": "certificate_revoked",
    "suspend": "certificate_suspended",
    "reinstate": "certificate_reinstated",
}
"""The platform-log kind (after ``certification.``) of each change of a certificate."""

ERR_NOT_APPLICANT = gettext_lazy("Only the system's applicants and administrators may apply.")
ERR_NOT_DECISION_MAKER = gettext_lazy("Only the issuing body's certification officers may do this.")


def _refuse(message: str) -> ValidationError:
    return ValidationError(message)


def _log(
    actor: User | None, kind: str, subject: Any, payload: Mapping[str, Any], system: AISystem
) -> None:
    ledger_record_action(
        actor=actor, kind=f"certification.{kind}", subject=subject, payload=payload, system=system
    )


# --- bodies -------------------------------------------------------------------------------------


def body_create(
    *,
    organisation: Organisation,
    kind: str,
    issues: bool = False,
    accreditations: Sequence[Mapping[str, Any]] = (),
) -> CertificationBody:
    """A certification body for ``organisation``, with its accreditation records."""
    if kind not in BodyKind.values:
        raise ValidationError({"kind": [_("Unknown kind of certification body.")]})
    body = CertificationBody.objects.create(organisation=organisation, kind=kind, issues=issues)
    for record in accreditations:
        Accreditation.objects.create(body=body, **record)
    return body


def _accredited(body: CertificationBody, scheme: str, on: datetime) -> bool:
    scope = Accreditation.Scope.EXPORT if scheme == EXPORT else Accreditation.Scope.LEVELS
    day = on.date()
    return any(
        a.valid_from <= day and (a.valid_until is None or day <= a.valid_until)
        for a in body.accreditations.filter(scope=scope)
    )


# --- applications -------------------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *, actor: User, system: AISystem, scheme: str, issuer: CertificationBody
) -> CertificationApplication:
    """Apply for ``scheme`` (a level id or ``export``) for ``system`` to ``issuer``."""
    if not selectors.applies_for(actor, system):
        raise PermissionDenied(ERR_NOT_APPLICANT)
    if scheme not in dict(selectors.scheme_choices()):
        raise ValidationError({"scheme": [_("Unknown level or certificate.")]})
    if not issuer.issues or not _accredited(issuer, scheme, timezone.now()):
        raise ValidationError(
            {"issuer": [_("This body is not accredited to issue this certificate.")]}
        )
    application = CertificationApplication.objects.create(
        system=system, scheme=scheme, issuer=issuer, submitted_by=actor
    )
    _log(
        actor, "application_submitted", application, {"scheme": scheme, "issuer": issuer.pk}, system
    )
    notify(
        users=[m.user for m in issuer.organisation.memberships.all()],
        message=gettext_noop("A certification application for {system} awaits its evaluators."),
        params={"system": system.name},
        target=application,
    )
    return application


@transaction.atomic
def evaluators_assign(
    *, actor: User, application: CertificationApplication, evaluators: Sequence[User]
) -> None:
    """Name the two evaluators, certification officers of two different bodies."""
    if not selectors.decides_for(actor, application.issuer):
        raise PermissionDenied(ERR_NOT_DECISION_MAKER)
    if application.status != Status.SUBMITTED:
        raise _refuse(_("The evaluators of this application are already named."))
    candidates = {user.pk: body for user, body in selectors.candidate_evaluators(application)}
    if len(evaluators) != 2 or len({u.pk for u in evaluators}) != 2:
        raise ValidationError({"evaluators": [_("Name exactly two evaluators.")]})
    if any(u.pk not in candidates for u in evaluators):
        raise ValidationError(
            {"evaluators": [_("An evaluator must be a certification officer of a body.")]}
        )
    bodies = [candidates[u.pk] for u in evaluators]
    if bodies[0].pk == bodies[1].pk:
        raise ValidationError(
            {"evaluators": [_("The two evaluators must come from different bodies.")]}
        )
    for user, body in zip(evaluators, bodies, strict=True):
        Evaluator.objects.create(application=application, user=user, body=body)
    application.status = Status.EVALUATION
    application.save(update_fields=["status"])
    _log(
        actor,
        "evaluators_assigned",
        application,
        {"bodies": [b.pk for b in bodies]},
        application.system,
    )
    notify(
        users=evaluators,
        message=gettext_noop("You are an evaluator of the certification of {system}."),
        params={"system": application.system.name},
        target=application,
    )


@transaction.atomic
def findings_record(
    *,
    actor: User,
    application: CertificationApplication,
    findings: Mapping[str, tuple[str, str]],
) -> None:
    """The evaluator's finding (``met`` / ``not_met`` and a note) on every requirement."""
    row = application.evaluator_rows.filter(user=actor).first()
    if row is None:
        raise PermissionDenied(_("Only the application's evaluators record findings."))
    if application.status != Status.EVALUATION or row.completed_at is not None:
        raise _refuse(_("Findings can no longer be recorded for this application."))
    wanted = [r.id for r in selectors.requirements(application.scheme, _evidence(application))]
    missing = [r for r in wanted if r not in findings]
    if missing:
        raise _refuse(_("Record a finding on every requirement; missing: %s") % ", ".join(missing))
    for requirement in wanted:
        conclusion, note = findings[requirement]
        if conclusion not in Finding.Conclusion.values:
            raise _refuse(_("A finding is met or not met."))
        Finding.objects.create(
            evaluator=row, requirement=requirement, conclusion=conclusion, note=note[:2000]
        )
    row.completed_at = timezone.now()
    row.save(update_fields=["completed_at"])
    _log(actor, "findings_recorded", application, {"body": row.body_id}, application.system)
    if application.evaluator_rows.filter(completed_at__isnull=True).exists():
        return
    application.disputed = bool(selectors.disagreements(application))
    application.status = Status.DECISION
    application.save(update_fields=["disputed", "status"])
    _log(
        None,
        "evaluation_completed",
        application,
        {"disputed": selectors.disagreements(application)},
        application.system,
    )
    notify(
        users=[m.user for m in application.issuer.organisation.memberships.all()],
        message=gettext_noop("The evaluation of {system} awaits your decision."),
        params={"system": application.system.name},
        target=application,
    )


def _evidence(application: CertificationApplication) -> Any:
    return selectors.platform_evidence(application.system, selectors.final_findings(application))


@transaction.atomic
def application_decide(
    *, actor: User, application: CertificationApplication, grant: bool, reason: str
) -> Certificate | None:
    """The issuing body's decision; a dispute or a refusal needs a reason. Granting issues."""
    if not selectors.decides_for(actor, application.issuer):
        raise PermissionDenied(ERR_NOT_DECISION_MAKER)
    if application.status != Status.DECISION:
        raise _refuse(_("This application does not await a decision."))
    reason = reason.strip()
    if (application.disputed or not grant) and not reason:
        raise ValidationError({"reason": [_("Give the reason of this decision.")]})
    if grant:
        evidence = selectors.platform_evidence(
            application.system, selectors.final_findings(application, ruling="met")
        )
        unmet = [
            r.id for r in selectors.requirements(application.scheme, evidence) if r.status != "met"
        ]
        if unmet:
            raise _refuse(_("The certificate cannot be granted; not met: %s") % ", ".join(unmet))
    application.status = Status.GRANTED if grant else Status.REFUSED
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_reason = reason
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    _log(
        actor,
        "application_decided",
        application,
        {"granted": grant, "disputed": application.disputed, "reason": reason},
        application.system,
    )
    return certificate_issue(actor=actor, application=application) if grant else None


# --- certificates and status lists --------------------------------------------------------------


def _subject(application: CertificationApplication) -> dict[str, Any]:
    system = application.system
    evaluators = [
        {"name": row.body.organisation.name, "id": f"urn:tianping:body:{row.body_id}"}
        for row in application.evaluator_rows.select_related("body__organisation")
    ]
    evidence = _evidence(application)
    return {
        "id": f"urn:tianping:system:{system.pk}",
        "name": system.name,
        "organisation": system.organisation.name,
        "purpose": system.purpose,
        "scope": {"modelVersion": system.model_version},
        "evaluators": evaluators,
        "evidence": [
            {"kind": record.kind, "sha256": record.sha256}
            for record in evidence.records
            if record.kind != "finding"
        ],
    }


def _unsigned(
    application: CertificationApplication, credential_id: str, at: datetime, status: list[Any]
) -> dict[str, Any]:
    issuer = selectors.did_of(application.issuer)
    levels = load_levels()
    if application.scheme != EXPORT:
        return certificate_credential(
            credential_id=credential_id,
            issuer=issuer,
            level=levels.level(application.scheme),
            subject=_subject(application),
            valid_from=at,
            validity_years=levels.validity_years,
            status=status,
        )
    export = levels.export
    return {
        "@context": [VC_V2],
        "id": credential_id,
        "type": ["VerifiableCredential", EXPORT_TYPE],
        "issuer": issuer,
        "validFrom": xsd_datetime(at),
        "validUntil": xsd_datetime(add_years(at, levels.validity_years)),
        "credentialSubject": {
            **_subject(application),
            "export": {
                "id": export.id,
                "dimensions": [d.id for d in export.dimensions],
            },
        },
        "credentialStatus": status,
    }


def certificate_issue(*, actor: User | None, application: CertificationApplication) -> Certificate:
    """Sign the certificate of a granted application with the issuing body's key."""
    body = application.issuer
    at = timezone.now().replace(microsecond=0)
    index = (Certificate.objects.filter(issuer=body).aggregate(m=Max("status_index"))["m"] or 0) + 1
    status = [
        status_entry(selectors.status_list_url(body, purpose), index, purpose)  # type: ignore[arg-type]
        for purpose in selectors.PURPOSES
    ]
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    signed = selectors.sign(body, _unsigned(application, credential_id, at, status), at=at)
    certificate = Certificate.objects.create(
        application=application,
        issuer=body,
        system=application.system,
        credential_id=credential_id,
        status_index=index,
        credential=signed,
        valid_from=at,
        valid_until=add_years(at, load_levels().validity_years),
    )
    _log(
        actor,
        "certificate_issued",
        certificate,
        {
            "credential": credential_id,
            "scheme": application.scheme,
            "sha256": hashlib.sha256(canonical(signed)).hexdigest(),
            "valid_until": xsd_datetime(certificate.valid_until),
        },
        application.system,
    )
    notify(
        users=[application.submitted_by],
        message=gettext_noop("The certificate of {system} has been issued."),
        params={"system": application.system.name},
        target=application,
    )
    return certificate


def _publish(
    body: CertificationBody, purpose: str, index: int, value: bool, actor: User | None
) -> None:
    current = selectors.status_list(body, purpose)
    if list_of(current).get(index) == value:
        return
    at = timezone.now().replace(microsecond=0)
    signed = selectors.sign(body, update_status(current, index, value, valid_from=at), at=at)
    latest = StatusListVersion.objects.filter(issuer=body, purpose=purpose).first()
    version = StatusListVersion.objects.create(
        issuer=body,
        purpose=purpose,
        version=(latest.version + 1) if latest else 1,
        credential=signed,
    )
    ledger_record_action(
        actor=actor,
        kind="certification.status_list_published",
        subject=version,
        payload={"body": body.pk, "purpose": purpose, "version": version.version},
    )


@transaction.atomic
def certificate_change(*, actor: User, certificate: Certificate, action: str, reason: str) -> None:
    """Revoke, suspend or reinstate (a suspended) certificate, with a reason; the body's status
    list is published anew."""
    if not selectors.decides_for(actor, certificate.issuer):
        raise PermissionDenied(ERR_NOT_DECISION_MAKER)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    State = Certificate.State
    if action == "revoke" and certificate.state in (State.ACTIVE, State.SUSPENDED):
        _publish(certificate.issuer, "revocation", certificate.status_index, True, actor)
        certificate.state = State.REVOKED
    elif action == "suspend" and certificate.state == State.ACTIVE:
        _publish(certificate.issuer, "suspension", certificate.status_index, True, actor)
        certificate.state = State.SUSPENDED
    elif action == "reinstate" and certificate.state == State.SUSPENDED:
        _publish(certificate.issuer, "suspension", certificate.status_index, False, actor)
        certificate.state = State.ACTIVE
    else:
        raise _refuse(_("This certificate cannot be changed that way in its present state."))
    certificate.state_reason = reason
    certificate.save(update_fields=["state", "state_reason"])
    _log(
        actor,
        CHANGED[action],
        certificate,
        {"credential": certificate.credential_id, "reason": reason},
        certificate.system,
    )


def certificates_expire_and_remind(*, now: datetime | None = None) -> dict[str, int]:
    """Expire certificates past their end; remind holders 90 and 30 days before (periodic)."""
    moment = now or timezone.now()
    live = (Certificate.State.ACTIVE, Certificate.State.SUSPENDED)
    expired = reminded = 0
    for certificate in Certificate.objects.filter(state__in=live, valid_until__lte=moment):
        with transaction.atomic():
            certificate.state = Certificate.State.EXPIRED
            certificate.save(update_fields=["state"])
            _log(
                None,
                "certificate_expired",
                certificate,
                {"credential": certificate.credential_id},
                certificate.system,
            )
        expired += 1
    horizon = moment + timedelta(days=max(REMINDER_DAYS))
    for certificate in Certificate.objects.filter(
        state__in=live, valid_until__gt=moment, valid_until__lte=horizon
    ).select_related("application__submitted_by", "system"):
        days_left = (certificate.valid_until - moment).days
        due = [d for d in REMINDER_DAYS if days_left < d and d not in certificate.reminded_days]
        if not due:
            continue
        certificate.reminded_days = sorted({*certificate.reminded_days, *due})
        certificate.save(update_fields=["reminded_days"])
        notify(
            users=[certificate.application.submitted_by],
            message=gettext_noop("The certificate of {system} expires in {days} days."),
            params={"system": certificate.system.name, "days": days_left},
            target=certificate.application,
        )
        reminded += 1
    return {"expired": expired, "reminded": reminded}
