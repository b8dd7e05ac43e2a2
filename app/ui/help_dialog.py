"""F1: the keys of the entry grid and the way a region-year goes from draft to approved."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)


class HelpDialog(QDialog):
    """A table of shortcuts and a short description of the workflow, in the window's language."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle(self.tr("ipdesk help: keys and workflow"))
        keys = [
            ("F1", self.tr("This help")),
            (self.tr("Type a figure"), self.tr("Starts editing the selected cell (as in Excel)")),
            ("Enter", self.tr("Saves the figure and moves down")),
            ("Tab / Shift+Tab", self.tr("Moves right / left")),
            ("Esc", self.tr("Cancels the figure being typed")),
            ("Delete", self.tr("Clears the selected cells")),
            ("Ctrl+C / Ctrl+V", self.tr("Copies / pastes a block of cells (with Excel and WPS; all or nothing)")),
            ("Ctrl+Z / Ctrl+Y", self.tr("Undoes / redoes a change (a whole paste at once)")),
            (self.tr("推进中 60%"), self.tr("Tasks page: a state (未开始 / 推进中 / 已完成 / 滞后 / 取消) and/or a "
                                          "percentage; 滞后 and 取消 ask for a reason")),
            ("Ctrl+S", self.tr("Report page: saves the section being edited")),
            (self.tr("Enter / double-click"), self.tr("Findings page: opens the finding's cell in the entry grid")),
            ("Ctrl+M", self.tr("Note and source of the value")),
            ("Ctrl+H", self.tr("History of the value: who changed it, when and why")),
            ("Ctrl+F", self.tr("Finds a region by name or code")),
            ("Ctrl+I", self.tr("Imports a spreadsheet")),
            ("Ctrl+E", self.tr("Exports the submission documents (PDF, XLSX)")),
            ("Ctrl+O", self.tr("Opens another store")),
            ("Ctrl+Q", self.tr("Quits")),
        ]
        table = QTableWidget(len(keys), 2, self)
        table.setHorizontalHeaderLabels([self.tr("Key"), self.tr("What it does")])
        for row, (key, what) in enumerate(keys):
            table.setItem(row, 0, QTableWidgetItem(key))
            table.setItem(row, 1, QTableWidgetItem(what))
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        table.setWordWrap(True)
        self.keys = table
        flow = QLabel(self.tr(
            "<b>How a year's figures go up</b><ol>"
            "<li><b>Draft</b>: the clerk types or imports the figures. Cells in red must be fixed; cells in "
            "yellow need a written explanation (one explanation per cell, in the panel on the right).</li>"
            "<li><b>Complete</b>: when nothing blocks, the clerk presses “Mark as complete”.</li>"
            "<li><b>Submitted</b>: the package is sent to the office above (Packages tab).</li>"
            "<li><b>Approved</b>: an office head approves with a password; the year is locked. Only an office "
            "head can unlock it, with a reason kept in the audit trail.</li></ol>"
            "Cells with a small red triangle carry a note; a padlock on a year means it is locked; "
            "grey italic figures are computed from other indicators."), self)
        flow.setWordWrap(True)
        flow.setTextFormat(Qt.RichText)
        self.flow = flow
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(table, 1)
        lay.addWidget(flow)
        lay.addWidget(buttons)
        self.resize(720, 620)
