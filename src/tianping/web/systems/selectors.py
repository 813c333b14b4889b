"""Reads of the registry, always through the user's visibility."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet
from django.http import Http404

from tianping.web.accounts.models import (
    REGULATOR_KINDS,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
)
from tianping.web.accounts.selectors import (
    JURISDICTION_ROLES,
    has_jurisdiction,
    has_role,
    organisations_where,
    users_in,
    visible_organisations,
)
from tianping.web.core.validation import check_pk
from tianping.web.systems.models import AISystem, Intake, ReportJob, SystemEvent

User = AuthUser | AnonymousUser

EDIT_ROLES = (Role.APPLICANT, Role.ADMIN)
REVIEW_ROLES = (Role.CHAIR, Role.COMMITTEE_MEMBER)


def systems_visible_to(user: User) -> QuerySet[AISystem]:
    return AISystem.objects.filter(organisation__in=visible_organisations(user)).select_related(
        "organisation", "latest_intake"
    )


def system_list(
    user: User,
    *,
    sector: str | None = None,
    tier: str | None = None,
    stage: str | None = None,
    organisation: int | None = None,
    search: str | None = None,
) -> QuerySet[AISystem]:
    """Visible systems, filtered; an unknown filter value simply matches nothing."""
    qs = systems_visible_to(user)
    if sector:
        qs = qs.filter(sector=sector)
    if stage:
        qs = qs.filter(lifecycle_stage=stage)
    if tier == "none":
        qs = qs.filter(latest_intake__isnull=True)
    elif tier:
        qs = qs.filter(latest_intake__tier=tier)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    if search:
        term = search.strip()[:100]
        qs = qs.filter(
            Q(name__icontains=term) | Q(purpose__icontains=term) | Q(owner__icontains=term)
        )
    return qs


def system_get(user: User, pk: int) -> AISystem:
    """The system with ``pk`` if ``user`` may see it; otherwise 404 (no existence leak)."""
    check_pk(pk)
    try:
        return systems_visible_to(user).get(pk=pk)
    except (AISystem.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def can_edit_system(user: User, system: AISystem) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(
        user, system.organisation, EDIT_ROLES
    )


def can_register_in(user: User) -> bool:
    return (
        organisations_where(user, EDIT_ROLES)
        .exclude(
            kind__in=[
                OrganisationKind.CENTRAL_REGULATOR,
                OrganisationKind.PROVINCIAL_REGULATOR,
                OrganisationKind.MUNICIPAL_REGULATOR,
            ]
        )
        .exists()
    )


def can_override_tier(user: User, system: AISystem) -> bool:
    """Reviewers of the unit's ethics committee, its administrators, and regulators over it."""
    if getattr(user, "is_superuser", False):
        return True
    if has_role(user, system.organisation, (Role.ADMIN,)):
        return True
    if has_jurisdiction(user, system.organisation):
        return True
    committees = system.organisation.children.filter(kind=OrganisationKind.ETHICS_COMMITTEE)
    return any(has_role(user, committee, REVIEW_ROLES) for committee in committees)


def floor_regulator_of(organisation: Organisation) -> Organisation | None:
    """The regulator over ``organisation`` that an override below a floor is put to.

    The nearest regulator above it in which someone acts as the regulator (role
    ``regulator`` or ``admin``); ``None`` where there is none.
    """
    node = organisation.parent
    while node is not None:
        if (
            node.kind in REGULATOR_KINDS
            and Membership.objects.filter(
                organisation=node, role__in=list(JURISDICTION_ROLES)
            ).exists()
        ):
            return node
        node = node.parent
    return None


def floor_regulator_users(regulator: Organisation | None) -> list[AuthUser]:
    """The people who act as ``regulator``: they hear of overrides below a floor."""
    if regulator is None:
        return []
    return users_in([regulator], JURISDICTION_ROLES)


def can_review_floor_override(user: User, system: AISystem) -> bool:
    """Confirm or reject an override below a floor: a regulator over the system's organisation."""
    if getattr(user, "is_superuser", False):
        return True
    return has_jurisdiction(user, system.organisation)


def intakes_of(system: AISystem) -> QuerySet[Intake]:
    return system.intakes.select_related("submitted_by", "overridden_by")


def events_of(system: AISystem) -> QuerySet[SystemEvent]:
    return system.events.select_related("actor")


def report_job_get(user: User, job_id: UUID | str) -> ReportJob:
    try:
        job = ReportJob.objects.select_related("system").get(pk=job_id)
    except (ReportJob.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    system_get(user, job.system_id)
    return job


def intake_get(system: AISystem, pk: int) -> Intake:
    check_pk(pk)
    try:
        return system.intakes.get(pk=pk)
    except Intake.DoesNotExist as exc:
        raise Http404 from exc
