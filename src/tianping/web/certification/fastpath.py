"""A lean way through the web stack for ``POST /api/certification/verify``.

Anyone may verify a certificate, and buyers' systems do it often, so the public endpoint
is served without the parts of the stack it does not use. The middleware sits right after
the security headers, the Content-Security-Policy and the request-size limit (which still
apply to it, unchanged); a request it takes gets the same language choice, the same
``X-Frame-Options`` and the same JSON answer as through the API itself. It takes only what
the lean path answers identically:

- a POST to exactly the endpoint's path, declared ``application/json``;
- with no cookie and no ``Authorization`` header (the endpoint reads no session and no
  token: such a request would only cost the session and sign-in middleware);
- with a body within ``DATA_UPLOAD_MAX_MEMORY_SIZE`` that is a JSON document.

Everything else (another content type: 415, a body that is not JSON: 422, a body too
large: 413, a signed-in browser) goes through the whole stack and the API as before.
There is no rate limit on this endpoint to apply.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from ninja.renderers import JSONRenderer

from tianping.web.certification.public_views import verification_of

VERIFY_URL_NAME = "api:certification_verify"


class VerifyFastPathMiddleware:
    """Answers anonymous JSON ``POST /api/certification/verify`` without the rest of the
    stack (see the module's description); passes every other request on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.locale = LocaleMiddleware(get_response)
        self.common = CommonMiddleware(get_response)
        self.frame = XFrameOptionsMiddleware(get_response)
        self.renderer = JSONRenderer()
        self.content_type = f"{self.renderer.media_type}; charset={self.renderer.charset}"
        self._path: str | None = None

    def path(self) -> str:
        if self._path is None:
            self._path = reverse(VERIFY_URL_NAME)
        return self._path

    def takes(self, request: HttpRequest) -> bool:
        """Whether the lean path answers ``request`` (as the API would)."""
        if request.method != "POST" or request.content_type != "application/json":
            return False
        if request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
            return False
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return 0 < length <= (limit if limit is not None else length) and (
            request.path_info == self.path()
        )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self.takes(request):
            return self.get_response(request)
        early = self.common.process_request(request)
        if early is not None:
            return self.get_response(request)
        self.locale.process_request(request)
        try:
            data = verification_of(request.body)
        except (ValidationError, RequestDataTooBig):
            # The API's own answer (422, 413), through the whole stack.
            return self.get_response(request)
        answer = HttpResponse(
            self.renderer.render(request, data, response_status=200),
            status=200,
            content_type=self.content_type,
        )
        answer = self.frame.process_response(request, answer)
        response = self.common.process_response(request, answer)
        response = self.locale.process_response(request, response)
        # As through the whole stack, whose session middleware names the cookie.
        patch_vary_headers(response, ("Cookie",))
        return response


__all__ = ["VERIFY_URL_NAME", "VerifyFastPathMiddleware"]
