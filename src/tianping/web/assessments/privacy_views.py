"""Pages of dataset privacy scans: start one, follow it, read the profile (masked only)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tianping.text import normalise_language
from tianping.web.assessments import datafiles, privacy, selectors
from tianping.web.assessments.models import PrivacyScan
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.forms import apply_errors
from tianping.web.systems.selectors import system_get


class PrivacyScanForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=gettext_lazy("Dataset (CSV, TSV, JSON Lines, Parquet)"), required=False
    )
    server_path = forms.CharField(
        label=gettext_lazy("Or a file on the server"), max_length=1000, required=False
    )
    keep = forms.BooleanField(
        label=gettext_lazy("Keep the uploaded file (encrypted) after the scan"), required=False
    )

    def __init__(self, *args: object, too_large: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.too_large = too_large
        # Reading files on the server is off unless folders are configured (as for audits).
        if not datafiles.data_dirs():
            del self.fields["server_path"]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if self.too_large:
            raise ValidationError(
                _("The file is larger than the limit of {limit} MB.").format(
                    limit=datafiles.max_bytes() // (1024 * 1024)
                )
            )
        return cleaned


@csrf_exempt
def scan_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a dataset and queue its privacy scan (the upload is cut off past the limit)."""
    if request.method == "POST":
        request.upload_handlers.insert(
            0, datafiles.SizeLimitedUploadHandler(request, limit=datafiles.max_bytes())
        )
    # _scan_new is behind login_required: only a signed-in user reaches its body.
    return _scan_new(cast(AuthenticatedHttpRequest, request), pk)


@login_required
@require_http_methods(["GET", "POST"])
@csrf_protect
def _scan_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    system = system_get(request.user, pk)
    if not selectors.can_run_assessment(request.user, system):
        raise PermissionDenied(_("You cannot scan datasets of this system."))
    form = PrivacyScanForm(
        request.POST or None,
        request.FILES or None,
        too_large=bool(getattr(request, "predictions_too_large", False)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            scan = privacy.privacy_scan_start(
                actor=request.user,
                system=system,
                upload=form.cleaned_data.get("file"),
                server_path=form.cleaned_data.get("server_path") or "",
                title=form.cleaned_data.get("title") or "",
                keep=bool(form.cleaned_data.get("keep")),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("assessments:privacy_detail", scan_id=scan.pk)
    return render(
        request,
        "assessments/privacy_new.html",
        {"form": form, "system": system, "limit": datafiles.max_bytes() // (1024 * 1024)},
    )


@login_required
@require_GET
def scan_detail(request: HttpRequest, scan_id: str) -> HttpResponse:
    scan = privacy.scan_get(request.user, scan_id)
    if request.headers.get("HX-Request"):  # the progress box polling while the scan runs
        response = render(
            request,
            "assessments/_privacy_progress.html",
            {"scan": scan, "can_cancel": privacy.can_cancel_scan(request.user, scan)},
        )
        if scan.status == PrivacyScan.Status.DONE:
            response["HX-Refresh"] = "true"
        return response
    language = normalise_language(get_language())
    evidence = selectors.evidence_of(scan)
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
            "items": selectors.evidence_items(evidence, language=language),
            "evidence": evidence,
            "error": None if error is None else error.get(language) or error.get("en"),
            "can_cancel": not scan.is_finished and privacy.can_cancel_scan(request.user, scan),
        },
    )


REPORT_LANGUAGES = {"zh-Hans", "en", "both"}


@login_required
@require_GET
def scan_impact_report(request: HttpRequest, scan_id: str) -> HttpResponse:
    """The draft personal-information impact assessment (PIPL Art. 56) as a PDF."""
    scan = privacy.scan_get(request.user, scan_id)
    language = request.GET.get("language") or normalise_language(get_language())
    if language not in REPORT_LANGUAGES:
        language = normalise_language(get_language())
    try:
        pdf = privacy.privacy_impact_pdf(scan=scan, language=language)
    except ValidationError:
        return HttpResponse(_("The scan has no result yet."), status=409, content_type="text/plain")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="tianping-pia-{scan.system_id}-{str(scan.pk)[:8]}.pdf"'
    )
    return response


@login_required
@require_POST
def scan_cancel(request: AuthenticatedHttpRequest, scan_id: str) -> HttpResponse:
    scan = privacy.scan_get(request.user, scan_id)
    try:
        privacy.privacy_scan_cancel(actor=request.user, scan=scan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("assessments:privacy_detail", scan_id=scan.pk)
