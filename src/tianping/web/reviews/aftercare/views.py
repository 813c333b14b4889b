"""The HTML pages of aftercare."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tianping.web.core import actions
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews.aftercare import services
from tianping.web.reviews.aftercare.forms import ReasonForm, ReportForm
from tianping.web.reviews.aftercare.selectors import follow_up_get
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.bodies import selectors as bodies_selectors
from tianping.web.reviews.expert.views import application_url
from tianping.web.reviews.models import Application


def _form_action(
    request: HttpRequest,
    application: Application,
    form: Any,
    action: Callable[[actions.Data], Application],
    *,
    success: str,
    title: str,
    intro: str,
    button: str,
) -> HttpResponse:
    """The page of one form acting on ``application``: done, on to the application the
    action returns; else the form (again), with 422 after a POST that did not go through."""
    done = actions.form_submit(request, form, action, success=success, then=application_url)
    return done or render(
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
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_report(request: AuthenticatedHttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    follow_up = follow_up_get(application, follow_up_pk)
    if not applications_selectors.is_applicant(request.user, application):
        raise PermissionDenied(_("Only the applicant may do this."))
    return _form_action(
        request,
        application,
        ReportForm(request.POST or None),
        lambda data: services.follow_up_report(actor=request.user, follow_up=follow_up, **data),
        success=_("Follow-up report submitted."),
        title=_("Follow-up report"),
        intro=_(
            "Report how the activity has gone since approval: changes, incidents, how the "
            "risks are controlled. The report opens the follow-up review."
        ),
        button=_("Submit the follow-up report"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_change_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    if not applications_selectors.is_applicant(request.user, application):
        raise PermissionDenied(_("Only the applicant may do this."))
    return _form_action(
        request,
        application,
        ReportForm(request.POST or None),
        lambda data: services.risk_change_report(
            actor=request.user, application=application, **data
        ),
        success=_("Risk change reported; the review is reopened."),
        title=_("Report a change of risk"),
        intro=_(
            "Describe what changed in the activity's ethics risks. The review body reviews "
            "the activity again."
        ),
        button=_("Report the change"),
    )


@login_required
@require_POST
def resubmission_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    if not applications_selectors.is_applicant(request.user, application):
        raise PermissionDenied(_("Only the applicant may do this."))
    try:
        draft = services.resubmission_create(actor=request.user, application=application)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(application_url(application))
    messages.success(request, _("A draft for re-review is ready: change what was asked, submit."))
    return redirect(application_url(draft))


ACTIONS = {
    "suspend": (
        services.activity_suspend,
        gettext_lazy("Suspend the activity"),
        gettext_lazy("The applicant is notified with your reason; the activity may resume later."),
    ),
    "resume": (
        services.activity_resume,
        gettext_lazy("Let the activity resume"),
        gettext_lazy("The applicant is notified with your reason."),
    ),
    "terminate": (
        services.activity_terminate,
        gettext_lazy("Terminate the activity"),
        gettext_lazy("Termination is final. The applicant is notified with your reason."),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def activity_status(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    if not bodies_selectors.can_chair(request.user, application.body):
        raise PermissionDenied(_("Only the chair of the review body may do this."))
    service, title, intro = ACTIONS[action]
    return _form_action(
        request,
        application,
        ReasonForm(request.POST or None),
        lambda data: service(actor=request.user, application=application, **data),
        success=_("Done."),
        title=str(title),
        intro=str(intro),
        button=str(title),
    )
