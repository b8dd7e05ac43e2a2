"""Qt item models of the 任务 page: the task tree (article → clause → task → the tasks decomposed from
it) and the progress grid (regions × periods). They format in ``data()`` and keep the rows the
services give (:mod:`app.services.task_views`); an overdue task is red (``ForegroundRole``) on a
pale red ground (``BackgroundRole``)."""
from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.ui.i18n import current

OVERDUE_TEXT = QColor("#c0392b")
OVERDUE_GROUND = QColor("#fde2df")
STATE_GROUND = {"done": QColor("#cfeccf"), "in_progress": QColor("#e3eefb"), "late": QColor("#fbe3a8"),
                "cancelled": QColor("#e6e6e6")}
NOT_HERE = QColor("#f2f2f2")
GREY = QColor("#888888")


def _cn(n: int) -> str:
    from app.services.results_report import cn_number

    return cn_number(n)


class TaskTreeModel(QAbstractItemModel):
    """The task tree of a region-year; columns: task, responsible party, assigned to, due, state."""

    COLUMNS = 5

    def __init__(self, parent=None):
        super().__init__(parent)
        self.nodes: list = []

    def set_nodes(self, nodes) -> None:
        self.beginResetModel()
        self.nodes = nodes
        self.endResetModel()

    # ---------------------------------------------------------------- structure
    def _kids(self, node):
        return self.nodes if node is None else node.children

    def node(self, index):
        return index.internalPointer() if index.isValid() else None

    def index(self, row, column, parent=QModelIndex()):
        kids = self._kids(self.node(parent))
        if not 0 <= row < len(kids) or not 0 <= column < self.COLUMNS:
            return QModelIndex()
        return self.createIndex(row, column, kids[row])

    def parent(self, index=QModelIndex()):
        node = self.node(index)
        up = node.parent if node is not None else None
        if up is None:
            return QModelIndex()
        siblings = self._kids(up.parent)
        return self.createIndex(next(i for i, n in enumerate(siblings) if n is up), 0, up)

    def rowCount(self, parent=QModelIndex()):
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._kids(self.node(parent)))

    def columnCount(self, parent=QModelIndex()):
        return self.COLUMNS

    def index_of(self, task_id: str, nodes=None, parent=QModelIndex()) -> QModelIndex:
        for i, n in enumerate(self.nodes if nodes is None else nodes):
            idx = self.index(i, 0, parent)
            if n.kind == "task" and n.key == task_id:
                return idx
            found = self.index_of(task_id, n.children, idx)
            if found.isValid():
                return found
        return QModelIndex()

    # ---------------------------------------------------------------- data
    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return (self.tr("Task"), self.tr("Responsible"), self.tr("Assigned to"), self.tr("Due"),
                    self.tr("State"))[section]
        return None

    def _label(self, node) -> str:
        zh = current() == "zh"
        if node.kind == "article":
            return self.tr("Part {n}").format(n=_cn(int(node.key)) if zh and node.key.isdigit() else node.key)
        if node.kind == "clause":
            return self.tr("Clause {clause}").format(clause=node.key)
        if node.kind == "own":
            return self.tr("Own tasks")
        if node.kind == "above":
            return self.tr("Assigned from above")
        t = node.row.task
        text = t.short(60) if zh else (t.text_en or t.short(60))
        if t.article:
            return text
        if t.owner == node.row.region:
            return self.tr("{text} (own task)").format(text=text)
        return self.tr("{text} (assigned)").format(text=text)

    def data(self, index, role=Qt.DisplayRole):
        node = self.node(index)
        if node is None:
            return None
        col = index.column()
        r = node.row
        if role == Qt.DisplayRole:
            if col == 0:
                return self._label(node)
            if r is None:
                return ""
            return self.cell(r, col)
        if role == Qt.ToolTipRole and r is not None:
            t = r.task
            lines = [t.text_zh if current() == "zh" else (t.text_en or t.text_zh)]
            if t.document_zh:
                lines.append(f"{t.document_zh} {t.clause}".strip())
            lines.append(self.tr("Task id: {id}").format(id=t.id))
            if r.period:
                lines.append(self.tr("Last reported: {period}").format(period=r.period))
            if r.overdue:
                lines.append(self.tr("Overdue: due {due}, not done").format(due=r.due))
            return "\n".join(lines)
        if r is None:
            if role == Qt.FontRole:
                f = QFont()
                f.setBold(True)
                return f
            return None
        if role == Qt.ForegroundRole and r.overdue:
            return QBrush(OVERDUE_TEXT)
        if role == Qt.BackgroundRole and r.overdue:
            return QBrush(OVERDUE_GROUND)
        if role == Qt.UserRole:
            return r.task.id
        return None

    def cell(self, r, col: int) -> str:
        from app.models.tasks import state_label

        lang = current()
        if col == 1:
            return r.task.responsible_zh if lang == "zh" else (r.task.responsible_en or r.task.responsible_zh)
        if col == 2:
            sep = "、" if lang == "zh" else ", "
            return sep.join(f"{a['name']} {a['due'][5:]}" for a in r.assignees)
        if col == 3:
            return r.due
        state = state_label(r.state, lang)
        if r.percent is not None and r.state != "done":
            state += f" {r.percent}%"
        if r.overdue:
            state += self.tr(" (overdue)")
        return state


