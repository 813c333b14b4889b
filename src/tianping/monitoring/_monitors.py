"""Monitor specifications (data) and their evaluation over a window's count tables."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

from tianping import yamlsafe
from tianping.errors import TianpingError
from tianping.fairness import CountTable, group_metrics
from tianping.monitoring._window import RollingCounts
from tianping.text import LocalizedText

Kind = Literal["selection_ratio", "error_rate", "error_rate_difference", "volume"]
Status = Literal["ok", "warn", "fail", "insufficient_data"]
KINDS: tuple[str, ...] = ("selection_ratio", "error_rate", "error_rate_difference", "volume")
DATA = Path(__file__).with_name("data") / "monitors.yaml"

ERR_BAD_SPEC = "Monitor {id}: {problem}."


class MonitorError(TianpingError):
    """A monitor specification is invalid."""


@dataclass(frozen=True, slots=True)
class MonitorSpec:
    """What to measure, over which window, and when to warn or fail."""

    id: str
    kind: Kind
    name: LocalizedText
    window: timedelta
    action: Literal["alert", "pause"] = "alert"
    min_group_size: int = 30
    min_rows: int = 1
    warn_below: float | None = None
    fail_below: float | None = None
    warn_above: float | None = None
    fail_above: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        def bad(problem: str) -> MonitorError:
            return MonitorError(ERR_BAD_SPEC.format(id=self.id, problem=problem))

        if self.kind not in KINDS:
            raise bad(f"unknown kind {self.kind!r}; use one of {', '.join(KINDS)}")
        below = (self.warn_below, self.fail_below)
        above = (self.warn_above, self.fail_above)
        if all(v is None for v in below + above):
            raise bad("needs a warn or fail threshold")
        if any(v is not None for v in below) and any(v is not None for v in above):
            raise bad("thresholds go one way: either *_below or *_above")
        if None not in below and self.fail_below > self.warn_below:  # type: ignore[operator]
            raise bad("fail_below must not exceed warn_below")
        if None not in above and self.fail_above < self.warn_above:  # type: ignore[operator]
            raise bad("fail_above must not be under warn_above")
        if self.window <= timedelta(0) or self.min_group_size < 1 or self.min_rows < 1:
            raise bad("window, min_group_size and min_rows must be positive")
        if self.action not in ("alert", "pause"):
            raise bad("action must be alert or pause")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MonitorSpec:
        try:
            fields = dict(data)
            minutes = fields.pop("window_minutes")
            name = LocalizedText.from_json(fields.pop("name"))
            return cls(name=name, window=timedelta(minutes=float(minutes)), **fields)
        except (KeyError, TypeError, ValueError) as exc:
            raise MonitorError(
                ERR_BAD_SPEC.format(id=data.get("id", "?"), problem=str(exc))
            ) from exc


@dataclass(frozen=True, slots=True)
class MonitorReading:
    """One monitor's verdict over one window."""

    monitor: str
    status: Status
    value: float | None
    threshold: float | None
    action: Literal["alert", "pause"] | None
    message: LocalizedText
    window_end: datetime

    def to_json(self, language: str | None = None) -> dict[str, Any]:
        return {
            "monitor": self.monitor,
            "status": self.status,
            "value": self.value,
            "threshold": self.threshold,
            "action": self.action,
            "message": self.message.get(language) if language else self.message.to_json(),
            "window_end": self.window_end.isoformat(),
        }


def load_monitors(path: Path | None = None) -> tuple[MonitorSpec, ...]:
    """The monitors of a YAML file (default: the shipped defaults)."""
    return _load(path or DATA)


