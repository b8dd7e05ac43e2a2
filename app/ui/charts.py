"""Charts (pyqtgraph): an indicator's trend with its target path and projection, and a ranking.

pyqtgraph (and NumPy) are imported when the page is first shown, so they do not slow the
first paint of the window. Lower-is-better indicators (examination cycles) draw their
target as a ceiling and rank the smallest first.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout,
                               QWidget)

from app.ui.i18n import Retranslating, current


class ChartsPage(Retranslating, QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.region = None
        self.year = None
        self.trend_plot = None
        self.rank_plot = None
        self.indicator = QComboBox(self)
        self.indicator.currentIndexChanged.connect(lambda _i: self.redraw())
        self.indicator_label = QLabel(self)
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self.export_png)
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.indicator_label)
        top.addWidget(self.indicator, 1)
        top.addWidget(self.export_button)
        self.split = QSplitter(Qt.Vertical, self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.split, 1)
        lay.addWidget(self.info)
        self.retranslate()

    def retranslate(self):
        self.indicator_label.setText(self.tr("Indicator"))
        self.export_button.setText(self.tr("Export chart as PNG…"))
        if self.region and self.isVisible():
            self._fill_indicators()
            self.redraw()

    def _ensure_plots(self):
        if self.trend_plot is not None:
            return
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        self.trend_plot = pg.PlotWidget(self)
        self.rank_plot = pg.PlotWidget(self)
        for p in (self.trend_plot, self.rank_plot):
            p.showGrid(x=False, y=True, alpha=0.25)
            p.getPlotItem().getViewBox().setMouseEnabled(x=False, y=False)
        self.trend_plot.addLegend(offset=(10, 10))
        self.split.addWidget(self.trend_plot)
        self.split.addWidget(self.rank_plot)

    def _fill_indicators(self):
        from app.models.catalogue import indicators

        keep = self.indicator.currentData()
        self.indicator.blockSignals(True)
        self.indicator.clear()
        for ind in indicators(self.window.db).values():
            self.indicator.addItem(f"{ind.name(current())}（{ind.unit(current())}）", ind.code)
        idx = self.indicator.findData(keep or "HV_PATENTS_PER_10K")
        self.indicator.setCurrentIndex(max(idx, 0))
        self.indicator.blockSignals(False)

    def load(self, region: str, year: int) -> None:
        self.region, self.year = region, year
        self._ensure_plots()
        if self.indicator.count() == 0:
            self._fill_indicators()
        self.redraw()

    def redraw(self):
        if not self.region or self.trend_plot is None:
            return
        import pyqtgraph as pg

        from app.services.views import ranking, trend

        code = self.indicator.currentData()
        lang = current()
        t = trend(self.window.db, self.region, code, year_to=self.year)
        ind = t["indicator"]
        unit = ind.unit(lang)
        plot = self.trend_plot.getPlotItem()
        plot.clear()
        plot.legend.clear() if plot.legend is not None else None
        plot.setTitle(self.tr("{name} — trend and target").format(name=ind.name(lang)), size="11pt")
        plot.setLabel("left", unit)
        plot.setLabel("bottom", self.tr("Year"))
        xs = [y for y, _ in t["series"]]
        ys = [v for _, v in t["series"]]
        if xs:
            plot.plot(xs, ys, pen=pg.mkPen("#1f5fa8", width=2), symbol="o", symbolSize=7, symbolBrush="#1f5fa8",
                      name=self.tr("Reported"))
        lines = []
        for row in t["targets"]:
            tg = row["target"]
            if tg.value is None or tg.comparator not in ("<=", ">="):
                continue
            x0 = min([tg.from_year - 1] + xs[-1:]) if xs else tg.from_year
            plot.plot([x0, tg.year], [tg.value, tg.value], pen=pg.mkPen("#c0392b", width=2, style=Qt.DashLine),
                      name=self.tr("Target {cmp} {value:g} ({year})").format(cmp=tg.comparator, value=tg.value, year=tg.year))
            base = dict(t["series"]).get(tg.from_year - 1)
            if base is not None and tg.year > tg.from_year:
                # the path a plan implies: straight from the year before it started to the target
                plot.plot([tg.from_year - 1, tg.year], [base, tg.value], pen=pg.mkPen("#e59866", width=1.5),
                          name=self.tr("Target path"))
            if row["projected_value"] is not None and xs:
                plot.plot([xs[-1], tg.year], [ys[-1], row["projected_value"]],
                          pen=pg.mkPen("#7f8c8d", width=2, style=Qt.DotLine), name=self.tr("Projection (linear trend)"))
            lines.append(f"{tg.document_zh if lang == 'zh' else tg.document_en} {tg.clause or ''}")
        if ind.direction == "lower":
            lines.append(self.tr("Lower is better for this indicator."))
        self.info.setText(" · ".join(lines))
        parent = self._ranking_parent()
        key = (parent, code, self.year, lang)
        if key == getattr(self, "_ranking_key", None):
            self._highlight(self._ranking_rows)        # same ranking (a sibling was chosen): recolour only
        else:
            self._ranking_key = key
            self._draw_ranking(ranking(self.window.db, parent, code, self.year), ind)

    def _ranking_parent(self):
        from app.models.catalogue import children, region

        kids = children(self.window.db, self.region, self.year)
        return self.region if kids else (region(self.window.db, self.region).parent or self.region)

    def _draw_ranking(self, rows, ind):
        import pyqtgraph as pg

        lang = current()
        plot = self.rank_plot.getPlotItem()
        plot.clear()
        self._ranking_rows, self._bars = [], None
        plot.setTitle(self.tr("Ranking of subordinate regions, {year}").format(year=self.year), size="11pt")
        if not rows:
            return
        rows = rows[:20]
        self._ranking_rows = rows
        ys = list(range(len(rows)))
        self._bars = pg.BarGraphItem(x0=0, y=ys, height=0.7, width=[v for *_x, v in rows], brushes=self._colors(rows))
        plot.addItem(self._bars)
        from app.models.catalogue import region as get_region

        names = [get_region(self.window.db, code).name(lang) for code, _n, _v in rows]
        axis = plot.getAxis("left")
        axis.setTicks([list(zip(ys, names))])
        plot.getViewBox().invertY(True)
        plot.setLabel("bottom", ind.unit(lang))

    def _colors(self, rows):
        return ["#d35400" if code == self.region else "#2e86c1" for code, _n, _v in rows]

    def _highlight(self, rows):
        if rows and getattr(self, "_bars", None) is not None:
            self._bars.setOpts(brushes=self._colors(rows))

    def export_png(self, path: str | None = None) -> str | None:
        if self.trend_plot is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export chart as PNG…"), "chart.png", "PNG (*.png)")
            if not path:
                return None
        from pyqtgraph.exporters import ImageExporter

        exporter = ImageExporter(self.trend_plot.getPlotItem())
        exporter.parameters()["width"] = 1200
        exporter.export(path)
        return path
