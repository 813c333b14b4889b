"""The demo's responsibility index: an estimated training-energy report of the first system and
its first scorecard, a draft awaiting the owner's reply."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tianping.web.index import selectors
from tianping.web.index.models import StoredScorecard
from tianping.web.index.services import energy_record, scorecard_compute


def seed_index(systems: dict[str, Any]) -> None:
    """Energy and a draft scorecard for the first system whose registrant may act for it."""
    if StoredScorecard.objects.exists():
        return
    for system in systems.values():
        owner = system.created_by
        if owner is None or not selectors.is_owner(owner, system):
            continue
        energy_record(
            actor=owner,
            system=system,
            phase="training",
            method="estimated",
            kwh=Decimal("1850"),
            method_note="按 GPU 小时数乘以板卡功耗估算",
            period_end=date(2026, 1, 31),
        )
        scorecard_compute(actor=owner, system=system)
        return
