"""Reads and predicates of the body's review: workspace, declarations, meetings and votes,
the simplified procedure, appeals; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from tianping import review as lib
from tianping.web.core.timezones import local_date, zone_of
from tianping.web.core.validation import check_pk
from tianping.web.reviews import library
from tianping.web.reviews.applications import services as applications_services
from tianping.web.reviews.applications.selectors import applications_visible_to
from tianping.web.reviews.bodies.selectors import bodies_visible_to, can_chair, roster_member
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
    Member,
    Procedure,
    ReviewBody,
    SimplifiedOpinion,
    Vote,
)

User = AuthUser | AnonymousUser


def meeting_get(user: User, pk: object) -> Meeting:
    key = check_pk(pk)
    try:
        meeting = Meeting.objects.select_related("body__organisation").get(pk=key)
    except (Meeting.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if not bodies_visible_to(user).filter(pk=meeting.body_id).exists():
        raise Http404
    return meeting


def _held_on(meeting: Meeting) -> Any:
    """The day of ``meeting`` in the zone of its body (the calendar its members' terms use)."""
    return local_date(meeting.scheduled_for, zone_of(meeting.body.organisation))


def _pending_item(application: Application) -> AgendaItem | None:
    """An agenda item of ``application`` not yet closed, at a meeting not yet closed."""
    return (
        AgendaItem.objects.filter(application=application, closed_at__isnull=True)
        .exclude(meeting__status=Meeting.Status.CLOSED)
        .select_related("meeting")
        .first()
    )


def library_meeting(meeting: Meeting, application: Application) -> lib.Meeting:
    """The library's view of ``meeting`` for one agenda item (its recused members)."""
    roster = list(meeting.body.members.filter(active=True))
    committee = library.library_committee(meeting.body, members=roster)
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
        library_meeting(meeting, application), rules=library.rules_for(meeting.body)
    )


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


def has_declared(member: Member, application: Application) -> bool:
    """Whether ``member`` declared on ``application`` themselves (no conflict, or an interest).

    A row holding only the conflicts the rules detected at acceptance is no declaration:
    a member declares before giving findings or voting (rule ``conflict.recusal_grounds``).
    """
    return Declaration.objects.filter(
        application=application, member=member, submitted_at__isnull=False
    ).exists()


def undeclared_present(meeting: Meeting, application: Application) -> list[Member]:
    """The members recorded present at ``meeting`` who have not declared on ``application``.

    While one remains, the vote on the application's item does not open.
    """
    present = list(
        meeting.body.members.filter(active=True, pk__in=present_ids(meeting)).order_by("name")
    )
    declared = set(
        Declaration.objects.filter(
            application=application, member__in=present, submitted_at__isnull=False
        ).values_list("member_id", flat=True)
    )
    return [m for m in present if m.pk not in declared]


def meeting_started(meeting: Meeting, now: datetime) -> bool:
    """Whether the scheduled start of ``meeting`` has come at ``now``.

    Before it, the meeting is not held (attendance, votes, closing); holding it
    earlier means rescheduling it first.
    """
    return now >= meeting.scheduled_for


def tally_preview(item: AgendaItem) -> lib.TallyResult | None:
    """The count so far of an open vote (what closing it now would give)."""
    if not item.voting_open:
        return None
    votes = list(item.votes.select_related("member"))
    try:
        return lib.tally(
            [lib.Vote(v.member.ref, v.choice) for v in votes],  # type: ignore[arg-type]
            present=library_meeting(item.meeting, item.application),
            rules=library.rules_for(item.meeting.body),
        )
    except lib.ReviewInputError:
        return None


def vote_of(member: Member | None, item: AgendaItem) -> Vote | None:
    if member is None:
        return None
    return item.votes.filter(member=member).first()


WORKSPACE_STATUSES = (Application.Status.UNDER_REVIEW, Application.Status.EXPERT_REVIEW)


def detected_grounds(member: Member, application: Application) -> list[str]:
    """Conflicts the rules detect for ``member`` (rule ``conflict.recusal_grounds``)."""
    result = lib.detect_conflicts(
        library.library_member(member),
        library.library_application(application),
        rules=library.rules_for(application.body),
    )
    return list(result.grounds)


