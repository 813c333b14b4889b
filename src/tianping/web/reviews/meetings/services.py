"""Meetings under the general (and emergency) procedure: agenda, attendance, quorum, votes.

Rules applied (see ``docs/review-meetings.md``):

* ``quorum.min_present`` and ``quorum.categories`` (Measures 2023 Art. 14): at
  least five members counted, covering every category of member; consultants
  (``quorum.consultants_excluded``) and recused members are not counted;
* ``conflict.recusal_grounds`` (Measures 2023): a recused member does not vote;
* ``decision.threshold`` (Measures 2023 Art. 16): a decision needs at least two
  thirds of the voting members present (exactly 2/3 passes);
* ``decision.reasons_required``: an approval after modification states the
  changes, a refusal its reasons — checked by ``decision_record``;
* a member declares on an application (no conflict, or an interest, which
  recuses) before giving findings or voting; a vote opens only once every
  member present has declared;
* a meeting is held (attendance, votes, closing) from its scheduled time on;
  holding it earlier means rescheduling it first (recorded, members notified)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping import review as lib
from tianping.web.core.timezones import format_in_zone_of, local, zone_of
from tianping.web.operations.services import ledger_record_action
from tianping.web.reviews import library, timeline
from tianping.web.reviews.applications import services as applications_services
from tianping.web.reviews.applications.selectors import is_applicant
from tianping.web.reviews.bodies.selectors import can_chair, roster_member
from tianping.web.reviews.meetings.selectors import (
    WORKSPACE_STATUSES,
    _catalogue_items,
    _held_on,
    _pending_item,
    _texts_for,
    appealable,
    detected_grounds,
    has_declared,
    is_recused,
    library_meeting,
    meeting_started,
    outcome,
    quorum,
    reviewer_seat,
    sees_internal,
    undeclared_present,
)
from tianping.web.reviews.models import (
    AgendaItem,
    Appeal,
    Application,
    Attendance,
    Comment,
    DecisionType,
    Declaration,
    ItemFinding,
    Meeting,
    MeetingReschedule,
    Member,
    Procedure,
    ReviewBody,
    SimplifiedOpinion,
    Vote,
    VoteChoice,
)
from tianping.web.reviews.notifications import selectors as notifications_selectors
from tianping.web.reviews.notifications import services as notifications_services

MEETING_PROCEDURES = (Procedure.GENERAL, Procedure.EMERGENCY)


MINUTES_LIMIT = 20000


def _chair(actor: User, body: ReviewBody) -> None:
    if not can_chair(actor, body):
        raise PermissionDenied(_("Only the chair may do this."))


def _open_meeting(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CLOSED:
        raise ValidationError(_("This meeting is closed."))


def _when(meeting: Meeting, moment: datetime) -> str:
    """``moment`` as the meeting's members read it (the zone of the body's organisation)."""
    return format_in_zone_of(moment, meeting.body.organisation)


def _started(meeting: Meeting) -> None:
    """Refuse to hold ``meeting`` before its scheduled time: it is rescheduled first."""
    if not meeting_started(meeting, timeline.now()):
        raise ValidationError(
            _(
                "This meeting is scheduled for {time} and cannot be held before then. "
                "To hold it earlier, reschedule it first."
            ).format(time=_when(meeting, meeting.scheduled_for))
        )


def _declared(member: Member, application: Application, message: str) -> None:
    """Refuse with ``message`` a member who has not declared on ``application``."""
    if not has_declared(member, application):
        raise ValidationError(message.format(reference=application.reference))


def strings(value: Any, field: str) -> list[str]:
    """Required changes or reasons: a list (or newline-separated text) of short texts."""
    return library.clean_strings(
        list(value) if isinstance(value, list | tuple) else value, field, limit=1000
    )


def _meeting_url(meeting: Meeting) -> str:
    return f"/reviews/meetings/{meeting.pk}/"


def meeting_create(
    *,
    actor: User,
    body: ReviewBody,
    scheduled_for: Any,
    location: Any = "",
    consultants: Any = (),
) -> Meeting:
    """Convene a meeting of ``body`` (the chair)."""
    _chair(actor, body)
    if not isinstance(scheduled_for, datetime):
        raise ValidationError({"scheduled_for": [_("Give a date and time.")]})
    if not 2000 <= scheduled_for.year <= 2999:
        raise ValidationError({"scheduled_for": [_("Give a date between 2000 and 2999.")]})
    if timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    place = library.clean_text(location, "location", required=False, limit=300)
    names = library.clean_strings(list(consultants or []), "consultants", limit=200)
    if len(set(names)) != len(names):
        raise ValidationError({"consultants": [_("A consultant is named twice.")]})
    return Meeting.objects.create(
        body=body,
        scheduled_for=scheduled_for,
        location=place,
        consultants=names,
        created_by=actor,
    )


REASON_LIMIT = 2000


def meeting_reschedule(
    *, actor: User, meeting: Meeting, scheduled_for: Any, reason: Any
) -> MeetingReschedule:
    """Move a meeting not yet held to another time (the chair), for a stated reason.

    The change is kept in the meeting's history and the platform ledger, on the
    timeline of each application on its agenda, and the body's members are
    notified. It may move the meeting to now (to hold it earlier), not into the past.
    """
    _chair(actor, meeting.body)
    if not isinstance(scheduled_for, datetime):
        raise ValidationError({"scheduled_for": [_("Give a date and time.")]})
    if not 2000 <= scheduled_for.year <= 2999:
        raise ValidationError({"scheduled_for": [_("Give a date between 2000 and 2999.")]})
    if timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    why = library.clean_text(reason, "reason", limit=REASON_LIMIT)
    if scheduled_for < timeline.now().replace(second=0, microsecond=0):
        raise ValidationError(
            {"scheduled_for": [_("A meeting cannot be moved into the past; give now or later.")]}
        )
    with transaction.atomic():
        locked = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("body__organisation")
            .get(pk=meeting.pk)
        )
        if locked.status != Meeting.Status.SCHEDULED:
            raise ValidationError(_("Only a meeting not yet held can be rescheduled."))
        previous = locked.scheduled_for
        if scheduled_for == previous:
            raise ValidationError({"scheduled_for": [_("The meeting is already at this time.")]})
        locked.scheduled_for = scheduled_for
        locked.save(update_fields=["scheduled_for"])
        change = MeetingReschedule.objects.create(
            meeting=locked,
            previous_for=previous,
            scheduled_for=scheduled_for,
            reason=why,
            rescheduled_by=actor,
        )
        moved = {
            "meeting": locked.pk,
            "from": previous.isoformat(),
            "to": scheduled_for.isoformat(),
        }
        ledger_record_action(
            actor=actor,
            kind="review.meeting_rescheduled",
            subject=locked,
            payload={**moved, "body": locked.body_id, "reschedule": change.pk},
        )
        for item in locked.items.select_related("application"):
            app = timeline.locked(item.application_id)
            timeline.record(
                app, actor=actor, kind="meeting_rescheduled", payload={**moved, "item": item.pk}
            )
        notifications_services.notify(
            notifications_selectors.members_of(locked.body),
            message=gettext_noop(
                "The meeting of {previous} is rescheduled to {date}. Reason: {reason}"
            ),
            params={
                "previous": _when(locked, previous),
                "date": _when(locked, scheduled_for),
                "reason": why,
            },
            url=_meeting_url(locked),
        )
    meeting.scheduled_for = scheduled_for
    return change


def agenda_add(*, actor: User, meeting: Meeting, application: Application) -> AgendaItem:
    """Put an application under review (general or emergency procedure) on the agenda."""
    _chair(actor, meeting.body)
    if application.body_id != meeting.body_id:
        raise ValidationError({"application": [_("This application is before another body.")]})
    _open_meeting(meeting)
    with transaction.atomic():
        app = timeline.locked(application.pk)
        if app.status != Application.Status.UNDER_REVIEW:
            raise ValidationError({"application": [_("This application is not under review.")]})
        if app.procedure not in MEETING_PROCEDURES:
            raise ValidationError(
                {"application": [_("This application is reviewed by the simplified procedure.")]}
            )
        pending = _pending_item(app)
        if pending is not None:
            raise ValidationError(
                {"application": [_("This application is already on the agenda of a meeting.")]}
            )
        position = (meeting.items.aggregate(top=Max("position"))["top"] or 0) + 1
        try:
            with transaction.atomic():
                item = AgendaItem.objects.create(
                    meeting=meeting, application=app, position=position
                )
        except IntegrityError as exc:
            raise ValidationError(
                {"application": [_("This application is already on this meeting's agenda.")]}
            ) from exc
        timeline.record(
            app,
            actor=actor,
            kind="agenda_added",
            payload={"meeting": meeting.pk, "item": item.pk},
        )
        notifications_services.notify(
            notifications_selectors.members_of(meeting.body),
            application=app,
            message=gettext_noop("{reference} is on the agenda of the meeting of {date}."),
            params={
                "reference": app.reference,
                "date": format_in_zone_of(meeting.scheduled_for, meeting.body.organisation),
            },
            url=_meeting_url(meeting),
        )
    return item


def attendance_set(*, actor: User, meeting: Meeting, present_member_ids: Any) -> list[Attendance]:
    """Record who of the roster is present (everyone else on the roster: absent)."""
    _chair(actor, meeting.body)
    _open_meeting(meeting)
    if not isinstance(present_member_ids, list | tuple | set) or any(
        not isinstance(i, int) or isinstance(i, bool) for i in present_member_ids
    ):
        raise ValidationError({"present_member_ids": [_("Give a list of member ids.")]})
    ids = set(present_member_ids)
    roster = {m.pk: m for m in meeting.body.members.filter(active=True)}
    unknown = sorted(ids - set(roster))
    if unknown:
        raise ValidationError(
            {
                "present_member_ids": [
                    _("Not on this body's roster: {ids}.").format(
                        ids=", ".join(str(i) for i in unknown)
                    )
                ]
            }
        )
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _open_meeting(locked)
        _started(locked)
        if locked.items.filter(voting_open=True).exists():
            raise ValidationError(_("A vote is open: close it before changing the attendance."))
        rows = []
        try:
            with transaction.atomic():
                for member in roster.values():
                    row, _created = Attendance.objects.update_or_create(
                        meeting=locked, member=member, defaults={"present": member.pk in ids}
                    )
                    rows.append(row)
        except IntegrityError as exc:
            raise ValidationError(
                _("The attendance was changed meanwhile; reload the page and try again.")
            ) from exc
        if locked.status == Meeting.Status.SCHEDULED:
            locked.status = Meeting.Status.OPEN
            locked.save(update_fields=["status"])
        for item in locked.items.filter(closed_at__isnull=True).select_related("application"):
            app = timeline.locked(item.application_id)
            timeline.record(
                app,
                actor=actor,
                kind="attendance_set",
                payload={"meeting": locked.pk, "present": len(ids)},
            )
    meeting.status = locked.status
    return rows


def _locked_item(item: AgendaItem) -> AgendaItem:
    return (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting__body__organisation")
        .get(pk=item.pk)
    )


def voting_open(*, actor: User, item: AgendaItem) -> AgendaItem:
    """Open the vote on an agenda item; refused, listing every shortfall, without a quorum
    or while a member present has not declared their interests on the application."""
    meeting = item.meeting
    _chair(actor, meeting.body)
    _open_meeting(meeting)
    with transaction.atomic():
        app = timeline.locked(item.application_id)
        current = _locked_item(item)
        if current.closed_at is not None:
            raise ValidationError(_("The vote on this item is closed."))
        if current.voting_open:
            raise ValidationError(_("The vote on this item is already open."))
        if app.status != Application.Status.UNDER_REVIEW:
            raise ValidationError(_("This application is not awaiting a decision."))
        _started(current.meeting)
        # quorum.min_present + quorum.categories, Measures 2023 Art. 14.
        result = quorum(current.meeting, app)
        problems: dict[str, list[str]] = {}
        if not result.met:
            problems.update(library.findings_error(result, "quorum").message_dict)
        # conflict.recusal_grounds: every member present declares before the vote.
        undeclared = undeclared_present(current.meeting, app)
        if undeclared:
            problems["declarations"] = [
                _(
                    "Not every member present has declared their interests on {reference}: "
                    "{names}. Each declares (no conflict, or an interest, which recuses) "
                    "before the vote opens."
                ).format(reference=app.reference, names=", ".join(m.name for m in undeclared))
            ]
        if problems:
            raise ValidationError(problems)
        current.voting_open = True
        current.save(update_fields=["voting_open"])
        if current.meeting.status == Meeting.Status.SCHEDULED:
            Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.OPEN)
        timeline.record(
            app,
            actor=actor,
            kind="voting_opened",
            payload={"meeting": meeting.pk, "item": current.pk, "counted": len(result.counted)},
        )
    return current


def vote_cast(*, actor: User, item: AgendaItem, choice: Any, comment: Any = "") -> Vote:
    """Cast the actor's one vote on an open item."""
    meeting = item.meeting
    member = roster_member(actor, meeting.body)
    if member is None:
        raise PermissionDenied(_("Only members of the review body vote."))
    if member.role == "consultant":
        # quorum.consultants_excluded, Measures 2023 Art. 14: consultants do not vote.
        raise PermissionDenied(_("Consultants advise; they do not vote."))
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": [_("Choose a vote.")]})
    text = library.clean_text(comment, "comment", required=False, limit=2000)
    with transaction.atomic():
        app = timeline.locked(item.application_id)
        current = _locked_item(item)
        if app.status != Application.Status.UNDER_REVIEW:
            raise ValidationError(_("This application is already decided."))
        if not current.voting_open or current.closed_at is not None:
            raise ValidationError(_("Voting on this item is not open."))
        lib_meeting = library_meeting(current.meeting, app)
        if member.ref not in lib_meeting.present:
            raise ValidationError(_("You are not recorded as present at this meeting."))
        if member.ref in lib_meeting.recused:
            # conflict.recusal_grounds, Measures 2023: a recused member does not vote.
            raise PermissionDenied(
                _("You are recused from this application because of a conflict of interest.")
            )
        _declared(member, app, _("Declare your interests on {reference} before voting."))
        held_on = _held_on(current.meeting)
        if not (member.term_start <= held_on <= member.term_end):
            raise ValidationError(_("Your term does not cover the day of this meeting."))
        if Vote.objects.filter(item=current, member=member).exists():
            raise ValidationError(_("You have already voted on this item."))
        try:
            with transaction.atomic():
                vote = Vote.objects.create(item=current, member=member, choice=choice, comment=text)
        except IntegrityError as exc:
            raise ValidationError(_("You have already voted on this item.")) from exc
        timeline.record(
            app,
            actor=actor,
            kind="vote_cast",
            payload={"meeting": meeting.pk, "item": current.pk, "member": member.pk},
        )
    return vote


