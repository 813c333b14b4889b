"""Pages of the registry. Each view: check access, validate, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tianping import tiering
from tianping.text import normalise_language
from tianping.web.accounts.selectors import organisations_where
from tianping.web.core import actions
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.core.validation import apply_errors as _apply_errors
from tianping.web.systems import selectors, services
from tianping.web.systems.forms import (
    FloorReviewForm,
    IntakeForm,
    OverrideForm,
    ReportForm,
    SystemFilterForm,
    SystemForm,
)
from tianping.web.systems.models import Intake, ReportJob, Tier
from tianping.web.systems.prefill import intake_prefill


def _language() -> str:
    return normalise_language(get_language())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    systems = selectors.systems_visible_to(request.user)
    by_tier = {
        row["latest_intake__tier"] or "none": row["n"]
        for row in systems.values("latest_intake__tier").annotate(n=Count("pk"))
    }
    return render(
        request,
        "systems/home.html",
        {
            "total": systems.count(),
            "by_tier": by_tier,
            "recent": systems[:8],
            "can_register": selectors.can_register_in(request.user),
        },
    )


@login_required
def system_list(request: HttpRequest) -> HttpResponse:
    form = SystemFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.system_list(
        request.user,
        sector=filters.get("sector") or None,
        tier=filters.get("tier") or None,
        stage=filters.get("stage") or None,
        search=filters.get("q") or None,
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    template = "systems/_table.html" if request.headers.get("HX-Request") else "systems/list.html"
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "filters": kept.urlencode(),
            "can_register": selectors.can_register_in(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def system_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = organisations_where(request.user, selectors.EDIT_ROLES).exclude(
        kind__endswith="_regulator"
    )
    if not organisations.exists():
        raise PermissionDenied(_("You cannot register systems."))
    form = SystemForm(request.POST or None, organisations=organisations)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.system_register(
            actor=request.user, organisation=data["organisation"], **form.service_fields()
        ),
        success=_("System registered. Next: answer the intake questionnaire."),
        then=lambda system: reverse("systems:intake", args=[system.pk]),
    )
    return done or render(request, "systems/form.html", {"form": form, "creating": True})


@login_required
def system_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = selectors.system_get(request.user, pk)
    intake = system.latest_intake
    return render(
        request,
        "systems/detail.html",
        {
            "system": system,
            "intake": intake,
            "result": intake.result if intake else None,
            "language": _language(),
            "events": selectors.events_of(system)[:50],
            "intakes": selectors.intakes_of(system)[:20],
            "can_edit": selectors.can_edit_system(request.user, system),
            "can_override": selectors.can_override_tier(request.user, system),
            "can_review_floor": intake is not None
            and intake.floor_override_pending
            and selectors.can_review_floor_override(request.user, system),
            "floor_review_form": FloorReviewForm(),
            "report_form": ReportForm(initial={"language": _language()}),
            "jobs": system.report_jobs.filter(requested_by=request.user)[:5],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def system_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = selectors.system_get(request.user, pk)
    if not selectors.can_edit_system(request.user, system):
        raise PermissionDenied(_("You cannot change this system."))
    form = SystemForm(request.POST or None, initial=SystemForm.initial_from(system))
    done = actions.form_submit(
        request,
        form,
        lambda data: services.system_update(
            actor=request.user, system=system, **form.service_fields()
        ),
        success=_("Changes saved."),
        then=reverse("systems:detail", args=[system.pk]),
    )
    return done or render(request, "systems/form.html", {"form": form, "system": system})


@login_required
@require_http_methods(["GET", "POST"])
def system_intake(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = selectors.system_get(request.user, pk)
    if not selectors.can_edit_system(request.user, system):
        raise PermissionDenied(_("You cannot submit an intake for this system."))
    earlier = system.latest_intake.answers if system.latest_intake else None
    start = intake_prefill(system, earlier)
    form = IntakeForm(
        request.POST or None,
        initial=IntakeForm.initial_from(start.answers),
        language=_language(),
        prefilled_from=start.sources,
    )

    def submit(data: actions.Data) -> Intake:
        answers = form.answers()
        return services.intake_submit(
            actor=request.user, system=system, answers=answers, prefilled=start.outcome(answers)
        )

    done = actions.form_submit(
        request,
        form,
        submit,
        success=_("Intake scored."),
        then=reverse("systems:detail", args=[system.pk]),
    )
    return done or render(request, "systems/intake.html", {"form": form, "system": system})


@login_required
@require_http_methods(["GET", "POST"])
def intake_override(request: AuthenticatedHttpRequest, pk: int, intake_pk: int) -> HttpResponse:
    system = selectors.system_get(request.user, pk)
    if not selectors.can_override_tier(request.user, system):
        raise PermissionDenied(_("You cannot override the tier of this system."))
    intake = selectors.intake_get(system, intake_pk)
    form = OverrideForm(request.POST or None, initial={"tier": intake.tier})
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_override(
                actor=request.user,
                intake=intake,
                tier=form.cleaned_data["tier"],
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            intake.refresh_from_db()
            if intake.floor_override_pending:
                messages.warning(
                    request,
                    _(
                        "The override goes below a minimum tier the answers force: it waits for "
                        "a regulator's confirmation, and the minimum stays in force until then."
                    ),
                )
            else:
                messages.success(request, _("Tier overridden; the justification is on record."))
            return redirect("systems:detail", pk=system.pk)
    return render(
        request,
        "systems/override.html",
        {"form": form, "system": system, "intake": intake, "floors": _floors_of(intake)},
    )


def _floors_of(intake: Intake) -> list[dict[str, Any]]:
    """The floors the intake's answers meet: what each says, its tier, whether it yields."""
    try:
        result = tiering.score_intake(intake.answers)
    except tiering.TieringError:
        return []
    questionnaire = tiering.load_questionnaire()
    floors = []
    for reason in result.reasons:
        if reason.kind == "floor" and reason.rule and reason.floor:
            floor = questionnaire.scoring.floor(reason.rule)
            floors.append(
                {
                    "text": floor.explanation.get(_language()),
                    "tier": Tier(floor.tier).label,
                    "overridable": floor.overridable,
                }
            )
    return floors


