"""Reads of chat endpoints and probe runs, always through the user's visibility."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from tianping.web.probes.models import ChatEndpoint, ProbeRun
from tianping.web.systems.models import AISystem
from tianping.web.systems.selectors import User, can_edit_system, system_get


def can_run_probes(user: User, system: AISystem) -> bool:
    """Who may set the endpoint and run probes: the owner's applicants and administrators."""
    return can_edit_system(user, system)


def can_cancel_run(user: User, run: ProbeRun) -> bool:
    """Its requester, or anyone who may run probes on the system."""
    return (user.is_authenticated and user.pk == run.requested_by_id) or can_edit_system(
        user, run.system
    )


def endpoint_of(system: AISystem) -> ChatEndpoint | None:
    return ChatEndpoint.objects.filter(system=system).first()


def runs_of(system: AISystem) -> QuerySet[ProbeRun]:
    return ProbeRun.objects.filter(system=system).select_related("requested_by")


def run_get(user: User, run_id: uuid.UUID | str) -> ProbeRun:
    """The run if ``user`` may read its system; otherwise 404 (no existence leak)."""
    try:
        run = ProbeRun.objects.select_related("system__organisation", "requested_by").get(pk=run_id)
    except (ProbeRun.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    system_get(user, run.system_id)
    return run
