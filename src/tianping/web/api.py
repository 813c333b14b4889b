"""The JSON API (django-ninja): OpenAPI at ``/api/docs``, bearer-token or session auth.

Domain errors map to HTTP in one place: ``ValidationError`` → 422 with the
field errors, ``PermissionDenied`` → 403, unknown or invisible objects → 404;
a request without valid credentials → 401, whatever its method; an address that
sent too many invalid bearer tokens → 429 with ``Retry-After``; an upload over its
endpoint's limit → 413 (``tianping.web.uploads``).
"""

from __future__ import annotations

from typing import Any, NoReturn, cast

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Router
from ninja.parser import Parser
from ninja.security import HttpBearer, session

from tianping import __version__, jsonsafe
from tianping.web.accounts import throttling
from tianping.web.accounts.services import api_token_authenticate

# Error details are in the request's language (``Accept-Language``), like the
# field errors services raise; the OpenAPI descriptions stay in English.
ERR_PERMISSION_DENIED = _("Permission denied.")
ERR_NOT_FOUND = _("Not found.")
ERR_TOO_LARGE = _("The request body is too large.")
ERR_TOO_MANY = _("Too many invalid API tokens from this address.")


class BearerToken(HttpBearer):
    """A personal API token; a separate credential from the session, not asked for a
    second factor. An address that sent ``TIANPING_TOKEN_FAILURE_LIMIT`` invalid tokens
    is answered 429 with ``Retry-After`` for any token until its window ends."""

    openapi_description = "A personal API token created on the API tokens page (`tp_…`)."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        throttling.token_check(request)
        user = api_token_authenticate(token)
        if user is None:
            throttling.token_failed(request)
            return None
        request.user = user
        return user


class SessionAuth(session.SessionAuth):
    """Django's session; its CSRF token is checked once a signed-in session is found.

    Ninja's own session auth checks CSRF before it looks for a session, so a write
    with no credentials (or a revoked bearer token) answered 403 "CSRF check failed";
    it is unauthenticated and answers 401. A signed-in browser's writes still need
    the CSRF token (403 without it); bearer tokens are not cookies and need none.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)


class BoundedParser(Parser):
    """JSON request bodies read within :mod:`tianping.jsonsafe`'s limits.

    Arrays and objects nest at most ``jsonsafe.MAX_DEPTH`` levels, number
    literals have at most ``jsonsafe.MAX_NUMBER_LENGTH`` characters; beyond,
    django-ninja answers 400 as for any body that is not JSON.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return cast(dict[str, Any], jsonsafe.loads(request.body))


api = NinjaAPI(
    title="Tianping API",
    version=__version__,
    description=(
        "AI system registry, intake and risk tiering, and the normative catalogue "
        "of the Ethical Norms for New Generation AI."
    ),
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    parser=BoundedParser(),
)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc) or str(ERR_PERMISSION_DENIED)}, status=403
    )


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": str(ERR_TOO_LARGE)}, status=413)


@api.exception_handler(throttling.TooManyAttempts)
def _too_many(request: HttpRequest, exc: throttling.TooManyAttempts) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": f"{ERR_TOO_MANY} {throttling.minutes_message(exc.retry_after)}"},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(ERR_NOT_FOUND)}, status=404)


from tianping.web.catalogue.api import router as catalogue_router  # noqa: E402
from tianping.web.operations.api import ingest_router  # noqa: E402
from tianping.web.operations.api import router as operations_router  # noqa: E402
from tianping.web.systems.api import router as systems_router  # noqa: E402
from tianping.web.systems.api import tiering_router  # noqa: E402

api.add_router("/systems", systems_router)
api.add_router("/intake", tiering_router)
api.add_router("/catalogue", catalogue_router)

from tianping.web.assessments.api import router as assessments_router  # noqa: E402
from tianping.web.assessments.api import system_router as system_assessments_router  # noqa: E402

api.add_router("/systems", system_assessments_router)
api.add_router("/bias-assessments", assessments_router)

from tianping.web.assessments.privacy_api import router as privacy_router  # noqa: E402
from tianping.web.assessments.privacy_api import system_router as system_privacy_router  # noqa: E402

api.add_router("/systems", system_privacy_router)
api.add_router("/privacy-scans", privacy_router)
api.add_router("/systems", operations_router)
api.add_router("/ingest", ingest_router)

from tianping.web.reviews.api import router as reviews_router  # noqa: E402

api.add_router("/reviews", reviews_router)


@api.get("/me", tags=["accounts"], summary="The authenticated user and their memberships")
def me(request: HttpRequest) -> dict[str, Any]:
    from tianping.web.accounts.selectors import memberships_of

    return {
        "username": request.user.get_username(),
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation": m.organisation.name,
                "kind": m.organisation.kind,
                "role": m.role,
            }
            for m in memberships_of(request.user)
        ],
    }


@api.get("/organisations", tags=["accounts"], summary="Organisations visible to the user")
def organisations(request: HttpRequest) -> list[dict[str, Any]]:
    from tianping.web.accounts.selectors import visible_organisations

    return [
        {
            "id": o.pk,
            "name": o.name,
            "name_en": o.name_en,
            "kind": o.kind,
            "parent_id": o.parent_id,
            "region_code": o.region_code,
        }
        for o in visible_organisations(request.user)
    ]


# A request under /api/ that no operation matches (``/api/systems/abc``) gets the
# API's JSON 404 rather than the HTML page. Added last, this router only sees
# what every other route missed.
_fallback = Router()


@_fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"],
    "/{path:rest}",
    auth=None,
    include_in_schema=False,
    url_name="not_found",
)
def not_found(request: HttpRequest, rest: str) -> NoReturn:
    raise Http404


api.add_router("", _fallback)


@csrf_exempt
def not_found_anywhere(request: HttpRequest, rest: str = "") -> HttpResponse:
    """The same JSON 404 for paths no route can match at all (a newline in a path segment:
    Django's ``path`` converter stops at line breaks). Mounted last in the URL map."""
    return JsonResponse({"detail": str(ERR_NOT_FOUND)}, status=404)
