"""Every finding below a region in one list (as DHIS2's validation rule analysis): filter by severity,
rule, region, indicator and explanation, sort by any column, and Enter or a double-click opens the cell
in the entry grid."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QTableView, QVBoxLayout, QWidget)

from app.ui.i18n import Retranslating, current
from app.ui.look import page_title


SEVERITY_ORDER = {"blocking": 0, "explain": 1, "info": 2}
SEVERITY_COLOR = {"blocking": QColor("#f6c6c6"), "explain": QColor("#fbe3a8"), "info": QColor("#e6e6e6")}
_DISPLAY, _SORT, _TOOLTIP, _BACKGROUND = (int(Qt.DisplayRole), int(Qt.UserRole), int(Qt.ToolTipRole),
                                         int(Qt.BackgroundRole))
COLUMNS = ("region", "indicator", "period", "rule", "severity", "message", "explained")


def rule_words() -> dict[str, str]:
    """A rule in words (never its id)."""
    return {
        "range": QCoreApplication.translate("ViolationsModel", "Value out of range"),
        "le": QCoreApplication.translate("ViolationsModel", "Part larger than its whole"),
        "derived": QCoreApplication.translate("ViolationsModel", "Computed value differs"),
        "required": QCoreApplication.translate("ViolationsModel", "Required value missing"),
        "quarters": QCoreApplication.translate("ViolationsModel", "Quarters disagree with the year"),
        "months": QCoreApplication.translate("ViolationsModel", "Months disagree with the year"),
        "yoy": QCoreApplication.translate("ViolationsModel", "Change beyond the plausible band"),
        "outlier": QCoreApplication.translate("ViolationsModel", "Unusual against past changes"),
        "sum": QCoreApplication.translate("ViolationsModel", "Differs from the sum of the regions below"),
        "falling": QCoreApplication.translate("ViolationsModel", "Fell where a target asks for growth"),
        "benford": QCoreApplication.translate("ViolationsModel", "First digits unusual (Benford)"),
    }


def severity_words() -> dict[str, str]:
    return {"blocking": QCoreApplication.translate("ViolationsModel", "Blocking"),
            "explain": QCoreApplication.translate("ViolationsModel", "Needs explanation"),
            "info": QCoreApplication.translate("ViolationsModel", "Note")}


class ViolationsModel(QAbstractTableModel):
    """The findings of :func:`app.services.views.violations`, one row each; texts made when asked."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.data_ = None
        self.items: list = []

    def set_violations(self, v) -> None:
        self.beginResetModel()
        self.data_, self.items = v, list(v.items)
        self._sort_items()
        self.endResetModel()

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        """Sorted here with a key per row (the proxy's pairwise comparisons would ask data() some
        ten thousand times for a nation's list)."""
        self._sorted = (column, order)
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        before = [self.items[i.row()] for i in old]
        self._sort_items()
        at = {id(f): n for n, f in enumerate(self.items)}
        self.changePersistentIndexList(old, [self.index(at[id(f)], i.column()) for f, i in zip(before, old)])
        self.layoutChanged.emit()

    def _sort_items(self) -> None:
        column, order = getattr(self, "_sorted", (4, Qt.AscendingOrder))
        col = COLUMNS[column]
        if col == "severity":
            def key(f):
                return SEVERITY_ORDER[f.severity], f.region, f.indicator, f.period
        elif col == "region":
            def key(f):
                return f.region, SEVERITY_ORDER[f.severity], f.indicator, f.period
        else:
            texts = {id(f): self.text(n, column) for n, f in enumerate(self.items)}

            def key(f):
                return texts[id(f)], f.region
        self.items.sort(key=key, reverse=order == Qt.DescendingOrder)

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(COLUMNS)

    def finding(self, row: int):
        return self.items[row]

    def region_name(self, code: str) -> str:
        names = self.data_.names.get(code)
        return code if names is None else names[0] if current() == "zh" else names[1]

    def indicator_name(self, f) -> str:
        ind = self.data_.catalogue.get(f.indicator)
        if ind is None:
            if f.rule == "benford":
                return QCoreApplication.translate("ViolationsModel", "All count indicators")
            return QCoreApplication.translate("ViolationsModel", "All required indicators")
        return ind.name(current())

    def text(self, row: int, column: int) -> str:
        f = self.items[row]
        col = COLUMNS[column]
        if col == "region":
            return self.region_name(f.region)
        if col == "indicator":
            return self.indicator_name(f)
        if col == "period":
            return f.period
        if col == "rule":
            return rule_words().get(f.rule, f.rule)
        if col == "severity":
            return severity_words()[f.severity]
        if col == "message":
            return f.message(current())
        if f.severity != "explain":
            return ""
        if f.explanation:
            return QCoreApplication.translate("ViolationsModel", "Explained")
        return QCoreApplication.translate("ViolationsModel", "Not yet")

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        role = int(role)
        f = self.items[index.row()]
        col = COLUMNS[index.column()]
        if role == _DISPLAY:
            return self.text(index.row(), index.column())
        if role == _SORT:                    # sort key
            if col == "severity":
                return SEVERITY_ORDER[f.severity]
            if col == "region":
                return f.region                       # codes sort regions in their administrative order
            return self.text(index.row(), index.column())
        if role == _TOOLTIP:
            tip = f.message(current()) + f"\n{f.region} · {f.indicator} · {f.period}"
            if f.clause:
                tip = f"{f.document} {f.clause}\n" + tip
            if f.explanation:
                tip = QCoreApplication.translate("ViolationsModel", "Explanation: ") + f.explanation + "\n" + tip
            return tip if col in ("message", "explained", "region", "indicator") else None
        if role == _BACKGROUND and col == "severity":
            return QBrush(SEVERITY_COLOR[f.severity])
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation != Qt.Horizontal or int(role) != int(Qt.DisplayRole):
            return None
        return (
            QCoreApplication.translate("ViolationsModel", "Region"),
            QCoreApplication.translate("ViolationsModel", "Indicator"),
            QCoreApplication.translate("ViolationsModel", "Period"),
            QCoreApplication.translate("ViolationsModel", "Rule"),
            QCoreApplication.translate("ViolationsModel", "Severity"),
            QCoreApplication.translate("ViolationsModel", "What was found"),
            QCoreApplication.translate("ViolationsModel", "Explained?"),
        )[section]


