"""Chart geometry for the server-side SVG charts (no JavaScript, no CDN): pure functions from
figures to coordinates; the templates only draw what these return."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    value: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"  # SVG text-anchor: the first and last labels stay inside the chart


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    segments: list[str] = field(default_factory=list)  # "x,y x,y ..." for <polyline points>
    dots: list[Dot] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.dots


def _pct(rate: float | None) -> str:
    return _("no item decided") if rate is None else f"{rate:.0%}"


def line_chart(points: list[tuple[str, float | None]], *, width=480, height=200, max_labels=6) -> LineChart:
    """A 0–100 % line over ``points`` (label, rate or None). A point without a rate breaks the
    line rather than pretending to be 0 %."""
    left, right, top, bottom = 44, width - 12, 12, height - 30
    chart = LineChart(width=width, height=height, left=left, right=right, top=top, bottom=bottom)
    chart.y_ticks = [Tick(_y(v, top, bottom), f"{v:.0%}") for v in (0, 0.25, 0.5, 0.75, 1)]
    if not points:
        return chart
    step = (right - left) / max(len(points) - 1, 1)
    every = max(1, -(-len(points) // max_labels))  # ceil: at most ``max_labels`` labels
    current: list[str] = []
    for i, (label, rate) in enumerate(points):
        x = left + step * i if len(points) > 1 else (left + right) / 2
        last = i == len(points) - 1
        if (i % every == 0 and len(points) - 1 - i >= every / 2) or last:
            anchor = "middle" if len(points) == 1 else "start" if i == 0 else "end" if last else "middle"
            chart.x_ticks.append(Tick(round(x, 1), label, anchor))
        if rate is None:
            if current:
                chart.segments.append(" ".join(current))
            current = []
            continue
        y = _y(rate, top, bottom)
        current.append(f"{x:.1f},{y:.1f}")
        chart.dots.append(Dot(round(x, 1), round(y, 1), label, _pct(rate)))
    if current:
        chart.segments.append(" ".join(current))
    return chart


def _y(rate: float, top: int, bottom: int) -> float:
    return round(bottom - (bottom - top) * max(0.0, min(1.0, rate)), 1)


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    label: str
    value: str
    detail: str


@dataclass
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar] = field(default_factory=list)

    @property
    def plot_width(self) -> int:
        return self.width - self.label_width - 56

    @property
    def value_x(self) -> int:
        return self.label_width + self.plot_width + 6


def bar_chart(rows: list[tuple[str, float | None, str]], *, width=480, bar_height=20, gap=8) -> BarChart:
    """One horizontal 0–100 % bar per row (label, rate or None, detail for the tooltip)."""
    chart = BarChart(width=width, height=0, label_width=150, bar_height=bar_height)
    for i, (label, rate, detail) in enumerate(rows):
        chart.bars.append(
            Bar(
                y=i * (bar_height + gap),
                width=round(chart.plot_width * (rate or 0), 1),
                label=label if len(label) <= 22 else label[:21] + "…",
                value=_pct(rate) if rate is not None else "—",
                detail=detail,
            )
        )
    chart.height = max(len(rows) * (bar_height + gap) - gap, bar_height)
    return chart
