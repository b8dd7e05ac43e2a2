"""How a sheet of the electronic copy is written and sized for print (:mod:`app.services.report.xlsx`
builds the workbook's sheets with it).

- Faces and styles: every style names the Song face 宋体 (SimSun) with the GB 2312 charset, so
  Excel and LibreOffice print one Chinese face, not three fallbacks; headers bold on grey.
- :class:`_Sheet` writes cells — strings always as strings (:func:`_text`: never a formula,
  quote-prefixed when they look like one), Decimals as exact numbers with a format — and tracks each
  column's longest text; :meth:`_Sheet.finish` fits the columns to the page (:data:`PAGE_UNITS`,
  :func:`fit_columns`) and makes each row as tall as its tallest wrapped cell (:func:`lines_needed`,
  :func:`row_height`), so no row prints over the next.
- A draft's first row: :func:`draft_line`.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from app.services.report.data import Report

FONT_NAME = "宋体"          # SimSun: Excel on Chinese Windows has it, LibreOffice substitutes its CJK face
FONT_SIZE = 10.5            # 五号
GB2312 = 134                # the font's charset: tells Excel / LibreOffice to pick a Chinese face
BODY = Font(name=FONT_NAME, size=FONT_SIZE, charset=GB2312)
HEAD_FILL = PatternFill("solid", fgColor="E6E6E6")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(name=FONT_NAME, size=FONT_SIZE, charset=GB2312, bold=True)
DRAFT_FONT = Font(name=FONT_NAME, size=12, charset=GB2312, bold=True, color="B3261E")
DRAFT_RED = "B3261E"
TITLE = Font(name=FONT_NAME, size=16, charset=GB2312, bold=True)
HF_FONT = f"{FONT_NAME},Regular"   # header / footer: the same face, 11 pt (printed ≥ 9 pt when scaled)
HF_BOLD = f"{FONT_NAME},Bold"
# Width units across a printed A4 page at full scale, margins 1.5 cm. A unit is about 5.3 pt
# in Excel with SimSun and about 6.7 pt in LibreOffice with its substitute face (measured:
# 90 units printed at 85 % on a portrait page), so the budget is LibreOffice's; a table wider
# than this is scaled down by fitToWidth.
PAGE_UNITS = {"landscape": 112, "portrait": 75}
LINE_PT = 15.0              # height of one wrapped line of 10.5 pt type (with leading)
WRAP_TOP = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
MAX_WIDTH = 48


def number_format(decimals: int) -> str:
    """The number format of ``decimals`` places with thousands separators.

    >>> number_format(0), number_format(2)
    ('#,##0', '#,##0.00')
    """
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * decimals


def change_format(unit: str) -> str:
    """The format that shows a year-on-year change as the PDF does (``+11.4%``, ``-0.7个百分点``)."""
    if unit == "%":
        return "+0.0%;-0.0%;0.0%"
    return f'+0.0"{unit}";-0.0"{unit}";0.0"{unit}"'


def display_width(text: str) -> int:
    """Columns a text needs: CJK characters take two."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


@lru_cache(maxsize=4096)
def _char_width(c: str) -> int:
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _text(cell):
    """Keep ``cell`` text: a string, and quote-prefixed when it looks like a formula (``=HYPERLINK(…)``,
    ``+86 25 …``, ``-5%``), so that Excel, WPS and LibreOffice keep it text when it is edited."""
    cell.data_type = "s"
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell


