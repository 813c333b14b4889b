"""Readable, translated names of the codes ethics review stores (timeline events, states)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tianping.web.reviews.models import (
    Appeal,
    Application,
    DecisionType,
    Discipline,
    MemberRole,
    Procedure,
    SimplifiedGround,
    VoteChoice,
)
from tianping.web.systems.models import Tier

EVENTS = {
    "created": _("Application drafted"),
    "updated": _("Application changed"),
    "self_assessment_updated": _("Risk self-assessment completed"),
    "attachment_added": _("Attachment added"),
    "attachment_removed": _("Attachment removed"),
    "attachment_waived": _("Attachment marked not applicable"),
    "evidence_attached": _("Assessment evidence attached"),
    "notice_sent": _("Notice of missing materials sent"),
    "materials_requested": _("Materials requested by the chair"),
    "submitted": _("Submitted"),
    "withdrawn": _("Withdrawn"),
    "accepted": _("Accepted; procedure named"),
    "deadline_extended": _("Deadline extended"),
    "finding_set": _("Finding on a requirement item"),
    "note_added": _("Internal note added"),
    "question_added": _("Question to the applicant"),
    "reply_added": _("Reply from the applicant"),
    "declaration_submitted": _("Conflict-of-interest declaration"),
    "agenda_added": _("Put on a meeting's agenda"),
    "attendance_set": _("Attendance recorded"),
    "meeting_rescheduled": _("Meeting rescheduled"),
    "voting_opened": _("Vote opened"),
    "vote_cast": _("Vote cast"),
    "vote_closed_no_decision": _("Vote closed without a decision"),
    "meeting_closed": _("Meeting closed"),
    "reviewers_named": _("Reviewers named (simplified procedure)"),
    "opinion_given": _("Opinion given (simplified procedure)"),
    "simplified_concurred": _("Reviewers concur (simplified procedure)"),
    "escalated_to_meeting": _("Moved to a meeting"),
    "decided": _("Decision recorded"),
    "expert_review_requested": _("Sent to expert re-review"),
    "expert_added": _("Expert added to the panel"),
    "expert_removed": _("Expert removed from the panel"),
    "expert_interests_declared": _("Expert declared interests"),
    "expert_panel_formed": _("Expert panel formed"),
    "expert_voted": _("Expert gave a view"),
    "expert_review_concluded": _("Expert re-review concluded"),
    "list_update_proposed": _("Proposal to update the high-risk list"),
    "appeal_filed": _("Appeal filed"),
    "appeal_decided": _("Appeal decided"),
    "follow_up_reminded": _("Follow-up reminder sent"),
    "follow_up_reported": _("Follow-up report submitted"),
    "risk_change_reported": _("Risk change reported"),
    "resubmission_created": _("Resubmission drafted"),
    "activity_suspended": _("Activity suspended"),
    "activity_resumed": _("Activity resumed"),
    "activity_terminated": _("Activity terminated"),
    "letter_requested": _("Decision letter requested"),
    "letter_generated": _("Decision letter generated"),
    "records_purged": _("Contents purged after the retention period"),
}


def event_label(kind: str) -> str:
    """The translated name of a timeline event; the code itself when unknown."""
    label = EVENTS.get(kind)
    return str(label) if label is not None else kind


OTHER_CODES: dict[str, Promise] = {
    "none": _("Not yet"),
    "agree": _("Agree"),
    "disagree": _("Disagree"),
    # Categories a quorum may miss besides the disciplines (tianping.review's quorum rules).
    "external": _("a member from outside the organisation"),
    "both_genders": _("members of both genders"),
}


CHOICES: tuple[type[TextChoices], ...] = (
    Application.Status,
    Application.Kind,
    DecisionType,
    VoteChoice,
    Procedure,
    SimplifiedGround,
    Discipline,
    MemberRole,
    Appeal.Outcome,
    Tier,
)
"""The enumerations of ethics review a page may name, first match wins."""


def code_label(value: str | None) -> str:
    """The translated name of a status, decision, procedure, opinion, discipline or tier code;
    else the code (no code at all, ``None``: "Not yet")."""
    if value is None:
        value = "none"
    if value in OTHER_CODES:
        return str(OTHER_CODES[value])
    for choices in CHOICES:
        if value in choices.values:
            return str(choices(value).label)
    return value


def code_labels(values: Iterable[str]) -> str:
    """Several codes (a member's disciplines …), named and joined by commas."""
    return ", ".join(code_label(value) for value in values)


NOTIFICATION_CODES = ("kind", "outcome", "opinion", "procedure", "decision", "view")
"""Notification parameters that hold one of the codes above."""
