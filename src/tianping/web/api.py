"""The JSON API (django-ninja): OpenAPI at ``/api/docs``, bearer-token or session auth.

The project's instance: every app's routers, the authentication of
``accounts.api_auth``, and the error mapping of ``core.api`` (``ValidationError``
→ 422 with the field errors, ``PermissionDenied`` → 403, unknown or invisible
objects → 404, an upload over its endpoint's limit → 413); here too a request
without valid credentials → 401, whatever its method, and an address that sent
too many invalid bearer tokens → 429 with ``Retry-After``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Router

from tianping import __version__
from tianping.web.accounts import throttling
from tianping.web.accounts.api_auth import BearerToken, SessionAuth
from tianping.web.accounts.selectors import memberships_of, visible_organisations
from tianping.web.assessments.bias.api import router as assessments_router
from tianping.web.assessments.bias.api import system_router as system_assessments_router
from tianping.web.assessments.privacy.api import router as privacy_router
from tianping.web.assessments.privacy.api import system_router as system_privacy_router
from tianping.web.cases.api import router as cases_router
from tianping.web.catalogue.api import router as catalogue_router
from tianping.web.certification.api import router as certification_router
from tianping.web.certification.mlbom_api import router as ml_bom_router
from tianping.web.core.api import ERR_NOT_FOUND, BoundedParser, install_error_handlers
from tianping.web.federation.api import router as federation_router
from tianping.web.index.api import router as index_router
from tianping.web.network.api import router as network_router
from tianping.web.operations.api import ingest_router
from tianping.web.operations.api import router as operations_router
from tianping.web.probes.api import router as probe_runs_router
from tianping.web.probes.api import system_router as system_probes_router
from tianping.web.reviews.api import router as reviews_router
from tianping.web.systems.api import router as systems_router
from tianping.web.systems.api import tiering_router
from tianping.web.vendors.api import router as vendors_router

ERR_TOO_MANY = _("Too many invalid API tokens from this address.")

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
install_error_handlers(api)


@api.exception_handler(throttling.TooManyAttempts)
def _too_many(request: HttpRequest, exc: throttling.TooManyAttempts) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": f"{ERR_TOO_MANY} {throttling.minutes_message(exc.retry_after)}"},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


api.add_router("/systems", systems_router)
api.add_router("/intake", tiering_router)
api.add_router("/catalogue", catalogue_router)

api.add_router("/systems", system_assessments_router)
api.add_router("/bias-assessments", assessments_router)

api.add_router("/systems", system_privacy_router)
api.add_router("/privacy-scans", privacy_router)
api.add_router("/systems", operations_router)
api.add_router("/ingest", ingest_router)

api.add_router("/reviews", reviews_router)
api.add_router("/vendors", vendors_router)
api.add_router("/vendors", ml_bom_router)
api.add_router("/certification", certification_router)
api.add_router("/network", network_router)
api.add_router("/federation", federation_router)
api.add_router("/cases", cases_router)
api.add_router("/index", index_router)
api.add_router("/systems", system_probes_router)
api.add_router("/probe-runs", probe_runs_router)


@api.get("/me", tags=["accounts"], summary="The authenticated user and their memberships")
def me(request: HttpRequest) -> dict[str, Any]:
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
