"""Typed events: a lower app announces what happened, higher apps handle it, after commit.

An app low in the layer order (operations: "an incident was opened") must be able
to set off work in apps above it (certification, the risk network) without
importing them. It declares an event -- a frozen dataclass registered with
:func:`event` -- and announces instances of it with :func:`announce`. An app
above registers a handler for that event type in its ``AppConfig.ready()`` with
:func:`subscribe`, by dotted path. Each handler runs as a background task once
the announcing transaction has committed (never for a rolled-back one), with the
event rebuilt from its JSON fields. Business logic stays in services: no Django
signals.

Examples
--------
In a lower app::

    @event("operations.incident_opened")
    @dataclass(frozen=True)
    class IncidentOpened:
        system_id: int
        incident_id: int

    announce(IncidentOpened(system_id=7, incident_id=3))

In a higher app's ``ready()``::

    subscribe(IncidentOpened, "tianping.web.network.handlers.report_incident")
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

E = TypeVar("E")

EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_TYPES: dict[str, type[Any]] = {}
_HANDLERS: dict[str, list[str]] = {}

ERR_NAME = "an event name is dotted lower-case words, e.g. 'operations.incident_opened': {name!r}"
ERR_TWICE = "the event name {name!r} is taken by {other}"
ERR_NOT_DATACLASS = "an event is a frozen dataclass: {type}"
ERR_UNKNOWN = "no event is registered as {name!r}"
ERR_NOT_EVENT = "{type} is not a registered event: decorate it with @event(name)"
ERR_FIELDS = "event {name} carries only JSON values (str, int, float, bool, None): {field}"


class EventError(Exception):
    """An event is declared, announced or subscribed to wrongly."""


def event(name: str) -> Callable[[type[E]], type[E]]:
    """Register a frozen dataclass as the event ``name`` (e.g. ``operations.incident_opened``)."""
    if not EVENT_NAME.match(name):
        raise EventError(ERR_NAME.format(name=name))

    def register(cls: type[E]) -> type[E]:
        params = getattr(cls, "__dataclass_params__", None)
        if params is None or not params.frozen:
            raise EventError(ERR_NOT_DATACLASS.format(type=cls.__qualname__))
        other = _TYPES.get(name)
        if other is not None and other.__qualname__ != cls.__qualname__:
            raise EventError(ERR_TWICE.format(name=name, other=other.__qualname__))
        _TYPES[name] = cls
        cls.event_name = name  # type: ignore[attr-defined]
        return cls

    return register


def _name_of(event_type: type[Any]) -> str:
    name = getattr(event_type, "event_name", None)
    if not isinstance(name, str) or _TYPES.get(name) is not event_type:
        raise EventError(ERR_NOT_EVENT.format(type=event_type.__qualname__))
    return name


def subscribe(event_type: type[Any], handler: str) -> None:
    """Run ``handler`` (a dotted path to ``f(event)``) for every ``event_type`` announced."""
    name = _name_of(event_type)
    handlers = _HANDLERS.setdefault(name, [])
    if handler not in handlers:
        handlers.append(handler)


def handlers_of(event_type: type[Any]) -> list[str]:
    """The handlers subscribed to ``event_type``, in the order they subscribed."""
    return list(_HANDLERS.get(_name_of(event_type), []))


def _payload(value: Any) -> dict[str, Any]:
    name = _name_of(type(value))
    fields = dataclasses.asdict(value)
    for key, item in fields.items():
        if not isinstance(item, str | int | float | bool | type(None)):
            raise EventError(ERR_FIELDS.format(name=name, field=key))
    return fields


def announce(value: Any) -> int:
    """Schedule every handler of ``value``'s type to run after the current transaction commits.

    Returns how many handlers were scheduled (none run if the transaction rolls back).
    """
    name = _name_of(type(value))
    payload = _payload(value)
    handlers = list(_HANDLERS.get(name, []))
    for handler in handlers:
        transaction.on_commit(functools.partial(_enqueue, handler, name, payload), robust=True)
    return len(handlers)


def _enqueue(handler: str, name: str, payload: dict[str, Any]) -> None:
    from tianping.web.core.tasks import run_event_handler  # the task module imports this one

    run_event_handler.enqueue(handler, name, payload)


def rebuild(name: str, payload: dict[str, Any]) -> Any:
    """The event ``name`` from its JSON fields (as a task receives it)."""
    event_type = _TYPES.get(name)
    if event_type is None:
        raise EventError(ERR_UNKNOWN.format(name=name))
    return event_type(**payload)


def handle(handler: str, name: str, payload: dict[str, Any]) -> None:
    """Run one handler on one event (the task's body); errors propagate to the task result."""
    import_string(handler)(rebuild(name, payload))
