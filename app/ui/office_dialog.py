"""This office: its own region (the window opens on it, packages are signed for it), its name
and contact for the documents, the submission deadline, and its key fingerprint."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from app.models.errors import IpdeskError
from app.ui.i18n import current


class OfficeDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        from app.models.catalogue import regions
        from app.models.db import meta_get
        from app.services.package.keys import existing_key
        from app.services.views import DEFAULT_DEADLINE

        self.setObjectName("officeDialog")
        self.window_ = window
        db = window.db
        self.setWindowTitle(self.tr("This office"))
        self.region = QComboBox(self)
        self.region.setEditable(True)
        for code, r in regions(db).items():
            if r.level in ("nation", "province", "prefecture", "unit") or code == meta_get(db, "home_region"):
                self.region.addItem(f"{code} {r.name(current())}", code)
        home = meta_get(db, "home_region") or window.region or "100000"
        self.region.setCurrentIndex(max(self.region.findData(home), 0))
        self.name = QLineEdit(meta_get(db, "office_name") or "", self)
        self.name.setPlaceholderText(self.tr("e.g. 江苏省知识产权局"))
        self.contact = QLineEdit(meta_get(db, "office_contact") or "", self)
        self.deadline = QLineEdit(meta_get(db, "deadline", DEFAULT_DEADLINE) or DEFAULT_DEADLINE, self)
        self.deadline.setPlaceholderText("MM-DD")
        key = existing_key()
        self.key = QLabel(key.text if key else self.tr("made at the first package export"), self)
        self.key.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Our region"), self.region)
        form.addRow(self.tr("Office name"), self.name)
        form.addRow(self.tr("Contact"), self.contact)
        form.addRow(self.tr("Submission deadline (MM-DD)"), self.deadline)
        form.addRow(self.tr("Key fingerprint"), self.key)
        form.addRow(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, 260)

    def save(self) -> bool:
        import re

        from app.models.catalogue import region as get_region
        from app.models.db import meta_set, transaction
        from app.services.report.data import save_office

        db = self.window_.db
        code = self.region.currentData() or self.region.currentText().split()[0]
        deadline = self.deadline.text().strip()
        try:
            get_region(db, code)
            if not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", deadline):
                from app.models.errors import InputError
                raise InputError("csv_bad_field", text=deadline, params={"column": "deadline", "why": "MM-DD",
                                                                         "why_zh": "应为“月-日”，如 12-15"})
            with transaction(db):
                meta_set(db, "home_region", code)
                meta_set(db, "deadline", deadline)
            save_office(db, self.name.text().strip() or None, self.contact.text().strip() or None)
        except IpdeskError as exc:
            self.status.setText("✕ " + self.window_.error_text(exc))
            return False
        self.accept()
        self.window_.select_region(code)
        return True
