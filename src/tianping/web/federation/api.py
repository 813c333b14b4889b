"""The federation endpoints: this instance's public keys, and the inbox peers post to.

Neither takes a login: the inbox authenticates each message by its signature against
the keys an administrator configured for the sending peer.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from tianping import jsonsafe
from tianping.web.core.api import Message
from tianping.web.federation.services import Refused, instance_name, public_keys, receive

router = Router(tags=["federation"])

INBOX_MAX_BYTES = 256 * 1024


class FederationKeysOut(Schema):
    name: str
    public_keys: list[str]


class FederationReceiptOut(Schema):
    status: str
    message_id: str


@router.get(
    "/key",
    auth=None,
    response={200: FederationKeysOut},
    summary="This instance's federation name and public keys (for its peers' administrators)",
    url_name="federation_key",
)
def key(request: HttpRequest) -> dict[str, Any]:
    return {"name": instance_name(), "public_keys": public_keys()}


@router.post(
    "/inbox",
    auth=None,
    response={
        200: FederationReceiptOut,
        400: Message,
        401: Message,
        403: Message,
        413: Message,
        415: Message,
        422: Message,
    },
    summary="Deliver a signed message from a peer instance (applied once per message id)",
    url_name="federation_inbox",
)
def inbox(request: HttpRequest) -> dict[str, Any]:
    """The body is ``{"message": {...}, "signature": "..."}`` (JSON); the answer says whether
    it was ``accepted`` now or had been before (``duplicate``)."""
    if request.content_type != "application/json":
        raise HttpError(415, _("Send the message as JSON (Content-Type: application/json)."))
    if len(request.body) > INBOX_MAX_BYTES:
        raise HttpError(413, _("A federation message holds at most 256 KiB."))
    try:
        body = jsonsafe.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, _("The message is not JSON.")) from None
    try:
        fresh, row = receive(body)
    except Refused as refusal:
        raise HttpError(refusal.status, refusal.message) from None
    return {"status": "accepted" if fresh else "duplicate", "message_id": str(row.message_id)}
