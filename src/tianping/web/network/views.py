"""Pages of the risk network: reports (list, file, detail, triage) and warnings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianping.reports import ReportError
from tianping.web import uploads
from tianping.web.accounts.models import Organisation, OrganisationKind
from tianping.web.catalogue.models import ListedActivity
from tianping.web.catalogue.services import listed_version_current
from tianping.web.core import actions
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.network import (
    attachments,
    filings,
    listing,
    monitoring,
    pilot,
    selectors,
    services,
    triggers,
)
from tianping.web.network.forms import (
    AttachmentForm,
    DraftSendForm,
    FilingForm,
    MonthlyForm,
    NoteForm,
    ProposalDecisionForm,
    ProposalForm,
    ReportForm,
    TriageForm,
    VisibilityForm,
    WarningForm,
)
from tianping.web.network.models import Filing, ListProposal, WarningDraft
from tianping.web.reviews.models import Application, ReviewBody


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "network/home.html",
        {
            "reports": selectors.reports_visible(user)[:200],
            "can_file": bool(selectors.reporter_organisations(user)),
            "can_warn": bool(selectors.regulator_organisations(user)),
            "can_file_filings": bool(filings.filer_organisations(user)),
        },
    )


@login_required
def report_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = selectors.reporter_organisations(request.user)
    if not organisations:
        raise PermissionDenied
    form = ReportForm(request.POST or None, organisations=organisations)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.report_create(actor=request.user, **data),
        success=_("Risk report filed."),
        then=lambda report: reverse("network:report_detail", args=[report.pk]),
    )
    if done is not None:
        return done
    return render(request, "network/report_form.html", {"form": form})


@login_required
def report_detail(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    user = request.user
    report = selectors.report_get(user, report_id)
    return render(
        request,
        "network/report_detail.html",
        {
            "report": report,
            "steps": report.steps.select_related("actor", "regulator"),
            "route": report.route.all(),
            "can_triage": selectors.can_triage(user, report),
            "can_narrow": selectors.is_on_route(user, report),
            "is_reporter": selectors.is_reporter(user, report),
            "triage_form": TriageForm(),
            "note_form": NoteForm(),
            "visibility_form": VisibilityForm(initial={"visibility": report.visibility}),
            "attachments": attachments.attachments_visible(user, report),
            "attachment_form": AttachmentForm(),
        },
    )


def _back(report_id: int) -> str:
    return reverse("network:report_detail", args=[report_id])


@login_required
@require_POST
def report_attachment_add(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    if not selectors.is_reporter(request.user, report):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES, too_large=uploads.cut_off(request))
    if form.is_valid():
        try:
            attachments.attachment_add(
                actor=request.user,
                report=report,
                upload=form.cleaned_data["file"],
                no_personal_data=bool(form.cleaned_data.get("no_personal_data")),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("File attached."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_back(report.pk))


@login_required
def report_attachment_download(
    request: AuthenticatedHttpRequest, report_id: int, attachment_id: int
) -> StreamingHttpResponse:
    report = selectors.report_get(request.user, report_id)
    attachment = get_object_or_404(
        attachments.attachments_visible(request.user, report), pk=attachment_id
    )
    response = StreamingHttpResponse(
        attachments.attachment_chunks(attachment), content_type=attachment.content_type
    )
    response["Content-Disposition"] = content_disposition_header(True, attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def report_submit(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    if not selectors.is_reporter(request.user, report):
        raise PermissionDenied
    return actions.post_and_redirect(
        request,
        lambda data: services.report_submit(actor=request.user, report=report),
        back=_back(report.pk),
        success=_("Risk report filed."),
    )


@login_required
@require_POST
def report_triage(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    if not selectors.can_triage(request.user, report):
        raise PermissionDenied
    return actions.post_and_redirect(
        request,
        lambda data: services.report_triage(actor=request.user, report=report, **data),
        back=_back(report.pk),
        success=_("Triage recorded."),
        form=TriageForm(request.POST),
    )


@login_required
@require_POST
def report_respond(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    if not selectors.is_reporter(request.user, report):
        raise PermissionDenied
    return actions.post_and_redirect(
        request,
        lambda data: services.report_respond(actor=request.user, report=report, **data),
        back=_back(report.pk),
        success=_("Information sent."),
        form=NoteForm(request.POST),
    )


@login_required
@require_POST
def report_visibility(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    if not selectors.is_on_route(request.user, report):
        raise PermissionDenied
    return actions.post_and_redirect(
        request,
        lambda data: services.report_narrow(actor=request.user, report=report, **data),
        back=_back(report.pk),
        success=_("Visibility narrowed."),
        form=VisibilityForm(request.POST),
    )


@login_required
def warning_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "network/warning_list.html",
        {
            "warnings": selectors.warnings_visible(user)[:200],
            "can_warn": bool(selectors.regulator_organisations(user)),
        },
    )


@login_required
def warning_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    issuers = selectors.regulator_organisations(request.user)
    if not issuers:
        raise PermissionDenied
    form = WarningForm(request.POST or None, issuers=issuers)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.warning_issue(actor=request.user, **data),
        success=_("Early warning issued."),
        then=lambda warning: reverse("network:warning_detail", args=[warning.pk]),
    )
    if done is not None:
        return done
    return render(request, "network/warning_form.html", {"form": form})


@login_required
def warning_detail(request: AuthenticatedHttpRequest, warning_id: int) -> HttpResponse:
    user = request.user
    warning = selectors.warning_get(user, warning_id)
    issuer = selectors.is_issuer(user, warning)
    recipients = warning.recipients.select_related("organisation", "acknowledged_by")
    return render(
        request,
        "network/warning_detail.html",
        {
            "warning": warning,
            "is_issuer": issuer,
            "recipients": recipients if issuer else None,
            "pending": selectors.pending_rows(user, warning).exists(),
            "unacknowledged": recipients.filter(acknowledged_at__isnull=True).count(),
            "filters": selectors.warning_filters(warning),
        },
    )


@login_required
@require_POST
def warning_acknowledge(request: AuthenticatedHttpRequest, warning_id: int) -> HttpResponse:
    warning = selectors.warning_get(request.user, warning_id)
    if not selectors.pending_rows(request.user, warning).exists():
        raise PermissionDenied
    return actions.post_and_redirect(
        request,
        lambda data: services.warning_acknowledge(actor=request.user, warning=warning),
        back=reverse("network:warning_detail", args=[warning.pk]),
        success=_("Warning acknowledged."),
    )


# --- filings ----------------------------------------------------------------------------------


def _file(user: User, data: dict[str, Any]) -> Filing:
    application = None
    if data.get("application"):
        application = Application.objects.filter(
            pk=data["application"], body__organisation=data["organisation"]
        ).first()
        if application is None:
            raise ValidationError(
                {"application": [_("Choose an approved listed activity not yet filed.")]}
            )
    return filings.filing_file(
        actor=user,
        organisation=data["organisation"],
        kind=data["kind"],
        year=data.get("year"),
        application=application,
        summary=data.get("summary") or "",
    )


@login_required
def filings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    bodies = filings.filer_organisations(user)
    regulators = selectors.regulator_organisations(user)
    if not bodies and not regulators:
        raise PermissionDenied
    form = FilingForm(request.POST or None, organisations=bodies)
    if request.method == "POST":
        if not bodies:
            raise PermissionDenied
        done = actions.form_submit(
            request,
            form,
            lambda data: _file(user, data),
            success=_("Filed with the competent regulator."),
            then=reverse("network:filings"),
        )
        if done is not None:
            return done
    overdue: dict[tuple[object, ...], filings.Obligation] = {}
    for regulator in regulators:
        for item in filings.overdue_within(regulator):
            app_id = item.application.pk if item.application else None
            overdue[(item.body.pk, item.kind, item.year, app_id)] = item
    own = filings.obligations(ReviewBody.objects.filter(organisation__in=[o.pk for o in bodies]))
    return render(
        request,
        "network/filings.html",
        {
            "form": form if bodies else None,
            "own": own,
            "overdue": list(overdue.values()),
            "filings": filings.filings_visible(user)[:200],
            "is_regulator": bool(regulators),
        },
    )


# --- monthly monitoring -----------------------------------------------------------------------


def _monthly(request: AuthenticatedHttpRequest) -> tuple[Organisation, int, list[dict[str, Any]]]:
    regulators = selectors.regulator_organisations(request.user)
    if not regulators:
        raise Http404
    form = MonthlyForm(request.GET or None, regulators=regulators)
    year, regulator = timezone.localdate().year, regulators[0]
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or year
        regulator = form.cleaned_data["regulator"] or regulator
    return regulator, year, monitoring.monthly(monitoring.regions_under(regulator), year)


@login_required
def monthly_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    regulator, year, rows = _monthly(request)
    regulators = selectors.regulator_organisations(request.user)
    peak = max([r["reviews"] + r["risk_reports"] for r in rows] + [1])
    months: dict[str, dict[str, int]] = {}
    for row in rows:
        month = months.setdefault(row["month"], {"reviews": 0, "risk_reports": 0})
        month["reviews"] += row["reviews"]
        month["risk_reports"] += row["risk_reports"]
    top = max([m["reviews"] + m["risk_reports"] for m in months.values()] + [1])
    chart: list[dict[str, Any]] = []
    for i, (label, m) in enumerate(sorted(months.items())):
        reviews_h = round(100 * m["reviews"] / top)
        reports_h = round(100 * m["risk_reports"] / top)
        chart.append(
            {
                "month": label,
                "x": 10 + i * 40,
                "reviews_h": reviews_h,
                "reports_h": reports_h,
                "reviews_y": 110 - reviews_h,
                "reports_y": 110 - reviews_h - reports_h,
                **m,
            }
        )
    targets = monitoring.expert_target(rows)
    regions = {r.pk: r for r in monitoring.regions_under(regulator)}
    return render(
        request,
        "network/monthly.html",
        {
            "form": MonthlyForm(
                initial={"year": year, "regulator": regulator}, regulators=regulators
            ),
            "regulator": regulator,
            "year": year,
            "rows": [
                r
                for r in rows
                if r["reviews"]
                or r["risk_reports"]
                or r["warnings_received"]
                or r["expert_reviews"]
                or r["certificates"]
                or r["late_filings"]
            ],
            "chart": chart,
            "peak": peak,
            "targets": [(regions[pk], t) for pk, t in targets.items() if pk in regions],
            "query": f"year={year}&regulator={regulator.pk}",
            "can_summarise": regulator.kind in pilot.SUMMARY_KINDS,
            "can_submit": regulator.kind == OrganisationKind.MUNICIPAL_REGULATOR,
            "summaries": pilot.summaries_visible(request.user)[:100],
        },
    )


@login_required
def monthly_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    regulator, year, rows = _monthly(request)
    response = HttpResponse(monitoring.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="monthly-{regulator.pk}-{year}.csv"'
    return response


@login_required
def monthly_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    regulator, year, rows = _monthly(request)
    response = JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="monthly-{regulator.pk}-{year}.json"'
    return response


# --- warning drafts ---------------------------------------------------------------------------


@login_required
def draft_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.regulator_organisations(request.user):
        raise PermissionDenied
    return render(
        request,
        "network/drafts.html",
        {"drafts": triggers.drafts_for(request.user), "form": DraftSendForm()},
    )


def _draft(request: AuthenticatedHttpRequest, draft_id: int) -> WarningDraft:
    found = [d for d in triggers.drafts_for(request.user) if d.pk == draft_id]
    if not found:
        raise Http404
    return found[0]


@login_required
@require_POST
def draft_send(request: AuthenticatedHttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    return actions.post_and_redirect(
        request,
        lambda data: triggers.draft_send(actor=request.user, draft=draft, **data),
        back=reverse("network:drafts"),
        success=_("Early warning issued."),
        form=DraftSendForm(request.POST),
    )


@login_required
@require_POST
def draft_dismiss(request: AuthenticatedHttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    return actions.post_and_redirect(
        request,
        lambda data: triggers.draft_dismiss(actor=request.user, draft=draft),
        back=reverse("network:drafts"),
        success=_("Draft dismissed."),
    )


# --- pilot summary report ---------------------------------------------------------------------


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def pilot_summary_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The pilot summary report of a city's or province's regulator of the user."""
    region = pilot.summary_region(request.user, request.GET.get("regulator"))
    try:
        pdf = pilot.summary_pdf(region)
    except ReportError as exc:
        message = _("The PDF cannot be made on this server: {detail}").format(detail=exc)
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    return _pdf(pdf, f"pilot-summary-{region.pk}.pdf")


