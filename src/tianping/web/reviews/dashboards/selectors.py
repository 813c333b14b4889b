"""Reads and predicates of dashboards; nothing here writes.

Each role's queue lists exactly what waits for the person, one :class:`Task`
per thing to do, with the page where it is done and its due date:

chair
    submitted applications to accept (or to ask materials for); applications
    under the general or emergency procedure waiting for a meeting's agenda;
    meetings whose time has come, to hold or to close; open votes to close;
    simplified reviews to name reviewers for or to conclude; appeals to decide;
    open applications whose decision falls due within :data:`DEADLINE_WINDOW`.
member
    declarations of interests owed on applications under review, findings,
    simplified-procedure opinions and votes on open items at meetings they attend.
applicant
    drafts to submit, notices of missing materials, reviewers' questions,
    conditions of an approval after modification, resubmissions, follow-up
    reports due within :data:`FOLLOW_UP_WINDOW_DAYS`.
expert
    declarations of interests and views on the panels they sit on.
authority
    expert panels to form, re-reviews to conclude, overdue registration and
    annual-report filings of the review bodies in its jurisdiction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tianping import review as lib
from tianping.web.accounts.models import REGULATOR_KINDS, Organisation
from tianping.web.accounts.selectors import memberships_of, organisations_where
from tianping.web.core import timezones
from tianping.web.core.notifications import unread_count
from tianping.web.core.timezones import local_date, zone_of
from tianping.web.reviews import library
from tianping.web.reviews.aftercare import selectors as aftercare_selectors
from tianping.web.reviews.bodies import selectors as bodies_selectors
from tianping.web.reviews.expert import selectors as expert_selectors
from tianping.web.reviews.meetings import selectors as meetings_selectors
from tianping.web.reviews.models import (
    AgendaItem,
    Appeal,
    Application,
    Attendance,
    Comment,
    DecisionType,
    Declaration,
    ExpertReview,
    Meeting,
    Member,
    PanelExpert,
    Procedure,
    ReviewBody,
    SimplifiedOpinion,
    Vote,
)
from tianping.web.reviews.records.selectors import _iso

DASHBOARD_LIMIT = 50

DEADLINE_WINDOW = timedelta(days=7)
"""The chair's queue holds every open application whose decision is due within this window."""

FOLLOW_UP_WINDOW_DAYS = 30
"""The applicant's queue holds follow-up reports due within this many days (the reminders')."""

MEETING_PROCEDURES = (Procedure.GENERAL, Procedure.EMERGENCY)

ACTIONS: dict[str, Promise] = {
    # chair
    "accept": _("Accept and name the procedure"),
    "convene": _("Put it on a meeting's agenda"),
    "hold_meeting": _("Hold the meeting"),
    "close_meeting": _("Close the meeting"),
    "close_vote": _("Close the vote and count"),
    "name_reviewers": _("Name the reviewers"),
    "conclude_simplified": _("Conclude the simplified review"),
    "decide_appeal": _("Decide the appeal"),
    "deadline": _("Decision due soon"),
    # committee member
    "declare": _("Declare interests"),
    "finding": _("Give your findings"),
    "opinion": _("Give your opinion"),
    "vote": _("Cast your vote"),
    # applicant
    "submit": _("Complete and submit the application"),
    "notice": _("Supply the missing materials and submit again"),
    "question": _("Answer the reviewers' questions"),
    "conditions": _("Meet the conditions of the approval"),
    "resubmit": _("Prepare the resubmission"),
    "follow_up": _("Submit the follow-up report"),
    # expert
    "expert_declare": _("Declare interests"),
    "expert_vote": _("Give your view on the preliminary opinion"),
    # authority
    "form_panel": _("Form the panel"),
    "conclude": _("Conclude the expert re-review"),
    "registration": _("Registration overdue"),
    "annual_report": _("Annual report overdue"),
}
"""What each kind of task asks the person to do (the label on the dashboard)."""

ROLES = ("chair", "member", "applicant", "expert", "authority")


