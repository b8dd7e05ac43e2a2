"""Import a filled template or a long-format file: dry run in a worker, the diff and every
problem shown, then — after the user agrees — all of it written in one transaction."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QListWidget,
                               QMessageBox, QPushButton, QTableWidget, QVBoxLayout)

from app.ui import file_dialogs
from app.ui.tasks import error_text
from app.ui import i18n
from app.ui.shown import Shown

MAX_ROWS_SHOWN = 2000


class ImportDialog(QDialog):
    def __init__(self, window, path: str | None = None):
        super().__init__(window)
        self.setObjectName("importDialog")
        self.window_ = window
        self.plan = None
        self.result = None
        self.setWindowTitle(self.tr("Import a spreadsheet"))
        self.file_label = QLabel(self)
        self.file_label.setWordWrap(True)
        choose = QPushButton(self.tr("Choose file…"), self)
        choose.clicked.connect(self.choose)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels([self.tr("Region"), self.tr("Indicator"), self.tr("Period"),
                                              self.tr("Old"), self.tr("New"), self.tr("Where")])
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.problems = QListWidget(self)
        self.problems.setWordWrap(True)
        self.problems_label = QLabel(self)
        self.apply_button = QPushButton(self.tr("Write these changes"), self)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(choose)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.apply_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 3)
        lay.addWidget(self.problems_label)
        lay.addWidget(self.problems, 1)
        lay.addLayout(bottom)
        lay.addWidget(buttons)
        self.resize(900, 640)
        if path:
            self.plan_file(path)

    def choose(self):
        path = file_dialogs.open_file(self, self.tr("Import a spreadsheet"), self.tr("Spreadsheets (*.xlsx *.xls *.csv)"))
        if path:
            self.plan_file(path)

    # ---------------------------------------------------------------- dry run
    def plan_file(self, path: str) -> None:
        from app.services.sheets.importer import plan_import
        from app.ui.tasks import on_store, run_task

        self.file_label.setText(str(path))
        self.apply_button.setEnabled(False)
        self.plan = None
        store, region, year = self.window_.db.path, self.window_.region, self.window_.year.value()

        work = on_store(store, lambda db, progress, cancelled: plan_import(
            db, path, expect_region=region, expect_year=year, progress=progress, cancel=cancelled))
        self.job = run_task(self, self.tr("Reading {name}…").format(name=Path(path).name), work,
                            on_done=self.show_plan, on_error=self.failed,
                            on_cancel=lambda: self.summary.setText(self.tr("Reading cancelled.")))

    def show_plan(self, plan) -> None:
        self.plan = plan
        lang = i18n.current()
        c = plan.counts()
        self.summary.setText(self.tr("{new} new, {changed} changed, {unchanged} unchanged, {skipped} empty cells skipped; "
                                     "{problems} problems").format(problems=plan.problem_count, **c))
        rows = plan.changes()[:MAX_ROWS_SHOWN]
        self.table.setRowCount(len(rows))
        shown = Shown(self.window_)        # names and grouped numbers, as the grid shows them
        for i, r in enumerate(rows):
            where = f"{r.sheet or ''} " + self.tr("row {n}").format(n=r.row)
            for j, item in enumerate((shown.region(r.region), shown.indicator(r.indicator), shown.item(r.period),
                                      shown.number(r.indicator, r.old), shown.number(r.indicator, r.value),
                                      shown.item(where))):
                self.table.setItem(i, j, item)
        self.problems.clear()
        from app.services.place_names import codes, message

        for mark, items in (("✕ ", plan.problems), ("· ", plan.warnings)):
            for p in items:            # regions and indicators by name; the codes in the tooltip
                self.problems.addItem(mark + message(self.window_.db, p, lang))
                self.problems.item(self.problems.count() - 1).setToolTip(codes(p))
        self.problems_label.setText(self.tr("Problems ({n}) and notes").format(n=plan.problem_count))
        self.apply_button.setEnabled(plan.ok and bool(plan.changes()))

    def failed(self, exc, _tb) -> None:
        text = error_text(exc)
        self.summary.setText(text)
        self.problems.clear()
        self.problems.addItem("✕ " + text)

    # ---------------------------------------------------------------- apply
    def apply(self, *, confirmed: bool = False) -> None:
        from app.services.sheets.importer import apply_plan
        from app.ui.tasks import on_store, run_task

        plan = self.plan
        if plan is None or not plan.ok:
            return
        if not confirmed:
            answer = QMessageBox.question(self, self.windowTitle(), self.tr(
                "Write {n} values from {name}? All of them are written, or none.").format(
                n=len(plan.changes()), name=plan.path.name))
            if answer != QMessageBox.Yes:
                return
        store = self.window_.db.path
        self.apply_button.setEnabled(False)

        work = on_store(store, lambda db, progress, cancelled: apply_plan(db, plan, cancel=cancelled), readonly=False)
        self.job = run_task(self, self.tr("Writing…"), work, on_done=self.applied, on_error=self.failed)

    def applied(self, result) -> None:
        self.result = result
        self.summary.setText(self.tr("{n} values written.").format(n=result.written))
        self.window_.reload(statuses_changed=True)
