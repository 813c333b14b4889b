"""Periodic work from the schedule in the database: due work runs once, failures are recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tianping.web.core import periodic
from tianping.web.core.models import ScheduledWork

RUNS: list[str] = []


def tick() -> None:
    RUNS.append("tick")


def broken() -> None:
    raise RuntimeError("the purge failed")


@pytest.fixture(autouse=True)
def _registered() -> None:
    RUNS.clear()
    periodic.register(f"{__name__}.tick", every_s=60)
    periodic.register(f"{__name__}.broken", every_s=60)


@pytest.mark.django_db
def test_due_work_runs_once_until_its_interval_passes() -> None:
    now = timezone.now()
    assert periodic.schedule_sync(now=now) >= 2
    assert periodic.schedule_sync(now=now) == 0  # already in the schedule
    ran = periodic.run_due(now=now)
    assert f"{__name__}.tick" in ran and RUNS == ["tick"]
    assert f"{__name__}.tick" not in periodic.run_due(now=now + timedelta(seconds=59))
    assert f"{__name__}.tick" in periodic.run_due(now=now + timedelta(seconds=60))
    assert RUNS == ["tick", "tick"]


@pytest.mark.django_db
def test_a_failure_is_recorded_and_tried_again_at_the_next_run() -> None:
    now = timezone.now()
    periodic.schedule_sync(now=now)
    periodic.run_due(now=now)
    row = ScheduledWork.objects.get(name=f"{__name__}.broken")
    assert row.last_outcome == ScheduledWork.Outcome.FAILED
    assert "the purge failed" in row.last_error
    assert row.next_run_at == now + timedelta(seconds=60)


@pytest.mark.django_db
def test_a_disabled_row_does_not_run() -> None:
    now = timezone.now()
    periodic.schedule_sync(now=now)
    ScheduledWork.objects.filter(name=f"{__name__}.tick").update(enabled=False)
    assert f"{__name__}.tick" not in periodic.run_due(now=now)
    assert RUNS == []


@pytest.mark.django_db
def test_a_row_another_worker_claimed_is_not_run_again() -> None:
    now = timezone.now()
    periodic.schedule_sync(now=now)
    row = ScheduledWork.objects.get(name=f"{__name__}.tick")
    # Another worker moved the next run between this worker's read and its claim.
    ScheduledWork.objects.filter(pk=row.pk).update(next_run_at=now + timedelta(seconds=60))
    assert f"{__name__}.tick" not in periodic.run_due(now=now)


def test_the_apps_register_their_housekeeping() -> None:
    registered = periodic.registered()
    assert "tianping.web.assessments.inputs.purge_expired" in registered
    assert {"review_reminders", "review_purge"} <= set(registered)
