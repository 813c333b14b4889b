"""The authentication backend that throttles sign-in (django-axes)."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in ``AUTHENTICATION_BACKENDS``.

    Every sign-in over the web (the login page, the admin's) passes the request and
    is throttled. A call without a request is not a sign-in from a client (the test
    client's ``login``, a management command): there is no address to count, and the
    next backend checks the password as usual.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        # django-axes is untyped; its standalone backend never signs anyone in.
        result: None = super().authenticate(request, username, password, **kwargs)
        return result
