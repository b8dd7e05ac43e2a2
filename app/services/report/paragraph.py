"""reportlab's Paragraph, wrapped once per width.

A table lays out each cell's paragraphs to size its rows, again to draw them, and again for each
part when it splits across pages; a page frame may ask twice too. The lines of a paragraph depend
only on its text, style and width, so each width's break is kept and reused (CJK line breaking
measures every character: it was a fifth of writing the paper copy).

    from app.services.report.paragraph import Paragraph     # as reportlab.platypus.Paragraph
"""
from __future__ import annotations

from reportlab.platypus import Paragraph as _Paragraph


class Paragraph(_Paragraph):
    """A Paragraph that breaks its lines once for a given width (its split parts are new paragraphs)."""

    _wrapped_for = None

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        if self._wrapped_for == availWidth and "blPara" in self.__dict__:   # (split drops its lines)
            return self.width, self.height
        out = super().wrap(availWidth, availHeight)
        self._wrapped_for = availWidth if out[1] != 0x7fffffff else None
        return out
