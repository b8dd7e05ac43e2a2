"""Languages: Simplified Chinese by default, English switchable at run time.

Our strings are English in the source, wrapped in ``tr()``; ``resources/i18n/ipdesk_zh_CN.qm``
(built from the ``.ts`` source by ``tools/i18n.py``) translates them, and Qt's own
``qtbase_zh_CN.qm`` translates the standard buttons (OK, Cancel, …).
"""
from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.models.reference import resource

_installed: list[QTranslator] = []
_current = {"lang": "zh"}


def current() -> str:
    return _current["lang"]


def set_language(lang: str) -> None:
    """Install the translators for ``lang`` ('zh' or 'en'); widgets get a LanguageChange event."""
    app = QCoreApplication.instance()
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    _current["lang"] = "en" if lang == "en" else "zh"
    os.environ["IPDESK_LANG"] = _current["lang"]   # core messages follow the window's language
    if _current["lang"] == "zh":
        QLocale.setDefault(QLocale(QLocale.Chinese, QLocale.China))
        ours = QTranslator(app)
        if ours.load(str(resource("i18n", "ipdesk_zh_CN.qm"))):
            app.installTranslator(ours)
            _installed.append(ours)
        qt = QTranslator(app)
        if qt.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
            app.installTranslator(qt)
            _installed.append(qt)
    else:
        QLocale.setDefault(QLocale(QLocale.English, QLocale.UnitedStates))
    # removing/installing translators posts LanguageChange to every widget: deliver them now
    from PySide6.QtCore import QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.LanguageChange)


class Retranslating:
    """Mixin for widgets that set their texts in ``retranslate()``: redone on every language change."""

    def changeEvent(self, event):
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)