def is_recused(member: Member, application: Application) -> bool:
    """Recused = a conflict declared, or one detected now or at acceptance.

    Rule ``conflict.recusal_grounds`` (Measures 2023): a member with an interest
    in the matter stands aside from discussion and vote.
    """
    declaration = Declaration.objects.filter(application=application, member=member).first()
    if declaration is not None and (declaration.recused or declaration.detected_grounds):
        return True
    return bool(detected_grounds(member, application))


def recused_members(application: Application, members: list[Member]) -> set[int]:
    """The pks of ``members`` recused from ``application``."""
    declared = set(
        Declaration.objects.filter(application=application, member__in=members)
        .filter(recused=True)
        .values_list("member_id", flat=True)
    )
    return {m.pk for m in members if m.pk in declared or detected_grounds(m, application)}


def reviewer_seat(actor: AuthUser, application: Application) -> Member | None:
    """The actor's roster entry if they may act as a reviewer (not recused), else refuse.

    A roster member who is recused is refused even when they chair (rule
    ``conflict.recusal_grounds``); a chair without a roster entry (the body's
    administrator) acts without a seat.
    """
    member = roster_member(actor, application.body)
    if member is not None:
        if is_recused(member, application):
            # conflict.recusal_grounds, Measures 2023: a recused member takes no part.
            raise PermissionDenied(
                _("You are recused from this application because of a conflict of interest.")
            )
        if member.role == "consultant" and not can_chair(actor, application.body):
            raise PermissionDenied(_("Consultants advise; they do not give findings or notes."))
        return member
    if can_chair(actor, application.body):
        return None
    raise PermissionDenied(_("Only members of the review body may do this."))


def sees_internal(user: AuthUser, application: Application) -> bool:
    """Whether ``user`` may read internal notes: the body's members and chairs only."""
    return roster_member(user, application.body) is not None or can_chair(user, application.body)


@dataclass
class ItemRow:
    """One requirement item of the catalogue with its evidence and the finding on it."""

    item: Any
    evidence: list[Any] = field(default_factory=list)
    finding: ItemFinding | None = None


def _catalogue_items(application: Application) -> list[Any]:
    from tianping.web.catalogue.models import RequirementItem

    tier = application.tier
    if not tier:
        return []
    items = RequirementItem.objects.select_related("article").order_by("article__number", "code")
    # JSON containment is not portable to SQLite: filter the (small) catalogue here.
    return [i for i in items if isinstance(i.tiers, list) and tier in i.tiers]


def applicable_items(application: Application) -> list[ItemRow]:
    """The catalogue's items for the application's tier, with linked evidence and findings."""
    from tianping.web.assessments.models import EvidenceLink

    items = _catalogue_items(application)
    evidence_ids = list(
        application.attachments.filter(kind="evidence", evidence__isnull=False).values_list(
            "evidence_id", flat=True
        )
    )
    by_item: dict[str, list[Any]] = {}
    links = EvidenceLink.objects.filter(evidence_id__in=evidence_ids).select_related("evidence")
    for link in links:
        by_item.setdefault(link.item, []).append(link.evidence)
    findings = {f.item: f for f in application.item_findings.select_related("reviewer")}
    return [
        ItemRow(item=i, evidence=by_item.get(i.code, []), finding=findings.get(i.code))
        for i in items
    ]


@dataclass
class SimilarReview:
    application: Application
    match: str  # "system" or "sector"


def similar_reviews(application: Application, *, limit: int = 20) -> list[SimilarReview]:
    """Earlier decided applications of the same organisation before the same body.

    Same system first, then same sector; each with its decision.
    """
    qs = (
        Application.objects.filter(
            organisation=application.organisation, body=application.body, decided_at__isnull=False
        )
        .exclude(pk=application.pk)
        .exclude(decision="")
        .select_related("system")
        .order_by("-decided_at", "-pk")
    )
    same_system = [a for a in qs.filter(system=application.system)[:limit]]
    sector = application.system.sector
    same_sector = [
        a for a in qs.exclude(system=application.system).filter(system__sector=sector)[:limit]
    ]
    out = [SimilarReview(a, "system") for a in same_system]
    out += [SimilarReview(a, "sector") for a in same_sector]
    return out[:limit]


def comments_visible(user: AuthUser, application: Application) -> list[Comment]:
    """The thread as ``user`` may read it: internal notes only for the body's members."""
    qs = application.comments.select_related("author", "reply_to")
    if not sees_internal(user, application):
        qs = qs.exclude(kind=Comment.Kind.NOTE).exclude(reply_to__kind=Comment.Kind.NOTE)
    return list(qs)


