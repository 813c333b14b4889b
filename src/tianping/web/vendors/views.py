"""Pages of the vendor register (suppliers, their questionnaire) and of each system's AI-BOM."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tianping.web import uploads
from tianping.web.core.actions import error_message, form_errors_message, form_submit
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.systems.selectors import system_get
from tianping.web.vendors import selectors, services
from tianping.web.vendors.forms import (
    BomUploadForm,
    ComponentForm,
    QuestionnaireForm,
    SupplierForm,
)
from tianping.web.vendors.labels import RISK_LEVELS
from tianping.web.vendors.models import BomComponent, Supplier
from tianping.web.vendors.questionnaire import RiskRating, questionnaire


def _rating(supplier: Supplier) -> tuple[RiskRating, str, list[str]]:
    rating = selectors.supplier_risk(supplier)
    language = get_language()
    return rating, str(RISK_LEVELS[rating.level]), [r.get(language) for r in rating.reasons]


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    suppliers = selectors.suppliers_visible_to(request.user).order_by(
        "organisation__name", "name", "pk"
    )[:500]
    rows = [(s, *_rating(s)[:2]) for s in suppliers]
    organisations = selectors.writable_organisations(request.user)
    form = None
    if organisations.exists():
        form = SupplierForm(request.POST or None, organisations=organisations)
        done = form_submit(
            request,
            form,
            lambda data: services.supplier_create(actor=request.user, **data),
            success=_("The supplier was added to the register."),
            then=lambda supplier: reverse("vendors:supplier", args=[supplier.pk]),
        )
        if done:
            return done
    elif request.method == "POST":
        raise PermissionDenied(str(services.ERR_NOT_WRITER))
    return render(request, "vendors/home.html", {"rows": rows, "form": form})


@login_required
def supplier(request: AuthenticatedHttpRequest, supplier_id: int) -> HttpResponse:
    item = selectors.supplier_get(request.user, supplier_id)
    writes = selectors.can_write(request.user, item.organisation)
    if request.method == "POST" and not writes:
        raise PermissionDenied(str(services.ERR_NOT_WRITER))
    form = QuestionnaireForm(request.POST or None, supplier=item)
    done = form_submit(
        request,
        form,
        lambda data: services.questionnaire_answer(
            actor=request.user, supplier=item, answers=form.answers()
        ),
        success=_("The answers were recorded."),
        then=reverse("vendors:supplier", args=[item.pk]),
    )
    if done:
        return done
    rating, level_name, reasons = _rating(item)
    components = item.components.select_related("system").order_by("system__name", "position")
    return render(
        request,
        "vendors/supplier.html",
        {
            "supplier": item,
            "form": form if writes else None,
            "answers": [
                (form[f"answer_{q.id}"], form[f"note_{q.id}"]) for q in questionnaire().questions
            ],
            "rating": rating,
            "level_name": level_name,
            "reasons": reasons,
            "components": components[:500],
        },
    )


@login_required
@require_GET
def bom(request: AuthenticatedHttpRequest, system_id: int) -> HttpResponse:
    system = system_get(request.user, system_id)
    writes = selectors.can_write(request.user, system.organisation)
    suppliers = selectors.suppliers_of(system.organisation)
    components = list(selectors.components_for(system)[:2000])
    rows = [
        (
            c,
            ComponentForm(
                initial={"supplier": c.supplier_id, "certificate_id": c.certificate_id},
                suppliers=suppliers,
                prefix=f"c{c.pk}",
            )
            if writes
            else None,
        )
        for c in components
    ]
    return render(
        request,
        "vendors/bom.html",
        {
            "system": system,
            "stored": getattr(system, "ai_bom", None),
            "rows": rows,
            "risks": [
                (name, RISK_LEVELS[level]) for name, level in selectors.supplier_risk_for(system)
            ],
            "upload_form": BomUploadForm() if writes else None,
        },
    )


@login_required
@require_POST
def bom_upload(request: AuthenticatedHttpRequest, system_id: int) -> HttpResponse:
    system = system_get(request.user, system_id)
    if not selectors.can_write(request.user, system.organisation):
        raise PermissionDenied(str(services.ERR_NOT_WRITER))
    form = BomUploadForm(request.POST, request.FILES, too_large=uploads.cut_off(request))
    done = form_submit(
        request,
        form,
        lambda data: services.bom_upload(
            actor=request.user, system=system, data=data["file"].read()
        ),
        success=_("The AI-BOM was stored."),
        then=reverse("vendors:bom", args=[system.pk]),
    )
    if done:
        return done
    stored = getattr(system, "ai_bom", None)
    return render(
        request,
        "vendors/bom.html",
        {
            "system": system,
            "stored": stored,
            "rows": [],
            "risks": [],
            "form": form,
            "upload_form": form,
        },
    )


@login_required
@require_POST
def component(request: AuthenticatedHttpRequest, system_id: int, component_id: int) -> HttpResponse:
    system = system_get(request.user, system_id)
    row: BomComponent = selectors.component_get(system, component_id)
    if not selectors.can_write(request.user, system.organisation):
        raise PermissionDenied(str(services.ERR_NOT_WRITER))
    form = ComponentForm(
        request.POST, suppliers=selectors.suppliers_of(system.organisation), prefix=f"c{row.pk}"
    )
    if not form.is_valid():
        form_errors_message(request, form)
    else:
        chosen = form.cleaned_data["supplier"]
        try:
            services.component_update(
                actor=request.user,
                component=row,
                supplier_id=chosen.pk if chosen else None,
                certificate_id=form.cleaned_data["certificate_id"],
            )
        except ValidationError as exc:
            error_message(request, exc)
        else:
            messages.success(request, _("The component was changed."))
    return redirect("vendors:bom", system.pk)
