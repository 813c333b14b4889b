"""Small pages of the platform that belong to no feature."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tianping.web.core import health

FAVICON = "tianping/favicon.svg"


@cache
def _favicon() -> bytes:
    return (settings.PACKAGE_DIR / "static" / FAVICON).read_bytes()


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for on their own: the SVG icon base.html links."""
    response = HttpResponse(_favicon(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """``/healthz``: the process answers (no database access), for a load balancer's liveness."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """``/readyz``: 200 when this process can serve (database, storage, keys, a live worker),
    else 503 naming the failing checks (:mod:`tianping.web.core.health`); no sign-in."""
    checks = health.readiness()
    failing = [name for name, result in checks.items() if result == health.FAILED]
    body = {"status": "unavailable" if failing else "ok", "checks": checks, "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)
