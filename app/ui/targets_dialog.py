"""Targets in the window: every target stays editable, a province adds its own ("一省一策"),
and a new year's pack is imported from a data file — no code change."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

from app.models.errors import IpdeskError
from app.ui import file_dialogs
from app.ui.i18n import current

COMPARATORS = ("<=", ">=", "growth>=", "increase", "reported")
# the packs' "verified" column, in Chinese for the window (the data keeps its English wording)
VERIFIED_ZH = {"yes": "已核实", "no": "未核实", "interpretation": "解读", "partly": "部分核实", "user": "自定",
               "secondary source": "二手来源", "table cell not seen": "未见原表", "test": "测试"}


def verified_text(text: str | None, lang: str) -> str:
    """``yes (secondary source)`` → ``已核实（二手来源）`` in Chinese; unchanged in English."""
    import re

    if not text or lang != "zh":
        return text or ""
    m = re.fullmatch(r"\s*([^(]*?)\s*(?:\((.*)\))?\s*", text)
    head, note = (m.group(1), m.group(2)) if m else (text, None)
    out = VERIFIED_ZH.get(head, head)
    return out + (f"（{VERIFIED_ZH.get(note, note)}）" if note else "")
VALUE_COLUMN = 5


class TargetsDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("targetsDialog")
        self.window_ = window
        self.setWindowTitle(self.tr("Targets"))
        self.table = QTableWidget(0, 8, self)
        self.table.setHorizontalHeaderLabels([self.tr("Document"), self.tr("Clause"), self.tr("Indicator"),
                                              self.tr("Applies to"), self.tr("Comparator"), self.tr("Target"),
                                              self.tr("Target year"), self.tr("Certainty")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemChanged.connect(self._edited)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        add = QPushButton(self.tr("Add an own target for the selected region…"), self)
        add.clicked.connect(lambda: self.add_own())
        imp = QPushButton(self.tr("Import a target pack (CSV)…"), self)
        imp.clicked.connect(lambda: self.import_pack())
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(imp)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("Double-click a target figure to change it; every change is audited."), self))
        lay.addWidget(self.table, 1)
        lay.addWidget(self.status)
        lay.addLayout(row)
        lay.addWidget(buttons)
        self.resize(1100, 560)
        self.load()

    def load(self):
        from app.models.catalogue import indicators
        from app.models.targets import list_targets

        inds = indicators(self.window_.db)
        self.targets = list_targets(self.window_.db)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.targets))
        lang = current()
        for i, t in enumerate(self.targets):
            scope = {"national": self.tr("the nation"), "each_region": self.tr("every region")}.get(
                t.scope, self.window_.region_name(t.region or "") + (self.tr(" and below") if t.include_children else ""))
            name = inds[t.indicator].name(lang) if t.indicator in inds else t.indicator
            cells = [t.document(lang), t.clause or "", name, scope, t.comparator,
                     "" if t.value is None else f"{t.value:g}", str(t.year), verified_text(t.verified, lang)]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.UserRole, t.id)
                if j != VALUE_COLUMN:
                    item.setFlags(item.flags() & ~Qt.ItemIsEditable)
                else:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if j == 1:
                    item.setToolTip(t.clause_text or "")
                self.table.setItem(i, j, item)
        self.table.blockSignals(False)

    def _edited(self, item):
        if item.column() != VALUE_COLUMN:
            return
        self.edit(item.data(Qt.UserRole), item.text())

    def edit(self, target_id: int, value: str) -> bool:
        from app.models.targets import edit_target

        try:
            edit_target(self.window_.db, target_id, value=value.strip(), why="edited in the window")
        except IpdeskError as exc:
            self.status.setText("✕ " + self.window_.error_text(exc))
            self.load()
            return False
        self.status.setText(self.tr("Target changed; the change is in the audit trail."))
        self.load()
        self.window_.reload()
        return True

    def add_own(self, indicator: str | None = None, comparator: str | None = None, value: str | None = None,
                year: int | None = None) -> bool:
        """A region's own target (一省一策): takes precedence over the national packs for its indicator."""
        from app.models.targets import add_own_target

        region = self.window_.region
        if indicator is None:
            dlg = _OwnTargetDialog(self, self.window_)
            if not dlg.exec():
                return False
            indicator, comparator, value, year = dlg.values()
        try:
            add_own_target(self.window_.db, region, indicator, comparator, value or None, int(year),
                           from_year=self.window_.year.value())
        except (IpdeskError, ValueError) as exc:
            self.status.setText("✕ " + (self.window_.error_text(exc) if isinstance(exc, IpdeskError) else str(exc)))
            return False
        self.status.setText(self.tr("Own target added for {region}.").format(region=self.window_.region_name(region)))
        self.load()
        self.window_.reload()
        return True

    def import_pack(self, path: str | None = None) -> int:
        from app.models.reference import import_pack

        if path is None:
            path = file_dialogs.open_file(self, self.tr("Import a target pack (CSV)…"), "CSV (*.csv)")
            if not path:
                return 0
        try:
            n = import_pack(self.window_.db, path)
        except IpdeskError as exc:
            self.status.setText("✕ " + self.window_.error_text(exc))
            return 0
        self.status.setText(self.tr("{n} targets imported from {name}.").format(n=n, name=Path(path).name))
        self.load()
        self.window_.reload()
        return n


class _OwnTargetDialog(QDialog):
    def __init__(self, parent, window):
        super().__init__(parent)
        from app.models.catalogue import indicators

        self.setWindowTitle(self.tr("Own target for {region}").format(region=window.region_name(window.region)))
        self.indicator = QComboBox(self)
        for ind in indicators(window.db).values():
            self.indicator.addItem(f"{ind.name(current())}（{ind.unit(current())}）", ind.code)
        self.comparator = QComboBox(self)
        self.comparator.addItems(COMPARATORS)
        self.comparator.setCurrentIndex(1)
        self.value = QLineEdit(self)
        self.year = QSpinBox(self)
        self.year.setRange(1990, 2100)
        self.year.setValue(window.year.value() + 1)
        form = QFormLayout(self)
        form.addRow(self.tr("Indicator"), self.indicator)
        form.addRow(self.tr("Comparator"), self.comparator)
        form.addRow(self.tr("Target"), self.value)
        form.addRow(self.tr("Target year"), self.year)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self):
        return (self.indicator.currentData(), self.comparator.currentText(), self.value.text().strip(),
                self.year.value())
