"""Qt item models adapting domain rows: the region tree and the entry grid.

The view never holds a copy of the data: the models format in ``data()`` (thousands
separators, right-aligned numbers, tooltips with the check message and clause) and keep
the raw value in ``EditRole``.
"""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QCoreApplication, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from app.models.catalogue import Region
from app.models.parse import format_value
from app.services.browse import child_regions, find_region, parent_codes, path_to, top_regions
from app.ui.i18n import current

BLOCKING = QColor("#f6c6c6")
EXPLAIN = QColor("#fbe3a8")
EXPLAINED = QColor("#fdf3d8")
MET = QColor("#cfeccf")
LOCKED_TEXT = QColor("#555555")
DERIVED = QColor("#eef2f7")
STATUS_COLOR = {"draft": "#b0b0b0", "complete": "#2e86c1", "submitted": "#8e44ad", "approved": "#27ae60",
                "locked": "#1e8449"}
LEVEL_ZH = {"nation": "全国", "province": "省级", "prefecture": "地市", "county": "区县", "unit": "单位"}


_LOCK = []


def lock_icon():
    """A small padlock drawn once (no emoji: fonts may lack it), shown on locked year columns."""
    if not _LOCK:
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QIcon, QPainter, QPen, QPixmap

        pm = QPixmap(14, 14)
        pm.fill(Qt.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.Antialiasing)
        p.setPen(QPen(QColor("#555555"), 1.6))
        p.drawArc(QRectF(3.5, 1.5, 7, 8), 0, 180 * 16)
        p.setPen(Qt.NoPen)
        p.setBrush(QColor("#555555"))
        p.drawRoundedRect(QRectF(2, 6, 10, 7), 1.5, 1.5)
        p.end()
        _LOCK.append(QIcon(pm))
    return _LOCK[0]


_TREE_DISPLAY, _TREE_DECORATION, _TREE_TOOLTIP, _TREE_USER = (int(Qt.DisplayRole), int(Qt.DecorationRole),
                                                              int(Qt.ToolTipRole), int(Qt.UserRole))
FILLED_ROLE = int(Qt.UserRole) + 1      # the tree's badge: "95%" of the values owed at and below a region
_SELECTED = QStyle.State_Selected
_RIGHT_MIDDLE = int(Qt.AlignRight | Qt.AlignVCenter)


class FilledBadge(QStyledItemDelegate):
    """Draws the region tree's completeness badge (FILLED_ROLE) right-aligned after the name: grey when
    every value owed at and below the region is in, dark orange when some are missing."""

    _font = None
    FULL, MISSING = QColor("#8a8a8a"), QColor("#b35900")

    def paint(self, painter, option, index):
        super().paint(painter, option, index)
        text = index.model().data(index, FILLED_ROLE)
        if not text:
            return
        if self._font is None:
            self._font = QFont(option.font)
            self._font.setPointSizeF(max(6.0, self._font.pointSizeF() * 0.85))
        painter.save()
        painter.setFont(self._font)
        if option.state & _SELECTED:
            painter.setPen(option.palette.highlightedText().color())
        else:
            painter.setPen(self.FULL if text == "100%" else self.MISSING)
        painter.drawText(option.rect.adjusted(0, 0, -4, 0), _RIGHT_MIDDLE, text)
        painter.restore()