def declarations_of(application: Application) -> list[dict[str, Any]]:
    """Every active roster member's declaration state on ``application`` (for the chair)."""
    members = list(application.body.members.filter(active=True))
    declared = {d.member_id: d for d in application.declarations.all()}
    rows = []
    for m in members:
        d = declared.get(m.pk)
        grounds = detected_grounds(m, application)
        kept = list(d.detected_grounds) if d else []
        all_grounds = list(dict.fromkeys([*kept, *grounds]))
        rows.append(
            {
                "member": m,
                "declaration": d,
                "grounds": all_grounds,
                "recused": bool((d and d.recused) or all_grounds),
            }
        )
    return rows


def my_declarations(user: AuthUser) -> list[dict[str, Any]]:
    """Applications under review by bodies where ``user`` sits, with their declaration."""
    if not user.is_authenticated:
        return []
    seats = list(Member.objects.filter(user=user, active=True).select_related("body"))
    rows: list[dict[str, Any]] = []
    for seat in seats:
        apps = Application.objects.filter(
            body=seat.body, status__in=WORKSPACE_STATUSES
        ).select_related("system", "organisation", "body__organisation")
        declared = {
            d.application_id: d
            for d in Declaration.objects.filter(member=seat, application__in=apps)
        }
        for app in apps:
            d = declared.get(app.pk)
            rows.append(
                {
                    "application": app,
                    "member": seat,
                    "declaration": d,
                    "recused": is_recused(seat, app),
                }
            )
    return rows


CHANGES_DECISIONS = (
    DecisionType.APPROVE_AFTER_MODIFICATION,
    DecisionType.RE_REVIEW_AFTER_MODIFICATION,
)


def outcome(application: Application) -> lib.SimplifiedOutcome:
    """Where the simplified review stands (``lib.simplified_outcome`` on the opinions)."""
    rows = list(application.simplified_opinions.select_related("member"))
    named = [library.library_member(r.member) for r in rows]
    given = [
        lib.Opinion(r.member.ref, r.view, doubt=r.doubt, requests_meeting=r.requests_meeting)  # type: ignore[arg-type]
        for r in rows
        if r.given_at is not None
    ]
    return lib.simplified_outcome(given, named=named, rules=library.rules_for(application.body))


def _texts_for(decision: str, opinions: list[SimplifiedOpinion]) -> tuple[list[str], list[str]]:
    comments = [o.comment.strip()[:1000] for o in opinions if o.comment.strip()]
    if decision in CHANGES_DECISIONS:
        return comments, []
    if decision == DecisionType.NOT_APPROVE:
        return [], comments
    return [], []


def state(application: Application) -> dict[str, Any]:
    """For pages and the API: the named reviewers, their opinions, the outcome."""
    rows = list(application.simplified_opinions.select_related("member"))
    try:
        result = outcome(application) if rows else None
    except lib.ReviewInputError:
        result = None
    status: str = result.status if result is not None else "not_named"
    if application.procedure != Procedure.SIMPLIFIED and any(r.given_at for r in rows):
        status = "move_to_meeting"
    if status == "decided" and application.status == Application.Status.UNDER_REVIEW:
        status = "awaiting_chair"
    if application.decision_basis == "simplified" and application.decision:
        status = "decided"
    return {
        "opinions": rows,
        "status": status,
        "decision": result.decision if result is not None else None,
        "triggers": list(result.triggers) if result is not None else [],
        "awaiting": [r for r in rows if r.given_at is None],
        "outcome": result,
    }


def appealable(application: Application) -> bool:
    """Decided, and the decision is not an approval (nor an approval after modification)."""
    return (
        application.status == Application.Status.DECIDED
        and bool(application.decision)
        and application.decision not in applications_services.APPROVING
    )


def appeal_get(user: AuthUser, pk: Any) -> Appeal:
    """An appeal on an application ``user`` may see; otherwise 404."""
    from django.http import Http404

    check_pk(pk)
    try:
        appeal = Appeal.objects.select_related("application__body__organisation").get(pk=pk)
    except (Appeal.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if not applications_visible_to(user).filter(pk=appeal.application_id).exists():
        raise Http404
    return appeal
