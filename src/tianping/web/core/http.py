"""Request and user types shared by the platform's views and services.

The platform uses Django's own ``User`` (no ``AUTH_USER_MODEL``). ``HttpRequest.user``
is ``User | AnonymousUser`` to the type checker; a view behind ``login_required`` (or an
API operation behind the API's authentication) is only reached by a signed-in user, and
annotates its request as :class:`AuthenticatedHttpRequest`.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

AnyUser: TypeAlias = User | AnonymousUser
"""Whoever made a request: signed in or not."""


class AuthenticatedHttpRequest(HttpRequest):
    """A request made by a signed-in user (a type only: Django builds ``HttpRequest``)."""

    user: User
