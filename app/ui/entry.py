"""The clerk's page: the indicator grid, paste, undo/redo, and the findings panel."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPolygon, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QApplication, QHeaderView,
                               QStyledItemDelegate,
                               QLabel, QListWidget, QListWidgetItem, QMessageBox, QPlainTextEdit, QPushButton,
                               QSplitter, QTableView, QVBoxLayout, QWidget)

from app.models.errors import IpdeskError
from app.ui.i18n import Retranslating, current
from app.ui.look import page_title
from app.ui.models import GridModel


class _WriteCommand(QUndoCommand):
    """One edit or paste: ``redo`` writes ``after``, ``undo`` writes ``before`` — both audited."""

    def __init__(self, page, before, after, text):
        super().__init__(text)
        self.page, self.before, self.after = page, before, after
        self.first = True

    def redo(self):
        if self.first:          # already written when the command was made
            self.first = False
            return
        self.page.write(self.after, why="redo")

    def undo(self):
        self.page.write(self.before, why="undo")


NOTE_MARK = QColor("#c0392b")


SECTION_BAND = QColor("#e4eaf2")
SECTION_TEXT = QColor("#1f3a5f")


def _band(view) -> int:
    """The height of a section's band above its first row."""
    return view.fontMetrics().height() + 6



class SectionHeader(QHeaderView):
    """The row header: an indicator's name, and above the first row of each catalogue section a band
    with the section's name in bold (专利创造, 运用转化, …) that spans the grid (see GridView)."""

    def paintSection(self, painter, rect, logical):
        model = self.model()
        title = model.section_title(logical) if getattr(model, "grid", None) is not None else None
        if title is None:
            super().paintSection(painter, rect, logical)
            return
        band = _band(self)
        top = rect.adjusted(0, 0, 0, -(rect.height() - band))
        painter.save()
        painter.fillRect(top, SECTION_BAND)
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(SECTION_TEXT)
        painter.drawText(top.adjusted(6, 0, -2, 0), Qt.AlignLeft | Qt.AlignVCenter, title)
        painter.restore()
        super().paintSection(painter, rect.adjusted(0, band, 0, 0), logical)