def voting_close(
    *,
    actor: User,
    item: AgendaItem,
    required_changes: Iterable[str] = (),
    reasons: Iterable[str] = (),
    expected_version: int | None = None,
) -> AgendaItem:
    """Close the vote and count it (rule ``decision.threshold``, Measures 2023 Art. 16).

    A decision reached goes through ``decision_record`` (a listed activity's
    approval goes to expert re-review). No decision: the item closes and the
    application stays under review, free for another meeting's agenda.
    """
    meeting = item.meeting
    _chair(actor, meeting.body)
    changes = strings(required_changes, "required_changes")
    why = strings(reasons, "reasons")
    with transaction.atomic():
        app = timeline.locked(item.application_id, expected_version=expected_version)
        current = _locked_item(item)
        if not current.voting_open or current.closed_at is not None:
            raise ValidationError(_("Voting on this item is not open."))
        votes = list(current.votes.select_related("member"))
        lib_meeting = library_meeting(current.meeting, app)
        rules = library.rules_for(meeting.body)
        # decision.threshold, Measures 2023 Art. 16: at least 2/3 of the voting members present
        # (exact fractions: exactly 2/3 passes); no quorum (Art. 14), no decision.
        try:
            result = lib.tally(
                [lib.Vote(v.member.ref, v.choice) for v in votes],  # type: ignore[arg-type]
                present=lib_meeting,
                rules=rules,
            )
        except lib.ReviewInputError as exc:
            raise library.input_error(exc, "votes") from exc
        tally_json = result.to_json()
        details = {
            "meeting": meeting.pk,
            "item": current.pk,
            "counts": dict(result.counts),
            "voting": result.voting,
        }
        current.voting_open = False
        current.closed_at = timeline.now()
        current.tally = tally_json
        current.save(update_fields=["voting_open", "closed_at", "tally"])
        if result.decision is not None:
            applications_services.decision_record(
                app,
                actor=actor,
                decision=result.decision,
                basis="meeting",
                required_changes=changes,
                reasons=why,
                details=details,
            )
        else:
            timeline.record(app, actor=actor, kind="vote_closed_no_decision", payload=details)
            notifications_services.notify(
                notifications_selectors.chairs_of(meeting.body),
                application=app,
                message=gettext_noop(
                    "No decision on {reference}: put it on another meeting's agenda."
                ),
                params={"reference": app.reference},
                url=_meeting_url(meeting),
            )
    return current


