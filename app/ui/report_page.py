"""The 报告 page: the results report's five sections (一、总体情况 … 五、下一步工作打算) in an editor beside
the live draft — what the store drafts now. Saving stores the office's text through
:func:`app.services.results_report.set_text`; 重新起草 never overwrites edited text silently: each edited
section whose draft moved is shown side by side with the new draft, and the user keeps theirs or
takes the draft (:func:`~app.services.results_report.take_draft`). A locked year refuses edits."""
from __future__ import annotations

import difflib
import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QGridLayout, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QMessageBox, QPlainTextEdit, QPushButton, QSplitter, QTextBrowser,
                               QVBoxLayout, QWidget)

from app.models.errors import IpdeskError
from app.ui.i18n import Retranslating
from app.ui.look import page_title

MINE, DRAFT = "#fde2df", "#dff3df"          # lines only in the office's text / only in the new draft


def side_by_side(mine: str, draft: str) -> tuple[str, str]:
    """Two HTML panes, the lines that differ marked (red: only in the edited text, green: only in the draft)."""
    a, b = mine.splitlines(), draft.splitlines()
    left, right = [], []

    def put(out, lines, colour=None):
        for ln in lines:
            style = f' style="background:{colour}"' if colour else ""
            out.append(f"<p{style}>{html.escape(ln) or '&nbsp;'}</p>")

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        put(left, a[i1:i2], None if op == "equal" else MINE)
        put(right, b[j1:j2], None if op == "equal" else DRAFT)
    return "".join(left), "".join(right)


