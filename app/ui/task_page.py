"""The 任务 page: the task tree of the region-year (guideline article → clause → task, the office's own
tasks under the task they come from), the progress grid of the selected task over the region and its
regions below (type a state in Chinese and/or a percentage, Enter, Tab, Delete — the value grid's
keys), the details and the evidence files of the selected cell. Overdue tasks are red.

Every write is a function of the task ledger (:mod:`app.models.tasks`, :mod:`app.models.progress`
through :mod:`app.services.task_views`): they check, write the audit row, and refuse with a sentence
the page shows as it is."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QSplitter, QTreeView, QVBoxLayout,
                               QWidget)

from app.models.errors import IpdeskError
from app.ui.entry import GridView
from app.ui.i18n import Retranslating, current
from app.ui.look import page_title
from app.ui.task_models import ProgressGridModel, TaskTreeModel


class TaskPage(Retranslating, QWidget):
    changed = Signal()            # tasks or progress changed
    message = Signal(str)         # a line for the status bar

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.region = self.year = None
        self.task_id = None
        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        page_title(self.title)
        self.summary = QLabel(self)
        self.add_button, self.assign_button, self.explain_button = (QPushButton(self) for _ in range(3))
        self.add_button.clicked.connect(lambda: self.add_own_task())
        self.assign_button.clicked.connect(lambda: self.assign_task())
        self.explain_button.clicked.connect(lambda: self.explain_overdue())

        self.tree_model = TaskTreeModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("taskTree")
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(False)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(QHeaderView.Interactive)
        self.tree.selectionModel().currentChanged.connect(lambda cur, _p: self._task_chosen(cur))
        self.add_action, self.assign_action, self.explain_action = (QAction(self) for _ in range(3))
        self.add_action.triggered.connect(lambda: self.add_own_task())
        self.assign_action.triggered.connect(lambda: self.assign_task())
        self.explain_action.triggered.connect(lambda: self.explain_overdue())
        self.tree.addActions([self.add_action, self.assign_action, self.explain_action])
        self.tree.setContextMenuPolicy(Qt.ActionsContextMenu)

        self.grid_model = ProgressGridModel(self)
        self.grid_model.commit = self.commit_cell
        self.grid = GridView(self)
        self.grid.setObjectName("progressGrid")
        self.grid.setModel(self.grid_model)
        self.grid.setSelectionMode(QAbstractItemView.ContiguousSelection)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.grid.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.grid.typedOnReadOnly.connect(self.why_read_only)
        self.grid.selectionModel().currentChanged.connect(lambda cur, _p: self._cell_chosen(cur))
        self.delete_action = QAction(self)
        self.delete_action.setShortcut(QKeySequence.Delete)
        self.delete_action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self.clear_selection)
        self.grid.addAction(self.delete_action)
        self.grid.setContextMenuPolicy(Qt.ActionsContextMenu)
        self.grid_label = QLabel(self)
        self.grid_hint = QLabel(self)
        self.grid_hint.setWordWrap(True)
        self.grid_hint.setStyleSheet("color: #666666;")

        # the selected cell: details and evidence
        self.cell_label = QLabel(self)
        self.cell_label.setWordWrap(True)
        self.milestone, self.person, self.reason = QLineEdit(self), QLineEdit(self), QLineEdit(self)
        self.text = QPlainTextEdit(self)
        self.text.setMaximumHeight(64)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(lambda: self.save_details())
        self.details_box = QGroupBox(self)
        form = QFormLayout(self.details_box)
        form.setContentsMargins(6, 4, 6, 4)
        self.form = form
        self.form_labels = [QLabel(self) for _ in range(4)]
        for label, w in zip(self.form_labels, (self.milestone, self.text, self.person, self.reason)):
            form.addRow(label, w)
        form.addRow(self.save_button)
        from app.ui.task_evidence import EvidenceBox

        self.evidence_box = EvidenceBox(self)
        self.evidence = self.evidence_box.table
        self.add_file_button = self.evidence_box.add_button

        left = QSplitter(Qt.Vertical, self)
        left.addWidget(self.tree)
        bottom = QWidget(self)
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 4, 0, 0)
        bl.addWidget(self.grid_label)
        bl.addWidget(self.grid, 1)
        bl.addWidget(self.grid_hint)
        left.addWidget(bottom)
        left.setSizes([200, 360])
        side = QWidget(self)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(4, 0, 0, 0)
        sl.addWidget(self.cell_label)
        sl.addWidget(self.details_box)
        sl.addWidget(self.evidence_box, 1)
        split = QSplitter(Qt.Horizontal, self)
        split.addWidget(left)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([760, 340])
        self.split = split
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        for b in (self.add_button, self.assign_button, self.explain_button):
            top.addWidget(b)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(split, 1)
        if window.readonly_reason:
            self.grid_model.readonly = True
            for w in (self.add_button, self.assign_button, self.explain_button, self.save_button,
                      self.add_file_button, self.add_action, self.assign_action, self.explain_action):
                w.setEnabled(False)
        self.retranslate()

    # ---------------------------------------------------------------- language
    def retranslate(self):
        self.add_button.setText(self.tr("Add own task…"))
        self.assign_button.setText(self.tr("Assign…"))
        self.explain_button.setText(self.tr("Explain overdue…"))
        self.add_action.setText(self.tr("Add an own task decomposed from this one…"))
        self.assign_action.setText(self.tr("Assign to a division or a region below…"))
        self.explain_action.setText(self.tr("Explain why it is overdue…"))
        self.delete_action.setText(self.tr("Clear"))
        self.grid_hint.setText(self.tr("Type a state — 未开始, 推进中, 已完成, 滞后 or 取消 — and/or a percentage "
                                       "(推进中 60%); Enter saves, Delete clears. 滞后 and 取消 ask for a reason."))
        self.details_box.setTitle(self.tr("Details of the selected cell"))
        for i, text in enumerate((self.tr("Milestone"), self.tr("Progress"), self.tr("Person"), self.tr("Reason"))):
            self.form_labels[i].setText(text)
        self.save_button.setText(self.tr("Save details"))
        if self.region and self.isVisible():
            self.load(self.region, self.year)

    # ---------------------------------------------------------------- reading
    @property
    def db(self):
        return self.window.db

    def load(self, region: str, year: int) -> None:
        from app.services.task_views import task_ids, task_tree

        self.region, self.year = region, int(year)
        nodes = task_tree(self.db, region, self.year)
        self.tree_model.set_nodes(nodes)
        self.tree.expandAll()
        self._fit_columns()
        rows = [self.tree_model.node(self.tree_model.index_of(t)).row for t in task_ids(nodes)]
        late = sum(r.overdue for r in rows)
        self.title.setText(self.tr("{region} · {year} · tasks").format(region=self.window.region_name(region),
                                                                       year=self.year))
        self.summary.setText(self.tr("{n} tasks apply here; {done} done, {late} overdue (red)").format(
            n=len(rows), done=sum(r.state == "done" for r in rows), late=late))
        ids = task_ids(nodes)
        self.select_task(self.task_id if self.task_id in ids else (ids[0] if ids else None))

    def _fit_columns(self) -> None:
        header = self.tree.header()
        width = max(self.tree.viewport().width(), 600)
        for col, share in ((1, 0.15), (2, 0.17), (3, 0.1), (4, 0.14)):
            header.resizeSection(col, int(width * share))
        header.resizeSection(0, width - sum(header.sectionSize(c) for c in (1, 2, 3, 4)) - 2)

    def select_task(self, task_id: str | None) -> None:
        idx = self.tree_model.index_of(task_id) if task_id else None
        if idx is not None and idx.isValid():
            sm = self.tree.selectionModel()
            sm.blockSignals(True)               # chosen once, below
            self.tree.setCurrentIndex(idx)
            sm.blockSignals(False)
            self.tree.viewport().update()
            self.tree.scrollTo(idx)
            self._task_chosen(idx)
        else:
            self.task_id = None
            self.grid_model.set_lines([], self.year or 2000)
            self._cell_chosen(None)

    def current_row(self):
        """The TaskRow of the selected task (None: an article or clause is selected)."""
        node = self.tree_model.node(self.tree.currentIndex())
        return node.row if node is not None and node.kind == "task" else None

    def _task_chosen(self, index) -> None:
        node = self.tree_model.node(index) if index is not None else None
        if node is None or node.kind != "task":
            return
        self.task_id = node.key
        self.grid_label.setText(self.tr("Progress of “{task}” by region").format(task=node.row.task.short(40)))
        self.explain_button.setEnabled(bool(node.row.overdue) and not self.window.readonly_reason)
        self.explain_action.setEnabled(self.explain_button.isEnabled())
        self.load_grid()

    def load_grid(self, keep: tuple | None = None) -> None:
        from app.services.task_views import progress_grid

        self.grid_model.set_lines(progress_grid(self.db, self.region, self.year, self.task_id), self.year)
        row, col = keep or getattr(self, "_keep", None) or (0, 0)
        self._keep = None
        idx = self.grid_model.index(min(row, self.grid_model.rowCount() - 1), col)
        self.grid.setCurrentIndex(idx)
        self._cell_chosen(idx)

    def _cell_chosen(self, index) -> None:
        ok = index is not None and index.isValid()
        line = self.grid_model.lines[index.row()] if ok else None
        cell = self.grid_model.cell_at(index.row(), index.column()) if ok else None
        for w, key in ((self.milestone, "milestone"), (self.person, "person"), (self.reason, "reason")):
            w.setText((cell or {}).get(key) or "")
        self.text.setPlainText((cell or {}).get("text") or "")
        writable = ok and line.applies and not line.locked and not self.grid_model.readonly
        for w in (self.milestone, self.person, self.reason, self.text, self.save_button, self.add_file_button):
            w.setEnabled(bool(writable))
        if ok:
            self.cell_label.setText(f"{self._name(line)} · {self.grid_model.period_at(index.column())}")
        else:
            self.cell_label.setText("")
        self.show_evidence(line.region if ok and line.applies else None)

    def show_evidence(self, region: str | None) -> None:
        from app.services.task_views import evidence_list

        self.evidence_box.show_files(evidence_list(self.db, region, self.year, self.task_id)
                                     if region and self.task_id else [])

    @staticmethod
    def _name(line) -> str:
        return line.name if current() == "zh" else line.name_en

    def _cell(self):
        """(region, period, line) of the grid's current cell, or None."""
        idx = self.grid.currentIndex()
        if not idx.isValid() or not self.task_id:
            return None
        line = self.grid_model.lines[idx.row()]
        return line.region, self.grid_model.period_at(idx.column()), line

    # ---------------------------------------------------------------- writing
    def _done(self, text: str, keep=None) -> bool:
        cur = self.grid.currentIndex()
        self._keep = keep or ((cur.row(), cur.column()) if cur.isValid() else None)
        self.load(self.region, self.year)          # the tree's state and the overdue mark follow
        self.message.emit(text)
        self.changed.emit()
        return True

    def refuse(self, exc) -> None:
        """The task ledger's refusal, in the reader's words (regions by name)."""
        text = self.window.error_text(exc)
        self.message.emit(text)
        box = QMessageBox(QMessageBox.Warning, self.tr("Not saved"), text, QMessageBox.Ok, self)
        box.setObjectName("refusal")
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.refusal = box

    def commit_cell(self, row: int, column: int, text: str, *, why: str | None = None) -> bool:
        """A typed progress cell: state and/or percentage; 滞后 and 取消 ask for the reason (``why``
        given: not asked)."""
        from app.models.progress import NEED_REASON
        from app.services.task_views import parse_cell, write_cell

        line = self.grid_model.lines[row]
        period = self.grid_model.period_at(column)
        old = self.grid_model.cell_at(row, column)
        if text.strip() == ("" if old is None else self.grid_model.data(self.grid_model.index(row, column), Qt.EditRole)):
            return False
        try:
            state = parse_cell(text, old["state"] if old else None)[0] if text.strip() else None
            if state in NEED_REASON and why is None:
                why = self.ask_reason(state, self._name(line), period, (old or {}).get("reason") or "")
                if why is None:
                    self.message.emit(self.tr("Not saved: no reason given"))
                    return False
            write_cell(self.db, line.region, self.task_id, period, text, why=why)
        except IpdeskError as exc:
            self.refuse(exc)
            return False
        return self._done(self.tr("Progress saved: {region} {period}").format(region=self._name(line), period=period),
                          (row, column))

    def ask_reason(self, state: str, region_name: str, period: str, text: str = "") -> str | None:
        from app.models.tasks import state_label
        from app.ui.task_dialogs import ReasonDialog

        label = state_label(state, current())
        dlg = ReasonDialog(self, self.tr("Reason for {state}").format(state=label),
                           self.tr("{region} {period}: why is the task {state}? (kept with the progress and in the "
                                   "audit trail)").format(region=region_name, period=period, state=label), text)
        self.reason_dialog = dlg
        return dlg.text() if dlg.exec() else None

    def clear_selection(self) -> None:
        """Delete: the selected cells back to 未开始 (the report's evidence files stay)."""
        from app.services.task_views import write_cell

        cells = [(i.row(), i.column()) for i in self.grid.selectionModel().selectedIndexes()
                 if self.grid_model.cell_at(i.row(), i.column()) and self.grid_model.flags(i) & Qt.ItemIsEditable]
        try:
            for row, col in cells:
                write_cell(self.db, self.grid_model.lines[row].region, self.task_id, self.grid_model.period_at(col), "")
        except IpdeskError as exc:
            self.refuse(exc)
        if cells:
            self._done(self.tr("Cleared {n} cells").format(n=len(cells)))

    def why_read_only(self, index) -> str:
        line = self.grid_model.lines[index.row()]
        if self.grid_model.readonly:
            text = self.tr("The store is open read-only: nothing can be changed here")
        elif not line.applies:
            text = self.tr("This task does not apply to {region}").format(region=self._name(line))
        else:
            text = self.tr("{region} {year} is approved and locked: an office head must unlock it before it can "
                           "be changed").format(region=self._name(line), year=self.year)
        self.message.emit(text)
        return text

    def save_details(self) -> bool:
        from app.services.task_views import rewrite

        place = self._cell()
        if place is None:
            return False
        region, period, line = place
        try:
            rewrite(self.db, region, self.task_id, period, milestone=self.milestone.text(), person=self.person.text(),
                    text=self.text.toPlainText(), why=self.reason.text())
        except IpdeskError as exc:
            self.refuse(exc)
            return False
        return self._done(self.tr("Progress saved: {region} {period}").format(region=self._name(line), period=period))

    def add_evidence(self, paths=None) -> bool:
        """Attach files to the selected cell's report (checked by content; a refused file: nothing written)."""
        from app.services.task_views import rewrite

        place = self._cell()
        if place is None:
            return False
        region, period, line = place
        if paths is None:
            from app.ui import file_dialogs

            paths = file_dialogs.open_files(self, self.tr("Add evidence files…"),
                                            self.tr("Evidence (*.pdf *.png *.jpg *.jpeg *.docx *.xlsx)"))
            if not paths:
                return False
        try:
            res = rewrite(self.db, region, self.task_id, period, evidence=list(paths))
        except IpdeskError as exc:
            self.refuse(exc)
            return False
        return self._done(self.tr("{n} files attached to {region} {period}").format(
            n=len(res.evidence), region=self._name(line), period=period))

    def save_evidence_as(self, path: str | None = None) -> str | None:
        return self.evidence_box.save_as(path)

    def open_evidence(self) -> str | None:
        return self.evidence_box.open()

    # ---------------------------------------------------------------- own tasks, assignments, explanations
    def add_own_task(self, text: str | None = None, *, parent: str | None = None, due: str | None = None,
                     responsible: str | None = None):
        """A task of this office decomposed from the selected one (一省一策); ``text`` given: no dialog."""
        from app.models.tasks import add_task

        row = self.current_row()
        if text is None:
            from app.services.task_views import task_ids
            from app.ui.task_dialogs import AddTaskDialog

            rows = [self.tree_model.node(self.tree_model.index_of(t)).row for t in task_ids(self.tree_model.nodes)]
            choices = [(r.task.id, r.task.short(30), r.due) for r in rows]
            dlg = AddTaskDialog(self, choices, row.task.id if row else None, self.year)
            self.add_dialog = dlg
            if not dlg.exec():
                return None
            v = dlg.values()
            text, parent, due, responsible = v["text"], v["parent"], v["due"], v["responsible"]
        try:
            task = add_task(self.db, self.region, self.year, text, parent=parent, due=due, responsible=responsible)
        except IpdeskError as exc:
            self.refuse(exc)
            return None
        self.task_id = task.id
        self._done(self.tr("Task {id} added (due {due})").format(id=task.id, due=task.due))
        return task

    def assign_task(self, to: str | None = None, due: str | None = None) -> bool:
        """Assign the selected task to a region below or a division, by this region, with a deadline."""
        from app.models.tasks import assign

        row = self.current_row()
        if row is None:
            self.message.emit(self.tr("Choose a task first"))
            return False
        if to is None:
            from app.ui.task_dialogs import AssignDialog

            kids = [(ln.region, ln.name) for ln in self.grid_model.lines[1:]]
            dlg = AssignDialog(self, row.task.short(60), kids, row.due)
            self.assign_dialog = dlg
            if not dlg.exec():
                return False
            to, due = dlg.values()["to"], dlg.values()["due"]
        try:
            a = assign(self.db, row.task.id, to, due, by_region=self.region)
        except IpdeskError as exc:
            self.refuse(exc)
            return False
        name = self.window.region_name(a["assignee"]) if a["kind"] == "region" else a["assignee"]
        return self._done(self.tr("Task assigned to {to} (due {due})").format(to=name, due=a["due"]))

    def explain_overdue(self, text: str | None = None) -> bool:
        from app.models.tasks import explain_overdue

        row = self.current_row()
        if row is None or not row.overdue:
            return False
        if text is None:
            from app.ui.task_dialogs import ReasonDialog

            dlg = ReasonDialog(self, self.tr("Overdue task"), self.tr("“{task}” was due {due}: why is it not done?")
                               .format(task=row.task.short(40), due=row.due))
            self.reason_dialog = dlg
            if not dlg.exec():
                return False
            text = dlg.text()
        try:
            explain_overdue(self.db, self.region, self.year, row.task.id, text)
        except IpdeskError as exc:
            self.refuse(exc)
            return False
        return self._done(self.tr("Explanation saved"))
