"""The bundled fonts: a Song (serif) face for the printed documents, a sans face for the window.

>>> cjk_font_path().name
'wqy-microhei.ttc'
>>> register_reportlab_font()
'WQYMicroHei'
>>> register_serif_fonts()
('NotoSerifSC', 'NotoSerifSC-Bold')

- Documents (PDF): Noto Serif SC Regular and Bold (OFL-1.1), subset at build time by
  ``tools/build_fonts.py`` to GB 2312 plus every character the app and its resources use;
  TrueType outlines, so reportlab embeds them subset. Title and headings use the Bold face
  (true bold, not a stroked regular).
- Status symbols (● ◐ ▲ ✕ ○): WenQuanYi Micro Hei, which has all five (Noto Serif SC lacks ✕)
  and draws them at one size, so the symbols of a table read alike.
- Window (Qt): WenQuanYi Micro Hei.
"""
from __future__ import annotations

from pathlib import Path

from app.models.reference import resource

FONT_NAME = "WQYMicroHei"
FAMILY = "WenQuanYi Micro Hei"
SERIF = "NotoSerifSC"
SERIF_BOLD = "NotoSerifSC-Bold"
SERIF_FILES = {SERIF: "NotoSerifSC-Regular-subset.ttf", SERIF_BOLD: "NotoSerifSC-Bold-subset.ttf"}


def cjk_font_path() -> Path:
    return resource("fonts", "wqy-microhei.ttc")


def serif_font_path(bold: bool = False) -> Path:
    return resource("fonts", SERIF_FILES[SERIF_BOLD if bold else SERIF])


def register_reportlab_font() -> str:
    """Register the sans face with reportlab once (TrueType face 0, embedded and subset in PDFs)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(cjk_font_path()), subfontIndex=0))
    return FONT_NAME


def register_serif_fonts() -> tuple[str, str]:
    """Register Noto Serif SC Regular and Bold once, as one family (``<b>`` in a paragraph picks
    the Bold face); returns ``(regular, bold)``."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    for name in (SERIF, SERIF_BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(serif_font_path(name == SERIF_BOLD))))
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, SERIF_BOLD)
    addMapping(SERIF, 0, 1, SERIF)
    addMapping(SERIF, 1, 1, SERIF_BOLD)
    return SERIF, SERIF_BOLD
