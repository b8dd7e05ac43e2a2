"""The trend charts' value axes, read back from the PDF: every label is the value of its gridline.

200 random ranges (spans from 0.004 to 5 × 10^7, offsets near and far from zero, rates and
counts) are drawn, one chart a page, with the documents' font; ``pdftotext -bbox`` gives each
tick label's text and position. The label's number must be the value the axis has at the
label's height (within an eighth of a step — the 2024 chart printed 42 at the gridline 42.5,
a fifth of its 2.5 step), labels must be evenly spaced with the step's decimals, and a count
axis starts at zero.
"""
from __future__ import annotations

import random
import re
import shutil
import subprocess
from decimal import Decimal

import pytest

from app.services.report.charts import nice_axis, trend_drawing, value_axis
from app.services.report.data import Series

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")


def random_series(rng: random.Random, n: int) -> Series:
    kind = rng.choice(["count", "amount", "percent", "score", "months"])
    scale = 10 ** rng.uniform(-2.4, 7.7)
    base = rng.choice([0.0, rng.uniform(0, 50) * scale, rng.uniform(0, 2) * scale])
    if kind in ("percent", "score"):
        base, scale = rng.uniform(0, 90), rng.uniform(0.02, 10)
    values = [base + scale * rng.random() for _ in range(rng.randint(2, 9))]
    points = tuple((2016 + i, Decimal(repr(round(v, 4)))) for i, v in enumerate(values))
    target = Decimal(repr(round(base + scale * rng.uniform(0, 1.3), 4))) if rng.random() < 0.5 else None
    return Series(f"S{n}", f"指标{n}", "件", 2, points, target, 2025 if target is not None else None,
                  ">=" if target is not None else None, kind=kind)


def test_nice_axis_labels_carry_the_steps_decimals():
    assert nice_axis(42.9, 52.1).labels == ["42.5", "45.0", "47.5", "50.0", "52.5"]     # the 2024 chart
    assert nice_axis(0, 9.6).labels == ["0.0", "2.5", "5.0", "7.5", "10.0"]             # was 0, 2, 5, 8, 10
    assert nice_axis(0.31, 0.52, 5).labels == ["0.30", "0.35", "0.40", "0.45", "0.50", "0.55"]
    assert nice_axis(105000, 336048, zero=True).labels[0] == "0"
    assert nice_axis(105000, 336048).labels[0] != "0"                                    # both sides of `zero`


def test_counts_start_at_zero_and_rates_show_a_break():
    count = Series("C", "有效发明专利拥有量", "件", 0, ((2022, Decimal(280000)), (2023, Decimal(310000)),
                                                   (2024, Decimal(336048))), kind="count")
    rate = Series("R", "有效发明专利产业化率", "%", 1, ((2022, Decimal("43.1")), (2023, Decimal("46.0")),
                                                   (2024, Decimal("51.9"))), kind="percent")
    low_rate = Series("L", "比重", "%", 1, ((2022, Decimal("0.1")), (2023, Decimal("2.0"))), kind="percent")
    assert value_axis(count).ticks[0] == 0 and not value_axis(count).broken
    assert value_axis(rate).ticks[0] > 0 and value_axis(rate).broken        # above zero: the break is drawn
    assert value_axis(low_rate).ticks[0] == 0 and not value_axis(low_rate).broken


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_200_random_axes_read_back_from_the_pdf(tmp_path):
    from reportlab.graphics import renderPDF
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from app.services.fonts import register_serif_fonts

    font, _ = register_serif_fonts()
    rng = random.Random(14)
    width, height = 75 * mm, 66 * mm
    page_h = height + 20
    path = tmp_path / "charts.pdf"
    canv = Canvas(str(path), pagesize=(width + 20, page_h))
    charts = []
    for n in range(200):
        s = random_series(rng, n)
        d = trend_drawing(s, width=width, height=height, font=font)
        renderPDF.draw(d, canv, 10, 10)
        canv.showPage()
        charts.append((s, value_axis(s), d.__dict__["plot_box"]))
    canv.save()
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("<page ")[1:]
    assert len(pages) == 200
    zero_based = 0
    for page, (s, axis, (px, py, pw, ph)) in zip(pages, charts):
        words = [(float(a), float(b), float(c), float(e), t) for a, b, c, e, t in WORD.findall(page)]
        # the value labels: numbers to the left of the plot
        labels = [(t, page_h - (b + e) / 2 - 10) for a, b, c, e, t in words if c <= 10 + px + 0.5 and NUMBER.match(t)]
        texts = [t for t, _ in sorted(labels, key=lambda x: x[1])]
        assert texts == axis.labels, (s.points, texts)
        lo, hi = axis.ticks[0], axis.ticks[-1]
        step = axis.step
        for text, y in labels:
            value = Decimal(text.replace(",", ""))
            at = lo + (hi - lo) * Decimal(repr((y - py) / ph))     # the axis' value at the label's height
            assert abs(value - at) <= step / 8, (s.points, text, at)
            assert (value / step) == (value / step).to_integral_value()       # on a gridline of the step
            assert len(text.partition(".")[2]) == axis.decimals
        if s.kind in ("count", "amount"):
            assert texts[0] in ("0", "0." + "0" * axis.decimals), texts
            zero_based += 1
    assert zero_based > 40
