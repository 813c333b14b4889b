"""Reads and predicates of records (export, retention, decision letters); nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from tianping.web.accounts.models import Organisation
from tianping.web.core.timezones import zone_name, zone_of
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.bodies import selectors as bodies_selectors
from tianping.web.reviews.models import (
    AgendaItem,
    Application,
    Attachment,
    DecisionLetterJob,
    Declaration,
    ExpertReview,
    ReviewEvent,
    SimplifiedOpinion,
    Vote,
)

LANGUAGES = ("zh-Hans", "en", "both")

CLOSED_STATUSES = (
    Application.Status.DECIDED,
    Application.Status.TERMINATED,
    Application.Status.WITHDRAWN,
)


def letter_job_get(user: User, job_id: UUID | str) -> DecisionLetterJob:
    """The letter job ``job_id`` if ``user`` may see its application; otherwise 404."""
    try:
        job = DecisionLetterJob.objects.select_related("application").get(pk=job_id)
    except (DecisionLetterJob.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
    applications_selectors.application_get(user, job.application_id)
    return job


def letter_jobs_of(user: User, application: Application) -> list[DecisionLetterJob]:
    return list(application.letter_jobs.defer("pdf").order_by("-created_at")[:5])


RECORD_FORMAT = "tianping.review-record/1"


DEFAULT_RETENTION_YEARS = 5


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat()


def _username(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


def _org(org: Organisation | None) -> dict[str, Any] | None:
    if org is None:
        return None
    return {"id": org.pk, "name": org.name}


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
            "time_zone": zone_name(zone_of(app.body.organisation)),
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
            "tianping ledger prove LOG INDEX --json receipt.json; "
            "tianping ledger verify-receipt receipt.json --key VKEY"
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


def record_for(user: User, application_id: object) -> dict[str, Any]:
    """The record of an application ``user`` may see (404 otherwise)."""
    app = applications_selectors.application_get(user, application_id)
    return application_record(app)


def require_decided(application: Application) -> None:
    if not application.decision or application.status not in {
        Application.Status.DECIDED,
        Application.Status.SUSPENDED,
        Application.Status.TERMINATED,
    }:
        raise ValidationError(_("A decision letter exists only for a decided application."))


def can_request_letter(user: User, application: Application) -> bool:
    return applications_selectors.is_applicant(user, application) or bodies_selectors.can_chair(
        user, application.body
    )


def check_can_request_letter(user: User, application: Application) -> None:
    if not can_request_letter(user, application):
        raise PermissionDenied(_("Only the applicant or the chair may request a decision letter."))
