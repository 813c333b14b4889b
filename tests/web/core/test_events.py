"""Typed events: handlers run as tasks after the announcing transaction commits, never before."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from tianping.web.core.events import (
    EventError,
    announce,
    event,
    handlers_of,
    rebuild,
    subscribe,
)

SEEN: list[Any] = []


@event("tests.incident_opened")
@dataclass(frozen=True)
class IncidentOpened:
    system_id: int
    severity: str


def on_incident(happened: IncidentOpened) -> None:
    SEEN.append(happened)


@pytest.fixture(autouse=True)
def _clean() -> None:
    SEEN.clear()
    subscribe(IncidentOpened, f"{__name__}.on_incident")


@pytest.mark.django_db
def test_a_handler_runs_with_the_typed_event_after_commit(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert announce(IncidentOpened(system_id=7, severity="high")) == 1
        assert SEEN == []  # not before the commit
    assert [IncidentOpened(system_id=7, severity="high")] == SEEN


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_announcement_runs_nothing() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        announce(IncidentOpened(system_id=7, severity="high"))
        raise RuntimeError("the write failed")
    assert SEEN == []


def test_subscribing_twice_runs_a_handler_once() -> None:
    subscribe(IncidentOpened, f"{__name__}.on_incident")
    assert handlers_of(IncidentOpened) == [f"{__name__}.on_incident"]


def test_events_are_declared_as_frozen_dataclasses_with_dotted_names() -> None:
    with pytest.raises(EventError):
        event("Not A Name")

    with pytest.raises(EventError):

        @event("tests.mutable")
        @dataclass
        class Mutable:
            x: int

    @dataclass(frozen=True)
    class Unregistered:
        x: int

    with pytest.raises(EventError):
        announce(Unregistered(x=1))
    with pytest.raises(EventError):
        rebuild("tests.nothing_like_it", {})


def test_an_event_carries_only_json_values() -> None:
    @event("tests.with_object")
    @dataclass(frozen=True)
    class WithObject:
        thing: object

    with pytest.raises(EventError):
        announce(WithObject(thing=object()))