def meeting_close(*, actor: User, meeting: Meeting, minutes: Any = "") -> Meeting:
    """Close a meeting (no vote may be open); items not voted on may go on another agenda."""
    _chair(actor, meeting.body)
    text = library.clean_text(minutes, "minutes", required=False, limit=MINUTES_LIMIT)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _open_meeting(locked)
        _started(locked)
        if locked.items.filter(voting_open=True).exists():
            raise ValidationError(_("A vote is still open: close it first."))
        locked.status = Meeting.Status.CLOSED
        if text:
            locked.minutes = text
        locked.save(update_fields=["status", "minutes"])
        for item in locked.items.select_related("application"):
            app = timeline.locked(item.application_id)
            timeline.record(
                app,
                actor=actor,
                kind="meeting_closed",
                payload={
                    "meeting": locked.pk,
                    "item": item.pk,
                    "voted": item.closed_at is not None,
                },
            )
    return locked


COMMENT_LIMIT = 5000


STATEMENT_LIMIT = 2000


def _require_open(application: Application) -> None:
    if application.status not in WORKSPACE_STATUSES:
        raise ValidationError(_("This application is not under review."))


def finding_set(
    *,
    actor: User,
    application: Application,
    item: Any,
    outcome: Any,
    note: Any = "",
) -> ItemFinding:
    """Record (or change) the finding on one applicable requirement item.

    A member gives findings once they have declared their interests on the
    application (and are not recused); a chair without a seat acts without one.
    """
    seat = reviewer_seat(actor, application)
    if seat is not None:
        _declared(
            seat, application, _("Declare your interests on {reference} before giving findings.")
        )
    _require_open(application)
    if not isinstance(item, str) or item not in {i.code for i in _catalogue_items(application)}:
        raise ValidationError(
            {"item": [_("This requirement item does not apply to this application.")]}
        )
    if outcome not in ItemFinding.Outcome.values:
        raise ValidationError({"outcome": [_("Choose a finding.")]})
    text = library.clean_text(note, "note", required=False, limit=COMMENT_LIMIT)
    with transaction.atomic():
        app = timeline.locked(application.pk)
        _require_open(app)
        finding, _created = ItemFinding.objects.update_or_create(
            application=app,
            item=item,
            defaults={"outcome": outcome, "note": text, "reviewer": actor},
        )
        timeline.record(
            app, actor=actor, kind="finding_set", payload={"item": item, "outcome": outcome}
        )
    return finding