class NoteMarkDelegate(QStyledItemDelegate):
    """Paints the cell as usual (below its row's section band, if any), then a small red triangle in its
    top-right corner when the value has a note (Excel's comment marker); the note itself is in the tooltip."""

    def _cell_rect(self, index, rect):
        if index.row() in getattr(index.model(), "_starts", ()):       # a section starts at the row
            return rect.adjusted(0, _band(self.parent()), 0, 0)
        return rect

    def updateEditorGeometry(self, editor, option, index):
        super().updateEditorGeometry(editor, option, index)
        editor.setGeometry(self._cell_rect(index, editor.geometry()))

    def paint(self, painter, option, index):
        rect = self._cell_rect(index, option.rect)
        if rect != option.rect:
            from PySide6.QtWidgets import QStyleOptionViewItem

            option = QStyleOptionViewItem(option)
            option.rect = rect
        super().paint(painter, option, index)
        model = index.model()
        if getattr(model, "grid", None) is None or not model.has_note(index.row(), index.column()):
            return
        r = option.rect
        size = max(5, r.height() // 4)
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        painter.setBrush(NOTE_MARK)
        painter.drawPolygon(QPolygon([QPoint(r.right() - size, r.top()), QPoint(r.right(), r.top()),
                                      QPoint(r.right(), r.top() + size)]))
        painter.restore()


class GridView(QTableView):
    """Excel-like keys: typing edits, Enter commits and moves down, Tab moves right, Delete clears."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.AnyKeyPressed | QAbstractItemView.DoubleClicked
                             | QAbstractItemView.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.ContiguousSelection)
        self.setAlternatingRowColors(False)
        self.setWordWrap(False)
        self.setVerticalHeader(SectionHeader(Qt.Vertical, self))
        self.setItemDelegate(NoteMarkDelegate(self))

    def fit_sections(self) -> None:
        """Rows that start a section are taller by the band drawn above them (header and cells)."""
        header, model = self.verticalHeader(), self.model()
        base, band = header.defaultSectionSize(), _band(self)
        for row in range(model.rowCount()):
            size = base + (band if model.section_title(row) is not None else 0)
            if header.sectionSize(row) != size:
                header.resizeSection(row, size)

    def paintEvent(self, event):
        super().paintEvent(event)
        model = self.model()
        if getattr(model, "grid", None) is None:
            return
        band = _band(self)
        first = max(self.rowAt(event.rect().top()), 0)
        last = self.rowAt(event.rect().bottom())
        last = model.rowCount() - 1 if last < 0 else last
        painter = None
        for row in range(first, last + 1):
            if row not in model._starts:
                continue
            if painter is None:
                painter = QPainter(self.viewport())
            y = self.rowViewportPosition(row)
            painter.fillRect(0, y, self.viewport().width(), band, SECTION_BAND)
        if painter is not None:
            painter.end()

    def closeEditor(self, editor, hint):
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.SubmitModelCache:   # Enter: next row, like a spreadsheet
            cur = self.currentIndex()
            nxt = self.model().index(cur.row() + 1, cur.column())
            if nxt.isValid():
                self.setCurrentIndex(nxt)

    typedOnReadOnly = Signal(object)      # a key typed on a cell that cannot be edited: its index

    def keyPressEvent(self, event):
        text = event.text()
        if (text and text.isprintable() and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier | Qt.MetaModifier)
                and self.state() != QAbstractItemView.EditingState):
            cur = self.currentIndex()
            if cur.isValid() and not (self.model().flags(cur) & Qt.ItemIsEditable):
                # Qt would search the column for a cell starting with the key and move there: the next
                # figure typed would land in another row. The cursor stays, and the page says why.
                event.accept()
                self.typedOnReadOnly.emit(cur)
                return
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and self.state() != QAbstractItemView.EditingState:
            cur = self.currentIndex()
            nxt = self.model().index(cur.row() + 1, cur.column())
            if nxt.isValid():
                self.setCurrentIndex(nxt)
            return
        super().keyPressEvent(event)


def finding_groups(found) -> list[list]:
    """The findings in the side panel's order, those of one cell at one severity together: a value that
    trips the change band and the outlier rule is one item, explained once."""
    order = ("blocking", "explain", "info")
    groups: dict = {}
    for f in sorted(found, key=lambda f: order.index(f.severity)):
        key = (f.severity, f.region, f.indicator, f.period) if f.severity == "explain" else id(f)
        groups.setdefault(key, []).append(f)
    return list(groups.values())


class EntryPage(Retranslating, QWidget):
    """Indicators × years for the selected region; every edit is saved at once."""

    changed = Signal()            # values or explanations changed (dashboard/charts refresh)
    message = Signal(str)         # a line for the status bar

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.model = GridModel(self)
        self.model.commit = self.commit_cell
        self.undo_stack = QUndoStack(self)
        self.view = GridView(self)
        self.view.setModel(self.model)
        self.view.typedOnReadOnly.connect(self.why_read_only)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.view.horizontalHeader().setMinimumSectionSize(80)      # five years beside the names at 1280 px
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)     # no per-row size hints to compute
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        # the longest Chinese name (高价值发明专利中应扣除的非正常申请相关专利（件）) fits whole; longer English
        # names elide in the middle, the full name in the tooltip
        self.view.verticalHeader().setMaximumWidth(max(380, self.fontMetrics().horizontalAdvance("高" * 25) + 24))
        self.view.verticalHeader().setTextElideMode(Qt.ElideMiddle)
        self.view.verticalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)

        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        page_title(self.title)
        self.findings = QListWidget(self)
        self.findings.setWordWrap(True)
        self.findings.currentItemChanged.connect(self._finding_selected)
        self.findings_label = QLabel(self)
        self.explain_label = QLabel(self)
        self.explain_edit = QPlainTextEdit(self)
        self.explain_edit.setMaximumHeight(90)
        self.explain_button = QPushButton(self)
        self.explain_button.clicked.connect(self.save_explanation)
        self.blockers_label = QLabel(self)
        self.blockers_label.setWordWrap(True)
        self.complete_button = QPushButton(self)
        self.complete_button.clicked.connect(lambda: self.window.change_status("complete"))

        side = QWidget(self)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(4, 0, 0, 0)
        sl.addWidget(self.findings_label)
        sl.addWidget(self.findings, 3)
        sl.addWidget(self.explain_label)
        sl.addWidget(self.explain_edit)
        sl.addWidget(self.explain_button)
        sl.addWidget(self.blockers_label)
        sl.addWidget(self.complete_button)
        split = QSplitter(Qt.Horizontal, self)
        split.addWidget(self.view)
        split.addWidget(side)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setSizes([800, 230])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.title)
        lay.addWidget(split, 1)

        self.undo_action = self.undo_stack.createUndoAction(self)
        self.undo_action.setShortcut(QKeySequence.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self)
        redo_keys = [QKeySequence("Ctrl+Y")]
        redo_keys += [k for k in QKeySequence.keyBindings(QKeySequence.Redo) if k not in redo_keys]
        self.redo_action.setShortcuts(redo_keys)
        self.copy_action = QAction(self)
        self.copy_action.setShortcut(QKeySequence.Copy)
        self.copy_action.triggered.connect(self.copy)
        self.paste_action = QAction(self)
        self.paste_action.setShortcut(QKeySequence.Paste)
        self.paste_action.triggered.connect(self.paste)
        self.delete_action = QAction(self)
        self.delete_action.setShortcut(QKeySequence.Delete)
        self.delete_action.triggered.connect(self.clear_selection)
        self.history_action = QAction(self)
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.triggered.connect(self.show_history)
        self.note_action = QAction(self)
        self.note_action.setShortcut(QKeySequence("Ctrl+M"))
        self.note_action.triggered.connect(lambda: self.edit_note())
        for a in (self.undo_action, self.redo_action, self.copy_action, self.paste_action, self.delete_action,
                  self.note_action, self.history_action):
            a.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            self.view.addAction(a)
        self.view.setContextMenuPolicy(Qt.ActionsContextMenu)
        self.retranslate()

    # ---------------------------------------------------------------- language
    def retranslate(self):
        self.findings_label.setText(self.tr("Findings for this year"))
        self.explain_label.setText(self.tr("Explanation for the selected finding"))
        self.explain_button.setText(self.tr("Save explanation"))
        self.complete_button.setText(self.tr("Mark as complete"))
        self.copy_action.setText(self.tr("Copy"))
        self.paste_action.setText(self.tr("Paste"))
        self.delete_action.setText(self.tr("Clear"))
        self.history_action.setText(self.tr("History of this value…"))
        self.note_action.setText(self.tr("Note and source of this value…"))
        self.undo_action.setText(self.tr("Undo"))
        self.redo_action.setText(self.tr("Redo"))
        self.explain_edit.setPlaceholderText(self.tr("Why is this figure right? (stored with your name and time)"))
        if self.model.grid is not None and self.isVisible():
            self.refresh(keep_current=True)

    # ---------------------------------------------------------------- data
    @property
    def db(self):
        return self.window.db

    def load(self, region: str, year: int, *, with_checks: bool = True) -> None:
        """Show a region-year; ``with_checks=False`` paints the values first (start-up), checks follow."""
        from app.services.views import entry_grid

        if self.model.grid is None or (self.model.grid.region, self.model.grid.year) != (region, year):
            self.undo_stack.clear()
        self.model.set_grid(entry_grid(self.db, region, year, with_checks=with_checks, kind=self.window.period_kind()))
        self.view.fit_sections()
        self._fit_row_labels()
        self._fill_side(checked=with_checks)

    def _fit_row_labels(self) -> None:
        """The row header as wide as its longest label (up to its maximum): Qt sizes it from a sample
        of the rows, which cut the longest names."""
        header = self.view.verticalHeader()
        labels = [self.model.headerData(r, Qt.Vertical, Qt.DisplayRole) or "" for r in range(self.model.rowCount())]
        fm = header.fontMetrics()
        need = max((fm.horizontalAdvance(t) for t in labels), default=0) + 16
        width = min(need, header.maximumWidth())
        if header.minimumWidth() != width:
            header.setMinimumWidth(width)

    def refresh(self, keep_current: bool = True) -> None:
        cur = self.view.currentIndex()
        g = self.model.grid
        self.load(g.region, g.year)
        if keep_current and cur.isValid():
            self.view.setCurrentIndex(self.model.index(cur.row(), cur.column()))

    def _fill_side(self, checked: bool = True):
        g = self.model.grid
        lang = current()
        from app.models.states import status_label

        self.title.setText(self.tr("{region} · {year} · status: {status}").format(
            region=self.window.region_name(g.region), year=g.year, status=status_label(g.status, lang)))
        self.findings.clear()
        if not checked:
            self.blockers_label.setText(self.tr("Checking…"))
            self.complete_button.setEnabled(False)
            return
        from app.models import review

        names = {i.code: i.name(lang) for i in g.indicators}
        names["*"] = self.tr("All indicators")
        sev_text = {"blocking": self.tr("Blocking"), "explain": self.tr("Explain"), "info": self.tr("Note")}
        for group in finding_groups(g.findings):
            f = group[0]
            mark = "✔ " if all(x.explanation for x in group) else ""
            text = "；".join(x.message(lang) for x in group) if lang == "zh" else "; ".join(x.message(lang) for x in group)
            sep = "：" if lang == "zh" else ": "
            item = QListWidgetItem(f"{mark}[{sev_text[f.severity]}] {names.get(f.indicator, f.indicator)}"
                                   f"{'' if f.period == str(g.year) else ' ' + f.period}{sep}{text}")
            item.setData(Qt.UserRole, f)
            item.setData(Qt.UserRole + 1, group)
            item.setToolTip(" ".join(f"{x.document or ''} {x.clause or ''}".strip() for x in group).strip()
                            + f"\n{f.region} · {f.indicator} · {f.period}")
            self.findings.addItem(item)
        # what blocks the next step, as the review service says it (the same words as a refusal)
        step = {"draft": "complete", "complete": "submit", "submitted": "approve"}.get(g.status)
        reasons = [r for r in review.blockers(self.db, g.region, g.year, step, fs=g.found) if r.code != "rv_state"] \
            if step else []
        if reasons:
            self.blockers_label.setText(self.tr("Still blocking submission: {n}").format(n=len(reasons)) + "\n" + "\n".join(
                f"· {r.message(lang)}" for r in reasons[:8]) + ("\n…" if len(reasons) > 8 else ""))
        elif g.status in ("approved", "locked"):
            self.blockers_label.setText(self.tr("Approved: values and explanations are frozen until an office head "
                                                "unlocks the year."))
        else:
            self.blockers_label.setText(self.tr("Nothing blocks submission."))
        self.complete_button.setEnabled(not reasons and g.status == "draft")

    # ---------------------------------------------------------------- writing
    def write(self, changes, why: str):
        """Write through the core's one path, then show the new state (used by undo/redo too)."""
        from app.services.entry import apply_with_undo

        apply_with_undo(self.db, changes, why=why)
        self.refresh()
        self.changed.emit()

    def _apply(self, changes, text: str) -> bool:
        from app.services.entry import apply_with_undo

        try:
            before = apply_with_undo(self.db, changes, why=text)
        except IpdeskError as exc:
            self._refuse([exc])
            return False
        self.undo_stack.push(_WriteCommand(self, before, changes, text))
        self.refresh()
        self.changed.emit()
        return True

    def commit_cell(self, indicator: str, period: str, text: str) -> bool:
        from app.services.entry import parse_cell

        g = self.model.grid
        ind = next(i for i in g.indicators if i.code == indicator)
        try:
            change = parse_cell(text, region=g.region, indicator=ind, period=period)
        except IpdeskError as exc:
            self._refuse([exc])
            return False
        return self._apply([change], self.tr("Edit {indicator} {period}").format(indicator=ind.name(current()), period=period))

    def why_read_only(self, index) -> str:
        """Say why the cell at ``index`` takes no typing (status bar and a bubble at the cell)."""
        from PySide6.QtWidgets import QToolTip

        ind = self.model.indicator_at(index.row())
        period = self.model.period_at(index.column())
        if self.model.readonly:
            text = self.tr("The store is open read-only: nothing can be changed here")
        elif ind.derived:
            text = self.tr("This cell is a computed value and cannot be typed in: it follows its components")
        else:
            text = self.tr("{region} {year} is approved and locked: an office head must unlock it before it can "
                           "be changed").format(region=self.window.region_name(self.model.grid.region),
                                                year=period[:4])
        self.message.emit(text)
        rect = self.view.visualRect(index)
        QToolTip.showText(self.view.viewport().mapToGlobal(rect.bottomLeft()), text, self.view.viewport(), rect, 5000)
        return text

    def copy(self):
        """The selected block as tab-separated lines, as Excel and WPS put it on the clipboard (cells
        left out of a ragged selection stay empty), so it pastes into a workbook or back here."""
        chosen = {(i.row(), i.column()) for i in self.view.selectionModel().selectedIndexes()}
        if not chosen:
            cur = self.view.currentIndex()
            if not cur.isValid():
                return
            chosen = {(cur.row(), cur.column())}
        rows = [r for r, _ in chosen]
        cols = [c for _, c in chosen]
        lines = ["\t".join(self.model.plain_text(r, c) if (r, c) in chosen else ""
                           for c in range(min(cols), max(cols) + 1))
                 for r in range(min(rows), max(rows) + 1)]
        QApplication.clipboard().setText("\r\n".join(lines) + "\r\n")
        n = len(chosen)
        self.message.emit(self.tr("Copied {n} cells").format(n=n))

    def paste(self):
        from app.services.entry import parse_block

        cur = self.view.currentIndex()
        if not cur.isValid():
            return
        g = self.model.grid
        computed: list = []
        changes, errors = parse_block(QApplication.clipboard().text(), region=g.region, indicators=g.indicators,
                                      periods=g.periods, start_row=cur.row(), start_col=cur.column(),
                                      locked_years=g.locked_years, skipped=computed)
        if errors:
            self._refuse(errors, title=self.tr("Nothing was pasted"))
            return
        if changes:
            self._apply(changes, self.tr("Paste {n} values").format(n=len(changes)))
        if computed:       # after _apply's own message: this one must be seen
            self.message.emit(self.tr("{n} cells on computed indicators were left alone: they follow their "
                                      "components").format(n=len(computed)))

    def clear_selection(self):
        g = self.model.grid
        from app.models.values import Change

        changes = []
        for idx in self.view.selectionModel().selectedIndexes():
            ind = self.model.indicator_at(idx.row())
            period = self.model.period_at(idx.column())
            if ind.derived or self.model.is_locked(idx.column()) or g.cell(ind.code, period).value is None:
                continue
            changes.append(Change(g.region, ind.code, period, None))
        if changes:
            self._apply(changes, self.tr("Clear {n} values").format(n=len(changes)))

    def _refuse(self, errors, title=None):
        from app.services.place_names import message

        lang = current()
        lines = [message(self.db, e, lang) for e in errors[:12]]
        if len(errors) > 12:
            lines.append(self.tr("… and {n} more").format(n=len(errors) - 12))
        self.message.emit(lines[0])
        box = QMessageBox(QMessageBox.Warning, title or self.tr("Value not saved"), "\n".join(lines),
                          QMessageBox.Ok, self)
        box.setObjectName("refusal")
        box.setToolTip("\n".join(e.place() for e in errors[:12] if e.place()))      # the codes, for the helpdesk
        box.open()       # not exec(): tests and the window keep running

    # ---------------------------------------------------------------- explanations and history
    def _finding_selected(self, item, _prev=None):
        f = item.data(Qt.UserRole) if item else None
        g = self.model.grid
        ok = f is not None and f.severity != "blocking" and g is not None and g.status not in ("approved", "locked")
        self.explain_edit.setEnabled(ok)
        self.explain_button.setEnabled(ok)
        self.explain_edit.setPlainText(f.explanation or "" if f else "")
        if f and f.indicator != "*":
            g = self.model.grid
            row = next((i for i, ind in enumerate(g.indicators) if ind.code == f.indicator), None)
            col = g.periods.index(f.period) if f.period in g.periods else None
            if row is not None and col is not None:
                self.view.selectionModel().setCurrentIndex(self.model.index(row, col), QItemSelectionModel.ClearAndSelect)

    def save_explanation(self):
        item = self.findings.currentItem()
        f = item.data(Qt.UserRole) if item else None
        if f is None:
            return
        from app.models.explain_cell import explain_cell

        try:        # one text for every explain-level finding of the cell (change band and outlier alike)
            explain_cell(self.db, f.region, int(f.period[:4]), f.indicator, f.period, self.explain_edit.toPlainText(),
                         fs=self.model.grid.found)
        except IpdeskError as exc:
            self._refuse([exc])
            return
        self.message.emit(self.tr("Explanation saved"))
        self.refresh()
        self.changed.emit()

    def edit_note(self, note: str | None = None, source: str | None = None) -> bool:
        """The note and source kept with the current value (the value itself unchanged; audited)."""
        idx = self.view.currentIndex()
        if not idx.isValid():
            return False
        g = self.model.grid
        ind, period = self.model.indicator_at(idx.row()), self.model.period_at(idx.column())
        cell = g.cell(ind.code, period)
        if cell.value is None or ind.derived or self.model.is_locked(idx.column()) or self.model.readonly:
            self.message.emit(self.tr("Notes are kept with an entered, editable value."))
            return False
        if note is None:
            from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit

            dlg = QDialog(self)
            dlg.setObjectName("noteDialog")
            dlg.setWindowTitle(self.tr("Note and source: {indicator} {period}").format(indicator=ind.name(current()),
                                                                                     period=period))
            # wide enough for its title (the title bar does not wrap: a narrow dialog cut it)
            dlg.setMinimumWidth(min(900, max(460, dlg.fontMetrics().horizontalAdvance(dlg.windowTitle()) + 140)))
            note_edit, source_edit = QLineEdit(cell.note or "", dlg), QLineEdit(cell.source or "", dlg)
            form = QFormLayout(dlg)
            form.addRow(self.tr("Note on the value"), note_edit)
            form.addRow(self.tr("Source of the figure"), source_edit)
            buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, dlg)
            buttons.accepted.connect(dlg.accept)
            buttons.rejected.connect(dlg.reject)
            form.addRow(buttons)
            if not dlg.exec():
                return False
            note, source = note_edit.text(), source_edit.text()
        from app.models.parse import canonical
        from app.models.values import Change

        change = Change(g.region, ind.code, period, canonical(cell.value), note.strip(), (source or "").strip())
        return self._apply([change], self.tr("Note for {indicator} {period}").format(indicator=ind.name(current()),
                                                                                   period=period))

    def show_history(self):
        idx = self.view.currentIndex()
        if not idx.isValid():
            return
        from app.ui.dialogs import HistoryDialog

        g = self.model.grid
        HistoryDialog(self, self.db, g.region, self.model.indicator_at(idx.row()), self.model.period_at(idx.column())).open()
