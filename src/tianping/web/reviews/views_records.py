"""Pages of ethics review records: role dashboards, notifications, record export, letters."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianping.web.reviews import selectors
from tianping.web.reviews.models import DecisionLetterJob
from tianping.web.reviews.services import common, letters, records


def _application_url(pk: int) -> str:
    return common.application_url(pk)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The role dashboards: applicant, committee member, chair, authority."""
    board = records.dashboard(request.user)
    return render(request, "reviews/records/home.html", {"board": board})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    notes = records.notifications_of(request.user, limit=200)
    rows = [
        {"note": n, "text": common.render_notification(n.message, n.params or {})} for n in notes
    ]
    unread = sum(1 for n in notes if n.read_at is None)
    return render(request, "reviews/records/notifications.html", {"rows": rows, "unread": unread})


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("reviews:notifications")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    records.notification_mark_read(actor=request.user, notification_id=pk)
    return _back(request)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = records.notifications_mark_all_read(actor=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect("reviews:notifications")


@login_required
def record_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The complete record of an application as a JSON download."""
    application = selectors.application_get(request.user, pk)
    data = records.application_record(application)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="tianping-review-{application.reference}.json"'
    )
    return response


@login_required
@require_POST
def letter_start(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(request.user, pk)
    language = request.POST.get("language", "")
    try:
        job = letters.letter_job_start(
            actor=request.user, application=application, language=language
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_application_url(application.pk))
    return redirect("reviews:letter_job", job_id=job.pk)


@login_required
def letter_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = letters.letter_job_get(request.user, job_id)
    template = (
        "reviews/records/_letter_job.html"
        if request.headers.get("HX-Request")
        else "reviews/records/letter_job.html"
    )
    return render(request, template, {"job": job})


@login_required
@require_POST
def letter_job_cancel(request: HttpRequest, job_id: str) -> HttpResponse:
    job = letters.letter_job_get(request.user, job_id)
    try:
        job = letters.letter_job_cancel(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reviews:letter_job", job_id=job.pk)


@login_required
def letter_job_download(request: HttpRequest, job_id: str) -> HttpResponse:
    job = letters.letter_job_get(request.user, job_id)
    if job.status != DecisionLetterJob.Status.DONE or job.pdf is None:
        return HttpResponse(_("The letter is not ready."), status=409, content_type="text/plain")
    response = HttpResponse(bytes(job.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="tianping-decision-{job.application.reference}-{job.language}.pdf"'
    )
    return response
