"""The receiving office's page: who has sent for the year, received packages, and the
receive dialog (verify → trust by fingerprint → dry run → all-or-nothing apply)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from app.models.errors import IpdeskError
from app.models.states import status_label
from app.ui import file_dialogs
from app.ui.i18n import Retranslating, current
from app.ui.look import page_title
from app.ui.shown import Shown, when

STATE_ZH = {"received": "已接收", "accepted": "已采纳", "returned": "已退回"}


def _item(text, *, right=False, data=None):
    item = QTableWidgetItem("" if text is None else str(text))
    if right:
        item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
    if data is not None:
        item.setData(Qt.UserRole, data)
    return item


class InboxPage(Retranslating, QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        page_title(self.title)
        self.days = QLabel(self)
        self.key_label = QLabel(self)
        self.key_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(lambda: self.open_package())
        self.scan_button = QPushButton(self)
        self.scan_button.clicked.connect(lambda: self.scan())
        self.ask_button = QPushButton(self)
        self.ask_button.clicked.connect(lambda: self.ask())
        self.answers_button = QPushButton(self)
        self.answers_button.clicked.connect(lambda: self.answer_questions())
        self.aggregate_button = QPushButton(self)
        self.aggregate_button.clicked.connect(lambda: self.aggregate())
        self.board = QTableWidget(0, 5, self)
        self.board.setEditTriggers(QTableWidget.NoEditTriggers)
        self.board.verticalHeader().hide()
        self.board.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.board.cellDoubleClicked.connect(lambda r, _c: self.window.select_region(self.board.item(r, 0).data(Qt.UserRole)))
        self.received = QTableWidget(0, 6, self)
        self.received.setEditTriggers(QTableWidget.NoEditTriggers)
        self.received.verticalHeader().hide()
        self.received.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.received.horizontalHeader().setStretchLastSection(True)
        self.board_box = QGroupBox(self)
        QVBoxLayout(self.board_box).addWidget(self.board)
        self.received_box = QGroupBox(self)
        QVBoxLayout(self.received_box).addWidget(self.received)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.aggregate_button)
        top.addWidget(self.answers_button)
        top.addWidget(self.ask_button)
        top.addWidget(self.scan_button)
        top.addWidget(self.open_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.days)
        lay.addWidget(self.key_label)
        lay.addWidget(self.board_box, 3)
        lay.addWidget(self.received_box, 2)
        self.region = self.year = None
        self.retranslate()

    def retranslate(self):
        self.open_button.setText(self.tr("Open a package…"))
        self.scan_button.setText(self.tr("Scan a USB stick or folder…"))
        self.ask_button.setText(self.tr("Ask about the selected package…"))
        self.answers_button.setText(self.tr("Questions to answer…"))
        self.aggregate_button.setText(self.tr("Sum up from subordinate regions"))
        self.aggregate_button.setToolTip(self.tr("Show what summing the subordinate regions would write into this region "
                                                 "(ratios are recomputed, not averaged), then write it; the region's "
                                                 "own figures are kept unless you choose the sums; audited"))
        self.board_box.setTitle(self.tr("Who has sent for the year"))
        self.received_box.setTitle(self.tr("Received packages"))
        self.board.setHorizontalHeaderLabels([self.tr("Region"), self.tr("Sent"), self.tr("Package"),
                                              self.tr("Status here"), self.tr("Questions")])
        self.received.setHorizontalHeaderLabels([self.tr("Region"), self.tr("Version"), self.tr("State"),
                                                 self.tr("Received"), self.tr("Sender"), self.tr("Changes")])
        if self.region and self.isVisible():
            self.load(self.region, self.year)

    def load(self, region: str, year: int) -> None:
        from app.services.package.inbox import board, inbox
        from app.services.package.keys import existing_key

        self.region, self.year = region, year
        lang = current()
        b = board(self.window.db, year, region=region)
        self.title.setText(self.tr("{region} · {year} · packages from subordinate regions").format(
            region=b.region_name, year=year))
        sent = b.sent
        left = (self.tr("{n} days left").format(n=b.days_left) if b.days_left >= 0
                else self.tr("{n} days overdue").format(n=-b.days_left))
        self.days.setText(self.tr("{sent} of {total} have sent · deadline {deadline} · {left}").format(
            sent=sent, total=len(b.rows), deadline=b.deadline.isoformat(), left=left))
        key = existing_key()
        self.key_label.setText(self.tr("This office's key: {fp} (read it out when a receiver asks)").format(fp=key.text)
                               if key else self.tr("This office has no key yet: it is made at the first package export."))
        self.board.setRowCount(len(b.rows))
        for i, r in enumerate(b.rows):
            sent_text = "✔ " + self.tr("sent") if r.sent else "✕ " + self.tr("not sent")
            cells = [_item(r.name, data=r.region), _item(sent_text),
                     _item(f"v{r.seq} · {STATE_ZH.get(r.state, r.state) if lang == 'zh' else r.state}" if r.seq else ""),
                     _item(status_label(r.status, lang)),
                     _item(f"{r.open_questions}/{r.answered_questions}" if r.open_questions or r.answered_questions else "")]
            for j, item in enumerate(cells):
                if j == 1:
                    item.setBackground(QBrush(QColor("#cfeccf" if r.sent else "#f6c6c6")))
                self.board.setItem(i, j, item)
        rows = inbox(self.window.db, year=year, region=None)
        self.received.setRowCount(len(rows))
        for i, p in enumerate(rows):
            c = p.counts or {}
            changes = self.tr("{new} new, {changed} changed, {removed} removed").format(
                new=c.get("new", 0), changed=c.get("changed", 0), removed=c.get("removed", 0))
            first = _item(p.region_name, data=p.hash)
            first.setData(Qt.UserRole + 1, p.region)
            for j, item in enumerate([first, _item(f"v{p.seq}"),
                                      _item(STATE_ZH.get(p.state, p.state) if lang == "zh" else p.state),
                                      _item(when(p.received_at)), _item(f"{p.sender_name} ({p.sender_id})"), _item(changes)]):
                self.received.setItem(i, j, item)

    def aggregate(self):
        """This region's additive indicators = Σ its subordinate regions: the dry run in a dialog
        (new / changed / the region's own figures, kept unless replaced by choice), then apply."""
        from app.ui.aggregate_dialog import AggregateDialog

        self.aggregate_dialog = AggregateDialog(self.window, self.region, self.year)
        self.aggregate_dialog.open()
        return self.aggregate_dialog

    def ask(self, row: int | None = None):
        """Questions about the selected received package (written as a signed .ipdq)."""
        from app.ui.questions import AskDialog

        row = self.received.currentRow() if row is None else row
        if not (0 <= row < self.received.rowCount()):
            self.window.warn(self.tr("Select a received package first."))
            return None
        pkg_hash = self.received.item(row, 0).data(Qt.UserRole)
        region = self.received.item(row, 0).data(Qt.UserRole + 1)
        self.ask_dialog = AskDialog(self.window, pkg_hash, region, self.year)
        self.ask_dialog.open()
        return self.ask_dialog

    def answer_questions(self, path: str | None = None):
        """Open a .ipdq (import its questions) and/or show the questions asked of this office."""
        from app.ui.questions import AnswerDialog

        if path:
            from app.services.package.queries import import_queries

            try:
                import_queries(self.window.db, path)
            except IpdeskError as exc:
                if exc.code == "query_untrusted":       # confirm the asking office's key by phone first
                    self.trust_prompt = TrustPrompt(self.window, path, self.window.error_text(exc),
                                                    then=lambda: self.answer_questions(path))
                    self.trust_prompt.open()
                    return self.trust_prompt
                self.window.warn(self.window.error_text(exc))
                return None
        self.answer_dialog = AnswerDialog(self.window, self.year)
        self.answer_dialog.open()
        return self.answer_dialog

    def open_package(self, path: str | None = None):
        if path is None:
            path = file_dialogs.open_file(self, self.tr("Open a package…"), self.tr("ipdesk packages (*.ipdx)"))
            if not path:
                return None
        self.receive_dialog = ReceiveDialog(self.window, path)
        self.receive_dialog.finished.connect(lambda _r: self.window.reload(statuses_changed=True))
        self.receive_dialog.open()
        return self.receive_dialog

    def scan(self, folder: str | None = None):
        """Verify every package on a stick in a worker; the verified ones are listed to open."""
        from app.services.package.inbox import scan_folder
        from app.ui.tasks import error_text, on_store, run_task

        if folder is None:
            folder = file_dialogs.folder(self, self.tr("Scan a USB stick or folder…"))
            if not folder:
                return
        store = self.window.db.path

        work = on_store(store, lambda db, progress, cancelled: scan_folder(db, folder, progress=progress,
                                                                            cancel=cancelled))
        self.scan_job = run_task(self, self.tr("Checking the packages in {folder}…").format(folder=folder), work,
                                 on_done=self._show_scan, on_error=lambda exc, tb: self.window.warn(error_text(exc)))

    def _show_scan(self, found):
        self.found = found
        dlg = QDialog(self)
        dlg.setObjectName("scanDialog")
        dlg.setWindowTitle(self.tr("Packages found"))
        table = QTableWidget(len(found), 4, dlg)
        table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Region"), self.tr("Check"), self.tr("Here")])
        for i, f in enumerate(found):
            v = f.verification
            check = ("✔ " + self.tr("signature valid") + (" · " + self.tr("trusted") if v.trusted else " · " + self.tr("unknown sender"))
                     if v.ok else "✕ " + v.reason)
            for j, text in enumerate([Path(f.path).name, f"{v.region_name} {v.year} v{v.seq}" if v.ok else "", check,
                                      f.received or ""]):
                table.setItem(i, j, _item(text, data=f.path if j == 0 else None))
        table.resizeColumnsToContents()
        table.cellDoubleClicked.connect(lambda r, _c: (dlg.accept(), self.open_package(table.item(r, 0).data(Qt.UserRole))))
        lay = QVBoxLayout(dlg)
        lay.addWidget(QLabel(self.tr("Double-click a package to receive it."), dlg))
        lay.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, dlg)
        buttons.rejected.connect(dlg.reject)
        lay.addWidget(buttons)
        dlg.resize(820, 360)
        self.scan_dialog = dlg
        dlg.open()


