"""Questions back down (查询与订正): ask about a received package, answer what was asked of us.

The receiver selects a received package, writes questions against values and saves a
signed ``.ipdq`` to send back; the sender opens that file, sees each question beside its
value, answers or corrects the figure (through the one write path, audited) and exports
again — the answers travel up inside the next package.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

from app.models.errors import IpdeskError
from app.ui import file_dialogs
from app.ui.i18n import current


class AskDialog(QDialog):
    """Write questions about a received package and save them as a signed ``.ipdq``."""

    def __init__(self, window, package_hash: str, region: str, year: int):
        super().__init__(window)
        from app.models.catalogue import children, indicators

        self.setObjectName("askDialog")
        self.window_ = window
        self.package_hash, self.year = package_hash, year
        self.items = []
        self.written = None
        self.setWindowTitle(self.tr("Questions about the package of {region} {year}").format(region=region, year=year))
        self.region = QComboBox(self)
        for code in [region] + children(window.db, region, year):
            self.region.addItem(code, code)
        self.indicator = QComboBox(self)
        for ind in indicators(window.db).values():
            if not ind.derived:
                self.indicator.addItem(f"{ind.name(current())} ({ind.code})", ind.code)
        self.period = QLineEdit(str(year), self)
        self.text = QLineEdit(self)
        add = QPushButton(self.tr("Add the question"), self)
        add.clicked.connect(self.add)
        form = QFormLayout()
        form.addRow(self.tr("Region"), self.region)
        form.addRow(self.tr("Indicator"), self.indicator)
        form.addRow(self.tr("Period"), self.period)
        form.addRow(self.tr("Question"), self.text)
        self.list = QTableWidget(0, 4, self)
        self.list.setHorizontalHeaderLabels([self.tr("Region"), self.tr("Indicator"), self.tr("Period"), self.tr("Question")])
        self.list.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        save = QPushButton(self.tr("Save the signed question file…"), self)
        save.clicked.connect(lambda: self.save())
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(add, 0, Qt.AlignRight)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(save)
        lay.addLayout(row)
        lay.addWidget(buttons)
        self.resize(760, 480)

    def add(self):
        from app.services.package.queries import Question

        text = self.text.text().strip()
        if not text:
            self.status.setText(self.tr("Write the question first."))
            return
        q = Question(indicator=self.indicator.currentData(), period=self.period.text().strip(), text=text,
                     region=self.region.currentData())
        self.items.append(q)
        r = self.list.rowCount()
        self.list.insertRow(r)
        for j, t in enumerate((q.region, q.indicator, q.period, q.text)):
            self.list.setItem(r, j, QTableWidgetItem(t))
        self.text.clear()

    def save(self, folder: str | None = None):
        from app.services.package.queries import create_query

        if folder is None:
            folder = file_dialogs.folder(self, self.tr("Save the signed question file…"))
            if not folder:
                return None
        try:
            self.written = create_query(self.window_.db, self.package_hash, self.items, folder)
        except IpdeskError as exc:
            self.status.setText("✕ " + self.window_.error_text(exc))
            return None
        self.status.setText(self.tr("Saved {path}: send it back to the office that sent the package.").format(
            path=self.written.path))
        return self.written


class AnswerDialog(QDialog):
    """Questions asked of this office, each beside its value; answer, or correct the figure."""

    def __init__(self, window, year: int | None = None):
        super().__init__(window)
        self.setObjectName("answerDialog")
        self.window_ = window
        self.setWindowTitle(self.tr("Questions from the office above"))
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels([self.tr("Region"), self.tr("Indicator"), self.tr("Period"),
                                              self.tr("Value"), self.tr("Question"), self.tr("Answer")])
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda r, *_: self._select(r))
        self.answer_text = QLineEdit(self)
        self.corrected = QLineEdit(self)
        self.corrected.setPlaceholderText(self.tr("corrected value, as you would type it (optional)"))
        send = QPushButton(self.tr("Save the answer"), self)
        send.clicked.connect(self.save_answer)
        form = QFormLayout()
        form.addRow(self.tr("Answer"), self.answer_text)
        form.addRow(self.tr("Correct the value"), self.corrected)
        self.status = QLabel(self.tr("Answers go up with the next package you export."), self)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addLayout(form)
        lay.addWidget(send, 0, Qt.AlignRight)
        lay.addWidget(self.status)
        lay.addWidget(buttons)
        self.year = year
        self.resize(860, 480)
        self.load()

    def load(self):
        from app.services.package.queries import questions

        self.rows = questions(self.window_.db, direction="in", year=self.year)
        self.table.setRowCount(len(self.rows))
        for i, q in enumerate(self.rows):
            for j, t in enumerate((q.region, q.indicator, q.period, q.current or "", q.question, q.answer or "")):
                item = QTableWidgetItem(t)
                if j == 3:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(i, j, item)
        if self.rows:
            self.table.setCurrentCell(0, 0)

    def _select(self, row):
        q = self.rows[row] if 0 <= row < len(self.rows) else None
        self.answer_text.setText(q.answer or "" if q else "")
        self.corrected.clear()

    def save_answer(self):
        from app.services.package.queries import answer

        row = self.table.currentRow()
        if not (0 <= row < len(self.rows)):
            return
        try:
            answer(self.window_.db, self.rows[row].id, self.answer_text.text(), value=self.corrected.text().strip() or None)
        except IpdeskError as exc:
            self.status.setText("✕ " + self.window_.error_text(exc))
            return
        self.status.setText(self.tr("Answer saved; it goes up with the next package you export."))
        self.load()
        self.table.setCurrentCell(row, 0)
        self.window_.reload(statuses_changed=True)
