"""Rolling windows of count tables, bucketed by time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tianping.fairness import CountTable


def _epoch(at: datetime) -> float:
    if at.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return at.astimezone(UTC).timestamp()


@dataclass
class RollingCounts:
    """Count tables per time bucket; a window is the sum of the buckets it covers.

    Examples
    --------
    >>> from datetime import datetime, timedelta, UTC
    >>> from tianping.monitoring import count_decisions
    >>> selection, _ = count_decisions(
    ...     [{"attributes": {"sex": "F"}, "prediction": 1}], protected=["sex"]
    ... )
    >>> rolling = RollingCounts(bucket_seconds=60)
    >>> now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    >>> rolling.add(now - timedelta(minutes=5), selection)
    >>> rolling.add(now, selection)
    >>> rolling.window(end=now, span=timedelta(minutes=2)).rows
    1
    >>> rolling.window(end=now, span=timedelta(hours=1)).rows
    2
    """

    bucket_seconds: int = 60
    buckets: dict[int, CountTable] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.bucket_seconds <= 0:
            raise ValueError("bucket_seconds must be positive")

    def _bucket(self, at: datetime) -> int:
        return int(_epoch(at) // self.bucket_seconds)

    def add(self, at: datetime, table: CountTable | None) -> None:
        """Count ``table`` into the bucket of ``at``."""
        if table is None:
            return
        key = self._bucket(at)
        current = self.buckets.get(key)
        self.buckets[key] = table if current is None else current + table

    def window(self, *, end: datetime, span: timedelta) -> CountTable | None:
        """The sum of the buckets in ``(end - span, end]``; ``None`` when empty."""
        last = self._bucket(end)
        first = self._bucket(end - span) + 1
        tables = [t for k, t in self.buckets.items() if first <= k <= last]
        return sum(tables[1:], tables[0]) if tables else None

    def prune(self, *, before: datetime) -> int:
        """Drop buckets that end before ``before``; returns how many were dropped."""
        cutoff = self._bucket(before)
        old = [k for k in self.buckets if k < cutoff]
        for k in old:
            del self.buckets[k]
        return len(old)

    def to_json(self) -> dict[str, Any]:
        return {
            "bucket_seconds": self.bucket_seconds,
            "buckets": {str(k): t.to_json() for k, t in sorted(self.buckets.items())},
        }

    @classmethod
    def from_json(cls, data: Any) -> RollingCounts:
        return cls(
            bucket_seconds=int(data["bucket_seconds"]),
            buckets={int(k): CountTable.from_json(v) for k, v in data["buckets"].items()},
        )