@cache
def _load(path: Path) -> tuple[MonitorSpec, ...]:
    try:
        data = yamlsafe.load_file(path)
    except yamlsafe.DataFileError as exc:
        raise MonitorError(f"{path.name}: {exc.detail}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("monitors"), list):
        raise MonitorError(f"{path.name}: expected a mapping with a 'monitors' list")
    specs = tuple(MonitorSpec.from_json(item) for item in data["monitors"])
    ids = [s.id for s in specs]
    if len(set(ids)) != len(ids):
        raise MonitorError(f"{path.name}: monitor ids must be unique")
    return specs


def _sufficient_rates(table: CountTable | None, rate: str, min_group_size: int) -> list[float]:
    if table is None:
        return []
    metrics = group_metrics(table, min_group_size=min_group_size)
    values = [m.rates[rate] for m in metrics if not m.insufficient_data]
    return [v for v in values if not math.isnan(v)]


def _measure(
    spec: MonitorSpec, selection: CountTable | None, outcomes: CountTable | None
) -> float | None:
    """The monitored value, or None when there are too few decisions to judge."""
    if spec.kind == "volume":
        return float(selection.rows if selection is not None else 0)
    if spec.kind == "error_rate":
        if outcomes is None or outcomes.rows < spec.min_rows:
            return None
        wrong = outcomes.counts[:, 0, 1].sum() + outcomes.counts[:, 1, 0].sum()
        return float(wrong / outcomes.rows)
    rate = "selection_rate" if spec.kind == "selection_ratio" else "error_rate"
    values = _sufficient_rates(
        selection if spec.kind == "selection_ratio" else outcomes, rate, spec.min_group_size
    )
    if len(values) < 2:
        return None
    if spec.kind == "selection_ratio":
        return None if max(values) == 0 else min(values) / max(values)
    return max(values) - min(values)


def _judge(spec: MonitorSpec, value: float) -> tuple[Status, float | None]:
    """The worst threshold ``value`` crosses: fail before warn."""
    if spec.fail_below is not None and value < spec.fail_below:
        return "fail", spec.fail_below
    if spec.fail_above is not None and value > spec.fail_above:
        return "fail", spec.fail_above
    if spec.warn_below is not None and value < spec.warn_below:
        return "warn", spec.warn_below
    if spec.warn_above is not None and value > spec.warn_above:
        return "warn", spec.warn_above
    return "ok", None


def evaluate(
    spec: MonitorSpec,
    *,
    selection: CountTable | None,
    outcomes: CountTable | None,
    window_end: datetime,
) -> MonitorReading:
    """Judge one monitor on a window's count tables.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> from tianping.monitoring import count_decisions, load_monitors
    >>> records = [{"attributes": {"sex": "F"}, "prediction": int(i < 20)} for i in range(50)]
    >>> records += [{"attributes": {"sex": "M"}, "prediction": int(i < 40)} for i in range(50)]
    >>> selection, outcomes = count_decisions(records, protected=["sex"])
    >>> spec = {s.id: s for s in load_monitors()}["selection_parity"]
    >>> reading = evaluate(spec, selection=selection, outcomes=outcomes,
    ...                    window_end=datetime(2026, 11, 22, tzinfo=UTC))
    >>> reading.status, reading.value, reading.action
    ('fail', 0.5, 'alert')
    """
    value = _measure(spec, selection, outcomes)
    name = spec.name
    if value is None:
        return MonitorReading(
            monitor=spec.id,
            status="insufficient_data",
            value=None,
            threshold=None,
            action=None,
            message=LocalizedText(
                zh=f"{name.zh}：该时间窗内的决策不足，暂不判断。",
                en=f"{name.en}: too few decisions in the window to judge.",
            ),
            window_end=window_end,
        )
    status, threshold = _judge(spec, value)
    shown = f"{value:.4g}"
    if status == "ok":
        message = LocalizedText(
            zh=f"{name.zh}为 {shown}，在阈值内。", en=f"{name.en} is {shown}, within thresholds."
        )
    else:
        word_zh = "超出失败阈值" if status == "fail" else "超出预警阈值"
        word_en = (
            "crossed the fail threshold" if status == "fail" else "crossed the warning threshold"
        )
        message = LocalizedText(
            zh=f"{name.zh}为 {shown}，{word_zh} {threshold}。",
            en=f"{name.en} is {shown}: it {word_en} {threshold}.",
        )
    return MonitorReading(
        monitor=spec.id,
        status=status,
        value=value,
        threshold=threshold,
        action=spec.action if status == "fail" else None,
        message=message,
        window_end=window_end,
    )


def evaluate_all(
    specs: Iterable[MonitorSpec],
    rolling_selection: RollingCounts,
    rolling_outcomes: RollingCounts,
    *,
    now: datetime,
) -> list[MonitorReading]:
    """Every monitor over its own window of two :class:`RollingCounts`."""
    readings = []
    for spec in specs:
        readings.append(
            evaluate(
                spec,
                selection=rolling_selection.window(end=now, span=spec.window),
                outcomes=rolling_outcomes.window(end=now, span=spec.window),
                window_end=now,
            )
        )
    return readings
