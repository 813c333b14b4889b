"""The similar-cases panel shown on the system page and in the review workspace."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from tianping.cases import SIMILAR_BOOSTS
from tianping.web.cases import selectors
from tianping.web.systems.models import AISystem


def similar_cases_panel(request: HttpRequest | None, obj: Any) -> str:
    """The cases most like a system (``obj``: the system, or an object with ``.system``)."""
    system = obj if isinstance(obj, AISystem) else getattr(obj, "system", None)
    if request is None or not isinstance(system, AISystem):
        return ""
    profile = selectors.system_profile(system)
    hits = selectors.similar_cases(request.user, **profile)
    return render_to_string(
        "cases/_similar.html",
        {"hits": hits, "boosts": SIMILAR_BOOSTS, "system": system},
        request=request,
    )
