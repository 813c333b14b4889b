"""Background tasks of the core: running an event's handler (see :mod:`.events`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from tianping.web.core import events


@task()
def run_event_handler(handler: str, name: str, payload: dict[str, Any]) -> None:
    events.handle(handler, name, payload)
