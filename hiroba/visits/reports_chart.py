"""Bar charts for the statistics pages, drawn as inline SVG by a template (no JavaScript).

The chart is a picture of the table next to it, which stays the source of truth: the SVG has
``role="img"`` with a title and a one-line description, and every bar a ``<title>`` with its
value for pointer users. Colours come from CSS classes (``chart__seg--0`` …) so the Content
Security Policy needs no inline style.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log10

WIDTH = 720
HEIGHT = 260
LEFT = 56  # room for the value axis labels
BOTTOM = 28  # room for the category labels
TOP = 12


@dataclass(frozen=True)
class Segment:
    series: int
    y: float
    height: float
    value: int


@dataclass(frozen=True)
class Bar:
    label: str
    x: float
    width: float
    label_x: float
    total: int
    segments: list[Segment]


@dataclass(frozen=True)
class Gridline:
    y: float
    value: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    plot_bottom: float
    axis_x: int
    label_y: float
    bars: list[Bar]
    gridlines: list[Gridline]
    series: list[tuple[int, str]]
    is_empty: bool


def _nice_step(value: int) -> int:
    """The gridline step: 1, 2, 2.5 or 5 times a power of ten (whole numbers only), so that
    four steps reach ``value``."""
    raw = max(value, 1) / 4
    power = 10 ** max(int(log10(raw)), 0) if raw >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= raw and float(step * power).is_integer():
            return int(step * power)
    return 10 * power  # pragma: no cover - the loop ends at 10 * power


def stacked_bars(labels: list[str], stacks: list[list[int]], series_labels: list[str]) -> Chart:
    """One bar per label; each bar stacks the values of the series (same order as
    ``series_labels``) from the bottom up."""
    plot_bottom = HEIGHT - BOTTOM
    plot_height = plot_bottom - TOP
    step = _nice_step(max((sum(stack) for stack in stacks), default=0))
    top_value = 4 * step
    slot = (WIDTH - LEFT) / max(len(labels), 1)
    bar_width = slot * 0.64
    bars = []
    for index, (label, stack) in enumerate(zip(labels, stacks, strict=True)):
        x = LEFT + index * slot + (slot - bar_width) / 2
        y = plot_bottom
        segments = []
        for series, value in enumerate(stack):
            height = plot_height * value / top_value
            y -= height
            if value:
                segments.append(Segment(series, round(y, 2), round(height, 2), value))
        bars.append(
            Bar(
                label,
                round(x, 2),
                round(bar_width, 2),
                round(x + bar_width / 2, 2),
                sum(stack),
                segments,
            )
        )
    gridlines = [Gridline(round(plot_bottom - plot_height * n / 4, 2), n * step) for n in range(5)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        plot_bottom=plot_bottom,
        axis_x=LEFT - 6,
        label_y=plot_bottom + 18,
        bars=bars,
        gridlines=gridlines,
        series=list(enumerate(series_labels)),
        is_empty=not any(any(stack) for stack in stacks),
    )
