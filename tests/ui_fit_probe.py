"""Run by tests/test_ui_fit.py in a subprocess on an offscreen screen of a given size (and scale):
open the window on a fresh demo store as a first start would (no saved settings), show it, and
print as JSON what lies outside the screen, what is clipped and what is elided; save a screenshot.

    QT_QPA_PLATFORM=offscreen:configfile=screen.json [QT_SCALE_FACTOR=1.5] python -m tests.ui_fit_probe OUT.png
"""
from __future__ import annotations

import json
import sys


def widget_rect(w):
    from PySide6.QtCore import QPoint, QRect

    return QRect(w.mapToGlobal(QPoint(0, 0)), w.size())


def inside_scroll_area(w) -> bool:
    """Widgets in a scroll area's viewport may lie beyond it (they are scrolled to)."""
    from PySide6.QtWidgets import QAbstractScrollArea

    p = w.parentWidget()
    while p is not None:
        if isinstance(p.parentWidget(), QAbstractScrollArea) and p is p.parentWidget().viewport():
            return True
        p = p.parentWidget()
    return False


def show_page(window, app, page: str) -> list[str]:
    """Open the 任务 (``tasks``) or 报告 (``report``) tab on 江苏省 2024 with a task list, an own task and some
    progress; return the page's controls that are not shown whole."""
    import tempfile
    from pathlib import Path

    from tests.ui_task_seed import seed

    seed(window.db, Path(tempfile.mkdtemp(prefix="ipdesk-probe-")))
    window.year.setValue(2024)
    window.select_region("320000")
    window.tabs.setCurrentIndex({"inbox": 3, "tasks": 4, "report": 5}[page])
    for _ in range(5):
        app.processEvents()
    if page == "inbox":
        p = window.inbox
        key = {name: b for name, b in (("open", p.open_button), ("scan", p.scan_button), ("ask", p.ask_button),
                                       ("answers", p.answers_button), ("aggregate", p.aggregate_button))}
        out = [f"inbox: {name}" for name, w in key.items()
               if not w.isVisible() or w.visibleRegion().boundingRect().size() != w.size()
               or w.fontMetrics().horizontalAdvance(w.text()) > w.contentsRect().width()]
        return out
    if page == "tasks":
        p = window.tasks_page
        p.select_task("G2024-4.9.1")
        p.grid.setCurrentIndex(p.grid_model.index(0, 2))       # 江苏省 上半年: a report with its evidence file
        key = {"task tree": p.tree, "progress grid": p.grid, "evidence list": p.evidence, "add file": p.add_file_button,
               "save details": p.save_button, "add task": p.add_button, "assign": p.assign_button,
               "explain": p.explain_button, "hint": p.grid_hint}
    else:
        import time

        from app.models import progress
        from app.services import results_report as rr

        p = window.report_page
        # an edited section whose draft has moved since: the list marks it
        rr.set_text(window.db, "320000", 2024, 3, "本年度全省重点任务推进有力。\n（一）专利申请质量分析按期推进。")
        progress.set_progress(window.db, "320000", "G2024-4.9.1", "2024Q4", "推进中", percent=90, text="分析报告已形成终稿")
        window.tabs.setCurrentIndex(0)
        window.tabs.setCurrentIndex(5)
        until = time.monotonic() + 20
        while (p.report is None or p._job is not None) and time.monotonic() < until:   # drafted off the UI thread
            app.processEvents()
            time.sleep(0.02)
        p.sections.setCurrentRow(2)
        key = {"sections": p.sections, "editor": p.editor, "live draft": p.draft, "save": p.save_button,
               "re-draft": p.redraft_button}
    for _ in range(5):
        app.processEvents()
    out = [f"{page}: {name}" for name, w in key.items()
           if not w.isVisible() or w.visibleRegion().boundingRect().size() != w.size()]
    if page == "tasks" and p.grid.horizontalScrollBar().isVisible():
        out.append("tasks: progress grid scrolls sideways")
    return out


def probe(out_png: str, lang: str = "zh", page: str | None = None) -> dict:
    from PySide6.QtWidgets import QSplitter, QWidget

    from app.ui.main import make_app, open_window

    app = make_app()
    from app.ui import i18n

    i18n.set_language(lang)
    window = open_window(demo=True)
    window.select_region("320800")          # 淮安市: a city's grid, the long deduction indicator among its rows
    window.show()
    for _ in range(10):
        app.processEvents()
    window.entry.load(window.region, window.year.value())     # the findings panel filled (after the first paint)
    for _ in range(5):
        app.processEvents()
    screen = window.screen().availableGeometry()
    frame = window.frameGeometry()
    outside, clipped = [], []
    for w in [window, *window.findChildren(QWidget)]:
        if not w.isVisible() or w.isWindow() and w is not window or inside_scroll_area(w):
            continue
        r = widget_rect(w)
        if not screen.contains(r):
            outside.append(f"{type(w).__name__}:{w.objectName()} {r.getRect()}")
    # the clerk's controls: shown whole (not cut by a parent too small for them)
    key = {"status bar": window.statusBar(), "complete button": window.entry.complete_button,
           "explain button": window.entry.explain_button, "findings": window.entry.findings,
           "grid": window.entry.view}
    for name, w in key.items():
        if not w.isVisible() or w.visibleRegion().boundingRect().size() != w.size():
            clipped.append(name)
    # row labels: the longest indicator name (with its unit) fits the row header
    view = window.entry.view
    header = view.verticalHeader()
    model = view.model()
    fm = header.fontMetrics()
    elided = []
    from PySide6.QtCore import Qt

    for row in range(model.rowCount()):
        label = model.headerData(row, Qt.Vertical, Qt.DisplayRole)
        if fm.horizontalAdvance(label) + 12 > header.width():
            elided.append(label)
    # every year's column shown: no sideways scrolling to reach this year
    if view.horizontalScrollBar().isVisible():
        clipped.append("grid scrolls sideways")
    sizes = {"tree": window.split.sizes(), "entry": window.entry.findChild(QSplitter).sizes(),
             "columns": [view.columnWidth(c) for c in range(model.columnCount())]}
    if page:
        clipped += show_page(window, app, page)
    ok = window.grab().save(out_png)
    result = {"screen": screen.getRect(), "window": window.geometry().getRect(), "frame": frame.getRect(),
              "min_height": window.minimumSizeHint().height(), "outside": outside, "clipped": clipped,
              "elided": elided, "header_width": header.width(), "saved": ok,
              "dpr": window.devicePixelRatioF(), "sizes": sizes, "store": str(window.db.path)}
    window.close()
    return result


if __name__ == "__main__":
    print("PROBE " + json.dumps(probe(sys.argv[1], *(sys.argv[2:4] or []))))
