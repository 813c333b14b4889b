"""Shared set-up of the expert re-review and aftercare tests.

``in_expert_review`` takes a listed activity through the committee's approving
preliminary decision (the real :func:`decision_record`), which opens the
:class:`ExpertReview` before the competent authority above enterprise A
(:func:`selectors.competent_authority`); ``authority_user`` is its regulator.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from tests.web.factories import make_user
from tests.web.reviews.factories import ReviewNetwork, make_application
from tianping.web.accounts.models import Role
from tianping.web.reviews.applications.services import decision_record
from tianping.web.reviews.bodies.selectors import competent_authority
from tianping.web.reviews.expert import services as expert_services
from tianping.web.reviews.models import Application, ExpertReview, PanelExpert

PANEL_DISCIPLINES = [["domain"], ["ethics"], ["law"], ["ai_technology"], ["domain"], ["ethics"]]


def authority_user(reviews: ReviewNetwork) -> AbstractBaseUser:
    """A regulator of the competent authority above enterprise A (role regulator)."""
    authority = competent_authority(reviews.net.enterprise_a)
    assert authority is not None
    if authority == reviews.net.province_a:
        return reviews.net.regulator_province_a
    return make_user("regulator_authority", organisation=authority, role=Role.REGULATOR)


def other_regulator(reviews: ReviewNetwork) -> AbstractBaseUser:
    """A regulator who sees enterprise A (jurisdiction) but is not the competent authority."""
    authority = competent_authority(reviews.net.enterprise_a)
    if authority == reviews.net.city_a:
        return reviews.net.regulator_province_a
    return make_user("regulator_city_a", organisation=reviews.net.city_a, role=Role.REGULATOR)


def in_expert_review(
    reviews: ReviewNetwork, *, decision: str = "approve", changes: Sequence[str] = ()
) -> Application:
    app = make_application(
        system=reviews.net.system_a,
        body=reviews.committee,
        applicant=reviews.net.applicant_a,
        status=Application.Status.UNDER_REVIEW,
        listed_activity=True,
    )
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=app.pk)
        decision_record(
            locked,
            actor=reviews.net.chair_a,
            decision=decision,
            basis="meeting",
            required_changes=list(changes),
        )
    app.refresh_from_db()
    assert app.status == Application.Status.EXPERT_REVIEW
    return app


def seat_experts(
    reviews: ReviewNetwork,
    review: ExpertReview,
    authority: AbstractBaseUser,
    count: int,
    *,
    declare: bool = True,
) -> list[PanelExpert]:
    seats = []
    for i in range(count):
        user = reviews.experts[i]
        seat = expert_services.panel_add(
            actor=authority,
            review=review,
            user=user,
            name=f"Expert {i + 1}",
            disciplines=PANEL_DISCIPLINES[i],
            affiliation="Institute of AI Ethics",
        )
        if declare:
            expert_services.interests_declare(actor=user, seat=seat, interests=[])
        seats.append(seat)
    return seats


def formed_panel(
    reviews: ReviewNetwork, size: int = 6, **kwargs: object
) -> tuple[Application, ExpertReview, AbstractBaseUser, list[PanelExpert]]:
    app = in_expert_review(reviews, **kwargs)  # type: ignore[arg-type]
    authority = authority_user(reviews)
    review = app.expert_review
    seats = seat_experts(reviews, review, authority, size)
    expert_services.panel_form(actor=authority, review=review)
    review.refresh_from_db()
    return app, review, authority, seats


def vote(reviews: ReviewNetwork, seats: list[PanelExpert], views: Sequence[str]) -> None:
    for seat, view in zip(seats, views, strict=False):
        if view:
            expert_services.expert_vote(
                actor=reviews.experts[seats.index(seat)], seat=seat, view=view
            )
