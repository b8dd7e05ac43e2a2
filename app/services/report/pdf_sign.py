"""The sign-off of the paper copy: the closing paragraph kept on one page with the names and
the seal area, as GB/T 9704-2012 §7.3.5.1 lays out a sealed document.

- The unit name is centred over the date; the date stands four characters in from the
  right edge; a dashed circle of 42 mm (the seal area) is centred on them with its centre a
  little above the unit name, so the seal presses on both the name and the date.
- The closing paragraph and the sign-off are one KeepTogether: when they do not fit, both go
  to the next page — there is never a page holding only signatures ("此页无正文").
- The names are those the store records (audit): who wrote the values and explanations
  (填表人), who completed / submitted the region-year (审核人), who approved it (单位负责人),
  each followed by a line to sign by hand. The date is the copy's one date (``Report.date_text``).
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer
from xml.sax.saxutils import escape

SEAL_D = 42 * mm
SEAL_INK = colors.HexColor("#9b1c1c")
CLOSING = "以上数据经本单位审核，真实、准确、完整。特此报送。"


class SignOff(Flowable):
    """People on the left; unit name, date and the seal circle on the right."""

    def __init__(self, rep, font: str, size: float, leading: float, small: float):
        super().__init__()
        self.rep, self.font, self.size, self.leading, self.small = rep, font, size, leading, small
        self.date_y = 8 * mm
        self.unit_y = self.date_y + leading
        self.seal_cy = self.unit_y + 5 * mm           # the names sit below the seal's centre
        self.height = self.seal_cy + SEAL_D / 2 + 1 * mm

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return self.width, self.height

    def geometry(self) -> dict[str, float]:
        """Where the date, unit name and seal are (flowable coordinates), for the tests and draw()."""
        date_w = stringWidth(self.rep.date_text, self.font, self.size)
        date_right = self.width - 4 * self.size        # 右空四字
        cx = date_right - date_w / 2
        return {"date_x": date_right - date_w, "date_right": date_right, "cx": cx, "cy": self.seal_cy,
                "r": SEAL_D / 2}

    def _people(self) -> list[tuple[str, str]]:
        rep = self.rep
        return [("填表人", rep.preparer), ("审核人", rep.reviewer), ("单位负责人", rep.approver)]

    def draw(self):
        c, g = self.canv, self.geometry()
        size, font = self.size, self.font
        # the people: label, the recorded name, and a line to sign on
        right = g["cx"] - g["r"] - 3 * mm
        y = self.height - size - 2 * mm
        for label, name in self._people():
            text = f"{label}：{name}" if name else f"{label}："
            while stringWidth(text, font, size) > right - 22 * mm and len(text) > len(label) + 2:
                text = text[:-1]
            c.setFont(font, size)
            c.drawString(0, y, text)
            x = stringWidth(text, font, size) + 2 * mm
            c.setLineWidth(0.6)
            c.line(x, y - 2, right, y - 2)
            y -= self.leading
        # unit name centred over the date, the date four characters in from the right
        c.setFont(font, size)
        c.drawCentredString(g["cx"], self.unit_y, self.rep.office)
        c.drawString(g["date_x"], self.date_y, self.rep.date_text)
        # the seal area, dashed, pressing on both
        c.saveState()
        c.setStrokeColor(SEAL_INK)
        c.setLineWidth(0.8)
        c.setDash(4, 3)
        c.circle(g["cx"], g["cy"], g["r"], stroke=1, fill=0)
        c.restoreState()
        c.saveState()
        c.setFillColor(colors.HexColor("#777777"))
        c.setFont(font, self.small)
        c.drawCentredString(g["cx"], g["cy"] + g["r"] - 9 * mm, "（单位盖章）")
        c.restoreState()


def closing(rep, st, font) -> list:
    """The closing paragraph and the sign-off, kept together on the last page of text."""
    body = st["body"]
    para = Paragraph(escape(CLOSING), body)
    return [Spacer(1, 3 * mm), KeepTogether([para, Spacer(1, 2 * mm),
                                              SignOff(rep, font, body.fontSize, body.leading, st["note"].fontSize)])]
