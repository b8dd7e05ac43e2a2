"""Print preview and printing of a PDF inside the app.

Pages are rendered with pypdfium2 (PDFium; a 4 MB wheel). QtPdf would need PySide6-Pdf,
which exists only for Qt 6.12 — excluded by our pin (6.12 + pyqtgraph crashes) — or the
175 MB PySide6-Addons. Printing paints each page of the chosen range at the printer's
resolution, so the paper copy is the PDF itself, not a re-layout.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout)


def render_page(pdf, index: int, dpi: float) -> QImage:
    """One page of an open pypdfium2 document as a QImage at ``dpi``."""
    page = pdf[index]
    bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True)      # RGBA, what QImage wants
    fmt = QImage.Format_RGBA8888 if bitmap.n_channels == 4 else QImage.Format_RGB888
    data = bytes(bitmap.buffer)
    image = QImage(data, bitmap.width, bitmap.height, bitmap.stride, fmt)
    return image.copy()          # own the pixels before the buffer goes away


def page_count(path: str | Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def print_pdf(path: str | Path, printer, first: int = 1, last: int | None = None, dpi: int | None = None) -> int:
    """Paint pages ``first..last`` (1-based) of ``path`` onto ``printer``; returns pages printed."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        n = len(pdf)
        last = min(last or n, n)
        dpi = dpi or printer.resolution()
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError("the printer could not be started")
        try:
            for i in range(first - 1, last):
                if i > first - 1:
                    printer.newPage()
                image = render_page(pdf, i, dpi)
                target = painter.viewport()
                size = image.size().scaled(target.size(), Qt.KeepAspectRatio)
                painter.setViewport(target.x(), target.y(), size.width(), size.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(target)
        finally:
            painter.end()
        return last - first + 1
    finally:
        pdf.close()


class PdfPreviewDialog(QDialog):
    """Thumbnails of every page, then Print (with a page range) or Open with the system viewer."""

    def __init__(self, parent, path: str | Path):
        super().__init__(parent)
        import pypdfium2 as pdfium

        self.setObjectName("pdfPreview")
        self.path = Path(path)
        self.setWindowTitle(self.tr("Print preview — {name}").format(name=self.path.name))
        self.pages = QListWidget(self)
        self.pages.setViewMode(QListWidget.IconMode)
        self.pages.setIconSize(QSize(300, 424))
        self.pages.setResizeMode(QListWidget.Adjust)
        self.pages.setMovement(QListWidget.Static)
        self.pages.setSpacing(12)
        pdf = pdfium.PdfDocument(str(self.path))
        try:
            self.page_total = len(pdf)
            for i in range(self.page_total):
                item = QListWidgetItem(QPixmap.fromImage(render_page(pdf, i, 48)), f"— {i + 1} —")
                self.pages.addItem(item)
        finally:
            pdf.close()
        self.info = QLabel(self.tr("{n} pages, A4").format(n=self.page_total), self)
        self.print_button = QPushButton(self.tr("Print…"), self)
        self.print_button.clicked.connect(self.print_dialog)
        self.open_button = QPushButton(self.tr("Open with system viewer"), self)
        self.open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path))))
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.info, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.print_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.pages, 1)
        lay.addLayout(row)
        lay.addWidget(buttons)
        self.resize(1000, 720)

    def print_dialog(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.HighResolution)
        printer.setFullPage(True)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.page_total)
        dialog.setOption(QPrintDialog.PrintPageRange, True)
        if dialog.exec() != QDialog.Accepted:
            return
        first, last = printer.fromPage() or 1, printer.toPage() or self.page_total
        print_pdf(self.path, printer, first, last)
