"""The 任务 page's small dialogs: a reason (滞后 / 取消, an overdue task's explanation), an own task
decomposed from a task (一省一策), and an assignment to a division or a region below. They only
collect text: the page calls the task ledger's functions, which decide."""
from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QVBoxLayout)


def _buttons(dlg) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, dlg)
    box.accepted.connect(dlg.accept)
    box.rejected.connect(dlg.reject)
    return box


def _date_edit(parent, iso: str) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate.fromString(iso, "yyyy-MM-dd"))
    return edit


class ReasonDialog(QDialog):
    """One text: why a task is 滞后 or 取消, or why an overdue task is late."""

    def __init__(self, parent, title: str, prompt: str, text: str = ""):
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.edit = QPlainTextEdit(text, self)
        self.edit.setMaximumHeight(110)
        lay = QVBoxLayout(self)
        lay.addWidget(self.prompt)
        lay.addWidget(self.edit)
        lay.addWidget(_buttons(self))

    def text(self) -> str:
        return self.edit.toPlainText()


class AddTaskDialog(QDialog):
    """An own task: the task it is decomposed from, its text, responsible party and due date."""

    def __init__(self, parent, parents: list[tuple[str, str, str]], chosen: str | None, year: int):
        """``parents``: (task id, label, due) of the tasks that apply here."""
        super().__init__(parent)
        self.setObjectName("addTaskDialog")
        self.setWindowTitle(self.tr("Add an own task"))
        self.setMinimumWidth(560)
        self.parent_box = QComboBox(self)
        self.parent_box.addItem(self.tr("(none: a task of this office's own)"), None)
        for tid, label, due in parents:
            self.parent_box.addItem(f"{label} — {tid}", (tid, due))
            if tid == chosen:
                self.parent_box.setCurrentIndex(self.parent_box.count() - 1)
        self.text = QPlainTextEdit(self)
        self.text.setMaximumHeight(90)
        self.text.setPlaceholderText(self.tr("What is to be done, e.g. 组织开展全省专利申请质量分析"))
        self.responsible = QLineEdit(self)
        self.responsible.setPlaceholderText(self.tr("Default: this region's IP office"))
        data = self.parent_box.currentData()
        self.due = _date_edit(self, data[1] if data else f"{year}-12-15")
        self.parent_box.currentIndexChanged.connect(self._parent_changed)
        form = QFormLayout(self)
        form.addRow(self.tr("Decomposed from"), self.parent_box)
        form.addRow(self.tr("Task"), self.text)
        form.addRow(self.tr("Responsible"), self.responsible)
        form.addRow(self.tr("Due"), self.due)
        form.addRow(_buttons(self))

    def _parent_changed(self, _i):
        data = self.parent_box.currentData()
        if data:
            self.due.setDate(QDate.fromString(data[1], "yyyy-MM-dd"))

    def values(self) -> dict:
        data = self.parent_box.currentData()
        return {"parent": data[0] if data else None, "text": self.text.toPlainText(),
                "responsible": self.responsible.text(), "due": self.due.date().toString("yyyy-MM-dd")}


class AssignDialog(QDialog):
    """Whom a task goes to (a region below, or a division typed by name) and by when."""

    def __init__(self, parent, task_label: str, regions: list[tuple[str, str]], due: str):
        super().__init__(parent)
        self.setObjectName("assignDialog")
        self.setWindowTitle(self.tr("Assign a task"))
        self.setMinimumWidth(520)
        label = QLabel(task_label, self)
        label.setWordWrap(True)
        self.to = QComboBox(self)
        self.to.setEditable(True)            # a division's name is typed (战略规划处)
        for code, name in regions:
            self.to.addItem(name, code)
        self.to.setCurrentIndex(-1)
        self.to.lineEdit().setPlaceholderText(self.tr("A region below, or a division such as 战略规划处"))
        self.due = _date_edit(self, due)
        form = QFormLayout(self)
        form.addRow(label)
        form.addRow(self.tr("Assign to"), self.to)
        form.addRow(self.tr("Due"), self.due)
        form.addRow(_buttons(self))

    def values(self) -> dict:
        text = self.to.currentText().strip()
        i = self.to.findText(text)
        return {"to": self.to.itemData(i) if i >= 0 else text, "due": self.due.date().toString("yyyy-MM-dd")}
