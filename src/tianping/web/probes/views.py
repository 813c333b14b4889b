"""Pages of probe runs: a system's endpoint and runs, start one, follow it, read the results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tianping.text import normalise_language
from tianping.web.assessments.evidence.selectors import evidence_items, evidence_of
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.core.validation import apply_errors
from tianping.web.probes import selectors, services
from tianping.web.probes.forms import EndpointForm, ProbeRunForm
from tianping.web.probes.labels import LANGUAGE_LABELS, VERDICT_LABELS, label
from tianping.web.probes.models import ProbeRun
from tianping.web.probes.results import results_view
from tianping.web.systems.selectors import system_get


@login_required
@require_http_methods(["GET", "POST"])
def system_probes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The system's chat endpoint and probe runs; a POST starts a run."""
    system = system_get(request.user, pk)
    can_run = selectors.can_run_probes(request.user, system)
    form = ProbeRunForm(request.POST or None)
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied(_("You cannot run probes on this system."))
        if form.is_valid():
            try:
                run = services.probe_run_start(
                    actor=request.user,
                    system=system,
                    languages=form.cleaned_data["languages"],
                    samples=form.cleaned_data["samples"],
                    title=form.cleaned_data.get("title") or "",
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("probes:run_detail", run_id=run.pk)
    runs = [
        {"run": run, "verdict_label": label(VERDICT_LABELS, run.verdict) if run.verdict else ""}
        for run in selectors.runs_of(system)[:50]
    ]
    return render(
        request,
        "probes/system.html",
        {
            "system": system,
            "endpoint": selectors.endpoint_of(system),
            "runs": runs,
            "form": form,
            "can_run": can_run,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = system_get(request.user, pk)
    if not selectors.can_run_probes(request.user, system):
        raise PermissionDenied(_("You cannot change the chat endpoint of this system."))
    endpoint = selectors.endpoint_of(system)
    initial = {}
    if endpoint is not None:
        initial = {
            "base_url": endpoint.base_url,
            "model": endpoint.model,
            "temperature": endpoint.temperature,
            "max_output_tokens": endpoint.max_output_tokens,
        }
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_save(
                actor=request.user,
                system=system,
                base_url=form.cleaned_data["base_url"],
                model=form.cleaned_data["model"],
                temperature=form.cleaned_data["temperature"],
                max_output_tokens=form.cleaned_data["max_output_tokens"],
                api_key=form.cleaned_data.get("api_key") or "",
                clear_key=bool(form.cleaned_data.get("clear_key")),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The chat endpoint was saved."))
            return redirect("probes:system", pk=system.pk)
    return render(
        request, "probes/endpoint.html", {"system": system, "endpoint": endpoint, "form": form}
    )


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: str) -> HttpResponse:
    run = selectors.run_get(request.user, run_id)
    can_cancel = not run.is_finished and selectors.can_cancel_run(request.user, run)
    if request.headers.get("HX-Request"):  # the progress box polling while the run goes on
        response = render(request, "probes/_progress.html", {"run": run, "can_cancel": can_cancel})
        if run.status == ProbeRun.Status.DONE:
            response["HX-Refresh"] = "true"
        return response
    evidence = evidence_of(run)
    shown = None
    if evidence is not None and run.status == ProbeRun.Status.DONE:
        shown = results_view(evidence.content)
    return render(
        request,
        "probes/run.html",
        {
            "run": run,
            "system": run.system,
            "run_languages": ", ".join(label(LANGUAGE_LABELS, code) for code in run.languages),
            "results": shown,
            "evidence": evidence,
            "items": evidence_items(evidence, language=normalise_language(get_language())),
            "can_cancel": can_cancel,
        },
    )


@login_required
@require_POST
def run_cancel(request: AuthenticatedHttpRequest, run_id: str) -> HttpResponse:
    run = selectors.run_get(request.user, run_id)
    try:
        services.probe_run_cancel(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("probes:run_detail", run_id=run.pk)
