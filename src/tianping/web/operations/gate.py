"""Back-pressure for ingestion: a bounded number of batches commit at once, a bounded number wait.

A batch that finds every slot taken and the waiting room full, or that waits
longer than allowed, is refused at once (HTTP 429 with ``Retry-After``): the
client keeps it in its spool and sends it again later. Nothing is queued
without bound, in memory or in threads, whatever the load.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class GateFull(Exception):
    """Every slot is taken and the waiting room is full (or the wait ran out)."""


class IngestGate:
    """At most ``capacity`` holders at once; at most ``queue`` more waiting, ``wait_s`` each.

    Examples
    --------
    >>> gate = IngestGate(capacity=1, queue=0, wait_s=0)
    >>> with gate.slot():
    ...     try:
    ...         with gate.slot():
    ...             pass
    ...     except GateFull:
    ...         print("429")
    429
    """

    def __init__(self, *, capacity: int, queue: int, wait_s: float) -> None:
        if capacity < 0 or queue < 0 or wait_s < 0:
            raise ValueError("capacity, queue and wait_s must not be negative")
        self.capacity = capacity
        self.queue = queue
        self.wait_s = wait_s
        self._busy = 0
        self._waiting = 0
        self._refused = 0
        self._condition = threading.Condition()

    @property
    def busy(self) -> int:
        """Holders now."""
        return self._busy

    @property
    def refused(self) -> int:
        """Batches refused since the process started."""
        return self._refused

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a slot for the body of the ``with``; raise :class:`GateFull` if none comes."""
        with self._condition:
            if self._busy >= self.capacity:
                if self._waiting >= self.queue or self.wait_s == 0:
                    self._refused += 1
                    raise GateFull
                self._waiting += 1
                deadline = time.monotonic() + self.wait_s
                try:
                    while self._busy >= self.capacity:
                        left = deadline - time.monotonic()
                        timed_out = left <= 0 or not self._condition.wait(left)
                        if timed_out and self._busy >= self.capacity:
                            self._refused += 1
                            raise GateFull
                finally:
                    self._waiting -= 1
            self._busy += 1
        try:
            yield
        finally:
            with self._condition:
                self._busy -= 1
                self._condition.notify()
