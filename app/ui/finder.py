"""Finding one of a nation's 3,300 regions by typing part of its name or code.

A line edit in the tool bar (Ctrl+F): suggestions appear as one types (any part of the name, the
names above it or the code), and Enter or a click goes there. The names are read from the store
when the box is first used, not at start, and again after regions changed or the language did.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit

from app.ui.i18n import current


class RegionFinder(QLineEdit):
    chosen = Signal(str)          # a region code
    nothing = Signal(str)         # the text that matched no region

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.setObjectName("regionFinder")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(240)
        self.setMaximumWidth(360)
        self._key = None               # (reference revision, language) the suggestions were made for
        self._code_of: dict[str, str] = {}
        self.completer_ = None         # made when the box is first used (not at start)
        self.returnPressed.connect(self._enter)
        self.textEdited.connect(lambda _t: self.suggestions())   # (the language may have changed meanwhile)

    def focusInEvent(self, event):
        self.suggestions()
        super().focusInEvent(event)

    def suggestions(self) -> list[str]:
        """'南山区 · 广东省 深圳市 · 440305' for every region (read once per revision and language)."""
        from app.models.db import reference_rev
        from app.services.browse import region_lines

        if self.completer_ is None:
            from PySide6.QtCore import QStringListModel
            from PySide6.QtWidgets import QCompleter

            self.completer_ = QCompleter(self)
            self.completer_.setModel(QStringListModel(self))
            self.completer_.setFilterMode(Qt.MatchContains)
            self.completer_.setCaseSensitivity(Qt.CaseInsensitive)
            self.completer_.setMaxVisibleItems(12)
            self.completer_.activated[str].connect(self._go)
            self.setCompleter(self.completer_)
        key = (reference_rev(self.db), current())
        if key != self._key:
            zh = key[1] == "zh"
            rows = region_lines(self.db)
            self._code_of = {}
            for code, name_zh, name_en, p_zh, p_en, p_level, g_zh, g_en, g_level in rows:
                name, up, top = (name_zh, p_zh, g_zh) if zh or not name_en else (name_en, p_en or p_zh, g_en or g_zh)
                above = [n for n, level in ((top, g_level), (up, p_level)) if n and level != "nation"]
                text = f"{name} · {' '.join(above)} · {code}" if above else f"{name} · {code}"
                self._code_of[text] = code
            self.completer_.model().setStringList(list(self._code_of))
            self._key = key
        return list(self._code_of)

    def _go(self, text: str) -> None:
        code = self._code_of.get(text)
        if code:
            self.chosen.emit(code)
            self.clear()

    def _enter(self) -> None:
        text = self.text().strip()
        if not text:
            return
        self.suggestions()
        if text in self._code_of:
            self._go(text)
            return
        self.completer_.setCompletionPrefix(text)
        if self.completer_.completionCount():
            self.completer_.popup().hide()
            self._go(self.completer_.currentCompletion())
        else:
            self.nothing.emit(text)
