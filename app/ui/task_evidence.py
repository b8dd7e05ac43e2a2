"""The evidence files of the selected task × region on the 任务 page: period, name, size and the start of the
SHA-256, each file opened with the system's viewer or saved elsewhere byte for byte. A file a package listed
without carrying its bytes (only its name, size and SHA-256 travelled) shows as 未随包传送 and Open / Save as
say so instead of writing anything. Adding a file is the page's (it writes through the progress write path,
which checks the file by its content)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGroupBox, QMessageBox, QHBoxLayout, QHeaderView, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout

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
            carried = e.get("carried", True)
            size = size_text(e["bytes"], current())
            for j, text in enumerate((e["period"], e["name"], size if carried else self.tr("Not carried"),
                                      e["sha256"][:12])):
                item = QTableWidgetItem(text)
                item.setData(Qt.UserRole, e)
                item.setToolTip(e["sha256"] if j == 3 else e["name"] if carried else self.not_carried_text(e))
                if not carried:
                    item.setForeground(QBrush(QColor("#777777")))
                self.table.setItem(i, j, item)
        self.open_button.setEnabled(bool(files))
        self.save_as_button.setEnabled(bool(files))

    def chosen(self) -> dict | None:
        items = self.table.selectedItems()
        item = items[0] if items else self.table.item(0, 0)
        return item.data(Qt.UserRole) if item else None

    def not_carried_text(self, e: dict) -> str:
        from app.services.task_views import size_text

        return self.tr("This file did not travel with the package (only its SHA-256 {sha} and size {size} did): "
                       "ask the sender for “{name}”.").format(sha=e["sha256"], size=size_text(e["bytes"], current()),
                                                             name=e["name"])

    def _not_carried(self, e: dict) -> None:
        """Say, in a box the user closes, that the file's bytes are not here (nothing written)."""
        text = self.not_carried_text(e)
        self.page.message.emit(text)
        box = QMessageBox(QMessageBox.Information, self.tr("File not in this store"), text, QMessageBox.Ok, self)
        box.setObjectName("notCarried")
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.page.refusal = box

    def save_as(self, path: str | None = None) -> str | None:
        """Write the chosen file's stored bytes to ``path`` (asked for when None); a file a package did
        not carry: said so, nothing written, None."""
        from pathlib import Path

        from app.models.progress import evidence_content

        e = self.chosen()
        if e is None:
            return None
        content = evidence_content(self.page.db, e["sha256"])
        if content is None:
            self._not_carried(e)
            return None
        if path is None:
            from app.ui import file_dialogs

            path = file_dialogs.save_file(self, self.tr("Save evidence file as…"), e["name"], "*")
            if not path:
                return None
        Path(path).write_bytes(content)
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
        from app.models.progress import evidence_content

        if evidence_content(self.page.db, e["sha256"]) is None:
            self._not_carried(e)
            return None
        path = self.save_as(str(Path(tempfile.mkdtemp(prefix="ipdesk-evidence-")) / e["name"]))
        if path is None:
            return None
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))
        return path
