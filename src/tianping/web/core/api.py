"""What every app's JSON API shares: the error schema, bounded JSON bodies, error handlers.

The project's API instance (``tianping.web.api``) is made with
:data:`PARSER`, takes its authentication from ``accounts`` and calls
:func:`install_error_handlers`, so domain errors map to HTTP in one place:
``ValidationError`` → 422 with the field errors, ``PermissionDenied`` → 403,
unknown or invisible objects → 404, an upload over its endpoint's limit → 413.
Every router answers errors with :class:`Message`.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.parser import Parser

from tianping import jsonsafe

# Error details are in the request's language (``Accept-Language``), like the
# field errors services raise; the OpenAPI descriptions stay in English.
ERR_PERMISSION_DENIED = _("Permission denied.")
ERR_NOT_FOUND = _("Not found.")
ERR_TOO_LARGE = _("The request body is too large.")


# An error answer: ``detail`` is a text, or field name → list of texts (422). No
# docstring: it would become the schema's OpenAPI description.
class Message(Schema):
    detail: Any


class BoundedParser(Parser):
    """JSON request bodies read within :mod:`tianping.jsonsafe`'s limits.

    Arrays and objects nest at most ``jsonsafe.MAX_DEPTH`` levels, number
    literals have at most ``jsonsafe.MAX_NUMBER_LENGTH`` characters; beyond,
    django-ninja answers 400 as for any body that is not JSON.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return cast(dict[str, Any], jsonsafe.loads(request.body))


def install_error_handlers(api: NinjaAPI) -> None:
    """Map the domain errors every service raises to HTTP answers on ``api``."""

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return api.create_response(request, {"detail": detail}, status=422)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, {"detail": str(exc) or str(ERR_PERMISSION_DENIED)}, status=403
        )

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(request, {"detail": str(ERR_TOO_LARGE)}, status=413)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": str(ERR_NOT_FOUND)}, status=404)


__all__ = ["ERR_NOT_FOUND", "BoundedParser", "Message", "install_error_handlers"]
