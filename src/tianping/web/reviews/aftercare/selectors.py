"""Reads and predicates of aftercare; nothing here writes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tianping.web.core.validation import check_pk
from tianping.web.reviews.models import (
    Application,
    Comment,
    DecisionType,
    FollowUp,
)

LATER_KINDS = (Application.Kind.FOLLOW_UP, Application.Kind.RISK_CHANGE)


OPEN_STATUSES = (
    Application.Status.SUBMITTED,
    Application.Status.INCOMPLETE,
    Application.Status.UNDER_REVIEW,
    Application.Status.EXPERT_REVIEW,
)


def _is_approved_activity(application: Application) -> bool:
    return application.status == Application.Status.DECIDED and application.decision in (
        DecisionType.APPROVE,
        DecisionType.APPROVE_AFTER_MODIFICATION,
    )


def follow_ups_due(today: date | None = None, *, within_days: int = 30) -> QuerySet[FollowUp]:
    """Scheduled follow-ups not yet reported that fall due within ``within_days`` or are overdue.

    Only activities still running count (decided or suspended; a terminated
    one needs no follow-up).
    """
    today = today or timezone.localdate()
    if not isinstance(within_days, int) or isinstance(within_days, bool) or within_days < 0:
        raise ValueError("within_days must be a non-negative integer")
    return (
        FollowUp.objects.filter(
            kind=FollowUp.Kind.SCHEDULED,
            review__isnull=True,
            due_on__isnull=False,
            due_on__lte=today + timedelta(days=within_days),
            application__status__in=[
                Application.Status.DECIDED,
                Application.Status.SUSPENDED,
            ],
        )
        .select_related("application__body__organisation", "application__system")
        .order_by("due_on", "pk")
    )


def open_later_review(application: Application) -> Application | None:
    return application.later.filter(kind__in=LATER_KINDS, status__in=OPEN_STATUSES).first()


def status_reason(application: Application) -> dict[str, Any] | None:
    """The latest suspension, resumption or termination: its kind, time and reason."""
    event = (
        application.events.filter(
            kind__in=["activity_suspended", "activity_resumed", "activity_terminated"]
        )
        .order_by("-at", "-pk")
        .first()
    )
    if event is None:
        return None
    note = Comment.objects.filter(
        Q(pk=event.payload.get("reason_note")), application=application
    ).first()
    return {"kind": event.kind, "at": event.at, "reason": note.body if note else ""}


def follow_up_get(application: Application, pk: object) -> FollowUp:
    key = check_pk(pk)
    found = application.follow_ups.filter(pk=key).first()
    if found is None:
        raise Http404
    return found