def comment_add(
    *,
    actor: User,
    application: Application,
    kind: Any,
    body: Any,
    reply_to: Comment | None = None,
) -> Comment:
    """Add an internal note or a question (members, chair) or a reply (the applicant).

    Notes are never shown to the applicant; a question is, and the applicant is
    notified; the applicant may only reply to questions.
    """
    if kind not in Comment.Kind.values:
        raise ValidationError({"kind": [_("Choose a kind of comment.")]})
    reviewer = sees_internal(actor, application)
    if kind == Comment.Kind.REPLY:
        if not is_applicant(actor, application) and not reviewer:
            raise PermissionDenied(_("Only the applicant may reply to questions."))
        if reviewer and not is_applicant(actor, application):
            reviewer_seat(actor, application)
        if reply_to is None or reply_to.kind != Comment.Kind.QUESTION:
            raise ValidationError({"reply_to": [_("A reply answers a question.")]})
    else:
        if not reviewer:
            raise PermissionDenied(_("Only members of the review body add notes and questions."))
        reviewer_seat(actor, application)
    if reply_to is not None and reply_to.application_id != application.pk:
        raise ValidationError({"reply_to": [_("This comment is not on this application.")]})
    if reply_to is not None and kind == Comment.Kind.QUESTION and reply_to.kind == "note":
        raise ValidationError({"reply_to": [_("A question cannot answer an internal note.")]})
    text = library.clean_text(body, "body", limit=COMMENT_LIMIT)
    _require_open(application)
    with transaction.atomic():
        app = timeline.locked(application.pk)
        _require_open(app)
        comment = Comment.objects.create(
            application=app, kind=kind, body=text, author=actor, reply_to=reply_to
        )
        timeline.record(
            app,
            actor=actor,
            kind=f"{kind}_added",
            payload={"comment": comment.pk, "reply_to": reply_to.pk if reply_to else None},
        )
        url = notifications_selectors.application_url(app, "workspace/")
        if kind == Comment.Kind.QUESTION:
            notifications_services.notify(
                notifications_selectors.applicants_of(app),
                application=app,
                message=gettext_noop("The reviewers of {reference} ask a question."),
                params={"reference": app.reference},
                url=url,
            )
        elif kind == Comment.Kind.REPLY and reply_to is not None:
            notifications_services.notify(
                [reply_to.author],
                application=app,
                message=gettext_noop("The applicant replied to your question on {reference}."),
                params={"reference": app.reference},
                url=url,
            )
    return comment


