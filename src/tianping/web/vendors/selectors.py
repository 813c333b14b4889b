"""Reads of the vendor register and of systems' AI-BOM components.

:func:`components_for` and :func:`supplier_risk_for` are what other apps
(certification) read; their names and shapes are kept stable.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import QuerySet
from django.http import Http404

from tianping.web.accounts.models import Organisation, Role
from tianping.web.accounts.selectors import has_role, organisations_where, visible_organisations
from tianping.web.core.validation import check_pk
from tianping.web.systems.models import AISystem
from tianping.web.vendors.models import BomComponent, Supplier
from tianping.web.vendors.questionnaire import RiskRating, rate

User = AuthUser | AnonymousUser

WRITE_ROLES = (Role.ADMIN, Role.APPLICANT)
"""Who keeps an organisation's register and its systems' AI-BOMs: its administrators and the
applicants (the engineers who register and change its systems)."""


def can_write(user: User, organisation: Organisation) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, organisation, WRITE_ROLES)


def writable_organisations(user: User) -> QuerySet[Organisation]:
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return organisations_where(user, WRITE_ROLES)


def suppliers_visible_to(user: User) -> QuerySet[Supplier]:
    return (
        Supplier.objects.filter(organisation__in=visible_organisations(user))
        .select_related("organisation")
        .prefetch_related("answers")
    )


def supplier_get(user: User, pk: object) -> Supplier:
    """The supplier with ``pk`` if ``user`` may read it; otherwise 404 (no existence leak)."""
    try:
        return suppliers_visible_to(user).get(pk=check_pk(pk))
    except (Supplier.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def suppliers_of(organisation: Organisation) -> QuerySet[Supplier]:
    return Supplier.objects.filter(organisation=organisation).order_by("name", "pk")


def component_get(system: AISystem, pk: object) -> BomComponent:
    try:
        return components_for(system).get(pk=check_pk(pk))
    except (BomComponent.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def components_for(system: AISystem) -> QuerySet[BomComponent]:
    """The components of ``system``'s AI-BOM, in BOM order.

    Each row has ``name``, ``component_type``, ``version``, ``hashes`` (algorithm →
    lower-case hex), ``supplier`` (a :class:`Supplier` or ``None``) and
    ``certificate_id`` (``""`` when neither the BOM nor the owner states one).
    """
    return (
        BomComponent.objects.filter(system=system)
        .select_related("supplier")
        .order_by("position", "pk")
    )


def supplier_risk(supplier: Supplier) -> RiskRating:
    """The supplier's rating, computed from its answers by the rule in the questionnaire data."""
    return rate({a.question: a.answer for a in supplier.answers.all()})


def supplier_risk_for(system: AISystem) -> list[tuple[str, str]]:
    """``(supplier name, "low" / "medium" / "high")`` for each supplier of its components."""
    suppliers = (
        Supplier.objects.filter(components__system=system)
        .distinct()
        .prefetch_related("answers")
        .order_by("name", "pk")
    )
    return [(s.name, supplier_risk(s).level) for s in suppliers]
