"""The complete record of an application, retention, notifications and role dashboards.

:func:`application_record` gathers everything that happened to one
application — its bundle (names, sizes and hashes, never the bytes), the
procedure and its deadlines, declarations, meetings and votes, opinions, the
decision, the expert re-review, appeals, follow-ups, the timeline and where
each timeline entry sits in the platform ledger — as one JSON-able mapping
with a fixed key order and ISO 8601 times. The CLI (``tianping review
export``), the JSON download and the decision letter all read it.

:func:`records_purge` applies the retention period: the contents of
attachments and rendered letters of applications closed longer ago than
``TIANPING_REVIEW_RETENTION_YEARS`` (default 5) are deleted, their names,
sizes and SHA-256 kept, and the purge is appended to the timeline and the
ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tianping import review as lib
from tianping.web.accounts.models import REGULATOR_KINDS, Organisation
from tianping.web.accounts.selectors import memberships_of, organisations_where
from tianping.web.reviews import selectors
from tianping.web.reviews.models import (
    AgendaItem,
    Application,
    Attachment,
    DecisionLetterJob,
    Declaration,
    ExpertReview,
    Meeting,
    Member,
    Notification,
    PanelExpert,
    ReviewEvent,
    SimplifiedOpinion,
    Vote,
)
from tianping.web.reviews.services import common, decisions

RECORD_FORMAT = "tianping.review-record/1"
DEFAULT_RETENTION_YEARS = 5
DASHBOARD_LIMIT = 50

CLOSED_STATUSES = (
    Application.Status.DECIDED,
    Application.Status.TERMINATED,
    Application.Status.WITHDRAWN,
)


# --- helpers ------------------------------------------------------------------------------


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat()


def _username(user: AbstractBaseUser | None) -> str | None:
    return user.get_username() if user is not None else None


def _org(org: Organisation | None) -> dict[str, Any] | None:
    if org is None:
        return None
    return {"id": org.pk, "name": org.name}


# --- the record ---------------------------------------------------------------------------


def _application_part(app: Application) -> dict[str, Any]:
    return {
        "id": app.pk,
        "reference": app.reference,
        "system": {"id": app.system_id, "name": app.system.name},
        "organisation": _org(app.organisation),
        "body": {
            "id": app.body_id,
            "name": app.body.organisation.name,
            "rule_set": app.body.rule_set,
            "review_centre": app.body.is_review_centre,
        },
        "entrustment": (
            {
                "id": app.entrustment_id,
                "agreement_reference": app.entrustment.agreement_reference,
            }
            if app.entrustment is not None
            else None
        ),
        "kind": app.kind,
        "previous_reference": app.previous.reference if app.previous is not None else None,
        "title": app.title,
        "summary": app.summary,
        "tier": app.tier,
        "listed_activity": app.listed_activity,
        "status": app.status,
        "self_assessment": app.self_assessment or {},
        "submitted_at": _iso(app.submitted_at),
        "created_at": _iso(app.created_at),
        "version": app.version,
    }


def _bundle_part(app: Application) -> list[dict[str, Any]]:
    attachments = Attachment.objects.filter(application=app).order_by("kind", "pk")
    with_content = set(attachments.filter(data__isnull=False).values_list("pk", flat=True))
    rows = attachments.values(
        "pk", "kind", "name", "content_type", "size", "sha256", "waived_reason", "evidence_id"
    )
    return [
        {
            "id": row["pk"],
            "kind": row["kind"],
            "name": row["name"],
            "content_type": row["content_type"],
            "size": row["size"],
            "sha256": row["sha256"],
            "waived_reason": row["waived_reason"],
            "evidence_id": row["evidence_id"],
            "content_retained": row["pk"] in with_content,
        }
        for row in rows
    ]


def _procedure_part(app: Application) -> dict[str, Any]:
    return {
        "procedure": app.procedure,
        "ground": app.procedure_ground,
        "accepted_at": _iso(app.accepted_at),
        "due_at": _iso(app.due_at),
        "extensions": [
            {"hours": e.hours, "reason": e.reason, "granted_at": _iso(e.granted_at)}
            for e in app.extensions.order_by("granted_at", "pk")
        ],
    }


def _declarations_part(app: Application) -> list[dict[str, Any]]:
    return [
        {
            "member": d.member.name,
            "role": d.member.role,
            "has_conflict": d.has_conflict,
            "detected_grounds": list(d.detected_grounds or []),
            "recused": d.recused,
            "declared_at": _iso(d.declared_at),
        }
        for d in Declaration.objects.filter(application=app)
        .select_related("member")
        .order_by("member__name", "pk")
    ]


def _meetings_part(app: Application) -> list[dict[str, Any]]:
    items = (
        AgendaItem.objects.filter(application=app)
        .select_related("meeting")
        .order_by("meeting__scheduled_for", "pk")
    )
    out = []
    for item in items:
        meeting = item.meeting
        attendance = [
            {
                "member": a.member.name,
                "present": a.present,
                "role": a.member.role,
                "disciplines": list(a.member.disciplines),
            }
            for a in meeting.attendance.select_related("member").order_by("member__name", "pk")
        ]
        votes = [
            {"member": v.member.name, "choice": v.choice, "cast_at": _iso(v.cast_at)}
            for v in Vote.objects.filter(item=item)
            .select_related("member")
            .order_by("member__name", "pk")
        ]
        out.append(
            {
                "meeting_id": meeting.pk,
                "scheduled_for": _iso(meeting.scheduled_for),
                "status": meeting.status,
                "consultants": list(meeting.consultants or []),
                "attendance": attendance,
                "votes": votes,
                "tally": item.tally,
                "closed_at": _iso(item.closed_at),
            }
        )
    return out


def _opinions_part(app: Application) -> list[dict[str, Any]]:
    return [
        {
            "member": o.member.name,
            "view": o.view,
            "doubt": o.doubt,
            "requests_meeting": o.requests_meeting,
            "comment": o.comment,
            "named_at": _iso(o.named_at),
            "given_at": _iso(o.given_at),
        }
        for o in SimplifiedOpinion.objects.filter(application=app)
        .select_related("member")
        .order_by("member__name", "pk")
    ]


def _decision_part(app: Application) -> dict[str, Any] | None:
    if not app.decision:
        return None
    return {
        "type": app.decision,
        "basis": app.decision_basis,
        "required_changes": list(app.required_changes or []),
        "reasons": list(app.reasons or []),
        "decided_at": _iso(app.decided_at),
        "follow_up_due": _iso(app.follow_up_due),
    }


def _expert_part(app: Application) -> dict[str, Any] | None:
    review = ExpertReview.objects.filter(application=app).select_related("authority").first()
    if review is None:
        return None
    return {
        "authority": _org(review.authority),
        "status": review.status,
        "preliminary_decision": review.preliminary_decision,
        "preliminary_text": review.preliminary_text,
        "requested_at": _iso(review.requested_at),
        "due_at": _iso(review.due_at),
        "panel": [
            {
                "name": p.name,
                "disciplines": list(p.disciplines),
                "affiliation": p.affiliation,
                "interests_declared": p.interests_declared,
                "interests": list(p.interests or []),
                "view": p.view,
                "voted_at": _iso(p.voted_at),
            }
            for p in review.panel.order_by("name", "pk")
        ],
        "opinion": review.opinion,
        "outcome": review.outcome,
        "concluded_at": _iso(review.concluded_at),
    }


def _appeals_part(app: Application) -> list[dict[str, Any]]:
    return [
        {
            "id": a.pk,
            "grounds": a.grounds,
            "filed_at": _iso(a.filed_at),
            "outcome": a.outcome,
            "response": a.response,
            "decided_at": _iso(a.decided_at),
        }
        for a in app.appeals.order_by("filed_at", "pk")
    ]


def _follow_ups_part(app: Application) -> list[dict[str, Any]]:
    return [
        {
            "id": f.pk,
            "kind": f.kind,
            "due_on": _iso(f.due_on),
            "reported_at": _iso(f.reported_at),
            "review_reference": f.review.reference if f.review is not None else None,
        }
        for f in app.follow_ups.select_related("review").order_by("due_on", "pk")
    ]


def _timeline_part(events: list[ReviewEvent]) -> list[dict[str, Any]]:
    return [
        {
            "kind": e.kind,
            "actor": _username(e.actor),
            "at": _iso(e.at),
            "payload": e.payload,
            "ledger_index": e.ledger_index,
        }
        for e in events
    ]


def _ledger_part(app: Application, events: list[ReviewEvent]) -> dict[str, Any]:
    from tianping.web.operations.selectors import platform_log_find

    log = platform_log_find()
    indices = [e.ledger_index for e in events if e.ledger_index is not None]
    receipts = f"/api/systems/{app.system_id}/ledger/platform/receipts"
    return {
        "log": "platform",
        "origin": log.origin if log is not None else None,
        "size": log.size if log is not None else 0,
        "entries": [
            {
                "index": e.ledger_index,
                "kind": f"review.{e.kind}",
                "receipt": f"{receipts}/{e.ledger_index}",
            }
            for e in events
            if e.ledger_index is not None
        ],
        "decision_indices": [
            e.ledger_index
            for e in events
            if e.ledger_index is not None and e.kind in {"decided", "expert_review_requested"}
        ],
        "verify": (
            "tianping ledger prove LOG INDEX --json; tianping ledger verify-receipt RECEIPT "
            "--key VKEY"
        )
        if indices
        else None,
    }


def application_record(application: Application) -> dict[str, Any]:
    """The complete record of ``application`` as a JSON-able mapping (see the module doc).

    Attachment contents never enter it: each attachment is named with its
    size and SHA-256. People on the roster and panel are named (the record is
    the committee's archive); the ledger part carries only indices, kinds and
    where to fetch each entry's receipt.
    """
    app = (
        Application.objects.select_related(
            "system", "organisation", "body__organisation", "entrustment", "previous"
        )
        .filter(pk=application.pk)
        .get()
    )
    events = list(ReviewEvent.objects.filter(application=app).select_related("actor"))
    return {
        "format": RECORD_FORMAT,
        "application": _application_part(app),
        "bundle": _bundle_part(app),
        "notice": {"notice": app.notice, "sent_at": _iso(app.notice_sent_at)}
        if app.notice is not None
        else None,
        "procedure": _procedure_part(app),
        "declarations": _declarations_part(app),
        "meetings": _meetings_part(app),
        "simplified_opinions": _opinions_part(app),
        "decision": _decision_part(app),
        "expert_review": _expert_part(app),
        "appeals": _appeals_part(app),
        "follow_ups": _follow_ups_part(app),
        "timeline": _timeline_part(events),
        "ledger": _ledger_part(app, events),
    }


def application_find(ident: str) -> Application | None:
    """The application with numeric id or reference ``ident`` (no permission check: CLI)."""
    ident = str(ident).strip()
    qs = Application.objects.select_related("system", "organisation", "body__organisation")
    if ident.isdigit() and len(ident) < 19:
        return qs.filter(pk=int(ident)).first()
    return qs.filter(reference__iexact=ident).first()


# --- retention ----------------------------------------------------------------------------


def retention_years() -> int:
    """Years a closed application's files are kept (``TIANPING_REVIEW_RETENTION_YEARS``)."""
    # REGULATORY_FACTS retention: configurable; at least 5 years after the activity ends
    # is suggested (confidence "?"), so 5 is the default.
    raw = getattr(settings, "TIANPING_REVIEW_RETENTION_YEARS", DEFAULT_RETENTION_YEARS)
    try:
        years = int(raw)
    except (TypeError, ValueError):
        return DEFAULT_RETENTION_YEARS
    return max(years, 1)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass
class PurgeReport:
    """What :func:`records_purge` did (or would do, on a dry run)."""

    cutoff: date
    dry_run: bool
    applications: list[str] = field(default_factory=list)
    attachments: int = 0
    letters: int = 0
    bytes: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "dry_run": self.dry_run,
            "applications": list(self.applications),
            "attachments": self.attachments,
            "letters": self.letters,
            "bytes": self.bytes,
        }