def declaration_submit(
    *,
    actor: User,
    application: Application,
    has_conflict: Any,
    statement: Any = "",
    member: Member | None = None,
) -> Declaration:
    """A roster member declares whether they have a conflict of interest.

    The rules' detection runs again (rule ``conflict.recusal_grounds``); grounds
    detected earlier (at acceptance) are kept. Recused = declared or detected.
    A member who becomes recused while a vote is open on the application loses
    the vote cast there (a recused member takes no part in the vote).

    A member declares on their own seat; for a ``member`` without a user account
    the chair records the declaration they make (at the meeting, in writing).
    """
    own = roster_member(actor, application.body)
    on_behalf = False
    if member is not None and (own is None or member.pk != own.pk):
        on_behalf = True
        if not can_chair(actor, application.body):
            raise PermissionDenied(_("Only members of the review body declare interests."))
        if member.body_id != application.body_id or not member.active:
            raise ValidationError(
                {"member": [_("Member {id} is not on this body's roster.").format(id=member.pk)]}
            )
        if member.user_id is not None:
            raise PermissionDenied(
                _("A member with a user account declares their interests themselves.")
            )
    else:
        member = own
    if member is None:
        raise PermissionDenied(_("Only members of the review body declare interests."))
    if not isinstance(has_conflict, bool):
        raise ValidationError({"has_conflict": [_("Say whether you have a conflict.")]})
    text = library.clean_text(statement, "statement", required=has_conflict, limit=STATEMENT_LIMIT)
    _require_open(application)
    with transaction.atomic():
        app = timeline.locked(application.pk)
        _require_open(app)
        grounds = detected_grounds(member, app)
        existing = Declaration.objects.select_for_update().filter(application=app, member=member)
        declaration = existing.first()
        kept = list(declaration.detected_grounds) if declaration is not None else []
        merged = list(dict.fromkeys([*kept, *grounds]))
        recused = has_conflict or bool(merged)
        values = {
            "has_conflict": has_conflict,
            "statement": text,
            "detected_grounds": merged,
            "recused": recused,
            "submitted_at": timeline.now(),
        }
        if declaration is None:
            try:
                with transaction.atomic():
                    declaration = Declaration.objects.create(
                        application=app, member=member, **values
                    )
            except IntegrityError as exc:
                raise ValidationError(
                    _("Your declaration was just recorded; reload the page.")
                ) from exc
        else:
            for name, value in values.items():
                setattr(declaration, name, value)
            declaration.save()
        withdrawn = 0
        if recused:
            withdrawn, _detail = Vote.objects.filter(
                member=member, item__application=app, item__voting_open=True
            ).delete()
        timeline.record(
            app,
            actor=actor,
            kind="declaration_submitted",
            payload={
                "member": member.pk,
                "has_conflict": has_conflict,
                "recused": recused,
                "grounds": merged,
                "votes_withdrawn": withdrawn,
                "recorded_by_chair": on_behalf,
            },
        )
        if recused:
            notifications_services.notify(
                notifications_selectors.chairs_of(app.body),
                application=app,
                message=gettext_noop("A member is recused from {reference}."),
                params={"reference": app.reference},
                url=notifications_selectors.application_url(app, "workspace/"),
            )
    return declaration


