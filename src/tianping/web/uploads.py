"""Upload size limits, enforced while a request body arrives, before anything is stored.

Three layers, so an oversized upload is never written to disk in full:

- the server: ``tianping serve`` gives waitress ``max_request_body_size`` =
  :func:`request_limit`; waitress buffers a body (chunked ones included) and answers
  413 once it passes the limit, before the application sees it;
- :class:`UploadLimitMiddleware`, in front of every view: a request whose
  ``Content-Length`` is over :func:`request_limit` (``TIANPING_MAX_REQUEST_BYTES``)
  answers 413 before its body is read (a body without ``Content-Length`` is not read
  by Django at all); a multipart POST gets a :class:`SizeLimitedUploadHandler` for
  the limit of its endpoint (:data:`ENDPOINT_LIMITS`, the default
  ``TIANPING["MAX_UPLOAD_BYTES"]`` for any other), before the CSRF check or the view
  reads the body;
- :class:`SizeLimitedUploadHandler` counts the bytes of the files as they arrive and,
  past the limit, stops: the API answers 413 in JSON (the rest of the body is not
  read, the partial file is deleted); an HTML form skips the file, and the form says
  it was too large (:class:`UploadLimitFormMixin`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from tianping.bom import MAX_BOM_BYTES

logger = logging.getLogger(__name__)

MiB = 1024 * 1024


def predictions_limit() -> int:
    """Predictions files of bias assessments and datasets of privacy scans."""
    return int(settings.TIANPING["MAX_PREDICTIONS_BYTES"])


def attachment_limit() -> int:
    """One document of an ethics review: an attachment, a signed entrustment agreement."""
    return int(getattr(settings, "TIANPING_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024))


def bom_limit() -> int:
    """An AI-BOM (CycloneDX JSON) of a system: the supply-chain check's own limit."""
    return MAX_BOM_BYTES


def default_limit() -> int:
    """Any other endpoint: no file is expected there."""
    return int(settings.TIANPING["MAX_UPLOAD_BYTES"])


def aiid_snapshot_limit() -> int:
    """An AI Incident Database snapshot (``incidents.csv``; the full export is under 1 MiB)."""
    return 16 * MiB


def certificate_photo_limit() -> int:
    """A certificate's JSON file or a photo of its QR code on the public verify page."""
    return 8 * MiB


def report_attachment_limit() -> int:
    """One attachment of a risk report (``TIANPING_REPORT_ATTACHMENTS["max_bytes"]``)."""
    given = getattr(settings, "TIANPING_REPORT_ATTACHMENTS", None) or {}
    return int(given.get("max_bytes", 10 * MiB))


ENDPOINT_LIMITS: dict[str, Callable[[], int]] = {
    "assessments:new": predictions_limit,
    "assessments:privacy_new": predictions_limit,
    "api:start_bias_assessment": predictions_limit,
    "api:start_privacy_scan": predictions_limit,
    "reviews:attachment_add": attachment_limit,
    "reviews:entrustment_create": attachment_limit,
    "api:upload_attachment": attachment_limit,
    "api:create_entrustment": attachment_limit,
    "vendors:bom_upload": bom_limit,
    "api:upload_system_bom": bom_limit,
    "certification:verify": certificate_photo_limit,
    "cases:aiid_imports": aiid_snapshot_limit,
    "network:report_attachment_add": report_attachment_limit,
    "api:upload_report_attachment": report_attachment_limit,
}
"""The endpoints that take a file (by URL name), and the limit of each."""


def request_limit() -> int:
    """The largest request body the platform reads (``TIANPING_MAX_REQUEST_BYTES``)."""
    return int(settings.TIANPING_MAX_REQUEST_BYTES)


def upload_limit(view_name: str | None, route: str | None = None) -> int:
    """The limit on the files of one request to the endpoint named ``view_name``.

    Several API operations share one path (``GET`` and ``POST`` of
    ``/api/reviews/entrustments``), and Django resolves the path to the name of
    the first: an upload endpoint is therefore also found by its ``route``.
    """
    if view_name in ENDPOINT_LIMITS:
        return ENDPOINT_LIMITS[view_name]()
    by_route = _route_limits().get(route or "")
    return (by_route or default_limit)()