@login_required
@require_POST
def intake_floor_review(request: AuthenticatedHttpRequest, pk: int, intake_pk: int) -> HttpResponse:
    """A regulator over the system's organisation confirms or rejects an override below a floor."""
    system = selectors.system_get(request.user, pk)
    if not selectors.can_review_floor_override(request.user, system):
        raise PermissionDenied(
            _("Only a regulator over this organisation may review the override.")
        )
    intake = selectors.intake_get(system, intake_pk)
    form = FloorReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to confirm or to reject the override."))
        return redirect("systems:detail", pk=system.pk)
    try:
        services.intake_floor_review(
            actor=request.user,
            intake=intake,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if form.cleaned_data["decision"] == "confirm":
            messages.success(request, _("Override confirmed; its tier is now in force."))
        else:
            messages.success(request, _("Override rejected; the minimum tier stays in force."))
    return redirect("systems:detail", pk=system.pk)


@login_required
@require_POST
def report_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = selectors.system_get(request.user, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a report language."))
    try:
        job = services.report_job_start(
            actor=request.user, system=system, language=form.cleaned_data["language"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("systems:detail", pk=system.pk)
    return redirect("systems:report_job", job_id=job.pk)


@login_required
def report_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.report_job_get(request.user, job_id)
    template = "systems/_job.html" if request.headers.get("HX-Request") else "systems/job.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def report_job_cancel(request: AuthenticatedHttpRequest, job_id: str) -> HttpResponse:
    job = selectors.report_job_get(request.user, job_id)
    return actions.post_and_redirect(
        request,
        lambda data: services.report_job_cancel(actor=request.user, job=job),
        back=reverse("systems:report_job", kwargs={"job_id": job.pk}),
    )


@login_required
def report_job_download(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.report_job_get(request.user, job_id)
    return actions.pdf_download(
        job.pdf,
        ready=job.status == ReportJob.Status.DONE,
        filename=f"tianping-intake-{job.system_id}.pdf",
        not_ready=_("The report is not ready."),
    )