def _require_simplified(application: Application) -> None:
    if application.status != Application.Status.UNDER_REVIEW:
        raise ValidationError(_("This application is not under review."))
    if application.procedure != Procedure.SIMPLIFIED:
        raise ValidationError(_("This application is not reviewed by the simplified procedure."))


def reviewers_name(
    *, actor: User, application: Application, member_ids: Any
) -> list[SimplifiedOpinion]:
    """The chair names the reviewers (rule ``simplified.min_reviewers``).

    Reviewers who already gave their opinion stay named; the others may be replaced.
    """
    if not can_chair(actor, application.body):
        raise PermissionDenied(_("Only the chair names reviewers."))
    if not isinstance(member_ids, list | tuple) or any(
        not isinstance(i, int) or isinstance(i, bool) for i in member_ids
    ):
        raise ValidationError({"member_ids": [_("Give a list of member ids.")]})
    if len(set(member_ids)) != len(member_ids):
        raise ValidationError({"member_ids": [_("A member is named twice.")]})
    _require_simplified(application)
    roster = {m.pk: m for m in application.body.members.filter(active=True)}
    problems: list[str] = []
    chosen: list[Member] = []
    for pk in member_ids:
        member = roster.get(pk)
        if member is None:
            problems.append(_("Member {id} is not on this body's roster.").format(id=pk))
        elif member.role == "consultant":
            problems.append(
                _("{name} is a consultant and does not review.").format(name=member.name)
            )
        elif member.user_id is None:
            problems.append(_("{name} has no user account.").format(name=member.name))
        elif is_recused(member, application):
            # conflict.recusal_grounds, Measures 2023.
            problems.append(_("{name} is recused from this application.").format(name=member.name))
        else:
            chosen.append(member)
    if problems:
        raise ValidationError({"member_ids": problems})
    # simplified.min_reviewers, Measures 2023 (simplified procedure): at least this many.
    check = lib.simplified_outcome(
        [],
        named=[library.library_member(m) for m in chosen],
        rules=library.rules_for(application.body),
    )
    if check.status == "not_enough_reviewers":
        raise library.findings_error(check, "member_ids")
    with transaction.atomic():
        app = timeline.locked(application.pk)
        _require_simplified(app)
        existing = {o.member_id: o for o in app.simplified_opinions.select_for_update()}
        given = {pk for pk, o in existing.items() if o.given_at is not None}
        dropped = given - {m.pk for m in chosen}
        if dropped:
            raise ValidationError(
                {"member_ids": [_("Reviewers who gave their opinion stay named.")]}
            )
        SimplifiedOpinion.objects.filter(application=app).exclude(
            member_id__in=[m.pk for m in chosen]
        ).delete()
        for member in chosen:
            if member.pk not in existing:
                SimplifiedOpinion.objects.create(application=app, member=member)
        timeline.record(
            app,
            actor=actor,
            kind="reviewers_named",
            payload={"members": [m.pk for m in chosen]},
        )
        notifications_services.notify(
            [m.user for m in chosen if m.pk not in existing],
            application=app,
            message=gettext_noop(
                "You are named to review {reference} by the simplified procedure."
            ),
            params={"reference": app.reference},
            url=_url(app),
        )
    return list(application.simplified_opinions.select_related("member"))


