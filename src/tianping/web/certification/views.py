"""Pages of certification: applications and their workflow (signed in), and the public
register, DID documents and status lists (no login); the verify page and the PDF certificate
are in ``public_views``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tianping.bom import STATUS_LABELS
from tianping.web.certification import access, selectors, services
from tianping.web.certification.forms import (
    AppealDecideForm,
    AppealForm,
    ApplyForm,
    AssignForm,
    CompromisedKeyForm,
    DecideForm,
    FindingsForm,
    ReasonForm,
    ScopeForm,
    SurveillanceForm,
)
from tianping.web.certification.models import (
    EXPORT,
    Appeal,
    CertificationApplication,
    CertificationBody,
    SurveillanceCase,
)
from tianping.web.core.actions import (
    Data,
    error_message,
    form_errors_message,
    form_submit,
    post_and_redirect,
)
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.core.validation import check_pk

Status = CertificationApplication.Status
T = TypeVar("T")
R = TypeVar("R")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    applications = selectors.visible_applications(request.user)[:200]
    names = dict(selectors.scheme_choices())
    rows = [
        (application, names.get(application.scheme, application.scheme))
        for application in applications
    ]
    cases = selectors.surveillance_cases(request.user)[:200]
    keys = [
        (body, selectors.key_states(body), CompromisedKeyForm())
        for body in selectors.officer_bodies(request.user).filter(issues=True)
    ]
    return render(request, "certification/home.html", {"rows": rows, "cases": cases, "keys": keys})


@login_required
@require_POST
def key_compromised(request: AuthenticatedHttpRequest, body_id: int) -> HttpResponse:
    """An officer marks one of the body's certificate keys compromised (404 for others)."""
    body = get_object_or_404(selectors.officer_bodies(request.user), pk=check_pk(body_id))
    return post_and_redirect(
        request,
        lambda data: services.key_mark_compromised(actor=request.user, body=body, **data),
        form=CompromisedKeyForm(request.POST),
        back=reverse("certification:home"),
        success=_("The key is marked compromised: what it signed from then on no longer verifies."),
    )