def purge_candidates(cutoff: date) -> list[Application]:
    """Closed applications whose decision (or closing) is older than ``cutoff``, with content."""
    closed_before = Q(decided_at__date__lt=cutoff) | Q(
        decided_at__isnull=True,
        status__in=[Application.Status.TERMINATED, Application.Status.WITHDRAWN],
        updated_at__date__lt=cutoff,
    )
    has_content = Q(attachments__data__isnull=False) | Q(letter_jobs__pdf__isnull=False)
    ids = (
        Application.objects.filter(status__in=CLOSED_STATUSES)
        .filter(closed_before)
        .filter(has_content)
        .values_list("pk", flat=True)
        .distinct()
    )
    return list(
        Application.objects.filter(pk__in=list(ids))
        .select_related("system", "organisation", "body__organisation")
        .order_by("pk")
    )


def records_purge(*, today: date | None = None, dry_run: bool = False) -> PurgeReport:
    """Delete attachment contents and letter PDFs of applications past the retention period.

    Names, sizes and SHA-256 stay, so the record still proves what was
    filed. Each purged application gets a ``records_purged`` timeline event
    and ledger entry (counts only). ``dry_run`` changes nothing and reports
    what would go.
    """
    today = today or timezone.localdate()
    cutoff = _years_before(today, retention_years())
    report = PurgeReport(cutoff=cutoff, dry_run=dry_run)
    for app in purge_candidates(cutoff):
        attachments = Attachment.objects.filter(application=app, data__isnull=False)
        letters = DecisionLetterJob.objects.filter(application=app, pdf__isnull=False)
        n_att = attachments.count()
        n_letters = letters.count()
        size = sum(attachments.values_list("size", flat=True))
        report.applications.append(app.reference)
        report.attachments += n_att
        report.letters += n_letters
        report.bytes += size
        if dry_run:
            continue
        with transaction.atomic():
            locked = common.locked(app.pk)
            Attachment.objects.filter(application=locked, data__isnull=False).update(data=None)
            DecisionLetterJob.objects.filter(application=locked, pdf__isnull=False).update(pdf=None)
            common.bump(locked)
            common.record(
                locked,
                actor=None,
                kind="records_purged",
                payload={
                    "attachments": n_att,
                    "letters": n_letters,
                    "bytes": size,
                    "cutoff": cutoff.isoformat(),
                    "retention_years": retention_years(),
                },
            )
    return report


