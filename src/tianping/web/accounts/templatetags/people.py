"""Template helpers about people: ``{{ user|display_name }}``."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser, User

from tianping.web.accounts import selectors

register = template.Library()


@register.filter
def display_name(user: User | AnonymousUser | None) -> str:
    """The person's name in their own order (see ``accounts.selectors.display_name``)."""
    return selectors.display_name(user)
