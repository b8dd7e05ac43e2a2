"""Small dialogs: a value's history, the office head's approval and unlock, About."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox,
                               QPlainTextEdit, QTableWidget, QTableWidgetItem, QVBoxLayout)

from app.models import audit
from app.ui.i18n import current
from app.ui.shown import when


class HistoryDialog(QDialog):
    """Every audited change of one value: when, who, what, old → new, why."""

    def __init__(self, parent, db, region: str, indicator, period: str):
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(self.tr("History of {name} {period}").format(name=indicator.name(current()), period=period))
        rows = audit.history(db, region, indicator.code, period)
        table = QTableWidget(len(rows), 6, self)
        table.setHorizontalHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("Action"), self.tr("Old"),
                                         self.tr("New"), self.tr("Why")])
        for i, r in enumerate(rows):
            old, new = audit.decode(r["old"]) or {}, audit.decode(r["new"]) or {}
            for j, text in enumerate((when(r["at"]), r["who"], self.action_word(r["action"]), old.get("v", ""),
                                      new.get("v", ""), r["why"] or "")):
                item = QTableWidgetItem(str(text))
                if j in (3, 4):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                table.setItem(i, j, item)
        table.resizeColumnsToContents()
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("{n} changes, oldest first").format(n=len(rows)), self))
        lay.addWidget(table)
        lay.addWidget(buttons)
        self.resize(760, 320)

    def action_word(self, action: str) -> str:
        """The audit trail's action in words (the code stays in the trail and the CLI's JSON)."""
        words = {"set": self.tr("Entered"), "import": self.tr("Imported"), "receive": self.tr("Received"),
                 "aggregate": self.tr("Summed up"), "delete": self.tr("Cleared"), "explain": self.tr("Explained"),
                 "status": self.tr("Status changed"), "unlock": self.tr("Unlocked"), "override": self.tr("Let go ahead")}
        return words.get(action, action)


class HeadDialog(QDialog):
    """An office head's name and password (approve), plus a reason (unlock)."""

    def __init__(self, parent, heads: list[str], *, title: str, prompt: str, with_reason: bool, attempt=None):
        """``attempt(values)``, if given, runs on OK: a wrong name or password, or a missing reason
        (AuthError, InputError), leaves the dialog open with the message; another refusal closes it
        and is kept in ``failure`` for the window to show."""
        super().__init__(parent)
        self.setObjectName("headDialog")
        self.attempt = attempt
        self.failure = None
        self.error = QLabel(self)
        self.error.setObjectName("headDialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b03a2e;")
        self.error.hide()
        self.setWindowTitle(title)
        self.user = QComboBox(self)
        self.user.addItems(heads)
        self.user.setEditable(True)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.Password)
        self.reason = QPlainTextEdit(self) if with_reason else None
        form = QFormLayout()
        form.addRow(self.tr("Office head"), self.user)
        form.addRow(self.tr("Password"), self.password)
        if self.reason is not None:
            self.reason.setMaximumHeight(70)
            form.addRow(self.tr("Reason"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        lay.addWidget(label)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def accept(self):
        if self.attempt is None:
            return super().accept()
        from app.models.errors import AuthError, InputError, IpdeskError

        try:
            self.attempt(self.values())
        except (AuthError, InputError) as exc:       # asked again: the dialog stays, the password cleared
            self.error.setText(exc.message(current()))
            self.error.show()
            self.password.clear()
            self.password.setFocus()
            return None
        except IpdeskError as exc:
            self.failure = exc
            return super().reject()
        return super().accept()

    def values(self) -> tuple[str, str, str]:
        return (self.user.currentText().strip(), self.password.text(),
                self.reason.toPlainText().strip() if self.reason is not None else "")


class NewHeadDialog(QDialog):
    """No office head exists yet: create the first one (name + password twice)."""

    def __init__(self, parent):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Create the office head's account"))
        self.name = QLineEdit(self)
        self.p1 = QLineEdit(self)
        self.p2 = QLineEdit(self)
        for p in (self.p1, self.p2):
            p.setEchoMode(QLineEdit.Password)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Password"), self.p1)
        form.addRow(self.tr("Repeat password"), self.p2)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        info = QLabel(self.tr("Approving locks a region-year; only an office head can approve or unlock."), self)
        info.setWordWrap(True)
        lay.addWidget(info)
        lay.addLayout(form)
        lay.addWidget(buttons)

    def _check(self):
        if self.p1.text() != self.p2.text():
            QMessageBox.warning(self, self.windowTitle(), self.tr("The two passwords differ."))
            return
        self.accept()


class SweepDialog(QDialog):
    """The regions with findings after a whole-subtree check, each with its findings in words;
    double-click a region to open it."""

    regionChosen = Signal(str)
    SHOWN = 4                      # reasons written in the row; all of them in its tooltip

    def __init__(self, parent, rows: list[dict]):
        super().__init__(parent)
        self.setObjectName("sweepDialog")
        self.setWindowTitle(self.tr("Regions with findings"))
        lang = current()
        table = QTableWidget(len(rows), 5, self)
        table.setHorizontalHeaderLabels([self.tr("Region"), self.tr("Blocking"), self.tr("Unexplained"),
                                         self.tr("Notes"), self.tr("Findings")])
        for i, r in enumerate(rows):
            lines = [self.reason_text(x, lang) for x in r["reasons"]]
            shown = lines[:self.SHOWN] + ([self.tr("… and {n} more").format(n=len(lines) - self.SHOWN)]
                                          if len(lines) > self.SHOWN else [])
            name = r["name"] if lang == "zh" else r.get("name_en") or r["name"]
            for j, text in enumerate((name, r["blocking"], r["explain"], r["info"], "\n".join(shown))):
                item = QTableWidgetItem(str(text))
                if j in (1, 2, 3):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignTop)
                else:
                    item.setTextAlignment(Qt.AlignLeft | Qt.AlignTop)
                if j == 0:
                    item.setData(Qt.UserRole, r["region"])
                    item.setToolTip(r["region"])
                if j == 4:
                    item.setToolTip("\n".join(lines))
                table.setItem(i, j, item)
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        table.setWordWrap(True)
        table.verticalHeader().hide()
        table.resizeColumnsToContents()
        table.setColumnWidth(4, 620)
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeRowsToContents()
        table.cellDoubleClicked.connect(lambda row, _c: self.regionChosen.emit(table.item(row, 0).data(Qt.UserRole)))
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("{n} regions have findings; double-click one to open it.").format(n=len(rows)), self))
        lay.addWidget(table)
        lay.addWidget(buttons)
        self.resize(900, 520)

    def reason_text(self, reason: dict, lang: str) -> str:
        """One finding in words: [需说明] 发明专利申请量 2024：… (explained or not)."""
        k = 0 if lang == "zh" else 1
        mark = {"blocking": self.tr("[Blocking]"), "explain": self.tr("[Explain]"), "info": self.tr("[Note]")}
        text = f"{mark[reason['severity']]} {reason['indicator'][k]} {reason['period']}" \
               f"{'：' if lang == 'zh' else ': '}{reason['message'][k]}"
        if reason["explained"]:
            text += self.tr(" (explained)")
        return text


def about_text(db) -> str:
    import app
    from app.models.db import SCHEMA_VERSION, meta_get

    import os

    from PySide6.QtCore import QCoreApplication

    return (f"<b>ipdesk {app.__version__}</b><br>知识产权指标填报与核查<br><br>"
            + QCoreApplication.translate("About", "Data directory: {dir}").format(dir=os.path.dirname(os.path.abspath(db.path))) + "<br>"
            + QCoreApplication.translate("About", "Store: {path}").format(path=db.path) + "<br>"
            + QCoreApplication.translate("About", "Store schema {found} (this ipdesk: {known}) · catalogue {cat} · regions {reg}").format(
                found=meta_get(db, "schema_version"), known=SCHEMA_VERSION, cat=meta_get(db, "catalogue_version"),
                reg=meta_get(db, "regions_version")) + "<br>"
            + QCoreApplication.translate("About", "Font: WenQuanYi Micro Hei (Apache-2.0)"))
