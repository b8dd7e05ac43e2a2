"""Start the window: fonts, language, the store (created and offered demo data on first start)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

def register_font() -> str | None:
    """Register the bundled CJK font and make it the application's font; returns its family."""
    from app.services.fonts import cjk_font_path

    fid = QFontDatabase.addApplicationFont(str(cjk_font_path()))
    families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
    if not families:
        return None
    font = QFont(families[0])
    font.setPointSize(10)
    QApplication.setFont(font)
    return families[0]


class MainThreadGC:
    """Python's cycle collector, run on the UI thread only.

    Left automatic, it runs in whichever thread happens to allocate — a worker's — and when the
    garbage holds a closed window's or dialog's Python wrapper, Qt destroys a widget off the UI
    thread: that deadlocked a test run (the worker waiting for the GIL inside ~QObject) and can
    crash. Automatic collection is switched off and a timer collects, generation by generation at
    the interpreter's own thresholds, from the event loop (as pyqtgraph's GarbageCollector does)."""

    def __init__(self, app, interval_ms: int = 500):
        import gc

        from PySide6.QtCore import QTimer

        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(app)
        self.timer.timeout.connect(self.collect)
        self.timer.start(interval_ms)

    def collect(self) -> None:
        import gc

        l0, l1, l2 = gc.get_count()
        if l0 > self.threshold[0]:
            gc.collect(0)
            if l1 > self.threshold[1]:
                gc.collect(1)
                if l2 > self.threshold[2]:
                    gc.collect(2)


def make_app(argv=None) -> QApplication:
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    if getattr(app, "_ipdesk_gc", None) is None:
        app._ipdesk_gc = MainThreadGC(app)
    app.setApplicationName("ipdesk")
    app.setOrganizationName("ipdesk")
    register_font()
    from PySide6.QtGui import QIcon

    from app.models.reference import resource

    app.setWindowIcon(QIcon(str(resource("icons", "ipdesk.png"))))
    from app.ui import look

    look.apply(app)
    from app.ui import i18n

    i18n.set_language(os.environ.get("IPDESK_LANG") or QSettings("ipdesk", "ipdesk").value("language", "zh"))
    return app


def writable(path: Path) -> bool:
    """Can this store be changed here? (False on a read-only medium or without permission.)"""
    import tempfile

    folder = path.parent
    try:
        if path.exists():
            with open(path, "r+b"):
                pass
        with tempfile.TemporaryFile(dir=folder):
            pass
        return True
    except OSError:
        return False


def lock_store(path: Path):
    """One window per store: a QLockFile beside it; returns (lock, None) or (None, who holds it)."""
    from PySide6.QtCore import QLockFile

    lock = QLockFile(str(path) + ".lock")
    lock.setStaleLockTime(0)            # a crashed instance's lock is detected by its dead pid instead
    if lock.tryLock(200):
        return lock, None
    info = lock.getLockInfo()           # PySide6 returns (pid, host, app), or with a leading ok flag
    if len(info) == 4:
        info = info[1:] if info[0] else (0, "?", "")
    pid, host, _app = info
    return None, f"{host} pid {pid}"


def open_window(db_path=None, *, demo: bool = False):
    """Open the store (creating it; a new one is offered the demo data) and return the window.

    A store another ipdesk window has open, or one on a read-only medium, opens read-only
    with a message saying why — never a 'database is locked' crash.
    """
    from PySide6.QtCore import QCoreApplication

    from app.models.db import default_path, open_store

    if demo:
        import tempfile

        path = Path(tempfile.mkdtemp(prefix="ipdesk-demo-")) / "demo.sqlite"
    else:
        path = Path(db_path or default_path())
    is_new = not path.exists()
    readonly_reason = None
    lock = None
    if not is_new and not writable(path):
        readonly_reason = QCoreApplication.translate(
            "Start", "The store is on a read-only medium or you may not change it, so it is open read-only:\n{path}").format(path=path)
    else:
        if not is_new or writable(path):
            lock, holder = lock_store(path)
            if lock is None:
                readonly_reason = QCoreApplication.translate(
                    "Start", "Another ipdesk window ({holder}) has this store open, so it is open read-only here:\n{path}"
                ).format(holder=holder, path=path)
    upgraded = None
    if not is_new and readonly_reason is None:
        upgraded = upgrade_store(path)
    try:
        db = open_store(path, readonly=readonly_reason is not None)
    except BaseException:           # a zero-byte or foreign file is refused (and left as it is): no stale lock
        if lock is not None:
            lock.unlock()
        raise
    db.lock = lock
    if getattr(db, "damaged", None):          # opened read-only: what SQLite found and which backup to restore
        readonly_reason = db.damage_message()
    if demo:
        from app.services.demo import make_demo

        make_demo(db)
    elif is_new:
        from PySide6.QtCore import QCoreApplication

        answer = QMessageBox.question(None, "ipdesk", QCoreApplication.translate("Start", "A new store was created at\n{path}\n\nLoad the demo "
                                                         "data (Jiangsu and its 13 cities, 2016–2024) to try ipdesk?")
                                      .format(path=path))
        if answer == QMessageBox.Yes:
            from app.services.demo import make_demo

            make_demo(db)
    from app.ui.main_window import MainWindow

    window = MainWindow(db, readonly_reason=readonly_reason)
    window.demo_dir = path.parent if demo else None      # removed when the window's store is closed
    window.opener = open_window                          # File ▸ Open store… opens the next one the same way
    if not demo:
        from app.ui.stores import remember_store

        remember_store(path)
    if readonly_reason:
        window.warn(readonly_reason)
    elif upgraded:
        window.statusBar().showMessage(QCoreApplication.translate(
            "Start", "The store was upgraded for this version of ipdesk; the copy from before is {backup}").format(
            backup=upgraded), 30000)
    return window


