"""What the spreadsheet services share: the long-format columns, turning reader cells into
clerk text, writing text cells that never become formulas, progress and cancel.

Reading files safely (zip checks, calamine, CSV encodings) is in :mod:`sheets_read`;
the use cases are :mod:`template`, :mod:`importer` and :mod:`export_data`.

>>> number_text(0.1 + 0.2), number_text(2022.0), number_text(1e-05), number_text(1234567.125)
('0.3', '2022', '0.00001', '1234567.125')
>>> cell_ref(6, 1), col_letter(27)
('B7', 'AA')
>>> csv_protect("=HYPERLINK()"), csv_unprotect("'=HYPERLINK()"), csv_unprotect("'plain")
("'=HYPERLINK()", '=HYPERLINK()', "'plain")
"""
from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from decimal import Decimal

from app.models.errors import Cancelled as CoreCancelled
from app.models.errors import IpdeskError
from app.models.messages import register
from app.models.parse import canonical

register({
    "cancelled": ("cancelled; nothing was written", "已取消，未写入任何数据"),
    "cell_formula_no_value": (
        "formula without a computed value: open the file in Excel or WPS, let it calculate and save it, "
        "or type the value", "公式没有计算结果：请在 Excel 或 WPS 中打开文件，计算后保存，或直接填写数值"),
    "cell_date": ("{text} is a date or time; this column takes {what} (format the column as text and retype)",
                  "“{text}”是日期或时间，此列应填写{what_zh}（请将该列设为文本格式后重新输入）"),
    "cell_bool": ("{text} is TRUE/FALSE; this column takes {what}", "“{text}”是逻辑值，此列应填写{what_zh}"),
    "cell_not_finite": ("the cell holds an error or an infinite number", "单元格是错误值或无穷大"),
})

# Long format: one row per value. Keys are the roles; every accepted header spelling maps to one.
LONG_COLUMNS = ("region", "indicator", "period", "value", "note")
REQUIRED_COLUMNS = ("region", "indicator", "period", "value")
HEADERS = {
    "en": {"region": "region", "indicator": "indicator", "period": "period", "value": "value", "note": "note",
           "region_name": "region_name", "indicator_name": "indicator_name", "unit": "unit"},
    "zh": {"region": "地区代码", "indicator": "指标代码", "period": "期间", "value": "数值", "note": "说明",
           "region_name": "地区名称", "indicator_name": "指标名称", "unit": "单位"},
}
_ALIASES = {
    "region": {"region", "region_code", "regioncode", "地区代码", "地区", "行政区划代码", "区划代码"},
    "indicator": {"indicator", "indicator_code", "indicatorcode", "指标代码", "指标"},
    "period": {"period", "year", "期间", "年份", "年度"},
    "value": {"value", "数值", "值", "填报值"},
    "note": {"note", "notes", "说明", "备注"},
    # informational columns written by export_data, read past silently
    "region_name": {"region_name", "地区名称"},
    "indicator_name": {"indicator_name", "指标名称"},
    "unit": {"unit", "单位"},
}
_ROLE_OF = {alias: role for role, names in _ALIASES.items() for alias in names}
WHAT = {  # what a column takes, for messages
    "value": ("a number", "数字"), "period": ("a period such as 2022", "期间（如 2022）"),
    "region": ("a region code", "地区代码"), "indicator": ("an indicator code", "指标代码"), "note": ("text", "文字"),
}

# Text beginning with one of these is a formula (or DDE) to Excel, WPS and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_NOTE = 2000


def header_role(text) -> str | None:
    """The long-format role of a header cell, or None: ``header_role(" 数值 ")`` -> ``"value"``."""
    if not isinstance(text, str):
        return None
    s = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "_").lstrip("\ufeff")
    return _ROLE_OF.get(s)


# ---------------------------------------------------------------- cells

def col_letter(n: int) -> str:
    """1-based column number -> letters (1 -> A, 27 -> AA)."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def cell_ref(row: int, col: int) -> str:
    """0-based row and column -> ``B7``."""
    return f"{col_letter(col + 1)}{row + 1}"


def number_text(x: float) -> str:
    """A number cell as the clerk saw it: Excel keeps 15 significant digits, so float noise
    (0.30000000000000004) goes and the exact decimal comes back, plain (no exponent)."""
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        raise ValueError("not finite")
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    shortest = repr(x)  # the shortest text that reads back as x: when it has <= 15 digits, it is the answer
    if "e" not in shortest and len(shortest.replace(".", "").lstrip("-0")) <= 15:
        return shortest
    return canonical(Decimal(format(x, ".15g")))


EXCEL_EPOCH = _dt.date(1899, 12, 30)


def date_as_year(d) -> int | None:
    """A year Excel showed as a date (2022 typed into a date-formatted cell is 1905-07-14)."""
    if isinstance(d, _dt.datetime):
        if d.time() != _dt.time(0):
            return None
        d = d.date()
    if not isinstance(d, _dt.date):
        return None
    serial = (d - EXCEL_EPOCH).days
    return serial if 1990 <= serial <= 2100 else None


def is_temporal(v) -> bool:
    return isinstance(v, (_dt.date, _dt.time, _dt.timedelta))


def show(v) -> str:
    """A reader value as text for a message (dates in ISO form)."""
    if isinstance(v, float):
        try:
            return number_text(v)
        except ValueError:
            return str(v)
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    return "" if v is None else str(v)


def is_blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def display_width(text: str) -> int:
    """Columns a text takes on screen: CJK characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit_width(texts, *, minimum: int = 6, maximum: int = 60) -> float:
    """Excel column width fitting the widest text (each line of it)."""
    widest = max((display_width(line) for t in texts if t for line in str(t).splitlines()), default=0)
    return float(min(max(widest + 2, minimum), maximum))