def _escalate(app: Application, actor: User, result: lib.SimplifiedOutcome) -> None:
    # simplified.escalation, Measures 2023 (simplified procedure): to a meeting.
    app.procedure = Procedure.GENERAL
    timeline.bump(app, ["procedure"])
    timeline.record(
        app,
        actor=actor,
        kind="escalated_to_meeting",
        payload={"triggers": list(result.triggers), "rules": list(result.rule_ids())},
    )
    notifications_services.notify(
        notifications_selectors.chairs_of(app.body),
        application=app,
        message=gettext_noop("{reference} moves to a meeting: put it on an agenda."),
        params={"reference": app.reference},
        url=notifications_selectors.application_url(app),
    )


def _conclude_if_possible(app: Application, actor: User) -> str:
    result = outcome(app)
    if result.must_move_to_meeting:
        _escalate(app, actor, result)
        return "move_to_meeting"
    if result.status != "decided" or result.decision is None:
        return result.status
    opinions = list(app.simplified_opinions.all())
    changes, reasons = _texts_for(result.decision, opinions)
    check = lib.check_decision(
        result.decision,
        required_changes=changes,
        reasons=reasons,
        rules=library.rules_for(app.body),
    )
    if not check.ok:
        timeline.record(
            app, actor=actor, kind="simplified_concurred", payload={"decision": result.decision}
        )
        notifications_services.notify(
            notifications_selectors.chairs_of(app.body),
            application=app,
            message=gettext_noop(
                "The reviewers of {reference} concur; state the changes or reasons to conclude."
            ),
            params={"reference": app.reference},
            url=_url(app),
        )
        return "awaiting_chair"
    applications_services.decision_record(
        app,
        actor=actor,
        decision=result.decision,
        basis="simplified",
        required_changes=changes,
        reasons=reasons,
        details={"reviewers": [o.member_id for o in opinions]},
    )
    return "decided"


def opinion_give(
    *,
    actor: User,
    application: Application,
    view: Any,
    doubt: Any = False,
    requests_meeting: Any = False,
    comment: Any = "",
) -> SimplifiedOpinion:
    """A named reviewer gives their one opinion; the outcome is evaluated after each.

    The reviewer has declared their interests on the application first (and is not
    recused), as members do before findings and votes.
    """
    member = roster_member(actor, application.body)
    if member is None:
        raise PermissionDenied(_("Only named reviewers give opinions."))
    if not application.simplified_opinions.filter(member=member).exists():
        raise PermissionDenied(_("Only named reviewers give opinions."))
    if is_recused(member, application):
        # conflict.recusal_grounds, Measures 2023: a recused member gives no opinion.
        raise PermissionDenied(
            _("You are recused from this application because of a conflict of interest.")
        )
    # conflict.recusal_grounds, Measures 2023: a reviewer declares (no conflict, or an
    # interest, which recuses) before giving an opinion, as members do before findings.
    _declared(
        member, application, _("Declare your interests on {reference} before giving an opinion.")
    )
    if view not in DecisionType.values:
        raise ValidationError({"view": [_("Choose a view.")]})
    if not isinstance(doubt, bool):
        raise ValidationError({"doubt": [_("Say yes or no.")]})
    if not isinstance(requests_meeting, bool):
        raise ValidationError({"requests_meeting": [_("Say yes or no.")]})
    text = library.clean_text(comment, "comment", required=False, limit=2000)
    _require_simplified(application)
    with transaction.atomic():
        app = timeline.locked(application.pk)
        _require_simplified(app)
        opinion = SimplifiedOpinion.objects.select_for_update().get(application=app, member=member)
        if opinion.given_at is not None:
            raise ValidationError(_("You have already given your opinion."))
        opinion.view = view
        opinion.doubt = doubt
        opinion.requests_meeting = requests_meeting
        opinion.comment = text
        opinion.given_at = timeline.now()
        opinion.save()
        timeline.record(
            app,
            actor=actor,
            kind="opinion_given",
            payload={
                "member": member.pk,
                "view": view,
                "doubt": doubt,
                "requests_meeting": requests_meeting,
            },
        )
        _conclude_if_possible(app, actor)
    return opinion