class ViolationsFilter(QSortFilterProxyModel):
    """Severity, rule, region text (name or code), indicator, unexplained only."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.severity = self.rule = self.indicator = None
        self.region_text = ""
        self.unexplained = False

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        """The source sorts itself (ViolationsModel.sort); the proxy keeps its order."""
        self.sourceModel().sort(column, order)

    def set(self, **kw) -> None:
        self.beginFilterChange()
        for k, v in kw.items():
            setattr(self, k, v)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row, parent):
        src = self.sourceModel()
        f = src.finding(row)
        if self.severity and f.severity != self.severity:
            return False
        if self.rule and f.rule != self.rule:
            return False
        if self.indicator and f.indicator != self.indicator:
            return False
        if self.unexplained and not (f.severity == "explain" and not f.explanation):
            return False
        if self.region_text:
            t = self.region_text.strip().lower()
            names = src.data_.names.get(f.region, ("", ""))
            if t not in f.region and t not in names[0] and t not in names[1].lower():
                return False
        return True


class ViolationsPage(Retranslating, QWidget):
    """The findings of the selected region and every region below it for the year."""

    cellRequested = Signal(str, int, str, str)       # region, year, indicator, period

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        page_title(self.title)
        self.shown = QLabel(self)
        self.model = ViolationsModel(self)
        self.proxy = ViolationsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView(self)
        self.view.setObjectName("violations")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(4, Qt.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((110, 250, 70, 170, 80, 420, 80)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(5, QHeaderView.Stretch)
        self.cellRequested.connect(lambda *cell: go_to_cell(self.window, *cell))
        self.view.doubleClicked.connect(self.open_cell)
        self.view.activated.connect(self.open_cell)          # Enter (and a double-click on some styles)

        self.severity = QComboBox(self)
        self.rule = QComboBox(self)
        self.indicator = QComboBox(self)
        self.region_text = QLineEdit(self)
        self.region_text.setClearButtonEnabled(True)
        self.unexplained = QCheckBox(self)
        self.severity.currentIndexChanged.connect(lambda _i: self._filter())
        self.rule.currentIndexChanged.connect(lambda _i: self._filter())
        self.indicator.currentIndexChanged.connect(lambda _i: self._filter())
        self.region_text.textChanged.connect(lambda _t: self._filter())
        self.unexplained.toggled.connect(lambda _c: self._filter())
        self.indicator.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.indicator.setMinimumContentsLength(14)
        bar = QHBoxLayout()
        bar.addWidget(self.severity)
        bar.addWidget(self.rule)
        bar.addWidget(self.indicator)
        bar.addWidget(self.region_text, 1)
        bar.addWidget(self.unexplained)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.title)
        lay.addLayout(bar)
        lay.addWidget(self.shown)
        lay.addWidget(self.view, 1)
        self.retranslate()

    def retranslate(self):
        self.region_text.setPlaceholderText(self.tr("Region: name or code"))
        self.unexplained.setText(self.tr("Unexplained only"))
        if self.model.data_ is not None:
            self._fill_choices()
            self.model.layoutChanged.emit()
            self._show_counts()

    def load(self, region: str, year: int) -> None:
        from app.services.views import violations

        self.model.set_violations(violations(self.window.db, region, year))
        self._fill_choices()
        self._show_counts()

    def _fill_choices(self) -> None:
        """The filters offer what the list holds."""
        items = self.model.items
        combos = ((self.severity, self.tr("All severities"),
                   [(s, severity_words()[s]) for s in sorted({f.severity for f in items}, key=SEVERITY_ORDER.get)]),
                  (self.rule, self.tr("All rules"),
                   [(r, rule_words().get(r, r)) for r in sorted({f.rule for f in items})]),
                  (self.indicator, self.tr("All indicators"),
                   [(c, self.model.indicator_name(next(f for f in items if f.indicator == c)))
                    for c in dict.fromkeys(f.indicator for f in items)]))
        for box, everything, choices in combos:
            kept = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(everything, None)
            for key, text in choices:
                box.addItem(text, key)
            at = box.findData(kept) if kept is not None else 0
            box.setCurrentIndex(max(at, 0))
            box.blockSignals(False)
        self._filter()

    def _filter(self) -> None:
        self.proxy.set(severity=self.severity.currentData(), rule=self.rule.currentData(),
                       indicator=self.indicator.currentData(), region_text=self.region_text.text(),
                       unexplained=self.unexplained.isChecked())
        self._show_counts()

    def _show_counts(self) -> None:
        v = self.model.data_
        if v is None:
            return
        name = self.window.region_name(v.region)
        self.title.setText(self.tr("Findings of {region} and every region below · {year}").format(
            region=name, year=v.year))
        self.shown.setText(self.tr("{shown} of {n} findings shown; Enter or a double-click opens the cell").format(
            shown=self.proxy.rowCount(), n=self.model.rowCount()))

    def open_cell(self, index) -> None:
        """Show the finding's cell in the entry grid (its region, year, period kind, indicator row)."""
        if not index.isValid():
            return
        f = self.model.finding(self.proxy.mapToSource(index).row())
        self.cellRequested.emit(f.region, int(f.period[:4]), f.indicator, f.period)


def go_to_cell(window, region: str, year: int, indicator: str, period: str) -> bool:
    """The entry grid on ``region`` and ``year``, with the period kind the period needs, the cursor on
    the indicator's row in the period's column (a finding on all indicators: the region-year alone)."""
    window.tabs.setCurrentIndex(0)
    kind = 0 if len(period) == 4 else 1 if "Q" in period else 2
    if window.period_kind_box.currentIndex() != kind:
        window.period_kind_box.setCurrentIndex(kind)
    if window.year.value() != year:
        window.year.setValue(year)
    window.select_region(region)
    page = window.entry
    g = page.model.grid
    if g is None or g.region != region or g.year != year:
        page.load(region, year)
        g = page.model.grid
    row = next((i for i, ind in enumerate(g.indicators) if ind.code == indicator), None)
    if row is None or period not in g.periods:
        return False
    idx = page.model.index(row, g.periods.index(period))
    page.view.setCurrentIndex(idx)
    page.view.scrollTo(idx)
    page.view.setFocus(Qt.OtherFocusReason)
    return True
