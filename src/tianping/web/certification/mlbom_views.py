"""The download of a system's own CycloneDX ML-BOM, its published model card inside."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tianping.bom import BomError
from tianping.web.certification.mlbom import ml_bom
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.systems.selectors import system_get


@login_required
@require_GET
def bom_export(request: AuthenticatedHttpRequest, system_id: int) -> HttpResponse:
    system = system_get(request.user, system_id)
    try:
        document = ml_bom(system)
    except BomError as error:
        messages.error(request, _("The ML-BOM cannot be exported: %(reason)s") % {"reason": error})
        return redirect("vendors:bom", system.pk)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/vnd.cyclonedx+json",
    )
    response["Content-Disposition"] = f'attachment; filename="ml-bom-{system.pk}.cdx.json"'
    return response
