"""Public pages of certification (no login): verify a certificate (paste, upload its JSON, or a
photo of its QR code, or open ``/verify/?id=<credential id>``), and the bilingual PDF
certificate with a QR code that opens the verify page for it."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import qrcode
import zxingcpp
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from PIL import Image

from tianping import jsonsafe
from tianping.certification import load_levels
from tianping.reports import ReportError, html_to_pdf
from tianping.web import uploads
from tianping.web.certification import selectors, trust
from tianping.web.certification.models import Certificate
from tianping.web.certification.public_forms import VerifyUploadForm
from tianping.web.core.timezones import format_datetime

MAX_IMAGE_PIXELS = 40_000_000
"""A photo of a QR code larger than this (in pixels) is refused before it is decoded."""
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF")
PDF_LANGUAGES = ("zh-hans", "en")


def verification_of(text: bytes) -> dict[str, Any]:
    """The verdict on a certificate's JSON text, in the reader's language; refuses what is not
    JSON (``ValidationError``)."""
    try:
        document = jsonsafe.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ValidationError(_("This is not a JSON document.")) from None
    verdict = trust.verify(document)
    return _shown(verdict)


def _shown(verdict: Any) -> dict[str, Any]:
    """The verdict as JSON, its text in the reader's language."""
    return {**verdict.to_json(), "text": verdict.message(get_language())}


def _readable(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """For the page: the end of validity as the platform's zone reads it."""
    if result is None or not isinstance(result.get("valid_until"), str):
        return result
    try:
        until = format_datetime(datetime.fromisoformat(result["valid_until"]))
    except ValueError:
        until = result["valid_until"]
    return {**result, "valid_until_text": until}


def verify_url(credential_id: str) -> str:
    """The public verify page of a certificate in the register, as the QR code holds it."""
    path = reverse("certification:verify")
    return f"{selectors.base_url()}{path}?id={quote(credential_id, safe=':')}"


def _registered(credential_id: str) -> Certificate:
    found = Certificate.objects.filter(credential_id=credential_id[:100]).first()
    if found is None:
        raise ValidationError(_("No certificate with this ID is in the register."))
    return found


def _qr_text(data: bytes) -> str:
    """The text of the first QR code in a photo (PNG, JPEG or WebP)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The image is too large to read a QR code from."))
            image.draft("L", (2000, 2000))  # JPEG: decode at a smaller scale
            gray = image.convert("L")
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("This image cannot be read.")) from None
    found = zxingcpp.read_barcodes(
        gray, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    if not found or not found[0].text:
        raise ValidationError(_("No QR code was found in this image."))
    return str(found[0].text)


def _from_qr(text: str) -> tuple[dict[str, Any], Certificate | None]:
    """The verdict for a QR code's text: a verify link of this platform, or a credential."""
    if text.lstrip().startswith("{"):
        return verification_of(text.encode("utf-8")), None
    ids = parse_qs(urlsplit(text.strip()).query).get("id")
    if not ids:
        raise ValidationError(_("This QR code does not name a certificate."))
    certificate = _registered(ids[0])
    return _judge(certificate), certificate


def _judge(certificate: Certificate) -> dict[str, Any]:
    verdict = trust.verify(certificate.credential)
    return _shown(verdict)


def _from_file(upload: UploadedFile[bytes]) -> tuple[dict[str, Any], Certificate | None]:
    data = upload.read()
    if data.startswith(IMAGE_MAGIC):
        return _from_qr(_qr_text(data))
    return verification_of(data), None


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Paste, upload or scan a certificate; ``?id=`` verifies one of the register's."""
    result: dict[str, Any] | None = None
    certificate: Certificate | None = None
    lookup_error = ""
    status = 200
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES, too_large=uploads.cut_off(request))
        if form.is_valid():
            try:
                if form.cleaned_data.get("file"):
                    result, certificate = _from_file(form.cleaned_data["file"])
                else:
                    result = verification_of(form.cleaned_data["document"].encode("utf-8"))
            except ValidationError as exc:
                field = "file" if form.cleaned_data.get("file") else "document"
                form.add_error(field, exc)
    else:
        form = VerifyUploadForm()
        wanted = request.GET.get("id", "").strip()
        if wanted:
            try:
                certificate = _registered(wanted)
            except ValidationError as exc:
                lookup_error = " ".join(exc.messages)
                status = 404
            else:
                result = _judge(certificate)
    context = {
        "form": form,
        "result": _readable(result),
        "certificate": certificate,
        "lookup_error": lookup_error,
    }
    return render(request, "certification/public/verify.html", context, status=status)


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as a PNG (error correction M, a four-module quiet zone)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()


def _scheme_names(certificate: Certificate) -> tuple[str, str]:
    subject = certificate.credential.get("credentialSubject", {})
    level = subject.get("level") if isinstance(subject, dict) else None
    if isinstance(level, dict):
        return str(level.get("nameZh", "")), str(level.get("name", ""))
    name = load_levels().export.name
    return name.zh, name.en


def _labels() -> dict[str, tuple[str, str]]:
    texts: dict[str, Callable[[], str]] = {
        "title": lambda: _("Certificate"),
        "system": lambda: _("AI system"),
        "organisation": lambda: _("Organisation"),
        "level": lambda: _("Level or certificate"),
        "issuer": lambda: _("Issuing body"),
        "id": lambda: _("Credential ID"),
        "valid_from": lambda: _("Valid from"),
        "valid_until": lambda: _("Valid until"),
        "scan": lambda: _("Scan the QR code to verify this certificate online."),
        "note": lambda: _(
            "This paper copy proves nothing by itself: the signed credential and its status "
            "in the register decide."
        ),
    }
    found: dict[str, list[str]] = {key: [] for key in texts}
    for language in PDF_LANGUAGES:
        with translation.override(language):
            for key, text in texts.items():
                found[key].append(text())
    return {key: (values[0], values[1]) for key, values in found.items()}


def certificate_pdf_bytes(certificate: Certificate) -> bytes:
    """The bilingual (Chinese and English) PDF certificate with its verify QR code."""
    url = verify_url(certificate.credential_id)
    zone = timezone.get_current_timezone()
    context = {
        "certificate": certificate,
        "labels": _labels(),
        "scheme": _scheme_names(certificate),
        "valid_from": certificate.valid_from.astimezone(zone).strftime("%Y-%m-%d"),
        "valid_until": certificate.valid_until.astimezone(zone).strftime("%Y-%m-%d"),
        "url": url,
        "qr": "data:image/png;base64," + base64.b64encode(qr_png(url)).decode("ascii"),
    }
    html = render_to_string("certification/public/certificate_pdf.html", context)
    return html_to_pdf(html)


@require_GET
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The PDF of a certificate in the public register (any state: the QR code tells which)."""
    certificate = get_object_or_404(selectors.register_certificates(), pk=certificate_id)
    try:
        pdf = certificate_pdf_bytes(certificate)
    except ReportError as exc:
        message = _("The PDF cannot be made on this server: {detail}").format(detail=exc)
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.pk}.pdf"'
    return response