def upgrade_store(path: Path, *, show_after_ms: int = 300):
    """Run a pending schema upgrade (the store is copied first, then migrated: seconds for a long
    audit trail) on another thread, with a window saying so if it takes longer than
    ``show_after_ms``; returns the backup's path, or None when nothing was due."""
    from app.models.db import open_store, upgrade_due

    if not upgrade_due(path):
        return None
    import threading

    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QProgressDialog

    outcome: dict = {}

    def work():
        try:
            db = open_store(path)
            outcome["backup"] = db.backup_path
            db.close()
        except BaseException as exc:   # handed to the UI thread, raised there
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="ipdesk-upgrade")
    worker.start()
    dialog = QProgressDialog(QCoreApplication.translate(
        "Start", "Upgrading the store for this version of ipdesk (a copy is kept)…\n{path}").format(path=path),
        None, 0, 0)
    dialog.setObjectName("upgradeProgress")
    dialog.setWindowTitle("ipdesk")
    dialog.setWindowModality(Qt.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.reset()                  # (a QProgressDialog shows itself after minimumDuration unless reset)
    loop = QEventLoop()
    showing = []

    def check():
        if not worker.is_alive():
            loop.quit()
        elif showing and not dialog.isVisible():   # closed with Esc or the title bar: the upgrade goes on
            dialog.show()

    poll = QTimer()
    poll.timeout.connect(check)
    poll.start(20)
    later = QTimer()
    later.setSingleShot(True)
    later.timeout.connect(lambda: worker.is_alive() and (showing.append(1), dialog.show()))
    later.start(show_after_ms)
    if worker.is_alive():
        loop.exec()
    poll.stop()
    later.stop()
    worker.join()
    dialog.close()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("backup")


def self_test(out_dir: str | None = None) -> int:
    """Open the window offscreen on a fresh demo store, render it, check the font and the store; 0 = fine."""
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = make_app()
    problems = []
    window = open_window(demo=True)
    window.show()
    for _ in range(5):
        app.processEvents()
    out = Path(out_dir or tempfile.mkdtemp(prefix="ipdesk-selftest-")) / "main-window.png"
    if not window.grab().save(str(out)):
        problems.append("could not render the window")
    if QApplication.font().family() != "WenQuanYi Micro Hei":
        problems.append(f"bundled CJK font not active (got {QApplication.font().family()})")
    from PySide6.QtGui import QFontMetrics

    fm = QFontMetrics(QApplication.font())
    missing = [c for c in "知识产权指标填报与核查江苏省" if not fm.inFontUcs4(ord(c))]
    if missing:
        problems.append("glyphs missing: " + "".join(missing))
    db = window.db
    from app.models.values import count_values
    from app.services.browse import store_intact

    if not store_intact(db):
        problems.append("store integrity check failed")
    from app.models import audit

    if not audit.verify(db).ok:
        problems.append("audit chain broken")
    if not audit.second_process_runs(db):       # (the frozen executable given -m app.models.audit_chain)
        problems.append("the audit check's second process did not run")
    n = count_values(db)
    window.close()
    from app.ui.stores import close_store

    close_store(window)
    if window.demo_dir is not None and window.demo_dir.exists():
        problems.append(f"the demo's temporary folder was left behind: {window.demo_dir}")
    for p in problems:
        print("self-test: " + p, file=sys.stderr)
    print(f"self-test {'failed' if problems else 'ok'}: {n} demo values, screenshot {out}")
    return 1 if problems else 0


def run_gui(db=None, demo: bool = False, open_file: str | None = None) -> int:
    app = make_app()
    from app.models.errors import IpdeskError

    try:
        window = open_window(db, demo=demo)
    except IpdeskError as exc:
        QMessageBox.critical(None, "ipdesk", exc.message())
        return 2
    window.show()
    if open_file:
        window.open_file(open_file)

    from app.ui.stores import close_store

    def at_quit():          # the window shown last (File ▸ Open store… replaces the first one)
        close_store(getattr(app, "_ipdesk_window", None) or window)
    app.aboutToQuit.connect(at_quit)
    return app.exec()
