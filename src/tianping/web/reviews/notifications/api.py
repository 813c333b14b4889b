"""The JSON API of the caller's notifications (a router of ``/api/reviews``).

Notifications are the core's (any target); ``application_id`` and ``reference``
are filled when the target is an application.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from ninja import Router, Schema

# The function itself: ``ninja.Query`` forwards to it, but is typed for annotations only.
from ninja.params.functions import Query

from tianping.web.core import notifications
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.core.models import Notification
from tianping.web.reviews.models import Application

router = Router(tags=["reviews"])


MAX_ID = 2**62


class NotificationOut(Schema):
    id: int
    application_id: int | None
    reference: str | None
    text: str
    url: str
    created_at: datetime
    read_at: datetime | None


class MarkedOut(Schema):
    marked: int


def _note_out(note: Notification) -> dict[str, Any]:
    application = None
    if note.target_type_id == ContentType.objects.get_for_model(Application).pk:
        application = note.target  # None when the application is gone
    return {
        "id": note.pk,
        "application_id": application.pk if isinstance(application, Application) else None,
        "reference": application.reference if isinstance(application, Application) else None,
        "text": notifications.notification_text(note),
        "url": note.url,
        "created_at": note.created_at,
        "read_at": note.read_at,
    }


@router.get(
    "/notifications",
    response=list[NotificationOut],
    summary="The caller's review notifications, newest first, in the caller's language",
)
def notification_list(
    request: AuthenticatedHttpRequest,
    unread: bool = False,
    limit: int = Query(100, ge=1, le=500),
) -> list[dict[str, Any]]:
    notes = notifications.notifications_of(request.user, limit=limit, unread=unread)
    return [_note_out(n) for n in notes]


@router.post(
    "/notifications/{int:notification_id}/read",
    response={200: NotificationOut, 404: Message},
    summary="Mark one notification read",
)
def notification_read(request: AuthenticatedHttpRequest, notification_id: int) -> dict[str, Any]:
    if notification_id > MAX_ID:
        raise Http404
    note = notifications.notification_mark_read(actor=request.user, notification_id=notification_id)
    return _note_out(note)


@router.post(
    "/notifications/read-all",
    response=MarkedOut,
    summary="Mark all the caller's notifications read",
)
def notifications_read_all(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {"marked": notifications.notifications_mark_all_read(actor=request.user)}
