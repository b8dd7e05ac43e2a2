"""Charts (pyqtgraph): an indicator's trend with its target path and projection, and a ranking.

pyqtgraph (and NumPy) are imported when the page is first shown, so they do not slow the
first paint of the window. Lower-is-better indicators (examination cycles) draw their
target as a ceiling and rank the smallest first.
"""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QComboBox, QGraphicsItem, QHBoxLayout, QLabel, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from app.services.browse import store_changes
from app.ui import file_dialogs
from app.ui.i18n import Retranslating, current


class ChartsPage(Retranslating, QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.region = None
        self.year = None
        self.trend_plot = None
        self.rank_plot = None
        self._curves: dict = {}          # the trend plot's curves by kind ("reported", "target0", ...)
        self._legend: list = []
        self._bars = None                # the ranking's bars
        self._notices: dict = {}         # plot -> its "no data" text
        self._ranking_rows: list = []
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
        for p in (self.trend_plot, self.rank_plot):          # ranges are set from the data (see _show_curves)
            p.getPlotItem().getViewBox().disableAutoRange()
        rank = self.rank_plot.getPlotItem()
        rank.getViewBox().invertY(True)
        for p in (self.trend_plot, self.rank_plot):        # an axis repaints from a pixmap until its ticks change
            for side in ("left", "bottom"):
                p.getPlotItem().getAxis(side).setCacheMode(QGraphicsItem.DeviceCoordinateCache)
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
        plot = self.trend_plot.getPlotItem()
        self._set_texts(plot, self.tr("{name} — trend and target").format(name=ind.name(lang)), ind.unit(lang),
                        self.tr("Year"))
        xs = [y for y, _ in t["series"]]
        ys = [v for _, v in t["series"]]
        curves = []        # (key, xs, ys, style, legend name)
        if xs:
            curves.append(("reported", xs, ys, {"pen": pg.mkPen("#1f5fa8", width=2), "symbol": "o", "symbolSize": 7,
                                                 "symbolBrush": "#1f5fa8"}, self.tr("Reported")))
        lines = []
        for n, row in enumerate(t["targets"]):
            tg = row["target"]
            if tg.value is None or tg.comparator not in ("<=", ">="):
                continue
            x0 = min([tg.from_year - 1] + xs[-1:]) if xs else tg.from_year
            curves.append((f"target{n}", [x0, tg.year], [tg.value, tg.value],
                           {"pen": pg.mkPen("#c0392b", width=2, style=Qt.DashLine)},
                           self.tr("Target {cmp} {value:g} ({year})").format(cmp=tg.comparator, value=tg.value,
                                                                              year=tg.year)))
            base = dict(t["series"]).get(tg.from_year - 1)
            if base is not None and tg.year > tg.from_year:
                # the path a plan implies: straight from the year before it started to the target
                curves.append((f"path{n}", [tg.from_year - 1, tg.year], [base, tg.value],
                               {"pen": pg.mkPen("#e59866", width=1.5)}, self.tr("Target path")))
            if row["projected_value"] is not None and xs:
                curves.append((f"projection{n}", [xs[-1], tg.year], [ys[-1], row["projected_value"]],
                               {"pen": pg.mkPen("#7f8c8d", width=2, style=Qt.DotLine)},
                               self.tr("Projection (linear trend)")))
            lines.append(f"{tg.document_zh if lang == 'zh' else tg.document_en} {tg.clause or ''}")
        self._show_curves(plot, curves)
        if ind.direction == "lower":
            lines.append(self.tr("Lower is better for this indicator."))
        self.info.setText(" · ".join(lines))
        if not curves:
            self._notice(plot, self.tr("No data or target for {region} on this indicator").format(
                region=self.window.region_name(self.region)))
        else:
            self._notice(plot, None)
        # the regions under this one, or (none of them with data) those beside it
        parents = self._ranking_parents()
        # a value written since — here, or by another connection (an import's worker) — ranks again
        edits = store_changes(self.window.db)
        for parent in parents:
            key = (parent, code, self.year, lang, edits)
            if key == getattr(self, "_ranking_key", None):
                self._highlight(self._ranking_rows)        # same ranking (a sibling was chosen): recolour only
                break
            rows = ranking(self.window.db, parent, code, self.year)
            if rows:
                self._ranking_key = key
                self._draw_ranking(rows, ind, parent)
                break
        else:
            self._ranking_key = None
            self._draw_ranking([], ind, parents[0] if parents else self.region)
        for p in (self.trend_plot, self.rank_plot):
            # the views take their new ranges now, not in the next paint (which would then ask for another)
            p.getPlotItem().getViewBox().prepareForPaint()

    @staticmethod
    def _set_texts(plot, title: str, left: str, bottom: str) -> None:
        """Title and axis labels, set only when they change (each setting lays the plot out again)."""
        if plot.titleLabel.text != title:
            plot.setTitle(title, size="11pt")
        for side, text in (("left", left), ("bottom", bottom)):
            if plot.getAxis(side).labelText != text:
                plot.setLabel(side, text)

    def _show_curves(self, plot, curves) -> None:
        """Draw ``curves`` on the trend plot. Curves of the same kind are kept and given their new
        data; the legend is rebuilt only when the set of names changes; the view range is set once
        from all the data (auto-range would refit, and re-tick the axes, at every change)."""
        mine = self._curves
        wanted = {key for key, *_rest in curves}
        for key in [k for k in mine if k not in wanted]:
            plot.removeItem(mine.pop(key))
        legend = [(key, name) for key, *_rest, name in curves]
        if legend != self._legend:
            plot.legend.clear()
        for key, xs, ys, style, name in curves:
            item = mine.get(key)
            if item is None:
                item = mine[key] = plot.plot(xs, ys, **style)
            else:
                item.setData(xs, ys, **style)
            if legend != self._legend:
                item.opts["name"] = name
                plot.legend.addItem(item, name)
        self._legend = legend
        allx = [x for _k, xs, *_r in curves for x in xs]
        ally = [y for _k, _x, ys, *_r in curves for y in ys if y is not None]
        if allx and ally:
            lo, hi = min(ally), max(ally)
            pad = (hi - lo) * 0.08 or abs(hi) * 0.1 or 1.0
            bottom = 0 if 0 <= lo < pad else lo - pad        # a positive series near zero starts at zero
            plot.getViewBox().setRange(xRange=(min(allx) - 0.5, max(allx) + 0.5), yRange=(bottom, hi + pad), padding=0)
        else:        # nothing to draw: the last ten years, and a notice (see redraw)
            plot.getViewBox().setRange(xRange=(self.year - 9.5, self.year + 1.5), yRange=(0, 1), padding=0)

    def _ranking_parents(self) -> list[str]:
        from app.models.catalogue import children, region

        up = region(self.window.db, self.region).parent
        own = [self.region] if children(self.window.db, self.region, self.year) else []
        return own + ([up] if up else [])

    def _notice(self, plot, text: str | None) -> None:
        """A line of text in the middle of an empty plot (hidden when ``text`` is None)."""
        import pyqtgraph as pg

        item = self._notices.get(id(plot))
        if text is None:
            if item is not None:
                item.setVisible(False)
            return
        if item is None:
            item = self._notices[id(plot)] = pg.TextItem(anchor=(0.5, 0.5), color="#555555")
            plot.addItem(item, ignoreBounds=True)
        item.setText(text)
        item.setVisible(True)
        (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
        item.setPos((x0 + x1) / 2, (y0 + y1) / 2)

    def _draw_ranking(self, rows, ind, parent: str):
        import pyqtgraph as pg

        from app.models.catalogue import region as get_region

        lang = current()
        plot = self.rank_plot.getPlotItem()
        self._set_texts(plot, self.tr("Regions under {parent} ranked, {year}").format(
            parent=self.window.region_name(parent), year=self.year), "", ind.unit(lang))
        rows = rows[:20]
        self._ranking_rows = rows
        ys = list(range(len(rows)))
        widths = [v for *_x, v in rows]
        if self._bars is None:        # one bar item, given new bars each time (no re-layout of the plot)
            self._bars = pg.BarGraphItem(x0=0, y=ys, height=0.7, width=widths, brushes=self._colors(rows))
            plot.addItem(self._bars)
        else:
            self._bars.setOpts(y=ys, width=widths, brushes=self._colors(rows))
        self._bars.setVisible(bool(rows))
        names = [get_region(self.window.db, code).name(lang) for code, _n, _v in rows]
        axis = plot.getAxis("left")
        axis.setTicks([list(zip(ys, names))])
        # as wide as the longest name (pyqtgraph leaves out a label that does not fit), in steps of
        # 48 px and set only when that changes: a new width lays the plot out and paints it again
        longest = max(map(QFontMetrics(axis.font()).horizontalAdvance, names), default=40) + 14
        width = -(-longest // 48) * 48
        if width != axis.width():
            axis.setWidth(width)
        lo, hi = min(min(widths, default=0), 0), max(max(widths, default=0), 0)       # bars can be negative
        span = (hi - lo) or 1.0
        self._label_bars(plot, ys, widths, ind)
        # room beyond the longest bar for its figure
        plot.getViewBox().setRange(xRange=(lo - (span * 0.2 if lo < 0 else 0), hi + span * 0.2),
                                   yRange=(-0.6, max(len(rows), 1) - 0.4), padding=0)
        self._notice(plot, None if rows else self.tr("No region under {region} has data on this indicator").format(
            region=self.window.region_name(parent)))

    def _label_bars(self, plot, ys, widths, ind) -> None:
        """Each bar's figure at its end (as the indicator shows it: its decimals, thousands grouped);
        text items kept and reused, the ones not needed hidden."""
        import pyqtgraph as pg

        from app.models.parse import format_value

        labels = self.__dict__.setdefault("_value_labels", [])
        while len(labels) < len(ys):
            item = pg.TextItem(color="#333333")
            plot.addItem(item, ignoreBounds=True)
            labels.append(item)
        for item, y, v in zip(labels, ys, widths):
            item.setText(format_value(Decimal(repr(round(float(v), ind.decimals + 4))), ind.decimals))
            item.setAnchor((0, 0.5) if v >= 0 else (1, 0.5))
            item.setPos(v, y)
            item.setVisible(True)
        for item in labels[len(ys):]:
            item.setVisible(False)

    def _colors(self, rows):
        return ["#d35400" if code == self.region else "#2e86c1" for code, _n, _v in rows]

    def _highlight(self, rows):
        if rows and getattr(self, "_bars", None) is not None:
            self._bars.setOpts(brushes=self._colors(rows))

    def export_png(self, path: str | None = None) -> str | None:
        if self.trend_plot is None:
            return None
        if not path:
            path = file_dialogs.save_file(self, self.tr("Export chart as PNG…"), "chart.png", "PNG (*.png)")
            if not path:
                return None
        from pyqtgraph.exporters import ImageExporter

        exporter = ImageExporter(self.trend_plot.getPlotItem())
        exporter.parameters()["width"] = 1200
        exporter.export(path)
        return path
