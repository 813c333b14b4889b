"""Reads and predicates of dashboards; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.utils import timezone

from tianping import review as lib
from tianping.web.accounts.models import REGULATOR_KINDS, Organisation
from tianping.web.accounts.selectors import memberships_of, organisations_where
from tianping.web.core.notifications import unread_count
from tianping.web.reviews import library
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.bodies import selectors as bodies_selectors
from tianping.web.reviews.expert import selectors as expert_selectors
from tianping.web.reviews.models import (
    AgendaItem,
    Application,
    Declaration,
    ExpertReview,
    Meeting,
    Member,
    PanelExpert,
    SimplifiedOpinion,
    Vote,
)
from tianping.web.reviews.records.selectors import _iso

DASHBOARD_LIMIT = 50


@dataclass
class Dashboard:
    """What ``/reviews/`` shows ``user``: one section per role held (empty lists otherwise)."""

    applicant: list[dict[str, Any]] | None = None
    member_queue: list[dict[str, Any]] | None = None
    declarations: list[Declaration] | None = None
    chair_meetings: list[dict[str, Any]] | None = None
    chair_quorum: dict[str, Any] | None = None
    chair_at_risk: list[dict[str, Any]] | None = None
    authority_pending: list[ExpertReview] | None = None
    authority_stats: dict[str, Any] | None = None
    expert_seats: list[PanelExpert] | None = None

    @property
    def empty(self) -> bool:
        return all(
            getattr(self, name) is None
            for name in (
                "applicant",
                "member_queue",
                "chair_meetings",
                "authority_stats",
                "expert_seats",
            )
        )


def _missing_items(app: Application) -> list[str]:
    """Bundle items still missing (labels in the active language)."""
    rules = library.rules_for(app.body)
    attachments = [
        lib.Attachment(kind=a.kind, name=a.name, waived_reason=a.waived_reason or None)
        for a in app.attachments.all()
        if a.kind
    ]
    try:
        result = lib.check_application_bundle(attachments, rules=rules)
    except lib.ReviewError:
        return []
    return [library.text(item.label) for item in result.missing]


def _next_deadline(app: Application) -> datetime | date | None:
    if app.status == Application.Status.EXPERT_REVIEW:
        review = getattr(app, "expert_review", None)
        return review.due_at if review is not None else None
    if app.is_open:
        return app.due_at
    if app.follow_up_due is not None and app.status == Application.Status.DECIDED:
        return app.follow_up_due
    return None


def _applicant_section(user: User) -> list[dict[str, Any]] | None:
    orgs = organisations_where(user, bodies_selectors.APPLICANT_ROLES)
    if not orgs.exists():
        return None
    apps = (
        Application.objects.filter(organisation__in=orgs)
        .select_related("system", "organisation", "body__organisation")
        .prefetch_related("attachments")
        .order_by("-updated_at", "-pk")[:DASHBOARD_LIMIT]
    )
    out = []
    for app in apps:
        missing = (
            _missing_items(app)
            if app.status in {Application.Status.DRAFT, Application.Status.INCOMPLETE}
            else []
        )
        out.append(
            {
                "application": app,
                "missing": missing,
                "notice": app.notice if app.status == Application.Status.INCOMPLETE else None,
                "deadline": _next_deadline(app),
            }
        )
    return out


def _member_section(
    user: User,
) -> tuple[list[dict[str, Any]] | None, list[Declaration] | None]:
    members = list(
        Member.objects.filter(user=user, active=True).select_related("body__organisation")
    )
    if not members:
        return None, None
    by_body = {m.body_id: m for m in members}
    apps = list(
        Application.objects.filter(
            body_id__in=list(by_body), status=Application.Status.UNDER_REVIEW
        )
        .select_related("system", "body__organisation")
        .order_by("due_at", "pk")[:DASHBOARD_LIMIT]
    )
    app_ids = [a.pk for a in apps]
    member_ids = [m.pk for m in members]
    declared = set(
        Declaration.objects.filter(
            application_id__in=app_ids, member_id__in=member_ids
        ).values_list("application_id", flat=True)
    )
    recused = set(
        Declaration.objects.filter(
            application_id__in=app_ids, member_id__in=member_ids, recused=True
        ).values_list("application_id", flat=True)
    )
    found = set(
        Application.objects.filter(pk__in=app_ids, item_findings__reviewer=user).values_list(
            "pk", flat=True
        )
    )
    opinions_open = set(
        SimplifiedOpinion.objects.filter(
            application_id__in=app_ids, member_id__in=member_ids, given_at__isnull=True
        ).values_list("application_id", flat=True)
    )
    open_items = AgendaItem.objects.filter(application_id__in=app_ids, voting_open=True)
    voted = set(
        Vote.objects.filter(item__in=open_items, member_id__in=member_ids).values_list(
            "item__application_id", flat=True
        )
    )
    open_vote = set(open_items.values_list("application_id", flat=True)) - voted
    queue = []
    for app in apps:
        todo = []
        if app.pk not in declared:
            todo.append("declare")
        if app.pk in recused:
            continue
        if app.procedure == "simplified":
            if app.pk in opinions_open:
                todo.append("opinion")
        elif app.pk not in found:
            todo.append("finding")
        if app.pk in open_vote:
            todo.append("vote")
        if todo:
            queue.append({"application": app, "todo": todo, "deadline": app.due_at})
    declarations = list(
        Declaration.objects.filter(member_id__in=member_ids)
        .select_related("application", "member")
        .order_by("-declared_at")[:DASHBOARD_LIMIT]
    )
    return queue, declarations


def _quorum(meeting: Meeting) -> dict[str, Any]:
    """The quorum of ``meeting`` from the attendance recorded so far."""
    present = list(meeting.attendance.filter(present=True).select_related("member").order_by("pk"))
    if not meeting.attendance.exists():
        return {"meeting": meeting, "recorded": False, "met": None, "result": None}
    body = meeting.body
    committee = library.library_committee(body)
    roster_refs = {m.id for m in committee.members}
    refs = tuple(a.member.ref for a in present if a.member.ref in roster_refs)
    # quorum.min_present / quorum.categories, Measures 2023 Art. 15: counted members and
    # categories come from the rule set through lib.check_quorum.
    try:
        result = lib.check_quorum(
            lib.Meeting(
                committee,
                present=refs,
                consultants=tuple(str(c) for c in meeting.consultants or []),
                held_on=meeting.scheduled_for.date(),
            ),
            rules=library.rules_for(body),
        )
    except lib.ReviewError:
        return {"meeting": meeting, "recorded": True, "met": None, "result": None}
    return {
        "meeting": meeting,
        "recorded": True,
        "met": result.met,
        "counted": len(result.counted),
        "minimum": result.minimum,
        "missing_categories": list(result.missing_categories),
        "findings": [f.describe(library.language()) for f in result.findings],
    }


def _chair_section(
    user: User, now: datetime
) -> tuple[list[dict[str, Any]] | None, dict[str, Any] | None, list[dict[str, Any]] | None]:
    bodies = [
        b for b in bodies_selectors.bodies_visible_to(user) if bodies_selectors.can_chair(user, b)
    ]
    if not bodies:
        return None, None, None
    body_ids = [b.pk for b in bodies]
    meetings = list(
        Meeting.objects.filter(body_id__in=body_ids, status__in=["scheduled", "open"])
        .filter(scheduled_for__gte=now - timedelta(days=1))
        .select_related("body__organisation")
        .order_by("scheduled_for", "pk")[:10]
    )
    agenda = [
        {
            "meeting": m,
            "items": list(m.items.select_related("application").order_by("position", "pk")),
        }
        for m in meetings
    ]
    quorum = _quorum(meetings[0]) if meetings else None
    margin = applications_selectors.overdue_margin()
    at_risk_apps = (
        Application.objects.filter(
            body_id__in=body_ids,
            status__in=[Application.Status.UNDER_REVIEW, Application.Status.EXPERT_REVIEW],
            due_at__isnull=False,
            due_at__lte=now + margin,
        )
        .select_related("system", "body__organisation")
        .order_by("due_at", "pk")[:DASHBOARD_LIMIT]
    )
    at_risk = [
        {"application": a, "due_at": a.due_at, "overdue": a.due_at < now}
        for a in at_risk_apps
        if a.due_at is not None  # always: the query keeps only those with a deadline
    ]
    return agenda, quorum, at_risk


def _jurisdiction(user: User) -> list[Organisation]:
    return [
        m.organisation
        for m in memberships_of(user)
        if m.organisation.kind in REGULATOR_KINDS and m.role in bodies_selectors.AUTHORITY_ROLES
    ]


def authority_statistics(user: User) -> dict[str, Any] | None:
    """Counts by status and decision of applications in ``user``'s jurisdiction."""
    regulators = _jurisdiction(user)
    if not regulators:
        return None
    query = Q(pk__in=[])
    for org in regulators:
        query |= Q(body__organisation__path__startswith=org.path)
        query |= Q(organisation__path__startswith=org.path)
    qs = Application.objects.filter(query)
    by_status = {
        row["status"]: row["n"]
        for row in qs.values("status").annotate(n=Count("pk", distinct=True))
    }
    by_decision = {
        row["decision"]: row["n"]
        for row in qs.exclude(decision="").values("decision").annotate(n=Count("pk", distinct=True))
    }
    return {
        "jurisdiction": [o.name for o in regulators],
        "total": qs.distinct().count(),
        "by_status": dict(sorted(by_status.items())),
        "by_decision": dict(sorted(by_decision.items())),
    }


