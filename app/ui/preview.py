"""Print preview and printing of a PDF inside the app.

Pages are rendered with pypdfium2 (PDFium; a 4 MB wheel). QtPdf would need PySide6-Pdf,
which exists only for Qt 6.12 — excluded by our pin (6.12 + pyqtgraph crashes) — or the
175 MB PySide6-Addons. Printing paints each page of the chosen range at the printer's
resolution, so the paper copy is the PDF itself, not a re-layout.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QPainter, QPixmap
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
    """Every page, zoomed in and out or fitted to the width, then Print (with a page range) or Open with
    the system viewer."""

    def __init__(self, parent, path: str | Path):
        super().__init__(parent)
        import pypdfium2 as pdfium

        self.setObjectName("pdfPreview")
        self.path = Path(path)
        self.setWindowTitle(self.tr("Print preview — {name}").format(name=self.path.name))
        self.pages = QListWidget(self)
        self.pages.setViewMode(QListWidget.IconMode)
        self.pages.setResizeMode(QListWidget.Adjust)
        self.pages.setMovement(QListWidget.Static)
        self.pages.setSpacing(12)
        pdf = pdfium.PdfDocument(str(self.path))
        try:
            self.page_total = len(pdf)
            self.page_width_pt = pdf[0].get_width() if self.page_total else 595.0
        finally:
            pdf.close()
        self.page_width = 300               # pixels a page is shown wide; zoomed by the buttons
        self.render_pages()
        self.info = QLabel(self.tr("{n} pages, A4").format(n=self.page_total), self)
        self.zoom_out_button = QPushButton(self.tr("Zoom out"), self)
        self.zoom_out_button.setShortcut(QKeySequence.ZoomOut)
        self.zoom_out_button.clicked.connect(lambda: self.zoom(1 / 1.25))
        self.zoom_in_button = QPushButton(self.tr("Zoom in"), self)
        self.zoom_in_button.setShortcut(QKeySequence.ZoomIn)
        self.zoom_in_button.clicked.connect(lambda: self.zoom(1.25))
        self.fit_button = QPushButton(self.tr("Fit width"), self)
        self.fit_button.clicked.connect(self.fit_width)
        self.print_button = QPushButton(self.tr("Print…"), self)
        self.print_button.clicked.connect(self.print_dialog)
        self.open_button = QPushButton(self.tr("Open with system viewer"), self)
        self.open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path))))
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.info, 1)
        row.addWidget(self.zoom_out_button)
        row.addWidget(self.zoom_in_button)
        row.addWidget(self.fit_button)
        row.addWidget(self.open_button)
        row.addWidget(self.print_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.pages, 1)
        lay.addLayout(row)
        lay.addWidget(buttons)
        self.resize(1000, 720)

    MIN_WIDTH, MAX_WIDTH = 150, 2400

    def render_pages(self) -> None:
        """Every page drawn ``page_width`` pixels wide (sharp at that size: rendered, not scaled)."""
        import pypdfium2 as pdfium

        dpi = self.page_width / (self.page_width_pt / 72.0)
        self.pages.clear()
        pdf = pdfium.PdfDocument(str(self.path))
        try:
            images = [render_page(pdf, i, dpi) for i in range(self.page_total)]
        finally:
            pdf.close()
        if images:
            self.pages.setIconSize(images[0].size())
        for i, image in enumerate(images):
            self.pages.addItem(QListWidgetItem(QPixmap.fromImage(image), f"— {i + 1} —"))

    def zoom(self, factor: float) -> None:
        width = int(min(self.MAX_WIDTH, max(self.MIN_WIDTH, self.page_width * factor)))
        if width != self.page_width:
            self.page_width = width
            self.render_pages()

    def fit_width(self) -> None:
        """One page as wide as the view (less the margins and the scroll bar)."""
        available = self.pages.viewport().width() - 2 * self.pages.spacing() - 24
        self.page_width = int(min(self.MAX_WIDTH, max(self.MIN_WIDTH, available)))
        self.render_pages()

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
