"""File ▸ Check documents…: the window's ``ipdesk verify-docs``. Choose (or drop onto the dialog)
a PDF and an XLSX written together; the dialog says whether they agree and names every
difference — an edited cell as ``指标数据!F3：336,048 → 346,048`` — in the window's language.
The check itself is :func:`app.services.report.verify.verify_docs` (no store needed)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QGridLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton)

from app.models.errors import IpdeskError
from app.ui.i18n import Retranslating, current


class VerifyDialog(Retranslating, QDialog):
    def __init__(self, parent=None, pdf: str | None = None, xlsx: str | None = None):
        super().__init__(parent)
        self.setObjectName("verifyDialog")
        self.setAcceptDrops(True)
        self.result = None                       # the last DocsCheck
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.pdf_label, self.xlsx_label = QLabel(self), QLabel(self)
        self.pdf_edit, self.xlsx_edit = QLineEdit(pdf or "", self), QLineEdit(xlsx or "", self)
        self.pdf_button, self.xlsx_button = QPushButton(self), QPushButton(self)
        self.pdf_button.clicked.connect(lambda: self._choose(self.pdf_edit, "PDF (*.pdf)"))
        self.xlsx_button.clicked.connect(lambda: self._choose(self.xlsx_edit, "Excel (*.xlsx)"))
        self.check_button = QPushButton(self)
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        self.result_view = QPlainTextEdit(self)
        self.result_view.setReadOnly(True)
        self.result_view.setFont(QFont(self.result_view.font().family(), 11))
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        grid = QGridLayout(self)
        grid.addWidget(self.hint, 0, 0, 1, 3)
        grid.addWidget(self.pdf_label, 1, 0)
        grid.addWidget(self.pdf_edit, 1, 1)
        grid.addWidget(self.pdf_button, 1, 2)
        grid.addWidget(self.xlsx_label, 2, 0)
        grid.addWidget(self.xlsx_edit, 2, 1)
        grid.addWidget(self.xlsx_button, 2, 2)
        grid.addWidget(self.check_button, 3, 2)
        grid.addWidget(self.result_view, 4, 0, 1, 3)
        grid.addWidget(buttons, 5, 0, 1, 3)
        self.retranslate()
        self.resize(720, 420)

    def retranslate(self):
        self.setWindowTitle(self.tr("Check documents"))
        self.hint.setText(self.tr("Choose or drop the PDF and the XLSX of one report: their data fingerprints are "
                                  "compared, and every cell changed since the export is named."))
        self.pdf_label.setText(self.tr("Paper copy (PDF)"))
        self.xlsx_label.setText(self.tr("Electronic copy (XLSX)"))
        self.pdf_button.setText(self.tr("Choose…"))
        self.xlsx_button.setText(self.tr("Choose…"))
        self.check_button.setText(self.tr("Check"))
        if self.result is not None:
            self._show(self.result.lines(current()))

    def _choose(self, edit: QLineEdit, pattern: str):
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file"), edit.text(), pattern)
        if path:
            edit.setText(path)
            self._maybe_check()

    # ---------------------------------------------------------------- dropping files
    def dragEnterEvent(self, event):
        if any(Path(u.toLocalFile()).suffix.lower() in (".pdf", ".xlsx") for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event):
        for url in event.mimeData().urls():
            path = url.toLocalFile()
            suffix = Path(path).suffix.lower()
            if suffix == ".pdf":
                self.pdf_edit.setText(path)
            elif suffix == ".xlsx":
                self.xlsx_edit.setText(path)
        event.acceptProposedAction()
        self._maybe_check()

    def _maybe_check(self):
        if self.pdf_edit.text().strip() and self.xlsx_edit.text().strip():
            self.check()

    # ---------------------------------------------------------------- the check
    def check(self):
        from PySide6.QtGui import QGuiApplication

        from app.services.report.verify import verify_docs

        pdf, xlsx = self.pdf_edit.text().strip(), self.xlsx_edit.text().strip()
        if not pdf or not xlsx:
            self._show([self.tr("Choose both files first.")])
            return
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            self.result = verify_docs(pdf, xlsx)         # well under a second for a province's pair
        except IpdeskError as exc:
            self.result = None
            self._show([exc.message(current())])
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._show(self.result.lines(current()))

    def _show(self, lines: list[str]):
        self.result_view.setPlainText("\n".join(line.strip() if n < 1 else line for n, line in enumerate(lines)))


class VerifyMenuEntry(QObject):
    """Keeps the menu entry's text in the window's language (the window redoes only its own texts)."""

    def __init__(self, window, action: QAction):
        super().__init__(window)
        self.action = action
        window.installEventFilter(self)
        self.retranslate()

    def retranslate(self):
        self.action.setText(self.tr("Check documents (PDF + XLSX)…"))

    def eventFilter(self, obj, event):
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        return False


def add_to_menu(window, menu) -> QAction:
    """The File menu's 核对文件… entry: opens :class:`VerifyDialog` over ``window``."""
    action = QAction(window)
    action.setObjectName("verifyDocsAction")
    action.triggered.connect(lambda: VerifyDialog(window).exec())
    VerifyMenuEntry(window, action)
    menu.addAction(action)
    return action