class RegionTreeModel(QAbstractItemModel):
    """The region tree (nation → provinces → cities → counties/units), read from the store as Qt
    asks for it: a start shows the nation, its provinces and the path to the chosen region
    (about 60 of a nation's 3,300 regions), and a branch is read when it is first opened."""

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.status: dict[str, str] = {}
        self._dots: dict[str, object] = {}
        self.year: int | None = None
        self._filled_stale = False
        self.filled = None                # completeness.Completeness of the year (made after the first paint)
        self._read_state()

    def _read_state(self) -> None:
        from app.models.db import reference_rev

        self.rev = reference_rev(self.db)           # regions added or moved since bump it: see stale()
        self.regions: dict[str, Region] = {}         # the regions read so far
        self.kids: dict[str | None, list[str]] = {}  # parent (None: the top) -> children, read per parent
        self.codes: list[str] = []
        self.ids: dict[str, int] = {}
        self.row_of: dict[str, int] = {}
        # which regions have children (one pass over the parent index, no rows read)
        self.parents = parent_codes(self.db)
        self._shown: dict = {}            # (id, role, language) -> name or dot: the view asks again at every paint
        self._up: dict[int, tuple] = {}   # id -> (parent's row, parent's id), or () under the root

    def stale(self) -> bool:
        """Have regions been added or moved in the store since they were read (a unit received in a
        package, divisions imported by the CLI)? Branches read before and after would disagree."""
        from app.models.db import reference_rev

        return reference_rev(self.db) != self.rev

    def reread(self) -> None:
        """Forget every branch read and start again from the store (views are told: a reset)."""
        self.beginResetModel()
        self._read_state()
        self.endResetModel()

    def _children(self, code: str | None) -> list[str]:
        kids = self.kids.get(code)
        if kids is None:
            # the top: regions without a parent, or whose parent is not in the store
            rows = top_regions(self.db) if code is None else child_regions(self.db, code)
            kids = self.kids[code] = []
            for r in rows:
                if r.code not in self.ids:
                    self.codes.append(r.code)
                    self.ids[r.code] = len(self.codes)
                self.regions[r.code] = r
                self.row_of[r.code] = len(kids)
                kids.append(r.code)
        return kids

    def region(self, code: str) -> Region | None:
        """The region ``code`` (read from the store if its branch has not been opened yet)."""
        r = self.regions.get(code)
        if r is None:
            r = find_region(self.db, code)
        return r

    def set_statuses(self, status: dict[str, str], year: int | None = None) -> None:
        """Workflow status per region for the selected year (drawn as a coloured dot and in the tooltip);
        the year's completeness follows once the window has painted."""
        self.status = status
        self._shown = {}
        if year is not None:
            self.year = year
        self.values_changed()
        top = self._children(None)
        if top:
            self.dataChanged.emit(self.index(0, 0), self.index(len(top) - 1, 0))

    def values_changed(self) -> None:
        """Values may have changed: read the completeness again (kept per year until the store's next
        audited change, so a dictionary lookup when nothing changed) — never before the tree's first
        paint (the window's first screen does without NumPy, see MainWindow.event)."""
        if self.year is None:
            return
        self._filled_stale = True
        if getattr(self, "_painted", False):
            self._schedule_filled()

    def _schedule_filled(self) -> None:
        if getattr(self, "_filled_pending", False):
            return
        from PySide6.QtCore import QTimer

        self._filled_pending = True
        QTimer.singleShot(0, self, self._read_filled)

    def _read_filled(self) -> None:
        from app.services.views import completeness_of

        self._filled_pending = self._filled_stale = False
        if self.year is None or getattr(QObject.parent(self), "_store_closed", False):     # (another store opened)
            return
        filled = completeness_of(self.db, self.year)
        if filled is self.filled:
            return
        self.filled = filled
        self._shown = {k: v for k, v in self._shown.items() if k[1] != FILLED_ROLE}
        for parent, kids in list(self.kids.items()):        # the rows read so far: the views repaint them
            if kids:
                top = QModelIndex() if parent is None else self.index_of(parent)
                self.dataChanged.emit(self.index(0, 0, top), self.index(len(kids) - 1, 0, top))

    def filled_text(self, code: str) -> str:
        """The badge: the share of the values owed at and below ``code`` that are in ("" if none owed)."""
        if self.filled is None:
            return ""
        return self.filled.below(code).percent()

    def _dot(self, status: str):
        if status not in self._dots:
            from PySide6.QtGui import QIcon, QPainter, QPixmap

            pm = QPixmap(12, 12)
            pm.fill(Qt.transparent)
            p = QPainter(pm)
            p.setRenderHint(QPainter.Antialiasing)
            p.setBrush(QColor(STATUS_COLOR[status]))
            p.setPen(Qt.NoPen)
            p.drawEllipse(1, 1, 10, 10)
            p.end()
            self._dots[status] = QIcon(pm)
        return self._dots[status]

    def _code(self, index: QModelIndex) -> str | None:
        return self.codes[index.internalId() - 1] if index.isValid() else None

    def code(self, index: QModelIndex) -> str | None:
        return self._code(index)

    def index(self, row, column, parent=QModelIndex()):
        kids = self._children(self._code(parent))
        if not (0 <= row < len(kids)) or column != 0:
            return QModelIndex()
        return self.createIndex(row, column, self.ids[kids[row]])

    def index_of(self, code: str) -> QModelIndex:
        if code not in self.ids:
            # read the branches from the top down to ``code``
            chain = path_to(self.db, code)
            self._children(None)
            for c in chain[:-1]:
                if c in self.ids:
                    self._children(c)
            if code not in self.ids:
                return QModelIndex()
        return self.createIndex(self.row_of[code], 0, self.ids[code])

    def parent(self, index=QModelIndex()):
        """(asked for every row at every paint: the parent's row and id are looked up once per region)"""
        iid = index.internalId() if index.isValid() else 0
        up = self._up.get(iid)
        if up is None:
            code = self.codes[iid - 1] if iid else None
            p = self.regions[code].parent if code else None
            up = self._up[iid] = (self.row_of[p], self.ids[p]) if p in self.ids else ()
        return self.createIndex(up[0], 0, up[1]) if up else QModelIndex()

    def rowCount(self, parent=QModelIndex()):
        if parent.column() > 0:
            return 0
        return len(self._children(self._code(parent)))

    def columnCount(self, parent=QModelIndex()):
        return 1

    def hasChildren(self, parent=QModelIndex()):
        code = self._code(parent)
        return code is None or code in self.parents

    def data(self, index, role=Qt.DisplayRole):
        role = int(role)       # (ints: comparing with Qt.DisplayRole costs an attribute lookup and an enum)
        if role == _TREE_DISPLAY or role == _TREE_DECORATION:
            key = (index.internalId(), role, current())
            shown = self._shown.get(key, self)
            if shown is self:
                if not index.isValid():
                    return None
                r = self.regions[self._code(index)]
                if role == _TREE_DISPLAY:
                    shown = r.name(key[2])
                else:
                    shown = self._dot(self.status[r.code]) if r.code in self.status else None
                self._shown[key] = shown
            return shown
        if role == FILLED_ROLE:
            if not getattr(self, "_painted", False) or self._filled_stale:    # asked by a paint: read after it
                self._painted = True
                if self._filled_stale:
                    self._schedule_filled()
            key = (index.internalId(), role, "")
            shown = self._shown.get(key)
            if shown is None:
                shown = self._shown[key] = self.filled_text(self._code(index)) if index.isValid() else ""
            return shown
        if (role != _TREE_TOOLTIP and role != _TREE_USER) or not index.isValid():
            return None
        r = self.regions[self._code(index)]
        if role == _TREE_TOOLTIP:
            from app.models.states import status_label

            level = LEVEL_ZH.get(r.level, r.level) if current() == "zh" else r.level
            st = status_label(self.status.get(r.code, "draft"), current())
            tip = f"{r.name_zh} {r.name_en}\n{r.code} · {level} · {st}"
            if self.filled is not None:
                own, below = self.filled.of(r.code), self.filled.below(r.code)
                parts = [QCoreApplication.translate("RegionTreeModel", "own values {n} / {m} ({p})").format(
                    n=own.entered, m=own.expected, p=own.percent()) if own is not None and own.expected
                    else QCoreApplication.translate("RegionTreeModel", "not expected to report")]
                if below.expected and (own is None or below != own):
                    parts.append(QCoreApplication.translate("RegionTreeModel", "with the regions below {n} / {m} ({p})").format(
                        n=below.entered, m=below.expected, p=below.percent()))
                tip += "\n" + QCoreApplication.translate("RegionTreeModel", "Values entered: ") + "; ".join(parts)
            return tip
        return r.code          # UserRole


