"""Vector trend charts for the PDF (reportlab.graphics), in the bundled CJK font.

One chart per key indicator: the yearly values as a solid line with filled dots, the
target as a dashed horizontal line with an open diamond at its year. Line style and
markers — not colour alone — tell them apart, so the chart survives black-and-white
printing::

    drawing = trend_drawing(series, width=75 * mm, height=58 * mm, font="WQYMicroHei")

Tick values are chosen here ("nice" steps of 1, 2, 2.5 or 5 × 10^k) so the axis labels
are round numbers with thousands separators.
"""
from __future__ import annotations

import math

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, Polygon, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

INK = colors.HexColor("#1f3a68")      # the values: dark blue, solid, filled dots
TARGET = colors.HexColor("#9b1c1c")   # the target: dark red, dashed, open diamond
GRID = colors.HexColor("#d0d0d0")
TEXT = colors.HexColor("#222222")


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering ``lo``..``hi`` with about ``count`` intervals.

    >>> nice_ticks(14.5, 26), nice_ticks(0, 1164)
    ([12.5, 15.0, 17.5, 20.0, 22.5, 25.0, 27.5], [0.0, 250.0, 500.0, 750.0, 1000.0, 1250.0])
    """
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v < hi + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    if ticks[-1] < hi - step * 1e-9:
        ticks.append(round(v, 10))
    return [float(t) for t in ticks]


def _tick_label(step: float):
    places = 0 if step >= 1 else min(4, max(0, -math.floor(math.log10(step)) + (1 if step * 10 % 1 else 0)))

    def fmt(v: float) -> str:
        return f"{v:,.{places}f}"
    return fmt


def trend_drawing(series, *, width: float, height: float, font: str) -> Drawing:
    """A chart of one :class:`~app.services.report.data.Series` (title, axes, legend)."""
    d = Drawing(width, height, initialFontName=font)   # else the drawing's state starts in Helvetica
    title = f"{series.name}（{series.unit}）"
    size = 8.5
    while stringWidth(title, font, size) > width - 4 and size > 6:
        size -= 0.5
    d.add(String(2, height - size - 1, title, fontName=font, fontSize=size, fillColor=TEXT))

    points = [(y, float(v)) for y, v in series.points]
    years = [y for y, _ in points]
    has_target = series.target is not None and points
    if not points:
        d.add(String(width / 2, height / 2, "无数据", fontName=font, fontSize=9, fillColor=TEXT, textAnchor="middle"))
        return d
    x_lo, x_hi = min(years), max(years)
    if has_target and series.target_year is not None and x_hi < series.target_year <= x_hi + 3:
        x_hi = series.target_year
    values = [v for _, v in points] + ([float(series.target)] if has_target else [])
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1.0
    lo = 0.0 if lo >= 0 and lo - pad < 0 else lo - pad
    ticks = nice_ticks(lo, hi + pad, 4)
    fmt = _tick_label(ticks[1] - ticks[0] if len(ticks) > 1 else 1.0)
    label_w = max(stringWidth(fmt(t), font, 6.5) for t in ticks)

    legend_h = 12
    lp = LinePlot()
    lp.x = label_w + 6
    lp.y = 14 + legend_h
    lp.width = width - lp.x - 8
    lp.height = height - lp.y - size - 8
    data = [points]
    if has_target:
        t = float(series.target)
        data.append([(x_lo, t), (x_hi, t)])
    lp.data = data
    lp.joinedLines = 1
    lp.lines[0].strokeColor = INK
    lp.lines[0].strokeWidth = 1.3
    lp.lines[0].symbol = makeMarker("FilledCircle", size=3.2, fillColor=INK, strokeColor=INK)
    if has_target:
        lp.lines[1].strokeColor = TARGET
        lp.lines[1].strokeWidth = 1.0
        lp.lines[1].strokeDashArray = [4, 2.5]
        lp.lines[1].symbol = None
    xa = lp.xValueAxis
    xa.valueMin, xa.valueMax = x_lo - 0.4, x_hi + 0.4
    xa.valueSteps = list(range(x_lo, x_hi + 1))
    step = 1 if x_hi - x_lo <= 9 else 2
    xa.valueSteps = list(range(x_lo, x_hi + 1, step))
    xa.labelTextFormat = "%d"
    xa.labels.fontName, xa.labels.fontSize, xa.labels.fillColor = font, 6.5, TEXT
    xa.labels.dy = -2
    xa.strokeColor = TEXT
    xa.tickDown = 2
    ya = lp.yValueAxis
    ya.valueMin, ya.valueMax, ya.valueSteps = ticks[0], ticks[-1], ticks
    ya.labelTextFormat = fmt
    ya.labels.fontName, ya.labels.fontSize, ya.labels.fillColor = font, 6.5, TEXT
    ya.strokeColor = TEXT
    ya.visibleGrid = 1
    ya.gridStrokeColor = GRID
    ya.gridStrokeWidth = 0.4
    ya.tickLeft = 2
    d.add(lp)

    # the target's own year: an open diamond on the dashed line
    if has_target and series.target_year is not None and x_lo <= series.target_year <= x_hi:
        px = lp.x + (series.target_year - xa.valueMin) / (xa.valueMax - xa.valueMin) * lp.width
        py = lp.y + (float(series.target) - ticks[0]) / (ticks[-1] - ticks[0]) * lp.height
        r = 3.2
        d.add(Polygon([px - r, py, px, py + r, px + r, py, px, py - r], fillColor=colors.white,
                      strokeColor=TARGET, strokeWidth=1))

    # legend: line samples, not colour alone
    y0 = 4
    x0 = lp.x
    d.add(Line(x0, y0 + 3, x0 + 14, y0 + 3, strokeColor=INK, strokeWidth=1.3))
    d.add(makeMarker("FilledCircle", size=3.2, fillColor=INK, strokeColor=INK, x=x0 + 7, y=y0 + 3))
    d.add(String(x0 + 17, y0, "实际值", fontName=font, fontSize=6.5, fillColor=TEXT))
    if has_target:
        x1 = x0 + 17 + stringWidth("实际值", font, 6.5) + 10
        d.add(Line(x1, y0 + 3, x1 + 14, y0 + 3, strokeColor=TARGET, strokeWidth=1.0, strokeDashArray=[4, 2.5]))
        d.add(String(x1 + 17, y0, series.target_label, fontName=font, fontSize=6.5, fillColor=TEXT))
    return d