@login_required
def apply(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApplyForm(request.POST or None, systems=access.applicant_systems(request.user))
    done = form_submit(
        request,
        form,
        lambda data: services.application_submit(actor=request.user, **data),
        success=_("The application was submitted."),
        then=lambda application: reverse("certification:detail", args=[application.pk]),
    )
    return done or render(request, "certification/apply.html", {"form": form})


@login_required
def detail(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    application = access.application_of(request.user, application_id)
    evidence = selectors.platform_evidence(
        application.system, selectors.final_findings(application)
    )
    requirements = selectors.requirements(application.scheme, evidence)
    language = get_language()
    rows = [
        {
            "id": r.id,
            "name": r.name.get(language),
            "status": r.status,
            "detail": r.detail.get(language),
        }
        for r in requirements
    ]
    me = application.evaluator_rows.filter(user=request.user).first()
    decides = selectors.decides_for(request.user, application.issuer)
    context: dict[str, Any] = {
        "application": application,
        "scheme_name": dict(selectors.scheme_choices()).get(application.scheme, application.scheme),
        "rows": rows,
        "evaluators": application.evaluator_rows.select_related("user", "body__organisation"),
        "disagreements": selectors.disagreements(application),
        "decides": decides,
        "certificate": getattr(application, "certificate", None),
    }
    if decides and application.status == Status.SUBMITTED:
        context["assign_form"] = AssignForm(candidates=selectors.candidate_evaluators(application))
    if me is not None and me.completed_at is None and application.status == Status.EVALUATION:
        context["findings_form"] = FindingsForm(requirements=requirements)
    if decides and application.status == Status.DECISION:
        context["decide_form"] = DecideForm()
    certificate = context["certificate"]
    if decides and certificate is not None:
        context["reason_form"] = ReasonForm()
        context["scope_form"] = ScopeForm()
    appeal = Appeal.objects.filter(application=application).select_related("decided_by").first()
    context["appeal"] = appeal
    applies = selectors.applies_for(request.user, application.system)
    if applies and application.status == Status.REFUSED and appeal is None:
        context["appeal_form"] = AppealForm()
    if (
        decides
        and application.status == Status.APPEALED
        and application.decided_by_id != request.user.pk
    ):
        context["appeal_decide_form"] = AppealDecideForm()
    context["can_renew"] = applies and certificate is not None and services.renewable(certificate)
    open_states = (SurveillanceCase.Status.OPEN, SurveillanceCase.Status.SUSPENDED)
    context["cases"] = [
        (
            case,
            SurveillanceForm(prefix=f"case{case.pk}")
            if decides and case.status in open_states
            else None,
        )
        for case in (certificate.surveillance_cases.all() if certificate is not None else [])
    ]
    context["renewals"] = certificate.renewals.all() if certificate is not None else []
    context["high_risk_suppliers"] = selectors.high_risk_suppliers(application.system)
    if application.scheme == EXPORT:
        upstream = selectors.upstream_report(application.system)
        context["upstream"] = upstream
        context["upstream_rows"] = [
            {
                "name": r.component.name,
                "supplier": r.component.supplier,
                "label": STATUS_LABELS[r.status].get(language),
                "detail": r.message(language),
            }
            for r in (upstream.results if upstream is not None else ())
        ]
        context["overlays"] = [
            {
                "title": o.title["zh" if language.startswith("zh") else "en"],
                "law": o.law["zh" if language.startswith("zh") else "en"],
                "obligations": [
                    t["zh" if language.startswith("zh") else "en"] for t in o.obligations
                ],
                "confidence": o.confidence,
            }
            for o in selectors.export_overlays(application)
        ]
        context["dimension_rows"] = [
            {"name": dimension.name.get(language), "met": dimension.met, "conclusions": rows}
            for dimension, rows in selectors.dimension_conclusions(application, evidence)
        ]
    return render(request, "certification/detail.html", context)


def _back(application: CertificationApplication) -> HttpResponse:
    return redirect("certification:detail", application.pk)


def _act(
    request: AuthenticatedHttpRequest,
    application_id: int,
    *,
    role: access.Role,
    target: Callable[[CertificationApplication], T],
    act: Callable[[T, Data], R],
    success: str | Callable[[R], tuple[int, str]],
    form: Callable[[T], forms.BaseForm] | None = None,
    then: Callable[[R], CertificationApplication | None] = lambda result: None,
) -> HttpResponse:
    """One button of an application's page: load the application the user may read (404),
    check ``role`` (403), find what the action is about (``target``: the application, its
    certificate or a case; 404), validate ``form``, ``act`` on the target with the form's data,
    then go back to the application (or to ``then``'s application) with ``success`` (a text, or
    a message level and text from the result). An invalid form or the service's refusal is an
    error message and changes nothing."""
    application = access.application_of(request.user, application_id)
    access.require(request.user, application, role)
    subject = target(application)
    bound = form(subject) if form is not None else None
    if bound is not None and not bound.is_valid():
        form_errors_message(request, bound)
        return _back(application)
    try:
        result = act(subject, dict(bound.cleaned_data) if bound is not None else {})
    except ValidationError as exc:
        error_message(request, exc)
        return _back(application)
    level, text = (messages.SUCCESS, success) if isinstance(success, str) else success(result)
    messages.add_message(request, level, text)
    return _back(then(result) or application)


@login_required
@require_POST
def assign(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    application = access.application_of(request.user, application_id)
    form = AssignForm(request.POST, candidates=selectors.candidate_evaluators(application))
    if not form.is_valid():
        if not selectors.decides_for(request.user, application.issuer):
            raise PermissionDenied(services.ERR_NOT_DECISION_MAKER)
        form_errors_message(request, form)
        return _back(application)
    users = list(get_user_model().objects.filter(pk__in=form.cleaned_data["evaluators"]))
    try:
        services.evaluators_assign(actor=request.user, application=application, evaluators=users)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("The evaluators were named."))
    return _back(application)


@login_required
@require_POST
def findings(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    application = access.application_of(request.user, application_id)
    evidence = selectors.platform_evidence(application.system)
    form = FindingsForm(
        request.POST,
        requirements=selectors.requirements(application.scheme, evidence),
    )
    recorded = form.findings() if form.is_valid() else {}
    try:
        services.findings_record(actor=request.user, application=application, findings=recorded)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("Your findings were recorded."))
    return _back(application)


@login_required
@require_POST
def decide(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    application = access.application_of(request.user, application_id)
    form = DecideForm(request.POST)
    grant = form.cleaned_data["grant"] if form.is_valid() else False
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        services.application_decide(
            actor=request.user, application=application, grant=grant, reason=reason
        )
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("The decision was recorded."))
    return _back(application)


@login_required
@require_POST
def certificate_change(
    request: AuthenticatedHttpRequest, application_id: int, action: str
) -> HttpResponse:
    application = access.application_of(request.user, application_id)
    if action not in services.ACTIONS:
        raise Http404
    certificate = getattr(application, "certificate", None)
    if not selectors.decides_for(request.user, application.issuer):
        raise PermissionDenied(services.ERR_NOT_DECISION_MAKER)
    if certificate is None:
        raise Http404
    form = ReasonForm(request.POST)
    try:
        services.certificate_change(
            actor=request.user,
            certificate=certificate,
            action=action,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("The certificate was changed."))
    return _back(application)


@login_required
@require_POST
def appeal(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    application = access.application_of(request.user, application_id)
    form = AppealForm(request.POST)
    try:
        services.appeal_lodge(
            actor=request.user,
            application=application,
            grounds=form.cleaned_data["grounds"] if form.is_valid() else "",
        )
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("The appeal was lodged."))
    return _back(application)


@login_required
@require_POST
def appeal_decide(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    return _act(
        request,
        application_id,
        role="officer",
        target=lambda application: application,
        form=lambda application: AppealDecideForm(request.POST),
        act=lambda application, data: services.appeal_decide(
            actor=request.user, application=application, **data
        ),
        success=_("The appeal was decided."),
    )


@login_required
@require_POST
def renew(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    return _act(
        request,
        application_id,
        role="applicant",
        target=access.certificate_of,
        act=lambda certificate, data: services.renewal_submit(
            actor=request.user, certificate=certificate
        ),
        success=_("The renewal was applied for."),
        then=lambda renewal: renewal,
    )


def _scope_message(opened: list[SurveillanceCase]) -> tuple[int, str]:
    if opened:
        return messages.WARNING, _("Outside the certificate's scope: a case was opened.")
    return messages.SUCCESS, _("Within the certificate's scope.")


@login_required
@require_POST
def scope_record(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    return _act(
        request,
        application_id,
        role="officer",
        target=access.certificate_of,
        form=lambda certificate: ScopeForm(request.POST),
        act=lambda certificate, data: services.surveillance_scope_record(
            actor=request.user,
            certificate=certificate,
            model_version=data["model_version"].strip(),
            digests=data["digests"],
        ),
        success=_scope_message,
    )


@login_required
@require_POST
def surveillance_decide(
    request: AuthenticatedHttpRequest, application_id: int, case_id: int
) -> HttpResponse:
    return _act(
        request,
        application_id,
        role="officer",
        target=lambda application: access.case_of(application, case_id),
        form=lambda case: SurveillanceForm(request.POST, prefix=f"case{case.pk}"),
        act=lambda case, data: services.surveillance_decide(actor=request.user, case=case, **data),
        success=_("The surveillance case was decided."),
        then=lambda created: created,
    )


@login_required
@require_GET
def certificate_download(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access.application_of(request.user, application_id)
    certificate = getattr(application, "certificate", None)
    if certificate is None:
        raise Http404
    response = HttpResponse(
        json.dumps(certificate.credential, ensure_ascii=False, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{application.pk}.json"'
    return response


# --- public -------------------------------------------------------------------------------------


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    certificates = selectors.register_certificates(query)[:500]
    return render(
        request, "certification/register.html", {"certificates": certificates, "query": query}
    )


@require_GET
def register_system(request: HttpRequest, system_id: int) -> HttpResponse:
    found = selectors.certified_system(system_id)
    if found is None:
        raise Http404
    system, certificates = found
    names = dict(selectors.scheme_choices())
    rows = [(c, names.get(c.application.scheme, c.application.scheme)) for c in certificates]
    context = {"system": system, "rows": rows, "notice": selectors.trust_notice(system)}
    return render(request, "certification/register_system.html", context)


@require_GET
def did_json(request: HttpRequest, body_id: int) -> JsonResponse:
    body = get_object_or_404(CertificationBody, pk=body_id, issues=True)
    return JsonResponse(selectors.did_document(body), content_type="application/did+json")


@require_GET
def status_json(request: HttpRequest, body_id: int, purpose: str) -> JsonResponse:
    body = get_object_or_404(CertificationBody, pk=body_id, issues=True)
    if purpose not in selectors.PURPOSES:
        raise Http404
    return JsonResponse(selectors.status_list(body, purpose), content_type="application/vc+ld+json")
