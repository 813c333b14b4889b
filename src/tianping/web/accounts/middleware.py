"""Keeps a session that has only the password on the second-factor pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse

from tianping.web.accounts import two_factor

_OPEN = ("two_factor_verify", "two_factor_setup", "logout", "set_language")
"""The pages a session waiting for its second factor may open."""


class TwoFactorMiddleware:
    """After the password, a user with an authenticator is sent to enter a code, and a
    user whose role requires one but who has none to set one up, from every page
    (the admin's included) until done. Under ``/api/`` such a session is no session
    (401); bearer tokens, a separate credential, are unaffected.

    Installed after django-otp's ``OTPMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        state = two_factor.pending(request)
        if state is not None:
            if request.path_info.startswith("/api/"):
                request.user = AnonymousUser()
            elif request.path_info not in {reverse(name) for name in _OPEN}:
                target = reverse("two_factor_verify" if state == "verify" else "two_factor_setup")
                query = (
                    urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                )
                return HttpResponseRedirect(f"{target}?{query}" if query else target)
        return self.get_response(request)
