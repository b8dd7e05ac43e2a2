"""Vector trend charts for the PDF (reportlab.graphics), in the documents' Song face.

One chart per key indicator: the yearly values as a solid line with filled dots, the
target as a dashed horizontal line with an open diamond at its year. Line style and
markers — not colour alone — tell them apart, so the chart survives black-and-white
printing::

    drawing = trend_drawing(series, width=75 * mm, height=66 * mm, font="NotoSerifSC")

The value axis comes from :func:`nice_axis`: a step of 1, 2, 2.5 or 5 × 10^k, gridlines at
exact multiples of it (Decimal arithmetic, no float drift), and labels that carry the
decimals of the step — a 2.5 step prints 42.5, 45.0, 47.5, so every label *is* the value of
its gridline. Counts, amounts and per-10k figures start at zero; a rate (per cent, score,
months) may start above zero and then shows an axis break (two slashes across the value
axis just above its foot), so a steep line is not mistaken for growth from zero.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, Polygon, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

INK = colors.HexColor("#1f3a68")      # the values: dark blue, solid, filled dots
TARGET = colors.HexColor("#9b1c1c")   # the target: dark red, dashed, open diamond
GRID = colors.HexColor("#c8c8c8")
TEXT = colors.HexColor("#222222")
LABEL_SIZE = 9                        # tick labels and legend (小五 is 9 pt)
TITLE_SIZE = 10.5                     # 五号
ZERO_BASED = ("count", "amount", "ratio", "population")   # catalogue kinds whose axis starts at zero


@dataclass(frozen=True)
class Axis:
    ticks: tuple[Decimal, ...]   # exact gridline values, ascending, evenly spaced by ``step``
    step: Decimal
    decimals: int                # places every label prints (those of the step)
    broken: bool = False         # starts above zero for data that are never negative: draw a break

    def label(self, value: Decimal) -> str:
        return f"{value:,.{self.decimals}f}"

    @property
    def labels(self) -> list[str]:
        return [self.label(t) for t in self.ticks]


def nice_axis(lo: float, hi: float, count: int = 4, *, zero: bool = False) -> Axis:
    """Gridlines covering ``lo``..``hi`` in about ``count`` steps of 1, 2, 2.5 or 5 × 10^k.

    ``zero`` makes a non-negative range start at 0. Labels have the step's decimals:

    >>> nice_axis(42.9, 52.1).labels
    ['42.5', '45.0', '47.5', '50.0', '52.5']
    >>> nice_axis(0, 9.6).labels, nice_axis(0, 1164, 5).labels
    (['0.0', '2.5', '5.0', '7.5', '10.0'], ['0', '250', '500', '750', '1,000', '1,250'])
    >>> nice_axis(105000, 336048, zero=True).labels
    ['0', '100,000', '200,000', '300,000', '400,000']
    """
    lo, hi = (float(lo), float(hi)) if lo <= hi else (float(hi), float(lo))
    if zero and lo >= 0:
        lo = 0.0
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = (lo if zero and lo == 0 else lo - pad), hi + pad
    raw = (hi - lo) / max(count, 1)
    k = math.floor(math.log10(raw))
    mantissa = next(m for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
                    if float(m) * 10.0 ** k >= raw * (1 - 1e-12))
    step = (mantissa * Decimal(10) ** k).normalize()
    decimals = max(0, -step.as_tuple().exponent)
    first = math.floor(Decimal(repr(lo)) / step)
    last = math.ceil(Decimal(repr(hi)) / step)
    ticks = tuple((step * n).quantize(Decimal(1).scaleb(-decimals)) for n in range(first, max(last, first + 1) + 1))
    return Axis(ticks, step, decimals, broken=(not zero and lo > 0 and ticks[0] > 0))


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """The gridline values of :func:`nice_axis` as floats (kept for callers of the old name).

    >>> nice_ticks(14.5, 26)
    [12.5, 15.0, 17.5, 20.0, 22.5, 25.0, 27.5]
    """
    return [float(t) for t in nice_axis(lo, hi, count).ticks]


def value_axis(series) -> Axis:
    """The value axis of ``series``' chart: its values and target with a margin, from zero for
    counts and amounts."""
    values = [float(v) for _, v in series.points]
    if series.target is not None:
        values.append(float(series.target))
    lo, hi = min(values), max(values)
    zero = getattr(series, "kind", "count") in ZERO_BASED
    pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1.0
    if not zero and lo >= 0 and lo - pad < 0:
        lo, zero = 0.0, True           # close to zero anyway: start there, no break needed
    return nice_axis(lo if zero else lo - pad, hi + pad, 4, zero=zero and lo >= 0)


def trend_drawing(series, *, width: float, height: float, font: str) -> Drawing:
    """A chart of one :class:`~app.services.report.data.Series` (title, axes, legend)."""
    d = Drawing(width, height, initialFontName=font)   # else the drawing's state starts in Helvetica
    title = f"{series.name}（{series.unit}）"
    size = TITLE_SIZE
    while stringWidth(title, font, size) > width - 4 and size > 9:
        size -= 0.5
    d.add(String(2, height - size - 1, title, fontName=font, fontSize=size, fillColor=TEXT))

    points = [(y, float(v)) for y, v in series.points]
    years = [y for y, _ in points]
    has_target = series.target is not None and points
    if not points:
        d.add(String(width / 2, height / 2, "无数据", fontName=font, fontSize=LABEL_SIZE, fillColor=TEXT,
                     textAnchor="middle"))
        return d
    x_lo, x_hi = min(years), max(years)
    if has_target and series.target_year is not None and x_hi < series.target_year <= x_hi + 3:
        x_hi = series.target_year
    axis = value_axis(series)
    ticks = [float(t) for t in axis.ticks]
    label_w = max(stringWidth(s, font, LABEL_SIZE) for s in axis.labels)

    legend_h = LABEL_SIZE + 6
    lp = LinePlot()
    lp.x = label_w + 6
    lp.y = LABEL_SIZE + 8 + legend_h
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
    lp.lines[0].symbol = makeMarker("FilledCircle", size=3.4, fillColor=INK, strokeColor=INK)
    if has_target:
        lp.lines[1].strokeColor = TARGET
        lp.lines[1].strokeWidth = 1.0
        lp.lines[1].strokeDashArray = [4, 2.5]
        lp.lines[1].symbol = None
    xa = lp.xValueAxis
    xa.valueMin, xa.valueMax = x_lo - 0.4, x_hi + 0.4
    step = 1 if x_hi - x_lo <= 6 else 2
    xa.valueSteps = list(range(x_lo, x_hi + 1, step))
    xa.labelTextFormat = "%d"
    xa.labels.fontName, xa.labels.fontSize, xa.labels.fillColor = font, LABEL_SIZE, TEXT
    xa.labels.dy = -2
    xa.strokeColor = TEXT
    xa.tickDown = 2
    ya = lp.yValueAxis
    ya.valueMin, ya.valueMax, ya.valueSteps = ticks[0], ticks[-1], ticks
    ya.labelTextFormat = lambda v: axis.label(min(axis.ticks, key=lambda t: abs(float(t) - v)))
    ya.labels.fontName, ya.labels.fontSize, ya.labels.fillColor = font, LABEL_SIZE, TEXT
    ya.strokeColor = TEXT
    ya.visibleGrid = 1
    ya.gridStrokeColor = GRID
    ya.gridStrokeWidth = 0.4
    ya.tickLeft = 2
    d.add(lp)
    d.__dict__["plot_box"] = (lp.x, lp.y, lp.width, lp.height)   # for tests: where the gridlines are

    if axis.broken:   # two short slashes across the value axis just above its foot
        for dy in (4.0, 7.0):
            d.add(Line(lp.x - 3.5, lp.y + dy - 1.5, lp.x + 3.5, lp.y + dy + 1.5, strokeColor=TEXT, strokeWidth=0.9))

    # the target's own year: an open diamond on the dashed line
    if has_target and series.target_year is not None and x_lo <= series.target_year <= x_hi:
        px = lp.x + (series.target_year - xa.valueMin) / (xa.valueMax - xa.valueMin) * lp.width
        py = lp.y + (float(series.target) - ticks[0]) / (ticks[-1] - ticks[0]) * lp.height
        r = 3.4
        d.add(Polygon([px - r, py, px, py + r, px + r, py, px, py - r], fillColor=colors.white,
                      strokeColor=TARGET, strokeWidth=1))

    # legend: line samples, not colour alone
    y0 = 3
    x0 = lp.x
    d.add(Line(x0, y0 + 3, x0 + 14, y0 + 3, strokeColor=INK, strokeWidth=1.3))
    d.add(makeMarker("FilledCircle", size=3.4, fillColor=INK, strokeColor=INK, x=x0 + 7, y=y0 + 3))
    d.add(String(x0 + 17, y0, "实际值", fontName=font, fontSize=LABEL_SIZE, fillColor=TEXT))
    if has_target:
        x1 = x0 + 17 + stringWidth("实际值", font, LABEL_SIZE) + 10
        d.add(Line(x1, y0 + 3, x1 + 14, y0 + 3, strokeColor=TARGET, strokeWidth=1.0, strokeDashArray=[4, 2.5]))
        d.add(String(x1 + 17, y0, series.target_label, fontName=font, fontSize=LABEL_SIZE, fillColor=TEXT))
    return d
