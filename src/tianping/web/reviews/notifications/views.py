"""The HTML pages of the caller's notifications (the core's, about any target)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianping.web.core import notifications as core_notifications
from tianping.web.core.http import AuthenticatedHttpRequest


@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    notes = core_notifications.notifications_of(request.user, limit=200)
    rows = [{"note": n, "text": core_notifications.notification_text(n)} for n in notes]
    unread = sum(1 for n in notes if n.read_at is None)
    return render(request, "reviews/records/notifications.html", {"rows": rows, "unread": unread})


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("reviews:notifications")


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    core_notifications.notification_mark_read(actor=request.user, notification_id=pk)
    return _back(request)


@login_required
@require_POST
def notifications_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = core_notifications.notifications_mark_all_read(actor=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect("reviews:notifications")
