"""Table cells for lists of changes (import dry run, received package): what the grid shows —
region and indicator names, numbers grouped to the indicator's decimals — with the code or the
stored text in the tooltip and in ``Qt.UserRole``."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidgetItem

from app.ui.i18n import current

_RIGHT = Qt.AlignRight | Qt.AlignVCenter


def when(iso: str | None) -> str:
    """A stored ISO timestamp as people read it, in this computer's time zone: 2024-12-10 09:30."""
    if not iso:
        return ""
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError):      # (a package's manifest is the sender's text)
        return iso


class Shown:
    def __init__(self, window):
        from app.models.catalogue import indicators

        self.window = window
        self.catalogue = indicators(window.db)
        self.lang = current()

    @staticmethod
    def item(text: str, stored=None, *, right: bool = False) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setData(Qt.UserRole, text if stored is None else stored)
        if stored is not None and stored != text:
            item.setToolTip(str(stored))
        if right:
            item.setTextAlignment(_RIGHT)
        return item

    def region(self, code: str) -> QTableWidgetItem:
        return self.item(self.window.region_name(code), code)

    def indicator(self, code: str) -> QTableWidgetItem:
        ind = self.catalogue.get(code)
        return self.item(ind.name(self.lang) if ind else code, code)

    def number(self, indicator: str, text: str | None) -> QTableWidgetItem:
        """A stored canonical value as the grid shows it ('' for none)."""
        ind = self.catalogue.get(indicator)
        if not text:
            return self.item("", text, right=True)
        from app.models.parse import format_value

        if ind is None:
            return self.item(text, text, right=True)
        # the indicator's decimals, or more when the value has them: 3.501 -> 3.504 must not read 3.50 -> 3.50
        places = max(ind.decimals, len(text.partition(".")[2]))
        return self.item(format_value(Decimal(text), places), text, right=True)
