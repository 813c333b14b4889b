"""Organisations in a jurisdiction tree, memberships with roles, API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.core.timezones import validate_time_zone


class OrganisationKind(models.TextChoices):
    CENTRAL_REGULATOR = "central_regulator", _("Central regulator")
    PROVINCIAL_REGULATOR = "provincial_regulator", _("Provincial regulator")
    MUNICIPAL_REGULATOR = "municipal_regulator", _("Municipal regulator")
    REVIEW_CENTRE = "review_centre", _("Ethics review centre")
    ETHICS_COMMITTEE = "ethics_committee", _("Ethics committee")
    CERTIFICATION_BODY = "certification_body", _("Certification body")
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    INSTITUTE = "institute", _("Research institute")
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")


REGULATOR_KINDS = frozenset(
    {
        OrganisationKind.CENTRAL_REGULATOR,
        OrganisationKind.PROVINCIAL_REGULATOR,
        OrganisationKind.MUNICIPAL_REGULATOR,
    }
)


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    CHAIR = "chair", _("Committee chair")
    EXPERT = "expert", _("Expert")
    CERTIFICATION_OFFICER = "certification_officer", _("Certification officer")
    REGULATOR = "regulator", _("Regulator")
    ADMIN = "admin", _("Organisation administrator")


class Organisation(models.Model):
    """A body in the three-tier network: regulators, centres, enterprises …

    ``parent`` is the body whose jurisdiction this one falls under (an
    enterprise's municipal regulator, a municipal regulator's province …).
    ``path`` is a materialised path of ids (``/1/4/9/``) kept by the service
    layer so a jurisdiction's subtree is one indexed prefix query.
    """

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region_code = models.CharField(
        _("administrative division code"),
        max_length=12,
        blank=True,
        help_text=_("GB/T 2260 code of the region, e.g. 310000 for Shanghai."),
    )
    unified_social_credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True
    )
    path = models.CharField(
        _("jurisdiction path"), max_length=255, db_index=True, editable=False, default="/"
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_(
            "IANA name, e.g. Asia/Shanghai or Europe/Berlin. The documents this body issues "
            "print their dates in it; blank: the platform's time zone."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_regulator(self) -> bool:
        return self.kind in REGULATOR_KINDS


class Membership(models.Model):
    """A user's role in one organisation; a user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
