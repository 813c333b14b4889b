"""A section of the application page; see ``views_applications.application_detail``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews.models import Application, ReviewEvent
from tianping.web.reviews.records import selectors

TIMELINE_LIMIT = 200


def panel(request: AuthenticatedHttpRequest, application: Application) -> str:
    """The timeline (with ledger indices), the JSON export and the decision letter controls."""
    events = list(
        ReviewEvent.objects.filter(application=application)
        .select_related("actor")
        .order_by("at", "pk")[:TIMELINE_LIMIT]
    )
    decided = True
    try:
        selectors.require_decided(application)
    except ValidationError:
        decided = False
    context = {
        "application": application,
        "events": events,
        "can_letter": decided and selectors.can_request_letter(request.user, application),
        "decided": decided,
        "jobs": selectors.letter_jobs_of(request.user, application) if decided else [],
        "languages": [("zh-Hans", "中文"), ("en", "English"), ("both", "中文 / English")],
    }
    return render_to_string("reviews/records/_panel.html", context, request=request)
