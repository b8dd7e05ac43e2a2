"""The office head's page: targets with traffic lights, finding counts, who still owes data."""
from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QDateEdit, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.models.messages import render
from app.models.states import status_label
from app.ui.i18n import Retranslating, current
from app.ui.look import page_title

LIGHT = {"met": "#cfeccf", "on_track": "#e3f2d0", "at_risk": "#fbe3a8", "off_track": "#f6c6c6", "no_data": "#e6e6e6"}


def _num(v, d):
    return "" if v is None else f"{v:,.{d}f}"


def share_text(share, none: str = "") -> str:
    """"20 / 22 (90%)": a completeness.Share; ``none`` where nothing is expected."""
    if share is None or not share.expected:
        return none
    return f"{share.entered:,} / {share.expected:,}（{share.percent()}）" if current() == "zh" else \
        f"{share.entered:,} / {share.expected:,} ({share.percent()})"


class DashboardPage(Retranslating, QWidget):
    approveRequested = Signal()
    unlockRequested = Signal()
    regionRequested = Signal(str)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.data = None
        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        page_title(self.title)
        self.counts = QLabel(self)
        self.filled = QLabel(self)            # completeness: values entered / expected, own and with those below
        self.filled.setObjectName("completeness")
        self.blockers = QLabel(self)          # what blocks approval, in the review service's words
        self.blockers.setObjectName("approvalBlockers")
        self.blockers.setWordWrap(True)
        self.approve_button = QPushButton(self)
        self.approve_button.clicked.connect(self.approveRequested)
        self.unlock_button = QPushButton(self)
        self.unlock_button.clicked.connect(self.unlockRequested)
        self.targets = QTableWidget(0, 7, self)
        self.targets.setEditTriggers(QTableWidget.NoEditTriggers)
        self.targets.verticalHeader().hide()
        self.targets.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.targets.horizontalHeader().setStretchLastSection(True)
        self.owed = QTableWidget(0, 4, self)
        self.owed.setEditTriggers(QTableWidget.NoEditTriggers)
        self.owed.verticalHeader().hide()
        self.owed.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.owed.cellDoubleClicked.connect(lambda r, c: self.regionRequested.emit(self.owed.item(r, 0).data(Qt.UserRole)))
        self.deadline = QDateEdit(self)
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.deadline.dateChanged.connect(self._deadline_changed)
        self.days_left = QLabel(self)
        self.deadline_label = QLabel(self)
        self.targets_box = QGroupBox(self)
        tl = QVBoxLayout(self.targets_box)
        tl.addWidget(self.targets)
        self.owed_box = QGroupBox(self)
        ol = QGridLayout(self.owed_box)
        ol.addWidget(self.deadline_label, 0, 0)
        ol.addWidget(self.deadline, 0, 1)
        ol.addWidget(self.days_left, 0, 2)
        ol.addWidget(self.owed, 1, 0, 1, 3)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.approve_button)
        top.addWidget(self.unlock_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.counts)
        lay.addWidget(self.filled)
        lay.addWidget(self.blockers)
        lay.addWidget(self.targets_box, 3)
        lay.addWidget(self.owed_box, 2)
        self.retranslate()

    def retranslate(self):
        self.approve_button.setText(self.tr("Approve and lock…"))
        self.unlock_button.setText(self.tr("Unlock…"))
        self.targets_box.setTitle(self.tr("Targets"))
        self.owed_box.setTitle(self.tr("Still owed by subordinate regions"))
        self.deadline_label.setText(self.tr("Submission deadline"))
        self.targets.setHorizontalHeaderLabels([self.tr("Indicator"), self.tr("Target"), self.tr("Latest"),
                                                self.tr("Status"), self.tr("Projected"), self.tr("Needed per year"),
                                                self.tr("Source")])
        self.owed.setHorizontalHeaderLabels([self.tr("Region"), self.tr("Status"), self.tr("Blocking findings"),
                                             self.tr("Values entered")])
        if self.data is not None and self.isVisible():
            self.show_data(self.data)

    def load(self, region: str, year: int) -> None:
        from app.services.views import dashboard

        self.show_data(dashboard(self.window.db, region, year))

    def show_data(self, d) -> None:
        from app.models.targets import SYMBOL

        self.data = d
        lang = current()
        self.title.setText(self.tr("{region} · {year} · status: {status}").format(
            region=self.window.region_name(d.region), year=d.year, status=status_label(d.status, lang)))
        self.counts.setText(self.tr("Blocking: {b}   Needing explanation: {e} (unexplained {u})   Notes: {i}").format(
            b=d.counts["blocking"], e=d.counts["explain"], u=d.counts["unexplained"], i=d.counts["info"]))
        self.filled.setText(self.tr("Values entered: {own}   with the regions below: {below}").format(
            own=share_text(d.share, self.tr("not expected to report")), below=share_text(d.share_below, "—")))
        locked = d.status in ("approved", "locked")
        # the review service's answer (the menu, the CLI and the inbox ask the same question)
        reasons = [r.message(lang) for r in d.blockers]
        self.approve_button.setEnabled(not locked and not reasons)
        self.approve_button.setToolTip("\n".join(reasons))
        self.blockers.setText("" if locked or not reasons else self.tr("Not ready for approval: {n}").format(
            n=len(reasons)) + "\n" + "\n".join(f"· {t}" for t in reasons[:6]) + ("\n…" if len(reasons) > 6 else ""))
        self.unlock_button.setEnabled(locked)
        self.targets.setRowCount(len(d.targets))
        for i, t in enumerate(d.targets):
            dec = t["decimals"]
            target = t["comparator"] + ("" if t["target"] is None else f" {t['target']:g}") + f" ({t['target_year']})"
            latest = "" if t["latest_value"] is None else f"{_num(t['latest_value'], dec)} ({t['latest_period']})"
            status = f"{SYMBOL[t['status']]} {render('status_' + t['status'], lang)}"
            cells = [t["indicator_name"] if lang == "zh" else t["indicator"], target, latest, status,
                     _num(t["projected_value"], dec), _num(t["required_annual_change"], dec),
                     f"{t['document'] if lang == 'zh' else t['document_en']} {t['clause'] or ''}"]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j in (2, 4, 5):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if j == 3:
                    item.setBackground(QBrush(QColor(LIGHT[t["status"]])))
                    item.setData(Qt.UserRole, t["status"])
                if j == 6:
                    item.setToolTip(t.get("clause_text") or "")
                if j == 4 and t.get("projection_method"):
                    item.setToolTip(t["projection_method"])
                self.targets.setItem(i, j, item)
        self.owed_box.setTitle(self.tr("Still owed by subordinate regions: {n} of {total}").format(
            n=len(d.owed), total=d.subordinates))
        self.owed.setRowCount(len(d.owed))
        for i, o in enumerate(d.owed):
            for j, text in enumerate([o.name, status_label(o.status, lang), str(o.blocking),
                                      share_text(o.share, str(o.values))]):
                item = QTableWidgetItem(text)
                if j == 0:
                    item.setData(Qt.UserRole, o.region)
                self.owed.setItem(i, j, item)
        self.deadline.blockSignals(True)
        self.deadline.setDate(QDate(d.deadline.year, d.deadline.month, d.deadline.day))
        self.deadline.blockSignals(False)
        if d.days_left >= 0:
            self.days_left.setText(self.tr("{n} days left").format(n=d.days_left))
        else:
            self.days_left.setText(self.tr("{n} days overdue").format(n=-d.days_left))

    def _deadline_changed(self, qdate):
        from app.models.db import meta_set
        from app.models.errors import IpdeskError

        try:
            meta_set(self.window.db, "deadline", f"{qdate.month():02d}-{qdate.day():02d}")
        except IpdeskError as exc:
            self.window.warn(exc.message(current()))
            return
        if self.data is not None:
            self.load(self.data.region, self.data.year)

