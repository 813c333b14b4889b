"""Pages of the risk network: reports (list, file, detail, triage) and warnings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianping.web.core import actions
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.network import selectors, services
from tianping.web.network.forms import NoteForm, ReportForm, TriageForm, VisibilityForm, WarningForm


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "network/home.html",
        {
            "reports": selectors.reports_visible(user)[:200],
            "can_file": bool(selectors.reporter_organisations(user)),
            "can_warn": bool(selectors.regulator_organisations(user)),
        },
    )


@login_required
def report_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = selectors.reporter_organisations(request.user)
    if not organisations:
        raise PermissionDenied
    form = ReportForm(request.POST or None, organisations=organisations)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.report_create(actor=request.user, **data),
        success=_("Risk report filed."),
        then=lambda report: reverse("network:report_detail", args=[report.pk]),
    )
    if done is not None:
        return done
    return render(request, "network/report_form.html", {"form": form})


@login_required
def report_detail(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    user = request.user
    report = selectors.report_get(user, report_id)
    return render(
        request,
        "network/report_detail.html",
        {
            "report": report,
            "steps": report.steps.select_related("actor", "regulator"),
            "route": report.route.all(),
            "can_triage": selectors.can_triage(user, report),
            "can_narrow": selectors.is_on_route(user, report),
            "is_reporter": selectors.is_reporter(user, report),
            "triage_form": TriageForm(),
            "note_form": NoteForm(),
            "visibility_form": VisibilityForm(initial={"visibility": report.visibility}),
        },
    )


def _back(report_id: int) -> str:
    return reverse("network:report_detail", args=[report_id])


@login_required
@require_POST
def report_submit(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    if not selectors.is_reporter(request.user, report):
        raise PermissionDenied
    return actions.post_and_redirect(
        request,
        lambda data: services.report_submit(actor=request.user, report=report),
        back=_back(report.pk),
        success=_("Risk report filed."),
    )


@login_required
@require_POST
def report_triage(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    if not selectors.can_triage(request.user, report):
        raise PermissionDenied
    return actions.post_and_redirect(
        request,
        lambda data: services.report_triage(actor=request.user, report=report, **data),
        back=_back(report.pk),
        success=_("Triage recorded."),
        form=TriageForm(request.POST),
    )


@login_required
@require_POST
def report_respond(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    if not selectors.is_reporter(request.user, report):
        raise PermissionDenied
    return actions.post_and_redirect(
        request,
        lambda data: services.report_respond(actor=request.user, report=report, **data),
        back=_back(report.pk),
        success=_("Information sent."),
        form=NoteForm(request.POST),
    )


@login_required
@require_POST
def report_visibility(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    if not selectors.is_on_route(request.user, report):
        raise PermissionDenied
    return actions.post_and_redirect(
        request,
        lambda data: services.report_narrow(actor=request.user, report=report, **data),
        back=_back(report.pk),
        success=_("Visibility narrowed."),
        form=VisibilityForm(request.POST),
    )


@login_required
def warning_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "network/warning_list.html",
        {
            "warnings": selectors.warnings_visible(user)[:200],
            "can_warn": bool(selectors.regulator_organisations(user)),
        },
    )


@login_required
def warning_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    issuers = selectors.regulator_organisations(request.user)
    if not issuers:
        raise PermissionDenied
    form = WarningForm(request.POST or None, issuers=issuers)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.warning_issue(actor=request.user, **data),
        success=_("Early warning issued."),
        then=lambda warning: reverse("network:warning_detail", args=[warning.pk]),
    )
    if done is not None:
        return done
    return render(request, "network/warning_form.html", {"form": form})


@login_required
def warning_detail(request: AuthenticatedHttpRequest, warning_id: int) -> HttpResponse:
    user = request.user
    warning = selectors.warning_get(user, warning_id)
    issuer = selectors.is_issuer(user, warning)
    recipients = warning.recipients.select_related("organisation", "acknowledged_by")
    return render(
        request,
        "network/warning_detail.html",
        {
            "warning": warning,
            "is_issuer": issuer,
            "recipients": recipients if issuer else None,
            "pending": selectors.pending_rows(user, warning).exists(),
            "unacknowledged": recipients.filter(acknowledged_at__isnull=True).count(),
        },
    )


@login_required
@require_POST
def warning_acknowledge(request: AuthenticatedHttpRequest, warning_id: int) -> HttpResponse:
    warning = selectors.warning_get(request.user, warning_id)
    if not selectors.pending_rows(request.user, warning).exists():
        raise PermissionDenied
    return actions.post_and_redirect(
        request,
        lambda data: services.warning_acknowledge(actor=request.user, warning=warning),
        back=reverse("network:warning_detail", args=[warning.pk]),
        success=_("Warning acknowledged."),
    )