@login_required
@require_POST
def pilot_summary_submit(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = pilot.summary_region(request.user, request.POST.get("regulator"))
    return actions.post_and_redirect(
        request,
        lambda data: pilot.summary_submit(actor=request.user, region=region),
        back=f"{reverse('network:monthly')}?regulator={region.pk}",
        success=_("Pilot summary report submitted to the province."),
    )


@login_required
def pilot_summary_file(request: AuthenticatedHttpRequest, summary_id: int) -> HttpResponse:
    """A submitted report's PDF, as it was submitted."""
    summary = pilot.summary_get(request.user, summary_id)
    return _pdf(bytes(summary.pdf), f"pilot-summary-{summary.region_id}-{summary.pk}.pdf")


# --- the high-risk activity list --------------------------------------------------------------


def _proposers(user: User) -> list[Organisation]:
    return [o for o in selectors.regulator_organisations(user) if o.kind in listing.PROPOSER_KINDS]


def _propose(user: User, data: dict[str, Any]) -> ListProposal:
    proposer = data["proposer"]
    application = None
    if data.get("application"):
        application = Application.objects.filter(
            organisation__path__startswith=proposer.path, pk=data["application"]
        ).first()
        if application is None:
            raise ValidationError(
                {"application": [_("No application of this number in your jurisdiction.")]}
            )
    return listing.proposal_file(
        actor=user,
        proposer=proposer,
        change=data["change"],
        activity_code=data["activity_code"],
        source=data["source"],
        reason=data["reason"],
        texts={f: data.get(f) or "" for f in listing.LIST_TEXTS},
        application=application,
    )


@login_required
def list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The current list, its versions and the proposals of the user's jurisdiction."""
    user = request.user
    if not selectors.regulator_organisations(user):
        raise PermissionDenied
    proposers = _proposers(user)
    form = ProposalForm(request.POST or None, proposers=proposers)
    if request.method == "POST":
        if not proposers:
            raise PermissionDenied
        done = actions.form_submit(
            request,
            form,
            lambda data: _propose(user, data),
            success=_("Proposal filed with the central regulator."),
            then=lambda proposal: reverse("network:list_proposal", args=[proposal.pk]),
        )
        if done is not None:
            return done
    return render(
        request,
        "network/list.html",
        {
            "version": listed_version_current(),
            "activities": ListedActivity.objects.filter(active=True),
            "versions": listing.versions(),
            "proposals": listing.proposals_visible(user).order_by("-created_at", "-pk")[:200],
            "form": form if proposers else None,
        },
    )


@login_required
def list_proposal(request: AuthenticatedHttpRequest, proposal_id: int) -> HttpResponse:
    proposal = listing.proposal_get(request.user, proposal_id)
    return render(
        request,
        "network/list_proposal.html",
        {
            "proposal": proposal,
            "can_decide": listing.can_decide(request.user, proposal),
            "form": ProposalDecisionForm(),
        },
    )


@login_required
@require_POST
def list_proposal_decide(request: AuthenticatedHttpRequest, proposal_id: int) -> HttpResponse:
    proposal = listing.proposal_get(request.user, proposal_id)
    if not listing.can_decide(request.user, proposal):
        raise PermissionDenied
    return actions.post_and_redirect(
        request,
        lambda data: listing.proposal_decide(
            actor=request.user,
            proposal=proposal,
            approve=data["decision"] == "approve",
            reason=data["reason"],
        ),
        back=reverse("network:list_proposal", args=[proposal.pk]),
        success=_("Decision recorded."),
        form=ProposalDecisionForm(request.POST),
    )
