"""Reads of the transparency documents: who may see and do what, versions, the report's
schedule, and the completeness certification's gap report reads."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from tianping.transparency import DOCUMENT_KINDS
from tianping.web.accounts.models import Role
from tianping.web.accounts.selectors import has_jurisdiction, has_role, visible_organisations
from tianping.web.systems.models import AISystem
from tianping.web.transparency.models import DocumentState, DocumentVersion

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

OWNER_ROLES = (Role.APPLICANT, Role.ADMIN)
REPORT = "transparency-report"
NOTICE = "user-notice"
#: The transparency report is due every six months (seed 001); reminders start 30 days before.
REPORT_MONTHS = 6
REMIND_DAYS = 30


def visible_systems(user: User | AnonymousUser) -> QuerySet[AISystem]:
    """Systems whose documents ``user`` may read (their organisation's, their jurisdiction's)."""
    return AISystem.objects.filter(organisation__in=visible_organisations(user)).select_related(
        "organisation"
    )


def is_owner(user: User | AnonymousUser, system: AISystem) -> bool:
    """Applicants and administrators of the system's organisation write its documents."""
    return has_role(user, system.organisation, OWNER_ROLES)


def is_regulator_of(user: User | AnonymousUser, system: AISystem) -> bool:
    return has_jurisdiction(user, system.organisation)


def versions(system: AISystem, kind: str) -> QuerySet[DocumentVersion]:
    return DocumentVersion.objects.filter(system=system, kind=kind).order_by("-version")


def latest(system: AISystem, kind: str) -> DocumentVersion | None:
    """The newest version, draft or published."""
    return versions(system, kind).first()


def current(system: AISystem, kind: str) -> DocumentVersion | None:
    """The public version: the newest published one."""
    return versions(system, kind).filter(state=DocumentState.PUBLISHED).first()


def published_documents(system: AISystem) -> list[DocumentVersion]:
    """The current published version of each of ``system``'s documents (for certification's
    gap report: its kind, hash, completeness and publication time)."""
    current: dict[str, DocumentVersion] = {}
    for row in DocumentVersion.objects.filter(
        system=system, state=DocumentState.PUBLISHED
    ).order_by("kind", "-version"):
        current.setdefault(row.kind, row)
    return list(current.values())


def completeness_for(system: AISystem) -> dict[str, tuple[bool, bool, list[str]]]:
    """Per document kind: (present, complete, the paths of the missing required fields).

    A document is present once a version of it is published; its completeness is that
    version's. Without a published version it is absent, and incomplete (nothing missing
    is named: there is no document to check).
    """
    published: dict[str, DocumentVersion] = {}
    for row in DocumentVersion.objects.filter(
        system=system, state=DocumentState.PUBLISHED
    ).order_by("kind", "-version"):
        published.setdefault(row.kind, row)
    result: dict[str, tuple[bool, bool, list[str]]] = {}
    for kind in DOCUMENT_KINDS:
        found = published.get(kind)
        if found is None:
            result[kind] = (False, False, [])
            continue
        check = (found.document.get("json") or {}).get("completeness") or {}
        missing = [str(m.get("path")) for m in check.get("missing") or [] if isinstance(m, dict)]
        result[kind] = (True, bool(check.get("complete")) and not missing, missing)
    return result


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (the last day of a shorter month)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def report_anchor(system: AISystem) -> date:
    """Where the six-monthly cycle starts: the first publication of a transparency report,
    or the system's registration."""
    first = (
        DocumentVersion.objects.filter(system=system, kind=REPORT, state=DocumentState.PUBLISHED)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return timezone.localtime(first or system.created_at).date()


def report_due(system: AISystem) -> date:
    """When the next transparency report is due: the first six-monthly date of the cycle
    after the latest published report (the first one six months after registration)."""
    anchor = report_anchor(system)
    last = (
        DocumentVersion.objects.filter(system=system, kind=REPORT, state=DocumentState.PUBLISHED)
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    after = timezone.localtime(last).date() if last is not None else anchor
    step = 1
    while add_months(anchor, REPORT_MONTHS * step) <= after:
        step += 1
    return add_months(anchor, REPORT_MONTHS * step)


def report_period(system: AISystem, today: date | None = None) -> tuple[date, date]:
    """The period the next report covers: the six months before its due date, up to today;
    once overdue, the last complete six months of the cycle."""
    today = today or timezone.localdate()
    due = report_due(system)
    if due > today:
        start = add_months(due, -REPORT_MONTHS)
        return start, max(start, today)
    anchor = report_anchor(system)
    step = 1
    while add_months(anchor, REPORT_MONTHS * (step + 1)) <= today:
        step += 1
    boundary = add_months(anchor, REPORT_MONTHS * step)
    return add_months(boundary, -REPORT_MONTHS), boundary - timedelta(days=1)


def report_schedule(system: AISystem, today: date | None = None) -> dict[str, Any]:
    """The next report's due date, and whether it is due soon or overdue."""
    today = today or timezone.localdate()
    due = report_due(system)
    days = (due - today).days
    return {"due": due, "days": days, "overdue": days < 0, "soon": 0 <= days <= REMIND_DAYS}
