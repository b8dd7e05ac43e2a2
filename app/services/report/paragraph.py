"""reportlab's Paragraph, parsed once per text and style, wrapped once per width.

A table lays out each cell's paragraphs to size its rows, again to draw them, and again for each
part when it splits across pages; a page frame may ask twice too. The lines of a paragraph depend
only on its text, style and width, so each width's break is kept and reused (CJK line breaking
measures every character: it was a fifth of writing the paper copy). And a results report's
regions × tasks table repeats a few words (已完成, 推进中, 未报) in thousands of cells: each text is
parsed once per style (reportlab runs an HTML parser for every paragraph) and the next ones get a
copy of its fragments.

    from app.services.report.paragraph import Paragraph     # as reportlab.platypus.Paragraph
"""
from __future__ import annotations

import copy
import weakref

from reportlab.platypus import Paragraph as _Paragraph

_PARSED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # style -> {(text, bullet, case): parsed}


class Paragraph(_Paragraph):
    """A Paragraph that parses a text once per style and breaks its lines once for a given width
    (its split parts are new paragraphs)."""

    _wrapped_for = None

    def _setup(self, text, style, bulletText, frags, cleaner):
        if frags is not None or not isinstance(text, str) or not isinstance(bulletText, (str, type(None))):
            return super()._setup(text, style, bulletText, frags, cleaner)
        try:
            seen = _PARSED.setdefault(style, {})
        except TypeError:                      # a style that cannot be weakly referenced: parse as usual
            return super()._setup(text, style, bulletText, frags, cleaner)
        key = (text, bulletText, self.caseSensitive)
        hit = seen.get(key)
        if hit is None:
            super()._setup(text, style, bulletText, frags, cleaner)
            seen[key] = (self.text, self.style, copy.deepcopy(self.frags), copy.deepcopy(self.bulletText))
            return None
        self.text, self.style = hit[0], hit[1]
        self.frags, self.bulletText = copy.deepcopy(hit[2]), copy.deepcopy(hit[3])
        self.debug = 0
        return None

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        if self._wrapped_for == availWidth and "blPara" in self.__dict__:   # (split drops its lines)
            return self.width, self.height
        out = super().wrap(availWidth, availHeight)
        self._wrapped_for = availWidth if out[1] != 0x7fffffff else None
        return out
