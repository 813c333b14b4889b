"""The ingestion gate: bounded holders, a bounded waiting room, bounded waits."""

from __future__ import annotations

import doctest
import threading
import time

import pytest

from tianping.web.operations import gate as gate_module
from tianping.web.operations.gate import GateFull, IngestGate


def test_the_docstring_example_runs() -> None:
    assert doctest.testmod(gate_module).failed == 0


def test_no_more_than_capacity_hold_and_no_more_than_queue_wait() -> None:
    gate = IngestGate(capacity=2, queue=1, wait_s=5)
    release = threading.Event()
    entered = threading.Barrier(3)
    outcomes: list[str] = []

    def hold() -> None:
        with gate.slot():
            entered.wait()
            release.wait(5)

    holders = [threading.Thread(target=hold) for _ in range(2)]
    for thread in holders:
        thread.start()
    entered.wait()
    assert gate.busy == 2

    def wait_then_enter() -> None:
        with gate.slot():
            outcomes.append("entered")

    waiter = threading.Thread(target=wait_then_enter)
    waiter.start()
    time.sleep(0.1)  # the waiter now occupies the waiting room
    with pytest.raises(GateFull), gate.slot():
        pass
    release.set()
    for thread in [*holders, waiter]:
        thread.join(5)
    assert outcomes == ["entered"] and gate.busy == 0 and gate.refused == 1


def test_a_wait_that_runs_out_is_refused() -> None:
    gate = IngestGate(capacity=1, queue=4, wait_s=0.05)
    with gate.slot(), pytest.raises(GateFull), gate.slot():
        pass
    assert gate.refused == 1 and gate.busy == 0


def test_negative_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        IngestGate(capacity=-1, queue=0, wait_s=0)
