"""The one formatter of the submission documents: every number, date and text they print.

>>> show(Decimal("336048"), 0), signed(Decimal("16.4"), 1, "%"), date_zh(date(2024, 12, 10))
('336,048', '+16.4%', '2024年12月10日')
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Context, ROUND_HALF_UP, Decimal, InvalidOperation  # noqa: F401

from app.models.parse import format_value

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def show(value: Decimal | None, decimals: int) -> str:
    """The text of a number on paper (and the XLSX number format shows the same): ``—`` for none.

    >>> show(Decimal("1234567.125"), 2), show(None, 0)
    ('1,234,567.13', '—')
    """
    return "—" if value is None else format_value(value, decimals)


def signed(value: Decimal | None, decimals: int, suffix: str) -> str:
    """A change with its sign: ``+11.4%``, ``-0.7个百分点``, ``0.0%``.

    >>> signed(Decimal("11.4"), 1, "%"), signed(Decimal("-0.7"), 1, "个百分点"), signed(None, 1, "%")
    ('+11.4%', '-0.7个百分点', '—')
    """
    if value is None:
        return "—"
    text = format_value(value, decimals)
    return ("+" + text if value > 0 else text) + suffix


def rounded(value, decimals: int) -> Decimal | None:
    """A Decimal (or float from the checks) rounded half-up to ``decimals`` places."""
    if value is None:
        return None
    d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not d.is_finite():
        return None
    # a context sized to the value (a growth of 10^32 % has more digits than the default 28)
    ctx = Context(prec=max(28, d.adjusted() + decimals + 5))
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=ctx)
    return abs(q) if q.is_zero() else q


def canonical_target(value) -> str:
    """A target figure as written in its document: ``26``, ``16.5``."""
    d = Decimal(repr(float(value))).normalize()
    return format(d, "f")


def date_zh(d: date | datetime) -> str:
    """>>> date_zh(date(2022, 12, 10))
    '2022年12月10日'
    """
    return f"{d.year}年{d.month}月{d.day}日"


def clean_text(text: str | None) -> str:
    """User text as both documents print it: control characters (except line breaks) removed."""
    return _CONTROL.sub("", text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


