"""Bar charts drawn as SVG on the server: no script and no library, and each
with a title, a description and a table of the same figures beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from studyhall.analytics.services import SERIES_LABELS, Line, Report

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 40
# Dark enough against white for 3:1 non-text contrast, and apart in hue.
COLOURS = {
    "threads": "#1d4f91",
    "replies": "#b3500b",
    "chat": "#2f6b2f",
    "active": "#5b3f8c",
}


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str  # what a pointer's tooltip reads: series, week and value


@dataclass
class Tick:
    y: float
    value: int


@dataclass
class XLabel:
    x: float
    text: str


@dataclass
class LegendItem:
    x: float
    colour: str
    text: str


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    width: int
    height: int
    left: int
    right: float
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    x_labels: list[XLabel]
    legend: list[LegendItem]


def _scale_top(largest: int) -> int:
    """Return a round number at or above the largest value, divisible by four
    so that the axis has whole ticks at each quarter."""
    magnitude = 1
    while True:
        for step in (4, 8, 20):
            if step * magnitude >= largest:
                return step * magnitude
        magnitude *= 10


def _chart(
    slug: str,
    title: str,
    description: str,
    weeks: list[Line],
    series: list[tuple[str, str, list[int | None]]],
) -> Chart:
    values = [v for _, _, vs in series for v in vs if v is not None]
    top = _scale_top(max(values, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(weeks), 1)
    bar_w = slot * 0.8 / len(series)
    baseline = TOP + plot_h
    bars = []
    for n, (name, text, vs) in enumerate(series):
        for i, value in enumerate(vs):
            if not value:  # suppressed (None) or zero: nothing to draw
                continue
            h = plot_h * value / top
            bars.append(
                Bar(
                    x=round(LEFT + i * slot + slot * 0.1 + n * bar_w, 1),
                    y=round(baseline - h, 1),
                    width=round(bar_w, 1),
                    height=round(h, 1),
                    colour=COLOURS[name],
                    label=f"{text}, {weeks[i].label}: {value}",
                )
            )
    ticks = [
        Tick(y=round(baseline - plot_h * f / 4, 1), value=top * f // 4)
        for f in range(5)
    ]
    x_labels = [
        XLabel(x=round(LEFT + i * slot + slot / 2, 1), text=_day(w.start))
        for i, w in enumerate(weeks)
        if i % 2 == len(weeks) % 2 or len(weeks) <= 6
    ]
    legend = [
        LegendItem(x=LEFT + n * 150, colour=COLOURS[name], text=text)
        for n, (name, text, _) in enumerate(series)
    ]
    return Chart(
        slug=slug,
        title=title,
        description=description,
        width=WIDTH,
        height=HEIGHT + 24,
        left=LEFT,
        right=WIDTH - RIGHT,
        baseline=baseline,
        bars=bars,
        ticks=ticks,
        x_labels=x_labels,
        legend=legend,
    )


def _day(day: date | None) -> str:
    return f"{day.day} {day:%b}" if day else ""


def participation_chart(report: Report) -> Chart:
    """Return the weekly threads, replies and chat messages as grouped bars."""
    series = [
        (name, SERIES_LABELS[name], [w.cells[name].shown for w in report.weeks])
        for name in report.series
    ]
    names = ", ".join(SERIES_LABELS[n].lower() for n in report.series)
    return _chart(
        "participation",
        "Participation per week",
        f"Bars of {names} for each of the last {len(report.weeks)} weeks, "
        "oldest first. Suppressed figures are not drawn; the table below "
        "gives every figure.",
        report.weeks,
        series,
    )


def people_chart(report: Report) -> Chart:
    """Return how many people took part each week as bars."""
    return _chart(
        "people",
        "People taking part per week",
        f"One bar for each of the last {len(report.weeks)} weeks: how many "
        "different people posted, replied or chatted. Suppressed figures are "
        "not drawn; the table below gives every figure.",
        report.weeks,
        [("active", "People", [w.active.shown for w in report.weeks])],
    )
