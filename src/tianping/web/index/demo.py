"""The demo's responsibility index: an estimated training-energy report of the first system, its
algorithm filing in progress, and its first scorecard, a draft awaiting the owner's reply; and
the algorithm filing of the first system registered at launch, made on its launch day, with its
scorecard (the filing counts as on time)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tianping.web.index import evidence, selectors
from tianping.web.index.models import StoredScorecard
from tianping.web.index.services import (
    algorithm_filing_record,
    energy_record,
    scorecard_compute,
)


def seed_index(systems: dict[str, Any]) -> None:
    """Energy and a draft scorecard for the first system whose registrant may act for it, and an
    on-time algorithm filing of the first launched one."""
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
        algorithm_filing_record(
            actor=owner,
            system=system,
            regime="generative_ai",
            status="pending",
            authority="国家互联网信息办公室",
        )
        scorecard_compute(actor=owner, system=system)
        break
    _seed_launch_filing(systems)


def _seed_launch_filing(systems: dict[str, Any]) -> None:
    """A generative-AI filing made on the launch day of the first launched system."""
    for system in systems.values():
        owner = system.created_by
        launch = evidence.launch_date(system)
        if owner is None or launch is None or not selectors.is_owner(owner, system):
            continue
        algorithm_filing_record(
            actor=owner,
            system=system,
            regime="generative_ai",
            status="filed",
            filing_number="网信算备440300000000001号",
            authority="国家互联网信息办公室",
            filed_on=launch[0],
        )
        scorecard_compute(actor=owner, system=system)
        return
