"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from tianping.web.accounts.selectors import memberships_of


def memberships(request: HttpRequest) -> dict[str, Any]:
    # Error pages can be rendered for requests that never reached the
    # authentication middleware (e.g. a missing static file in the dev server).
    user = getattr(request, "user", None) or AnonymousUser()
    return {"user_memberships": memberships_of(user)}
