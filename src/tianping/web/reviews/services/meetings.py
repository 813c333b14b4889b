"""Meetings under the general (and emergency) procedure: agenda, attendance, quorum, votes.

Rules applied (see ``docs/review-meetings.md``):

* ``quorum.min_present`` and ``quorum.categories`` (Measures 2023 Art. 14): at
  least five members counted, covering every category of member; consultants
  (``quorum.consultants_excluded``) and recused members are not counted;
* ``conflict.recusal_grounds`` (Measures 2023): a recused member does not vote;
* ``decision.threshold`` (Measures 2023 Art. 16): a decision needs at least two
  thirds of the voting members present (exactly 2/3 passes);
* ``decision.reasons_required``: an approval after modification states the
  changes, a refusal its reasons — checked by ``decision_record``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping import review as lib
from tianping.web.reviews.models import (
    AgendaItem,
    Application,
    Attendance,
    Meeting,
    Member,
    Procedure,
    ReviewBody,
    Vote,
    VoteChoice,
)
from tianping.web.reviews.selectors import can_chair, roster_member
from tianping.web.reviews.services import common, decisions
from tianping.web.reviews.services.workspace import recused_members

MEETING_PROCEDURES = (Procedure.GENERAL, Procedure.EMERGENCY)
MINUTES_LIMIT = 20000


def _chair(actor: AbstractBaseUser, body: ReviewBody) -> None:
    if not can_chair(actor, body):
        raise PermissionDenied(_("Only the chair may do this."))


def _open_meeting(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CLOSED:
        raise ValidationError(_("This meeting is closed."))


def _held_on(meeting: Meeting) -> Any:
    return timezone.localdate(meeting.scheduled_for)


def strings(value: Any, field: str) -> list[str]:
    """Required changes or reasons: a list (or newline-separated text) of short texts."""
    return common.clean_strings(
        list(value) if isinstance(value, list | tuple) else value, field, limit=1000
    )


def _meeting_url(meeting: Meeting) -> str:
    return f"/reviews/meetings/{meeting.pk}/"


# --- meetings and agenda ------------------------------------------------------------------


def meeting_create(
    *,
    actor: AbstractBaseUser,
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
    place = common.clean_text(location, "location", required=False, limit=300)
    names = common.clean_strings(list(consultants or []), "consultants", limit=200)
    if len(set(names)) != len(names):
        raise ValidationError({"consultants": [_("A consultant is named twice.")]})
    return Meeting.objects.create(
        body=body,
        scheduled_for=scheduled_for,
        location=place,
        consultants=names,
        created_by=actor,
    )


def _pending_item(application: Application) -> AgendaItem | None:
    """An agenda item of ``application`` not yet closed, at a meeting not yet closed."""
    return (
        AgendaItem.objects.filter(application=application, closed_at__isnull=True)
        .exclude(meeting__status=Meeting.Status.CLOSED)
        .select_related("meeting")
        .first()
    )


def agenda_add(
    *, actor: AbstractBaseUser, meeting: Meeting, application: Application
) -> AgendaItem:
    """Put an application under review (general or emergency procedure) on the agenda."""
    _chair(actor, meeting.body)
    if application.body_id != meeting.body_id:
        raise ValidationError({"application": [_("This application is before another body.")]})
    _open_meeting(meeting)
    with transaction.atomic():
        app = common.locked(application.pk)
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
        common.record(
            app,
            actor=actor,
            kind="agenda_added",
            payload={"meeting": meeting.pk, "item": item.pk},
        )
        common.notify(
            common.members_of(meeting.body),
            application=app,
            message=gettext_noop("{reference} is on the agenda of the meeting of {date}."),
            params={"reference": app.reference, "date": f"{meeting.scheduled_for:%Y-%m-%d}"},
            url=_meeting_url(meeting),
        )
    return item


def attendance_set(
    *, actor: AbstractBaseUser, meeting: Meeting, present_member_ids: Any
) -> list[Attendance]:
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
            app = common.locked(item.application_id)
            common.record(
                app,
                actor=actor,
                kind="attendance_set",
                payload={"meeting": locked.pk, "present": len(ids)},
            )
    meeting.status = locked.status
    return rows


def library_meeting(meeting: Meeting, application: Application) -> lib.Meeting:
    """The library's view of ``meeting`` for one agenda item (its recused members)."""
    roster = list(meeting.body.members.filter(active=True))
    committee = common.library_committee(meeting.body, members=roster)
    present_pks = set(
        Attendance.objects.filter(meeting=meeting, present=True).values_list("member_id", flat=True)
    )
    present = [m for m in roster if m.pk in present_pks]
    recused = recused_members(application, present)
    return lib.Meeting(
        committee,
        present=tuple(m.ref for m in present),
        recused=tuple(m.ref for m in present if m.pk in recused),
        consultants=tuple(str(c) for c in meeting.consultants or []),
        held_on=_held_on(meeting),
    )


def quorum(meeting: Meeting, application: Application) -> lib.QuorumResult:
    """Quorum for ``application``'s item (rules ``quorum.min_present``, ``quorum.categories``,
    Measures 2023 Art. 14; consultants and recused members not counted)."""
    return lib.check_quorum(
        library_meeting(meeting, application), rules=common.rules_for(meeting.body)
    )


def _locked_item(item: AgendaItem) -> AgendaItem:
    return (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting__body__organisation")
        .get(pk=item.pk)
    )


