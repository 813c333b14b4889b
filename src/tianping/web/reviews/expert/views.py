"""Pages of expert re-review and of aftercare (follow-ups, risk changes, suspension).

Each view: find the object through the selectors (404 when invisible), check
the action's permission (403), validate the form, call one service, redirect
or re-render with the errors. Every action is a POST with CSRF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tianping.web.core import actions
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.core.validation import check_pk
from tianping.web.reviews import library
from tianping.web.reviews.expert import selectors, services
from tianping.web.reviews.expert.forms import (
    ConcludeForm,
    InterestsForm,
    PanelAddForm,
    ProposalForm,
    VoteForm,
)
from tianping.web.reviews.expert.selectors import review_get, seat_get
from tianping.web.reviews.models import Application, ExpertReview, PanelExpert
from tianping.web.reviews.notifications import selectors as notifications_selectors


def application_url(application: Application) -> str:
    return notifications_selectors.application_url(application)


@login_required
@require_GET
def expert_review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    reviews = selectors.expert_reviews_for_authority(request.user).order_by("-requested_at")
    return render(
        request,
        "reviews/expert/list.html",
        {"reviews": reviews[:200], "is_regulator": bool(selectors.jurisdictions_of(request.user))},
    )


def _detail_context(request: HttpRequest, review: ExpertReview, **forms: Any) -> dict[str, Any]:
    is_authority = selectors.is_authority(request.user, review)
    seats = list(review.panel.select_related("user").order_by("pk"))
    check: list[str] | None = None
    outcome = None
    if is_authority and review.status == ExpertReview.Status.REQUESTED:
        try:
            result = selectors.panel_check(review)
            check = [f.describe(library.language()) for f in result.findings]
        except ValidationError as exc:
            check = list(exc.messages)
    if is_authority and review.status == ExpertReview.Status.PANEL_FORMED:
        try:
            outcome = selectors.panel_outcome(review)
        except ValidationError:
            outcome = None
    return {
        "review": review,
        "application": review.application,
        "application_url": application_url(review.application),
        "seats": seats,
        "is_authority": is_authority,
        "my_seat": selectors.panel_seat(request.user, review),
        "check": check,
        "outcome": outcome,
        "add_form": forms.get("add_form") or PanelAddForm(),
        "conclude_form": forms.get("conclude_form") or ConcludeForm(),
        "proposal_form": forms.get("proposal_form")
        or ProposalForm(initial={"proposal": review.list_update_proposal}),
        "form_errors": forms.get("form_errors") or [],
    }


@login_required
@require_GET
def expert_review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = review_get(request.user, pk)
    return render(request, "reviews/expert/detail.html", _detail_context(request, review))


def _review_url(review: ExpertReview) -> str:
    return reverse("reviews:expert_review", args=[review.pk])


def _detail_page(request: HttpRequest, review: ExpertReview, **forms: Any) -> HttpResponse:
    """The review's page again, with the form of an action that did not go through."""
    return render(
        request,
        "reviews/expert/detail.html",
        _detail_context(request, review, **forms),
        status=422,
    )


def _authority_review(request: HttpRequest, pk: int) -> ExpertReview:
    review = review_get(request.user, pk)
    if not selectors.is_authority(request.user, review):
        raise PermissionDenied(_("Only the competent authority may do this."))
    return review


@login_required
@require_POST
def expert_panel_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _authority_review(request, pk)
    form = PanelAddForm(request.POST)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.panel_add(
            actor=request.user,
            review=review,
            user=data.get("user"),
            name=data.get("name") or "",
            disciplines=data["disciplines"],
            affiliation=data["affiliation"],
        ),
        success=_("Expert added to the panel."),
        then=_review_url(review),
    )
    return done or _detail_page(request, review, add_form=form)


@login_required
@require_POST
def expert_panel_remove(request: AuthenticatedHttpRequest, pk: int, seat_pk: int) -> HttpResponse:
    review = _authority_review(request, pk)
    check_pk(seat_pk)
    seat = review.panel.filter(pk=seat_pk).first()
    if seat is None:
        raise Http404
    try:
        services.panel_remove(actor=request.user, seat=seat)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Expert removed from the panel."))
    return redirect(_review_url(review))


