"""Reads and predicates of review bodies; nothing here writes."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tianping import review as lib
from tianping.web.accounts.models import REGULATOR_KINDS, Organisation, OrganisationKind, Role
from tianping.web.accounts.selectors import (
    has_jurisdiction,
    has_role,
    memberships_of,
    visible_organisations,
)
from tianping.web.core.validation import check_pk
from tianping.web.reviews import library
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.bodies import selectors
from tianping.web.reviews.models import (
    Entrustment,
    Member,
    ReviewBody,
)

User = AuthUser | AnonymousUser


APPLICANT_ROLES = (Role.APPLICANT, Role.ADMIN)


CHAIR_ROLES = (Role.CHAIR, Role.ADMIN)


AUTHORITY_ROLES = (Role.REGULATOR, Role.ADMIN)


def _superuser(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False))


def _jurisdiction_paths(user: User) -> list[str]:
    return [
        m.organisation.path
        for m in memberships_of(user)
        if m.organisation.kind in REGULATOR_KINDS and m.role in AUTHORITY_ROLES
    ]


def bodies_visible_to(user: User) -> QuerySet[ReviewBody]:
    """Review bodies whose roster and meetings ``user`` may read."""
    if not user.is_authenticated:
        return ReviewBody.objects.none()
    qs = ReviewBody.objects.select_related("organisation")
    if _superuser(user):
        return qs
    return qs.filter(
        Q(organisation__in=visible_organisations(user))
        | Q(members__user=user, members__active=True)
    ).distinct()


def body_get(user: User, pk: object) -> ReviewBody:
    key = check_pk(pk)
    try:
        return bodies_visible_to(user).get(pk=key)
    except (ReviewBody.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def can_chair(user: User, body: ReviewBody) -> bool:
    """Chair actions: accept, name the procedure, convene, decide, suspend."""
    if _superuser(user):
        return True
    if has_role(user, body.organisation, CHAIR_ROLES):
        return True
    return Member.objects.filter(
        body=body, user=getattr(user, "pk", None), active=True, role__in=["chair", "vice_chair"]
    ).exists()


def can_manage_body(user: User, body: ReviewBody) -> bool:
    """Roster and registration: the chair, the body's administrators, a regulator over it."""
    return can_chair(user, body) or has_jurisdiction(user, body.organisation)


def roster_member(user: User, body: ReviewBody) -> Member | None:
    """``user``'s active roster entry on ``body``, if any."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(body=body, user=user, active=True).first()


def competent_authority(organisation: Organisation) -> Organisation | None:
    """The competent authority for expert re-review of ``organisation``'s activities.

    The provincial regulator above it (the local competent department that
    organises expert re-review, Measures 2023 Art. 26); where there is none, the
    nearest regulator above it.
    """
    nearest: Organisation | None = None
    node = organisation.parent
    while node is not None:
        if node.kind in REGULATOR_KINDS:
            if node.kind == "provincial_regulator":
                return node
            nearest = nearest or node
        node = node.parent
    return nearest


def active_entrustment(organisation: Organisation) -> Entrustment | None:

    today = timezone.localdate()
    return (
        Entrustment.objects.filter(organisation=organisation, revoked_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .filter(signed_on__lte=today)
        .select_related("centre__organisation")
        .first()
    )


def own_committee(organisation: Organisation) -> ReviewBody | None:
    """The ethics committee set up by ``organisation`` (a child organisation), if any."""
    return (
        ReviewBody.objects.filter(
            organisation__parent=organisation, organisation__kind="ethics_committee"
        )
        .select_related("organisation")
        .first()
    )


def route(organisation: Organisation) -> tuple[ReviewBody | None, Entrustment | None]:
    """Where ``organisation``'s applications go: its own committee, else its entrusted centre."""
    body = own_committee(organisation)
    if body is not None:
        return body, None
    entrustment = active_entrustment(organisation)
    if entrustment is not None:
        return entrustment.centre, entrustment
    return None, None


def can_create_body(user: User, organisation: Organisation) -> bool:
    """Administrators of the organisation or of the unit that set it up; superusers."""
    if _superuser(user):
        return True
    if has_role(user, organisation, [Role.ADMIN]):
        return True
    return organisation.parent is not None and has_role(user, organisation.parent, [Role.ADMIN])


def composition(body: ReviewBody, on: date) -> lib.CompositionResult:
    """The library's composition check of the active roster on day ``on`` (Measures Art. 7)."""
    try:
        return lib.check_composition(
            library.library_committee(body), rules=library.rules_for(body), on=on
        )
    except lib.ReviewInputError as exc:
        raise library.input_error(exc) from exc


def reminders(body: ReviewBody, today: date) -> lib.Reminders:
    """Registration and annual-report reminders as of ``today``.

    The numbers come from the rules: ``registration.committee_days`` (register
    within that many days of set-up) and ``registration.annual_report_due``
    (last year's report by that day), Measures 2023 Art. 44, 45.
    """
    try:
        return lib.registration_reminders(
            library.library_committee(body), rules=library.rules_for(body), today=today
        )
    except lib.ReviewInputError as exc:
        raise library.input_error(exc) from exc


def member_get(body: ReviewBody, pk: object) -> Member:
    key = check_pk(pk)
    try:
        return body.members.select_related("user").get(pk=key)
    except Member.DoesNotExist as exc:
        raise Http404 from exc


def user_by_username(username: str) -> AuthUser:
    """An active user account by its name, for linking a roster entry."""
    username = library.clean_text(username, "username", limit=150)
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist as exc:
        raise ValidationError({"username": [_("No such user account.")]}) from exc


def entrustments_visible_to(user: User) -> QuerySet[Entrustment]:
    """Entrustments of organisations ``user`` can see, and of centres they belong to."""
    qs = Entrustment.objects.select_related("organisation", "centre__organisation")
    if not user.is_authenticated:
        return qs.none()
    if _superuser(user):
        return qs
    return qs.filter(
        Q(organisation__in=visible_organisations(user))
        | Q(centre__in=selectors.bodies_visible_to(user))
    ).distinct()


def entrustment_get(user: User, pk: object) -> Entrustment:
    key = check_pk(pk)
    try:
        return entrustments_visible_to(user).get(pk=key)
    except Entrustment.DoesNotExist as exc:
        raise Http404 from exc


def can_entrust(user: User, organisation: Organisation) -> bool:
    return applications_selectors.can_apply(user, organisation)


def review_centres() -> QuerySet[ReviewBody]:
    """Every review centre (any unit may entrust one in writing)."""
    return ReviewBody.objects.filter(
        organisation__kind=OrganisationKind.REVIEW_CENTRE
    ).select_related("organisation")
