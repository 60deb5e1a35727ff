"""Charts drawn on the server as SVG: bars and lines with axes, labels, a legend and a text table.

This module only computes geometry (rectangles, polylines, ticks, label positions) as plain data; the
template ``indicators_macros.jinja2`` writes the SVG elements, so every label (a fiche's or a quartier's
name) reaches the page through Jinja's autoescaping. The chart needs no JavaScript, prints as it shows,
and comes with a table of the same numbers (for screen readers, and to copy).

Hand-written rather than a charting library: pygal and matplotlib write SVG with ``style`` attributes and
``<style>``/``<script>`` elements that the site's strict CSP refuses, and would bring megabytes of
dependencies for three kinds of chart; the geometry here is about a hundred lines and fully tested.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 720
HEIGHT = 280
MARGIN_LEFT = 56
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 48
MAX_X_LABELS = 12
SERIES_CLASSES = ("s0", "s1", "s2", "s3")
MAX_VALUE = 1e12


@dataclass(frozen=True)
class Tick:
    position: float  # y (value axis) or x (category axis) in SVG units
    text: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    title: str  # « 12 mars : 34 consultations », the bar's tooltip and accessible name


@dataclass(frozen=True)
class Line:
    points: str  # "x,y x,y …" for <polyline points>
    series: int
    dots: tuple[tuple[float, float, str], ...] = ()


@dataclass
class Chart:
    kind: str  # "bars", "lines" or "hbars"
    title: str
    width: int
    height: int
    plot: tuple[float, float, float, float]  # left, top, right, bottom of the plotting area
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    legend: list[tuple[int, str]] = field(default_factory=list)  # (series index, name)
    categories: list[str] = field(default_factory=list)
    series_names: list[str] = field(default_factory=list)
    values: list[list[float]] = field(default_factory=list)  # values[series][category]
    unit: str = ""
    empty: bool = True

    @property
    def table_rows(self) -> list[tuple[str, list[str]]]:
        """The same numbers as text: one row per category, one cell per series."""
        return [
            (category, [format_number(self.values[s][i]) for s in range(len(self.series_names))])
            for i, category in enumerate(self.categories)
        ]


def format_number(value: float) -> str:
    """French digits: « 12 345 », « 12,5 »."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``maximum`` (1, 2, 5 × 10ⁿ steps); [0, 1] for nothing.
    Ticks are rounded to 6 decimals, so a step under a millionth is nothing too (a tiny float would
    otherwise divide down to 0, whose logarithm does not exist)."""
    if not math.isfinite(maximum) or maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / max(count - 1, 1)
    if raw < 1e-6:
        return [0.0, 1.0]
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if step < 1 and maximum >= 1:
        step = 1.0
    top = step * math.ceil(maximum / step)
    return [round(i * step, 6) for i in range(round(top / step) + 1)]


def _clean(values: Sequence[float | int | None]) -> list[float]:
    out = []
    for v in values:
        try:
            number = float(v) if v is not None else 0.0
        except OverflowError:
            number = MAX_VALUE
        # counts are never negative nor astronomically large: anything else is drawn as 0 or capped
        out.append(min(number, MAX_VALUE) if math.isfinite(number) and number > 0 else 0.0)
    return out


def _frame(
    kind: str,
    title: str,
    categories: Sequence[str],
    series: dict[str, Sequence[float | int | None]],
    unit: str,
) -> Chart:
    names = list(series)[: len(SERIES_CLASSES)]
    values = [_clean(list(series[name])[: len(categories)]) for name in names]
    values = [v + [0.0] * (len(categories) - len(v)) for v in values]
    chart = Chart(
        kind=kind,
        title=title,
        width=WIDTH,
        height=HEIGHT,
        plot=(MARGIN_LEFT, MARGIN_TOP, WIDTH - MARGIN_RIGHT, HEIGHT - MARGIN_BOTTOM),
        categories=[str(c) for c in categories],
        series_names=names,
        values=values,
        unit=unit,
        legend=list(enumerate(names)) if len(names) > 1 else [],
    )
    chart.empty = not any(any(v) for v in values)
    return chart


def _value_axis(chart: Chart) -> tuple[float, float]:
    """Ticks of the value axis; returns (top value, plot height)."""
    _left, top, _right, bottom = chart.plot
    ticks = nice_ticks(max((max(v, default=0) for v in chart.values), default=0))
    highest = ticks[-1] or 1.0
    chart.y_ticks = [Tick(bottom - (bottom - top) * t / highest, format_number(t)) for t in ticks]
    return highest, bottom - top


def _category_ticks(chart: Chart, centres: list[float]) -> None:
    """At most about :data:`MAX_X_LABELS` category labels, evenly spaced, the last one always shown."""
    step = max(1, math.ceil(len(centres) / MAX_X_LABELS))
    shown = [i for i in range(len(centres)) if i % step == 0]
    last = len(centres) - 1
    if shown and shown[-1] != last:
        if last - shown[-1] < step / 2 and len(shown) > 1:
            shown[-1] = last  # too close to the previous label: show the last one instead
        else:
            shown.append(last)
    chart.x_ticks = [Tick(centres[i], chart.categories[i]) for i in shown]


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: dict[str, Sequence[float | int | None]],
    *,
    unit: str = "",
) -> Chart:
    """Vertical bars, one group per category, one bar per series (at most four series)."""
    chart = _frame("bars", title, categories, series, unit)
    highest, plot_height = _value_axis(chart)
    left, _top, right, bottom = chart.plot
    n = max(len(chart.categories), 1)
    slot = (right - left) / n
    group = slot * 0.8
    bar_width = group / max(len(chart.series_names), 1)
    centres = []
    for i, category in enumerate(chart.categories):
        start = left + i * slot + (slot - group) / 2
        centres.append(left + i * slot + slot / 2)
        for s, name in enumerate(chart.series_names):
            value = chart.values[s][i]
            height = plot_height * value / highest
            label = f"{category} : {format_number(value)} {unit or name}".strip()
            chart.bars.append(
                Bar(
                    round(start + s * bar_width, 2),
                    round(bottom - height, 2),
                    round(max(bar_width - 1, 0.5), 2),
                    round(height, 2),
                    s,
                    label,
                )
            )
    _category_ticks(chart, centres)
    return chart


def line_chart(
    title: str,
    categories: Sequence[str],
    series: dict[str, Sequence[float | int | None]],
    *,
    unit: str = "",
) -> Chart:
    """One line per series over the categories (a single category is drawn as a dot)."""
    chart = _frame("lines", title, categories, series, unit)
    highest, plot_height = _value_axis(chart)
    left, _top, right, bottom = chart.plot
    n = len(chart.categories)
    xs = [left + (right - left) * (i / (n - 1) if n > 1 else 0.5) for i in range(n)]
    for s, name in enumerate(chart.series_names):
        points = [
            (round(x, 2), round(bottom - plot_height * v / highest, 2))
            for x, v in zip(xs, chart.values[s], strict=True)
        ]
        dots = tuple(
            (x, y, f"{chart.categories[i]} : {format_number(chart.values[s][i])} {unit or name}".strip())
            for i, (x, y) in enumerate(points)
        )
        chart.lines.append(Line(" ".join(f"{x},{y}" for x, y in points), s, dots if n <= 62 else ()))
    _category_ticks(chart, xs)
    return chart


def hbar_chart(title: str, items: Sequence[tuple[str, float | int]], *, unit: str = "") -> Chart:
    """Horizontal bars for a ranking (label, value), the largest first as given; labels left of the bars."""
    rows = list(items)
    height = MARGIN_TOP + 24 * max(len(rows), 1) + 32
    chart = _frame(
        "hbars", title, [label for label, _ in rows], {unit or "valeur": [v for _, v in rows]}, unit
    )
    chart.height = height
    label_width = 220
    chart.plot = (label_width, MARGIN_TOP, WIDTH - 60, height - 32)
    left, top, right, _bottom = chart.plot
    ticks = nice_ticks(max(chart.values[0], default=0))
    highest = ticks[-1] or 1.0
    chart.y_ticks = [Tick(left + (right - left) * t / highest, format_number(t)) for t in ticks]
    for i, (label, value) in enumerate(zip(chart.categories, chart.values[0], strict=True)):
        width = (right - left) * value / highest
        chart.bars.append(
            Bar(
                left,
                top + 24 * i + 4,
                round(width, 2),
                16,
                0,
                f"{label} : {format_number(value)} {unit}".strip(),
            )
        )
        chart.x_ticks.append(Tick(top + 24 * i + 16, label if len(label) <= 34 else label[:33] + "…"))
    return chart


__all__ = [
    "Bar",
    "Chart",
    "Line",
    "Tick",
    "bar_chart",
    "format_number",
    "hbar_chart",
    "line_chart",
    "nice_ticks",
]