class DiffDialog(QDialog):
    """An edited section beside its new draft: keep mine, or take the draft."""

    def __init__(self, parent, section):
        super().__init__(parent)
        self.setObjectName("redraftDialog")
        self.setWindowTitle(self.tr("{title}: the draft has changed").format(title=section.title))
        self.section = section
        self.choice = None
        self.diff_text = "\n".join(section.diff)
        left, right = side_by_side(section.text, section.draft)
        self.mine, self.draft = QTextBrowser(self), QTextBrowser(self)
        self.mine.setHtml(left)
        self.draft.setHtml(right)
        note = QLabel(self.tr("Your text is kept unless you take the new draft. Red: only in your text; green: only "
                              "in the new draft."), self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.keep_button = buttons.addButton(self.tr("Keep mine"), QDialogButtonBox.RejectRole)
        self.take_button = buttons.addButton(self.tr("Take the draft"), QDialogButtonBox.AcceptRole)
        self.keep_button.clicked.connect(lambda: self._choose("mine"))
        self.take_button.clicked.connect(lambda: self._choose("draft"))
        self.keep_button.setDefault(True)
        grid = QGridLayout(self)
        grid.addWidget(note, 0, 0, 1, 2)
        grid.addWidget(QLabel(self.tr("Your text"), self), 1, 0)
        grid.addWidget(QLabel(self.tr("New draft"), self), 1, 1)
        grid.addWidget(self.mine, 2, 0)
        grid.addWidget(self.draft, 2, 1)
        grid.addWidget(buttons, 3, 0, 1, 2)
        self.resize(960, 520)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        (self.accept if choice == "draft" else self.reject)()


class ReportPage(Retranslating, QWidget):
    changed = Signal()
    message = Signal(str)
    ready = Signal()              # the last reading or change finished (its result shown)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.region = self.year = None
        self.report = None
        self.locked = False
        self._shown = None
        self._job, self._queue = None, []
        self.last_choices: dict = {}
        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        page_title(self.title)
        self.banner = QLabel(self)
        self.banner.setObjectName("reportLocked")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("color: #a04000;")
        self.sections = QListWidget(self)
        self.sections.setObjectName("reportSections")
        self.sections.setSpacing(3)
        self.sections.currentRowChanged.connect(self._section_chosen)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("sectionEditor")
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(lambda: self.save())
        self.redraft_button = QPushButton(self)
        self.redraft_button.clicked.connect(lambda: self.redraft())
        self.save_action = QAction(self)
        self.save_action.setShortcut(QKeySequence.Save)
        self.save_action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.save_action.triggered.connect(lambda: self.save())
        self.editor.addAction(self.save_action)
        self.draft = QPlainTextEdit(self)
        self.draft.setObjectName("liveDraft")
        self.draft.setReadOnly(True)
        self.draft.setStyleSheet("QPlainTextEdit { background: #f7f7f4; }")
        self.editor_label, self.draft_label, self.sections_label = QLabel(self), QLabel(self), QLabel(self)

        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 4, 0)
        ll.addWidget(self.sections_label)
        ll.addWidget(self.sections, 1)
        middle = QWidget(self)
        ml = QVBoxLayout(middle)
        ml.setContentsMargins(4, 0, 4, 0)
        ml.addWidget(self.editor_label)
        ml.addWidget(self.editor, 1)
        ml.addWidget(self.state)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.redraft_button)
        row.addStretch(1)
        ml.addLayout(row)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(4, 0, 0, 0)
        rl.addWidget(self.draft_label)
        rl.addWidget(self.draft, 1)
        split = QSplitter(Qt.Horizontal, self)
        for w in (left, middle, right):
            split.addWidget(w)
        split.setStretchFactor(1, 1)
        split.setStretchFactor(2, 1)
        split.setSizes([190, 460, 420])
        self.split = split
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.title)
        lay.addWidget(self.banner)
        lay.addWidget(split, 1)
        self.retranslate()

    def retranslate(self):
        self.sections_label.setText(self.tr("Sections"))
        self.editor_label.setText(self.tr("Text of the report (yours where edited)"))
        self.draft_label.setText(self.tr("Draft from the store now (read-only)"))
        self.save_button.setText(self.tr("Save section"))
        self.save_action.setText(self.tr("Save section"))
        self.redraft_button.setText(self.tr("Re-draft…"))
        self.redraft_button.setToolTip(self.tr("Draft every section again from the store; an edited section is "
                                               "never replaced without asking"))
        if self.report is not None and self.isVisible():
            self.show_report(self.report)

    @property
    def db(self):
        return self.window.db

    # ---------------------------------------------------------------- work off the UI thread
    def _run(self, work, done, *, write: bool = False) -> None:
        """Run ``work(db)`` off the UI thread on a connection of its own — drafting reads the report's data,
        about a second for the nation — then ``done(result)`` here. One job at a time, in order; a
        refusal drops the jobs queued after it. ``ready`` is emitted when the queue is empty."""
        self._queue.append((work, done, write))
        if self._job is None:
            self._next()

    def _next(self) -> None:
        from app.ui.tasks import on_store, run_task

        if not self._queue:
            self._job = None
            self.editor.setReadOnly(self._frozen())
            self.ready.emit()
            return
        work, done, write = self._queue.pop(0)
        if write:
            self.editor.setReadOnly(True)          # nothing typed while the text is being stored

        def ok(result):
            try:
                done(result)
            finally:
                self._next()

        def failed(exc, _tb):
            self._queue.clear()
            self._job = None
            self.editor.setReadOnly(self._frozen())
            if isinstance(exc, IpdeskError):
                self.refuse(exc)
            else:
                self.window.warn(str(exc))
            self.ready.emit()

        self._job = run_task(self, self.tr("Drafting the report…"),
                             on_store(self.db.path, lambda db, _p, _c: work(db), readonly=not write),
                             on_done=ok, on_error=failed, min_duration_ms=800)

    def _frozen(self) -> bool:
        return bool(self.locked or self.window.readonly_reason)

    def _take(self, report) -> bool:
        """Show ``report`` if it is still the region-year shown (the user may have moved on)."""
        if (report.region, report.year) != (self.region, self.year):
            return False
        self.show_report(report)
        return True

    # ---------------------------------------------------------------- reading
    def load(self, region: str, year: int) -> None:
        from app.models.states import LOCKED_STATES, region_year_status, status_label
        from app.services import results_report as rr
        from app.ui.i18n import current

        if self.report is not None and self.dirty():       # leaving a region-year: typed text is kept
            self.save()
        if (region, int(year)) != (self.region, self.year):
            self.report = None
            self._shown = None
            self.sections.clear()
            self.editor.clear()
            self.draft.clear()
            self.state.clear()
            self.title.setText(self.tr("{region} · {year} · drafting the report…").format(
                region=self.window.region_name(region), year=year))
        self.region, self.year = region, int(year)
        status = region_year_status(self.db, region, self.year)
        self.locked = status in LOCKED_STATES
        readonly = self.window.readonly_reason
        self.editor.setReadOnly(self._frozen())
        self.save_button.setEnabled(not self._frozen())
        self.redraft_button.setEnabled(not readonly)
        if readonly:
            self.banner.setText(self.tr("The store is open read-only: nothing can be changed here"))
        elif self.locked:
            self.banner.setText(self.tr("{region} {year} is {status}: the report's text is frozen until an office "
                                        "head unlocks the year.").format(region=self.window.region_name(region),
                                                                         year=self.year,
                                                                         status=status_label(status, current())))
        self.banner.setVisible(bool(self._frozen()))
        self._run(lambda db: rr.show(db, region, int(year)), self._take)

    def show_report(self, report) -> None:
        self.report = report
        row = max(self.sections.currentRow(), 0)
        self.title.setText(report.title)
        self.sections.blockSignals(True)
        self.sections.clear()
        for s in report.sections:
            marks = ([self.tr("✎ edited")] if s.edited else []) + ([self.tr("draft changed")] if s.draft_moved else [])
            item = QListWidgetItem(s.title + ("\n    " + " · ".join(marks) if marks else ""))
            if s.draft_moved:
                item.setForeground(QColor("#a04000"))
            item.setData(Qt.UserRole, s.number)
            if s.edited:
                item.setToolTip(self.tr("Edited by {who} at {at}").format(who=s.author or "",
                                                                         at=(s.at or "")[:16].replace("T", " ")))
            self.sections.addItem(item)
        self.sections.setCurrentRow(row)
        self.sections.blockSignals(False)
        self._show_section(row)

    def current(self):
        row = self.sections.currentRow()
        return self.report.sections[row] if self.report is not None and row >= 0 else None

    def _show_section(self, row: int) -> None:
        s = self.report.sections[row]
        self._shown = row
        self.editor.setPlainText(s.text)
        self.draft.setPlainText(s.draft)
        if not s.edited:
            state = self.tr("Follows the draft: not edited")
        elif s.draft_moved:
            state = self.tr("Edited by {who}; the draft has changed since — Re-draft shows the difference").format(
                who=s.author or "")
        elif s.diff:
            state = self.tr("Edited by {who}; differs from the draft").format(who=s.author or "")
        else:
            state = self.tr("Edited by {who}").format(who=s.author or "")
        self.state.setText(state)

    def _section_chosen(self, row: int) -> None:
        if row < 0 or self.report is None:
            return
        prev = self._shown
        if prev is not None and prev != row and self.dirty(prev):
            self.sections.blockSignals(True)
            self.sections.setCurrentRow(prev)       # saved from where it was typed, then moved on
            self.sections.blockSignals(False)       # (refused: the text stays in the editor)
            self.save(then=lambda: self.sections.setCurrentRow(row))
            return
        self._show_section(row)

    def dirty(self, row: int | None = None) -> bool:
        row = self._shown if row is None else row
        if self.report is None or row is None or self._frozen():
            return False
        return self.editor.toPlainText() != self.report.sections[row].text

    # ---------------------------------------------------------------- writing
    def refuse(self, exc) -> None:
        text = self.window.error_text(exc)
        self.message.emit(text)
        box = QMessageBox(QMessageBox.Warning, self.tr("Not saved"), text, QMessageBox.Ok, self)
        box.setObjectName("refusal")
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.refusal = box

    def save(self, then=None) -> bool:
        """Store the editor's text as the office's text of the section shown (audited; off the UI thread,
        ``ready`` when done); ``then()`` after it is stored. False: nothing to save."""
        from app.services import results_report as rr

        s = self.report.sections[self._shown] if self.report is not None and self._shown is not None else None
        if s is None:
            return False
        region, year, text = self.region, self.year, self.editor.toPlainText()

        def work(db):
            rr.set_text(db, region, year, s.number, text)
            return rr.show(db, region, year)

        def done(report):
            self._take(report)
            self.message.emit(self.tr("{title}: saved").format(title=s.title))
            self.changed.emit()
            if then is not None:
                then()
        self._run(work, done, write=True)
        return True

    def redraft(self) -> None:
        """Draft again; for each edited section whose text differs from the new draft, show both and let the
        user keep theirs or take the draft. ``last_choices``: ``{section: "mine" | "draft"}`` of those asked."""
        from app.services import results_report as rr

        if self.dirty():
            self.save()
        region, year = self.region, self.year
        self._run(lambda db: rr.draft(db, region, year), self._choose)

    def _choose(self, report) -> None:
        from app.services import results_report as rr

        if (report.region, report.year) != (self.region, self.year):
            return
        chosen = {}
        for s in report.sections:
            if not (s.edited and s.diff):
                continue
            dlg = DiffDialog(self, s)
            self.diff_dialog = dlg
            dlg.exec()
            chosen[s.number] = dlg.choice or "mine"
        self.last_choices = chosen
        take = [n for n, c in chosen.items() if c == "draft"]
        region, year = self.region, self.year

        def work(db):
            for n in take:
                rr.take_draft(db, region, year, n)
            return rr.show(db, region, year)

        def done(rep):
            self._take(rep)
            self.message.emit(self.tr("Re-drafted: {n} sections follow the new draft, {kept} edited sections "
                                      "kept").format(n=sum(not s.edited for s in rep.sections),
                                                     kept=sum(s.edited for s in rep.sections)))
            if take:
                self.changed.emit()
        if take:
            self._run(work, done, write=True)
        else:
            done(report)
