"""The API endpoint of a system's own CycloneDX ML-BOM (under ``/api/vendors``, where it has
always been; served by certification, which reads both the AI-BOM and the model card)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router

from tianping.bom import BomError
from tianping.web.certification.mlbom import ml_bom
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.systems.selectors import system_get

router = Router(tags=["vendors"])


@router.get(
    "/systems/{int:system_id}/ml-bom",
    response={200: dict[str, Any], 404: Message, 422: Message},
    summary="The system's own CycloneDX ML-BOM",
    operation_id="tianping_web_vendors_api_export_system_bom",
)
def export_system_bom(request: AuthenticatedHttpRequest, system_id: int) -> dict[str, Any]:
    """CycloneDX 1.6 JSON; its machine-learning model carries the system's latest published
    model card as ``modelCard`` (none without one)."""
    system = system_get(request.user, system_id)
    try:
        return ml_bom(system)
    except BomError as error:
        raise ValidationError(
            {"__all__": [_("The ML-BOM cannot be exported: %(reason)s") % {"reason": error}]}
        ) from None
