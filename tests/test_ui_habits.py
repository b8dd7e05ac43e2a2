"""Habits a clerk and an office head bring from spreadsheets and their other tools: a wrong password
asks again, F1 opens help, another store opens from the File menu, messages name places."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QPushButton  # noqa: E402

from app.models.values import region_year_status  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def window(qtbot, open_main_window):
    w = open_main_window("320100", 2024)           # 南京 2024: complete and clean in the demo
    qtbot.waitExposed(w)
    return w


def find_dialog(name):
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.objectName() == name
                 and w.isVisible()), None)


def test_a_wrong_password_asks_again(window, qtbot):
    seen = []

    def wrong():
        dlg = find_dialog("headDialog")
        dlg.user.setCurrentText("demo-head")
        dlg.password.setText("not-the-password")
        dlg.accept()
        seen.append((dlg.isVisible(), dlg.error.isVisible(), dlg.error.text(), dlg.password.text()))
        QTimer.singleShot(0, right)

    def right():
        dlg = find_dialog("headDialog")
        seen.append(dlg is not None)
        dlg.password.setText("demo1234")
        dlg.accept()

    QTimer.singleShot(50, wrong)
    assert window.approve()
    still_open, shown, text, password = seen[0]
    assert still_open and shown and "密码" in text and password == ""
    assert seen[1] is True
    assert region_year_status(window.db, "320100", 2024) == "approved"


def test_cancel_after_a_wrong_password_changes_nothing(window, qtbot):
    def wrong_then_cancel():
        dlg = find_dialog("headDialog")
        dlg.password.setText("nope")
        dlg.accept()
        dlg.reject()
    QTimer.singleShot(50, wrong_then_cancel)
    assert not window.approve()
    assert region_year_status(window.db, "320100", 2024) == "complete"


def test_an_unlock_without_a_reason_asks_again(window, qtbot):
    assert window.approve(credentials=("demo-head", "demo1234"))
    seen = []

    def no_reason():
        dlg = find_dialog("headDialog")
        dlg.user.setCurrentText("demo-head")
        dlg.password.setText("demo1234")
        dlg.accept()
        seen.append((dlg.isVisible(), dlg.error.text()))
        dlg.password.setText("demo1234")
        dlg.reason.setPlainText("统计口径调整")
        dlg.accept()
    QTimer.singleShot(50, no_reason)
    assert window.unlock()
    assert seen[0][0] and "原因" in seen[0][1]
    assert region_year_status(window.db, "320100", 2024) == "draft"


# ---------------------------------------------------------------- F1, stores, file dialogs

def test_f1_opens_help_with_the_keys_and_the_workflow(window, qtbot):
    window.entry.view.setFocus()
    qtbot.keyClick(window.entry.view, Qt.Key_F1)
    dlg = find_dialog("helpDialog")
    assert dlg is not None
    keys = [dlg.keys.item(r, 0).text() for r in range(dlg.keys.rowCount())]
    assert {"F1", "Ctrl+Z / Ctrl+Y", "Ctrl+C / Ctrl+V", "Ctrl+M", "Ctrl+H", "Ctrl+F"} <= set(keys)
    words = [dlg.keys.item(r, 1).text() for r in range(dlg.keys.rowCount())]
    assert all(re.search(r"[\u4e00-\u9fff]", w) for w in words)          # in Chinese
    for step in ("草稿", "填报完成", "已报送", "审批"):
        assert step in dlg.flow.text()
    dlg.reject()


def test_open_another_store_from_the_file_menu_and_find_it_among_the_recent(window, qtbot, demo_file, tmp_path):
    from app.ui.stores import recent_stores

    other = tmp_path / "other" / "store.sqlite"
    other.parent.mkdir()
    shutil.copy(demo_file, other)
    from app.ui.main import open_window

    first_path = window.db.path
    window.opener = open_window               # (the window open_window makes has it; the fixture's is made directly)
    new = window.open_store(str(other))
    qtbot.addWidget(new)
    assert new is not window and str(new.db.path) == str(other) and new.isVisible() and not window.isVisible()
    assert recent_stores()[0] == str(other)
    assert Path(str(other) + ".lock").exists()            # the new store is locked by the new window
    # the first window's store is closed and its lock gone: it can be opened again at once
    assert not Path(str(first_path) + ".lock").exists()
    new.recent_menu.aboutToShow.emit()
    shown = [a.text() for a in new.recent_menu.actions()]
    assert shown[0] == str(other) and not new.recent_menu.actions()[0].isEnabled()
    # a recent store that was deleted meanwhile: said, and dropped from the list
    gone = tmp_path / "gone.sqlite"
    assert new.open_store(str(gone)) is None
    assert str(gone) not in recent_stores()
    new.close()
    from app.ui.stores import close_store

    close_store(new)
    assert not Path(str(other) + ".lock").exists()
    assert not Path(str(other) + "-wal").exists() and not Path(str(first_path) + "-wal").exists()   # checkpointed


def test_recent_stores_keep_five_newest_first(tmp_path):
    from app.ui.stores import recent_stores, remember_store

    for i in range(7):
        remember_store(tmp_path / f"s{i}.sqlite")
    remember_store(tmp_path / "s3.sqlite")
    assert recent_stores() == [str(tmp_path / f"s{i}.sqlite") for i in (3, 6, 5, 4, 2)]


def test_file_dialogs_start_in_the_folder_used_last(window, qtbot, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    from app.ui import file_dialogs

    folder = tmp_path / "exports"
    folder.mkdir()
    assert file_dialogs.last_folder() == str(Path.home())
    file_dialogs.remember(str(folder / "a.xlsx"))
    seen = {}

    def look():
        dlg = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible())
        seen["dir"] = dlg.directory().absolutePath()
        seen["labels"] = [b.text() for b in dlg.findChildren(QPushButton)]
        seen["look_in"] = dlg.labelText(QFileDialog.LookIn)
        dlg.reject()
    QTimer.singleShot(200, look)
    assert file_dialogs.open_file(window, "导入", "Excel (*.xlsx)") == ""
    assert seen["dir"] == str(folder), seen
    assert "取消" in seen["labels"] and any(t.startswith("打开") for t in seen["labels"])     # Qt's own, in Chinese


# ---------------------------------------------------------------- --demo leaves nothing behind

def test_a_demo_run_leaves_nothing_behind(tmp_path):
    script = ("import sys\n"
              "from PySide6.QtCore import QTimer\n"
              "from app.ui.main import make_app, run_gui\n"
              "app = make_app()\n"
              "QTimer.singleShot(1500, app.quit)\n"
              "sys.exit(run_gui(demo=True))\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path), HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stderr
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith("ipdesk-demo-")]
    assert left == [], left
    from app.ui.stores import recent_stores  # noqa: F401 - (a demo store is not a recent store)
    settings = (tmp_path / "config" / "ipdesk" / "ipdesk.conf")
    assert not settings.exists() or "ipdesk-demo-" not in settings.read_text()