# --- notifications ------------------------------------------------------------------------


def notifications_of(
    user: AbstractBaseUser, *, limit: int = 100, unread: bool = False
) -> list[Notification]:
    """``user``'s notifications, newest first (only the unread ones with ``unread``)."""
    qs = Notification.objects.filter(user=user).select_related("application")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[: max(limit, 1)])


def unread_count(user: AbstractBaseUser) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, actor: AbstractBaseUser, notification_id: object) -> Notification:
    """Mark one of ``actor``'s notifications read (another user's: ValidationError-free 404)."""
    from django.http import Http404

    try:
        note = Notification.objects.get(pk=int(str(notification_id)), user=actor)
    except (Notification.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


def notifications_mark_all_read(*, actor: AbstractBaseUser) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- dashboards ---------------------------------------------------------------------------


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
    rules = common.rules_for(app.body)
    attachments = [
        lib.Attachment(kind=a.kind, name=a.name, waived_reason=a.waived_reason or None)
        for a in app.attachments.all()
        if a.kind
    ]
    try:
        result = lib.check_application_bundle(attachments, rules=rules)
    except lib.ReviewError:
        return []
    return [common.text(item.label) for item in result.missing]


def _next_deadline(app: Application) -> datetime | date | None:
    if app.status == Application.Status.EXPERT_REVIEW:
        review = getattr(app, "expert_review", None)
        return review.due_at if review is not None else None
    if app.is_open:
        return app.due_at
    if app.follow_up_due is not None and app.status == Application.Status.DECIDED:
        return app.follow_up_due
    return None


def _applicant_section(user: AbstractBaseUser) -> list[dict[str, Any]] | None:
    orgs = organisations_where(user, selectors.APPLICANT_ROLES)
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
    user: AbstractBaseUser,
) -> tuple[list[dict[str, Any]] | None, list[Declaration] | None]:
    members = list(
        Member.objects.filter(user=user, active=True).select_related("body__organisation")
    )
    if not members:
        return None, None
    by_body = {m.body_id: m for m in members}
    apps = (
        Application.objects.filter(
            body_id__in=list(by_body), status=Application.Status.UNDER_REVIEW
        )
        .select_related("system", "body__organisation")
        .order_by("due_at", "pk")[:DASHBOARD_LIMIT]
    )
    apps = list(apps)
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
    committee = common.library_committee(body)
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
            rules=common.rules_for(body),
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
        "findings": [f.describe(common.language()) for f in result.findings],
    }


