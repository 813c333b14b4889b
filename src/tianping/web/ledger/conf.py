"""The ledger app's settings: ``settings.TIANPING[NAME]``, else the default here."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # The host-like prefix of every log's origin (its checkpoints' first line and its key name).
    "LEDGER_ORIGIN": os.environ.get("TIANPING_LEDGER_ORIGIN", "tianping.local"),
    # Sign a checkpoint of a decision log when its last one is older than this (seconds).
    "CHECKPOINT_INTERVAL_S": 5.0,
}


def option(name: str) -> Any:
    """The value of setting ``name``: ``settings.TIANPING[name]`` or its default."""
    configured: dict[str, Any] = getattr(settings, "TIANPING", {})
    return configured.get(name, DEFAULTS[name])