@dataclass(frozen=True)
class Task:
    """One thing waiting for the person: what to do, on what, where, by when."""

    role: str
    action: str
    url: str
    subject: str
    title: str = ""
    application: Application | None = None
    due: datetime | date | None = None
    overdue: bool = False
    year: int | None = None

    @property
    def label(self) -> str:
        """What to do, in the active language."""
        return str(ACTIONS[self.action])

    def to_json(self) -> dict[str, Any]:
        app = self.application
        return {
            "role": self.role,
            "action": self.action,
            "label": self.label,
            "subject": self.subject,
            "title": self.title,
            "application": (
                {"id": app.pk, "reference": app.reference, "status": app.status}
                if app is not None
                else None
            ),
            "url": self.url,
            "due": _iso(self.due),
            "overdue": self.overdue,
            "year": self.year,
        }


@dataclass
class Dashboard:
    """What ``/reviews/`` shows ``user``: one section per role held (``None`` otherwise)."""

    applicant: list[dict[str, Any]] | None = None
    applicant_tasks: list[Task] | None = None
    member_tasks: list[Task] | None = None
    member_queue: list[dict[str, Any]] | None = None
    declarations: list[Declaration] | None = None
    chair_tasks: list[Task] | None = None
    chair_meetings: list[dict[str, Any]] | None = None
    chair_quorum: dict[str, Any] | None = None
    chair_at_risk: list[dict[str, Any]] | None = None
    authority_tasks: list[Task] | None = None
    authority_pending: list[ExpertReview] | None = None
    authority_stats: dict[str, Any] | None = None
    expert_tasks: list[Task] | None = None
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

    def tasks(self, role: str) -> list[Task] | None:
        """The queue of ``role`` (``None`` where ``user`` does not hold it)."""
        tasks: list[Task] | None = getattr(self, f"{role}_tasks")
        return tasks


def _app_url(app: Application, page: str = "", anchor: str = "") -> str:
    return reverse("reviews:application_detail", args=[app.pk]) + page + anchor


def _moment(value: datetime | date) -> datetime:
    """A due day or moment as a moment, to sort days and moments together."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time.max, tzinfo=timezones.platform_zone())


def _ordered(tasks: list[Task]) -> list[Task]:
    """Overdue and soonest first, undated last; at most :data:`DASHBOARD_LIMIT`."""
    far = datetime.max.replace(tzinfo=timezones.platform_zone())
    return sorted(
        tasks,
        key=lambda t: (t.due is None, _moment(t.due) if t.due is not None else far, t.subject),
    )[:DASHBOARD_LIMIT]


def _late(due: datetime | date | None, now: datetime, body: ReviewBody | None = None) -> bool:
    """Past due at ``now``: a day is past once it is over in the zone of ``body``."""
    if due is None:
        return False
    if isinstance(due, datetime):
        return due < now
    zone = zone_of(body.organisation) if body is not None else None
    return due < local_date(now, zone)


def _app_task(
    role: str,
    action: str,
    app: Application,
    url: str,
    now: datetime,
    due: datetime | date | None = None,
) -> Task:
    return Task(
        role=role,
        action=action,
        url=url,
        subject=app.reference,
        title=app.title,
        application=app,
        due=due,
        overdue=_late(due, now, app.body),
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


def _applicant_apps(orgs: QuerySet[Organisation]) -> QuerySet[Application]:
    return Application.objects.filter(organisation__in=orgs).select_related(
        "system", "organisation", "body__organisation"
    )


def _applicant_tasks(user: User, now: datetime) -> list[Task] | None:
    """Drafts, notices, questions, conditions, resubmissions and follow-ups of ``user``'s units."""
    orgs = organisations_where(user, bodies_selectors.APPLICANT_ROLES)
    if not orgs.exists():
        return None
    tasks: list[Task] = []
    status = Application.Status
    for app in _applicant_apps(orgs).filter(status=status.DRAFT)[:DASHBOARD_LIMIT]:
        tasks.append(_app_task("applicant", "submit", app, _app_url(app), now))
    for app in _applicant_apps(orgs).filter(status=status.INCOMPLETE)[:DASHBOARD_LIMIT]:
        tasks.append(_app_task("applicant", "notice", app, _app_url(app, anchor="#notice"), now))
    # A question of the reviewers is answered by a reply, while the review is open.
    asked = (
        Comment.objects.filter(
            application__organisation__in=orgs,
            application__status__in=meetings_selectors.WORKSPACE_STATUSES,
            kind=Comment.Kind.QUESTION,
        )
        .exclude(replies__kind=Comment.Kind.REPLY)
        .values_list("application_id", flat=True)
    )
    for app in _applicant_apps(orgs).filter(pk__in=asked)[:DASHBOARD_LIMIT]:
        url = _app_url(app, page="workspace/")
        tasks.append(_app_task("applicant", "question", app, url, now))
    # Conditions of an approval after modification stand until the first follow-up report.
    conditional = (
        _applicant_apps(orgs)
        .filter(status=status.DECIDED, decision=DecisionType.APPROVE_AFTER_MODIFICATION)
        .exclude(follow_ups__reported_at__isnull=False)
        .order_by("-decided_at", "-pk")
    )
    for app in conditional[:DASHBOARD_LIMIT]:
        if app.required_changes:
            tasks.append(_app_task("applicant", "conditions", app, _app_url(app), now))
    resubmitted = Application.objects.filter(kind=Application.Kind.RESUBMISSION).exclude(
        status=status.WITHDRAWN
    )
    to_resubmit = (
        _applicant_apps(orgs)
        .filter(status=status.DECIDED, decision=DecisionType.RE_REVIEW_AFTER_MODIFICATION)
        .exclude(pk__in=resubmitted.values("previous_id"))
    )
    for app in to_resubmit[:DASHBOARD_LIMIT]:
        url = _app_url(app, anchor="#aftercare-panel")
        tasks.append(_app_task("applicant", "resubmit", app, url, now))
    # Follow-ups due within the reminders' window (or overdue), the activity still approved
    # and no later review of it open (then the report goes in through that review).
    due = aftercare_selectors.follow_ups_due(
        local_date(now), within_days=FOLLOW_UP_WINDOW_DAYS
    ).filter(application__organisation__in=orgs)
    for follow_up in due[:DASHBOARD_LIMIT]:
        app = follow_up.application
        if not app.is_approved or aftercare_selectors.open_later_review(app) is not None:
            continue
        url = reverse("reviews:aftercare_follow_up_report", args=[app.pk, follow_up.pk])
        tasks.append(_app_task("applicant", "follow_up", app, url, now, due=follow_up.due_on))
    return _ordered(tasks)


