"""Pages of dataset privacy scans: start one, follow it, read the profile (masked only)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tianping.web.assessments import jobs
from tianping.web.assessments.evidence.selectors import (
    evidence_items,
    evidence_of,
    removed_links_of,
)
from tianping.web.assessments.jobs import can_run_assessment
from tianping.web.assessments.models import PrivacyScan
from tianping.web.assessments.privacy import selectors, services
from tianping.web.assessments.privacy.forms import PrivacyScanForm
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.systems.selectors import system_get


@csrf_exempt
def scan_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a dataset and queue its privacy scan (the upload is cut off past the limit)."""
    jobs.limit_upload(request)
    # _scan_new is behind login_required: only a signed-in user reaches its body.
    return _scan_new(cast(AuthenticatedHttpRequest, request), pk)


@login_required
@require_http_methods(["GET", "POST"])
@csrf_protect
def _scan_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = system_get(request.user, pk)
    if not can_run_assessment(request.user, system):
        raise PermissionDenied(_("You cannot scan datasets of this system."))
    form = PrivacyScanForm(
        request.POST or None,
        request.FILES or None,
        too_large=bool(getattr(request, "predictions_too_large", False)),
    )
    return jobs.start_page(
        request,
        form,
        lambda: services.privacy_scan_start(
            actor=request.user,
            system=system,
            upload=form.cleaned_data.get("file"),
            server_path=form.cleaned_data.get("server_path") or "",
            title=form.cleaned_data.get("title") or "",
            keep=bool(form.cleaned_data.get("keep")),
        ),
        system=system,
        template="assessments/privacy_new.html",
        detail=lambda scan: redirect("assessments:privacy_detail", scan_id=scan.pk),
    )


@login_required
@require_GET
def scan_detail(request: HttpRequest, scan_id: str) -> HttpResponse:
    scan = selectors.scan_get(request.user, scan_id)
    if request.headers.get("HX-Request"):  # the progress box polling while the scan runs
        response = render(
            request,
            "assessments/_privacy_progress.html",
            {"scan": scan, "can_cancel": selectors.can_cancel_scan(request.user, scan)},
        )
        if scan.status == PrivacyScan.Status.DONE:
            response["HX-Refresh"] = "true"
        return response
    language = jobs.current_language()
    evidence = evidence_of(scan)
    profile = None
    if evidence is not None and scan.status == PrivacyScan.Status.DONE:
        profile = dict(evidence.content)
        label = profile.get("pipl_label") or {}
        profile["pipl_label_shown"] = label.get(language) or label.get("en") or ""
        profile["share_percent"] = round(100 * float(profile.get("share") or 0), 1)
        for column in profile.get("columns", []):
            column["share_percent"] = round(100 * float(column.get("share") or 0), 1)
    error = scan.error or None
    return render(
        request,
        "assessments/privacy_detail.html",
        {
            "scan": scan,
            "system": scan.system,
            "language": language,
            "profile": profile,
            "items": evidence_items(evidence, language=language),
            "removed": removed_links_of(evidence),
            "evidence": evidence,
            "error": None if error is None else error.get(language) or error.get("en"),
            "can_cancel": not scan.is_finished and selectors.can_cancel_scan(request.user, scan),
        },
    )


@login_required
@require_GET
def scan_impact_report(request: HttpRequest, scan_id: str) -> HttpResponse:
    """The draft personal-information impact assessment (PIPL Art. 56) as a PDF."""
    scan = selectors.scan_get(request.user, scan_id)
    language = jobs.report_language(request, jobs.current_language())
    try:
        pdf = services.privacy_impact_pdf(scan=scan, language=language)
    except ValidationError:
        return HttpResponse(_("The scan has no result yet."), status=409, content_type="text/plain")
    return jobs.pdf_response(pdf, filename=f"tianping-pia-{scan.system_id}-{str(scan.pk)[:8]}.pdf")


@login_required
@require_POST
def scan_cancel(request: AuthenticatedHttpRequest, scan_id: str) -> HttpResponse:
    scan = selectors.scan_get(request.user, scan_id)
    try:
        services.privacy_scan_cancel(actor=request.user, scan=scan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("assessments:privacy_detail", scan_id=scan.pk)
