"""Pages of the case database: search with facets, a case, the export."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianping.cases import SIMILAR_BOOSTS
from tianping.web import uploads
from tianping.web.accounts import throttling
from tianping.web.cases import aiid, exports, selectors, services
from tianping.web.cases.forms import (
    AiidUploadForm,
    AnswerForm,
    CaseRequestForm,
    ComplaintForm,
    DecideForm,
    PublishForm,
    SearchForm,
)
from tianping.web.cases.models import AiidImport, CaseRecord, CaseRequest, CaseVisibility
from tianping.web.certification import selectors as certification_selectors
from tianping.web.core import actions
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.core.validation import apply_errors, check_pk
from tianping.web.network import selectors as network_selectors
from tianping.web.network.models import ReportStatus

PAGE_SIZE = 20
EXPORT_LIMIT = 100_000


def _search(
    request: AuthenticatedHttpRequest, *, limit: int, facets: bool = True
) -> tuple[SearchForm, selectors.Results | None]:
    form = SearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    try:
        results = selectors.case_search(
            request.user,
            data.get("q", ""),
            filters=form.filters() if request.GET else {},
            limit=limit,
            facets=facets,
        )
    except ValidationError as exc:
        form.add_error("q", exc)
        return form, None
    return form, results


@login_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, results = _search(request, limit=PAGE_SIZE)
    facets = []
    if results is not None:
        facets = [(name, results.facets.get(name, {})) for name in selectors.FACET_NAMES]
    return render(
        request,
        "cases/list.html",
        {"form": form, "results": results, "facets": facets, "query": request.GET.urlencode()},
    )


@login_required
def case_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(request.user, code)
    return render(request, "cases/detail.html", {"case": case, "boosts": SIMILAR_BOOSTS})


def _export_records(request: AuthenticatedHttpRequest) -> list[object] | HttpResponse:
    form, results = _search(request, limit=selectors.MAX_LIMIT, facets=False)
    if results is None:
        return render(
            request, "cases/list.html", {"form": form, "results": None, "facets": []}, status=400
        )
    if form.is_bound and form.cleaned_data.get("q"):
        return [case for case, _ in results.hits]
    visible = selectors.cases_visible(request.user)
    if form.is_bound:
        visible = selectors.filtered(visible, selectors.check_filters(form.filters()))
    return list(visible.order_by("-date", "code")[:EXPORT_LIMIT])


@login_required
def case_export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    records = _export_records(request)
    if isinstance(records, HttpResponse):
        return records
    response = HttpResponse(
        exports.cases_csv(records),  # type: ignore[arg-type]
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="cases.csv"'
    return response


@login_required
def case_export_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    records = _export_records(request)
    if isinstance(records, HttpResponse):
        return records
    body = json.dumps(exports.cases_json(records), ensure_ascii=False, indent=1)  # type: ignore[arg-type]
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cases.json"'
    return response


# --- accepted risk reports → cases ------------------------------------------------------------


@login_required
def report_publish(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = network_selectors.report_get(request.user, report_id)
    if not network_selectors.is_reporter(request.user, report):
        raise PermissionDenied
    form = PublishForm(request.POST or None, initial={"visibility": report.visibility})
    done = actions.form_submit(
        request,
        form,
        lambda data: services.case_from_report(actor=request.user, report=report, **data),
        success=_("The report is published as a case."),
        then=lambda case: reverse("cases:detail", args=[case.code]),
    )
    if done is not None:
        return done
    return render(request, "cases/publish.html", {"form": form, "report": report})


@login_required
def publishable(request: AuthenticatedHttpRequest) -> HttpResponse:
    reports = [
        r
        for r in network_selectors.reports_visible(request.user).filter(
            status=ReportStatus.ACCEPTED, case_consent__isnull=True
        )[:200]
        if network_selectors.is_reporter(request.user, r)
    ]
    return render(request, "cases/publishable.html", {"reports": reports})


# --- corrections and takedown requests ------------------------------------------------------

REQUEST_LIMIT = throttling.Counter(scope="case-request", limit=5, window=timedelta(hours=1))
"""Public requests per address and hour."""


def case_request(request: HttpRequest, code: str) -> HttpResponse:
    """The public form for a correction or takedown request of a public case."""
    case = get_object_or_404(
        CaseRecord, code=code[:40], visibility=CaseVisibility.PUBLIC, withdrawn_at__isnull=True
    )
    form = CaseRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = throttling.client_address(request)
        try:
            REQUEST_LIMIT.check(address)
        except throttling.TooManyAttempts as exc:
            form.add_error(None, throttling.minutes_message(exc.retry_after))
            return render(request, "cases/request.html", {"form": form, "case": case}, status=429)
        REQUEST_LIMIT.hit(address)
        try:
            services.case_request_file(case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your request is recorded; an administrator will decide."))
            return redirect("cases:request", code=case.code)
    return render(request, "cases/request.html", {"form": form, "case": case})


def _admin(request: AuthenticatedHttpRequest) -> None:
    if not (request.user.is_superuser or request.user.is_staff):
        raise PermissionDenied


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _admin(request)
    requests = CaseRequest.objects.select_related("case", "decided_by")[:200]
    return render(
        request, "cases/requests.html", {"requests": requests, "decide_form": DecideForm()}
    )


@login_required
@require_POST
def request_decide(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    _admin(request)
    found = get_object_or_404(CaseRequest, pk=check_pk(request_id))
    form = DecideForm(request.POST)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.case_request_decide(actor=request.user, request=found, **data),
        success=_("Decision recorded."),
        then=reverse("cases:requests"),
    )
    return done or redirect("cases:requests")


# --- public complaints ----------------------------------------------------------------------

COMPLAINT_LIMIT = throttling.Counter(scope="complaint", limit=5, window=timedelta(hours=1))
"""Public complaints per address and hour."""


def complaint_file(request: HttpRequest, system_id: int) -> HttpResponse:
    """The public complaint form of a system on the public register (else 404)."""
    found = certification_selectors.certified_system(check_pk(system_id))
    if found is None:
        raise Http404
    system = found[0]
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = throttling.client_address(request)
        try:
            COMPLAINT_LIMIT.check(address)
        except throttling.TooManyAttempts as exc:
            form.add_error(None, throttling.minutes_message(exc.retry_after))
            return render(
                request, "cases/complaint_form.html", {"form": form, "system": system}, status=429
            )
        COMPLAINT_LIMIT.hit(address)
        try:
            services.complaint_file(system=system, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Your complaint was sent to the organisation that runs the system.")
            )
            return redirect("cases:complaint_file", system_id=system.pk)
    return render(request, "cases/complaint_form.html", {"form": form, "system": system})


@login_required
def complaint_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = [
        (c, selectors.is_complaint_owner(request.user, c))
        for c in selectors.complaints_visible(request.user)[:200]
    ]
    return render(request, "cases/complaints.html", {"rows": rows, "answer_form": AnswerForm()})


@login_required
@require_POST
def complaint_answer(request: AuthenticatedHttpRequest, complaint_id: int) -> HttpResponse:
    complaint = selectors.complaint_get(request.user, complaint_id)
    form = AnswerForm(request.POST)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.complaint_answer(actor=request.user, complaint=complaint, **data),
        success=_("Answer recorded."),
        then=reverse("cases:complaints"),
    )
    return done or redirect("cases:complaints")


# --- AI Incident Database snapshots ---------------------------------------------------------


@login_required
def aiid_imports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A platform administrator uploads a snapshot; the imports so far."""
    _admin(request)
    form = AiidUploadForm(
        request.POST or None, request.FILES or None, too_large=uploads.cut_off(request)
    )
    done = actions.form_submit(
        request,
        form,
        lambda data: aiid.aiid_import_start(
            actor=request.user, file_name=data["file"].name or "", data=data["file"].read()
        ),
        success=_("The snapshot was accepted; its import runs in the background."),
        then=lambda job: reverse("cases:aiid_import", kwargs={"job_id": job.pk}),
    )
    if done:
        return done
    jobs = AiidImport.objects.select_related("requested_by")[:50]
    return render(request, "cases/aiid_imports.html", {"form": form, "jobs": jobs})


def _aiid_job(request: AuthenticatedHttpRequest, job_id: object) -> AiidImport:
    _admin(request)
    return get_object_or_404(AiidImport, pk=job_id)


@login_required
def aiid_import(request: AuthenticatedHttpRequest, job_id: str) -> HttpResponse:
    job = _aiid_job(request, job_id)
    template = (
        "cases/_aiid_job.html" if request.headers.get("HX-Request") else "cases/aiid_job.html"
    )
    return render(request, template, {"job": job})


@login_required
@require_POST
def aiid_import_cancel(request: AuthenticatedHttpRequest, job_id: str) -> HttpResponse:
    job = _aiid_job(request, job_id)
    return actions.post_and_redirect(
        request,
        lambda data: aiid.aiid_import_cancel(actor=request.user, job=job),
        back=reverse("cases:aiid_import", kwargs={"job_id": job.pk}),
    )
