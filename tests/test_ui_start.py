"""Starting the window: first start, an older store upgraded, a locked one refused, the window's
size remembered, and Python's cycle collector kept on the UI thread."""
import shutil
from decimal import Decimal

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from app.models.values import get_values  # noqa: E402


def test_first_start_offers_demo_data(qtbot, tmp_path):
    from app.ui.main import make_app, open_window

    make_app()

    def click_yes():
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QMessageBox) and w.isVisible():
                w.button(QMessageBox.Yes).click()
                return
        QTimer.singleShot(50, click_yes)

    QTimer.singleShot(50, click_yes)
    w = open_window(tmp_path / "first.sqlite")
    qtbot.addWidget(w)
    assert w.db.execute('select count(*) from "values"').fetchone()[0] > 3000


def test_older_store_is_upgraded_off_the_ui_thread_with_a_window_saying_so(qtbot, tmp_path):
    """A store from the previous version is copied and upgraded on another thread: the event loop
    keeps running, a progress window says what happens when it takes a while, and the main window
    then names the copy."""
    from app.models.db import SCHEMA_VERSION, open_store, schema_of
    from app.ui import main as start

    path = tmp_path / "older.sqlite"
    old = open_store(path, schema=SCHEMA_VERSION - 1)
    from app.models.values import set_text
    set_text(old, "320100", "INV_GRANTS", "2024", "1,234", who="clerk")
    old.conn.execute("begin")
    old.conn.executemany(       # a long audit trail (rows outside the chain: its speed is what matters here)
        "insert into audit(at, who, action, region, indicator, period, old, new, why, prev_hash, hash)"
        " values ('2026-01-01T00:00:00+08:00', 'clerk', 'import', '320100', 'INV_GRANTS', '2020', null, ?, 'x', ?, ?)",
        (('{"v":"%d"}' % i, "0" * 64, "0" * 64) for i in range(150_000)))
    old.conn.execute("commit")
    old.close()
    assert schema_of(path) == SCHEMA_VERSION - 1 and schema_of(tmp_path / "none.sqlite") is None

    start.make_app()
    ticks, shown, closed = [], [], []
    timer = QTimer()
    timer.timeout.connect(lambda: (ticks.append(1), shown.extend(
        bool(closed) for w in QApplication.topLevelWidgets() if w.objectName() == "upgradeProgress" and w.isVisible())))
    timer.start(10)
    def close_it():              # Esc / the title bar's close: the upgrade goes on, its window comes back
        for w in QApplication.topLevelWidgets():
            if w.objectName() == "upgradeProgress" and w.isVisible() and not closed:
                w.close()
                closed.append(1)
    closer = QTimer()
    closer.timeout.connect(close_it)
    closer.start(50)
    backup = start.upgrade_store(path, show_after_ms=0)
    timer.stop()
    closer.stop()
    assert closed, "the progress window was closed once during the upgrade"
    assert backup is not None and backup.exists() and schema_of(backup) == SCHEMA_VERSION - 1
    assert schema_of(path) == SCHEMA_VERSION
    assert len(ticks) >= 3 and False in shown, "the event loop ran and the progress window was shown"
    assert True in shown, "closed during the upgrade, the progress window came back"
    assert start.upgrade_store(path) is None                    # nothing due any more

    shutil.copy(backup, path)                                   # the whole start: window, then the message
    for p in tmp_path.glob("older.sqlite-*"):
        p.unlink()
    w = start.open_window(path)
    qtbot.addWidget(w)
    assert schema_of(path) == SCHEMA_VERSION and "older.v" in w.statusBar().currentMessage()
    assert get_values(w.db)[("320100", "INV_GRANTS", "2024")] == Decimal(1234)
    if w.db.lock:
        w.db.lock.unlock()


def test_upgrade_of_a_store_another_program_keeps_locked_is_a_clear_refusal(qtbot, tmp_path):
    """Another program holding the store's write lock: the upgrade gives up with a message naming
    the store (no traceback, no copy left behind), and the store stays at its old version."""
    import sqlite3

    from app.models.db import SCHEMA_VERSION, open_store, schema_of
    from app.models.errors import IpdeskError
    from app.ui import main as start

    path = tmp_path / "busy.sqlite"
    open_store(path, schema=SCHEMA_VERSION - 1).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("begin immediate")
    start.make_app()
    try:
        with pytest.raises(IpdeskError) as exc:
            start.upgrade_store(path)
    finally:
        holder.execute("rollback")
        holder.close()
    assert exc.value.code == "store_busy" and str(path) in exc.value.message("en")
    assert "正被其他程序修改" in exc.value.message("zh")
    assert schema_of(path) == SCHEMA_VERSION - 1 and not list(tmp_path.glob("busy.v*.bak"))


def test_window_reopens_with_the_size_and_tree_width_it_was_closed_with(qtbot, open_main_window):
    first = open_main_window("320100", 2024)
    free = first.screen().availableGeometry()          # the first start: 1280 × 800, or what the screen holds
    assert (first.width(), first.height()) == (min(1280, free.width() - 16), min(800, free.height() - 40))
    first.resize(760, 560)                # (within the offscreen screen, 800 × 600: a restore keeps it on screen)
    first.split.setSizes([300, 460])
    qtbot.waitUntil(lambda: first.split.sizes()[0] == 300)
    first.close()
    second = open_main_window("320100", 2024)
    assert (second.width(), second.height()) == (760, 560)
    assert second.split.sizes()[0] == 300
    second.close()
    from PySide6.QtCore import QByteArray, QSettings
    for damaged in ("garbage", QByteArray(b"\x01\xd9\xd0\xcb\x00\x03")):     # a hand-edited or cut settings file
        QSettings("ipdesk", "ipdesk").setValue("window/geometry", damaged)
        QSettings("ipdesk", "ipdesk").setValue("window/split", ["x", "y"])
        third = open_main_window("320100", 2024)
        assert (third.width(), third.height()) == (min(1280, free.width() - 16), min(800, free.height() - 40))
        third.close()


def test_cycle_collection_runs_on_the_ui_thread_only(qtbot):
    """A worker making garbage must not collect it itself (a closed window's wrapper in that garbage
    had Qt destroy a widget off the UI thread: a test run deadlocked in ~QObject); the event loop's
    timer collects on the UI thread."""
    import gc
    import threading
    from app.ui.main import make_app

    make_app()
    assert not gc.isenabled()
    seen = []

    def watch(phase, info):
        if phase == "start":
            seen.append(threading.get_ident())
    gc.callbacks.append(watch)
    try:
        def churn():
            for _ in range(200_000):
                cycle = []
                cycle.append(cycle)
        worker = threading.Thread(target=churn)
        worker.start()
        worker.join()
        assert not seen, "the worker collected"
        qtbot.waitUntil(lambda: bool(seen), timeout=3000)
        assert set(seen) == {threading.get_ident()}
    finally:
        gc.callbacks.remove(watch)
