"""Ethics review records: review bodies, applications, meetings, votes, expert re-review.

The rules live in :mod:`tianping.review` (data, cited); these tables hold what
happened. The ``services`` modules of the concept packages (``bodies``,
``applications``, ``meetings``, ``expert``, ``aftercare``, ``records``) are the only
writers: each checks permissions, applies the library's checks, appends the
action to the platform ledger and a :class:`ReviewEvent` to the timeline, in
one transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import Organisation
from tianping.web.core.jobs import BackgroundJob
from tianping.web.core.timezones import format_datetime
from tianping.web.systems.models import AISystem


class RuleSetName(models.TextChoices):
    NATIONAL = "national", _("National rules")
    SICHUAN = "sichuan", _("Sichuan overlay")


class ReviewBody(models.Model):
    """An ethics committee or a regional review centre (the organisation itself).

    A committee (``organisation.kind == ethics_committee``) reviews the
    activities of the unit that set it up (its parent organisation); a review
    centre reviews those of the organisations that entrusted it in writing.
    """

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="review_body",
    )
    rule_set = models.CharField(
        _("rule set"), max_length=32, choices=RuleSetName.choices, default=RuleSetName.NATIONAL
    )
    established_on = models.DateField(_("established on"))
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    annual_reports = models.JSONField(
        _("annual reports"),
        default=list,
        blank=True,
        help_text=_('Filed annual reports: [{"year": 2025, "filed_on": "2026-03-20"}].'),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review body")
        verbose_name_plural = _("review bodies")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def is_review_centre(self) -> bool:
        return self.organisation.kind == "review_centre"


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Member")
    CONSULTANT = "consultant", _("Consultant (advises, does not vote)")


class Discipline(models.TextChoices):
    AI_TECHNOLOGY = "ai_technology", _("AI technology")
    DOMAIN = "domain", _("Domain of the activities reviewed")
    ETHICS = "ethics", _("Ethics")
    LAW = "law", _("Law")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Member(models.Model):
    """A person on a review body's roster, with the facts the rules look at."""

    body = models.ForeignKey(
        ReviewBody, verbose_name=_("review body"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_memberships",
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role"), max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    disciplines = models.JSONField(_("disciplines"), default=list)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    external = models.BooleanField(_("external to the organisation"), default=False)
    affiliation = models.CharField(_("affiliation"), max_length=200)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    pledges = models.JSONField(
        _("pledges signed"),
        default=list,
        blank=True,
        help_text=_("confidentiality, conflict_of_interest"),
    )
    interests = models.JSONField(
        _("declared interests"),
        default=list,
        blank=True,
        help_text=_('[{"party": "…", "description": "…"}]'),
    )
    training = models.JSONField(
        _("ethics training"),
        default=list,
        blank=True,
        help_text=_('[{"course": "…", "completed_on": "2026-01-15"}]'),
    )
    active = models.BooleanField(_("on the roster"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["body", "role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "user"],
                condition=models.Q(user__isnull=False),
                name="unique_member_user_per_body",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_role_display()}"

    @property
    def ref(self) -> str:
        """The person's id in the library's checks (stable across meetings and panels)."""
        return f"user:{self.user_id}" if self.user_id else f"member:{self.pk}"


class Entrustment(models.Model):
    """A written entrustment of an organisation's reviews to a review centre."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("entrusting organisation"),
        on_delete=models.PROTECT,
        related_name="entrustments",
    )
    centre = models.ForeignKey(
        ReviewBody,
        verbose_name=_("review centre"),
        on_delete=models.PROTECT,
        related_name="entrustments",
    )
    agreement_reference = models.CharField(_("agreement reference"), max_length=100)
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    document_name = models.CharField(_("document"), max_length=200, blank=True)
    document_sha256 = models.CharField(_("document SHA-256"), max_length=64, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("entrustment")
        verbose_name_plural = _("entrustments")
        ordering = ["-signed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.centre}"


class Procedure(models.TextChoices):
    GENERAL = "general", _("General procedure")
    SIMPLIFIED = "simplified", _("Simplified procedure")
    EMERGENCY = "emergency", _("Emergency procedure")


class SimplifiedGround(models.TextChoices):
    MINIMAL_RISK = "minimal_risk", _("Minimal risk")
    MINOR_CHANGE = "minor_change", _("Minor change to an approved activity")
    ROUTINE_FOLLOW_UP = "routine_follow_up", _("Routine follow-up review")


class DecisionType(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_AFTER_MODIFICATION = "approve_after_modification", _("Approve after modification")
    RE_REVIEW_AFTER_MODIFICATION = (
        "re_review_after_modification",
        _("Re-review after modification"),
    )
    NOT_APPROVE = "not_approve", _("Do not approve")


class VoteChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_AFTER_MODIFICATION = "approve_after_modification", _("Approve after modification")
    RE_REVIEW_AFTER_MODIFICATION = (
        "re_review_after_modification",
        _("Re-review after modification"),
    )
    NOT_APPROVE = "not_approve", _("Do not approve")
    ABSTAIN = "abstain", _("Abstain")


class Application(models.Model):
    """An application for ethics review of an activity involving one AI system.

    Lifecycle (``status``)::

        draft → submitted ⇄ incomplete (one notice) → under_review
              → [expert_review] → decided → (follow-up / risk change → new application)
        decided (approved) → suspended ⇄ decided, or → terminated;  draft → withdrawn
    """

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial review")
        FOLLOW_UP = "follow_up", _("Follow-up review")
        RISK_CHANGE = "risk_change", _("Review of a reported risk change")
        RESUBMISSION = "resubmission", _("Re-review after modification")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        INCOMPLETE = "incomplete", _("Incomplete: materials requested")
        UNDER_REVIEW = "under_review", _("Under review")
        EXPERT_REVIEW = "expert_review", _("Expert re-review")
        DECIDED = "decided", _("Decided")
        SUSPENDED = "suspended", _("Suspended")
        TERMINATED = "terminated", _("Terminated")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.BigAutoField(primary_key=True)
    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    system = models.ForeignKey(
        AISystem,
        verbose_name=_("AI system"),
        on_delete=models.PROTECT,
        related_name="review_applications",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("applicant organisation"),
        on_delete=models.PROTECT,
        related_name="review_applications",
    )
    body = models.ForeignKey(
        ReviewBody,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    entrustment = models.ForeignKey(
        Entrustment,
        verbose_name=_("under entrustment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INITIAL)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("earlier application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="later",
    )
    title = models.CharField(_("title of the activity"), max_length=300)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    team = models.JSONField(_("team"), default=list, blank=True)
    parties = models.JSONField(
        _("other parties"),
        default=list,
        blank=True,
        help_text=_("Funders, partners, sponsors: names matched against declared interests."),
    )
    self_assessment = models.JSONField(
        _("risk self-assessment"),
        default=dict,
        blank=True,
        help_text=_("Pre-filled from the system's intake; completed by the applicant."),
    )
    tier = models.CharField(_("tier at submission"), max_length=8, blank=True)
    list_version = models.CharField(
        _("high-risk activity list version"),
        max_length=32,
        blank=True,
        editable=False,
        help_text=_("The list version the tier was computed against."),
    )
    listed_activity = models.BooleanField(_("listed for expert re-review"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    notice = models.JSONField(
        _("notice of missing materials"),
        null=True,
        blank=True,
        help_text=_("The one notice listing everything missing."),
    )
    notice_sent_at = models.DateTimeField(_("notice sent at"), null=True, blank=True)
    procedure = models.CharField(
        _("procedure"), max_length=16, choices=Procedure.choices, blank=True
    )
    procedure_ground = models.CharField(
        _("ground for the simplified procedure"),
        max_length=32,
        choices=SimplifiedGround.choices,
        blank=True,
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_at = models.DateTimeField(_("decision due"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=32, choices=DecisionType.choices, blank=True
    )
    decision_basis = models.CharField(
        _("decided by"), max_length=16, blank=True, help_text=_("meeting, simplified, expert")
    )
    required_changes = models.JSONField(_("required changes"), default=list, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    follow_up_due = models.DateField(_("follow-up review due"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"), default=0, help_text=_("Incremented by every change (optimistic locking).")
    )
    # The notifications about this application (core.Notification, a generic target):
    # deleted with it. Not for joins: target_id is text, the key an integer.
    notifications = GenericRelation(
        "core.Notification", content_type_field="target_type", object_id_field="target_id"
    )

    class Meta:
        verbose_name = _("review application")
        verbose_name_plural = _("review applications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["body", "status"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in {
            self.Status.SUBMITTED,
            self.Status.INCOMPLETE,
            self.Status.UNDER_REVIEW,
            self.Status.EXPERT_REVIEW,
        }

    @property
    def is_approved(self) -> bool:
        return self.decision in {
            DecisionType.APPROVE,
            DecisionType.APPROVE_AFTER_MODIFICATION,
        }


class Attachment(models.Model):
    """A typed attachment: a bundle item of the rule set, ``evidence`` or ``other``."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=48)
    name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    data = models.BinaryField(_("content"), null=True, editable=False)
    waived_reason = models.CharField(_("reason it does not apply"), max_length=1000, blank=True)
    evidence = models.ForeignKey(
        "assessments.Evidence",
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_attachments",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name or self.waived_reason}"


class Extension(models.Model):
    """An extension of the decision deadline, with its reason."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    hours = models.PositiveIntegerField(_("length in hours"))
    reason = models.TextField(_("reason"), max_length=2000)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["granted_at", "pk"]

    def __str__(self) -> str:
        return f"+{self.hours} h · {self.application}"


class ItemFinding(models.Model):
    """A reviewer's finding on one requirement item of the catalogue."""

    class Outcome(models.TextChoices):
        MET = "met", _("Met")
        PARTLY_MET = "partly_met", _("Partly met")
        NOT_MET = "not_met", _("Not met")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="item_findings",
    )
    item = models.CharField(_("requirement item"), max_length=32)
    outcome = models.CharField(_("finding"), max_length=16, choices=Outcome.choices)
    note = models.TextField(_("note"), max_length=5000, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("item finding")
        verbose_name_plural = _("item findings")
        ordering = ["application", "item"]
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="unique_item_finding")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.outcome}"


class Comment(models.Model):
    """A comment or question in the review workspace; ``question`` ones go to the applicant."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Internal note")
        QUESTION = "question", _("Question to the applicant")
        REPLY = "reply", _("Reply")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    body = models.TextField(_("text"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.application}"


class Declaration(models.Model):
    """A member's conflict-of-interest declaration on one application.

    ``recused`` is set when the member declares a conflict or the rules detect
    one (same organisation, a declared interest in a party, on the team); a
    recused member takes no part in discussion or vote of this application.
    """

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="declarations",
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="declarations"
    )
    has_conflict = models.BooleanField(_("declares a conflict"))
    statement = models.TextField(_("statement"), max_length=2000, blank=True)
    detected_grounds = models.JSONField(_("detected grounds"), default=list, blank=True)
    recused = models.BooleanField(_("recused"), default=False)
    declared_at = models.DateTimeField(_("declared at"), auto_now=True)
    submitted_at = models.DateTimeField(
        _("declared by the member at"),
        null=True,
        blank=True,
        help_text=_(
            "Empty while the member has not declared (a row may hold only conflicts the rules "
            "detected); a member declares before giving findings or voting."
        ),
    )

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["application", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["application", "member"], name="unique_declaration")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.application}"


class Meeting(models.Model):
    """A meeting of a review body; its agenda items are applications."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("In session")
        CLOSED = "closed", _("Closed")

    body = models.ForeignKey(
        ReviewBody, verbose_name=_("review body"), on_delete=models.PROTECT, related_name="meetings"
    )
    scheduled_for = models.DateTimeField(_("scheduled for"))
    location = models.CharField(_("place or video link"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    consultants = models.JSONField(
        _("invited consultants"),
        default=list,
        blank=True,
        help_text=_("Names of consultants from outside the roster; they never vote."),
    )
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("convened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-scheduled_for", "-pk"]

    def __str__(self) -> str:
        return f"{self.body} · {format_datetime(self.scheduled_for)}"


class MeetingReschedule(models.Model):
    """A change of a meeting's scheduled time, with its reason (the meeting's history)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="reschedules"
    )
    previous_for = models.DateTimeField(_("previously scheduled for"))
    scheduled_for = models.DateTimeField(_("rescheduled for"))
    reason = models.TextField(_("reason"), max_length=2000)
    rescheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rescheduled by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rescheduled_at = models.DateTimeField(_("rescheduled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting rescheduling")
        verbose_name_plural = _("meeting reschedulings")
        ordering = ["meeting", "rescheduled_at", "pk"]

    def __str__(self) -> str:
        return f"{self.meeting} → {self.scheduled_for:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    """Who of the roster is present at a meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("present"), default=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="unique_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.meeting}"


class AgendaItem(models.Model):
    """One application on a meeting's agenda, and the outcome of its vote."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    voting_open = models.BooleanField(_("voting open"), default=False)
    tally = models.JSONField(_("tally"), null=True, blank=True)
    closed_at = models.DateTimeField(_("vote closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application"], name="unique_agenda_item")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.application}"


class Vote(models.Model):
    """One member's vote on one agenda item."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="votes"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="votes"
    )
    choice = models.CharField(_("vote"), max_length=32, choices=VoteChoice.choices)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    cast_at = models.DateTimeField(_("cast at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="unique_vote")]

    def __str__(self) -> str:
        return f"{self.member} · {self.choice}"


class SimplifiedOpinion(models.Model):
    """A member named by the chair under the simplified procedure, and their opinion."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="simplified_opinions",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="simplified_opinions",
    )
    view = models.CharField(_("view"), max_length=32, choices=DecisionType.choices, blank=True)
    doubt = models.BooleanField(_("has a doubt"), default=False)
    requests_meeting = models.BooleanField(_("requests a meeting"), default=False)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    named_at = models.DateTimeField(_("named at"), auto_now_add=True)
    given_at = models.DateTimeField(_("given at"), null=True, blank=True)

    class Meta:
        verbose_name = _("simplified-procedure opinion")
        verbose_name_plural = _("simplified-procedure opinions")
        constraints = [
            models.UniqueConstraint(fields=["application", "member"], name="unique_opinion")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.view or '…'}"


class Appeal(models.Model):
    """A written appeal against a decision (申诉)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld: the application is reviewed again")
        DISMISSED = "dismissed", _("Dismissed")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="appeals"
    )
    grounds = models.TextField(_("grounds"), max_length=10000)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    response = models.TextField(_("response"), max_length=10000, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.application} · {self.outcome}"


class FollowUp(models.Model):
    """A scheduled follow-up review of an approved activity, or a reported risk change."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled follow-up review")
        RISK_CHANGE = "risk_change", _("Risk change reported by the applicant")

    application = models.ForeignKey(
        Application,
        verbose_name=_("approved application"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    report = models.TextField(_("report"), max_length=10000, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    review = models.OneToOneField(
        Application,
        verbose_name=_("review opened"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opened_by_follow_up",
    )
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.application} · {self.kind} · {self.due_on}"


class ExpertReview(models.Model):
    """Expert re-review of a listed activity by the competent authority.

    The committee's preliminary opinion goes to ``authority``; the authority
    forms a panel; the panel's opinion (agree / disagree by the rule's share of
    the whole panel) binds the committee's final decision.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PANEL_FORMED = "panel_formed", _("Panel formed")
        CONCLUDED = "concluded", _("Concluded")

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="expert_review",
    )
    authority = models.ForeignKey(
        Organisation,
        verbose_name=_("competent authority"),
        on_delete=models.PROTECT,
        related_name="expert_reviews",
    )
    preliminary_decision = models.CharField(
        _("preliminary opinion"), max_length=32, choices=DecisionType.choices
    )
    preliminary_text = models.TextField(_("preliminary opinion, reasons"), max_length=10000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    due_at = models.DateTimeField(_("opinion due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    opinion = models.CharField(
        _("panel opinion"),
        max_length=16,
        choices=[("agree", _("Agree")), ("disagree", _("Disagree"))],
        blank=True,
    )
    outcome = models.JSONField(_("panel outcome"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    list_update_proposal = models.TextField(
        _("proposal to update the high-risk list"), max_length=5000, blank=True
    )

    class Meta:
        verbose_name = _("expert re-review")
        verbose_name_plural = _("expert re-reviews")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.application} · {self.status}"


class PanelExpert(models.Model):
    """An expert on a re-review panel, with their declared interests and view."""

    review = models.ForeignKey(
        ExpertReview,
        verbose_name=_("expert re-review"),
        on_delete=models.CASCADE,
        related_name="panel",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_panels",
    )
    name = models.CharField(_("name"), max_length=200)
    disciplines = models.JSONField(_("disciplines"), default=list)
    affiliation = models.CharField(_("affiliation"), max_length=200)
    interests_declared = models.BooleanField(_("interests declared"), default=False)
    interests = models.JSONField(_("declared interests"), default=list, blank=True)
    view = models.CharField(
        _("view"),
        max_length=16,
        choices=[("agree", _("Agree")), ("disagree", _("Disagree"))],
        blank=True,
    )
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    voted_at = models.DateTimeField(_("voted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("panel expert")
        verbose_name_plural = _("panel experts")
        ordering = ["review", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "user"],
                condition=models.Q(user__isnull=False),
                name="unique_panel_expert_user",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ref(self) -> str:
        return f"user:{self.user_id}" if self.user_id else f"expert:{self.pk}"


class ReviewEvent(models.Model):
    """The timeline of an application: every action, with its ledger index."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=48)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField(_("particulars"), default=dict, blank=True)
    ledger_index = models.BigIntegerField(_("ledger index"), null=True, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} · {self.kind}"


class DecisionLetterJob(BackgroundJob):
    """A decision letter rendered in the background, with progress and cancellation."""

    task = "tianping.web.reviews.tasks.render_decision_letter"

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="letter_jobs",
    )
    language = models.CharField(_("language"), max_length=8)
    pdf = models.BinaryField(_("PDF"), null=True, editable=False)

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.application} · {self.language} · {self.status}"
