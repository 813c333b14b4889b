"""The Operations page of an AI system: switch, live counters, API keys, ledger browser.

Each view: find the system through the reader's visibility (404 otherwise),
check the right, call one service, render.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tianping.ledger import LedgerError, ProofError
from tianping.web.accounts.models import Role
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.core.validation import MAX_PK, check_pk
from tianping.web.core.validation import apply_errors as _apply_errors
from tianping.web.ledger import selectors as ledger_selectors
from tianping.web.ledger import services as ledger_services
from tianping.web.ledger.models import LedgerLog
from tianping.web.operations import monitors, selectors, services
from tianping.web.operations.forms import ApiKeyForm, PlaybookForm, SwitchForm
from tianping.web.operations.models import SwitchState
from tianping.web.operations.selectors import PLAYBOOK_ROLES
from tianping.web.systems.models import AISystem
from tianping.web.systems.selectors import system_get

LOGS = ("decisions", "platform")
ENTRIES_PER_PAGE = 20


def _page_context(request: HttpRequest, system: AISystem) -> dict[str, Any]:
    playbook = selectors.playbook_of(system)
    decisions = ledger_selectors.decision_log_find(system)
    platform = ledger_selectors.platform_log_find()
    before = request.GET.get("before")
    before_index = int(before) if before and before.isdigit() and len(before) < 19 else None
    entries = (
        ledger_selectors.ledger_entries(decisions, limit=ENTRIES_PER_PAGE, before=before_index)
        if decisions is not None
        else []
    )
    can_keys = selectors.can_manage_keys(request.user, system)
    return {
        "system": system,
        "switch": selectors.switch_of(system),
        "playbook": playbook,
        "targets": selectors.switch_targets(request.user, system, playbook=playbook),
        "figures": selectors.counters(system),
        "can_manage_keys": can_keys,
        "can_edit_playbook": selectors.can_edit_playbook(request.user, system),
        "keys": selectors.api_keys_of(system) if can_keys else [],
        "key_form": ApiKeyForm(),
        "decisions": ledger_selectors.log_info(decisions) if decisions is not None else None,
        "platform": ledger_selectors.log_info(platform, checkpoints=3)
        if platform is not None
        else None,
        "entries": entries,
        "older": entries[-1].index if entries and entries[-1].index > 0 else None,
        "actions": ledger_selectors.platform_entries_of(system, limit=ENTRIES_PER_PAGE),
        "monitors": [
            {**row, "points": monitors.sparkline(row["history"])}
            for row in monitors.latest_readings(system)
        ],
        "alerts": monitors.alerts_of(system, unresolved=True),
        "incidents": monitors.incidents_of(system, open_only=True),
        "can_handle_alerts": monitors.can_handle_alerts(request.user, system),
        "switch_rows": [
            (
                label,
                [
                    str(Role(role).label)
                    for role in PLAYBOOK_ROLES
                    if role in playbook.roles_for[state]
                ],
            )
            for state, label in SwitchState.choices
        ],
    }


@login_required
def operations_page(request: HttpRequest, pk: int) -> HttpResponse:
    system = system_get(request.user, pk)
    return render(request, "operations/page.html", _page_context(request, system))


@login_required
def counters(request: HttpRequest, pk: int) -> HttpResponse:
    system = system_get(request.user, pk)
    return render(
        request,
        "operations/_counters.html",
        {"system": system, "figures": selectors.counters(system)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def switch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = system_get(request.user, pk)
    playbook = selectors.playbook_of(system)
    targets = selectors.switch_targets(request.user, system, playbook=playbook)
    if not targets:
        raise PermissionDenied(_("The incident playbook does not let you move this switch."))
    wanted = request.GET.get("state")
    form = SwitchForm(
        request.POST or None,
        initial={"state": wanted if wanted in targets else targets[0]},
    )
    cast(forms.ChoiceField, form.fields["state"]).choices = [
        (state, label) for state, label in SwitchState.choices if state in targets
    ]
    if request.method == "POST" and form.is_valid():
        before = selectors.switch_of(system).version
        try:
            changed = services.system_switch_change(
                actor=request.user,
                system=system,
                state=form.cleaned_data["state"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if changed.version == before:
                messages.info(request, _("The switch was already in that state; nothing changed."))
            else:
                messages.success(
                    request,
                    _("Switch set to “{state}”; the change is in the ledger.").format(
                        state=changed.get_state_display()
                    ),
                )
            return redirect("operations:page", pk=system.pk)
    return render(
        request,
        "operations/switch.html",
        {
            "system": system,
            "form": form,
            "switch": selectors.switch_of(system),
            "playbook": playbook,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def playbook(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = system_get(request.user, pk)
    if not selectors.can_edit_playbook(request.user, system):
        raise PermissionDenied(_("You cannot change the incident playbook of this system."))
    current = selectors.playbook_of(system)
    form = PlaybookForm(request.POST or None, initial=PlaybookForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_playbook_update(
                actor=request.user, system=system, **form.service_fields()
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Incident playbook saved; the change is in the ledger."))
            return redirect("operations:page", pk=system.pk)
    return render(
        request, "operations/playbook.html", {"system": system, "form": form, "playbook": current}
    )


@login_required
@require_POST
def key_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = system_get(request.user, pk)
    if not selectors.can_manage_keys(request.user, system):
        raise PermissionDenied(_("You cannot manage the API keys of this system."))
    form = ApiKeyForm(request.POST)
    context = _page_context(request, system)
    if form.is_valid():
        try:
            _key, raw = services.system_api_key_create(
                actor=request.user,
                system=system,
                name=form.cleaned_data["name"],
                personal_data=form.cleaned_data["personal_data"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            context = _page_context(request, system)
            context["new_key"] = raw
            form = ApiKeyForm()
    context["key_form"] = form
    return render(request, "operations/page.html", context)


@login_required
@require_POST
def key_revoke(request: AuthenticatedHttpRequest, pk: int, key_id: int) -> HttpResponse:
    system = system_get(request.user, pk)
    check_pk(key_id)
    try:
        services.system_api_key_revoke(actor=request.user, system=system, key_id=key_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Key revoked: the system can no longer send with it."))
    return redirect("operations:page", pk=system.pk)


@login_required
@require_POST
def checkpoint(request: HttpRequest, pk: int) -> HttpResponse:
    system = system_get(request.user, pk)
    signed = 0
    for log in (ledger_selectors.decision_log_find(system), ledger_selectors.platform_log_find()):
        if log is not None and ledger_services.ledger_checkpoint_sign(log=log) is not None:
            signed += 1
    if signed:
        messages.success(request, _("Checkpoint signed."))
    else:
        messages.info(request, _("Every entry is already covered by a signed checkpoint."))
    return redirect("operations:page", pk=system.pk)


def _log(system: AISystem, which: str) -> LedgerLog:
    if which not in LOGS:
        raise Http404
    log = (
        ledger_selectors.decision_log_find(system)
        if which == "decisions"
        else ledger_selectors.platform_log_find()
    )
    if log is None:
        raise Http404
    return log


@login_required
def receipt(request: HttpRequest, pk: int, log: str, index: int) -> HttpResponse:
    system = system_get(request.user, pk)
    if index > MAX_PK:
        raise Http404
    ledger_log = _log(system, log)
    if log == "platform" and not ledger_selectors.platform_entry_is_about(system, index):
        raise Http404
    try:
        found = ledger_services.ledger_receipt(log=ledger_log, index=index)
    except ProofError as exc:
        raise Http404 from exc
    response = HttpResponse(found.dumps(), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="tianping-receipt-{system.pk}-{log}-{index}.json"'
    )
    return response


@login_required
def verifier_key(request: HttpRequest, pk: int, log: str) -> HttpResponse:
    system = system_get(request.user, pk)
    info = ledger_selectors.log_info(_log(system, log), checkpoints=0)
    response = HttpResponse(info.vkey + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tianping-{system.pk}-{log}.vkey"'
    return response


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    system = system_get(request.user, pk)
    log = _log(system, "decisions")
    folder = Path(tempfile.mkdtemp(prefix="tianping-export-"))
    path = folder / "export.jsonl"
    try:
        ledger_services.ledger_export(log=log, path=path)
        handle = path.open("rb")
    except LedgerError as exc:
        return HttpResponse(json.dumps({"detail": exc.message}), status=409)
    finally:
        # The open file stays readable; the folder goes now, whether or not the
        # response is ever closed.
        shutil.rmtree(folder, ignore_errors=True)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"tianping-{system.pk}-decisions.jsonl",
        content_type="application/jsonl",
    )


def _handled(request: HttpRequest, system: AISystem, act: Any) -> HttpResponse:
    try:
        act(request.POST.get("reason", ""))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Done; the action is in the platform ledger."))
    return redirect("operations:page", pk=system.pk)


@login_required
@require_POST
def alert_handle(
    request: AuthenticatedHttpRequest, pk: int, alert_id: int, action: str
) -> HttpResponse:
    system = system_get(request.user, pk)
    if action not in ("acknowledge", "resolve") or alert_id > MAX_PK:
        raise Http404
    return _handled(
        request,
        system,
        lambda reason: monitors.monitor_alert_handle(
            actor=request.user, system=system, alert_id=alert_id, action=action, reason=reason
        ),
    )


@login_required
@require_POST
def incident_close(request: AuthenticatedHttpRequest, pk: int, incident_id: int) -> HttpResponse:
    system = system_get(request.user, pk)
    if incident_id > MAX_PK:
        raise Http404
    return _handled(
        request,
        system,
        lambda reason: monitors.incident_close(
            actor=request.user, system=system, incident_id=incident_id, reason=reason
        ),
    )