def _chair_section(
    user: AbstractBaseUser, now: datetime
) -> tuple[list[dict[str, Any]] | None, dict[str, Any] | None, list[dict[str, Any]] | None]:
    bodies = [b for b in selectors.bodies_visible_to(user) if selectors.can_chair(user, b)]
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
    margin = decisions.overdue_margin()
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
        {"application": a, "due_at": a.due_at, "overdue": a.due_at < now} for a in at_risk_apps
    ]
    return agenda, quorum, at_risk


def _jurisdiction(user: AbstractBaseUser) -> list[Organisation]:
    return [
        m.organisation
        for m in memberships_of(user)
        if m.organisation.kind in REGULATOR_KINDS and m.role in selectors.AUTHORITY_ROLES
    ]


def authority_statistics(user: AbstractBaseUser) -> dict[str, Any] | None:
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


def dashboard(user: AbstractBaseUser, *, now: datetime | None = None) -> Dashboard:
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
            selectors.expert_reviews_for_authority(user)
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


def dashboard_summary(user: AbstractBaseUser) -> dict[str, Any]:
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


# --- reading permission -------------------------------------------------------------------


def record_for(user: AbstractBaseUser, application_id: object) -> dict[str, Any]:
    """The record of an application ``user`` may see (404 otherwise)."""
    app = selectors.application_get(user, application_id)
    return application_record(app)


def require_decided(application: Application) -> None:
    if not application.decision or application.status not in {
        Application.Status.DECIDED,
        Application.Status.SUSPENDED,
        Application.Status.TERMINATED,
    }:
        raise ValidationError(_("A decision letter exists only for a decided application."))


def can_request_letter(user: AbstractBaseUser, application: Application) -> bool:
    return selectors.is_applicant(user, application) or selectors.can_chair(user, application.body)


def check_can_request_letter(user: AbstractBaseUser, application: Application) -> None:
    if not can_request_letter(user, application):
        raise PermissionDenied(_("Only the applicant or the chair may request a decision letter."))
