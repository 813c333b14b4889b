"""Who may see and do what in ethics review; reads always go through these.

Visibility of an application (anything else answers 404):

- the applicant organisation (as the registry's rule has it: its own users,
  a regulator over it);
- the review body that reviews it: its roster members with an account and the
  users holding a role in the body's organisation;
- a regulator whose jurisdiction covers the applicant or the review body;
- the experts on its re-review panel.

Acting:

- applicants (role ``applicant`` or ``admin`` in the applicant organisation)
  draft, complete, submit, reply, report risk changes, appeal;
- the chair (role ``chair`` or ``admin`` in the body's organisation) accepts,
  names the procedure, extends, convenes meetings, records decisions,
  suspends and terminates;
- roster members with an account declare interests, give findings and
  opinions, and vote — unless recused;
- the competent authority (role ``regulator`` or ``admin`` in the regulator
  named on the expert re-review) forms the panel and closes it; panel experts
  vote.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from tianping.web.accounts.models import REGULATOR_KINDS, Organisation, Role
from tianping.web.accounts.selectors import (
    has_jurisdiction,
    has_role,
    memberships_of,
    visible_organisations,
)
from tianping.web.reviews.models import (
    Application,
    Entrustment,
    ExpertReview,
    Meeting,
    Member,
    PanelExpert,
    ReviewBody,
)
from tianping.web.systems.selectors import check_pk

User = AbstractBaseUser | AnonymousUser

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


def applications_visible_to(user: User) -> QuerySet[Application]:
    if not user.is_authenticated:
        return Application.objects.none()
    qs = Application.objects.select_related("system", "organisation", "body__organisation")
    if _superuser(user):
        return qs
    query = (
        Q(organisation__in=visible_organisations(user))
        | Q(body__organisation__memberships__user=user)
        | Q(body__members__user=user, body__members__active=True)
        | Q(expert_review__panel__user=user)
    )
    for path in _jurisdiction_paths(user):
        query |= Q(body__organisation__path__startswith=path)
    return qs.filter(query).distinct()


def application_get(user: User, pk: object) -> Application:
    """The application ``pk`` if ``user`` may see it; otherwise 404 (no existence leak)."""
    check_pk(pk)
    try:
        return applications_visible_to(user).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def application_by_reference(user: User, reference: str) -> Application:
    try:
        return applications_visible_to(user).get(reference=reference)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def body_get(user: User, pk: object) -> ReviewBody:
    check_pk(pk)
    try:
        return bodies_visible_to(user).get(pk=pk)
    except (ReviewBody.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def meeting_get(user: User, pk: object) -> Meeting:
    check_pk(pk)
    try:
        meeting = Meeting.objects.select_related("body__organisation").get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if not bodies_visible_to(user).filter(pk=meeting.body_id).exists():
        raise Http404
    return meeting


def can_apply(user: User, organisation: Organisation) -> bool:
    return _superuser(user) or has_role(user, organisation, APPLICANT_ROLES)


def is_applicant(user: User, application: Application) -> bool:
    return can_apply(user, application.organisation)


def can_chair(user: User, body: ReviewBody) -> bool:
    """Chair actions: accept, name the procedure, convene, decide, suspend."""
    if _superuser(user):
        return True
    if has_role(user, body.organisation, CHAIR_ROLES):
        return True
    return Member.objects.filter(
        body=body, user_id=getattr(user, "pk", None), active=True, role__in=["chair", "vice_chair"]
    ).exists()


def can_manage_body(user: User, body: ReviewBody) -> bool:
    """Roster and registration: the chair, the body's administrators, a regulator over it."""
    return can_chair(user, body) or has_jurisdiction(user, body.organisation)


def roster_member(user: User, body: ReviewBody) -> Member | None:
    """``user``'s active roster entry on ``body``, if any."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(body=body, user=user, active=True).first()


def is_authority(user: User, review: ExpertReview) -> bool:
    return _superuser(user) or has_role(user, review.authority, AUTHORITY_ROLES)


def panel_seat(user: User, review: ExpertReview) -> PanelExpert | None:
    if not user.is_authenticated:
        return None
    return review.panel.filter(user=user).first()


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
    from django.utils import timezone

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


def expert_reviews_for_authority(user: User) -> QuerySet[ExpertReview]:
    """Re-reviews before the authorities where ``user`` is a regulator (or admin)."""
    qs = ExpertReview.objects.select_related("application__system", "authority")
    if _superuser(user):
        return qs
    return qs.filter(
        authority__memberships__user=user, authority__memberships__role__in=AUTHORITY_ROLES
    ).distinct()