def voting_open(*, actor: AbstractBaseUser, item: AgendaItem) -> AgendaItem:
    """Open the vote on an agenda item; refused, listing every shortfall, without a quorum."""
    meeting = item.meeting
    _chair(actor, meeting.body)
    _open_meeting(meeting)
    with transaction.atomic():
        app = common.locked(item.application_id)
        current = _locked_item(item)
        if current.closed_at is not None:
            raise ValidationError(_("The vote on this item is closed."))
        if current.voting_open:
            raise ValidationError(_("The vote on this item is already open."))
        if app.status != Application.Status.UNDER_REVIEW:
            raise ValidationError(_("This application is not awaiting a decision."))
        # quorum.min_present + quorum.categories, Measures 2023 Art. 14.
        result = quorum(current.meeting, app)
        if not result.met:
            raise common.findings_error(result, "quorum")
        current.voting_open = True
        current.save(update_fields=["voting_open"])
        if current.meeting.status == Meeting.Status.SCHEDULED:
            Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.OPEN)
        common.record(
            app,
            actor=actor,
            kind="voting_opened",
            payload={"meeting": meeting.pk, "item": current.pk, "counted": len(result.counted)},
        )
    return current


def vote_cast(*, actor: AbstractBaseUser, item: AgendaItem, choice: Any, comment: Any = "") -> Vote:
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
    text = common.clean_text(comment, "comment", required=False, limit=2000)
    with transaction.atomic():
        app = common.locked(item.application_id)
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
        common.record(
            app,
            actor=actor,
            kind="vote_cast",
            payload={"meeting": meeting.pk, "item": current.pk, "member": member.pk},
        )
    return vote


def voting_close(
    *,
    actor: AbstractBaseUser,
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
        app = common.locked(item.application_id, expected_version=expected_version)
        current = _locked_item(item)
        if not current.voting_open or current.closed_at is not None:
            raise ValidationError(_("Voting on this item is not open."))
        votes = list(current.votes.select_related("member"))
        lib_meeting = library_meeting(current.meeting, app)
        rules = common.rules_for(meeting.body)
        # decision.threshold, Measures 2023 Art. 16: at least 2/3 of the voting members present
        # (exact fractions: exactly 2/3 passes); no quorum (Art. 14), no decision.
        try:
            result = lib.tally(
                [lib.Vote(v.member.ref, v.choice) for v in votes],  # type: ignore[arg-type]
                present=lib_meeting,
                rules=rules,
            )
        except lib.ReviewInputError as exc:
            raise common.input_error(exc, "votes") from exc
        tally_json = result.to_json()
        details = {
            "meeting": meeting.pk,
            "item": current.pk,
            "counts": dict(result.counts),
            "voting": result.voting,
        }
        current.voting_open = False
        current.closed_at = common.now()
        current.tally = tally_json
        current.save(update_fields=["voting_open", "closed_at", "tally"])
        if result.decision is not None:
            decisions.decision_record(
                app,
                actor=actor,
                decision=result.decision,
                basis="meeting",
                required_changes=changes,
                reasons=why,
                details=details,
            )
        else:
            common.record(app, actor=actor, kind="vote_closed_no_decision", payload=details)
            common.notify(
                common.chairs_of(meeting.body),
                application=app,
                message=gettext_noop(
                    "No decision on {reference}: put it on another meeting's agenda."
                ),
                params={"reference": app.reference},
                url=_meeting_url(meeting),
            )
    return current


def meeting_close(*, actor: AbstractBaseUser, meeting: Meeting, minutes: Any = "") -> Meeting:
    """Close a meeting (no vote may be open); items not voted on may go on another agenda."""
    _chair(actor, meeting.body)
    text = common.clean_text(minutes, "minutes", required=False, limit=MINUTES_LIMIT)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _open_meeting(locked)
        if locked.items.filter(voting_open=True).exists():
            raise ValidationError(_("A vote is still open: close it first."))
        locked.status = Meeting.Status.CLOSED
        if text:
            locked.minutes = text
        locked.save(update_fields=["status", "minutes"])
        for item in locked.items.select_related("application"):
            app = common.locked(item.application_id)
            common.record(
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


# --- reads for pages and the API --------------------------------------------------------


def meetings_of(body: ReviewBody) -> Any:
    return Meeting.objects.filter(body=body).prefetch_related("items__application")


def item_get(meeting: Meeting, pk: Any) -> AgendaItem:
    from django.http import Http404

    try:
        return meeting.items.select_related("application", "meeting__body__organisation").get(
            pk=int(pk)
        )
    except (AgendaItem.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def present_ids(meeting: Meeting) -> set[int]:
    return set(
        Attendance.objects.filter(meeting=meeting, present=True).values_list("member_id", flat=True)
    )


def tally_preview(item: AgendaItem) -> lib.TallyResult | None:
    """The count so far of an open vote (what closing it now would give)."""
    if not item.voting_open:
        return None
    votes = list(item.votes.select_related("member"))
    try:
        return lib.tally(
            [lib.Vote(v.member.ref, v.choice) for v in votes],  # type: ignore[arg-type]
            present=library_meeting(item.meeting, item.application),
            rules=common.rules_for(item.meeting.body),
        )
    except lib.ReviewInputError:
        return None


def vote_of(member: Member | None, item: AgendaItem) -> Vote | None:
    if member is None:
        return None
    return item.votes.filter(member=member).first()
