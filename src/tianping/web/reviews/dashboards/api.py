"""The JSON API of dashboards (a router of ``/api/reviews``)."""

from __future__ import annotations

from typing import Any

from ninja import Router

from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews.dashboards import selectors

router = Router(tags=["reviews"])


@router.get(
    "/dashboard",
    response=dict[str, Any],
    summary="The caller's review dashboard: one section per role held",
)
def dashboard(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return selectors.dashboard_summary(request.user)
