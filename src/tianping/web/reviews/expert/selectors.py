"""Reads and predicates of expert re-review; nothing here writes."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tianping import review as lib
from tianping.web.accounts.models import REGULATOR_KINDS, Membership, Role
from tianping.web.accounts.selectors import (
    has_role,
)
from tianping.web.core.validation import check_pk
from tianping.web.reviews import library
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.bodies import selectors as bodies_selectors
from tianping.web.reviews.bodies.selectors import AUTHORITY_ROLES, _superuser
from tianping.web.reviews.models import (
    Application,
    ExpertReview,
    Member,
    PanelExpert,
)

User = AuthUser | AnonymousUser


def is_authority(user: User, review: ExpertReview) -> bool:
    return _superuser(user) or has_role(user, review.authority, AUTHORITY_ROLES)


def panel_seat(user: User, review: ExpertReview) -> PanelExpert | None:
    if not user.is_authenticated:
        return None
    return review.panel.filter(user=user).first()


def expert_reviews_for_authority(user: User) -> QuerySet[ExpertReview]:
    """Re-reviews before the authorities where ``user`` is a regulator (or admin)."""
    qs = ExpertReview.objects.select_related("application__system", "authority")
    if _superuser(user):
        return qs
    return qs.filter(
        # Only signed-in users reach here (an anonymous one is refused by the views).
        authority__memberships__user=cast(AuthUser, user),
        authority__memberships__role__in=AUTHORITY_ROLES,
    ).distinct()


def is_expert_account(user: AuthUser) -> bool:
    """A user holding the role ``expert`` in any organisation."""
    return Membership.objects.filter(user=user, role=Role.EXPERT, user__is_active=True).exists()


def expert_accounts() -> list[AuthUser]:
    """Every active user with the role ``expert`` somewhere (the authority picks from these)."""
    return list(
        get_user_model()
        .objects.filter(memberships__role=Role.EXPERT, is_active=True)
        .distinct()
        .order_by("username")
    )


def library_panel(review: ExpertReview) -> list[lib.Expert]:
    """The panel as the library sees it; raises ValidationError on unusable records.

    An expert without an account whose name is that of a roster member
    without an account of the committee that made the preliminary review is
    taken to be that person (their ``member:`` id), so the exclusion of
    Art. 28 also catches people the platform knows only by name.
    """
    seats = list(review.panel.all().order_by("pk"))
    by_name = {
        m.name.strip().casefold(): m.ref
        for m in Member.objects.filter(body_id=review.application.body_id, user__isnull=True)
    }
    taken: set[str] = set()
    experts = []
    try:
        for seat in seats:
            ref = seat.ref
            if seat.user_id is None:
                alias = by_name.get(seat.name.strip().casefold())
                if alias is not None and alias not in taken:
                    ref = alias
            taken.add(ref)
            base = library.library_expert(seat)
            experts.append(
                lib.Expert(
                    id=ref,
                    name=base.name,
                    disciplines=base.disciplines,
                    organisation=base.organisation,
                    interests_declared=base.interests_declared,
                    interests=base.interests,
                )
            )
    except lib.ReviewInputError as exc:
        raise library.input_error(exc) from exc
    return experts


def panel_check(review: ExpertReview) -> lib.PanelCheck:
    """:func:`tianping.review.expert_panel_check` of the panel as it stands (Art. 28).

    The committee that made the preliminary review is compared with its whole
    roster, past members included: someone who left it after the preliminary
    review still may not sit on the panel.
    """
    application = review.application
    body = application.body
    committee = library.library_committee(body, members=list(body.members.all()))
    try:
        return lib.expert_panel_check(
            library_panel(review),
            first_committee=committee,
            application=library.library_application(application),
            rules=library.rules_for(body),
        )
    except lib.ReviewInputError as exc:
        raise library.input_error(exc) from exc


def panel_outcome(review: ExpertReview) -> lib.PanelOutcome:
    """:func:`tianping.review.expert_panel_outcome` of the votes so far (Art. 30)."""
    panel = library_panel(review)
    seats = list(review.panel.all().order_by("pk"))
    votes = [
        lib.ExpertVote(expert.id, seat.view)  # type: ignore[arg-type]
        for expert, seat in zip(panel, seats, strict=True)
        if seat.view
    ]
    try:
        return lib.expert_panel_outcome(
            votes, panel=panel, rules=library.rules_for(review.application.body)
        )
    except lib.ReviewInputError as exc:
        raise library.input_error(exc) from exc


def jurisdictions_of(user: AuthUser) -> list[Any]:
    """The regulators in which ``user`` acts as the authority (role regulator or admin)."""
    if not user.is_authenticated:
        return []
    return [
        m.organisation
        for m in Membership.objects.filter(
            user=user, role__in=bodies_selectors.AUTHORITY_ROLES
        ).select_related("organisation")
        if m.organisation.kind in REGULATOR_KINDS
    ]


def authority_statistics(user: AuthUser) -> dict[str, Any]:
    """Ethics review in ``user``'s jurisdiction: applications, re-reviews, time to decision.

    The jurisdiction is every organisation under the regulators where ``user``
    holds the role regulator (or admin): applications whose applicant or
    review body lies there, and the re-reviews before those regulators.
    """
    regulators = jurisdictions_of(user)
    superuser = bool(getattr(user, "is_superuser", False))
    if not regulators and not superuser:
        raise PermissionDenied(_("Only a regulator has statistics of a jurisdiction."))
    apps = Application.objects.all()
    reviews = ExpertReview.objects.all()
    if not superuser:
        query = Q(pk__in=[])
        review_query = Q(pk__in=[])
        for org in regulators:
            query |= Q(organisation__path__startswith=org.path)
            query |= Q(body__organisation__path__startswith=org.path)
            review_query |= Q(authority__path__startswith=org.path)
        apps = apps.filter(query).distinct()
        reviews = reviews.filter(review_query).distinct()

    def counts(qs: Any, field: str) -> dict[str, int]:
        rows = qs.order_by().values(field).annotate(n=Count("pk", distinct=True))
        return {(row[field] or "none"): row["n"] for row in rows}

    ids = list(apps.values_list("pk", flat=True))
    base = Application.objects.filter(pk__in=ids)
    durations = [
        (decided - submitted).total_seconds() / 86400
        for submitted, decided in base.exclude(decided_at=None)
        .exclude(submitted_at=None)
        .values_list("submitted_at", "decided_at")
        if submitted is not None and decided is not None  # excluded above; for the type
    ]
    average = round(sum(durations) / len(durations), 1) if durations else None
    opinions = {
        (row["opinion"] or "pending"): row["n"]
        for row in reviews.order_by().values("opinion").annotate(n=Count("pk", distinct=True))
    }
    proposals = [
        {
            "review": r.pk,
            "application": r.application.reference,
            "authority": r.authority.name,
            "opinion": r.opinion,
            "proposal": r.list_update_proposal,
        }
        for r in reviews.exclude(list_update_proposal="")
        .select_related("application", "authority")
        .order_by("-concluded_at", "-pk")[:100]
    ]
    return {
        "jurisdictions": [org.name for org in regulators],
        "applications": len(ids),
        "by_status": counts(base, "status"),
        "by_decision": counts(base, "decision"),
        "by_procedure": counts(base, "procedure"),
        "by_kind": counts(base, "kind"),
        "re_reviews": {
            "total": reviews.count(),
            "by_status": counts(reviews, "status"),
            "by_opinion": opinions,
        },
        "average_days_to_decision": average,
        "decided": len(durations),
        "proposals": proposals,
    }


def review_get(user: User, pk: object) -> ExpertReview:
    """The re-review ``pk`` if its application is visible to the user; else 404."""
    key = check_pk(pk)
    review = (
        ExpertReview.objects.select_related("application__body__organisation", "authority")
        .filter(pk=key)
        .first()
    )
    if review is None:
        raise Http404
    applications_selectors.application_get(user, review.application_id)
    return review


def seat_get(user: User, pk: object) -> PanelExpert:
    """A panel seat of an application the user sees; else 404.

    Its page is for its expert and the competent authority only (others: 404 too,
    see ``seat_detail``); its actions answer 403 to whoever may not take them.
    """
    key = check_pk(pk)
    seat = PanelExpert.objects.select_related("review__application", "review__authority").filter(
        pk=key
    )
    found = seat.first()
    if found is None:
        raise Http404
    applications_selectors.application_get(user, found.review.application_id)
    return found
