"""Throttles on guessing credentials: sign-in, password-reset requests, API bearer tokens.

- Sign-in (the login page and the admin's) is django-axes': failures are counted per
  account and per address (``AXES_LOCKOUT_PARAMETERS``); at ``AXES_FAILURE_LIMIT``
  (``TIANPING_LOGIN_FAILURE_LIMIT``) the account or address is locked for
  ``AXES_COOLOFF_TIME`` (``TIANPING_LOGIN_COOLOFF_MINUTES``), every attempt and lockout
  is recorded (``axes.AccessAttempt``, ``axes.AccessFailureLog``), and the person sees
  :func:`lockout_response`, a page saying for how long (429, ``Retry-After``).
- Password-reset requests and invalid bearer tokens are counted by :class:`Counter`,
  fixed windows in the ``throttle`` cache read on :func:`django.utils.timezone.now`.

The address is ``REMOTE_ADDR`` (:func:`client_address`); behind a reverse proxy, have
the server set it from the proxy's header (waitress: ``trusted_proxy``).
"""

from __future__ import annotations

import ipaddress
import logging
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

CACHE = "throttle"


UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a placeholder recorded, never bound
"""Recorded for a request without a valid ``REMOTE_ADDR`` (an internal call, a test's
``force_login``): PostgreSQL keeps addresses in an ``inet`` column, which refuses text."""


def client_address(request: HttpRequest) -> str:
    """The address a request came from (``REMOTE_ADDR``; never a header the client sets)."""
    raw = str(request.META.get("REMOTE_ADDR") or "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return UNKNOWN_ADDRESS


class TooManyAttempts(Exception):
    """Refused by a throttle; ``retry_after`` seconds until it lets the caller try again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = max(1, retry_after)


def minutes_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Try again in %(minutes)d minute.", "Try again in %(minutes)d minutes.", minutes
    ) % {"minutes": minutes}


@dataclass(frozen=True)
class Counter:
    """At most ``limit`` events per ``key`` in each window of ``window`` (fixed windows)."""

    scope: str
    limit: int
    window: timedelta

    def _slot(self, key: str) -> tuple[str, int]:
        seconds = max(1, int(self.window.total_seconds()))
        now = timezone.now().timestamp()
        index = int(now // seconds)
        retry_after = math.ceil((index + 1) * seconds - now)
        return f"{self.scope}:{index}:{key}", retry_after

    def _timeout(self) -> int:
        return int(self.window.total_seconds()) + 60

    def check(self, key: str) -> None:
        """Raise :class:`TooManyAttempts` when ``key`` used up this window."""
        slot, retry_after = self._slot(key)
        if int(caches[CACHE].get(slot, 0)) >= self.limit:
            raise TooManyAttempts(retry_after)

    def hit(self, key: str) -> int:
        """Count one event of ``key``; the count in this window."""
        slot, _retry = self._slot(key)
        cache = caches[CACHE]
        cache.add(slot, 0, timeout=self._timeout())
        try:
            return int(cache.incr(slot))
        except ValueError:  # expired between add and incr
            cache.set(slot, 1, timeout=self._timeout())
            return 1


def password_reset_counter() -> Counter:
    return Counter(
        scope="password-reset",
        limit=int(settings.TIANPING_PASSWORD_RESET_LIMIT),
        window=timedelta(minutes=int(settings.TIANPING_PASSWORD_RESET_WINDOW_MINUTES)),
    )


def token_failure_counter() -> Counter:
    return Counter(
        scope="api-token",
        limit=int(settings.TIANPING_TOKEN_FAILURE_LIMIT),
        window=timedelta(minutes=int(settings.TIANPING_TOKEN_COOLOFF_MINUTES)),
    )


def password_reset_allowed(request: HttpRequest, email: str) -> None:
    """Count a reset request per address and per e-mail; TooManyAttempts past the limit."""
    counter = password_reset_counter()
    keys = [f"ip:{client_address(request)}", f"email:{email.strip().casefold()}"]
    for key in keys:
        try:
            counter.check(key)
        except TooManyAttempts:
            # The address only: e-mail addresses stay out of the log.
            logger.warning("Password-reset requests throttled (from %s)", client_address(request))
            raise
    for key in keys:
        counter.hit(key)


def token_check(request: HttpRequest) -> None:
    """TooManyAttempts while the request's address is locked for invalid bearer tokens."""
    token_failure_counter().check(f"ip:{client_address(request)}")


def token_failed(request: HttpRequest) -> None:
    """Count an invalid bearer token from the request's address."""
    count = token_failure_counter().hit(f"ip:{client_address(request)}")
    if count == int(settings.TIANPING_TOKEN_FAILURE_LIMIT):
        logger.warning(
            "API bearer tokens locked after %d invalid ones (from %s)",
            count,
            client_address(request),
        )


def lockout_seconds() -> int:
    cool_off = settings.AXES_COOLOFF_TIME
    if isinstance(cool_off, timedelta):
        return int(cool_off.total_seconds())
    return 0


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out sign-in sees (django-axes' ``AXES_LOCKOUT_CALLABLE``): 429, a page
    in the person's language saying how long the pause lasts, and ``Retry-After``."""
    seconds = lockout_seconds()
    message = _(
        "Too many failed sign-in attempts for this account or from this address: "
        "signing in is paused."
    )
    if seconds:
        message = f"{message} {minutes_message(seconds)}"
    response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
