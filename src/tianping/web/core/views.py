"""Small pages of the platform that belong to no feature."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

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
