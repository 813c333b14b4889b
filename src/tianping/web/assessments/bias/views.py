"""Pages of bias assessments. Each view: check access, validate, call one service, render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tianping.web.assessments import jobs
from tianping.web.assessments.bias import selectors, services
from tianping.web.assessments.bias.forms import BiasAssessmentForm
from tianping.web.assessments.bias.results import results_context
from tianping.web.assessments.evidence.selectors import (
    evidence_items,
    evidence_of,
    removed_links_of,
)
from tianping.web.assessments.jobs import can_run_assessment
from tianping.web.assessments.models import BiasAssessment
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.systems.selectors import system_get


def _language() -> str:
    return jobs.current_language()


@csrf_exempt
def assessment_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a predictions file and queue its audit.

    A file upload over the size limit is cut off while it arrives (the
    handler must be in place before the body is read, so before the CSRF
    check, which ``_assessment_new`` then makes).
    """
    jobs.limit_upload(request)
    # _assessment_new is behind login_required: only a signed-in user reaches its body.
    return _assessment_new(cast(AuthenticatedHttpRequest, request), pk)


@login_required
@require_http_methods(["GET", "POST"])
@csrf_protect
def _assessment_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = system_get(request.user, pk)
    if not can_run_assessment(request.user, system):
        raise PermissionDenied(_("You cannot run bias assessments for this system."))
    form = BiasAssessmentForm(
        request.POST or None,
        request.FILES or None,
        language=_language(),
        too_large=bool(getattr(request, "predictions_too_large", False)),
    )
    return jobs.start_page(
        request,
        form,
        lambda: services.bias_assessment_start(
            actor=request.user, system=system, **form.service_fields()
        ),
        system=system,
        template="assessments/new.html",
        detail=lambda assessment: redirect("assessments:detail", assessment_id=assessment.pk),
    )


@login_required
@require_GET
def assessment_detail(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = selectors.assessment_get(request.user, assessment_id)
    if request.headers.get("HX-Request"):
        response = render(request, "assessments/_progress.html", {"assessment": assessment})
        if assessment.status == BiasAssessment.Status.DONE:
            response["HX-Refresh"] = "true"
        return response
    language = _language()
    evidence = evidence_of(assessment)
    context: dict[str, Any] = {
        "assessment": assessment,
        "system": assessment.system,
        "evidence": evidence,
        "items": evidence_items(evidence, language=language),
        "removed": removed_links_of(evidence),
        "can_cancel": not assessment.is_finished
        and selectors.can_cancel_assessment(request.user, assessment),
        "language": language,
    }
    if evidence is not None and assessment.status == BiasAssessment.Status.DONE:
        context["results"] = results_context(
            evidence.content, language=language, rate=request.GET.get("rate", "")
        )
    return render(request, "assessments/detail.html", context)


@login_required
@require_POST
def assessment_cancel(request: AuthenticatedHttpRequest, assessment_id: str) -> HttpResponse:
    assessment = selectors.assessment_get(request.user, assessment_id)
    try:
        services.bias_assessment_cancel(actor=request.user, assessment=assessment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("assessments:detail", assessment_id=assessment.pk)


@login_required
@require_GET
def assessment_report(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = selectors.assessment_get(request.user, assessment_id)
    language = jobs.report_language(request, _language())
    try:
        pdf = services.bias_assessment_report_pdf(assessment=assessment, language=language)
    except ValidationError:
        return HttpResponse(
            _("The assessment has no result yet."), status=409, content_type="text/plain"
        )
    return jobs.pdf_response(
        pdf, filename=f"tianping-bias-{assessment.system_id}-{str(assessment.pk)[:8]}.pdf"
    )
