"""The ethics risk case database on the platform.

A :class:`CaseRecord` holds one case of :mod:`tianping.cases` (both languages of
every text, the coded fields, sources, provenance and licence) plus who may read
it: ``public`` cases (every shipped case) are read by everyone; ``jurisdiction``
and ``organisation`` cases name the organisation they come from. The search
columns hold the case's text cut into tokens by :func:`tianping.cases.tokenize`
(the title repeated as the library weighs it); the full-text index over them is
SQLite FTS5 (``cases_caserecord_fts``) or, on PostgreSQL, GIN indexes over
``to_tsvector('simple', …)`` (migration ``0002_full_text_index``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import Organisation
from tianping.web.core.jobs import BackgroundJob


class CaseVisibility(models.TextChoices):
    """Who may read a case, narrowest first."""

    ORGANISATION = "organisation", _("The organisation and its regulators")
    JURISDICTION = "jurisdiction", _("Everyone in the jurisdiction")
    PUBLIC = "public", _("Everyone")


class CaseOrigin(models.TextChoices):
    SHIPPED = "shipped", _("Documented public case (AI Incident Database)")
    REPORT = "report", _("Accepted risk report")
    AIID = "aiid", _("AI Incident Database incident (imported, not yet written up)")


class CaseRecord(models.Model):
    code = models.CharField(_("case id"), max_length=40, unique=True)
    origin = models.CharField(
        _("origin"), max_length=16, choices=CaseOrigin.choices, default=CaseOrigin.SHIPPED
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=CaseVisibility.choices,
        default=CaseVisibility.PUBLIC,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    jurisdiction_path = models.CharField(
        _("jurisdiction path"), max_length=255, blank=True, default="", editable=False
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    summary_zh = models.TextField(_("summary (Chinese)"))
    summary_en = models.TextField(_("summary (English)"))
    date = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    sector = models.CharField(_("sector"), max_length=32, db_index=True)
    region = models.CharField(_("region"), max_length=16, db_index=True)
    system_type = models.CharField(_("system type"), max_length=32, db_index=True)
    risk_category = models.CharField(_("risk category"), max_length=32, db_index=True)
    severity = models.CharField(_("severity"), max_length=16, db_index=True)
    harms = models.JSONField(_("harms"), default=list)
    affected_groups = models.JSONField(_("affected groups"), default=list)
    principles = models.JSONField(_("principles"), default=list)
    articles = models.JSONField(_("articles"), default=list)
    remediation_zh = models.TextField(_("remediation (Chinese)"), blank=True)
    remediation_en = models.TextField(_("remediation (English)"), blank=True)
    sources = models.JSONField(_("sources"), default=list)
    provenance = models.JSONField(_("provenance"), default=dict)
    licence = models.CharField(_("licence"), max_length=40)
    search_zh = models.TextField(editable=False, default="")
    search_en = models.TextField(editable=False, default="")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("-date", "code")
        verbose_name = _("ethics risk case")
        verbose_name_plural = _("ethics risk cases")

    def __str__(self) -> str:
        return self.code


class ReportConsent(models.Model):
    """A risk report's reporter consented to publish it, de-identified, as a case."""

    report = models.OneToOneField(
        "network.RiskReport",
        verbose_name=_("risk report"),
        on_delete=models.PROTECT,
        related_name="case_consent",
    )
    case = models.OneToOneField(
        CaseRecord, verbose_name=_("case"), on_delete=models.CASCADE, related_name="consent"
    )
    consented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consented by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visibility = models.CharField(_("visibility"), max_length=16, choices=CaseVisibility.choices)
    consented_at = models.DateTimeField(_("consented at"), auto_now_add=True)
    ledger_index = models.BigIntegerField(_("ledger entry"), null=True, blank=True)

    def __str__(self) -> str:
        return f"consent for report {self.report_id}"


class RequestKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    TAKEDOWN = "takedown", _("Takedown")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class CaseRequest(models.Model):
    """A correction or takedown request for a case, filed by anyone, decided by an administrator."""

    case = models.ForeignKey(
        CaseRecord, verbose_name=_("case"), on_delete=models.CASCADE, related_name="requests"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    company = models.CharField(_("company named"), max_length=200)
    requester = models.CharField(_("your name"), max_length=200)
    contact = models.CharField(_("contact (e-mail or phone)"), max_length=200)
    text = models.TextField(_("what should change, and why"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    ledger_index = models.BigIntegerField(_("ledger entry"), null=True, blank=True)

    class Meta:
        ordering = ("-filed_at",)

    def __str__(self) -> str:
        return f"{self.kind} request {self.pk}"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the owner's answer")
    ANSWERED = "answered", _("Answered")
    ESCALATED = "escalated", _("Escalated to the regulator")


class Complaint(models.Model):
    """A complaint by a person affected by a system, filed from its public page.

    It reaches the owner organisation; unanswered by ``due_at`` it goes to the
    regulator above the owner, who reads ``masked_text`` only (personal data masked).
    """

    system = models.ForeignKey(
        "systems.AISystem",
        verbose_name=_("system"),
        on_delete=models.CASCADE,
        related_name="complaints",
    )
    name = models.CharField(_("your name"), max_length=200)
    contact = models.CharField(_("contact (e-mail or phone)"), max_length=200)
    text = models.TextField(_("what happened to you"), max_length=5000)
    masked_text = models.TextField(_("complaint (personal data masked)"), editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    due_at = models.DateTimeField(_("answer due by"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        Organisation,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    ledger_index = models.BigIntegerField(_("ledger entry"), null=True, blank=True)

    class Meta:
        ordering = ("-filed_at",)

    def __str__(self) -> str:
        return f"complaint {self.pk}"


class AiidImport(BackgroundJob):
    """An AI Incident Database snapshot (``incidents.csv``) a platform administrator
    uploaded, imported in the background: each incident becomes (or updates) the public
    case ``AIID-<incident>``, with its source, provenance and licence (CC BY-SA 4.0); an
    incident already written up as a shipped case is left to that case. The snapshot is
    kept until the job ends."""

    task = "tianping.web.cases.tasks.run_aiid_import"

    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    snapshot = models.BinaryField(_("snapshot"), null=True, editable=False)
    incidents = models.PositiveIntegerField(_("incidents"), default=0)
    created_count = models.PositiveIntegerField(_("cases added"), default=0)
    updated_count = models.PositiveIntegerField(_("cases updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("cases unchanged"), default=0)
    written_up_count = models.PositiveIntegerField(_("already written up"), default=0)
    rows_left_out = models.PositiveIntegerField(_("rows left out"), default=0)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("AI Incident Database import")
        verbose_name_plural = _("AI Incident Database imports")

    def __str__(self) -> str:
        return self.file_name

    def release_inputs(self) -> None:
        AiidImport.objects.filter(pk=self.pk).update(snapshot=None)
