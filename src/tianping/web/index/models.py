"""Scorecards of the Machine Responsibility Index, raters' scores and energy reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.systems.models import AISystem


class EnergyPhase(models.TextChoices):
    TRAINING = "training", _("Training")
    INFERENCE = "inference", _("Inference")


class EnergyMethod(models.TextChoices):
    MEASURED = "measured", _("Measured")
    ESTIMATED = "estimated", _("Estimated")


class EnergyReport(models.Model):
    """Energy a system used in training or inference, measured or estimated (method stated)."""

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="+"
    )
    phase = models.CharField(_("phase"), max_length=16, choices=EnergyPhase.choices)
    method = models.CharField(_("method"), max_length=16, choices=EnergyMethod.choices)
    kwh = models.DecimalField(_("energy (kWh)"), max_digits=18, decimal_places=3)
    method_note = models.TextField(_("how it was estimated or measured"), max_length=2000)
    period_end = models.DateField(_("period end"))
    confidential = models.BooleanField(_("trade secret"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("energy report")
        verbose_name_plural = _("energy reports")
        ordering = ["-period_end", "-pk"]

    def __str__(self) -> str:
        return f"{self.system} · {self.phase} · {self.kwh} kWh"


class IndicatorRating(models.Model):
    """One rater's score of a human-rated indicator for a system (two raters per indicator)."""

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.CharField(_("indicator"), max_length=100)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rater"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(_("score"))
    rated_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("indicator rating")
        verbose_name_plural = _("indicator ratings")
        ordering = ["system", "indicator", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "indicator", "rater"], name="index_rating_once_per_rater"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} · {self.indicator} · {self.score}"


class RatingResolution(models.Model):
    """A third person's resolution, on record, of two raters' disagreement."""

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.CharField(_("indicator"), max_length=100)
    score = models.PositiveSmallIntegerField(_("resolved score"))
    note = models.TextField(_("reason"), max_length=5000)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating resolution")
        verbose_name_plural = _("rating resolutions")
        ordering = ["system", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "indicator"], name="index_one_resolution_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} · {self.indicator} → {self.score}"


class ScorecardState(models.TextChoices):
    DRAFT = "draft", _("Draft (owner may reply)")
    PUBLISHED = "published", _("Published")


class StoredScorecard(models.Model):
    """One version of a system's scorecard: the specification version, the evidence and its
    hash, the score and rank ranges within the jurisdiction, per-indicator points, the
    signature and the platform-ledger entry; then the owner's reply and publication."""

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"))
    spec_version = models.CharField(_("specification version"), max_length=20)
    evidence = models.JSONField(_("evidence"))
    evidence_sha256 = models.CharField(_("SHA-256 of the evidence"), max_length=64)
    confidential = models.JSONField(_("confidential evidence"), default=list, blank=True)
    card = models.JSONField(_("scorecard"))
    total = models.FloatField(_("score"))
    score_low = models.FloatField(_("lowest score"))
    score_high = models.FloatField(_("highest score"))
    rank = models.PositiveIntegerField(_("rank"))
    rank_low = models.FloatField(_("best rank"))
    rank_high = models.FloatField(_("worst rank"))
    population = models.PositiveIntegerField(_("systems ranked"))
    jurisdiction = models.CharField(_("jurisdiction"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256 of the scorecard"), max_length=64)
    signature = models.TextField(_("signed note"))
    ledger_index = models.BigIntegerField(_("platform ledger entry"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ScorecardState.choices, default=ScorecardState.DRAFT
    )
    reply_due = models.DateTimeField(_("reply due"))
    reply = models.TextField(_("owner's reply"), max_length=5000, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-version", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["system", "version"], name="index_scorecard_version")
        ]

    def __str__(self) -> str:
        return f"{self.system} · v{self.version}"


class FilingRegime(models.TextChoices):
    """The CAC filing regimes a system's algorithm may be filed under."""

    ALGORITHM_RECOMMENDATION = (
        "algorithm_recommendation",
        _("Algorithm recommendation (Provisions of 2022)"),
    )
    DEEP_SYNTHESIS = "deep_synthesis", _("Deep synthesis (Provisions of 2023)")
    GENERATIVE_AI = "generative_ai", _("Generative AI service (Interim Measures of 2023)")


class FilingStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    PENDING = "pending", _("Filing in progress")
    NOT_FILED = "not_filed", _("Not filed")
    NOT_REQUIRED = "not_required", _("Not required (no public-opinion capability)")


class AlgorithmFiling(models.Model):
    """A system's algorithm filing with the Cyberspace Administration of China: the regime,
    the filing number shown to users, the authority, the date and the state."""

    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="+"
    )
    regime = models.CharField(_("filing regime"), max_length=32, choices=FilingRegime.choices)
    status = models.CharField(_("filing status"), max_length=16, choices=FilingStatus.choices)
    filing_number = models.CharField(_("filing number"), max_length=100, blank=True)
    authority = models.CharField(_("filing authority"), max_length=200, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("algorithm filing")
        verbose_name_plural = _("algorithm filings")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.system} · {self.regime} · {self.status}"
