"""Pages of expert re-review and of aftercare (follow-ups, risk changes, suspension).

Each view: find the object through the selectors (404 when invisible), check
the action's permission (403), validate the form, call one service, redirect
or re-render with the errors. Every action is a POST with CSRF.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tianping.web.forms import apply_errors as _apply_errors
from tianping.web.reviews import selectors
from tianping.web.reviews.forms_expert import (
    ConcludeForm,
    InterestsForm,
    PanelAddForm,
    ProposalForm,
    ReasonForm,
    ReportForm,
    VoteForm,
)
from tianping.web.reviews.models import Application, ExpertReview, FollowUp, PanelExpert
from tianping.web.reviews.services import aftercare, common, expert
from tianping.web.systems.selectors import check_pk


def application_url(application: Application) -> str:
    return common.application_url(application)


# --- lookups -------------------------------------------------------------------------------


def review_get(request: HttpRequest, pk: object) -> ExpertReview:
    """The re-review ``pk`` if its application is visible to the user; else 404."""
    check_pk(pk)
    review = (
        ExpertReview.objects.select_related("application__body__organisation", "authority")
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise Http404
    selectors.application_get(request.user, review.application_id)
    return review


def seat_get(request: HttpRequest, pk: object) -> PanelExpert:
    """A panel seat of an application the user sees; else 404.

    Its page is for its expert and the competent authority only (others: 404 too,
    see ``seat_detail``); its actions answer 403 to whoever may not take them.
    """
    check_pk(pk)
    seat = PanelExpert.objects.select_related("review__application", "review__authority").filter(
        pk=pk
    )
    found = seat.first()
    if found is None:
        raise Http404
    selectors.application_get(request.user, found.review.application_id)
    return found


def follow_up_get(request: HttpRequest, application: Application, pk: object) -> FollowUp:
    check_pk(pk)
    found = application.follow_ups.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- the authority's pages -----------------------------------------------------------------


@login_required
@require_GET
def expert_review_list(request: HttpRequest) -> HttpResponse:
    reviews = selectors.expert_reviews_for_authority(request.user).order_by("-requested_at")
    return render(
        request,
        "reviews/expert/list.html",
        {"reviews": reviews[:200], "is_regulator": bool(expert.jurisdictions_of(request.user))},
    )


def _detail_context(request: HttpRequest, review: ExpertReview, **forms: Any) -> dict[str, Any]:
    is_authority = selectors.is_authority(request.user, review)
    seats = list(review.panel.select_related("user").order_by("pk"))
    check: list[str] | None = None
    outcome = None
    if is_authority and review.status == ExpertReview.Status.REQUESTED:
        try:
            result = expert.panel_check(review)
            check = [f.describe(common.language()) for f in result.findings]
        except ValidationError as exc:
            check = list(exc.messages)
    if is_authority and review.status == ExpertReview.Status.PANEL_FORMED:
        try:
            outcome = expert.panel_outcome(review)
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
    review = review_get(request, pk)
    return render(request, "reviews/expert/detail.html", _detail_context(request, review))


def _authority_review(request: HttpRequest, pk: int) -> ExpertReview:
    review = review_get(request, pk)
    if not selectors.is_authority(request.user, review):
        raise PermissionDenied(_("Only the competent authority may do this."))
    return review


@login_required
@require_POST
def expert_panel_add(request: HttpRequest, pk: int) -> HttpResponse:
    review = _authority_review(request, pk)
    form = PanelAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            expert.panel_add(
                actor=request.user,
                review=review,
                user=data.get("user"),
                name=data.get("name") or "",
                disciplines=data["disciplines"],
                affiliation=data["affiliation"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Expert added to the panel."))
            return redirect("reviews:expert_review", pk=review.pk)
    return render(
        request,
        "reviews/expert/detail.html",
        _detail_context(request, review, add_form=form),
        status=422,
    )


@login_required
@require_POST
def expert_panel_remove(request: HttpRequest, pk: int, seat_pk: int) -> HttpResponse:
    review = _authority_review(request, pk)
    check_pk(seat_pk)
    seat = review.panel.filter(pk=seat_pk).first()
    if seat is None:
        raise Http404
    try:
        expert.panel_remove(actor=request.user, seat=seat)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Expert removed from the panel."))
    return redirect("reviews:expert_review", pk=review.pk)


@login_required
@require_POST
def expert_panel_form(request: HttpRequest, pk: int) -> HttpResponse:
    review = _authority_review(request, pk)
    try:
        expert.panel_form(actor=request.user, review=review)
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
def expert_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    review = _authority_review(request, pk)
    form = ConcludeForm(request.POST)
    if form.is_valid():
        try:
            expert.panel_conclude(
                actor=request.user, review=review, reasons=form.cleaned_data["reasons"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The re-review is concluded; the decision is recorded."))
            return redirect("reviews:expert_review", pk=review.pk)
    return render(
        request,
        "reviews/expert/detail.html",
        _detail_context(request, review, conclude_form=form),
        status=422,
    )


@login_required
@require_POST
def expert_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    review = _authority_review(request, pk)
    form = ProposalForm(request.POST)
    if form.is_valid():
        try:
            expert.list_update_propose(
                actor=request.user, review=review, proposal=form.cleaned_data["proposal"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Proposal recorded."))
            return redirect("reviews:expert_review", pk=review.pk)
    return render(
        request,
        "reviews/expert/detail.html",
        _detail_context(request, review, proposal_form=form),
        status=422,
    )


@login_required
@require_GET
def expert_statistics(request: HttpRequest) -> HttpResponse:
    stats = expert.authority_statistics(request.user)
    return render(request, "reviews/expert/statistics.html", {"stats": stats})


# --- the expert's pages --------------------------------------------------------------------


@login_required
@require_GET
def my_panels(request: HttpRequest) -> HttpResponse:
    seats = (
        PanelExpert.objects.filter(user=request.user)
        .select_related("review__application", "review__authority")
        .order_by("-review__requested_at")
    )
    return render(request, "reviews/expert/mine.html", {"seats": seats[:200]})


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
        "may_declare": review.status == ExpertReview.Status.REQUESTED
        and (own or (seat.user_id is None and selectors.is_authority(request.user, review))),
        "may_vote": own and review.status == ExpertReview.Status.PANEL_FORMED and not seat.view,
        "interests_form": forms.get("interests_form")
        or InterestsForm(initial={"interests": interests_text}),
        "vote_form": forms.get("vote_form") or VoteForm(),
    }


@login_required
@require_GET
def seat_detail(request: HttpRequest, pk: int) -> HttpResponse:
    seat = seat_get(request, pk)
    own = seat.user_id == request.user.pk
    if not own and not selectors.is_authority(request.user, seat.review):
        raise Http404  # another expert's seat: a read outside the visitor's reach
    return render(request, "reviews/expert/seat.html", _seat_context(request, seat))


@login_required
@require_POST
def seat_declare(request: HttpRequest, pk: int) -> HttpResponse:
    seat = seat_get(request, pk)
    form = InterestsForm(request.POST)
    if form.is_valid():
        try:
            expert.interests_declare(
                actor=request.user, seat=seat, interests=form.cleaned_data["interests"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Declaration recorded."))
            return redirect("reviews:expert_seat", pk=seat.pk)
    elif not (
        seat.user_id == request.user.pk
        or (seat.user_id is None and selectors.is_authority(request.user, seat.review))
    ):
        raise PermissionDenied(_("Only the expert may declare their interests."))
    return render(
        request,
        "reviews/expert/seat.html",
        _seat_context(request, seat, interests_form=form),
        status=422,
    )


@login_required
@require_POST
def seat_vote(request: HttpRequest, pk: int) -> HttpResponse:
    seat = seat_get(request, pk)
    if seat.user_id != request.user.pk:
        raise PermissionDenied(_("Only the expert on this seat may vote."))
    form = VoteForm(request.POST)
    if form.is_valid():
        try:
            expert.expert_vote(
                actor=request.user,
                seat=seat,
                view=form.cleaned_data["view"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Your view is recorded."))
            return redirect("reviews:expert_seat", pk=seat.pk)
    return render(
        request,
        "reviews/expert/seat.html",
        _seat_context(request, seat, vote_form=form),
        status=422,
    )


# --- aftercare: the applicant and the chair ------------------------------------------------


def _form_page(
    request: HttpRequest,
    application: Application,
    form: Any,
    *,
    title: str,
    intro: str,
    button: str,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "reviews/expert/form.html",
        {
            "application": application,
            "application_url": application_url(application),
            "form": form,
            "title": title,
            "intro": intro,
            "button": button,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_report(request: HttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    application = selectors.application_get(request.user, pk)
    follow_up = follow_up_get(request, application, follow_up_pk)
    if not selectors.is_applicant(request.user, application):
        raise PermissionDenied(_("Only the applicant may do this."))
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                later = aftercare.follow_up_report(
                    actor=request.user, follow_up=follow_up, report=form.cleaned_data["report"]
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Follow-up report submitted."))
                return redirect(application_url(later))
    return _form_page(
        request,
        application,
        form,
        title=_("Follow-up report"),
        intro=_(
            "Report how the activity has gone since approval: changes, incidents, how the "
            "risks are controlled. The report opens the follow-up review."
        ),
        button=_("Submit the follow-up report"),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_change_report(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(request.user, pk)
    if not selectors.is_applicant(request.user, application):
        raise PermissionDenied(_("Only the applicant may do this."))
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                later = aftercare.risk_change_report(
                    actor=request.user, application=application, report=form.cleaned_data["report"]
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Risk change reported; the review is reopened."))
                return redirect(application_url(later))
    return _form_page(
        request,
        application,
        form,
        title=_("Report a change of risk"),
        intro=_(
            "Describe what changed in the activity's ethics risks. The review body reviews "
            "the activity again."
        ),
        button=_("Report the change"),
        status=status,
    )


@login_required
@require_POST
def resubmission_create(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(request.user, pk)
    if not selectors.is_applicant(request.user, application):
        raise PermissionDenied(_("Only the applicant may do this."))
    try:
        draft = aftercare.resubmission_create(actor=request.user, application=application)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(application_url(application))
    messages.success(request, _("A draft for re-review is ready: change what was asked, submit."))
    return redirect(application_url(draft))


ACTIONS = {
    "suspend": (
        aftercare.activity_suspend,
        gettext_lazy("Suspend the activity"),
        gettext_lazy("The applicant is notified with your reason; the activity may resume later."),
    ),
    "resume": (
        aftercare.activity_resume,
        gettext_lazy("Let the activity resume"),
        gettext_lazy("The applicant is notified with your reason."),
    ),
    "terminate": (
        aftercare.activity_terminate,
        gettext_lazy("Terminate the activity"),
        gettext_lazy("Termination is final. The applicant is notified with your reason."),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def activity_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = selectors.application_get(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    if not selectors.can_chair(request.user, application.body):
        raise PermissionDenied(_("Only the chair of the review body may do this."))
    service, title, intro = ACTIONS[action]
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                service(
                    actor=request.user,
                    application=application,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Done."))
                return redirect(application_url(application))
    return _form_page(
        request, application, form, title=title, intro=intro, button=title, status=status
    )
