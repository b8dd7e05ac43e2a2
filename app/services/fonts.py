"""The bundled CJK font, for reportlab (PDF) and, via app.ui, for Qt.

>>> cjk_font_path().name
'wqy-microhei.ttc'
>>> register_reportlab_font()
'WQYMicroHei'
"""
from __future__ import annotations

from pathlib import Path

from app.models.reference import resource

FONT_NAME = "WQYMicroHei"
FAMILY = "WenQuanYi Micro Hei"


def cjk_font_path() -> Path:
    return resource("fonts", "wqy-microhei.ttc")


def register_reportlab_font() -> str:
    """Register the font with reportlab once (TrueType face 0, embedded and subset in PDFs)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(cjk_font_path()), subfontIndex=0))
    return FONT_NAME
