"""Pages of the transparency documents: per system (signed in: the owner's organisation
writes, regulators over it read) and the published user notice (public, embeddable)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tianping.transparency import (
    DOCUMENT_KINDS,
    document_html,
    document_pdf,
    user_notice_fragment,
    user_notice_text,
)
from tianping.web.core.actions import form_submit, pdf_download, post_and_redirect
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.systems.models import AISystem
from tianping.web.transparency import selectors, services
from tianping.web.transparency.forms import OwnerFieldsForm, fields_text
from tianping.web.transparency.labels import KIND_LABELS
from tianping.web.transparency.models import DocumentVersion


def _system(request: HttpRequest, system_id: int) -> AISystem:
    return get_object_or_404(selectors.visible_systems(request.user), pk=system_id)


def _version(request: HttpRequest, version_id: int) -> DocumentVersion:
    return get_object_or_404(
        DocumentVersion.objects.filter(
            system__in=selectors.visible_systems(request.user)
        ).select_related("system__organisation"),
        pk=version_id,
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    systems = selectors.visible_systems(request.user).order_by("organisation__name", "name")
    return render(request, "transparency/home.html", {"systems": systems[:200]})


@login_required
@require_GET
def system(request: HttpRequest, system_id: int) -> HttpResponse:
    item = _system(request, system_id)
    rows = [
        {
            "kind": kind,
            "label": KIND_LABELS[kind],
            "latest": selectors.latest(item, kind),
            "current": selectors.current(item, kind),
        }
        for kind in DOCUMENT_KINDS
    ]
    notice = selectors.current(item, selectors.NOTICE)
    return render(
        request,
        "transparency/system.html",
        {
            "system": item,
            "rows": rows,
            "owner": selectors.is_owner(request.user, item),
            "schedule": selectors.report_schedule(item),
            "notice_url": request.build_absolute_uri(
                reverse("transparency:notice_html", args=[item.pk])
            )
            if notice
            else "",
            "notice_text_url": request.build_absolute_uri(
                reverse("transparency:notice_text", args=[item.pk])
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, system_id: int, kind: str) -> HttpResponse:
    item = _system(request, system_id)
    if kind not in DOCUMENT_KINDS:
        raise Http404
    if not selectors.is_owner(request.user, item):
        raise PermissionDenied(
            _("Only the system's applicants and administrators may change its documents.")
        )
    latest = selectors.latest(item, kind)
    form = OwnerFieldsForm(
        request.POST if request.method == "POST" else None,
        initial={"owner_fields": fields_text(latest.owner_fields) if latest else ""},
    )
    done = form_submit(
        request,
        form,
        lambda data: services.document_save(
            actor=request.user, system=item, kind=kind, owner_fields=data["owner_fields"]
        ),
        success=_("A new draft version was saved."),
        then=lambda row: reverse("transparency:version", args=[row.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "transparency/edit.html",
        {"system": item, "kind": kind, "label": KIND_LABELS[kind], "form": form},
        status=400 if form.is_bound else 200,
    )


def _missing_labels(document: dict[str, Any]) -> list[str]:
    """The names of the required fields a document leaves empty, in the reader's language."""
    key = "en" if (get_language() or "").startswith("en") else "zh-Hans"
    names = []
    for field in (document.get("completeness") or {}).get("missing") or []:
        label = field.get("label") if isinstance(field, dict) else None
        names.append(str(label.get(key) if isinstance(label, dict) else field))
    return names


@login_required
@require_GET
def version(request: HttpRequest, version_id: int) -> HttpResponse:
    row = _version(request, version_id)
    document = row.document.get("json") or {}
    return render(
        request,
        "transparency/version.html",
        {
            "row": row,
            "system": row.system,
            "label": KIND_LABELS.get(row.kind, ""),
            "missing": _missing_labels(document),
            "owner": selectors.is_owner(request.user, row.system),
            "history": selectors.versions(row.system, row.kind)[:20],
        },
    )


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    row = _version(request, version_id)
    return post_and_redirect(
        request,
        lambda _data: services.document_publish(actor=request.user, row=row),
        back=reverse("transparency:version", args=[row.pk]),
        success=_("The version was published, signed and recorded in the ledger."),
    )


@login_required
@require_GET
def version_html(request: HttpRequest, version_id: int) -> HttpResponse:
    row = _version(request, version_id)
    return HttpResponse(document_html(services.rebuild(row), language="both"))


@login_required
@require_GET
def version_pdf(request: HttpRequest, version_id: int) -> HttpResponse:
    row = _version(request, version_id)
    return pdf_download(
        document_pdf(services.rebuild(row), language="both"),
        ready=True,
        filename=f"{row.kind}-v{row.version}.pdf",
        not_ready="",
    )


@login_required
@require_GET
def version_json(request: HttpRequest, version_id: int) -> HttpResponse:
    row = _version(request, version_id)
    data = {
        "document": row.document.get("json"),
        "state": row.state,
        "signature": row.signature,
        "ledger_index": row.ledger_index,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{row.kind}-v{row.version}.json"'
    return response


def _published_notice(system_id: int) -> DocumentVersion:
    system = get_object_or_404(AISystem, pk=system_id)
    row = selectors.current(system, selectors.NOTICE)
    if row is None:
        raise Http404
    return row


@require_GET
@xframe_options_exempt
def notice_html(request: HttpRequest, system_id: int) -> HttpResponse:
    """The published user notice as an HTML fragment to embed (no script, no style)."""
    row = _published_notice(system_id)
    fragment = user_notice_fragment(services.rebuild(row), language="both")
    return HttpResponse(fragment, content_type="text/html; charset=utf-8")


@require_GET
def notice_text(request: HttpRequest, system_id: int) -> HttpResponse:
    """The published user notice as plain text."""
    row = _published_notice(system_id)
    text = user_notice_text(services.rebuild(row), language="both")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
