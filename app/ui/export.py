"""The Export dialog: the submission documents (PDF for paper, XLSX electronic) in a worker,
then Open, Print (preview inside the app) and Show in folder."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout)

from app.models.errors import IpdeskError
from app.ui import i18n


class _Written:
    """A package export seen as the documents it wrote (for the Open/Print/Show buttons)."""

    def __init__(self, pkg):
        from app.ui.preview import page_count

        self.pdf, self.xlsx = pkg.pdf, pkg.xlsx
        self.pdf_pages, self.pdf_bytes = page_count(pkg.pdf), pkg.pdf.stat().st_size
        self.xlsx_bytes = pkg.xlsx.stat().st_size
        from types import SimpleNamespace

        from app.services.fingerprint import short

        self.report = SimpleNamespace(fingerprint_short=short(pkg.data_fingerprint))


class ExportDialog(QDialog):
    def __init__(self, window, region: str, year: int):
        super().__init__(window)
        from app.models.catalogue import region as get_region
        from app.services.report.data import office_of

        self.setObjectName("exportDialog")
        self.window_ = window
        self.region, self.year = region, year
        reg = get_region(window.db, region)
        office, contact = office_of(window.db, reg)
        self.setWindowTitle(self.tr("Export the submission documents"))
        self.office = QLineEdit(office, self)
        self.contact = QLineEdit(contact, self)
        self.folder = QLineEdit(str(Path.home() / "ipdesk"), self)
        browse = QPushButton(self.tr("Choose…"), self)
        browse.clicked.connect(self._browse)
        self.pdf = QCheckBox(self.tr("PDF for the paper copy (printed, signed and sealed)"), self)
        self.xlsx = QCheckBox(self.tr("XLSX for the electronic copy"), self)
        self.children = QCheckBox(self.tr("Include the subordinate regions"), self)
        for box in (self.pdf, self.xlsx, self.children):
            box.setChecked(True)
        self.package = QCheckBox(self.tr("Signed package (.ipdx) for the next office up — marks the year submitted"), self)
        from app.services.package.keys import existing_key

        key = existing_key()
        self.key_label = QLabel(self.tr("Office key: {fp}").format(fp=key.text) if key else
                                self.tr("Office key: made at the first package export"), self)
        self.key_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Region and year"), QLabel(f"{reg.name(i18n.current())} · {year}", self))
        form.addRow(self.tr("Reporting office"), self.office)
        form.addRow(self.tr("Contact"), self.contact)
        form.addRow(self.tr("Folder"), folder_row)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.export_button = QPushButton(self.tr("Export"), self)
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.open_button = QPushButton(self.tr("Open"), self)
        self.print_button = QPushButton(self.tr("Print…"), self)
        self.folder_button = QPushButton(self.tr("Show in folder"), self)
        self.open_button.clicked.connect(lambda: self._open(self.result.pdf or self.result.xlsx))
        self.print_button.clicked.connect(self.preview)
        self.folder_button.clicked.connect(lambda: self._open((self.result.pdf or self.result.xlsx).parent))
        for b in (self.open_button, self.print_button, self.folder_button):
            b.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.export_button)
        actions.addStretch(1)
        actions.addWidget(self.open_button)
        actions.addWidget(self.print_button)
        actions.addWidget(self.folder_button)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        for box in (self.pdf, self.xlsx, self.children, self.package):
            lay.addWidget(box)
        lay.addWidget(self.key_label)
        lay.addWidget(self.result_label)
        lay.addLayout(actions)
        lay.addWidget(buttons)
        self.result = None
        self.resize(620, 360)

    def _browse(self):
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose…"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def targets(self) -> tuple[Path | None, Path | None]:
        from app.models.catalogue import region as get_region

        reg = get_region(self.window_.db, self.region)
        stem = f"{self.region}_{self.year}_{reg.name_zh}"
        folder = Path(self.folder.text()).expanduser()
        return (folder / f"{stem}.pdf" if self.pdf.isChecked() else None,
                folder / f"{stem}.xlsx" if self.xlsx.isChecked() else None)

    def start(self):
        from app.services.report.data import save_office
        from app.services.report.export import export_report
        from app.ui.tasks import run_task

        pdf, xlsx = self.targets()
        try:
            save_office(self.window_.db, self.office.text().strip() or None, self.contact.text().strip() or None)
            (pdf or xlsx).parent.mkdir(parents=True, exist_ok=True)
        except (OSError, AttributeError, IpdeskError) as exc:
            self.result_label.setText(str(exc) if not isinstance(exc, IpdeskError) else self.window_.error_text(exc))
            return
        path, region, year, children = self.window_.db.path, self.region, self.year, self.children.isChecked()
        package = self.package.isChecked()
        folder = (pdf or xlsx).parent

        def work(progress, cancelled):
            from app.models.db import open_store

            db = open_store(path, readonly=not package)
            try:
                if package:        # the .ipdx with the PDF and XLSX beside it; marks the year submitted
                    from app.services.package.write import export_package

                    return export_package(db, region, year, folder, progress=progress, cancel=cancelled)
                return export_report(db, region, year, pdf=pdf, xlsx=xlsx, include_children=children,
                                     progress=progress, cancel=cancelled)
            finally:
                db.close()

        self.export_button.setEnabled(False)
        self.job = run_task(self, self.tr("Writing the submission documents…"), work, on_done=self.finished,
                            on_error=self.failed, on_cancel=lambda: self.failed(None, ""))

    def finished(self, result):
        from app.services.package.write import PackageResult

        if isinstance(result, PackageResult):
            self.package_result = result
            from app.services.package.keys import fingerprint_text

            self.key_label.setText(self.tr("Office key: {fp}").format(fp=fingerprint_text(result.key_fingerprint)))
            self.result = _Written(result)
            self.window_.reload(statuses_changed=True)
        else:
            self.result = result
        result = self.result
        self.export_button.setEnabled(True)
        lines = []
        if getattr(self, "package_result", None) is not None and result.pdf == self.package_result.pdf:
            lines.append(self.tr("Package: {path} (version {seq}, {kb} KB)").format(
                path=self.package_result.path, seq=self.package_result.seq, kb=round(self.package_result.bytes / 1024)))
        if result.pdf:
            lines.append(self.tr("PDF: {path} ({pages} pages, {kb} KB)").format(
                path=result.pdf, pages=result.pdf_pages, kb=round(result.pdf_bytes / 1024)))
        if result.xlsx:
            lines.append(self.tr("XLSX: {path} ({kb} KB)").format(path=result.xlsx, kb=round(result.xlsx_bytes / 1024)))
        lines.append(self.tr("Data fingerprint: {fp}").format(fp=result.report.fingerprint_short))
        self.result_label.setText("\n".join(lines))
        self.open_button.setEnabled(True)
        self.folder_button.setEnabled(True)
        self.print_button.setEnabled(bool(result.pdf))

    def failed(self, exc, _tb):
        self.export_button.setEnabled(True)
        if exc is None or getattr(exc, "code", "") == "export_cancelled":
            self.result_label.setText(self.tr("Export cancelled; no file was written."))
        elif isinstance(exc, IpdeskError):
            self.result_label.setText(self.window_.error_text(exc))
        else:
            self.result_label.setText(str(exc))

    def preview(self):
        from app.ui.preview import PdfPreviewDialog

        self.preview_dialog = PdfPreviewDialog(self, self.result.pdf)
        self.preview_dialog.open()

    @staticmethod
    def _open(path):
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
