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


def probe(out_png: str, lang: str = "zh") -> dict:
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
    ok = window.grab().save(out_png)
    result = {"screen": screen.getRect(), "window": window.geometry().getRect(), "frame": frame.getRect(),
              "min_height": window.minimumSizeHint().height(), "outside": outside, "clipped": clipped,
              "elided": elided, "header_width": header.width(), "saved": ok,
              "dpr": window.devicePixelRatioF(), "sizes": sizes, "store": str(window.db.path)}
    window.close()
    return result


if __name__ == "__main__":
    print("PROBE " + json.dumps(probe(sys.argv[1], *(sys.argv[2:3] or []))))
