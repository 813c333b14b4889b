"""Pages of ethics review records: role dashboards, notifications, record export, letters."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianping.web.core import actions
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.models import DecisionLetterJob
from tianping.web.reviews.notifications import selectors as notifications_selectors
from tianping.web.reviews.records import selectors, services


def _application_url(pk: int) -> str:
    return notifications_selectors.application_url(pk)


@login_required
def record_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The complete record of an application as a JSON download."""
    application = applications_selectors.application_get(request.user, pk)
    data = selectors.application_record(application)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="tianping-review-{application.reference}.json"'
    )
    return response


@login_required
@require_POST
def letter_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    language = request.POST.get("language", "")
    try:
        job = services.letter_job_start(
            actor=request.user, application=application, language=language
        )
    except ValidationError as exc:
        actions.error_message(request, exc)
        return redirect(_application_url(application.pk))
    return redirect("reviews:letter_job", job_id=job.pk)


@login_required
def letter_job(request: AuthenticatedHttpRequest, job_id: str) -> HttpResponse:
    job = selectors.letter_job_get(request.user, job_id)
    template = (
        "reviews/records/_letter_job.html"
        if request.headers.get("HX-Request")
        else "reviews/records/letter_job.html"
    )
    return render(request, template, {"job": job})


@login_required
@require_POST
def letter_job_cancel(request: AuthenticatedHttpRequest, job_id: str) -> HttpResponse:
    job = selectors.letter_job_get(request.user, job_id)
    return actions.post_and_redirect(
        request,
        lambda data: services.letter_job_cancel(actor=request.user, job=job),
        back=reverse("reviews:letter_job", kwargs={"job_id": job.pk}),
    )


@login_required
def letter_job_download(request: AuthenticatedHttpRequest, job_id: str) -> HttpResponse:
    job = selectors.letter_job_get(request.user, job_id)
    return actions.pdf_download(
        job.pdf,
        ready=job.status == DecisionLetterJob.Status.DONE,
        filename=f"tianping-decision-{job.application.reference}-{job.language}.pdf",
        not_ready=_("The letter is not ready."),
    )