def _number(value: Decimal):
    """An exact int for whole numbers, else the float of the (already rounded) Decimal."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


class _Sheet:
    """Writes rows into a worksheet: strings as strings, numbers with formats, widths tracked;
    :meth:`finish` sizes the columns to the page and every row to its wrapped text."""

    def __init__(self, ws, rep: Report | None = None):
        self.ws = ws
        self.widths: dict[int, int] = {}
        self.texts: dict[tuple[int, int], str] = {}
        self.top = 1                        # the table's header row
        self.draft = ""
        if rep is not None and rep.draft:   # the draft line above the table
            self.draft = draft_line(rep)
            cell = ws.cell(row=1, column=1, value=self.draft)
            _text(cell)
            cell.font = DRAFT_FONT
            self.top = 2

    def put(self, r: int, c: int, value, fmt: str | None = None, *, shown: str | None = None, style=None):
        cell = self.ws.cell(row=r, column=c)
        if value is None or value == "":
            pass
        elif isinstance(value, str):
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
            _text(cell)                     # never a formula, whatever the text begins with
        elif isinstance(value, Decimal):
            cell.value = _number(value)
        else:
            cell.value = value
        if fmt:
            cell.number_format = fmt
        if style is not None:
            cell.alignment = style
        text = shown if shown is not None else ("" if value is None else str(value))
        self.texts[(r, c)] = text
        longest = max((display_width(line) for line in text.split("\n")), default=0)
        self.widths[c] = max(self.widths.get(c, 0), longest)
        return cell

    def header(self, names, r: int | None = None):
        r = r or self.top
        for c, name in enumerate(names, start=1):
            cell = self.put(r, c, name, style=HEAD_ALIGN)
            cell.font = BOLD
            cell.fill = HEAD_FILL
            cell.border = BOX
        self.ws.freeze_panes = self.ws.cell(row=r + 1, column=1)
        self.ws.print_title_rows = f"{r}:{r}"

    def finish(self, orientation: str = "landscape", *, wrap: dict[int, tuple[int, int]] | None = None,
               fixed: dict[int, int] | None = None, min_width: int = 6):
        """Column widths that fit ``orientation``'s page, then row heights that fit the wrapped text.

        ``wrap`` maps a column to (narrowest, widest) width: its text wraps and it gives way first
        when the table is wider than the page; ``fixed`` sets a column's width outright; the others
        take their longest text (at most :data:`MAX_WIDTH`)."""
        wrap, fixed = wrap or {}, fixed or {}
        widths = {}
        for c in sorted(set(self.widths) | set(fixed)):
            natural = self.widths.get(c, 0) + 2
            if c in fixed:
                widths[c] = fixed[c]
            elif c in wrap:
                widths[c] = min(max(natural, wrap[c][0]), wrap[c][1])
            else:
                widths[c] = min(max(natural, min_width), MAX_WIDTH)
        fit_columns(widths, wrap, PAGE_UNITS[orientation])
        for c, width in widths.items():
            self.ws.column_dimensions[get_column_letter(c)].width = width
        for c in wrap:
            for (cell,) in self.ws.iter_rows(min_col=c, max_col=c, min_row=self.top + 1):
                cell.alignment = WRAP_TOP
        wrapped = set(wrap)
        heights: dict[int, int] = {}
        for (r, c), text in self.texts.items():
            if text and (c in wrapped or r == self.top):
                heights[r] = max(heights.get(r, 1), lines_needed(text, widths.get(c, 8)))
        last = max([r for r, _c in self.texts] + [self.top])
        for r in range(self.top, last + 1):
            self.ws.row_dimensions[r].height = row_height(heights.get(r, 1))
        if self.draft:                      # the draft line spans the table and wraps within it
            span = max(widths) if widths else 1
            self.ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=span)
            self.ws.cell(row=1, column=1).alignment = WRAP_TOP
            self.ws.row_dimensions[1].height = row_height(lines_needed(self.draft, sum(widths.values()) * 0.8), 12)
        return widths


def fit_columns(widths: dict[int, float], wrap: dict[int, tuple[int, int]], page: int) -> None:
    """Narrow the wrapping columns (toward their narrowest width, in proportion) until the
    table fits ``page`` width units; columns that do not wrap keep their width.

    >>> w = {1: 10, 2: 40, 3: 40}; fit_columns(w, {2: (10, 40), 3: (20, 40)}, 70); w
    {1: 10, 2: 28, 3: 32}
    """
    over = sum(widths.values()) - page
    slack = {c: widths[c] - lo for c, (lo, _hi) in wrap.items() if c in widths and widths[c] > lo}
    total = sum(slack.values())
    if over <= 0 or not total:
        return
    take = min(over, total)
    for c, s in slack.items():
        widths[c] = widths[c] - round(take * s / total)


def lines_needed(text: str, width: float) -> int:
    """Printed lines of ``text`` in a wrapping cell ``width`` units wide: CJK characters take
    two units and break anywhere, other words break at spaces (a word longer than the line
    breaks inside). A 10 % margin covers the substitute face's wider glyphs.

    >>> lines_needed("数据", 10), lines_needed("数据" * 10, 12), lines_needed("a\\nb", 10)
    (1, 5, 2)
    """
    usable = max(2.0, (width - 1) * 0.9)
    total = 0
    for para in str(text).split("\n"):
        lines, cur = 1, 0.0
        for token in re.findall(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s", para):
            w = display_width(token)
            if cur + w <= usable or (token.isspace() and cur == 0):
                cur += w
                continue
            if token.isspace():
                lines, cur = lines + 1, 0.0
                continue
            lines, cur = lines + 1, 0.0
            while w > usable:                  # a word longer than the line
                lines, w = lines + 1, w - usable
            cur = w
        total += lines
    return total


def row_height(lines: int, size: float = FONT_SIZE) -> float:
    """Points for ``lines`` lines of ``size`` pt type: >>> row_height(1), row_height(3)
    (17.0, 47.0)"""
    return round(lines * LINE_PT * size / FONT_SIZE + 2, 1)


def draft_line(rep: Report) -> str:
    """Row 1 of every sheet of a draft: ``草稿（不得作为正式报送）：尚未审批；7 个需说明问题未说明（详见“封面说明”）``."""
    return f"{rep.mark}：{'；'.join(rep.reasons)}（详见“封面说明”）"