def _member_tasks(user: User, now: datetime) -> list[Task] | None:
    """Declarations, findings, opinions and votes owed by ``user`` as a roster member."""
    members = list(
        Member.objects.filter(user=user, active=True).select_related("body__organisation")
    )
    if not members:
        return None
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
    rows = Declaration.objects.filter(application_id__in=app_ids, member_id__in=member_ids)
    # Only the member's own declaration counts; a row holding only the conflicts the rules
    # detected at acceptance is none (the member still declares, then stands aside).
    declared: set[int] = set()
    recused: set[int] = set()
    for row in rows.only("application_id", "submitted_at", "recused", "detected_grounds"):
        if row.submitted_at is not None:
            declared.add(row.application_id)
        if row.recused or row.detected_grounds:
            recused.add(row.application_id)
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
    # A vote is cast by a member recorded present at the meeting, once, on an open item.
    present_meetings = Attendance.objects.filter(member_id__in=member_ids, present=True).values(
        "meeting_id"
    )
    open_items = {
        item.application_id: item
        for item in AgendaItem.objects.filter(
            application_id__in=app_ids,
            voting_open=True,
            closed_at__isnull=True,
            meeting_id__in=present_meetings,
        ).select_related("meeting")
    }
    voted = set(
        Vote.objects.filter(
            item__in=list(open_items.values()), member_id__in=member_ids
        ).values_list("item__application_id", flat=True)
    )
    tasks: list[Task] = []
    for app in apps:
        member = by_body[app.body_id]
        if app.pk not in declared:
            tasks.append(
                _app_task("member", "declare", app, _declaration_url(app), now, app.due_at)
            )
        if app.pk in recused or member.role == "consultant":
            continue
        if app.procedure == Procedure.SIMPLIFIED:
            if app.pk in opinions_open:
                url = _app_url(app, page="simplified/")
                tasks.append(_app_task("member", "opinion", app, url, now, app.due_at))
        elif app.pk not in found:
            url = _app_url(app, page="workspace/")
            tasks.append(_app_task("member", "finding", app, url, now, app.due_at))
        item = open_items.get(app.pk)
        if item is not None and app.pk not in voted:
            url = reverse("reviews:meeting_detail", args=[item.meeting_id]) + f"#item-{item.pk}"
            tasks.append(_app_task("member", "vote", app, url, now, app.due_at))
    return tasks