def dashboard(user: User, *, now: datetime | None = None) -> Dashboard:
    """The sections of ``/reviews/`` for ``user``, each bounded to a few dozen rows."""
    now = now or timezone.now()
    board = Dashboard()
    board.applicant = _applicant_section(user)
    board.member_queue, board.declarations = _member_section(user)
    board.chair_meetings, board.chair_quorum, board.chair_at_risk = _chair_section(user, now)
    stats = authority_statistics(user)
    if stats is not None:
        board.authority_stats = stats
        board.authority_pending = list(
            expert_selectors.expert_reviews_for_authority(user)
            .exclude(status=ExpertReview.Status.CONCLUDED)
            .order_by("due_at", "pk")[:DASHBOARD_LIMIT]
        )
    if user.is_authenticated and (
        PanelExpert.objects.filter(user=user).exists()
        or organisations_where(user, ["expert"]).exists()
    ):
        # Experts: the re-review panels they sit on that are not concluded yet.
        board.expert_seats = list(
            PanelExpert.objects.filter(user=user)
            .exclude(review__status=ExpertReview.Status.CONCLUDED)
            .select_related("review__application")
            .order_by("review__due_at", "pk")[:DASHBOARD_LIMIT]
        )
    return board


def dashboard_summary(user: User) -> dict[str, Any]:
    """The dashboard as JSON (for the API)."""
    board = dashboard(user)

    def app_ref(app: Application) -> dict[str, Any]:
        return {"id": app.pk, "reference": app.reference, "title": app.title, "status": app.status}

    out: dict[str, Any] = {"roles": [], "unread_notifications": unread_count(user)}
    if board.applicant is not None:
        out["roles"].append("applicant")
        out["applicant"] = [
            {
                **app_ref(row["application"]),
                "missing": row["missing"],
                "deadline": _iso(row["deadline"]),
            }
            for row in board.applicant
        ]
    if board.member_queue is not None:
        out["roles"].append("member")
        out["member_queue"] = [
            {**app_ref(row["application"]), "todo": row["todo"], "deadline": _iso(row["deadline"])}
            for row in board.member_queue
        ]
    if board.chair_meetings is not None:
        out["roles"].append("chair")
        out["chair"] = {
            "meetings": [
                {
                    "id": m["meeting"].pk,
                    "scheduled_for": _iso(m["meeting"].scheduled_for),
                    "items": [i.application.reference for i in m["items"]],
                }
                for m in board.chair_meetings
            ],
            "quorum": (
                {
                    "meeting_id": board.chair_quorum["meeting"].pk,
                    "recorded": board.chair_quorum["recorded"],
                    "met": board.chair_quorum["met"],
                }
                if board.chair_quorum
                else None
            ),
            "at_risk": [
                {**app_ref(r["application"]), "due_at": _iso(r["due_at"]), "overdue": r["overdue"]}
                for r in board.chair_at_risk or []
            ],
        }
    if board.authority_stats is not None:
        out["roles"].append("authority")
        out["authority"] = {
            "statistics": board.authority_stats,
            "pending_expert_reviews": [
                {**app_ref(r.application), "due_at": _iso(r.due_at), "status": r.status}
                for r in board.authority_pending or []
            ],
        }
    return out
