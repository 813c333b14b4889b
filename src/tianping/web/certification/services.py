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
    SATISFIED,
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
from tianping.web.certification.countries import DESTINATION_CODES
from tianping.web.certification.events import CertificateWithdrawn
from tianping.web.certification.models import (
    EXPORT,
    Accreditation,
    Appeal,
    BodyKind,
    Certificate,
    CertificationApplication,
    CertificationBody,
    Evaluator,
    Finding,
    RevokedKey,
    StatusListVersion,
    SurveillanceCase,
)
from tianping.web.core.events import announce
from tianping.web.core.notifications import notify
from tianping.web.ledger.services import ledger_record_action
from tianping.web.systems.models import AISystem

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = CertificationApplication.Status
REMINDER_DAYS = (90, 30)
RENEWAL_WINDOW_DAYS = 90
"""A certificate may be renewed from this many days before it ends (or once it has expired)."""
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


def _check_export_scope(
    product_name: str, product_version: str, digests: Mapping[str, str], destinations: list[str]
) -> None:
    errors: dict[str, list[str]] = {}
    if not product_name.strip() or not product_version.strip():
        errors["product_name"] = [_("Name the exported product and its version.")]
    if not digests:
        errors["artefact_digests"] = [_("Give the digest of every model artefact in scope.")]
    elif any(
        not name or len(d) != 64 or any(c not in "0123456789abcdef" for c in d)
        for name, d in digests.items()
    ):
        errors["artefact_digests"] = [
            _("Give each artefact as name=SHA-256 (64 lower-case hex digits).")
        ]
    unknown = [d for d in destinations if d not in DESTINATION_CODES]
    if not destinations or unknown:
        errors["destinations"] = [
            _("Name the destination markets by ISO 3166 code (unknown: %s).")
            % (", ".join(unknown) or "—")
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def application_submit(
    *,
    actor: User,
    system: AISystem,
    scheme: str,
    issuer: CertificationBody,
    product_name: str = "",
    product_version: str = "",
    artefact_digests: Mapping[str, str] | None = None,
    destinations: Sequence[str] = (),
) -> CertificationApplication:
    """Apply for ``scheme`` (a level id or ``export``) for ``system`` to ``issuer``; the export
    certificate names the product, its version, its model artefacts' digests and the
    destination markets (ISO 3166 codes)."""
    if not selectors.applies_for(actor, system):
        raise PermissionDenied(ERR_NOT_APPLICANT)
    if scheme not in dict(selectors.scheme_choices()):
        raise ValidationError({"scheme": [_("Unknown level or certificate.")]})
    if not issuer.issues or not _accredited(issuer, scheme, timezone.now()):
        raise ValidationError(
            {"issuer": [_("This body is not accredited to issue this certificate.")]}
        )
    digests = dict(artefact_digests or {})
    markets = list(dict.fromkeys(d.strip().upper() for d in destinations))
    if scheme == EXPORT:
        _check_export_scope(product_name, product_version, digests, markets)
    application = CertificationApplication.objects.create(
        system=system,
        scheme=scheme,
        issuer=issuer,
        submitted_by=actor,
        product_name=product_name.strip()[:200],
        product_version=product_version.strip()[:100],
        artefact_digests=digests,
        destinations=markets,
    )
    _log(
        actor,
        "application_submitted",
        application,
        {"scheme": scheme, "issuer": issuer.pk, "destinations": markets, "digests": digests},
        system,
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


def _check_grantable(application: CertificationApplication) -> None:
    """Refuse to grant while a requirement is not met (disputed ones ruled met)."""
    evidence = selectors.platform_evidence(
        application.system, selectors.final_findings(application, ruling="met")
    )
    unmet = [
        r.id
        for r in selectors.requirements(application.scheme, evidence)
        if r.status not in SATISFIED
    ]
    if unmet:
        raise _refuse(_("The certificate cannot be granted; not met: %s") % ", ".join(unmet))
    if application.scheme == EXPORT:
        report = selectors.upstream_report(application.system)
        if report is not None and not report.passes:
            blocked = [
                r.component.name
                for r in report.results
                if r.status not in ("certified", "eligible")
            ]
            raise _refuse(
                _("Blocked: these upstream components are not certified or eligible: %s")
                % ", ".join(blocked)
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
        _check_grantable(application)
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
        "scope": {
            "model": system.name,
            "modelVersion": system.model_version,
        },
        "digests": dict(sorted(application.artefact_digests.items())),
        "evaluators": evaluators,
        "evidence": [
            {"kind": record.kind, "sha256": record.sha256}
            for record in evidence.records
            if record.kind != "finding"
        ],
    }


def _dimensions(application: CertificationApplication) -> list[dict[str, Any]]:
    """Each export dimension: its evidence (kind and SHA-256) and each evaluator's conclusion."""
    out = []
    for dimension, conclusions in selectors.dimension_conclusions(
        application, _evidence(application)
    ):
        evidence = {
            (record.kind, record.sha256)
            for result in dimension.results
            for record in result.evidence
            if record.kind != "finding"
        }
        out.append(
            {
                "id": dimension.id,
                "name": dimension.name.en,
                "nameZh": dimension.name.zh,
                "met": dimension.met,
                "evidence": [{"kind": k, "sha256": h} for k, h in sorted(evidence)],
                "conclusions": [
                    {
                        "evaluator": f"urn:tianping:body:{row.body_id}",
                        "name": row.body.organisation.name,
                        "conclusion": conclusion,
                    }
                    for row, conclusion in conclusions
                ],
            }
        )
    return out


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
            "product": {"name": application.product_name, "version": application.product_version},
            "destinations": list(application.destinations),
            "export": {"id": export.id, "dimensions": _dimensions(application)},
        },
        "credentialStatus": status,
    }