def _declaration_url(app: Application) -> str:
    return reverse("reviews:declaration", args=[app.pk])


def _member_queue(tasks: list[Task]) -> list[dict[str, Any]]:
    """The member's tasks by application: ``todo`` lists the actions, in the order owed."""
    rows: dict[int, dict[str, Any]] = {}
    for task in tasks:
        app = task.application
        if app is None:
            continue
        row = rows.setdefault(app.pk, {"application": app, "todo": [], "deadline": app.due_at})
        row["todo"].append(task.action)
    return list(rows.values())


def _declarations(user: User) -> list[Declaration]:
    """The member's own recent declarations (not the rows of conflicts only detected)."""
    return list(
        Declaration.objects.filter(
            member__user=user, member__active=True, submitted_at__isnull=False
        )
        .select_related("application", "member")
        .order_by("-declared_at")[:DASHBOARD_LIMIT]
    )


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
                held_on=local_date(meeting.scheduled_for, zone_of(body.organisation)),
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


def _chaired_bodies(user: User) -> list[ReviewBody]:
    """The review bodies ``user`` chairs (chair or vice-chair on the roster, the body's chair
    or administrator, a superuser)."""
    return [
        b for b in bodies_selectors.bodies_visible_to(user) if bodies_selectors.can_chair(user, b)
    ]


def _chair_tasks(bodies: list[ReviewBody], now: datetime) -> list[Task]:
    """What waits for the chair of ``bodies`` at ``now``."""
    body_ids = [b.pk for b in bodies]
    status = Application.Status
    apps = Application.objects.filter(body_id__in=body_ids).select_related(
        "system", "body__organisation"
    )
    tasks: list[Task] = []
    # Submitted (a new application, a follow-up report, a risk change): accept it, or send
    # the one notice of missing materials.
    for app in apps.filter(status=status.SUBMITTED).order_by("submitted_at", "pk")[
        :DASHBOARD_LIMIT
    ]:
        tasks.append(_app_task("chair", "accept", app, _app_url(app, anchor="#chair-actions"), now))
    # Under the general or emergency procedure and on no pending agenda: convene a meeting.
    pending = (
        AgendaItem.objects.filter(closed_at__isnull=True)
        .exclude(meeting__status=Meeting.Status.CLOSED)
        .values("application_id")
    )
    waiting = (
        apps.filter(status=status.UNDER_REVIEW, procedure__in=MEETING_PROCEDURES)
        .exclude(pk__in=pending)
        .order_by("due_at", "pk")
    )
    for app in waiting[:DASHBOARD_LIMIT]:
        url = reverse("reviews:meeting_list", args=[app.body_id])
        tasks.append(_app_task("chair", "convene", app, url, now, app.due_at))
    # Open votes: close and count them.
    open_items = (
        AgendaItem.objects.filter(
            meeting__body_id__in=body_ids, voting_open=True, closed_at__isnull=True
        )
        .select_related("application__system", "application__body__organisation")
        .order_by("meeting__scheduled_for", "position", "pk")
    )
    for item in open_items[:DASHBOARD_LIMIT]:
        app = item.application
        url = reverse("reviews:meeting_detail", args=[item.meeting_id]) + f"#item-{item.pk}"
        tasks.append(_app_task("chair", "close_vote", app, url, now, app.due_at))
    # Meetings whose time has come and that are not closed (no vote open): hold them
    # (attendance, declarations, votes), or close them once every item is voted on.
    held = (
        Meeting.objects.filter(body_id__in=body_ids, scheduled_for__lte=now)
        .exclude(status=Meeting.Status.CLOSED)
        .exclude(items__voting_open=True)
        .select_related("body__organisation")
        .prefetch_related("items__application")
        .order_by("scheduled_for", "pk")
    )
    for meeting in held[:DASHBOARD_LIMIT]:
        undecided = [i for i in meeting.items.all() if i.closed_at is None]
        tasks.append(
            Task(
                role="chair",
                action="hold_meeting" if undecided else "close_meeting",
                url=reverse("reviews:meeting_detail", args=[meeting.pk]),
                subject=meeting.body.organisation.name,
                title=", ".join(i.application.reference for i in undecided),
                due=meeting.scheduled_for,
            )
        )
    # The simplified procedure: name the reviewers, or conclude once they concur.
    simplified = list(
        apps.filter(status=status.UNDER_REVIEW, procedure=Procedure.SIMPLIFIED).order_by(
            "due_at", "pk"
        )[:DASHBOARD_LIMIT]
    )
    counts = {
        row["application_id"]: (row["named"], row["awaiting"])
        for row in SimplifiedOpinion.objects.filter(application__in=simplified)
        .values("application_id")
        .annotate(named=Count("pk"), awaiting=Count("pk", filter=Q(given_at__isnull=True)))
    }
    for app in simplified:
        named, awaiting = counts.get(app.pk, (0, 0))
        url = _app_url(app, page="simplified/")
        if not named:
            tasks.append(_app_task("chair", "name_reviewers", app, url, now, app.due_at))
        elif not awaiting and meetings_selectors.state(app)["status"] == "awaiting_chair":
            tasks.append(_app_task("chair", "conclude_simplified", app, url, now, app.due_at))
    # Appeals against decisions of the body.
    appeals = (
        Appeal.objects.filter(application__body_id__in=body_ids, outcome=Appeal.Outcome.PENDING)
        .select_related("application__system", "application__body__organisation")
        .order_by("filed_at", "pk")
    )
    for appeal in appeals[:DASHBOARD_LIMIT]:
        url = reverse("reviews:appeal_decide", args=[appeal.pk])
        tasks.append(_app_task("chair", "decide_appeal", appeal.application, url, now))
    tasks.extend(_deadline_tasks(apps, now))
    return _ordered(tasks)


