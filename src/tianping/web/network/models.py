"""Risk reports with their steps, early warnings with their recipients."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import Organisation
from tianping.web.operations.models import Incident, MonitorAlert
from tianping.web.systems.models import AISystem


class ReportKind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    NEAR_MISS = "near_miss", _("Near miss")
    COMPLAINT = "complaint", _("Complaint")
    MONITORING_ALERT = "monitoring_alert", _("Monitoring alert")
    EMERGING_RISK = "emerging_risk", _("Emerging risk")


class RiskCategory(models.TextChoices):
    DISCRIMINATION = "discrimination", _("Discrimination")
    PRIVACY_LEAK = "privacy_leak", _("Privacy leak")
    EMOTIONAL_DEPENDENCE = "emotional_dependence", _("Emotional dependence")
    LOSS_OF_CONTROL = "loss_of_control", _("Loss of control")
    MISINFORMATION = "misinformation", _("Misinformation")
    SAFETY = "safety", _("Safety")
    SECURITY = "security", _("Security")
    OTHER = "other", _("Other risk")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Visibility(models.TextChoices):
    """Who may read a report, narrowest first (a regulator may only narrow it)."""

    ORGANISATION = "organisation", _("The organisation and its regulators on the route")
    JURISDICTION = "jurisdiction", _("Everyone in the jurisdiction")
    PUBLIC = "public", _("Every user of the platform")


class SystemType(models.TextChoices):
    """Kinds of system a warning may target, read from each system's current intake
    (the registry records no other type; see ``network.targeting``)."""

    GENERATIVE = "generative", _("Generative AI (generates content)")
    AUTOMATED_DECISIONS = "automated_decisions", _("Automated decision-making about people")
    RECOMMENDER = "recommender", _("Recommender (recommends content or products)")
    PUBLIC_FACING = "public_facing", _("Offered to the public")


VISIBILITY_RANK = {Visibility.ORGANISATION: 0, Visibility.JURISDICTION: 1, Visibility.PUBLIC: 2}


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting triage")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")


class RiskReport(models.Model):
    """A risk report an organisation files upward; its texts are stored de-identified only."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("reporting organisation"),
        on_delete=models.PROTECT,
        related_name="risk_reports",
    )
    system = models.ForeignKey(
        AISystem,
        verbose_name=_("AI system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_reports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ReportKind.choices)
    category = models.CharField(_("risk category"), max_length=32, choices=RiskCategory.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    affected_people = models.PositiveIntegerField(_("people affected"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"))
    actions_taken = models.TextField(_("what was done"), blank=True)
    masked = models.JSONField(
        _("personal data masked"),
        default=dict,
        help_text=_("How many values of each kind of personal data were masked."),
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.ORGANISATION,
    )
    status = models.CharField(
        _("status"), max_length=24, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    assigned_to = models.ForeignKey(
        Organisation,
        verbose_name=_("regulator holding it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    jurisdiction_path = models.CharField(
        _("jurisdiction"),
        max_length=255,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("The path of the regulator it was first routed to."),
    )
    route = models.ManyToManyField(
        Organisation, verbose_name=_("route"), blank=True, related_name="routed_reports"
    )
    triage_due_at = models.DateTimeField(_("triage due by"), null=True, blank=True)
    source_incident = models.ForeignKey(
        Incident,
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_alert = models.ForeignKey(
        MonitorAlert,
        verbose_name=_("monitor alert"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk report")
        verbose_name_plural = _("risk reports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "triage_due_at"])]

    def __str__(self) -> str:
        return self.title


class ReportAttachment(models.Model):
    """A file attached to a risk report, kept encrypted in the storage of uploads.

    Text (plain text, CSV) is scanned for personal data and refused when it carries any;
    a PDF or an image cannot be scanned, so the reporter confirms it carries none, and it
    is shown only to the reporting organisation and the regulators on the route."""

    report = models.ForeignKey(
        RiskReport,
        verbose_name=_("risk report"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    location = models.CharField(_("stored as"), max_length=300, editable=False)
    scanned = models.BooleanField(
        _("scanned for personal data"),
        default=False,
        help_text=_("Text scanned and found free of personal data."),
    )
    no_personal_data_confirmed = models.BooleanField(
        _("confirmed free of personal data"),
        default=False,
        help_text=_("The reporter confirmed that a file that cannot be scanned carries none."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    ledger_index = models.PositiveBigIntegerField(_("ledger entry"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk report attachment")
        verbose_name_plural = _("risk report attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class StepKind(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    FILED = "filed", _("Filed and routed")
    ACCEPTED = "accepted", _("Accepted")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    INFORMATION_GIVEN = "information_given", _("Information given")
    CLOSED = "closed", _("Closed")
    ESCALATED = "escalated", _("Escalated")
    ESCALATED_OVERDUE = "escalated_overdue", _("Escalated: triage deadline missed")
    VISIBILITY_NARROWED = "visibility_narrowed", _("Visibility narrowed")


class ReportStep(models.Model):
    """One step of a report's route; ``ledger_index`` is its entry in the platform ledger."""

    report = models.ForeignKey(
        RiskReport, verbose_name=_("risk report"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=24, choices=StepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    regulator = models.ForeignKey(
        Organisation,
        verbose_name=_("regulator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    ledger_index = models.PositiveBigIntegerField(_("ledger entry"), null=True, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("report step")
        verbose_name_plural = _("report steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.kind}"


class EarlyWarning(models.Model):
    """A regulator's warning to the organisations of its subtree."""

    issuer = models.ForeignKey(
        Organisation,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="warnings_issued",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("warning"))
    category = models.CharField(_("risk category"), max_length=32, choices=RiskCategory.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    sector = models.CharField(
        _("sector"),
        max_length=32,
        blank=True,
        help_text=_("Only organisations with a system in this sector; blank: all."),
    )
    kinds = models.JSONField(
        _("kinds of organisation"),
        default=list,
        help_text=_("Only organisations of these kinds; empty: all but regulators."),
    )
    system_type = models.CharField(
        _("system type"),
        max_length=32,
        blank=True,
        choices=SystemType.choices,
        help_text=_("Only organisations with a system of this type; blank: all."),
    )
    report_category = models.CharField(
        _("reported risk category"),
        max_length=32,
        blank=True,
        choices=RiskCategory.choices,
        help_text=_(
            "Only organisations with a risk report of this category in the subtree; blank: all."
        ),
    )
    listed_activity = models.CharField(
        _("listed activity"),
        max_length=64,
        blank=True,
        help_text=_(
            "Only organisations with a system registered for this activity of the expert "
            "re-review list; blank: all."
        ),
    )
    acknowledge_by = models.DateTimeField(_("acknowledge by"))
    issued_at = models.DateTimeField(_("issued at"))
    ledger_index = models.PositiveBigIntegerField(_("ledger entry"), null=True, blank=True)
    peer = models.CharField(
        _("from the peer instance"),
        max_length=64,
        blank=True,
        help_text=_("The instance that sent the warning down (its acknowledgements go back)."),
    )

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class WarningRecipient(models.Model):
    """One organisation a warning went to, and whether it acknowledged it."""

    warning = models.ForeignKey(
        EarlyWarning,
        verbose_name=_("early warning"),
        on_delete=models.CASCADE,
        related_name="recipients",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="warnings_received",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    times_sent = models.PositiveIntegerField(_("times sent"), default=1)
    last_sent_at = models.DateTimeField(_("last sent at"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("warning recipient")
        verbose_name_plural = _("warning recipients")
        ordering = ["organisation__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["warning", "organisation"], name="one_recipient_row_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.warning_id} · {self.organisation_id}"


class FilingKind(models.TextChoices):
    COMMITTEE_REGISTRATION = "committee_registration", _("Committee registration")
    LISTED_ACTIVITY = "listed_activity", _("Listed activity filing")
    ANNUAL_REPORT = "annual_report", _("Annual report")


class Filing(models.Model):
    """A filing a committee or review centre makes to its competent regulator: its
    registration, a listed activity after approval, or the previous year's annual report."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="network_filings",
    )
    regulator = models.ForeignKey(
        Organisation,
        verbose_name=_("competent regulator"),
        on_delete=models.PROTECT,
        related_name="filings_received",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=FilingKind.choices)
    year = models.PositiveSmallIntegerField(_("year covered"), null=True, blank=True)
    application = models.ForeignKey(
        "reviews.Application",
        verbose_name=_("approved application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due by"))
    filed_on = models.DateField(_("filed on"))
    summary = models.TextField(_("summary"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"))
    ledger_index = models.PositiveBigIntegerField(_("ledger entry"), null=True, blank=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(kind="committee_registration"),
                name="one_registration_filing_per_body",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=models.Q(kind="annual_report"),
                name="one_annual_report_per_body_and_year",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(kind="listed_activity"),
                name="one_listed_activity_filing_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.kind}"


class DraftStatus(models.TextChoices):
    OPEN = "open", _("Awaiting review")
    SENT = "sent", _("Sent as a warning")
    DISMISSED = "dismissed", _("Dismissed")


class WarningDraft(models.Model):
    """A warning an automatic trigger drafted for a regulator to review and send."""

    issuer = models.ForeignKey(
        Organisation,
        verbose_name=_("regulator"),
        on_delete=models.PROTECT,
        related_name="warning_drafts",
    )
    rule = models.CharField(_("trigger rule"), max_length=64)
    key = models.CharField(
        _("occurrence"),
        max_length=200,
        unique=True,
        help_text=_("The rule, the regulator and what matched: one draft per occurrence."),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("warning"))
    category = models.CharField(_("risk category"), max_length=32, choices=RiskCategory.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=DraftStatus.choices, default=DraftStatus.OPEN
    )
    warning = models.ForeignKey(
        EarlyWarning,
        verbose_name=_("early warning"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("warning draft")
        verbose_name_plural = _("warning drafts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ListChange(models.TextChoices):
    ADD = "add", _("Add an activity to the list")
    CHANGE = "change", _("Change an activity on the list")
    REMOVE = "remove", _("Remove an activity from the list")


class ProposalSource(models.TextChoices):
    EXPERT_REVIEW = "expert_review", _("Expert re-review outcome")
    CASE_PATTERN = "case_pattern", _("Pattern of cases")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the central decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ListProposal(models.Model):
    """A regulator's proposal to add, change or remove an activity of the high-risk
    (expert re-review) list; a central regulator's approval makes a new list version."""

    proposer = models.ForeignKey(
        Organisation,
        verbose_name=_("proposing regulator"),
        on_delete=models.PROTECT,
        related_name="list_proposals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    change = models.CharField(_("change"), max_length=16, choices=ListChange.choices)
    activity_code = models.SlugField(_("activity id"), max_length=60)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=ProposalSource.choices)
    application = models.ForeignKey(
        "reviews.Application",
        verbose_name=_("expert re-reviewed application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
    )
    created_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    list_version = models.CharField(
        _("list version made"),
        max_length=32,
        blank=True,
        help_text=_("The version of the list the approval produced."),
    )
    ledger_index = models.PositiveBigIntegerField(_("ledger entry"), null=True, blank=True)
    decision_ledger_index = models.PositiveBigIntegerField(
        _("ledger entry of the decision"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("list proposal")
        verbose_name_plural = _("list proposals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.change} · {self.activity_code}"


class PilotSummary(models.Model):
    """A city's pilot summary report (the bilingual PDF) submitted to its province."""

    region = models.ForeignKey(
        Organisation,
        verbose_name=_("submitting regulator"),
        on_delete=models.PROTECT,
        related_name="pilot_summaries",
    )
    submitted_to = models.ForeignKey(
        Organisation,
        verbose_name=_("submitted to"),
        on_delete=models.PROTECT,
        related_name="pilot_summaries_received",
    )
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    ledger_index = models.BigIntegerField(_("ledger entry"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("pilot summary report")
        verbose_name_plural = _("pilot summary reports")

    def __str__(self) -> str:
        return f"pilot summary {self.pk} of {self.region_id}"
