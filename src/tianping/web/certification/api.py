"""The public verification endpoint of the JSON API (no authentication)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from tianping.web.certification.views import verification_of

router = Router(tags=["certification"])


@router.post(
    "/verify",
    auth=None,
    summary="Verify a certificate (a W3C Verifiable Credential); no login",
    url_name="certification_verify",
)
def verify(request: HttpRequest) -> dict[str, Any]:
    """The request body is the certificate's JSON; the answer says whether it is valid and why
    not. 422 when the body is not JSON."""
    return verification_of(request.body)