_DISPLAY, _EDIT, _ALIGN, _BACKGROUND, _FOREGROUND, _FONT, _TOOLTIP = (
    int(Qt.DisplayRole), int(Qt.EditRole), int(Qt.TextAlignmentRole), int(Qt.BackgroundRole), int(Qt.ForegroundRole),
    int(Qt.FontRole), int(Qt.ToolTipRole))
_ROLES = {_DISPLAY, _EDIT, _ALIGN, _BACKGROUND, _FOREGROUND, _FONT, _TOOLTIP}
_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
_VERTICAL = Qt.Vertical
_DECORATION = int(Qt.DecorationRole)
_HEADER_ROLES = {_DISPLAY, _DECORATION, _TOOLTIP}
_READ_ONLY = Qt.ItemIsEnabled | Qt.ItemIsSelectable
_EDITABLE = _READ_ONLY | Qt.ItemIsEditable
_BRUSH = {"blocking": QBrush(BLOCKING), "explain": QBrush(EXPLAIN), "explained": QBrush(EXPLAINED), "met": QBrush(MET),
          "derived": QBrush(DERIVED), "locked": QBrush(LOCKED_TEXT)}
_FONTS: list = []


def _italic():
    if not _FONTS:
        f = QFont()
        f.setItalic(True)
        _FONTS.append(f)
    return _FONTS[0]


