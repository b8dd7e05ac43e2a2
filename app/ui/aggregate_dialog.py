"""Sum a region up from its subordinate regions: the dry run first (new / changed old → new /
the region's own figures that differ from the sum), then an all-or-nothing apply in which the
region's own figures are kept unless the user ticks the box that replaces them."""
from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QVBoxLayout)

from app.models.errors import IpdeskError
from app.ui.shown import Shown

CONFLICT_COLOUR = "#fde2b8"


class AggregateDialog(QDialog):
    def __init__(self, window, region: str, year: int):
        super().__init__(window)
        self.setObjectName("aggregateDialog")
        self.window_, self.region, self.year = window, region, year
        self.plan = self.result = None
        self.setWindowTitle(self.tr("Sum up from subordinate regions"))
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels([self.tr("Indicator"), self.tr("Change"), self.tr("Now"),
                                              self.tr("Sum of subordinate regions"), self.tr("Own figure written by")])
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.take_sums = QCheckBox(self)
        self.take_sums.toggled.connect(lambda _on: self._buttons())
        self.apply_button = QPushButton(self.tr("Write the sums"), self)
        self.apply_button.clicked.connect(self.apply)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.take_sums)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.apply_button)
        lay.addLayout(row)
        lay.addWidget(buttons)
        self.resize(820, 520)
        self.refresh()

    def refresh(self):
        from app.models.aggregate import plan_aggregate

        try:
            self.plan = plan_aggregate(self.window_.db, self.region, self.year)
        except IpdeskError as exc:
            self.plan = None
            self.summary.setText("✕ " + self.window_.error_text(exc))
            self._buttons()
            return
        p, c = self.plan, self.plan.counts()
        text = self.tr("{region} {year} ← sum of {n} subordinate regions: {new} new, {changed} changed, "
                       "{unchanged} unchanged, {conflict} own figures differ from the sum. Nothing is written yet.").format(
            region=p.region_name, year=p.year, n=len(p.kids), **{k: c[k] for k in ("new", "changed", "unchanged",
                                                                                    "conflict")})
        if p.refusal is not None:
            text = "✕ " + self.window_.error_text(p.refusal)
        elif p.incomplete:
            text += " " + self.tr("{n} indicators are not summed: not every subordinate region has a value.").format(
                n=len(p.incomplete))
        self.summary.setText(text)
        kind = {"new": self.tr("new"), "changed": self.tr("changed"), "conflict": self.tr("own figure (kept)")}
        shown = [i for i in p.items if i.kind != "unchanged"]
        self.table.setRowCount(len(shown))
        cells = Shown(self.window_)
        for r, i in enumerate(shown):
            row = [cells.indicator(i.indicator), cells.item(kind[i.kind], i.kind), cells.number(i.indicator, i.old),
                   cells.number(i.indicator, i.new),
                   cells.item(f"{i.last_by or ''} {(i.last_at or '')[:10]}".strip() if i.kind == "conflict" else "")]
            for j, item in enumerate(row):
                if i.kind == "conflict":
                    item.setBackground(QBrush(QColor(CONFLICT_COLOUR)))
                self.table.setItem(r, j, item)
        self.take_sums.setText(self.tr("Also replace the region's own figures that differ from the sum ({n}) "
                                       "with the sums (their notes are cleared)").format(n=c["conflict"]))
        self.take_sums.setVisible(bool(c["conflict"]))
        self._buttons()

    def _buttons(self):
        p = self.plan
        todo = bool(p and p.refusal is None and self.result is None and (
            p.counts()["new"] or p.counts()["changed"] or (p.conflicts and self.take_sums.isChecked())))
        self.apply_button.setEnabled(todo)

    def apply(self):
        from app.models.aggregate import apply_aggregate

        try:
            self.result = apply_aggregate(self.window_.db, self.region, self.year, take_sums=self.take_sums.isChecked())
        except IpdeskError as exc:
            self.summary.setText("✕ " + self.window_.error_text(exc))
            return None
        text = self.tr("{n} values written.").format(n=self.result.written)
        if self.result.kept:
            text += " " + self.tr("{n} own figures differ from the sum and were kept.").format(n=len(self.result.kept))
        self.summary.setText(text)
        self.take_sums.setEnabled(False)
        self._buttons()
        self.window_.reload(statuses_changed=True)
        return self.result