def simplified_conclude(
    *,
    actor: User,
    application: Application,
    required_changes: Any = (),
    reasons: Any = (),
    expected_version: int | None = None,
) -> Application:
    """The chair concludes a concurring review whose decision needs changes or reasons."""
    if not can_chair(actor, application.body):
        raise PermissionDenied(_("Only the chair concludes a simplified review."))
    changes = strings(required_changes, "required_changes")
    why = strings(reasons, "reasons")
    _require_simplified(application)
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        _require_simplified(app)
        result = outcome(app)
        if result.status != "decided" or result.decision is None:
            raise ValidationError(_("The named reviewers have not all concurred."))
        applications_services.decision_record(
            app,
            actor=actor,
            decision=result.decision,
            basis="simplified",
            required_changes=changes,
            reasons=why,
            details={
                "reviewers": list(app.simplified_opinions.values_list("member_id", flat=True))
            },
        )
    return app


GROUNDS_LIMIT = 10000


def _url(application: Application) -> str:
    return notifications_selectors.application_url(application)


def appeal_file(*, actor: User, application: Application, grounds: Any) -> Appeal:
    """The applicant appeals a decision that is not an approval."""
    if not is_applicant(actor, application):
        raise PermissionDenied(_("Only the applicant may appeal."))
    text = library.clean_text(grounds, "grounds", limit=GROUNDS_LIMIT)
    with transaction.atomic():
        app = timeline.locked(application.pk)
        if not appealable(app):
            raise ValidationError(_("Only a decision that is not an approval can be appealed."))
        if app.appeals.filter(outcome=Appeal.Outcome.PENDING).exists():
            raise ValidationError(_("An appeal against this decision is already pending."))
        appeal = Appeal.objects.create(application=app, grounds=text, filed_by=actor)
        timeline.record(
            app,
            actor=actor,
            kind="appeal_filed",
            payload={"appeal": appeal.pk, "decision": app.decision},
        )
        notifications_services.notify(
            notifications_selectors.chairs_of(app.body),
            application=app,
            message=gettext_noop("An appeal was filed against the decision on {reference}."),
            params={"reference": app.reference},
            url=f"/reviews/appeals/{appeal.pk}/decide/",
        )
    return appeal


def appeal_decide(
    *,
    actor: User,
    appeal: Appeal,
    outcome: Any,
    response: Any,
    expected_version: int | None = None,
) -> Appeal:
    """The chair upholds (the application is reviewed again) or dismisses an appeal."""
    application = appeal.application
    if not can_chair(actor, application.body):
        raise PermissionDenied(_("Only the chair decides appeals."))
    if outcome not in (Appeal.Outcome.UPHELD, Appeal.Outcome.DISMISSED):
        raise ValidationError({"outcome": [_("Uphold or dismiss the appeal.")]})
    text = library.clean_text(response, "response", limit=GROUNDS_LIMIT)
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        current = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if current.outcome != Appeal.Outcome.PENDING:
            raise ValidationError(_("This appeal is already decided."))
        if outcome == Appeal.Outcome.UPHELD and not appealable(app):
            raise ValidationError(_("The decision appealed against no longer stands."))
        current.outcome = outcome
        current.response = text
        current.decided_at = timeline.now()
        current.save(update_fields=["outcome", "response", "decided_at"])
        payload: dict[str, Any] = {"appeal": current.pk, "outcome": outcome}
        if outcome == Appeal.Outcome.UPHELD:
            payload["previous_decision"] = app.decision
            app.status = Application.Status.UNDER_REVIEW
            app.decision = ""
            app.decision_basis = ""
            app.required_changes = []
            app.reasons = []
            app.decided_at = None
            app.follow_up_due = None
            if app.procedure == Procedure.SIMPLIFIED:
                app.procedure = Procedure.GENERAL
            reviewed_again = timeline.now()
            app.due_at = lib.deadline(
                local(reviewed_again, zone_of(app.body.organisation)),
                cast(lib.Procedure, app.procedure or "general"),  # a Procedure choice
                rules=library.rules_for(app.body),
            ).due
            timeline.bump(
                app,
                [
                    "status",
                    "decision",
                    "decision_basis",
                    "required_changes",
                    "reasons",
                    "decided_at",
                    "follow_up_due",
                    "procedure",
                    "due_at",
                ],
            )
            payload["due_at"] = app.due_at.isoformat()
        timeline.record(app, actor=actor, kind="appeal_decided", payload=payload)
        notifications_services.notify(
            notifications_selectors.applicants_of(app),
            application=app,
            message=gettext_noop("Your appeal on {reference}: {outcome}."),
            params={"reference": app.reference, "outcome": outcome},
            url=_url(app),
        )
        if outcome == Appeal.Outcome.UPHELD:
            notifications_services.notify(
                notifications_selectors.chairs_of(app.body),
                application=app,
                message=gettext_noop("{reference} is reviewed again after an appeal."),
                params={"reference": app.reference},
                url=_url(app),
            )
    return current
