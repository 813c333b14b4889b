"""What a user may act on in certification: the checks the pages and the JSON API share.

An application outside what the user may read is 404; a role the action needs and the
user lacks is 403 (the services check it again); an application without the certificate
or the surveillance case the action is about is 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from tianping.web.accounts.models import Role as MembershipRole
from tianping.web.certification import selectors, services
from tianping.web.certification.models import (
    Certificate,
    CertificationApplication,
    SurveillanceCase,
)
from tianping.web.core.validation import check_pk
from tianping.web.systems.models import AISystem

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

Role = Literal["applicant", "officer"]
"""``applicant``: an applicant or administrator of the system; ``officer``: a certification
officer of the issuing body (its decision-maker)."""


def applicant_systems(user: User) -> QuerySet[AISystem]:
    """The systems ``user`` may apply for: those of organisations where they are an applicant
    or an administrator."""
    return AISystem.objects.filter(
        organisation__memberships__user=user,
        organisation__memberships__role__in=[MembershipRole.APPLICANT, MembershipRole.ADMIN],
    ).distinct()


def application_of(user: User | AnonymousUser, application_id: object) -> CertificationApplication:
    """An application ``user`` may read, or 404."""
    return get_object_or_404(selectors.visible_applications(user), pk=check_pk(application_id))


def require(user: User | AnonymousUser, application: CertificationApplication, role: Role) -> None:
    """403 unless ``user`` has ``role`` on ``application``."""
    if role == "applicant":
        if not selectors.applies_for(user, application.system):
            raise PermissionDenied(services.ERR_NOT_APPLICANT)
    elif not selectors.decides_for(user, application.issuer):
        raise PermissionDenied(services.ERR_NOT_DECISION_MAKER)


def certificate_of(application: CertificationApplication) -> Certificate:
    """The application's certificate, or 404."""
    certificate: Certificate | None = getattr(application, "certificate", None)
    if certificate is None:
        raise Http404
    return certificate


def case_of(application: CertificationApplication, case_id: object) -> SurveillanceCase:
    """A surveillance case on the application's certificate, or 404."""
    return get_object_or_404(
        SurveillanceCase, pk=check_pk(case_id), certificate__application=application
    )


__all__ = ["Role", "applicant_systems", "application_of", "case_of", "certificate_of", "require"]
