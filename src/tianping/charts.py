"""Bar charts with interval whiskers as inline SVG, for pages, printed reports and notebooks.

One horizontal bar per row, from 0 to its value, with a whisker from the
interval's low to its high end (a Wilson interval for a group rate, a bootstrap
interval for a disparity) and optional vertical threshold lines (a policy's
pass and warn thresholds). The SVG is self-contained — colours are attributes,
not classes — so the same markup renders in a browser and in WeasyPrint, and
needs no JavaScript. Labels are data (group names, numbers) and are escaped;
words for the reader belong in the page around the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from markupsafe import Markup

Tone = Literal["pass", "warn", "fail", "inconclusive", "neutral", "muted"]

#: Bar colours by tone: verdicts, plain data, and groups left out (insufficient data).
TONE_COLOURS: Final[dict[str, str]] = {
    "pass": "#2f7d4a",
    "warn": "#b7791f",
    "fail": "#b42318",
    "inconclusive": "#6b5b95",
    "neutral": "#4a5d7e",
    "muted": "#b8bfcc",
}

WIDTH: Final = 640
ROW: Final = 24
BAR: Final = 12
TOP: Final = 16
AXIS: Final = 22
VALUE_COLUMN: Final = 64
MAX_LABEL_CHARS: Final = 30

BAD_DOMAIN = "a chart's domain must be finite with low < high, got {domain!r}"
NO_BARS = "a chart needs at least one bar"


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One row: a label, a value (``None``: undefined) and its interval."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    tone: Tone = "neutral"


@dataclass(frozen=True, slots=True)
class ChartLine:
    """A vertical line across the chart at ``value`` (a threshold), labelled with its number."""

    value: float
    tone: Tone = "neutral"


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _text_width(text: str) -> float:
    """Rough width in pixels at 12px: CJK characters are about twice as wide as Latin ones."""
    return sum(12.5 if ord(ch) > 0x2E80 else 7.4 for ch in text)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.3f}"


def _ticks(low: float, high: float) -> list[float]:
    """Round tick values from ``low`` to ``high``: 3 to 6 of them, steps of 1, 2, 2.5 or 5 × 10ⁿ."""
    rough = (high - low) / 4
    scale = 10.0 ** math.floor(math.log10(rough))
    step = next(m * scale for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * scale >= rough)
    first = math.ceil(low / step - 1e-9)
    ticks = []
    k = first
    while k * step <= high + 1e-9 * step:
        ticks.append(round(k * step, 12))
        k += 1
    return ticks


def nice_domain(values: Sequence[float | None], *, at_least: float = 1.0) -> tuple[float, float]:
    """``(0, top)``: ``at_least``, or a round number above the largest finite value.

    >>> nice_domain([0.03, 0.12], at_least=0.05)
    (0.0, 0.15)
    >>> nice_domain([0.4, None])
    (0.0, 1.0)
    """
    largest = max((v for v in values if v is not None and math.isfinite(v)), default=0.0)
    if largest <= at_least:
        return 0.0, at_least
    scale = 10.0 ** math.floor(math.log10(largest))
    for step in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if step * scale >= largest:
            return 0.0, round(step * scale, 12)
    return 0.0, largest  # pragma: no cover - the loop always ends at 10 × scale


def interval_chart(
    bars: Sequence[ChartBar],
    *,
    title: str,
    lines: Sequence[ChartLine] = (),
    domain: tuple[float, float] = (0.0, 1.0),
    empty: str = "—",
) -> Markup:
    """A horizontal bar chart with interval whiskers as an ``<svg>`` element.

    Parameters
    ----------
    bars
        The rows, top to bottom.
    title
        The accessible name of the chart (``<title>`` and ``aria-label``).
    lines
        Threshold lines, each labelled with its value at the top.
    domain
        The value axis, ``(low, high)``; bars and whiskers are clipped to it.
    empty
        What an undefined value shows instead of a bar.

    Examples
    --------
    >>> svg = interval_chart([ChartBar("F", 0.3, 0.25, 0.35), ChartBar("M", None)], title="rate")
    >>> svg.startswith("<svg") and "0.300" in svg and "—" in svg
    True
    """
    if not bars:
        raise ValueError(NO_BARS)
    low, high = domain
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(BAD_DOMAIN.format(domain=domain))
    labels = [_short(bar.label) for bar in bars]
    label_width = min(250.0, max(48.0, max(_text_width(text) for text in labels) + 16))
    left = label_width
    right = WIDTH - VALUE_COLUMN
    span = right - left
    height = TOP + ROW * len(bars) + AXIS

    def x(value: float) -> float:
        return left + span * (min(max(value, low), high) - low) / (high - low)

    parts: list[Markup] = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="interval-chart" role="img" '
            'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
            'aria-label="{title}" font-family="inherit" font-size="12">'
            "<title>{title}</title>"
        ).format(w=WIDTH, h=height, title=title)
    ]
    bottom = TOP + ROW * len(bars)
    for tick in _ticks(low, high):
        tx = x(tick)
        parts.append(
            Markup(
                '<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#e3e6ec" '
                'stroke-width="1"/><text x="{x:.1f}" y="{ty}" text-anchor="middle" '
                'fill="#5b6475" font-size="10">{label}</text>'
            ).format(x=tx, top=TOP, bottom=bottom, ty=bottom + 14, label=f"{tick:g}")
        )
    for row, (bar, label) in enumerate(zip(bars, labels, strict=True)):
        y = TOP + ROW * row
        middle = y + ROW / 2
        colour = TONE_COLOURS[bar.tone]
        interval = ""
        if _finite(bar.low) and _finite(bar.high):
            assert bar.low is not None and bar.high is not None
            interval = f" [{_number(bar.low)}, {_number(bar.high)}]"
        shown = empty if bar.value is None or not math.isfinite(bar.value) else _number(bar.value)
        parts.append(
            Markup(
                '<g class="bar" data-tone="{tone}"><title>{full}: {shown}{interval}</title>'
                '<text x="{lx:.1f}" y="{ty:.1f}" text-anchor="end" fill="#1d2433">{label}</text>'
            ).format(
                tone=bar.tone,
                full=bar.label,
                shown=shown,
                interval=interval,
                lx=left - 8,
                ty=middle + 4,
                label=label,
            )
        )
        if bar.value is not None and math.isfinite(bar.value):
            start, end = x(max(low, 0.0) if low <= 0.0 <= high else low), x(bar.value)
            parts.append(
                Markup(
                    '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h}" fill="{c}" rx="2"/>'
                ).format(x=min(start, end), y=middle - BAR / 2, w=abs(end - start), h=BAR, c=colour)
            )
        if interval:
            assert bar.low is not None and bar.high is not None
            x1, x2 = x(bar.low), x(bar.high)
            parts.append(
                Markup(
                    '<g stroke="#1d2433" stroke-width="1.4" class="whisker">'
                    '<line x1="{x1:.1f}" y1="{m:.1f}" x2="{x2:.1f}" y2="{m:.1f}"/>'
                    '<line x1="{x1:.1f}" y1="{a:.1f}" x2="{x1:.1f}" y2="{b:.1f}"/>'
                    '<line x1="{x2:.1f}" y1="{a:.1f}" x2="{x2:.1f}" y2="{b:.1f}"/></g>'
                ).format(x1=x1, x2=x2, m=middle, a=middle - 5, b=middle + 5)
            )
        parts.append(
            Markup(
                '<text x="{vx}" y="{ty:.1f}" text-anchor="end" fill="#1d2433" '
                'font-variant-numeric="tabular-nums">{shown}</text></g>'
            ).format(vx=WIDTH - 4, ty=middle + 4, shown=shown)
        )
    for line in lines:
        if not (math.isfinite(line.value) and low <= line.value <= high):
            continue
        lx = x(line.value)
        parts.append(
            Markup(
                '<g class="threshold" data-tone="{tone}"><line x1="{x:.1f}" y1="{top}" '
                'x2="{x:.1f}" y2="{bottom}" stroke="{c}" stroke-width="1.5" '
                'stroke-dasharray="4 3"/><text x="{x:.1f}" y="{ty}" text-anchor="middle" '
                'fill="{c}" font-size="10">{label}</text></g>'
            ).format(
                tone=line.tone,
                x=lx,
                top=TOP - 4,
                bottom=bottom,
                c=TONE_COLOURS[line.tone],
                ty=TOP - 6,
                label=f"{line.value:g}",
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


__all__ = ["TONE_COLOURS", "ChartBar", "ChartLine", "Tone", "interval_chart", "nice_domain"]