def row_words(where: str | None, lang: str = "zh") -> str:
    """A place in a file as :class:`~app.services.sheets.resolve.Collector` writes it, in Chinese:

    >>> row_words("row 4, column 数值"), row_words("数据 row 12"), row_words("B7 (2024年填报值)")
    ('第 4 行“数值”列', '数据 第 12 行', 'B7（2024年填报值）')
    """
    if not where or lang != "zh":
        return where or ""
    text = re.sub(r"\brow (\d+), column (.+)$", r"第 \1 行“\2”列", where)
    text = re.sub(r"\brow (\d+)\b", r"第 \1 行", text)
    return re.sub(r" \((.*)\)$", r"（\1）", text)


# ---------------------------------------------------------------- writing text safely

def xml_safe(text: str) -> tuple[str, bool]:
    """``(text, changed)``: characters XML cannot hold become U+FFFD (openpyxl would raise)."""
    cleaned = ILLEGAL_XML.sub("\ufffd", text)
    return cleaned, cleaned != text


def text_cell(ws, text: str, **style):
    """A write-only cell holding ``text`` as text: never a formula, even for ``=SUM(A1)``.

    openpyxl takes any string starting with ``=`` as a formula; ``data_type = "s"`` keeps it
    a string, and ``quotePrefix`` tells Excel/WPS/LibreOffice to keep it text when edited.
    """
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    for key, value in style.items():
        setattr(cell, key, value)
    return cell


def safe_text(ws, text: str):
    """``text`` for ``ws.append`` in a write-only sheet: the plain string when it cannot be
    taken for a formula (cheap), else a :func:`text_cell`."""
    return text_cell(ws, text) if text.startswith(FORMULA_TRIGGERS) else text


def set_text(cell, text: str) -> None:
    """The same for a cell of a normal (not write-only) worksheet."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def csv_protect(text: str) -> str:
    """CSV has no cell types: text that a spreadsheet would run as a formula gets a leading
    apostrophe (OWASP's advice), and so does text already starting with one, so that
    :func:`csv_unprotect` gives back exactly what was written."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS + ("'",)) else text


def csv_unprotect(text: str) -> str:
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r'":
        return text[1:]
    return text


# ---------------------------------------------------------------- progress and cancel

class Cancelled(IpdeskError, CoreCancelled):
    """The user cancelled a long task; nothing was written. It is the core's ``Cancelled``
    (what the window's task runner catches) with a sentence in both languages (for the CLI)."""


def no_progress(fraction: float, message: str) -> None:  # noqa: ARG001 - the default callback
    return None


def never() -> bool:
    return False


# the progress messages of the spreadsheet services, in the user's language
STEP_ZH = {"done": "完成", "writing": "正在写入", "comparing with the store": "正在与数据库比对", "reading rows": "正在读取行",
           "checking the workbook": "正在检查工作簿", "reading cells": "正在读取单元格", "cells read": "单元格已读取",
           "writing the template": "正在生成模板", "saving": "正在保存", "template read": "模板已读取"}


class Steps:
    """Progress between ``start`` and ``end`` with a cancel check on every report::

        steps = Steps(progress, cancel, 0.2, 0.9)
        steps(i / n, "reading rows")     # raises Cancelled when cancel() says so
    """

    def __init__(self, progress=None, cancel=None, start: float = 0.0, end: float = 1.0):
        self.progress, self.cancel = progress or no_progress, cancel or never
        self.start, self.end = start, end

    def __call__(self, fraction: float, message: str) -> None:
        if self.cancel():
            raise Cancelled("cancelled")
        if message and self.progress is not no_progress:
            from app.models.messages import default_lang

            if default_lang() == "zh":
                message = STEP_ZH.get(message, message)
        self.progress(self.start + (self.end - self.start) * min(max(fraction, 0.0), 1.0), message)

    def part(self, start: float, end: float) -> "Steps":
        span = self.end - self.start
        return Steps(self.progress, self.cancel, self.start + span * start, self.start + span * end)
