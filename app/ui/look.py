"""The look of the window, set with fonts and the palette.

Not an application style sheet: a style sheet routes every widget's painting through
QStyleSheetStyle, which cost 15-30 ms of the first paint and slowed every repaint after.
"""
from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette

GRID_LINES = "#d0d5dd"           # table grid lines: QTableView draws them in the palette's Mid role


def apply(app) -> None:
    palette = app.palette()
    palette.setColor(QPalette.Mid, QColor(GRID_LINES))
    app.setPalette(palette)


def page_title(label) -> None:
    """A page's heading: larger and bold, a little air below."""
    font = QFont(label.font())
    font.setPointSize(15)
    font.setBold(True)
    label.setFont(font)
    label.setContentsMargins(0, 2, 0, 6)
