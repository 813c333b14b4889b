"""Notifications of any app: a stored, translatable notice to a user about any object.

:func:`notify` stores one row per user and, after the transaction commits, e-mails
it through Django's configured backend (SMTP, or the private outbox folder:
``tianping.web.mail``) unless mail is suppressed (:func:`mail_suppressed`). The
selectors read a user's notifications; every read is limited to the caller's own.
Apps decide who hears of what and with which words (``reviews.notifications``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext as gettext_stored  # for texts marked gettext_noop

from tianping.web.core.bulk import insert_select
from tianping.web.core.models import Notification

log = logging.getLogger(__name__)

_MAIL = ContextVar("tianping_notification_mail", default=True)


@contextmanager
def mail_suppressed() -> Iterator[None]:
    """Within this block notifications are stored in the app but not e-mailed (demo seeding)."""
    token = _MAIL.set(False)
    try:
        yield
    finally:
        _MAIL.reset(token)


CODE_PARAMETERS: dict[str, Callable[[str], str]] = {}
"""Parameters that hold a stored code (``procedure``, ``decision`` …) → the function that
names the code in the active language; apps register theirs (``register_code_parameters``)."""


def register_code_parameters(names: Iterable[str], label: Callable[[str], str]) -> None:
    """Show these parameters of every notification through ``label``, never as raw codes."""
    for name in names:
        CODE_PARAMETERS[name] = label


def render_notification(message: str, params: Mapping[str, Any]) -> str:
    """A stored notification in the active language (stored codes named through labels)."""
    # ``message`` was marked with gettext_noop where it was written, so it is in
    # the catalogue; translation.gettext looks it up at display time.
    text = gettext_stored(message)
    shown = {
        key: CODE_PARAMETERS[key](value)
        if key in CODE_PARAMETERS and isinstance(value, str)
        else value
        for key, value in params.items()
    }
    try:
        return text.format(**shown)
    except (KeyError, IndexError, ValueError):
        return text


def notification_text(note: Notification) -> str:
    """``note``'s message in the active language."""
    return render_notification(note.message, note.params if isinstance(note.params, dict) else {})


def notify(
    *,
    users: Iterable[User | None],
    message: str,
    params: Mapping[str, Any] | None = None,
    url: str = "",
    target: models.Model | None = None,
) -> int:
    """Notify ``users`` in the app and, after commit, by e-mail; return how many.

    ``message`` is an untranslated English template (mark it with
    ``gettext_noop``) with ``{placeholders}`` from ``params``; each reader sees
    it in their language. ``target`` is the object the notice is about, of any
    model (or none). A user named twice, or ``None``, is skipped. A failing mail
    server never undoes the action.
    """
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    target_id = str(target.pk) if target is not None else None
    seen: set[Any] = set()
    created = []
    for user in users:
        if user is None or not getattr(user, "pk", None) or user.pk in seen:
            continue
        seen.add(user.pk)
        created.append(
            Notification(
                user=user,
                target_type=target_type,
                target_id=target_id,
                message=message[:300],
                params=dict(params or {}),
                url=url[:300],
            )
        )
    Notification.objects.bulk_create(created)
    recipients = [(n.user.email, n) for n in created if getattr(n.user, "email", "")]
    if recipients and _MAIL.get():
        transaction.on_commit(lambda: _send_mail(recipients))
    return len(created)


def notify_query(
    *,
    users: models.QuerySet[User],
    message: str,
    params: Mapping[str, Any] | None = None,
    url: str = "",
    target: models.Model | None = None,
) -> int:
    """:func:`notify` for a fan-out: one in-app notice per distinct user of ``users``,
    written by one ``INSERT … SELECT`` (no user is loaded); return how many.

    Nothing is e-mailed here: the caller sends the e-mails afterwards (from the worker).
    """
    return insert_select(
        Notification,
        key="user",
        source=users,
        values={
            "target_type": (
                ContentType.objects.get_for_model(target) if target is not None else None
            ),
            "target_id": str(target.pk) if target is not None else None,
            "message": message[:300],
            "params": dict(params or {}),
            "url": url[:300],
            "created_at": timezone.now(),
        },
    )


def _send_mail(recipients: Sequence[tuple[str, Notification]]) -> None:
    for address, note in recipients:
        try:
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Tianping AI ethics platform")
                body = notification_text(note)
            if note.url:
                body = f"{body}\n\n{note.url}"
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # the action stands; the in-app notification remains
            log.exception("could not e-mail a notification")


# --- selectors ------------------------------------------------------------------------------


def notifications_of(user: User, *, limit: int = 100, unread: bool = False) -> list[Notification]:
    """``user``'s notifications, newest first (only the unread ones with ``unread``),
    their targets fetched (``None`` where the target is gone)."""
    qs = Notification.objects.filter(user=user).select_related("target_type")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return list(qs.prefetch_related("target")[: max(limit, 1)])


def unread_count(user: User | None) -> int:
    """How many notifications ``user`` has not read (0 for anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, actor: User, notification_id: object) -> Notification:
    """Mark one of ``actor``'s notifications read; another user's, or none: Http404."""
    try:
        note = Notification.objects.get(pk=int(str(notification_id)), user=actor)
    except (Notification.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark all ``actor``'s unread notifications read; return how many."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
