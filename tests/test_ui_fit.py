"""The window on the clerk's screens, and the spreadsheet habits a clerk brings.

The screen tests start the window in a subprocess on an offscreen screen of the size of a
1366 × 768 laptop, and of a 1920 × 1080 screen at 150 % (Qt's scale factor), as a first start
would (no saved settings), and save what they show under docs/img/ (look at them).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QApplication  # noqa: E402

from app.models.values import get_values  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# the screenshots go to docs/img/ when IPDESK_SCREENSHOTS=1 (to refresh the README's images), else to the
# test's own folder: a test run leaves the working tree as it found it
IMG = ROOT / "docs" / "img" if os.environ.get("IPDESK_SCREENSHOTS") == "1" else None


def run_probe(tmp_path, width, height, scale=None, lang="zh", png=None, page=None):
    config = tmp_path / f"screen-{width}x{height}.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), PYTHONPATH=str(ROOT), TMPDIR=str(tmp_path))
    env.pop("IPDESK_LANG", None)
    if scale:
        env["QT_SCALE_FACTOR"] = str(scale)
    png = png or tmp_path / "window.png"
    out = subprocess.run([sys.executable, "-m", "tests.ui_fit_probe", str(png), lang, *([page] if page else [])],
                         env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=180)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("PROBE ")), None)
    assert line, out.stdout + out.stderr
    return json.loads(line[6:])


@pytest.mark.parametrize("width, height, scale, name", [(1366, 768, None, "window-1366x768.png"),
                                                        (1920, 1080, 1.5, "window-1920x1080-150.png")])
def test_first_start_fits_the_screen(tmp_path, width, height, scale, name):
    img = IMG or tmp_path
    img.mkdir(parents=True, exist_ok=True)
    r = run_probe(tmp_path, width, height, scale, png=img / name)
    sx, sy, sw, sh = r["screen"]
    assert (sw, sh) == ((width, height) if not scale else (round(width / scale), round(height / scale)))
    x, y, w, h = r["frame"]
    assert x >= sx and y >= sy and x + w <= sx + sw and y + h <= sy + sh, r
    assert r["outside"] == [] and r["clipped"] == [], r
    # a task bar (40 px) and a title bar (about 32 px) still leave room: the window may shrink that far
    assert r["min_height"] <= sh - 72, r
    assert r["elided"] == [], r          # 高价值发明专利中应扣除的非正常申请相关专利（件） readable whole
    assert r["saved"] and (img / name).stat().st_size > 20_000


def test_a_size_kept_from_a_larger_screen_is_brought_back_onto_this_one(open_main_window, qtbot):
    from PySide6.QtCore import QSettings

    w = open_main_window("320100", 2024)
    w.resize(3000, 2000)
    w.close()                                    # remembered at 3000 × 2000
    assert QSettings("ipdesk", "ipdesk").value("window/geometry") is not None
    again = open_main_window("320100", 2024)
    free = again.screen().availableGeometry()
    assert again.width() <= free.width() and again.height() <= free.height()


@pytest.mark.parametrize("page, name", [("tasks", "window-tasks.png"), ("report", "window-report.png"),
                                        ("inbox", "window-inbox.png")])
def test_the_task_report_and_package_pages_fit_a_laptop_screen(tmp_path, page, name):
    img = IMG or tmp_path
    img.mkdir(parents=True, exist_ok=True)
    r = run_probe(tmp_path, 1366, 768, png=img / name, page=page)
    sx, sy, sw, sh = r["screen"]
    x, y, w, h = r["frame"]
    assert x >= sx and y >= sy and x + w <= sx + sw and y + h <= sy + sh, r
    assert r["outside"] == [] and r["clipped"] == [], r
    assert r["saved"] and (img / name).stat().st_size > 20_000


# ---------------------------------------------------------------- typing where nothing may be typed

@pytest.fixture
def window(qtbot, open_main_window):
    w = open_main_window("320000", 2022)          # 江苏省 2022: approved and locked in the demo
    w.activateWindow()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


def cell_index(w, indicator, period):
    m = w.entry.model
    row = next(i for i, ind in enumerate(m.grid.indicators) if ind.code == indicator)
    return m.index(row, m.grid.periods.index(period))


def test_typing_on_a_locked_cell_says_why_and_the_cursor_stays(window, qtbot):
    view = window.entry.view
    idx = cell_index(window, "INV_GRANTS", "2022")
    view.setCurrentIndex(idx)
    view.setFocus()
    before = get_values(window.db)
    for key in "1234":      # Qt's own behaviour: jump to a row whose text starts with the key
        qtbot.keyClick(view, key)
    assert view.currentIndex() == idx and view.state() != QAbstractItemView.EditingState
    assert window.statusBar().currentMessage() == "江苏省 2022 年已审批锁定，须单位负责人解锁后才能修改"
    assert get_values(window.db) == before
    # an editable cell still takes typing
    window.year.setValue(2024)
    free = cell_index(window, "INV_GRANTS", "2024")
    view.setCurrentIndex(free)
    qtbot.keyClick(view, "7")
    assert view.state() == QAbstractItemView.EditingState


def test_typing_on_a_computed_cell_says_why(window, qtbot):
    window.year.setValue(2024)
    view = window.entry.view
    idx = cell_index(window, "HV_PATENTS_PER_10K", "2024")
    view.setCurrentIndex(idx)
    view.setFocus()
    qtbot.keyClick(view, "5")
    assert view.currentIndex() == idx
    assert window.statusBar().currentMessage().startswith("该单元格为计算值，不能直接填写")
    # shortcuts still work on a computed cell (Ctrl+C is not "typing")
    qtbot.keyClick(view, "c", Qt.ControlModifier)
    assert "复制" in window.statusBar().currentMessage()


def test_a_note_is_marked_in_its_cell(window, qtbot):
    window.year.setValue(2024)
    page = window.entry
    idx = cell_index(window, "INV_GRANTS", "2024")
    page.view.setCurrentIndex(idx)
    red = lambda: page.view.viewport().grab(page.view.visualRect(idx)).toImage()   # noqa: E731

    def marked():
        img = red()
        c = img.pixelColor(img.width() - 3, 1)
        return c.red() > 150 and c.green() < 100
    assert not page.model.has_note(idx.row(), idx.column()) and not marked()
    assert page.edit_note("统计局快报数", "省统计局")
    assert page.model.has_note(idx.row(), idx.column()) and marked()


def test_the_note_dialog_is_wide_enough_for_its_title(window, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog

    window.year.setValue(2024)
    page = window.entry
    page.view.setCurrentIndex(cell_index(window, "ABNORMAL_APPS", "2024"))
    seen = {}

    def look():
        dlg = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.objectName() == "noteDialog")
        seen["title"], seen["width"] = dlg.windowTitle(), dlg.width()
        seen["need"] = dlg.fontMetrics().horizontalAdvance(dlg.windowTitle())
        dlg.reject()
    QTimer.singleShot(100, look)
    assert not page.edit_note()
    assert "非正常专利申请数量" in seen["title"] and seen["width"] >= seen["need"] + 100