def certificate_issue(
    *, actor: User | None, application: CertificationApplication, at: datetime | None = None
) -> Certificate:
    """Sign the certificate of a granted application with the issuing body's key (issued now,
    or ``at``: the demo's older certificates)."""
    body = application.issuer
    at = (at or timezone.now()).replace(microsecond=0)
    index = (Certificate.objects.filter(issuer=body).aggregate(m=Max("status_index"))["m"] or 0) + 1
    status = [
        status_entry(selectors.status_list_url(body, purpose), index, purpose)  # type: ignore[arg-type]
        for purpose in selectors.PURPOSES
    ]
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    unsigned = _unsigned(application, credential_id, at, status)
    previous = application.renews
    valid_until = add_years(_renewal_start(previous, at), load_levels().validity_years)
    unsigned["validUntil"] = xsd_datetime(valid_until)
    signed = selectors.sign(body, unsigned, at=at)
    certificate = Certificate.objects.create(
        application=application,
        issuer=body,
        system=application.system,
        credential_id=credential_id,
        status_index=index,
        credential=signed,
        valid_from=at,
        valid_until=valid_until,
    )
    if previous is not None and previous.state in (
        Certificate.State.ACTIVE,
        Certificate.State.SUSPENDED,
        Certificate.State.EXPIRED,
    ):
        previous.state = Certificate.State.SUPERSEDED
        previous.state_reason = credential_id
        previous.save(update_fields=["state", "state_reason"])
        _log(
            actor,
            "certificate_superseded",
            previous,
            {"credential": previous.credential_id, "by": credential_id},
            previous.system,
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
    if action in ("revoke", "suspend"):
        announce(CertificateWithdrawn(credential_id=certificate.credential_id, action=action))


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


# --- appeals ------------------------------------------------------------------------------------


@transaction.atomic
def appeal_lodge(*, actor: User, application: CertificationApplication, grounds: str) -> Appeal:
    """The applicant appeals a refusal, with grounds; once per application."""
    if not selectors.applies_for(actor, application.system):
        raise PermissionDenied(ERR_NOT_APPLICANT)
    grounds = grounds.strip()
    if not grounds:
        raise ValidationError({"grounds": [_("Give the grounds of the appeal.")]})
    if (
        application.status != Status.REFUSED
        or Appeal.objects.filter(application=application).exists()
    ):
        raise _refuse(_("Only a refusal can be appealed, once."))
    appeal = Appeal.objects.create(application=application, grounds=grounds, lodged_by=actor)
    application.status = Status.APPEALED
    application.save(update_fields=["status"])
    _log(actor, "appeal_lodged", application, {"grounds": grounds}, application.system)
    notify(
        users=[m.user for m in application.issuer.organisation.memberships.all()],
        message=gettext_noop("The refusal of {system}'s certification is appealed."),
        params={"system": application.system.name},
        target=application,
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *, actor: User, application: CertificationApplication, overturn: bool, reason: str
) -> Certificate | None:
    """A decision-maker of the issuing body other than the one who refused upholds or overturns
    the refusal, with a reason; overturning grants and issues the certificate."""
    if not selectors.decides_for(actor, application.issuer):
        raise PermissionDenied(ERR_NOT_DECISION_MAKER)
    if application.decided_by_id == actor.pk:
        raise PermissionDenied(_("The appeal is decided by another decision-maker of the body."))
    appeal = Appeal.objects.filter(application=application).first()
    if application.status != Status.APPEALED or appeal is None:
        raise _refuse(_("This application is not under appeal."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason of this decision.")]})
    if overturn:
        _check_grantable(application)
    appeal.outcome = Appeal.Outcome.OVERTURNED if overturn else Appeal.Outcome.UPHELD
    appeal.reason = reason
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])
    application.status = Status.GRANTED if overturn else Status.REFUSED
    application.save(update_fields=["status"])
    _log(
        actor,
        "appeal_decided",
        application,
        {"overturned": overturn, "reason": reason},
        application.system,
    )
    notify(
        users=[appeal.lodged_by],
        message=gettext_noop("The appeal on {system}'s certification has been decided."),
        params={"system": application.system.name},
        target=application,
    )
    return certificate_issue(actor=actor, application=application) if overturn else None


# --- renewal ------------------------------------------------------------------------------------


def renewable(certificate: Certificate, *, now: datetime | None = None) -> bool:
    """Valid or suspended within the renewal window of its end, or expired, and not already
    being renewed."""
    moment = now or timezone.now()
    State = Certificate.State
    if certificate.state == State.EXPIRED:
        pass
    elif certificate.state not in (State.ACTIVE, State.SUSPENDED) or (
        certificate.valid_until - moment > timedelta(days=RENEWAL_WINDOW_DAYS)
    ):
        return False
    return not certificate.renewals.exclude(status=Status.REFUSED).exists()


def _renewal_start(previous: Certificate | None, at: datetime) -> datetime:
    """A renewal continues from the previous certificate's end if it has not passed and the
    renewal falls in the renewal window; otherwise validity runs from issuance."""
    if previous is None or previous.valid_until <= at:
        return at
    if previous.valid_until - at > timedelta(days=RENEWAL_WINDOW_DAYS):
        return at
    return previous.valid_until


@transaction.atomic
def renewal_submit(*, actor: User, certificate: Certificate) -> CertificationApplication:
    """Apply to renew ``certificate``: the same scheme and issuer, evaluated again."""
    if not selectors.applies_for(actor, certificate.system):
        raise PermissionDenied(ERR_NOT_APPLICANT)
    if not renewable(certificate):
        raise _refuse(
            _("A certificate can be renewed within 90 days of its end or once it has expired.")
        )
    previous = certificate.application
    application = application_submit(
        actor=actor, system=certificate.system, scheme=previous.scheme, issuer=certificate.issuer
    )
    application.renews = certificate
    application.artefact_digests = dict(previous.artefact_digests)
    application.save(update_fields=["renews", "artefact_digests"])
    _log(
        actor,
        "renewal_submitted",
        application,
        {"renews": certificate.credential_id},
        certificate.system,
    )
    return application


# --- surveillance -------------------------------------------------------------------------------


def surveillance_open(
    *,
    system: AISystem,
    trigger: str,
    reference: str,
    detail: Mapping[str, Any] | None = None,
    certificates: Sequence[Certificate] | None = None,
) -> list[SurveillanceCase]:
    """Open a case (once per trigger and reference) on each of ``system``'s live certificates
    (or on ``certificates``), and tell the issuing bodies' officers."""
    if trigger not in SurveillanceCase.Trigger.values:
        raise ValidationError(_("Unknown surveillance trigger."))
    opened = []
    live = (Certificate.State.ACTIVE, Certificate.State.SUSPENDED)
    if certificates is None:
        certificates = list(
            Certificate.objects.filter(system=system, state__in=live).select_related(
                "issuer__organisation"
            )
        )
    for certificate in certificates:
        with transaction.atomic():
            case, created = SurveillanceCase.objects.get_or_create(
                certificate=certificate,
                trigger=trigger,
                reference=reference[:200],
                defaults={"detail": dict(detail or {})},
            )
            if not created:
                continue
            _log(
                None,
                "surveillance_opened",
                case,
                {"credential": certificate.credential_id, "trigger": trigger, "ref": reference},
                system,
            )
            notify(
                users=[m.user for m in certificate.issuer.organisation.memberships.all()],
                message=gettext_noop("A surveillance case was opened on {system}'s certificate."),
                params={"system": system.name},
                target=certificate.application,
            )
        opened.append(case)
    return opened


SURVEILLANCE_ACTIONS = ("suspend", "close", "reevaluate")


@transaction.atomic
def surveillance_decide(
    *, actor: User, case: SurveillanceCase, action: str, reason: str
) -> CertificationApplication | None:
    """The issuing body's officer suspends the certificate (its status list is published anew),
    closes the case, or requires re-evaluation (a new application on the certificate)."""
    certificate = case.certificate
    if not selectors.decides_for(actor, certificate.issuer):
        raise PermissionDenied(ERR_NOT_DECISION_MAKER)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    if action not in SURVEILLANCE_ACTIONS or case.status not in (
        SurveillanceCase.Status.OPEN,
        SurveillanceCase.Status.SUSPENDED,
    ):
        raise _refuse(_("This surveillance case cannot be changed that way in its present state."))
    created = None
    if action == "suspend":
        if case.status != SurveillanceCase.Status.OPEN:
            raise _refuse(_("The certificate is already suspended."))
        if certificate.state == Certificate.State.ACTIVE:
            certificate_change(
                actor=actor, certificate=certificate, action="suspend", reason=reason
            )
        case.status = SurveillanceCase.Status.SUSPENDED
    elif action == "close":
        case.status = SurveillanceCase.Status.CLOSED
    else:
        case.status = SurveillanceCase.Status.REEVALUATION
        previous = certificate.application
        created = CertificationApplication.objects.create(
            system=certificate.system,
            scheme=previous.scheme,
            issuer=certificate.issuer,
            submitted_by=previous.submitted_by,
            renews=certificate,
            artefact_digests={**previous.artefact_digests, **case.detail.get("digests", {})},
        )
        _log(
            actor,
            "reevaluation_required",
            created,
            {"renews": certificate.credential_id, "case": case.pk},
            certificate.system,
        )
        notify(
            users=[previous.submitted_by],
            message=gettext_noop("The certificate of {system} must be evaluated again."),
            params={"system": certificate.system.name},
            target=created,
        )
    case.reason = reason
    case.decided_by = actor
    case.decided_at = timezone.now()
    case.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    _log(
        actor,
        "surveillance_decided",
        case,
        {"action": action, "reason": reason, "credential": certificate.credential_id},
        certificate.system,
    )
    return created


def outside_scope(
    certificate: Certificate, model_version: str, digests: Mapping[str, str]
) -> dict[str, Any]:
    """What of ``model_version`` and ``digests`` lies outside the certificate's scope (empty when
    nothing does)."""
    subject = certificate.credential.get("credentialSubject", {})
    scope = subject.get("scope", {})
    out: dict[str, Any] = {}
    if model_version and model_version != scope.get("modelVersion", ""):
        out["modelVersion"] = model_version
    known = subject.get("digests") or {}
    changed = {name: d for name, d in digests.items() if known.get(name) != d}
    if changed:
        out["digests"] = changed
    return out


@transaction.atomic
def surveillance_scope_record(
    *, actor: User, certificate: Certificate, model_version: str, digests: Mapping[str, str]
) -> list[SurveillanceCase]:
    """The certifier records a model version or artefact digests seen for the system; what lies
    outside the certificate's scope opens a re-evaluation case."""
    if not selectors.decides_for(actor, certificate.issuer):
        raise PermissionDenied(ERR_NOT_DECISION_MAKER)
    for name, digest in digests.items():
        if not name or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValidationError(
                {"digests": [_("Give each artefact as name=SHA-256 (64 lower-case hex digits).")]}
            )
    changed = outside_scope(certificate, model_version, digests)
    if not changed:
        return []
    return surveillance_open(
        system=certificate.system,
        trigger=SurveillanceCase.Trigger.SCOPE,
        reference=_digest_of(changed),
        detail=changed,
        certificates=[certificate],
    )


def _digest_of(value: Any) -> str:
    return "scope:" + hashlib.sha256(canonical(value)).hexdigest()[:16]


def surveillance_scope_check() -> int:
    """A system whose recorded model version left its live certificates' scope gets a
    re-evaluation case (periodic); returns how many cases were opened."""
    opened = 0
    live = (Certificate.State.ACTIVE, Certificate.State.SUSPENDED)
    for certificate in Certificate.objects.filter(state__in=live).select_related("system"):
        changed = outside_scope(certificate, certificate.system.model_version, {})
        if changed:
            opened += len(
                surveillance_open(
                    system=certificate.system,
                    trigger=SurveillanceCase.Trigger.SCOPE,
                    reference=_digest_of(changed),
                    detail=changed,
                    certificates=[certificate],
                )
            )
    return opened


# --- compromised keys ---------------------------------------------------------------------------


@transaction.atomic
def key_mark_compromised(
    *,
    actor: User,
    body: CertificationBody,
    public_multibase: str,
    revoked_at: datetime,
    reason: str,
) -> RevokedKey:
    """Mark one of ``body``'s certificate keys compromised from ``revoked_at`` on.

    Its DID document then lists the key as revoked, so proofs it made from that time on
    fail everywhere (certificates signed before still verify); the body signs nothing more
    with it. Only the body's certification officers may; once per key.
    """
    if not selectors.decides_for(actor, body):
        raise PermissionDenied(_("Only the body's certification officers mark its keys."))
    errors: dict[str, list[str]] = {}
    keys = {key.public_multibase for key in selectors.signing_keys(body)}
    if public_multibase not in keys:
        errors["public_multibase"] = [_("This is not one of the body's certificate keys.")]
    elif RevokedKey.objects.filter(body=body, public_multibase=public_multibase).exists():
        errors["public_multibase"] = [_("This key is already marked compromised.")]
    if timezone.is_naive(revoked_at) or revoked_at > timezone.now():
        errors["revoked_at"] = [_("Give the time the key was compromised; not a future time.")]
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > 2000 or "\x00" in reason:
        errors["reason"] = [_("Give the reason, in at most 2,000 characters.")]
    if errors:
        raise ValidationError(errors)
    row = RevokedKey.objects.create(
        body=body,
        public_multibase=public_multibase,
        revoked_at=revoked_at,
        reason=reason,
        recorded_by=actor,
    )
    ledger_record_action(
        actor=actor,
        kind="certification.key_compromised",
        subject=row,
        payload={
            "body": body.pk,
            "key": public_multibase,
            "revoked_at": revoked_at.isoformat(),
        },
    )
    return row
