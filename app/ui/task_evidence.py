"""The evidence files of the selected task × region on the 任务 page: period, name, size and the start of the
SHA-256, each file opened with the system's viewer or saved elsewhere byte for byte. Adding a file is the
page's (it writes through the progress write path, which checks the file by its content)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QHeaderView, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout

from app.ui.i18n import Retranslating, current


class EvidenceBox(Retranslating, QGroupBox):
    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("evidenceList")
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.cellDoubleClicked.connect(lambda r, c: self.open())
        self.add_button, self.open_button, self.save_as_button = (QPushButton(self) for _ in range(3))
        self.add_button.clicked.connect(lambda: page.add_evidence())
        self.open_button.clicked.connect(lambda: self.open())
        self.save_as_button.clicked.connect(lambda: self.save_as())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        for b in (self.add_button, self.open_button, self.save_as_button):
            row.addWidget(b)
        lay.addLayout(row)
        self.retranslate()

    def retranslate(self):
        self.setTitle(self.tr("Evidence files"))
        self.table.setHorizontalHeaderLabels([self.tr("Period"), self.tr("File"), self.tr("Size"), "SHA-256"])
        self.add_button.setText(self.tr("Add file…"))
        self.open_button.setText(self.tr("Open"))
        self.save_as_button.setText(self.tr("Save as…"))

    def show_files(self, files: list[dict]) -> None:
        """``files``: :func:`app.services.task_views.evidence_list` rows."""
        from app.services.task_views import size_text

        self.table.setRowCount(len(files))
        for i, e in enumerate(files):
            for j, text in enumerate((e["period"], e["name"], size_text(e["bytes"], current()), e["sha256"][:12])):
                item = QTableWidgetItem(text)
                item.setData(Qt.UserRole, e)
                item.setToolTip(e["sha256"] if j == 3 else e["name"])
                self.table.setItem(i, j, item)
        self.open_button.setEnabled(bool(files))
        self.save_as_button.setEnabled(bool(files))

    def chosen(self) -> dict | None:
        items = self.table.selectedItems()
        item = items[0] if items else self.table.item(0, 0)
        return item.data(Qt.UserRole) if item else None

    def save_as(self, path: str | None = None) -> str | None:
        """Write the chosen file's stored bytes to ``path`` (asked for when None)."""
        from pathlib import Path

        from app.models.progress import evidence_content

        e = self.chosen()
        if e is None:
            return None
        if path is None:
            from app.ui import file_dialogs

            path = file_dialogs.save_file(self, self.tr("Save evidence file as…"), e["name"], "*")
            if not path:
                return None
        Path(path).write_bytes(evidence_content(self.page.db, e["sha256"]))
        self.page.message.emit(self.tr("Saved: {path}").format(path=path))
        return path

    def open(self) -> str | None:
        """Open the chosen file with the system's viewer (a copy in a temporary folder)."""
        import tempfile
        from pathlib import Path

        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        e = self.chosen()
        if e is None:
            return None
        path = self.save_as(str(Path(tempfile.mkdtemp(prefix="ipdesk-evidence-")) / e["name"]))
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))
        return path
