"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tianping.web.accounts.selectors import memberships_of


def memberships(request: HttpRequest) -> dict[str, Any]:
    return {"user_memberships": memberships_of(request.user)}
