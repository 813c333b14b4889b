"""The AI system registry: systems, their intakes and tiers, their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import Organisation
from tianping.web.core.jobs import BackgroundJob
from tianping.web.core.timezones import format_datetime


class Sector(models.TextChoices):
    FINANCE = "finance", _("Finance and credit")
    EMPLOYMENT = "employment", _("Employment and hiring")
    HEALTHCARE = "healthcare", _("Healthcare")
    EDUCATION = "education", _("Education")
    TRANSPORT = "transport", _("Transport")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    COMMERCE = "commerce", _("E-commerce and retail")
    MEDIA = "media", _("Media, content and recommendation")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    PUBLIC_SERVICES = "public_services", _("Public services")
    RESEARCH = "research", _("Research")
    OTHER = "other", _("Other")


class LifecycleStage(models.TextChoices):
    DESIGN = "design", _("Design")
    DATA = "data", _("Data collection and preparation")
    BUILD = "build", _("Build and training")
    TEST = "test", _("Testing and validation")
    LAUNCH = "launch", _("Launch")
    OPERATE = "operate", _("Operation")
    RETIRE = "retire", _("Retirement")


class Market(models.TextChoices):
    DOMESTIC = "domestic", _("Mainland China")
    HK_MACAO_TAIWAN = "hk_macao_taiwan", _("Hong Kong, Macao and Taiwan")
    EU = "eu", _("European Union")
    US = "us", _("United States")
    ASEAN = "asean", _("ASEAN")
    MIDDLE_EAST = "middle_east", _("Middle East")
    AFRICA = "africa", _("Africa")
    LATIN_AMERICA = "latin_america", _("Latin America")
    OTHER = "other", _("Other markets")


class Tier(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class FloorReview(models.TextChoices):
    """Where an override below a floor stands with the regulator over the organisation."""

    PENDING = "pending", _("Awaiting the regulator's confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the regulator")
    REJECTED = "rejected", _("Rejected by the regulator")


class AISystem(models.Model):
    """An AI system registered by the organisation that develops, supplies or uses it."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="ai_systems",
    )
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), max_length=5000)
    owner = models.CharField(
        _("accountable owner"),
        max_length=200,
        help_text=_("The person or department answerable for the system."),
    )
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    deployment_context = models.TextField(_("deployment context"), max_length=5000, blank=True)
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=16, choices=LifecycleStage.choices
    )
    model_version = models.CharField(_("model version"), max_length=100, blank=True)
    components = models.JSONField(
        _("components and vendors"),
        default=list,
        blank=True,
        help_text=_("Models, libraries and services the system is built from."),
    )
    datasets = models.JSONField(_("datasets"), default=list, blank=True)
    people_affected = models.TextField(_("people affected"), max_length=2000, blank=True)
    markets = models.JSONField(_("markets"), default=list, blank=True)
    export_destinations = models.JSONField(_("export destinations"), default=list, blank=True)
    latest_intake = models.ForeignKey(
        "Intake",
        verbose_name=_("latest intake"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("AI system")
        verbose_name_plural = _("AI systems")
        ordering = ["-updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="unique_system_name_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Intake(models.Model):
    """One completed intake questionnaire and the tier it produced."""

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="intakes"
    )
    answers = models.JSONField(_("answers"))
    prefilled = models.JSONField(
        _("pre-filled answers"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "Answers offered from the registration: the value, the fields it came from, "
            "and whether the answer given differs."
        ),
    )
    questionnaire_version = models.CharField(_("questionnaire version"), max_length=32)
    list_version = models.CharField(
        _("high-risk activity list version"),
        max_length=32,
        blank=True,
        editable=False,
        help_text=_("The list version the tier was computed against."),
    )
    computed_tier = models.CharField(_("computed tier"), max_length=8, choices=Tier.choices)
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices)
    expert_review_required = models.BooleanField(_("expert re-review required"))
    result = models.JSONField(_("result"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    override_justification = models.TextField(_("override justification"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    overridden_at = models.DateTimeField(_("overridden at"), null=True, blank=True)
    # An override below a floor: the tier asked for, the floor and its rules, and
    # the regulator's review. While it is pending, ``tier`` is the floor's tier.
    requested_tier = models.CharField(
        _("tier asked for by the override"), max_length=8, choices=Tier.choices, blank=True
    )
    floor_tier = models.CharField(
        _("floor the override goes below"), max_length=8, choices=Tier.choices, blank=True
    )
    floor_rules = models.JSONField(_("floors the override goes below"), default=list, blank=True)
    floor_review = models.CharField(
        _("regulator's review of the override"),
        max_length=16,
        choices=FloorReview.choices,
        blank=True,
    )
    floor_regulator = models.ForeignKey(
        Organisation,
        verbose_name=_("regulator the override was put to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    floor_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("override reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    floor_reviewed_at = models.DateTimeField(_("override reviewed at"), null=True, blank=True)
    floor_review_note = models.TextField(_("regulator's note"), blank=True)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.system} · {self.get_tier_display()}"

    @property
    def is_overridden(self) -> bool:
        return self.overridden_at is not None

    @property
    def floor_override_pending(self) -> bool:
        """An override below a floor waits for the regulator; the floor's tier is in force."""
        return self.floor_review == FloorReview.PENDING


class SystemEvent(models.Model):
    """The change history of a system: who did what, when, and which fields changed."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        UPDATED = "updated", _("Updated")
        INTAKE_SUBMITTED = "intake_submitted", _("Intake submitted")
        TIER_OVERRIDDEN = "tier_overridden", _("Tier overridden")
        OVERRIDE_CONFIRMED = "override_confirmed", _("Override confirmed by the regulator")
        OVERRIDE_REJECTED = "override_rejected", _("Override rejected by the regulator")
        REPORT_GENERATED = "report_generated", _("Report generated")

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("system event")
        verbose_name_plural = _("system events")

    def __str__(self) -> str:
        return f"{self.system} · {self.kind} · {format_datetime(self.at)}"


class ReportJob(BackgroundJob):
    """A report rendered in the background, with progress and cancellation."""

    task = "tianping.web.systems.tasks.render_intake_report"

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="report_jobs"
    )
    intake = models.ForeignKey(
        Intake, verbose_name=_("intake"), on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8)
    pdf = models.BinaryField(_("PDF"), null=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")

    def __str__(self) -> str:
        return f"{self.system} · {self.language} · {self.status}"
