"""How the JSON API knows who is calling: a personal API token, or the browser's session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, session

from tianping.web.accounts import throttling
from tianping.web.accounts.services import api_token_authenticate


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


__all__ = ["BearerToken", "SessionAuth"]
