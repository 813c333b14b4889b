"""Monitors over logged AI decisions: rolling windows of count tables → alerts.

Domain words
------------
decision record
    One decision an AI system took, as logged through the SDK: the protected
    attributes of the person concerned, the ``prediction`` (1 = the favourable
    or flagged outcome) and, once known, the true ``outcome``.
count tables
    Decisions are counted with the fairness engine's :class:`~tianping.fairness.CountTable`
    (one engine for audits and monitoring). Two tables per batch: *selection*
    (every decision; the label is the prediction, since outcomes arrive later)
    and *outcomes* (decisions whose outcome is known, for error rates).
window
    :class:`RollingCounts` keeps one count table per time bucket; a window is
    the sum of the buckets it covers. Tables add up, so windows cost nothing to
    slide.
monitor
    A :class:`MonitorSpec`, as data (``data/monitors.yaml``): what to measure
    over which window, the warn and fail thresholds, the minimum number of
    decisions before judging, and the action on failure (``alert`` or
    ``pause``, the latter for the runtime switch to apply).
reading
    A :class:`MonitorReading`: ``ok``, ``warn``, ``fail`` or
    ``insufficient_data`` — too few decisions is reported, never a silent pass.

A monitors file that cannot be read or is invalid raises :class:`MonitorError`.
"""

from tianping.monitoring._monitors import (
    MonitorError,
    MonitorReading,
    MonitorSpec,
    evaluate,
    evaluate_all,
    load_monitors,
)
from tianping.monitoring._records import count_decisions
from tianping.monitoring._window import RollingCounts

__all__ = [
    "MonitorError",
    "MonitorReading",
    "MonitorSpec",
    "RollingCounts",
    "count_decisions",
    "evaluate",
    "evaluate_all",
    "load_monitors",
]