class TrustPrompt(QDialog):
    """A file signed by a key this office does not trust yet: type the fingerprint read out on the phone."""

    def __init__(self, window, path: str, reason: str, then=None):
        super().__init__(window)
        self.setObjectName("trustPrompt")
        self.window_, self.path, self.then = window, path, then
        self.setWindowTitle(self.tr("Trust this sender"))
        label = QLabel(reason, self)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.expect = QLineEdit(self)
        self.expect.setPlaceholderText(self.tr("the fingerprint the sender read out, e.g. ABCD-EF01-…"))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.trust)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(label)
        form = QFormLayout()
        form.addRow(self.tr("Confirmed fingerprint"), self.expect)
        lay.addLayout(form)
        lay.addWidget(self.status)
        lay.addWidget(buttons)

    def trust(self):
        from app.services.package.receive import trust_sender

        try:
            trust_sender(self.window_.db, self.path, expect=self.expect.text().strip() or None)
        except IpdeskError as exc:
            self.status.setText("✕ " + self.window.error_text(exc))
            return
        self.accept()
        if self.then:
            self.result_ = self.then()


class ReceiveDialog(QDialog):
    """One package: who signed it (fingerprint to confirm by phone), what it would change, then apply."""

    def __init__(self, window, path: str):
        super().__init__(window)
        self.setObjectName("receiveDialog")
        self.window_ = window
        self.path = path
        self.plan = None
        self.result = None
        self.setWindowTitle(self.tr("Receive {name}").format(name=Path(path).name))
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.expect = QLineEdit(self)
        self.expect.setPlaceholderText(self.tr("the fingerprint the sender read out, e.g. ABCD-EF01-…"))
        self.trust_button = QPushButton(self.tr("Trust this sender"), self)
        self.trust_button.clicked.connect(self.trust)
        trust_row = QFormLayout()
        trust_row.addRow(self.tr("Confirmed fingerprint"), self.expect)
        self.trust_box = QWidget(self)
        tl = QHBoxLayout(self.trust_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(trust_row, 1)
        tl.addWidget(self.trust_button)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.diffs = QTableWidget(0, 7, self)
        self.diffs.setHorizontalHeaderLabels([self.tr("Region"), self.tr("Indicator"), self.tr("Period"),
                                              self.tr("Change"), self.tr("Old"), self.tr("New"), self.tr("Keep")])
        self.choices: dict[tuple, QComboBox] = {}       # conflict key -> its choice (mine / theirs)
        self.conflict_label = QLabel(self)
        self.conflict_label.setWordWrap(True)
        self.keep_all_button = QPushButton(self.tr("Keep mine for all"), self)
        self.keep_all_button.clicked.connect(lambda: self.choose_all("mine"))
        self.take_all_button = QPushButton(self.tr("Take theirs for all"), self)
        self.take_all_button.clicked.connect(lambda: self.choose_all("theirs"))
        self.conflict_box = QWidget(self)
        cl = QHBoxLayout(self.conflict_box)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.conflict_label, 1)
        cl.addWidget(self.keep_all_button)
        cl.addWidget(self.take_all_button)
        self.diffs.setEditTriggers(QTableWidget.NoEditTriggers)
        self.diffs.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.diffs.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)     # the indicator's name
        self.apply_button = QPushButton(self.tr("Receive: write all of it"), self)
        self.apply_button.clicked.connect(self.apply)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.header)
        lay.addWidget(self.trust_box)
        lay.addWidget(self.summary)
        lay.addWidget(self.conflict_box)
        lay.addWidget(self.diffs, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.apply_button)
        lay.addLayout(row)
        lay.addWidget(buttons)
        self.resize(1100, 640)          # within a 1366 × 768 screen, the choice column in view
        self.refresh()

    def refresh(self):
        from app.services.package.choices import conflict_side, conflict_what
        from app.services.package.receive import plan_receive, verify_file

        db = self.window_.db
        v = verify_file(db, self.path)
        self.verification = v
        if not v.ok:
            self.header.setText("✕ " + v.reason)
            self.trust_box.hide()
            self.apply_button.setEnabled(False)
            return
        trust = {"trusted": self.tr("trusted as {name}").format(name=v.trusted_as),
                 "unknown": self.tr("UNKNOWN sender: confirm the fingerprint by phone before trusting it"),
                 "conflict": self.tr("a DIFFERENT key than the one trusted for this office")}[v.trust]
        self.header.setText(self.tr("Signed by {name} ({office}) · key {fp} · {trust}\n{region} {year}, version {seq}, "
                                    "created {created}").format(name=v.sender_name, office=v.sender_id, fp=v.key_text,
                                                                trust=trust, region=v.region_name, year=v.year,
                                                                seq=v.seq, created=when(v.created_at)))
        self.trust_box.setVisible(not v.trusted)
        self.plan = None
        try:
            self.plan = plan_receive(db, self.path)
        except IpdeskError as exc:
            self.summary.setText("✕ " + self.window_.error_text(exc))
            self.apply_button.setEnabled(False)
            return
        p = self.plan
        c = p.counts()
        text = self.tr("{new} new, {changed} changed, {removed} removed, {unchanged} unchanged; "
                       "{explanations} explanations, {answers} answers").format(**c)
        if p.ledger is not None and not p.ledger.empty:      # the task ledger the package brings
            text += "\n" + self.tr("Task ledger: {ledger_tasks} tasks, {ledger_assignments} assignments, "
                                   "{ledger_progress} progress reports, {ledger_evidence} evidence files "
                                   "({ledger_evidence_not_carried} not carried), {ledger_sections} report "
                                   "sections").format(**c)
            if c["ledger_progress_cleared"]:
                text += self.tr("; {ledger_progress_cleared} progress reports taken back by the sender").format(**c)
            if c["ledger_sections_cleared"]:
                text += self.tr("; {ledger_sections_cleared} report sections the sender returned to the "
                                "draft").format(**c)
        if p.state == "duplicate":
            text = self.tr("This package was received already; receiving it again changes nothing.")
        elif p.refusal is not None:
            text = "✕ " + self.window_.error_text(p.refusal)
        self.summary.setText(text)
        # the conflicts first: values this office changed itself since the sender's last package
        # (and the task ledger's: progress reports and report sections, named and shown as people read them)
        shown = sorted((d for d in p.diffs if d.kind != "unchanged"), key=lambda d: not d.conflict)
        shown = [d for d in shown if d.conflict] + p.ledger_conflicts + [d for d in shown if not d.conflict]
        kind_zh = {"new": "新增", "changed": "修改", "removed": "删除"}
        self.diffs.setRowCount(len(shown))
        self.choices = {}
        cells = Shown(self.window_)        # names and grouped numbers, as the grid shows them
        for i, d in enumerate(shown):
            kind = kind_zh.get(d.kind, d.kind) if current() == "zh" else d.kind
            if d.conflict:
                kind = self.tr("conflict: changed here by {who} {at}").format(who=d.mine_by or "", at=when(d.mine_at))
            if d.kind in ("progress", "section"):          # named in full on hover: a task's words, a section's text
                what = cells.item(conflict_what(self.window_.db, d, current(), cells.catalogue))
                what.setToolTip(what.text())
                sides = (cells.item(conflict_side(d, True, current(), 10)),
                         cells.item(conflict_side(d, False, current(), 10)))
                for side, row in zip(sides, (d.old, d.new)):
                    side.setToolTip(row if isinstance(row, str) else side.text())
            else:
                what, sides = cells.indicator(d.indicator), (cells.number(d.indicator, d.old),
                                                             cells.number(d.indicator, d.new))
            for j, item in enumerate((cells.region(d.region), what, cells.item(d.period), cells.item(kind, d.kind),
                                      *sides)):
                if d.conflict:
                    item.setBackground(QBrush(QColor("#fde2b8")))
                self.diffs.setItem(i, j, item)
            if d.conflict:
                combo = QComboBox(self.diffs)
                combo.addItem(self.tr("— choose —"), None)
                combo.addItem(self.tr("Keep mine"), "mine")
                combo.addItem(self.tr("Take theirs"), "theirs")
                combo.currentIndexChanged.connect(lambda _i: self._enable())
                self.diffs.setCellWidget(i, 6, combo)
                self.choices[d.key] = combo
        n = len(p.conflicts)
        self.conflict_label.setText(self.tr("{n} values, progress reports or report texts were changed in this office "
                                            "since the sender's last package: choose for each whether to keep this "
                                            "office's or take the package's.").format(n=n))
        self.conflict_box.setVisible(bool(n) and p.state == "new")
        self._enable()

    def chosen(self) -> dict:
        """The choice made for each conflict: ``{(region, indicator, period): "mine" | "theirs"}``."""
        return {key: combo.currentData() for key, combo in self.choices.items() if combo.currentData()}

    def choose_all(self, choice: str) -> None:
        for combo in self.choices.values():
            combo.setCurrentIndex(combo.findData(choice))
        self._enable()

    def _enable(self):
        p, v = self.plan, self.verification
        ready = bool(p and v.trusted and p.state == "new" and p.refusal is None and self.result is None
                     and len(self.chosen()) == len(self.choices))
        self.apply_button.setEnabled(ready)

    def trust(self):
        from app.services.package.receive import trust_sender

        try:
            trust_sender(self.window_.db, self.path, expect=self.expect.text().strip() or None)
        except IpdeskError as exc:
            self.summary.setText("✕ " + self.window_.error_text(exc))
            return
        self.refresh()

    def apply(self):
        from app.services.package.receive import apply_receive

        try:
            self.result = apply_receive(self.window_.db, self.path, choice=self.chosen())
        except IpdeskError as exc:
            self.summary.setText("✕ " + self.window_.error_text(exc))
            return
        c = self.result.counts
        self.summary.setText(self.tr("Received: {new} new, {changed} changed, {removed} removed.").format(
            new=c.get("new", 0), changed=c.get("changed", 0), removed=c.get("removed", 0))
            + (" " + self.tr("Conflicts: kept mine {mine}, took theirs {theirs}.").format(
                mine=c.get("kept_mine", 0), theirs=c.get("took_theirs", 0)) if self.choices else ""))
        self.apply_button.setEnabled(False)
