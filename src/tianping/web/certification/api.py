"""The public verification endpoint of the JSON API (no authentication)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from tianping.web.certification.public_views import verification_of
from tianping.web.core.api import Message

router = Router(tags=["certification"])


@router.post(
    "/verify",
    auth=None,
    response={200: dict[str, Any], 415: Message, 422: Message},
    summary="Verify a certificate (a W3C Verifiable Credential); no login",
    url_name="certification_verify",
)
def verify(request: HttpRequest) -> dict[str, Any]:
    """The request body is the certificate's JSON (``Content-Type: application/json``); the
    answer says whether it is valid and why not. 415 for another content type, 422 when the
    body is not JSON."""
    if request.content_type != "application/json":
        raise HttpError(415, _("Send the certificate as JSON (Content-Type: application/json)."))
    return verification_of(request.body)
