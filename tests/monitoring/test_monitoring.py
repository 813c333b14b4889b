"""Monitors over decision records: counting, windows, thresholds, fail-closed readings."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tianping.monitoring._monitors as monitors_module
import tianping.monitoring._records as records_module
import tianping.monitoring._window as window_module
from tianping.fairness import audit, count_table
from tianping.monitoring import (
    MonitorSpec,
    RollingCounts,
    count_decisions,
    evaluate,
    evaluate_all,
    load_monitors,
)
from tianping.monitoring._monitors import MonitorError
from tianping.monitoring._records import DecisionRecordError

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SPECS = {spec.id: spec for spec in load_monitors()}


def decisions(group: str, n: int, selected: int, wrong: int = 0) -> list[dict[str, object]]:
    """``n`` decisions for ``group``: ``selected`` positive predictions, ``wrong`` of them wrong."""
    out = []
    for i in range(n):
        prediction = int(i < selected)
        outcome = 1 - prediction if i < wrong else prediction
        out.append({"attributes": {"sex": group}, "prediction": prediction, "outcome": outcome})
    return out


def test_the_doctests_run() -> None:
    for module in (monitors_module, records_module, window_module):
        assert doctest.testmod(module).failed == 0


def test_selection_ratio_matches_a_full_fairness_audit_of_the_same_decisions() -> None:
    records = decisions("F", 120, 30) + decisions("M", 100, 50)
    selection, _ = count_decisions(records, protected=["sex"])
    reading = evaluate(
        SPECS["selection_parity"], selection=selection, outcomes=None, window_end=NOW
    )
    frame = pd.DataFrame(
        {
            "sex": [r["attributes"]["sex"] for r in records],  # type: ignore[index]
            "y": [r["outcome"] for r in records],
            "p": [r["prediction"] for r in records],
        }
    )
    reference = audit(frame, protected=["sex"], label="y", prediction="p", replicates=0)
    assert reading.value == pytest.approx(reference.disparity("demographic_parity_ratio").value)
    assert reading.status == "fail" and reading.action == "alert"


def test_outcomes_table_counts_only_decisions_whose_outcome_is_known() -> None:
    records = [
        *decisions("F", 10, 5, wrong=2),
        {"attributes": {"sex": "F"}, "prediction": 1, "outcome": None},
    ]
    selection, outcomes = count_decisions(records, protected=["sex"])
    assert (selection.rows, outcomes.rows) == (11, 10)
    frame = pd.DataFrame([{"sex": "F", **r} for r in records[:10]]).drop(columns="attributes")
    assert outcomes == count_table(
        frame, protected=["sex"], label="outcome", prediction="prediction"
    )


def test_error_rate_warns_and_fails_at_its_thresholds() -> None:
    spec = SPECS["error_rate"]
    for wrong, status in ((5, "ok"), (15, "warn"), (25, "fail")):
        _, outcomes = count_decisions(decisions("F", 100, 50, wrong=wrong), protected=["sex"])
        reading = evaluate(spec, selection=None, outcomes=outcomes, window_end=NOW)
        assert (reading.status, reading.value) == (status, wrong / 100)


def test_too_few_decisions_is_reported_never_a_silent_pass() -> None:
    selection, outcomes = count_decisions(decisions("F", 10, 5), protected=["sex"])
    for spec_id in ("selection_parity", "error_rate", "error_rate_gap"):
        reading = evaluate(SPECS[spec_id], selection=selection, outcomes=outcomes, window_end=NOW)
        assert reading.status == "insufficient_data"
        assert reading.value is None and reading.action is None


def test_small_groups_are_left_out_of_the_selection_ratio() -> None:
    records = decisions("F", 100, 50) + decisions("M", 100, 50) + decisions("X", 5, 0)
    selection, _ = count_decisions(records, protected=["sex"])
    reading = evaluate(
        SPECS["selection_parity"], selection=selection, outcomes=None, window_end=NOW
    )
    assert (reading.status, reading.value) == ("ok", 1.0)


def test_volume_failure_asks_for_a_pause() -> None:
    spec = MonitorSpec.from_json(
        {
            "id": "v",
            "kind": "volume",
            "name": {"zh-Hans": "决策量", "en": "volume"},
            "window_minutes": 60,
            "warn_above": 10,
            "fail_above": 20,
            "action": "pause",
        }
    )
    selection, _ = count_decisions(decisions("F", 25, 5), protected=["sex"])
    reading = evaluate(spec, selection=selection, outcomes=None, window_end=NOW)
    assert (reading.status, reading.threshold, reading.action) == ("fail", 20, "pause")
    assert "决策量" in reading.message.zh and "volume" in reading.message.en


def test_windows_sum_the_buckets_they_cover_and_pruning_drops_old_ones() -> None:
    rolling = RollingCounts(bucket_seconds=60)
    for minutes_ago in (0, 30, 90):
        selection, _ = count_decisions(decisions("F", 10, 1), protected=["sex"])
        rolling.add(NOW - timedelta(minutes=minutes_ago), selection)
    assert rolling.window(end=NOW, span=timedelta(minutes=60)).rows == 20
    assert rolling.window(end=NOW, span=timedelta(hours=2)).rows == 30
    assert rolling.prune(before=NOW - timedelta(minutes=60)) == 1
    assert (
        RollingCounts.from_json(rolling.to_json()).window(end=NOW, span=timedelta(hours=2)).rows
        == 20
    )


def test_evaluate_all_reads_every_monitor_over_its_own_window() -> None:
    selection_rolling, outcome_rolling = RollingCounts(), RollingCounts()
    selection, outcomes = count_decisions(
        decisions("F", 200, 40, wrong=30) + decisions("M", 200, 100), protected=["sex"]
    )
    selection_rolling.add(NOW, selection)
    outcome_rolling.add(NOW, outcomes)
    readings = {
        r.monitor: r
        for r in evaluate_all(SPECS.values(), selection_rolling, outcome_rolling, now=NOW)
    }
    assert set(readings) == set(SPECS)
    assert readings["selection_parity"].status == "fail"
    assert readings["error_rate_gap"].status == "fail"
    assert readings["volume_surge"].status == "ok"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("ABC"), st.booleans(), st.booleans()), min_size=1, max_size=60
    )
)
def test_counting_a_batch_in_two_halves_equals_counting_it_whole(
    rows: list[tuple[str, bool, bool]],
) -> None:
    records = [{"attributes": {"g": g}, "prediction": p, "outcome": o} for g, p, o in rows]
    half = len(records) // 2
    whole = count_decisions(records, protected=["g"])
    first, second = (
        count_decisions(records[:half], protected=["g"]),
        count_decisions(records[half:], protected=["g"]),
    )
    for i in (0, 1):
        parts = [t for t in (first[i], second[i]) if t is not None]
        assert sum(parts[1:], parts[0]) == whole[i]


@pytest.mark.parametrize(
    "record",
    [
        {"prediction": 1},
        {"attributes": {"sex": "F"}},
        {"attributes": {"sex": "F"}, "prediction": 2},
        {"attributes": "F", "prediction": 1},
        {"attributes": {"sex": "F"}, "prediction": 1, "outcome": "yes"},
    ],
)
def test_malformed_records_are_refused_with_their_index(record: dict[str, object]) -> None:
    with pytest.raises(DecisionRecordError, match="Decision record 1"):
        count_decisions([{"attributes": {"sex": "F"}, "prediction": 0}, record], protected=["sex"])


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "latency"},
        {"warn_above": 0.1},
        {"fail_below": 0.9},
        {"window_minutes": 0},
        {"action": "delete"},
        {"warn_below": None, "fail_below": None},
    ],
)
def test_invalid_monitor_specs_are_refused(change: dict[str, object]) -> None:
    spec = {
        "id": "m",
        "kind": "selection_ratio",
        "name": {"zh-Hans": "比", "en": "ratio"},
        "window_minutes": 60,
        "warn_below": 0.8,
        "fail_below": 0.7,
    }
    with pytest.raises(MonitorError, match="Monitor m"):
        MonitorSpec.from_json({**spec, **change})


def test_a_monitor_file_with_duplicate_ids_is_refused(tmp_path: Path) -> None:
    entry = (
        "  - {id: a, kind: volume, name: {zh-Hans: 量, en: volume}, "
        "window_minutes: 1, fail_above: 1}\n"
    )
    path = tmp_path / "m.yaml"
    path.write_text("monitors:\n" + entry * 2, encoding="utf-8")
    with pytest.raises(MonitorError, match="unique"):
        load_monitors(path)