@login_required
@require_POST
def expert_panel_form(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _authority_review(request, pk)
    try:
        services.panel_form(actor=request.user, review=review)
    except ValidationError as exc:
        return render(
            request,
            "reviews/expert/detail.html",
            _detail_context(request, review, form_errors=exc.messages),
            status=422,
        )
    messages.success(request, _("The panel is formed; the experts have been notified."))
    return redirect("reviews:expert_review", pk=review.pk)


@login_required
@require_POST
def expert_conclude(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _authority_review(request, pk)
    form = ConcludeForm(request.POST)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.panel_conclude(actor=request.user, review=review, **data),
        success=_("The re-review is concluded; the decision is recorded."),
        then=_review_url(review),
    )
    return done or _detail_page(request, review, conclude_form=form)


@login_required
@require_POST
def expert_proposal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _authority_review(request, pk)
    form = ProposalForm(request.POST)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.list_update_propose(actor=request.user, review=review, **data),
        success=_("Proposal recorded."),
        then=_review_url(review),
    )
    return done or _detail_page(request, review, proposal_form=form)


@login_required
@require_GET
def expert_statistics(request: AuthenticatedHttpRequest) -> HttpResponse:
    stats = selectors.authority_statistics(request.user)
    return render(request, "reviews/expert/statistics.html", {"stats": stats})


@login_required
@require_GET
def my_panels(request: AuthenticatedHttpRequest) -> HttpResponse:
    seats = (
        PanelExpert.objects.filter(user=request.user)
        .select_related("review__application", "review__authority")
        .order_by("-review__requested_at")
    )
    return render(request, "reviews/expert/mine.html", {"seats": seats[:200]})


def _seat_url(seat: PanelExpert) -> str:
    return reverse("reviews:expert_seat", args=[seat.pk])


def _seat_page(request: HttpRequest, seat: PanelExpert, **forms: Any) -> HttpResponse:
    """The seat's page again, with the form of an action that did not go through."""
    return render(
        request, "reviews/expert/seat.html", _seat_context(request, seat, **forms), status=422
    )


def _seat_context(request: HttpRequest, seat: PanelExpert, **forms: Any) -> dict[str, Any]:
    review = seat.review
    own = seat.user_id == request.user.pk
    interests_text = "\n".join(
        f"{i.get('party', '')} | {i.get('description', '')}" for i in seat.interests or []
    )
    return {
        "seat": seat,
        "review": review,
        "application": review.application,
        "application_url": application_url(review.application),
        "own": own,
        "may_declare": (
            review.status == ExpertReview.Status.REQUESTED
            or (
                review.status == ExpertReview.Status.PANEL_FORMED
                and not seat.interests_declared
                and not seat.view
            )
        )
        and (own or (seat.user_id is None and selectors.is_authority(request.user, review))),
        "may_vote": own
        and review.status == ExpertReview.Status.PANEL_FORMED
        and seat.interests_declared
        and not seat.view,
        "interests_form": forms.get("interests_form")
        or InterestsForm(initial={"interests": interests_text}),
        "vote_form": forms.get("vote_form") or VoteForm(),
    }


@login_required
@require_GET
def seat_detail(request: HttpRequest, pk: int) -> HttpResponse:
    seat = seat_get(request.user, pk)
    own = seat.user_id == request.user.pk
    if not own and not selectors.is_authority(request.user, seat.review):
        raise Http404  # another expert's seat: a read outside the visitor's reach
    return render(request, "reviews/expert/seat.html", _seat_context(request, seat))


@login_required
@require_POST
def seat_declare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seat = seat_get(request.user, pk)
    form = InterestsForm(request.POST)
    if not form.is_valid() and not (
        seat.user_id == request.user.pk
        or (seat.user_id is None and selectors.is_authority(request.user, seat.review))
    ):
        raise PermissionDenied(_("Only the expert may declare their interests."))
    done = actions.form_submit(
        request,
        form,
        lambda data: services.interests_declare(
            actor=request.user, seat=seat, interests=data["interests"]
        ),
        success=_("Declaration recorded."),
        then=_seat_url(seat),
    )
    return done or _seat_page(request, seat, interests_form=form)


@login_required
@require_POST
def seat_vote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seat = seat_get(request.user, pk)
    if seat.user_id != request.user.pk:
        raise PermissionDenied(_("Only the expert on this seat may vote."))
    form = VoteForm(request.POST)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.expert_vote(actor=request.user, seat=seat, **data),
        success=_("Your view is recorded."),
        then=_seat_url(seat),
    )
    return done or _seat_page(request, seat, vote_form=form)