@functools.cache
def _route_limits() -> dict[str, Callable[[], int]]:
    """The route of every upload endpoint, and its limit."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, Callable[[], int]] = {}

    def walk(resolver: URLResolver, prefix: str, route: str) -> None:
        for pattern in resolver.url_patterns:
            text = route + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                namespace = pattern.namespace
                walk(pattern, prefix + (f"{namespace}:" if namespace else ""), text)
            elif isinstance(pattern, URLPattern) and prefix + str(pattern.name) in ENDPOINT_LIMITS:
                found[text] = ENDPOINT_LIMITS[prefix + str(pattern.name)]

    walk(get_resolver(), "", "")
    return found


def megabytes(limit: int) -> str:
    return f"{limit / MiB:.0f}" if limit >= MiB else f"{limit / MiB:.2f}"


def too_large_message(limit: int) -> str:
    return _("The file is larger than the limit of {limit} MB.").format(limit=megabytes(limit))


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    """413 in the request's language: JSON under ``/api/``, a page elsewhere."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        if _is_api(request):
            return JsonResponse(
                {"detail": _("The request body is too large."), "limit_bytes": limit},
                status=413,
            )
        return render(
            request,
            "413.html",
            {"message": too_large_message(limit), "limit": megabytes(limit)},
            status=413,
        )


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading a file upload past the size limit instead of storing it in full.

    By default (HTML forms) the file is skipped (its remaining bytes are read and
    dropped, never stored) and the request is marked (``request.<flag>``), so the
    form can say why. With ``stop=True`` (the API) nothing more of the body is read
    and the partial file is deleted; the request is marked the same way. With
    ``per_request=True`` the limit holds for all the files of the request together.
    """

    flag = "upload_too_large"

    def __init__(
        self,
        request: Any = None,
        *,
        limit: int,
        stop: bool = False,
        per_request: bool = False,
    ) -> None:
        super().__init__(request)
        self.limit = limit
        self.stop = stop
        self.per_request = per_request
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if not self.per_request:
            self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.request is not None:
                setattr(self.request, self.flag, True)
            if self.stop:
                raise StopUpload(connection_reset=True)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class UploadLimitMiddleware:
    """Refuses oversized request bodies before reading them; limits each endpoint's uploads.

    Placed before the CSRF middleware (which reads a POST body) and the views.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        limit = request_limit()
        if _content_length(request) > limit:
            logger.warning(
                "Refused a %s-byte request body to %s", _content_length(request), request.path
            )
            return too_large_response(request, limit)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if request.method != "POST" or request.content_type != "multipart/form-data":
            return None
        match = request.resolver_match
        limit = upload_limit(match.view_name if match else None, match.route if match else None)
        if not _is_api(request):
            request.upload_handlers.insert(0, SizeLimitedUploadHandler(request, limit=limit))
            return None
        # The API: a body that cannot fit is refused unread; another is read here, within
        # the limit, and refused with 413 as soon as its files pass it.
        if _content_length(request) > limit + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return too_large_response(request, limit)
        request.upload_handlers.insert(
            0, SizeLimitedUploadHandler(request, limit=limit, stop=True, per_request=True)
        )
        try:
            request.POST  # noqa: B018 - parse the body now, through the handler
        except MultiPartParserError:
            return None  # the view answers for a malformed body as before
        if getattr(request, SizeLimitedUploadHandler.flag, False):
            return too_large_response(request, limit)
        return None


class UploadLimitFormMixin:
    """A form whose file was cut off by :class:`SizeLimitedUploadHandler` says so.

    Pass ``too_large=uploads.cut_off(request)``: the file fields are then not
    required (the file was dropped) and the form is invalid with the limit named.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, too_large: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        if too_large:
            for field in self._file_fields():
                self.fields[field].required = False

    def _file_fields(self) -> list[str]:
        return [name for name, f in self.fields.items() if isinstance(f, forms.FileField)]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        if self.too_large:
            for name in self._file_fields():
                if not cleaned.get(name):
                    self.add_error(name, ValidationError(too_large_message(self.too_large)))  # type: ignore[attr-defined]
                    break
        return cleaned


def cut_off(request: HttpRequest) -> int | None:
    """The limit the request's file passed (and was dropped at), or None."""
    if not getattr(request, SizeLimitedUploadHandler.flag, False):
        return None
    match = request.resolver_match
    return upload_limit(match.view_name if match else None, match.route if match else None)


def server_options() -> dict[str, Any]:
    """Options for waitress: the body limit it enforces before the application."""
    return {"max_request_body_size": request_limit()}