def _deadline_tasks(apps: QuerySet[Application], now: datetime) -> list[Task]:
    """Open applications whose decision is due within :data:`DEADLINE_WINDOW`, or overdue."""
    soon = apps.filter(
        status__in=[Application.Status.UNDER_REVIEW, Application.Status.EXPERT_REVIEW],
        due_at__isnull=False,
        due_at__lte=now + DEADLINE_WINDOW,
    ).order_by("due_at", "pk")
    return [
        _app_task("chair", "deadline", app, _app_url(app), now, app.due_at)
        for app in soon[:DASHBOARD_LIMIT]
    ]


def _agenda(bodies: list[ReviewBody], now: datetime) -> list[dict[str, Any]]:
    """The meetings of ``bodies`` not closed, from yesterday on, with their agenda."""
    meetings = list(
        Meeting.objects.filter(
            body_id__in=[b.pk for b in bodies],
            status__in=[Meeting.Status.SCHEDULED, Meeting.Status.OPEN],
        )
        .filter(scheduled_for__gte=now - timedelta(days=1))
        .select_related("body__organisation")
        .order_by("scheduled_for", "pk")[:10]
    )
    return [
        {
            "meeting": m,
            "items": list(m.items.select_related("application").order_by("position", "pk")),
        }
        for m in meetings
    ]


def _jurisdiction(user: User) -> list[Organisation]:
    return [
        m.organisation
        for m in memberships_of(user)
        if m.organisation.kind in REGULATOR_KINDS and m.role in bodies_selectors.AUTHORITY_ROLES
    ]


def _authority_tasks(user: User, regulators: list[Organisation], now: datetime) -> list[Task]:
    """Panels to form, re-reviews to conclude, overdue filings of the bodies in jurisdiction."""
    tasks: list[Task] = []
    reviews = (
        expert_selectors.expert_reviews_for_authority(user)
        .filter(status__in=[ExpertReview.Status.REQUESTED, ExpertReview.Status.PANEL_FORMED])
        .select_related("application__system", "application__body__organisation")
        .order_by("due_at", "pk")
    )
    for review in reviews[:DASHBOARD_LIMIT]:
        action = "form_panel" if review.status == ExpertReview.Status.REQUESTED else "conclude"
        url = reverse("reviews:expert_review", args=[review.pk])
        tasks.append(_app_task("authority", action, review.application, url, now, review.due_at))
    # registration.committee_days / registration.annual_report_due (Measures 2023 Art. 44, 45):
    # the filings past their due day and still not made, each on the body's own calendar.
    query = Q(pk__in=[])
    for org in regulators:
        query |= Q(organisation__path__startswith=org.path)
    bodies = ReviewBody.objects.filter(query).select_related("organisation__parent").order_by("pk")
    for body in bodies[:DASHBOARD_LIMIT]:
        try:
            reminders = bodies_selectors.reminders(
                body, local_date(now, zone_of(body.organisation))
            )
        except ValidationError:
            continue  # dates on record the rules cannot read; the body's page says why
        for reminder in reminders.overdue:
            tasks.append(
                Task(
                    role="authority",
                    action=reminder.kind,
                    url=reverse("reviews:body_detail", args=[body.pk]),
                    subject=body.organisation.name,
                    due=reminder.due,
                    overdue=True,
                    year=reminder.year,
                )
            )
    return _ordered(tasks)


