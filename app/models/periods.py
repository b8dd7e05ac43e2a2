"""Periods are strings: ``2022`` (year), ``2022Q3`` (quarter), ``2022-07`` (month).

>>> parse_period("2022年第3季度")
'2022Q3'
>>> parse_period(" 2022-7 ")
'2022-07'
>>> period_year("2022Q3")
2022
"""
from __future__ import annotations

import re
import unicodedata

from .errors import InputError
from .messages import register

register({
    "bad_period": ("{text!r} is not a period (write 2022, 2022Q3 or 2022-07)",
                   "“{text}”不是有效期间（应写作 2022、2022Q3 或 2022-07）"),
})

_FORMS = [
    (re.compile(r"^(\d{4})年?$"), lambda m: m[1]),
    (re.compile(r"^(\d{4})\s*[Qq]([1-4])$"), lambda m: f"{m[1]}Q{m[2]}"),
    (re.compile(r"^(\d{4})年?第?([1-4一二三四])季度?$"), lambda m: f"{m[1]}Q{'一二三四'.find(m[2]) + 1 if m[2] in '一二三四' else m[2]}"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), lambda m: f"{m[1]}-{int(m[2]):02d}" if 1 <= int(m[2]) <= 12 else None),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), lambda m: f"{m[1]}-{int(m[2]):02d}" if 1 <= int(m[2]) <= 12 else None),
]


def parse_period(text) -> str:
    """Canonical period string, or InputError('bad_period')."""
    raw = "" if text is None else str(text)
    s = unicodedata.normalize("NFKC", raw).strip()
    if re.fullmatch(r"\d{4}\.0", s):  # a year a spreadsheet stored as a float
        s = s[:4]
    for pattern, build in _FORMS:
        m = pattern.match(s)
        if m:
            out = build(m)
            if out and 1990 <= int(out[:4]) <= 2100:
                return out
    raise InputError("bad_period", text=raw)


def period_year(period: str) -> int:
    return int(period[:4])


def is_annual(period: str) -> bool:
    return len(period) == 4