class _Empty:
    value = computed = note = source = status = updated_by = updated_at = target_met = expected = None
    findings: tuple = ()


_EMPTY = _Empty()


class GridModel(QAbstractTableModel):
    """Indicators (rows) × periods (columns) of one region, over :class:`app.services.views.Grid`.

    Edits are not written here: ``commit(indicator, period, text)`` (set by the page) parses
    and writes through the core's one write path with undo.
    """

    editFailed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = None
        self.commit = None
        self.readonly = False            # the whole store is open read-only
        self._cache: dict = {}
        self._headers: dict = {}         # (section, orientation, role, language) -> value
        self._starts: dict[int, object] = {}     # row -> its Indicator, for the first row of each catalogue section

    def set_grid(self, grid) -> None:
        """Show ``grid``. A grid of the same shape (another city of the same level, the same region
        after an edit) updates in place: the cursor stays on its indicator and period, and the
        headers keep their sizes instead of being measured again."""
        self._cache = {}
        self._starts = {}
        prev = None
        for row, ind in enumerate(grid.indicators if any(i.section for i in grid.indicators) else ()):
            if ind.section != prev:
                self._starts[row] = ind
            prev = ind.section
        old = self.grid
        if old is not None and old.periods == grid.periods and \
                [i.code for i in old.indicators] == [i.code for i in grid.indicators]:
            # the indicator names (rows) stay; the periods' lock marks may not
            self._headers = {k: v for k, v in self._headers.items() if k[1]}
            self.grid = grid
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Horizontal, 0, self.columnCount() - 1)
            return
        self._headers = {}
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() or self.grid is None else len(self.grid.indicators)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() or self.grid is None else len(self.grid.periods)

    def section_title(self, row: int) -> str | None:
        """The name of the section that starts at ``row`` (专利创造, …: drawn as a band above the row,
        no row of its own, so the keys and paste move over indicators only), else None."""
        ind = self._starts.get(row)
        if ind is None:
            return None
        return ind.section_name(current()) or QCoreApplication.translate("GridModel", "Other indicators")

    def indicator_at(self, row: int):
        return self.grid.indicators[row]

    def period_at(self, column: int) -> str:
        return self.grid.periods[column]

    def plain_text(self, row: int, column: int) -> str:
        """The cell for the clipboard: the number as stored (no grouping, every decimal), a derived
        figure at its indicator's decimals, "" where there is none — what Excel and WPS read back."""
        ind = self.grid.indicators[row]
        cell = self.grid.cells.get((ind.code, self.grid.periods[column])) or _EMPTY
        if ind.derived and cell.computed is not None:     # exactly as shown (half up), without the grouping
            return self._data(row, column, _DISPLAY).replace(",", "")
        return "" if cell.value is None else format(cell.value, "f")

    def has_note(self, row: int, column: int) -> bool:
        """Does the value carry a note (drawn as a small triangle in the corner, as Excel does)? A source
        alone is not marked: imported and demo values all name theirs."""
        cell = self.grid.cells.get((self.grid.indicators[row].code, self.grid.periods[column]))
        return cell is not None and bool(cell.note)

    def is_locked(self, column: int) -> bool:
        return int(self.grid.periods[column][:4]) in self.grid.locked_years

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        if self.readonly or self.indicator_at(index.row()).derived or self.is_locked(index.column()):
            return _READ_ONLY
        return _EDITABLE

    def data(self, index, role=Qt.DisplayRole):
        """Formatted per role; everything but tooltips is cached until the grid changes."""
        if self.grid is None or not index.isValid():
            return None
        role = int(role)
        if role not in _ROLES:
            return None
        key = (index.row(), index.column(), role)
        cache = self._cache
        if key in cache:
            return cache[key]
        value = self._data(index.row(), index.column(), role)
        if role != _TOOLTIP:      # tooltips are built on hover only
            cache[key] = value
        return value

    def _data(self, row, column, role):
        ind = self.grid.indicators[row]
        period = self.grid.periods[column]
        cell = self.grid.cells.get((ind.code, period)) or _EMPTY
        if role == _DISPLAY:
            if ind.derived and cell.computed is not None:
                return format_value(Decimal(repr(round(cell.computed, ind.decimals + 4))), ind.decimals)
            return "" if cell.value is None else format_value(cell.value, ind.decimals)
        if role == _EDIT:
            return "" if cell.value is None else format(cell.value, "f")
        if role == _ALIGN:
            return _RIGHT
        if role == _BACKGROUND:
            sev = {f.severity for f in cell.findings}
            if "blocking" in sev:
                return _BRUSH["blocking"]
            if any(f.severity == "explain" and not f.explanation for f in cell.findings):
                return _BRUSH["explain"]
            if "explain" in sev:
                return _BRUSH["explained"]
            if cell.target_met:
                return _BRUSH["met"]
            return _BRUSH["derived"] if ind.derived else None
        if role == _FOREGROUND:
            return _BRUSH["locked"] if self.is_locked(column) else None
        if role == _FONT:
            return _italic() if ind.derived else None
        if role == _TOOLTIP:
            return self._tooltip(ind, period, cell, column)
        return None

    def _tooltip(self, ind, period, cell, column) -> str:
        lang = current()
        lines = []
        for f in cell.findings:
            head = {"blocking": QCoreApplication.translate("GridModel", "Blocking"), "explain": QCoreApplication.translate("GridModel", "Needs explanation"),
                    "info": QCoreApplication.translate("GridModel", "Note")}[f.severity]
            text = f"{head}: {f.message(lang)}"
            if f.clause:
                text += f" [{f.document} {f.clause}]"
            if f.explanation:
                text += "\n  " + QCoreApplication.translate("GridModel", "Explanation: ") + f.explanation
            lines.append(text)
        if cell.target_met:
            lines.append(QCoreApplication.translate("GridModel", "Target met"))
        if cell.expected is not None:
            lines.append(self.range_text(ind, cell.expected))
        if ind.derived:
            lines.append(QCoreApplication.translate("GridModel", "Computed from {formula}").format(formula=ind.formula))
            if cell.value is not None:
                lines.append(QCoreApplication.translate("GridModel", "Entered: {value}").format(value=format_value(cell.value, ind.decimals)))
        if cell.note:
            lines.append(QCoreApplication.translate("GridModel", "Note: ") + cell.note)
        if cell.source:
            lines.append(QCoreApplication.translate("GridModel", "Source: ") + cell.source)
        if cell.updated_by:
            from app.ui.shown import when

            lines.append(QCoreApplication.translate("GridModel", "Last change: {who}, {when}").format(who=cell.updated_by, when=when(cell.updated_at)))
        if self.is_locked(column):
            lines.append(QCoreApplication.translate("GridModel", "Approved and locked: read-only"))
        return "\n".join(lines) or None

    @staticmethod
    def range_text(ind, rng) -> str:
        """合理范围：300,000 – 380,000（较上年 ±30%）: the checks' own range (bands.expected_range)."""
        lo, hi = rng.text(ind.decimals)
        if rng.band is None:
            basis = QCoreApplication.translate("GridModel", "allowed values")
        elif rng.small:
            from app.models.bands import SMALL_COUNT      # (hovering only: NumPy is loaded by then)

            basis = QCoreApplication.translate("GridModel", "last year below {n}: a change is judged from {n} up").format(n=SMALL_COUNT)
        elif rng.unit == "points":
            basis = (QCoreApplication.translate("GridModel", "last year ±{band} percentage points") if ind.kind == "percent"
                     else QCoreApplication.translate("GridModel", "last year ±{band} points")).format(band=f"{rng.band:g}")
        else:
            basis = QCoreApplication.translate("GridModel", "last year ±{band}%").format(band=f"{rng.band:g}")
        return QCoreApplication.translate("GridModel", "Plausible range: {lo} – {hi} ({basis})").format(lo=lo, hi=hi, basis=basis)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        """Cached like data(): a header is measured and painted from every role, again and again."""
        if self.grid is None:
            return None
        key = (section, orientation == _VERTICAL, int(role), current())    # (hashing Qt's enums is slow)
        headers = self._headers
        if key in headers:
            return headers[key]
        value = headers[key] = self._header(*key)
        return value

    def _header(self, section: int, vertical: bool, role: int, lang: str):
        if role not in _HEADER_ROLES:
            return None
        if not vertical:
            period = self.grid.periods[section]
            if role == _DISPLAY:
                return f"{period}年" if lang == "zh" and len(period) == 4 else period
            if role == _DECORATION and self.is_locked(section):
                return lock_icon()
            if role == _TOOLTIP and self.is_locked(section):
                return QCoreApplication.translate("GridModel", "Approved and locked: read-only")
            return None
        ind = self.grid.indicators[section]
        if role == _DISPLAY:
            return f"{ind.name(lang)}（{ind.unit(lang)}）" if lang == "zh" else f"{ind.name(lang)} ({ind.unit(lang)})"
        if role == _TOOLTIP:
            unit_word = QCoreApplication.translate("GridModel", "Unit")
            parts = [f"{ind.name_zh} · {ind.name_en}", f"{ind.code} · {unit_word}: {ind.unit(lang)}"]
            if ind.formula:
                parts.append(QCoreApplication.translate("GridModel", "Formula: ") + ind.formula)
            if ind.note:
                parts.append(QCoreApplication.translate("GridModel", "Definition: ") + ind.note)
            parts.append(QCoreApplication.translate("GridModel", "Source: indicator catalogue (CNIPA guideline 2022, 14th FYP)"))
            return "\n".join(parts)
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or not index.isValid() or self.commit is None:
            return False
        ind = self.indicator_at(index.row())
        text = "" if value is None else str(value)
        current_raw = self.data(index, Qt.EditRole)
        if text.strip() == current_raw:
            return False
        return bool(self.commit(ind.code, self.period_at(index.column()), text))

    def finding_summary(self) -> dict:
        counts = {"blocking": 0, "explain": 0, "info": 0}
        for f in self.grid.findings if self.grid else []:
            counts[f.severity] += 1
        return counts
