"""Small server-side SVG charts: bars with their numbers written on them, readable at 360 px,
in print and without colour. Colours come from classes (the kinds' ``.kind-<value>`` rules in
static/css/app.css), never inline styles, which the content policy forbids. Each chart goes with
a table of the same numbers (templates/stats/_chart.html)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 360  # the viewBox's width: one unit is one CSS pixel on the narrowest phone
ROW = 34  # a horizontal bar's row: its label above, the bar below
_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str = ""  # the value as written on the bar (defaults to the number)
    css: str = ""  # a class giving the bar its colour, e.g. "kind-cleanup"

    @property
    def text(self) -> str:
        return self.shown or _number(self.value)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _short(label: str) -> str:
    """ "2024-09" as "24-09": twelve of them fit side by side at 360 px."""
    return label[2:] if len(label) == 7 and label[4] == "-" and label[:4].isdigit() else label


def _svg(title: str, height: int, body: list[str], width: int = WIDTH) -> Markup:
    ident = f"chart-{next(_ids)}"
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{ident}">{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def horizontal(title: str, bars: list[Bar]) -> Markup:
    """One bar a row, its label above it and its value at its end: long Chinese names fit."""
    top = max((b.value for b in bars), default=0) or 1
    body = []
    room = WIDTH - 100  # leave space for the value ("12 · 35.3%") after the longest bar
    for i, bar in enumerate(bars):
        y = i * ROW
        length = max(round(room * bar.value / top), 2 if bar.value else 0)
        body.append(
            f'<text class="chart-label" x="0" y="{y + 11}">{escape(bar.label)}</text>'
            f'<rect class="chart-bar {escape(bar.css)}" x="0" y="{y + 15}" '
            f'width="{length}" height="14" rx="2"></rect>'
            f'<text class="chart-value" x="{length + 4}" y="{y + 27}">{escape(bar.text)}</text>'
        )
    return _svg(title, max(len(bars), 1) * ROW, body)


def columns(title: str, bars: list[Bar]) -> Markup:
    """Vertical bars in order (months), each value above its bar and its label below (a month's
    label loses its century: "24-09")."""
    bars = [Bar(_short(b.label), b.value, b.shown, b.css) for b in bars]
    count = max(len(bars), 1)
    width = max(WIDTH, count * 30)
    slot = width / count
    plot = 120
    top = max((b.value for b in bars), default=0) or 1
    body = [f'<line class="chart-axis" x1="0" y1="{plot + 16}" x2="{width}" y2="{plot + 16}"/>']
    for i, bar in enumerate(bars):
        height = max(round(plot * bar.value / top), 1 if bar.value else 0)
        bar_width = min(slot * 0.7, 48)
        middle = i * slot + slot / 2
        x = middle - bar_width / 2
        body.append(
            f'<rect class="chart-bar {escape(bar.css)}" x="{x:.1f}" y="{plot + 16 - height}" '
            f'width="{bar_width:.1f}" height="{height}" rx="2"></rect>'
            f'<text class="chart-value" x="{middle:.1f}" y="{plot + 12 - height}" '
            f'text-anchor="middle">{escape(bar.text)}</text>'
            f'<text class="chart-label" x="{middle:.1f}" y="{plot + 32}" '
            f'text-anchor="middle">{escape(bar.label)}</text>'
        )
    return _svg(title, plot + 40, body, width)