def _expert_tasks(user: User, now: datetime) -> list[Task]:
    """On each panel ``user`` sits on: declare interests, then give a view once it is formed."""
    seats = (
        PanelExpert.objects.filter(user=user, view="")
        .exclude(review__status=ExpertReview.Status.CONCLUDED)
        .select_related("review__application__system", "review__application__body__organisation")
        .order_by("review__due_at", "pk")
    )
    tasks: list[Task] = []
    for seat in seats[:DASHBOARD_LIMIT]:
        review = seat.review
        if not seat.interests_declared:
            action = "expert_declare"
        elif review.status == ExpertReview.Status.PANEL_FORMED:
            action = "expert_vote"
        else:
            continue  # declared; the panel is not formed yet
        url = reverse("reviews:expert_seat", args=[seat.pk])
        tasks.append(_app_task("expert", action, review.application, url, now, review.due_at))
    return _ordered(tasks)


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
    board.applicant_tasks = _applicant_tasks(user, now)
    member_tasks = _member_tasks(user, now)
    if member_tasks is not None:
        board.member_tasks = _ordered(member_tasks)
        board.member_queue = _member_queue(member_tasks)
        board.declarations = _declarations(user)
    bodies = _chaired_bodies(user)
    if bodies:
        board.chair_tasks = _chair_tasks(bodies, now)
        board.chair_meetings = _agenda(bodies, now)
        board.chair_quorum = (
            _quorum(board.chair_meetings[0]["meeting"]) if board.chair_meetings else None
        )
        board.chair_at_risk = [
            {"application": t.application, "due_at": t.due, "overdue": t.overdue}
            for t in board.chair_tasks
            if t.action == "deadline"
        ]
    stats = authority_statistics(user)
    if stats is not None:
        board.authority_stats = stats
        board.authority_tasks = _authority_tasks(user, _jurisdiction(user), now)
        board.authority_pending = list(
            expert_selectors.expert_reviews_for_authority(user)
            .exclude(status=ExpertReview.Status.CONCLUDED)
            .order_by("due_at", "pk")[:DASHBOARD_LIMIT]
        )
    if user.is_authenticated and (
        PanelExpert.objects.filter(user=user).exists()
        or organisations_where(user, ["expert"]).exists()
    ):
        board.expert_tasks = _expert_tasks(user, now)
        # Experts: the re-review panels they sit on that are not concluded yet.
        board.expert_seats = list(
            PanelExpert.objects.filter(user=user)
            .exclude(review__status=ExpertReview.Status.CONCLUDED)
            .select_related("review__application")
            .order_by("review__due_at", "pk")[:DASHBOARD_LIMIT]
        )
    return board


def dashboard_summary(user: User, *, now: datetime | None = None) -> dict[str, Any]:
    """The dashboard as JSON (for the API): the same sections and queues as the page."""
    board = dashboard(user, now=now)

    def app_ref(app: Application) -> dict[str, Any]:
        return {"id": app.pk, "reference": app.reference, "title": app.title, "status": app.status}

    out: dict[str, Any] = {"roles": [], "unread_notifications": unread_count(user), "queues": {}}
    for role in ROLES:
        tasks = board.tasks(role)
        if tasks is not None:
            out["queues"][role] = [t.to_json() for t in tasks]
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
    if board.expert_seats is not None:
        out["roles"].append("expert")
        out["expert"] = [
            {
                **app_ref(seat.review.application),
                "seat": seat.pk,
                "review_status": seat.review.status,
                "due_at": _iso(seat.review.due_at),
                "interests_declared": seat.interests_declared,
                "voted": bool(seat.view),
            }
            for seat in board.expert_seats
        ]
    return out
