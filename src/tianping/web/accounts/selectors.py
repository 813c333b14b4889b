"""Reads about who may see and do what.

Visibility rule: a user sees their own organisations; a regulator (role
``regulator`` or ``admin`` in a regulator organisation) also sees the whole
subtree of its jurisdiction; an ethics committee's members also see the unit
the committee serves (its parent). Nothing crosses to a sibling organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from tianping.web.accounts.models import (
    REGULATOR_KINDS,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
)

JURISDICTION_ROLES = frozenset({Role.REGULATOR, Role.ADMIN})

# Han ideographs (with extensions and compatibility forms), kana and hangul: names written
# in these scripts put the family name first, with no space between the parts.
_CJK_NAME = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]")


def display_name(user: User | AnonymousUser | None) -> str:
    """A person's name as they write it: ``李明`` (family, given), ``Anna Schmidt`` (given, family).

    The one place that turns an account into the name shown on a page; without a first or
    last name it is the username.
    """
    if user is None or not user.is_authenticated:
        return ""
    given = (getattr(user, "first_name", "") or "").strip()
    family = (getattr(user, "last_name", "") or "").strip()
    if not given and not family:
        return str(user.get_username())
    if _CJK_NAME.search(given + family):
        return family + given
    return " ".join(part for part in (given, family) if part)


def users_in(
    organisations: Iterable[Organisation | int], roles: Iterable[str] | None = None
) -> list[User]:
    """The active users holding a role (one of ``roles``; any when None) in any of
    ``organisations`` (objects or keys), each once: whom a notice about them goes to."""
    keys = [o if isinstance(o, int) else o.pk for o in organisations]
    query = User.objects.filter(memberships__organisation__in=keys, is_active=True)
    if roles is not None:
        query = query.filter(memberships__role__in=list(roles))
    return list(query.distinct())


def memberships_of(user: User | AnonymousUser) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("organisation"))


def visible_organisations(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """Organisations whose records ``user`` may read."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    query = Q(pk__in=[])
    for membership in memberships_of(user):
        org = membership.organisation
        if org.kind in REGULATOR_KINDS and membership.role in JURISDICTION_ROLES:
            query |= Q(path__startswith=org.path)
        elif org.kind == OrganisationKind.ETHICS_COMMITTEE and org.parent_id is not None:
            query |= Q(pk=org.pk) | Q(pk=org.parent_id)
        else:
            query |= Q(pk=org.pk)
    return Organisation.objects.filter(query)


def organisations_where(user: User | AnonymousUser, roles: Iterable[str]) -> QuerySet[Organisation]:
    """Organisations in which ``user`` holds one of ``roles`` directly."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role__in=list(roles)
    ).distinct()


def has_role(user: User | AnonymousUser, organisation: Organisation, roles: Iterable[str]) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, role__in=list(roles)
    ).exists()


def has_jurisdiction(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """True if ``user`` is a regulator whose jurisdiction includes ``organisation``."""
    if not user.is_authenticated:
        return False
    for membership in memberships_of(user):
        org = membership.organisation
        if (
            org.kind in REGULATOR_KINDS
            and membership.role in JURISDICTION_ROLES
            and organisation.path.startswith(org.path)
        ):
            return True
    return False
