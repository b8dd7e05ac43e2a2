"""Turn what a clerk typed (or an Excel/WPS cell gave as text) into a Decimal.

Pure Python, stdlib only.  Every refusal is an ``InputError`` with its own code; the
caller adds region/indicator/period.

>>> parse_value("1,234", kind="count", unit_zh="件")
Decimal('1234')
>>> parse_value("３．２万", kind="count", unit_zh="件")
Decimal('32000')
>>> parse_value("3200万元", kind="amount", unit_zh="亿元", decimals=2)
Decimal('0.32')
>>> parse_value("16.5个月", kind="months", unit_zh="月", decimals=1)
Decimal('16.5')
>>> parse_value("", kind="count", unit_zh="件")
Traceback (most recent call last):
...
app.models.errors.InputError: Empty value: empty is not zero - leave the cell empty for no data, or type 0 for zero
>>> format_value(Decimal("1234567.125"), 2), canonical(Decimal("12.50"))
('1,234,567.13', '12.5')

Values come back normalised: trailing fractional zeros dropped, never exponent notation
("12.50" -> Decimal("12.5"), "3.2万" -> Decimal("32000")), so ``format(v, "f")`` is plain.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal
from itertools import compress
from operator import le

from .errors import InputError
from .messages import register

__all__ = ["parse_value", "check_range", "check_magnitude", "clearly_in_range", "format_value", "canonical", "KINDS",
           "MAX_LEN", "MAX_DIGITS", "MAX_MAGNITUDE"]

MAX_LEN = 64
# Excel keeps 15 significant digits and a float holds 15 exactly; no count, amount or population an IP
# office reports comes near 10^15 (the nation's patents in force are ~5 x 10^6). Beyond either, the
# documents broke: 22+ digits crashed reportlab, 29+ raised decimal.InvalidOperation.
MAX_DIGITS = 15
MAX_MAGNITUDE = 10 ** 15                 # refused from here on: the largest accepted is 999,999,999,999,999
KINDS = ("count", "amount", "percent", "score", "months", "population", "ratio")
_BOUNDS = {"percent": (0, 100), "score": (0, 100), "months": (0, 240)}  # inclusive

# Magnitude words -> power of ten; longest first so that 百万 wins over 百.
_MAGNITUDES = {"万亿": 12, "千万": 7, "百万": 6, "十万": 5, "亿": 8, "万": 4, "千": 3, "百": 2}
_MAG_CHARS = "万亿千百十"
_UNIT_ALIASES = {"月": {"个月"}, "件/万人": {"件每万人"}}
# Unit words we recognise, so that a wrong one is called "wrong unit", not "not understood".
_KNOWN_UNITS = {
    "件", "个", "次", "家", "分", "月", "个月", "%", "‰", "元", "万元", "亿元", "人", "万人",
    "件/万人", "万件", "年", "天", "日", "周", "项", "户", "人次", "倍", "点", "百分点", "个百分点",
}
_PLACEHOLDERS = {
    "-", "--", "---", "—", "——", "–", "/", "\\", "无", "空", "暂无", "缺", "N/A", "NA", "NULL",
    "NONE", "…", "...", "?", "？", "*", "X",
}
# Full-width digits and punctuation -> ASCII (NOT NFKC: that would turn "²" or "①" into digits).
_WIDE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                       "，": ",", "．": ".", "％": "%", "＋": "+", "－": "-", "\u2212": "-"})
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")
_UNITLIKE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff%‰/]+")
_BIG = Context(prec=200)  # inputs are <= 64 chars, so arithmetic here is exact

register({
    "empty": ("Empty value: empty is not zero - leave the cell empty for no data, or type 0 for zero",
              "值为空：空不等于零——无数据请留空，数值为零请填写 0"),
    "too_long": ("{text!r} is too long to be a number (more than {max} characters)",
                 "“{text}”太长，不是有效数字（超过 {max} 个字符）"),
    "control_char": ("{text!r} contains invisible control characters; retype the number",
                     "“{text}”含有不可见的控制字符，请重新输入数字"),
    "placeholder": ("{text!r} is a placeholder, not a number: leave the cell empty for no data, "
                    "or type 0 for zero",
                    "“{text}”是占位符，不是数字：无数据请留空，数值为零请填写 0"),
    "not_a_number": ("{text!r} is not a number", "“{text}”不是数字"),
    "internal_space": ("{text!r} has a space inside the number; remove it (write 1234 or 1,234)",
                       "“{text}”的数字中间有空格，请删除（写作 1234 或 1,234）"),
    "bad_sign": ("{text!r} has a misplaced sign or brackets; write at most one + or - before the number",
                 "“{text}”的正负号或括号位置不对，数字前最多只能有一个 + 或 -"),
    "bad_decimal": ("{text!r} has a misplaced or repeated decimal point",
                    "“{text}”的小数点位置不对或重复"),
    "bad_grouping": ("{text!r} has misplaced thousands separators; group three digits before the "
                     "decimal point, e.g. 1,234,567.5",
                     "“{text}”的千位分隔符位置不对，应在小数点前每三位一组，如 1,234,567.5"),
    "exponent": ("{text!r} is in scientific notation; type the full number "
                 "(format the cell to show all digits)",
                 "“{text}”是科学计数法，请填写完整数字（可将单元格设为显示全部数字）"),
    "double_magnitude": ("{text!r} has more than one magnitude word (万, 亿, 千 ...); use only one",
                         "“{text}”含有多个数量级单位（万、亿、千等），只能用一个"),
    "unit_mismatch": ("{text!r} is in the wrong unit: this indicator is in {unit}",
                      "“{text}”的单位不符，该指标的单位是“{unit}”"),
    "bad_unit": ("{text!r} has a unit that is not understood: this indicator is in {unit}",
                 "“{text}”的单位无法识别，该指标的单位是“{unit}”"),
    "not_whole": ("{text!r} is not a whole number; this indicator (unit: {unit}) takes whole numbers only",
                  "“{text}”不是整数，该指标（单位：{unit}）只能填写整数"),
    "negative": ("{text!r} is negative; this indicator cannot be below 0",
                 "“{text}”是负数，该指标不能小于 0"),
    "not_positive": ("{text!r} is not above 0; this indicator must be greater than 0",
                     "“{text}”不大于 0，该指标必须大于 0"),
    "too_many_digits": ("{text!r} has {count} significant digits (at most {max}, as Excel keeps); "
                        "check the number",
                        "“{text}”有 {count} 位有效数字（最多 {max} 位，与 Excel 相同），请核对数值"),
    "too_large": ("{text!r} is too large for any indicator (it must be below {limit})",
                  "“{text}”超出任何指标可能的数量级（须小于 {limit}）"),
    "out_of_range": ("{text!r} is out of range: allowed {min} to {max} ({unit})",
                     "“{text}”超出允许范围 {min}–{max}（{unit}）"),
})


# What an export, a CSV or a careful clerk writes: plain ASCII digits, at most one decimal point, no
# sign, no unit, no separator — the common path, answered here without the clerk-format machinery.
# Only texts the full path reads as exactly this number go this way (at most 64 characters, nothing
# to strip or translate), so the value and any refusal are the full path's own.
_PLAIN = re.compile(r"[0-9]{1,48}(?:\.[0-9]{1,15})?").fullmatch
_KIND_SET = frozenset(KINDS)
_UNBOUNDED = frozenset({"amount", "ratio"})      # any value >= 0 (below the magnitude cap)


def parse_value(text, *, kind: str, unit_zh: str, decimals: int = 0) -> Decimal:
    """Parse ``text`` into a Decimal in the indicator's own unit, or raise ``InputError``.

    ``decimals`` is the display precision; input is not rounded (see ``format_value``).
    An unknown ``kind`` is a programming error and raises ``ValueError``.
    """
    if text.__class__ is str and _PLAIN(text) is not None and kind in _KIND_SET:
        whole, _, frac = text.partition(".")
        whole, frac = whole.lstrip("0"), frac.rstrip("0")
        plain = (whole or "0") + ("." + frac if frac else "")        # 12.50 -> 12.5, 007 -> 7, as canonical()
        value = Decimal(plain)
        # clearly within every limit, by the digits alone (check_range's verdict, without its Decimal work)
        if len(whole) <= MAX_DIGITS and len((whole + frac).strip("0")) <= MAX_DIGITS and (
                kind in _UNBOUNDED or (kind == "count" and not frac) or (kind == "population" and plain != "0")
                or (kind in _BOUNDS and len(whole) <= 2)):
            return value
        try:
            check_range(value, text, kind, unit_zh)
        except InputError:
            raise
        except Exception:      # noqa: BLE001 - as the full path: nothing but InputError escapes
            raise InputError("not_a_number", text=text) from None
        return value
    return _parse_value_full(text, kind=kind, unit_zh=unit_zh, decimals=decimals)


def _parse_value_full(text, *, kind: str, unit_zh: str, decimals: int = 0) -> Decimal:
    """The clerk-format path: full-width digits, 万/亿/千, thousands separators, units, per cent."""
    if kind not in KINDS:
        raise ValueError(f"unknown indicator kind {kind!r}")
    original = _as_text(text)
    try:
        value = _parse(original, unit_zh)
        check_range(value, original, kind, unit_zh)
        return value
    except InputError:
        raise
    except Exception:  # decimal.InvalidOperation, overflow ...: never escape as such
        raise InputError("not_a_number", text=original) from None


def _as_text(text) -> str:
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        try:
            return format(Decimal(str(text)), "f")  # Excel numbers: 1e-05 -> "0.00001"
        except Exception:
            return str(text)
    return str(text)


def _parse(original: str, unit: str) -> Decimal:
    def fail(code: str, **params):
        return InputError(code, text=original, params=params)

    s = original.strip()  # also strips U+3000, NBSP and a clipboard's trailing newline
    if not s:
        raise fail("empty")
    if len(s) > MAX_LEN:
        raise fail("too_long", max=MAX_LEN)
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in s):
        raise fail("control_char")
    s = s.translate(_WIDE)
    if s.upper() in _PLACEHOLDERS:
        raise fail("placeholder")
    if any(c.isspace() for c in s):
        raise fail("internal_space")
    if s.startswith("(") and s.endswith(")"):
        raise fail("bad_sign")  # accounting-style negative
    sign = re.match(r"[+-]*", s).group()
    if len(sign) > 1:
        raise fail("bad_sign")
    body = s[len(sign):]
    run = re.match(r"[0-9.,]*", body).group()
    tail = body[len(run):]
    if not run[:1].isdigit():
        raise fail("not_a_number")
    int_part, _, frac = run.partition(".")
    if run.count(".") > 1 or run.endswith("."):
        raise fail("bad_decimal")
    if "," in frac or ("," in int_part and not _GROUPED.fullmatch(int_part)):
        raise fail("bad_grouping")
    if tail[:1] in ("e", "E") and tail[1:2] in tuple("+-0123456789"):
        raise fail("exponent")
    if "+" in tail or "-" in tail:
        raise fail("bad_sign")
    number = Decimal(sign + int_part.replace(",", "") + ("." + frac if frac else ""))

    mag = next((m for m in _MAGNITUDES if tail.startswith(m)), "")
    tail = tail[len(mag):]
    if mag and tail[:1] and tail[0] in _MAG_CHARS:
        raise fail("double_magnitude")
    shift = _unit_shift(tail, unit, _MAGNITUDES.get(mag))
    if shift is None:
        if not _UNITLIKE.fullmatch(tail):
            raise fail("not_a_number")
        raise fail("unit_mismatch" if tail in _KNOWN_UNITS else "bad_unit", unit=unit)
    return Decimal(canonical(number.scaleb(shift, _BIG)))


def _unit_shift(tail: str, unit: str, mag: int | None) -> int | None:
    """Power of ten taking ``number[mag][tail]`` into ``unit``; None if the tail does not fit."""
    prefix = unit[0] if unit[:1] in ("万", "亿") and len(unit) > 1 else ""
    p = _MAGNITUDES.get(prefix, 0)
    base = unit[len(prefix):]
    if prefix:  # 万人, 亿元: a magnitude or the base word (人, 元) means "in persons / yuan"
        if tail == "" and mag is None:
            return 0
        if tail in ({"", base} | _UNIT_ALIASES.get(base, set())):
            return (mag or 0) - p
        return None
    if tail == "" or tail in ({unit} | _UNIT_ALIASES.get(unit, set())):
        return mag or 0
    return None


def check_range(value: Decimal, original: str, kind: str, unit: str) -> None:
    """Refuse a value outside its kind's range, or beyond any plausible magnitude (see
    :func:`check_magnitude`)."""
    def fail(code: str, **params):
        return InputError(code, text=original, params=params)

    check_magnitude(value, original)
    if kind in _BOUNDS:
        lo, hi = _BOUNDS[kind]
        if not lo <= value <= hi:
            raise fail("out_of_range", min=lo, max=hi, unit=unit)
        return
    if value < 0:
        raise fail("negative", unit=unit)
    if kind == "population" and value == 0:
        raise fail("not_positive", unit=unit)
    if kind == "count" and value != value.to_integral_value():
        raise fail("not_whole", unit=unit)


def check_magnitude(value: Decimal, original: str) -> None:
    """At most :data:`MAX_DIGITS` significant digits and below :data:`MAX_MAGNITUDE` in size, or
    ``InputError`` naming the text: every document then renders every accepted value.

    >>> check_magnitude(Decimal("999999999999999"), "999999999999999")
    >>> check_magnitude(Decimal("1000000000000000"), "1e15")
    Traceback (most recent call last):
    ...
    app.models.errors.InputError: '1e15' is too large for any indicator (it must be below 1,000,000,000,000,000)
    """
    if not value.is_finite():
        raise InputError("not_a_number", text=original)
    sign, digits, exponent = value.as_tuple()
    n = len(digits)
    first = 0
    while first < n - 1 and digits[first] == 0:     # (as_tuple gives no leading zeros but for 0 itself)
        first += 1
    last = n
    while last > first + 1 and digits[last - 1] == 0:
        last -= 1
    if n + exponent > 15 and value.copy_abs() >= MAX_MAGNITUDE:
        raise InputError("too_large", text=original, params={"limit": f"{MAX_MAGNITUDE:,}"})
    if last - first > MAX_DIGITS:
        raise InputError("too_many_digits", text=original, params={"count": last - first, "max": MAX_DIGITS})


def clearly_in_range(numbers: list[float], kinds: list[str]) -> bool:
    """Whether every number (a cell's float) is well inside its kind's range, so that
    :func:`check_range` would pass each of them: a column of 100,000 cells is checked without
    making a Decimal of each. False only means "check them one by one" (near a bound, a
    fraction in a count, a tiny population that shows as 0).

    >>> clearly_in_range([3.0, 99.5, 12.25], ["count", "percent", "amount"])
    True
    >>> clearly_in_range([3.5], ["count"]), clearly_in_range([-1.0], ["amount"])
    (False, False)
    """
    inf = 1e14        # well below MAX_MAGNITUDE: larger numbers are checked one by one
    lo = {k: _BOUNDS.get(k, (0, inf))[0] for k in KINDS} | {"population": 1e-6}
    hi = {k: _BOUNDS.get(k, (0, inf))[1] for k in KINDS}
    try:           # element-wise in C (map with operator functions): 100,000 cells in a few ms
        if not (all(map(le, map(lo.__getitem__, kinds), numbers)) and all(map(le, numbers, map(hi.__getitem__, kinds)))):
            return False
        return all(map(float.is_integer, compress(numbers, map("count".__eq__, kinds))))
    except (KeyError, TypeError):      # an unknown kind or a non-number
        return False


_CANONICAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?").fullmatch


def canonical(value: Decimal) -> str:
    """Storage string: plain digits, no exponent, no trailing fractional zeros, never "-0".

    >>> canonical(Decimal("3.2E+4")), canonical(Decimal("-0.00")), canonical(Decimal("0.3200"))
    ('32000', '0', '0.32')
    """
    if value.__class__ is Decimal:
        s = str(value)                  # already plain (what the parser returns): that is the answer
        if _CANONICAL(s) is not None and s != "-0":
            return s
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"cannot store non-finite value {value!r}")
    s = format(value, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "0", "") else s


def format_value(value: Decimal, decimals: int) -> str:
    """Display string rounded half-up to ``decimals`` places, with thousands separators.

    >>> format_value(Decimal("1234567"), 0), format_value(Decimal("12.345"), 2)
    ('1,234,567', '12.35')
    """
    value = Decimal(value)
    ctx = Context(prec=max(28, value.adjusted() + decimals + 5))
    q = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=ctx)
    if q.is_zero():
        q = abs(q)  # never "-0.00"
    return f"{q:,f}"
