"""Certification bodies, applications, findings, certificates and status lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import Organisation
from tianping.web.systems.models import AISystem

#: The scheme of the AI Export Ethical Compliance Certificate (the others are level ids).
EXPORT = "export"


class BodyKind(models.TextChoices):
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
    CERTIFICATION_CENTRE = "certification_centre", _("Certification centre")


class CertificationBody(models.Model):
    """An organisation that evaluates applications and, if ``issues``, signs certificates."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="certification_body",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=BodyKind.choices)
    issues = models.BooleanField(_("issues certificates"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certification body")
        verbose_name_plural = _("certification bodies")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.organisation.name


class Accreditation(models.Model):
    """A body's accreditation for a scope (the levels, or the export review)."""

    class Scope(models.TextChoices):
        LEVELS = "levels", _("Ethical AI Certification levels")
        EXPORT = "export", _("AI export ethics review")

    body = models.ForeignKey(
        CertificationBody,
        verbose_name=_("certification body"),
        on_delete=models.CASCADE,
        related_name="accreditations",
    )
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    accredited_by = models.CharField(_("accredited by"), max_length=200)
    reference = models.CharField(_("reference"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["body", "scope"]

    def __str__(self) -> str:
        return f"{self.body} · {self.get_scope_display()} · {self.reference}"


class CertificationApplication(models.Model):
    """A system's application for a level or the export certificate."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        EVALUATION = "evaluation", _("Under evaluation")
        DECISION = "decision", _("Awaiting decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        APPEALED = "appealed", _("Under appeal")

    system = models.ForeignKey(
        AISystem,
        verbose_name=_("AI system"),
        on_delete=models.CASCADE,
        related_name="certification_applications",
    )
    scheme = models.CharField(_("level or certificate"), max_length=64)
    issuer = models.ForeignKey(
        CertificationBody,
        verbose_name=_("issuing body"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluators"),
        through="Evaluator",
        related_name="+",
    )
    disputed = models.BooleanField(_("evaluators disagree"), default=False)
    decision_reason = models.TextField(_("reason of the decision"), max_length=5000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    product_name = models.CharField(_("product"), max_length=200, blank=True)
    product_version = models.CharField(_("product version"), max_length=100, blank=True)
    destinations = models.JSONField(
        _("destination markets"),
        default=list,
        blank=True,
        help_text=_("ISO 3166 codes of the markets the product is exported to."),
    )
    artefact_digests = models.JSONField(
        _("model artefact digests"),
        default=dict,
        blank=True,
        help_text=_("The SHA-256 of each model artefact in the certificate's scope, by name."),
    )
    renews = models.ForeignKey(
        "Certificate",
        verbose_name=_("previous certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certification application")
        verbose_name_plural = _("certification applications")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.system} · {self.scheme}"


class Evaluator(models.Model):
    """One of the two evaluators of an application, and the body they evaluate for."""

    application = models.ForeignKey(
        CertificationApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="evaluator_rows",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.ForeignKey(
        CertificationBody,
        verbose_name=_("certification body"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("findings completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluator")
        verbose_name_plural = _("evaluators")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "body"], name="certification_one_evaluator_per_body"
            ),
            models.UniqueConstraint(
                fields=["application", "user"], name="certification_evaluator_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.body}"


class Finding(models.Model):
    """An evaluator's finding on one requirement of an application."""

    class Conclusion(models.TextChoices):
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")

    evaluator = models.ForeignKey(
        Evaluator, verbose_name=_("evaluator"), on_delete=models.CASCADE, related_name="findings"
    )
    requirement = models.CharField(_("requirement"), max_length=64)
    conclusion = models.CharField(_("conclusion"), max_length=8, choices=Conclusion.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluator", "requirement"], name="certification_one_finding_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement}: {self.conclusion}"


class Certificate(models.Model):
    """A signed certificate (a W3C Verifiable Credential) and its state."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Valid")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")
        SUPERSEDED = "superseded", _("Superseded by a renewal")

    application = models.OneToOneField(
        CertificationApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    issuer = models.ForeignKey(
        CertificationBody,
        verbose_name=_("issuing body"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.PROTECT, related_name="+"
    )
    credential_id = models.CharField(_("credential ID"), max_length=100, unique=True)
    status_index = models.PositiveIntegerField(_("status list index"))
    credential = models.JSONField(_("credential"))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="active")
    state_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    reminded_days = models.JSONField(_("reminders sent"), default=list, blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "status_index"], name="certification_status_index_unique"
            )
        ]

    def __str__(self) -> str:
        return self.credential_id


class StatusListVersion(models.Model):
    """One published version of a body's revocation or suspension status list credential."""

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", _("Revocation")
        SUSPENSION = "suspension", _("Suspension")

    issuer = models.ForeignKey(
        CertificationBody,
        verbose_name=_("issuing body"),
        on_delete=models.PROTECT,
        related_name="status_lists",
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    version = models.PositiveIntegerField(_("version"))
    credential = models.JSONField(_("credential"))
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status list version")
        verbose_name_plural = _("status list versions")
        ordering = ["issuer", "purpose", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "purpose", "version"], name="certification_status_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer} · {self.purpose} · {self.version}"


class Appeal(models.Model):
    """The applicant's appeal of a refusal, decided by another decision-maker of the issuing
    body."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Awaiting a decision")
        UPHELD = "upheld", _("Refusal upheld")
        OVERTURNED = "overturned", _("Refusal overturned")

    application = models.OneToOneField(
        CertificationApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="appeal",
    )
    grounds = models.TextField(_("grounds of the appeal"), max_length=5000)
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appellant"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lodged_at = models.DateTimeField(_("lodged at"), auto_now_add=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    reason = models.TextField(_("reason of the outcome"), max_length=5000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-lodged_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.application} · {self.outcome}"


class SurveillanceCase(models.Model):
    """Surveillance of a certificate: an incident, a monitor alert, a withdrawn upstream
    certificate or a change outside the certificate's scope."""

    class Trigger(models.TextChoices):
        INCIDENT = "incident", _("Incident")
        ALERT = "alert", _("Monitor alert")
        UPSTREAM = "upstream", _("Upstream component's certificate withdrawn")
        SCOPE = "scope", _("Change outside the certificate's scope")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SUSPENDED = "suspended", _("Certificate suspended")
        REEVALUATION = "reevaluation", _("Re-evaluation required")
        CLOSED = "closed", _("Closed")

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.CASCADE,
        related_name="surveillance_cases",
    )
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger.choices)
    reference = models.CharField(_("reference"), max_length=200)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("surveillance case")
        verbose_name_plural = _("surveillance cases")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "trigger", "reference"],
                name="certification_surveillance_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate} · {self.trigger} · {self.reference}"


class RevokedKey(models.Model):
    """A body's signing key marked compromised: proofs it made from ``revoked_at`` on fail.

    The body's DID document lists the key with ``revoked`` (a verification method's
    revocation time), so every verifier, offline too, refuses what it signed afterwards;
    certificates it signed before keep verifying.
    """

    body = models.ForeignKey(
        CertificationBody,
        verbose_name=_("certification body"),
        on_delete=models.CASCADE,
        related_name="revoked_keys",
    )
    public_multibase = models.CharField(_("public key"), max_length=100)
    revoked_at = models.DateTimeField(_("compromised from"))
    reason = models.TextField(_("reason"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("compromised key")
        verbose_name_plural = _("compromised keys")
        ordering = ["body", "revoked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "public_multibase"], name="certification_key_revoked_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} · {self.public_multibase}"