class ProgressGridModel(QAbstractTableModel):
    """The progress of one task: the region and its regions below × Q1, Q2, H1, Q3, Q4, H2 and the year.
    ``commit(row, column, text)`` (set by the page) writes an edited cell."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.lines: list = []
        self.year = None
        self.readonly = False
        self.commit = None

    def set_lines(self, lines, year: int) -> None:
        """Show ``lines``; the same regions and year again (after an edit) update in place: the editor
        closing and the cursor are left alone."""
        if self.lines and [ln.region for ln in lines] == [ln.region for ln in self.lines] and self.year == int(year):
            self.lines = lines
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
            return
        self.beginResetModel()
        self.lines, self.year = lines, int(year)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=QModelIndex()):
        from app.services.task_views import PERIODS

        return 0 if parent.isValid() else len(PERIODS)

    def period_at(self, column: int) -> str:
        from app.services.task_views import PERIODS

        return f"{self.year}{PERIODS[column]}"

    def cell_at(self, row: int, column: int):
        from app.services.task_views import PERIODS

        return self.lines[row].cells.get(PERIODS[column])

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Vertical:
            line = self.lines[section]
            return line.name if current() == "zh" else line.name_en
        from app.services.task_views import PERIODS

        return {"Q1": self.tr("Q1"), "Q2": self.tr("Q2"), "H1": self.tr("First half"), "Q3": self.tr("Q3"),
                "Q4": self.tr("Q4"), "H2": self.tr("Second half"), "": self.tr("Year")}[PERIODS[section]]

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        base = Qt.ItemIsSelectable | Qt.ItemIsEnabled
        line = self.lines[index.row()]
        if line.applies and not line.locked and not self.readonly:
            base |= Qt.ItemIsEditable
        return base

    def data(self, index, role=Qt.DisplayRole):
        from app.services.task_views import cell_text

        if not index.isValid():
            return None
        line = self.lines[index.row()]
        cell = self.cell_at(index.row(), index.column())
        if role in (Qt.DisplayRole, Qt.EditRole):
            if not line.applies:
                return "—" if role == Qt.DisplayRole else ""
            text = cell_text(cell)
            if role == Qt.DisplayRole and cell and current() != "zh":
                from app.models.tasks import state_label

                text = state_label(cell["state"], "en") + text[len(cell["state_zh"]):]
            if role == Qt.DisplayRole and cell and cell["evidence"]:
                text += " · " + self.tr("{n} files").format(n=len(cell["evidence"]))
            return text
        if role == Qt.BackgroundRole:
            if not line.applies:
                return QBrush(NOT_HERE)
            if cell:
                return QBrush(STATE_GROUND.get(cell["state"], QColor("white")))
            return None
        if role == Qt.ForegroundRole and (line.locked or not line.applies):
            return QBrush(GREY)
        if role == Qt.ToolTipRole:
            if not line.applies:
                return self.tr("This task does not apply to {region}").format(region=line.name)
            if not cell:
                return self.tr("Type a state (未开始 / 推进中 / 已完成 / 滞后 / 取消) and/or a percentage, e.g. 推进中 60%")
            parts = [f"{self.period_at(index.column())} {cell['state_zh']}"]
            for key, label in (("milestone", self.tr("Milestone")), ("text", self.tr("Progress")),
                               ("person", self.tr("Person")), ("reason", self.tr("Reason"))):
                if cell.get(key):
                    parts.append(f"{label}: {cell[key]}")
            if cell["evidence"]:
                parts.append(self.tr("Evidence: {n} file(s)").format(n=len(cell["evidence"])))
            parts.append(f"{cell['updated_by']} {cell['updated_at'][:16].replace('T', ' ')}")
            return "\n".join(parts)
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignCenter)
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or not index.isValid() or self.commit is None:
            return False
        return bool(self.commit(index.row(), index.column(), str(value)))
