"""Housekeeping every worker runs now and then: apps register it, core never imports them.

An app registers a function by its dotted path and an interval in its
``AppConfig.ready()``; each ``tianping worker`` runs every registered function
once at start and then whenever its interval has passed (from the worker's lease
sweeper thread). The functions must be idempotent: several workers may run them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass
class _Entry:
    path: str
    every_s: float
    last: float = field(default=float("-inf"))


_REGISTRY: dict[str, _Entry] = {}


def register(path: str, *, every_s: float) -> None:
    """Run ``path`` (a function without arguments) every ``every_s`` seconds in each worker."""
    _REGISTRY[path] = _Entry(path=path, every_s=every_s)


def registered() -> list[str]:
    return sorted(_REGISTRY)


def run_due(*, now: float | None = None) -> list[str]:
    """Run what is due; the paths run. A failing function is logged and tried next time."""
    moment = time.monotonic() if now is None else now
    ran = []
    for entry in _REGISTRY.values():
        if moment - entry.last < entry.every_s:
            continue
        entry.last = moment
        close_old_connections()
        try:
            import_string(entry.path)()
        except Exception:
            logger.exception("periodic work %s failed", entry.path)
        ran.append(entry.path)
    return ran
