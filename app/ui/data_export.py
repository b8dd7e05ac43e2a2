"""Export values as a long-format table (one row per value: region, indicator, period, value, note),
the file ``ipdesk import`` reads back: the window's face of ``ipdesk export-data``."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from app.ui import i18n


class DataExportDialog(QDialog):
    SCOPES = ("region", "children", "all_below")

    def __init__(self, window, region: str, year: int):
        super().__init__(window)
        self.setObjectName("dataExportDialog")
        self.window_ = window
        self.region = region
        name = window.region_name(region)
        self.setWindowTitle(self.tr("Export data (long format)"))
        self.scope_buttons = QButtonGroup(self)
        scopes = QWidget(self)
        lay = QVBoxLayout(scopes)
        lay.setContentsMargins(0, 0, 0, 0)
        for i, text in enumerate((self.tr("{name} only"), self.tr("{name} and the regions directly below"),
                                  self.tr("{name} and every region below"))):
            button = QRadioButton(text.format(name=name), scopes)
            self.scope_buttons.addButton(button, i)
            lay.addWidget(button)
        self.scope_buttons.button(1).setChecked(True)
        self.year_from, self.year_to = QSpinBox(self), QSpinBox(self)
        for box, value in ((self.year_from, year - 4), (self.year_to, year)):
            box.setRange(1990, 2100)
            box.setValue(value)
        years = QWidget(self)
        row = QHBoxLayout(years)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.year_from)
        row.addWidget(QLabel("–", years))
        row.addWidget(self.year_to)
        row.addStretch(1)
        self.file = QLineEdit(str(Path.home() / self.tr("{code}_{name}_{start}-{end}_data.xlsx").format(
            code=region, name=name, start=year - 4, end=year)), self)
        browse = QPushButton(self.tr("Choose…"), self)
        browse.clicked.connect(self._browse)
        where = QWidget(self)
        row = QHBoxLayout(where)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Regions"), scopes)
        form.addRow(self.tr("Years"), years)
        form.addRow(self.tr("File (.xlsx or .csv)"), where)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(self.tr("Export"))
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(form)
        outer.addWidget(buttons)
        self.resize(560, self.sizeHint().height())
        self.result_ = None

    def _browse(self):
        path, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), self.file.text(),
                                              "Excel (*.xlsx);;CSV (*.csv)")
        if path:
            self.file.setText(path)

    def start(self):
        """Write the file in a worker (a nation's values take seconds); the dialog closes when done."""
        from app.services.sheets.export_data import export_values, select_regions
        from app.ui.tasks import error_text, on_store, run_task

        scope = self.SCOPES[self.scope_buttons.checkedId()]
        lo, hi = sorted((self.year_from.value(), self.year_to.value()))
        text = self.file.text().strip()
        if not text:
            return
        target = Path(text).expanduser()
        if not target.is_absolute():
            target = Path.home() / target
        if target.exists() and QMessageBox.question(
                self, self.windowTitle(), self.tr("{path} exists. Replace it?").format(path=target)) != QMessageBox.Yes:
            return
        self.file.setText(str(target))
        path, store, region, lang = str(target), self.window_.db.path, self.region, i18n.current()
        self.ok_button.setEnabled(False)          # one export at a time (a double click wrote twice)

        def work(db, progress, cancelled):
            regions = select_regions(db, region, children=scope == "children", all_below=scope == "all_below")
            return export_values(db, path, regions=regions, year_from=lo, year_to=hi, lang=lang,
                                 progress=progress, cancel=cancelled)

        def done(res):
            self.result_ = res
            self.window_.statusBar().showMessage(
                self.tr("{n} values written to {path}").format(n=f"{res.rows:,}", path=res.path), 15000)
            self.accept()

        def failed(exc, tb):
            self.ok_button.setEnabled(True)
            self.window_.warn(error_text(exc))

        self.job = run_task(self, self.tr("Exporting data…"), on_store(store, work), on_done=done, on_error=failed,
                            on_cancel=lambda: self.ok_button.setEnabled(True))
