"""The main window: region tree, year, and the pages (entry, dashboard, charts)."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QItemSelectionModel, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QLabel, QMainWindow, QMessageBox, QSpinBox, QSplitter, QTabWidget, QToolBar,
                               QTreeView, QWidget)

from app.models.errors import IpdeskError
from app.ui import i18n
from app.ui.i18n import Retranslating
from app.ui.entry import EntryPage
from app.ui.models import FilledBadge, RegionTreeModel
from app.ui.review_actions import ReviewActions


class MainWindow(ReviewActions, Retranslating, QMainWindow):
    def __init__(self, db, *, region: str | None = None, year: int | None = None, fast_start: bool = True,
                 readonly_reason: str | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.db = db
        self.readonly_reason = readonly_reason if readonly_reason or not getattr(db, "readonly", False) else db.path
        self.tree_model = RegionTreeModel(db, self)
        self.tree = QTreeView(self)
        self.tree.setHeaderHidden(True)
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setItemDelegate(FilledBadge(self.tree))       # completeness at and below each region
        self.tree.selectionModel().currentChanged.connect(lambda cur, _prev: self._region_changed(cur))
        self.year = QSpinBox(self)
        self.year.setRange(1990, 2100)
        self.year.valueChanged.connect(lambda _y: self.reload())
        self.year_label = QLabel(self)
        from PySide6.QtWidgets import QComboBox

        self.period_kind_box = QComboBox(self)
        self.period_kind_box.addItems(["", "", ""])
        self.period_kind_box.setSizeAdjustPolicy(QComboBox.AdjustToContents)      # English texts are longer
        self.period_kind_box.currentIndexChanged.connect(lambda _i: self.reload())

        from app.ui.finder import RegionFinder

        self.finder = RegionFinder(db, self)
        self.finder.chosen.connect(self._found)
        self.finder.nothing.connect(lambda text: self.statusBar().showMessage(
            self.tr("No region matches “{text}”").format(text=text), 8000))
        self.entry = EntryPage(self)
        self._dashboard = None                   # the other pages are made on first show
        self.charts = None                       # (pyqtgraph loads then)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.entry, "")
        self.tabs.addTab(QWidget(self), "")     # placeholder for the dashboard
        self.tabs.addTab(QWidget(self), "")     # placeholder for the charts page
        self._inbox = None
        self.tabs.addTab(QWidget(self), "")     # placeholder for the package inbox
        self._tasks_page = self._report_page = None
        self.tabs.addTab(QWidget(self), "")     # 4: placeholder for the task ledger (任务)
        self.tabs.addTab(QWidget(self), "")     # 5: placeholder for the results report (报告)
        self._violations, self._violations_tab = None, QWidget(self)
        self.tabs.addTab(self._violations_tab, "")     # 6: placeholder for the violations page (核查问题)
        self.tabs.currentChanged.connect(lambda _i: self.reload_current())
        split = QSplitter(Qt.Horizontal, self)
        split.addWidget(self.tree)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        split.setSizes([200, 1080])
        self.split = split
        self.setCentralWidget(split)

        self.opener = None      # app.ui.main.open_window when it made this window: File ▸ Open store… uses it
        self.entry.changed.connect(self._values_changed)
        self.entry.changed.connect(self.tree_model.values_changed)
        self.entry.message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self._build_menus()
        if self.readonly_reason:
            self.readonly_label = QLabel(self)
            self.readonly_label.setObjectName("readonlyBanner")
            self.readonly_label.setStyleSheet("color: #a04000; font-weight: bold; padding: 0 8px;")
            self.statusBar().addPermanentWidget(self.readonly_label)
            for a in (self.import_action, self.approve_action, self.unlock_action, self.override_action,
                      self.entry.paste_action,
                      self.entry.delete_action, self.entry.undo_action, self.entry.redo_action):
                a.setEnabled(False)
            self.entry.model.readonly = True
        self.retranslate()
        self.region = None
        self._fast_start = fast_start
        settings = self._settings = QSettings("ipdesk", "ipdesk")      # the window's one (see _remember)
        self._restore_layout(settings)
        self.year.blockSignals(True)
        self.year.setValue(year or int(settings.value("year", self._default_year())))
        self.year.blockSignals(False)
        self.select_region(region or settings.value("region", self._default_region()))

    def _restore_layout(self, settings) -> None:
        """The size, place and tree width the window had when it was last closed (else 1280 × 800)."""
        geometry = settings.value("window/geometry")
        try:
            restored = isinstance(geometry, (QByteArray, bytes)) and self.restoreGeometry(geometry)
        except (TypeError, ValueError):
            restored = False
        if not restored or self.width() < 400 or self.height() < 300:    # none, or a damaged settings file
            self._fit_to_screen(first=True)
        else:
            self._fit_to_screen(first=False)     # a size kept from a larger screen is brought back onto this one
        try:
            sizes = [int(x) for x in settings.value("window/split") or []]
        except (TypeError, ValueError):       # a hand-edited settings file: the default widths
            sizes = []
        if len(sizes) == 2 and min(sizes) >= 0 and sum(sizes) > 0:
            self.split.setSizes(sizes)

    def _fit_to_screen(self, *, first: bool) -> None:
        """The first start: 1280 × 800 where the screen's free area (without the task bar) holds it, else
        that area less the title bar and frame — a 1366 × 768 laptop, or 1920 × 1080 at 150 %. Later
        starts keep the size they had, made smaller when it no longer fits (another screen)."""
        from PySide6.QtGui import QGuiApplication

        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 800)
            return
        free = screen.availableGeometry()
        frame_w, frame_h = 16, 40                  # the window manager's frame and title bar (not ours to measure
        width = min(1280 if first else self.width(), free.width() - frame_w)       # before the first show)
        height = min(800 if first else self.height(), free.height() - frame_h)
        if first or (width, height) != (self.width(), self.height()):
            self.resize(width, height)
            self.move(free.x() + (free.width() - width - frame_w) // 2, free.y() + (free.height() - height - frame_h) // 2)

    def closeEvent(self, event):
        self._remember("window/geometry", self.saveGeometry())
        self._remember("window/split", self.split.sizes())
        self._settings.sync()
        super().closeEvent(event)

    # ---------------------------------------------------------------- defaults
    def _default_region(self) -> str:
        """The office's own region (meta ``home_region``), else the nation."""
        from app.models.db import meta_get

        return meta_get(self.db, "home_region") or "100000"

    def _default_year(self) -> int:
        from app.models.values import latest_year      # (one step down the (year, region) index)

        return latest_year(self.db) or 2024

    # ---------------------------------------------------------------- menus and language
    def _build_menus(self):
        self.file_menu = self.menuBar().addMenu("")
        self.export_action = QAction(self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.export)
        self.import_action = QAction(self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(lambda: self.import_file())
        self.template_action = QAction(self)
        self.template_action.triggered.connect(lambda: self.make_template())
        self.data_export_action = QAction(self)
        self.data_export_action.triggered.connect(lambda: self.export_data())
        self.office_action = QAction(self)
        self.office_action.triggered.connect(lambda: self.office_settings())
        self.open_store_action = QAction(self)
        self.open_store_action.setShortcut(QKeySequence.Open)
        self.open_store_action.triggered.connect(lambda: self.open_store())
        self.file_menu.addAction(self.open_store_action)
        self.recent_menu = self.file_menu.addMenu("")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.office_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.import_action)
        self.file_menu.addAction(self.template_action)
        self.file_menu.addAction(self.data_export_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.export_action)
        self.verify_action = __import__("app.ui.verify_dialog", fromlist=["add_to_menu"]).add_to_menu(self, self.file_menu)
        self.file_menu.addSeparator()
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.Quit)
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = self.menuBar().addMenu("")
        for a in (self.entry.undo_action, self.entry.redo_action, self.entry.copy_action, self.entry.paste_action,
                  self.entry.note_action, self.entry.history_action):
            self.edit_menu.addAction(a)
        self.review_menu = self.menuBar().addMenu("")
        self.approve_action = QAction(self)
        self.approve_action.triggered.connect(self.approve)
        self.unlock_action = QAction(self)
        self.unlock_action.triggered.connect(self.unlock)
        self.override_action = QAction(self)
        self.override_action.triggered.connect(lambda: self.override())
        self.sweep_action = QAction(self)
        self.sweep_action.triggered.connect(self.check_all_below)
        self.targets_action = QAction(self)
        self.targets_action.triggered.connect(lambda: self.show_targets())
        self.review_menu.addActions([self.approve_action, self.unlock_action, self.override_action])
        self.review_menu.addSeparator()
        self.review_menu.addAction(self.sweep_action)
        self.violations_action = QAction(self)
        self.violations_action.triggered.connect(lambda: self.tabs.setCurrentWidget(self.violations))
        self.review_menu.addAction(self.violations_action)
        self.review_menu.addAction(self.targets_action)
        self.view_menu = self.menuBar().addMenu("")
        self.find_action = QAction(self)
        self.find_action.setShortcut(QKeySequence.Find)
        self.find_action.triggered.connect(lambda: (self.finder.setFocus(Qt.ShortcutFocusReason), self.finder.selectAll()))
        self.view_menu.addAction(self.find_action)
        self.view_menu.addSeparator()
        self.lang_group = QActionGroup(self)
        self.lang_zh = QAction("中文", self, checkable=True)
        self.lang_en = QAction("English", self, checkable=True)
        for a, code in ((self.lang_zh, "zh"), (self.lang_en, "en")):
            self.lang_group.addAction(a)
            self.view_menu.addAction(a)
            a.triggered.connect(lambda _c=False, code=code: self.set_language(code))
        (self.lang_zh if i18n.current() == "zh" else self.lang_en).setChecked(True)
        self.help_menu = self.menuBar().addMenu("")
        self.help_action = QAction(self)
        self.help_action.setShortcut(QKeySequence.HelpContents)
        self.help_action.setShortcutContext(Qt.ApplicationShortcut)
        self.help_action.triggered.connect(lambda: self.show_help())
        self.help_menu.addAction(self.help_action)
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self.about)
        self.help_menu.addAction(self.about_action)
        bar = QToolBar(self)
        bar.setObjectName("mainToolBar")
        bar.setMovable(False)
        bar.addWidget(self.year_label)
        bar.addWidget(self.year)
        bar.addSeparator()
        bar.addWidget(self.period_kind_box)
        bar.addSeparator()
        bar.addWidget(self.finder)
        self.toolbar = bar
        self.addToolBar(bar)

    def set_language(self, lang: str) -> None:
        i18n.set_language(lang)
        QSettings("ipdesk", "ipdesk").setValue("language", lang)

    def retranslate(self):
        self.setWindowTitle(self.tr("ipdesk — IP indicator entry and verification"))
        self.file_menu.setTitle(self.tr("&File"))
        self.edit_menu.setTitle(self.tr("&Edit"))
        self.review_menu.setTitle(self.tr("&Review"))
        self.view_menu.setTitle(self.tr("&View"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.quit_action.setText(self.tr("&Quit"))
        self.export_action.setText(self.tr("&Export submission documents (PDF, XLSX)…"))
        self.import_action.setText(self.tr("&Import spreadsheet…"))
        self.office_action.setText(self.tr("This &office…"))
        self.template_action.setText(self.tr("Make fill-in &template…"))
        self.data_export_action.setText(self.tr("Export &data (long format)…"))
        self.approve_action.setText(self.tr("Approve and lock…"))
        self.unlock_action.setText(self.tr("Unlock…"))
        self.override_action.setText(self.tr("Go ahead without subordinate regions…"))
        self.about_action.setText(self.tr("About ipdesk"))
        self.help_action.setText(self.tr("Keys and workflow…"))
        self.open_store_action.setText(self.tr("&Open store…"))
        self.recent_menu.setTitle(self.tr("Recent stores"))
        self.sweep_action.setText(self.tr("Check this region and all below…"))
        self.violations_action.setText(self.tr("All findings below this region"))
        self.tabs.setTabText(self.tabs.indexOf(self._violations or self._violations_tab), self.tr("Findings"))
        self.targets_action.setText(self.tr("Targets…"))
        self.find_action.setText(self.tr("&Find a region…"))
        self.finder.setPlaceholderText(self.tr("Find a region: name or code (Ctrl+F)"))
        if self.readonly_reason:
            self.readonly_label.setText(self.tr("Read-only"))
            self.readonly_label.setToolTip(self.readonly_reason)
        self.year_label.setText(self.tr("Year "))
        for i, text in enumerate((self.tr("Annual (last 5 years)"), self.tr("Quarterly"), self.tr("Monthly"))):
            self.period_kind_box.setItemText(i, text)
        self.tabs.setTabText(0, self.tr("Entry"))
        self.tabs.setTabText(1, self.tr("Dashboard"))
        self.tabs.setTabText(2, self.tr("Charts"))
        self.tabs.setTabText(3, self.tr("Packages"))
        self.tabs.setTabText(4, self.tr("Tasks"))
        self.tabs.setTabText(5, self.tr("Report"))
        self.tree_model.layoutAboutToBeChanged.emit()
        self.tree_model.layoutChanged.emit()
        if getattr(self, "region", None) and self.isVisible():
            self.reload()          # pages show data in the language too: hidden pages reload when shown
        if getattr(self, "region", None):
            self.statusBar().showMessage(self.db.path)

    def region_name(self, code: str) -> str:
        r = self.tree_model.region(code)
        return r.name(i18n.current()) if r else code

    def period_kind(self) -> str:
        return ("annual", "quarter", "month")[max(self.period_kind_box.currentIndex(), 0)]

    # ---------------------------------------------------------------- navigation
    def select_region(self, code: str) -> None:
        idx = self.tree_model.index_of(code)
        if not idx.isValid():
            idx = self.tree_model.index_of("100000")
        self.tree.setCurrentIndex(idx)
        self.tree.selectionModel().select(idx, QItemSelectionModel.ClearAndSelect)
        self.tree.scrollTo(idx)
        self.tree.expand(idx)

    def _found(self, code: str) -> None:
        """A region chosen in the finder: shown, and the tree takes the keyboard."""
        self.select_region(code)
        self.tree.setFocus(Qt.OtherFocusReason)

    def _remember(self, key: str, value) -> None:
        """Keep the choice for the next start (one QSettings for the window: making one reads the file)."""
        if getattr(self, "_settings", None) is None:
            self._settings = QSettings("ipdesk", "ipdesk")
        self._settings.setValue(key, value)

    def _region_changed(self, index):
        code = self.tree_model.code(index)
        if code and code != self.region:
            self.region = code
            self._remember("region", code)
            self.reload()

    def reload(self, *, statuses_changed: bool = False):
        if not self.region:
            return
        if statuses_changed:
            self._status_rev = getattr(self, "_status_rev", 0) + 1
        self._remember("year", self.year.value())
        self._loaded = set()
        self.reload_current()

    def reload_current(self):
        if not self.region:
            return
        if self.tree_model.stale():          # regions added or moved meanwhile: the tree reads them again
            self.tree_model.reread()
            self.select_region(self.region)  # the same region: no reload, the path opened again
        if getattr(self, "_status_year", None) != (self.year.value(), getattr(self, "_status_rev", 0)):
            from app.services.views import statuses

            self._status_year = (self.year.value(), getattr(self, "_status_rev", 0))
            self.tree_model.set_statuses(statuses(self.db, self.year.value()), self.year.value())
        key = (self.tabs.currentIndex(), self.region, self.year.value())
        if key in getattr(self, "_loaded", set()) and key[0] != 5:      # the report's live draft: read at each show
            return
        page = self.tabs.currentIndex()
        try:
            if page == 0 and self._fast_start:
                # first screen: values now, checks (NumPy) right after the first paint (see event())
                self._fast_start = False
                self._checks_pending = True
                self.entry.load(self.region, self.year.value(), with_checks=False)
            elif page == 0:
                self.entry.load(self.region, self.year.value())
            elif page == 1:
                self.dashboard.load(self.region, self.year.value())
            elif page == 3:
                self.inbox.load(self.region, self.year.value())
            elif page == 2:
                self._charts().load(self.region, self.year.value())
            elif page == 4:
                self.tasks_page.load(self.region, self.year.value())
            elif page == 5:
                self.report_page.load(self.region, self.year.value())
            elif self.tabs.widget(page) in (self._violations_tab, self._violations):
                self.violations.load(self.region, self.year.value())
        except IpdeskError as exc:
            self.warn(self.error_text(exc))
        self._loaded.add(key)
        self.statusBar().showMessage(self.db.path)

    def event(self, e):
        if getattr(self, "_checks_pending", False) and e.type() == QEvent.Paint:
            self._checks_pending = False
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, self, lambda: getattr(self, "_store_closed", False)      # (another store opened)
                              or self.entry.load(self.region, self.year.value()))
            # pyqtgraph takes 0.3-0.6 s to import (it binds every Qt class): import it on another thread
            # while the user reads the first screen, so that the Charts tab opens at once
            QTimer.singleShot(500, self, self._warm_charts)
        return super().event(e)

    def _warm_charts(self) -> None:
        import sys
        import threading

        if self.charts is None and "pyqtgraph" not in sys.modules:
            threading.Thread(target=_import_charts, name="ipdesk-warm-charts", daemon=True).start()

    @property
    def dashboard(self):
        if self._dashboard is None:
            from app.ui.dashboard import DashboardPage

            self._dashboard = DashboardPage(self)
            self._dashboard.approveRequested.connect(self.approve)
            self._dashboard.unlockRequested.connect(self.unlock)
            self._dashboard.regionRequested.connect(self.select_region)
            self._put_page(1, self._dashboard, self.tr("Dashboard"))
        return self._dashboard

    @property
    def inbox(self):
        if self._inbox is None:
            from app.ui.inbox import InboxPage

            self._inbox = InboxPage(self)
            self._put_page(3, self._inbox, self.tr("Packages"))
        return self._inbox

    @property
    def violations(self):
        if self._violations is None:
            from app.ui.violations import ViolationsPage

            self._violations = ViolationsPage(self)
            self._put_page(self.tabs.indexOf(self._violations_tab), self._violations, self.tr("Findings"))
        return self._violations

    @property
    def tasks_page(self):
        if self._tasks_page is None:
            from app.ui.task_page import TaskPage

            self._tasks_page = self._hook_page(TaskPage(self), 4, self.tr("Tasks"))
        return self._tasks_page

    @property
    def report_page(self):
        if self._report_page is None:
            from app.ui.report_page import ReportPage

            self._report_page = self._hook_page(ReportPage(self), 5, self.tr("Report"))
        return self._report_page

    def _hook_page(self, page, index: int, title: str):
        page.changed.connect(self._values_changed)
        page.message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self._put_page(index, page, title)
        return page

    def open_file(self, path: str):
        """A file given on the command line (double-clicked): a package, or a spreadsheet to import."""
        suffix = path.lower().rsplit(".", 1)[-1]
        if suffix == "ipdx":
            self.tabs.setCurrentIndex(3)
            return self.inbox.open_package(path)
        if suffix == "ipdq":
            self.tabs.setCurrentIndex(3)
            return self.inbox.answer_questions(path)
        if suffix in ("xlsx", "xls", "csv"):
            return self.import_file(path)
        self.warn(self.tr("ipdesk cannot open {name}").format(name=path))
        return None

    def _put_page(self, index: int, page, title: str) -> None:
        """Put a page made on first use in place of its tab's placeholder, on the same current tab."""
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, page, title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)

    def _charts(self):
        if self.charts is None:
            from app.ui.charts import ChartsPage

            self.charts = ChartsPage(self)
            self._put_page(2, self.charts, self.tr("Charts"))
        return self.charts

    def _values_changed(self):
        current = self.tabs.currentIndex()
        self._loaded = {k for k in getattr(self, "_loaded", set()) if k[0] == current}

    def error_text(self, exc) -> str:
        """A refusal in the reader's words: regions and indicators named, not coded."""
        from app.services.place_names import message

        return message(self.db, exc, i18n.current())

    def import_file(self, path: str | None = None):
        from app.ui.import_dialog import ImportDialog

        self.import_dialog = ImportDialog(self, path)
        self.import_dialog.open()
        if path is None:
            self.import_dialog.choose()

    def make_template(self, path: str | None = None):
        """Write the fill-in workbook for the selected region-year (in a worker)."""
        from app.models.catalogue import region as get_region
        from app.services.sheets.template import make_template
        from app.ui.tasks import error_text, on_store, run_task

        region, year, store = self.region, self.year.value(), self.db.path
        if path is None:
            from app.ui import file_dialogs

            default = f"{region}_{year}_{get_region(self.db, region).name_zh}_填报模板.xlsx"
            path = file_dialogs.save_file(self, self.tr("Make fill-in template…"), default, "Excel (*.xlsx)")
            if not path:
                return

        work = on_store(store, lambda db, progress, cancelled: make_template(db, region, year, path, progress=progress,
                                                                              cancel=cancelled))
        self.template_job = run_task(self, self.tr("Writing the template…"), work,
                                     on_done=lambda r: self.statusBar().showMessage(
                                         self.tr("Template written: {path}").format(path=r.path), 15000),
                                     on_error=lambda exc, tb: self.warn(error_text(exc)))

    def export_data(self):
        """Values of this region (and those below) as one row per value, the file import reads back."""
        from app.ui.data_export import DataExportDialog

        self.data_export_dialog = DataExportDialog(self, self.region, self.year.value())
        self.data_export_dialog.open()
        return self.data_export_dialog

    def office_settings(self):
        from app.ui.office_dialog import OfficeDialog

        self.office_dialog = OfficeDialog(self)
        self.office_dialog.open()
        return self.office_dialog

    def show_targets(self):
        from app.ui.targets_dialog import TargetsDialog

        self.targets_dialog = TargetsDialog(self)
        self.targets_dialog.open()
        return self.targets_dialog

    def export(self):
        from app.ui.export import ExportDialog

        self.export_dialog = ExportDialog(self, self.region, self.year.value())
        self.export_dialog.open()

    def warn(self, text: str) -> None:
        """A refusal the user must read; window-modal but not blocking the event loop."""
        box = QMessageBox(QMessageBox.Warning, self.windowTitle(), text, QMessageBox.Ok, self)
        box.setObjectName("refusal")
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.statusBar().showMessage(text, 10000)

    def show_help(self):
        """F1: the keys and the workflow (window-modal, not blocking)."""
        from app.ui.help_dialog import HelpDialog

        self.help_dialog = HelpDialog(self)
        self.help_dialog.open()
        return self.help_dialog

    def _fill_recent(self) -> None:
        from app.ui.stores import fill_recent

        fill_recent(self)

    def open_store(self, path: str | None = None):
        """Open another store in a new window in place of this one (see app.ui.stores)."""
        from app.ui.stores import open_store

        return open_store(self, path)

    def about(self):
        from app.ui.dialogs import about_text

        QMessageBox.about(self, self.tr("About ipdesk"), about_text(self.db))


def _import_charts() -> None:
    """Import the charts page and pyqtgraph (types only, no widgets: those are made on the UI thread
    when the tab is first shown). A failure here is met again, and reported, when the tab opens."""
    try:
        import pyqtgraph  # noqa: F401

        import app.ui.charts  # noqa: F401
    except Exception:  # noqa: BLE001 - the tab reports it when opened
        pass
