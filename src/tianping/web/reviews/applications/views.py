"""Pages of review bodies, entrustments and applications (drafting to acceptance).

Each view: find the object through the visibility selectors (404), check the
action's permission (403), call one service; a refused action re-renders the
form with its errors or returns to the page with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tianping.web import uploads
from tianping.web.assessments.evidence.selectors import evidence_for_system
from tianping.web.core import actions
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.core.validation import check_pk
from tianping.web.reviews import library
from tianping.web.reviews.applications import selectors, services
from tianping.web.reviews.applications.forms import (
    AcceptForm,
    ApplicationEditForm,
    ApplicationFilterForm,
    ApplicationForm,
    AttachmentForm,
    EvidenceForm,
    ExtensionForm,
    MaterialsForm,
    SelfAssessmentForm,
    VersionForm,
    WaiverForm,
)
from tianping.web.reviews.bodies import selectors as bodies_selectors
from tianping.web.reviews.expert import panels as panel_expert
from tianping.web.reviews.meetings import panels as panel_meetings
from tianping.web.reviews.models import Application, Attachment
from tianping.web.reviews.records import panels as panel_records
from tianping.web.systems.selectors import system_get


def _label(value: dict[str, str]) -> str | None:
    return value.get("en") if library.language() == "en" else value.get("zh-Hans") or ""


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    visible_bodies = bodies_selectors.bodies_visible_to(request.user)
    form = ApplicationFilterForm(request.GET or None, bodies=visible_bodies)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.applications_visible_to(request.user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("body"):
        qs = qs.filter(body=filters["body"])
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "reviews/applications/list.html",
        {"form": form, "page": page, "filters": kept.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: AuthenticatedHttpRequest, system_pk: int) -> HttpResponse:
    system = system_get(request.user, system_pk)
    if not selectors.can_apply(request.user, system.organisation):
        raise PermissionDenied(_("You cannot apply for ethics review for this organisation."))
    body, entrustment = bodies_selectors.route(system.organisation)
    form = ApplicationForm(request.POST or None, initial={"title": system.name})
    done = actions.form_submit(
        request,
        form,
        lambda data: services.application_create(actor=request.user, system=system, **data),
        success=_("Application drafted. Complete the self-assessment and attach the materials."),
        then=_detail_url,
    )
    return done or render(
        request,
        "reviews/applications/create.html",
        {
            "form": form,
            "system": system,
            "body": body,
            "entrustment": entrustment,
            "intake": system.latest_intake,
        },
    )


def _kind_choices(
    application: Application, *, waivable_only: bool = False
) -> list[tuple[str, str]]:
    rules = library.rules_for(application.body)
    choices = []
    for item in rules.bundle():
        if item.id == selectors.SELF_ASSESSMENT_ITEM:
            continue
        if waivable_only and not item.waivable:
            continue
        choices.append((item.id, item.label.get(library.language())))
    if not waivable_only:
        choices += [("evidence", _("Evidence")), ("other", _("Other material"))]
    return choices


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(request.user, pk)
    user = request.user
    is_applicant = selectors.is_applicant(user, app)
    can_chair = bodies_selectors.can_chair(user, app.body)
    editable = is_applicant and app.status in services.EDITABLE
    version = {"expected_version": app.version}
    try:
        checklist = selectors.checklist(app)
        missing = selectors.missing_items(app)
    except ValidationError as exc:
        checklist, missing = [], []
        messages.error(request, " ".join(exc.messages))
    left = selectors.time_left(app)
    sections = [
        mark_safe(module.panel(request, app))  # noqa: S308 - each area renders escaped HTML
        for module in (panel_meetings, panel_expert, panel_records)
    ]
    evidence = evidence_for_system(app.system)
    context = {
        "app": app,
        "language": library.language(),
        "is_applicant": is_applicant,
        "can_chair": can_chair,
        "editable": editable,
        "checklist": checklist,
        "missing": missing,
        "missing_labels": [_label(i["label"]) for i in missing],
        "attachments": app.attachments.select_related("evidence").all(),
        "extensions": app.extensions.select_related("granted_by").all(),
        "declarations": app.declarations.select_related("member").filter(recused=True),
        "time_left": left,
        "overdue": left is not None and left.total_seconds() < 0,
        "unit": selectors.deadline_unit(app),
        "notice_items": [
            {**i, "text": _label(i.get("label") or {})} for i in (app.notice or {}).get("items", [])
        ],
        "sections": [s for s in sections if s],
        "self_assessment": app.self_assessment or {},
        "self_assessment_done": selectors.self_assessment_complete(app),
        "version_form": VersionForm(initial=version),
    }
    if editable:
        context["attachment_form"] = AttachmentForm(initial=version, kinds=_kind_choices(app))
        waivable = _kind_choices(app, waivable_only=True)
        if waivable:
            context["waiver_form"] = WaiverForm(initial=version, kinds=waivable)
        if evidence.exists():
            context["evidence_form"] = EvidenceForm(initial=version, queryset=evidence)
    if can_chair and app.status == Application.Status.SUBMITTED:
        context["accept_form"] = AcceptForm(initial=version)
        if app.notice_sent_at is None:
            context["materials_form"] = MaterialsForm(initial=version, kinds=_kind_choices(app))
    if can_chair and app.status == Application.Status.UNDER_REVIEW:
        context["extension_form"] = ExtensionForm(initial=version)
    return render(request, "reviews/applications/detail.html", context)


def _detail_url(app: Application) -> str:
    return reverse("reviews:application_detail", args=[app.pk])


def _applicant_app(request: HttpRequest, pk: int) -> Application:
    app = selectors.application_get(request.user, pk)
    if not selectors.is_applicant(request.user, app):
        raise PermissionDenied(_("Only the applicant organisation may change this application."))
    return app


def _chair_app(request: HttpRequest, pk: int) -> Application:
    app = selectors.application_get(request.user, pk)
    if not bodies_selectors.can_chair(request.user, app.body):
        raise PermissionDenied(_("Only the chair of the review body may do this."))
    return app


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _applicant_app(request, pk)
    form = ApplicationEditForm(request.POST or None, initial=ApplicationForm.initial_from(app))
    done = actions.form_submit(
        request,
        form,
        lambda data: services.application_update(actor=request.user, application=app, **data),
        success=_("Changes saved."),
        then=_detail_url(app),
    )
    return done or render(request, "reviews/applications/form.html", {"form": form, "app": app})


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _applicant_app(request, pk)
    sa = app.self_assessment or {}
    form = SelfAssessmentForm(
        request.POST or None,
        initial={
            "risks": sa.get("risks", ""),
            "controls": sa.get("controls", ""),
            "residual_risk": sa.get("residual_risk") or app.tier or "",
            "expected_version": app.version,
        },
    )
    done = actions.form_submit(
        request,
        form,
        lambda data: services.self_assessment_update(actor=request.user, application=app, **data),
        success=_("Self-assessment saved."),
        then=_detail_url(app),
    )
    return done or render(
        request,
        "reviews/applications/self_assessment.html",
        {"form": form, "app": app, "sa": sa, "language": library.language()},
    )


def _post(
    request: HttpRequest,
    app: Application,
    form: Any,
    action: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """Run ``action`` with a valid form's data; report the outcome on the application's page."""
    return actions.post_and_redirect(
        request, action, form=form, back=_detail_url(app), success=success
    )


@login_required
@require_POST
def attachment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _applicant_app(request, pk)
    form = AttachmentForm(
        request.POST, request.FILES, kinds=_kind_choices(app), too_large=uploads.cut_off(request)
    )
    return _post(
        request,
        app,
        form,
        lambda d: services.attachment_add(
            actor=request.user,
            application=app,
            kind=d["kind"],
            upload=d["file"],
            expected_version=d["expected_version"],
        ),
        _("File attached."),
    )


@login_required
@require_POST
def attachment_waive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _applicant_app(request, pk)
    form = WaiverForm(request.POST, kinds=_kind_choices(app, waivable_only=True))
    return _post(
        request,
        app,
        form,
        lambda d: services.attachment_waive(actor=request.user, application=app, **d),
        _("Marked not applicable, with the reason on record."),
    )


@login_required
@require_POST
def attachment_remove(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> HttpResponse:
    app = _applicant_app(request, pk)
    attachment = _attachment(app, attachment_pk)
    return _post(
        request,
        app,
        VersionForm(request.POST),
        lambda d: services.attachment_remove(
            actor=request.user, application=app, attachment=attachment, **d
        ),
        _("Attachment removed."),
    )


@login_required
@require_POST
def evidence_attach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _applicant_app(request, pk)
    form = EvidenceForm(request.POST, queryset=evidence_for_system(app.system))
    return _post(
        request,
        app,
        form,
        lambda d: services.evidence_attach(actor=request.user, application=app, **d),
        _("Evidence attached."),
    )


def _attachment(app: Application, attachment_pk: int) -> Attachment:
    from django.http import Http404

    check_pk(attachment_pk)
    try:
        return app.attachments.get(pk=attachment_pk)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    app = selectors.application_get(request.user, pk)
    attachment = _attachment(app, attachment_pk)
    if attachment.data is None:
        return HttpResponse(
            _("This attachment has no file content."), status=404, content_type="text/plain"
        )
    response = HttpResponse(
        bytes(attachment.data), content_type=attachment.content_type or "application/octet-stream"
    )
    safe = "".join(c for c in attachment.name if c.isalnum() or c in "._- ") or "attachment"
    # RFC 6266: an ASCII fallback plus filename*=UTF-8'' for names in Chinese.
    response["Content-Disposition"] = content_disposition_header(True, safe)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def application_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _applicant_app(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        actions.form_errors_message(request, form)
        return redirect("reviews:application_detail", pk=app.pk)
    try:
        result = services.application_submit(
            actor=request.user,
            application=app,
            expected_version=form.cleaned_data["expected_version"],
        )
    except ValidationError as exc:
        actions.error_message(request, exc)
    else:
        if result.status == Application.Status.INCOMPLETE:
            messages.warning(
                request,
                _(
                    "The application is incomplete. The notice below lists everything missing; "
                    "supply it all, then submit again."
                ),
            )
        else:
            messages.success(request, _("Application submitted to the review body."))
    return redirect("reviews:application_detail", pk=app.pk)


@login_required
@require_POST
def application_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _applicant_app(request, pk)
    return _post(
        request,
        app,
        VersionForm(request.POST),
        lambda d: services.application_withdraw(actor=request.user, application=app, **d),
        _("Application withdrawn."),
    )


@login_required
@require_POST
def application_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _chair_app(request, pk)
    return _post(
        request,
        app,
        AcceptForm(request.POST),
        lambda d: services.application_accept(
            actor=request.user,
            application=app,
            procedure=d["procedure"],
            ground=d["ground"] or None,
            expected_version=d["expected_version"],
        ),
        _("Application accepted; the decision deadline runs from now."),
    )


@login_required
@require_POST
def materials_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _chair_app(request, pk)
    return _post(
        request,
        app,
        MaterialsForm(request.POST, kinds=_kind_choices(app)),
        lambda d: services.materials_request(actor=request.user, application=app, **d),
        _("The notice of missing materials was sent to the applicant."),
    )


@login_required
@require_POST
def deadline_extend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _chair_app(request, pk)
    return _post(
        request,
        app,
        ExtensionForm(request.POST),
        lambda d: services.deadline_extend(actor=request.user, application=app, **d),
        _("Deadline extended."),
    )
