"""Writes of review notifications: the core's :func:`~tianping.web.core.notifications.notify`
with the application as the target."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User

from tianping.web.core import notifications as core_notifications
from tianping.web.reviews.models import Application


def notify(
    users: Iterable[User | None],
    *,
    message: str,
    application: Application | None = None,
    params: Mapping[str, Any] | None = None,
    url: str = "",
) -> int:
    """Notify ``users`` about ``application`` in the app and, after commit, by e-mail.

    ``message`` is an untranslated English template (mark it with
    ``gettext_noop``) with ``{placeholders}`` from ``params``. Returns how many
    users were notified (see :func:`tianping.web.core.notifications.notify`).
    """
    return core_notifications.notify(
        users=users, message=message, params=params, url=url, target=application
    )
