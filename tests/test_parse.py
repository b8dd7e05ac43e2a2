"""Tests for app.models.parse: accepted inputs, refusals with their codes, properties."""
from __future__ import annotations

import doctest
import string
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.models import parse
from app.models.errors import InputError
from app.models.messages import MESSAGES, render
from app.models.parse import canonical, format_value, parse_value

CNT = dict(kind="count", unit_zh="件")
AMT = dict(kind="amount", unit_zh="亿元", decimals=2)
POP = dict(kind="population", unit_zh="万人", decimals=2)
PCT = dict(kind="percent", unit_zh="%", decimals=1)
SCORE = dict(kind="score", unit_zh="分", decimals=2)
MON = dict(kind="months", unit_zh="月", decimals=1)
RATIO = dict(kind="ratio", unit_zh="件/万人", decimals=2)
FIRMS = dict(kind="count", unit_zh="家")

ACCEPT = [
    ("1234", CNT, "1234"),
    (" 1234 ", CNT, "1234"),
    ("1,234", CNT, "1234"),
    ("1,234,567.5", AMT, "1234567.5"),
    ("１２３４", CNT, "1234"),
    ("１，２３４", CNT, "1234"),
    ("１２．５", AMT, "12.5"),
    ("\u30001234\u3000", CNT, "1234"),
    ("\xa01234\xa0", CNT, "1234"),
    ("1234\r\n", CNT, "1234"),
    ("+1234", CNT, "1234"),
    ("-0", CNT, "0"),
    ("0", CNT, "0"),
    ("007", CNT, "7"),
    ("12.50", AMT, "12.5"),
    ("3.2万", CNT, "32000"),
    ("3.2万件", CNT, "32000"),
    ("５千", CNT, "5000"),
    ("2百万", CNT, "2000000"),
    ("1.5千万", CNT, "15000000"),
    ("1.1亿", CNT, "110000000"),
    ("1234件", CNT, "1234"),
    ("1,234件", CNT, "1234"),
    ("8500万", POP, "8500"),
    ("8500万人", POP, "8500"),
    ("8500", POP, "8500"),
    ("1.2亿人", POP, "12000"),
    ("3200万元", AMT, "0.32"),
    ("3200万", AMT, "0.32"),
    ("1.1亿元", AMT, "1.1"),
    ("1.1亿", AMT, "1.1"),
    ("1.5万亿元", AMT, "15000"),
    ("16.5个月", MON, "16.5"),
    ("16.5月", MON, "16.5"),
    ("16.5", MON, "16.5"),
    ("240", MON, "240"),
    ("80分", SCORE, "80"),
    ("100", SCORE, "100"),
    ("12家", FIRMS, "12"),
    ("12个", dict(kind="count", unit_zh="个"), "12"),
    ("7次", dict(kind="count", unit_zh="次"), "7"),
    ("12.5%", PCT, "12.5"),
    ("12.5％", PCT, "12.5"),
    ("１２．５％", PCT, "12.5"),
    ("12.5", PCT, "12.5"),
    ("0%", PCT, "0"),
    ("100%", PCT, "100"),
    ("5.3件/万人", RATIO, "5.3"),
    ("5.3", RATIO, "5.3"),
    (1234, CNT, "1234"),
    (Decimal("12.50"), AMT, "12.5"),
]


@pytest.mark.parametrize("text,ind,expected", ACCEPT, ids=[repr(a[0]) for a in ACCEPT])
def test_accept(text, ind, expected):
    value = parse_value(text, **ind)
    assert value == Decimal(expected)
    assert format(value, "f") == expected  # normalised, never exponent notation


REFUSE = [
    ("", CNT, "empty"),
    ("   ", CNT, "empty"),
    ("\u3000\xa0", CNT, "empty"),
    (None, CNT, "empty"),
    ("abc", CNT, "not_a_number"),
    ("1..2", AMT, "bad_decimal"),
    ("1.2.3", AMT, "bad_decimal"),
    ("5.", AMT, "bad_decimal"),
    ("--5", CNT, "bad_sign"),
    ("+-5", CNT, "bad_sign"),
    ("(5)", CNT, "bad_sign"),
    ("5-", CNT, "bad_sign"),
    ("12%%", PCT, "bad_unit"),
    ("1e5", CNT, "exponent"),
    ("1.23E+05", CNT, "exponent"),
    ("0x10", CNT, "not_a_number"),
    ("inf", CNT, "not_a_number"),
    ("nan", CNT, "not_a_number"),
    ("NaN", CNT, "not_a_number"),
    ("Infinity", CNT, "not_a_number"),
    ("-Infinity", AMT, "not_a_number"),
    (".5", AMT, "not_a_number"),
    ("-", CNT, "placeholder"),
    ("—", CNT, "placeholder"),
    ("/", CNT, "placeholder"),
    ("无", CNT, "placeholder"),
    ("N/A", CNT, "placeholder"),
    ("n/a", CNT, "placeholder"),
    ("１２３４abc", CNT, "not_a_number"),
    ("12a34", CNT, "not_a_number"),
    ("a1234", CNT, "not_a_number"),
    ("1 234", CNT, "internal_space"),
    ("1\u3000234", CNT, "internal_space"),
    ("1,23", CNT, "bad_grouping"),
    ("12,34,567", CNT, "bad_grouping"),
    ("1.234,5", AMT, "bad_grouping"),
    ("0,5", AMT, "bad_grouping"),
    ("1,234,", CNT, "bad_grouping"),
    ("3万万", CNT, "double_magnitude"),
    ("3亿万元", AMT, "double_magnitude"),
    ("1" * 65, CNT, "too_long"),
    ("12\x0034", CNT, "control_char"),
    ("12\u200b", CNT, "control_char"),
    ("16.5个月", CNT, "unit_mismatch"),
    ("12%", CNT, "unit_mismatch"),
    ("12件", PCT, "unit_mismatch"),
    ("80分", CNT, "unit_mismatch"),
    ("8500万件", POP, "unit_mismatch"),
    ("3200斤", CNT, "bad_unit"),
    ("0.5", CNT, "not_whole"),
    ("1.5件", CNT, "not_whole"),
    ("3.21234万", CNT, "not_whole"),
    ("-5", CNT, "negative"),
    ("-1", AMT, "negative"),
    ("-0.1", RATIO, "negative"),
    ("-1", POP, "negative"),
    ("0", POP, "not_positive"),
    ("100.1", PCT, "out_of_range"),
    ("-1%", PCT, "out_of_range"),
    ("101", SCORE, "out_of_range"),
    ("241", MON, "out_of_range"),
    ("-1", MON, "out_of_range"),
    ("1万%", PCT, "out_of_range"),
]


@pytest.mark.parametrize("text,ind,code", REFUSE, ids=[f"{r[0]!r}-{r[2]}" for r in REFUSE])
def test_refuse(text, ind, code):
    with pytest.raises(InputError) as info:
        parse_value(text, **ind)
    err = info.value
    assert err.code == code
    assert err.text == ("" if text is None else text)
    for lang in ("en", "zh"):
        msg = err.message(lang)
        assert not any(f"{{{k}}}" in msg for k in ("unit", "min", "max", "text")), msg


def test_unit_mismatch_names_expected_unit():
    with pytest.raises(InputError) as info:
        parse_value("16.5个月", **CNT)
    assert "件" in info.value.message("zh") and "件" in info.value.message("en")
    with pytest.raises(InputError) as info:
        parse_value("101", **SCORE)
    assert "0 to 100" in info.value.message("en")


def test_empty_message_says_empty_is_not_zero():
    with pytest.raises(InputError) as info:
        parse_value(" ", **CNT)
    assert "not zero" in info.value.message("en") and "0" in info.value.message("zh")


def test_all_codes_registered_in_both_languages():
    codes = {code for _, _, code in REFUSE}
    for code in codes:
        en, zh = MESSAGES[code]
        assert en and zh and en != zh
        assert render(code, "en", text="x", unit="件", min=0, max=100) != code


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        parse_value("1", kind="weight", unit_zh="吨")


def test_format_value():
    assert format_value(Decimal("1234567"), 0) == "1,234,567"
    assert format_value(Decimal("12.345"), 2) == "12.35"
    assert format_value(Decimal("0.5"), 0) == "1"
    assert format_value(Decimal("2.5"), 0) == "3"
    assert format_value(Decimal("-0.001"), 2) == "0.00"
    assert format_value(Decimal("3.2E+4"), 1) == "32,000.0"
    assert format_value(Decimal("1234.5"), 2) == "1,234.50"


def test_canonical():
    assert canonical(Decimal("3.2E+4")) == "32000"
    assert canonical(Decimal("12.50")) == "12.5"
    assert canonical(Decimal("-0.00")) == "0"
    assert canonical(Decimal("100")) == "100"
    assert canonical(Decimal("1E-7")) == "0.0000001"
    with pytest.raises(ValueError):
        canonical(Decimal("NaN"))


def test_doctests():
    result = doctest.testmod(parse)
    assert result.attempted >= 5 and result.failed == 0


# ---------------------------------------------------------------- properties

WIDE = str.maketrans({**{str(i): chr(0xFF10 + i) for i in range(10)}, ",": "，", ".": "．"})
ALPHABET = st.one_of(
    st.characters(),
    st.sampled_from("0123456789.,+-%eE 万亿千百件个月分家次元人/"),
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width forms
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK
    st.sampled_from("\u3000\xa0\t\n\u200b"),
)
INDICATORS = st.sampled_from([CNT, AMT, POP, PCT, SCORE, MON, RATIO, FIRMS])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(ALPHABET, max_size=20)), INDICATORS)
def test_only_input_error_escapes(text, ind):
    try:
        value = parse_value(text, **ind)
    except InputError as err:
        assert err.code in MESSAGES
        return
    assert isinstance(value, Decimal) and value.is_finite()
    assert "E" not in format(value, "f") and "e" not in str(value)


NUMBERISH = st.text(st.sampled_from("0123456789.,+-%万亿千件１２，．％ "), max_size=12)


@settings(max_examples=300, deadline=None)
@given(NUMBERISH)
def test_accepted_values_respect_kind(text):
    try:
        v = parse_value(text, **CNT)
        assert v >= 0 and v == v.to_integral_value()
    except InputError:
        pass
    try:
        v = parse_value(text, **PCT)
        assert 0 <= v <= 100
    except InputError:
        pass


DECIMALS = st.decimals(min_value=0, max_value=Decimal("99999999999.9999"), places=4,   # 15 digits: the limit allow_nan=False,
                       allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(DECIMALS, st.booleans(), st.sampled_from(["", " ", "\u3000", "\xa0"]))
def test_round_trip_with_separators(d, wide, pad):
    text = f"{d:,f}"
    if wide:
        text = text.translate(WIDE)
    assert parse_value(pad + text + pad, **AMT) == d
    assert parse_value(canonical(d), **AMT) == d


LETTERS = st.sampled_from(string.ascii_letters + "ＡＢＣｘｙｚαβЖ")


@settings(max_examples=300, deadline=None)
@given(DECIMALS, st.booleans(), LETTERS, st.integers(min_value=0))
def test_inserted_letter_is_refused(d, wide, letter, pos):
    text = f"{d:,f}"
    if wide:
        text = text.translate(WIDE)
    i = pos % (len(text) + 1)
    with pytest.raises(InputError):
        parse_value(text[:i] + letter + text[i:], **AMT)


@settings(max_examples=400, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e16, max_value=1e16)
       | st.sampled_from([0.0, -0.0, 1e-7, 5e-324, 100.0, 100.00000000000001, 240.0, 240.00000000000003, 3.0000000000000004]),
       st.sampled_from(parse.KINDS))
def test_clearly_in_range_never_passes_what_check_range_refuses(x, kind):
    """The importer checks a column of cell floats with clearly_in_range and then skips the
    exact check; it must never pass a number that check_range on the stored text refuses."""
    from app.services.sheets.common import number_text

    if parse.clearly_in_range([x], [kind]):
        text = str(int(x)) if x.is_integer() else number_text(x)
        parse.check_range(Decimal(text), text, kind, "")


# ---------------------------------------------------------------- rules pinned against mutants (README, "Mutation testing")

@pytest.mark.parametrize("text,expected", [
    ("5百", "500"), ("5十万", "500000"), ("2千万", "20000000"), ("3百万", "3000000"), ("1万亿", "1000000000000"),
    ("5千", "5000"), ("5万", "50000"), ("5亿", "500000000"), ("1,234百", "123400"),
])
def test_every_magnitude_word_has_its_power_of_ten(text, expected):
    assert parse_value(text, **CNT) == Decimal(expected)


@pytest.mark.parametrize("text", ["1234,567", "0,500", "00,500", "1,2345", "1,23,456", ",123", "1,,234"])
def test_misplaced_thousands_separators_are_refused(text):
    with pytest.raises(InputError) as err:
        parse_value(text, **CNT)
    assert err.value.code in ("bad_grouping", "not_a_number")


@pytest.mark.parametrize("text,expected", [("123,456", "123456"), ("1,000", "1000"), ("12,345,678", "12345678")])
def test_well_placed_thousands_separators_are_read(text, expected):
    assert parse_value(text, **CNT) == Decimal(expected)


@pytest.mark.parametrize("ind,low,high", [(PCT, "0", "100"), (SCORE, "0", "100"), (MON, "0", "240")])
def test_bounded_kinds_take_both_bounds_and_nothing_beyond(ind, low, high):
    assert parse_value(low, **ind) == Decimal(low) and parse_value(high, **ind) == Decimal(high)
    for outside in (f"-{Decimal('0.1')}", str(Decimal(high) + Decimal("0.1"))):
        with pytest.raises(InputError) as err:
            parse_value(outside, **ind)
        assert err.value.code == "out_of_range"


def test_length_limit_on_both_sides():
    assert parse_value("0" * 63 + "1", **AMT) == Decimal(1)        # 64 characters (the digits are few)
    with pytest.raises(InputError) as err:
        parse_value("0" * 64 + "1", **AMT)
    assert err.value.code == "too_long"


def test_a_sign_and_a_bracket():
    assert parse_value("+5", **AMT) == Decimal(5) and parse_value("-0", **AMT) == 0
    for text in ("(5", "5)"):
        with pytest.raises(InputError) as err:
            parse_value(text, **CNT)
        assert err.value.code in ("not_a_number", "bad_sign")
    with pytest.raises(InputError) as err:
        parse_value("(5)", **CNT)
    assert err.value.code == "bad_sign"


def test_exponent_only_when_a_digit_or_sign_follows():
    with pytest.raises(InputError) as err:
        parse_value("5e", **CNT)
    assert err.value.code == "not_a_number"
    with pytest.raises(InputError) as err:
        parse_value("5E-3", **AMT)
    assert err.value.code == "exponent"


def test_population_zero_and_counts_must_be_whole():
    assert parse_value("0.01", **POP) == Decimal("0.01")
    assert parse_value("0", **AMT) == 0 and parse_value("0", **CNT) == 0
    assert parse_value("1.0", **CNT) == 1 and parse_value("0.5", **AMT) == Decimal("0.5")


def test_spreadsheet_numbers_are_read_as_written():
    assert parse_value(1e-05, **AMT) == Decimal("0.00001")
    assert parse_value(12.5, **AMT) == Decimal("12.5")
    assert parse_value(Decimal("3"), **CNT) == 3
    with pytest.raises(InputError):
        parse_value(True, **CNT)


def test_control_and_format_characters_are_refused():
    for text in ("12\x07", "1\u200e2", "\ud80012"):
        with pytest.raises(InputError) as err:
            parse_value(text, **CNT)
        assert err.value.code == "control_char"


@pytest.mark.parametrize("numbers,kinds,expected", [
    ([0.0, 100.0, 240.0], ["percent", "score", "months"], True),
    ([100.5], ["percent"], False), ([-0.5], ["score"], False), ([240.5], ["months"], False),
    ([0.0], ["population"], False), ([0.5], ["population"], True), ([2.0], ["count"], True),
    ([2.5], ["count"], False), ([2.5], ["amount"], True), ([1.0], ["weight"], False), (["1"], ["amount"], False),
])
def test_clearly_in_range_on_both_sides(numbers, kinds, expected):
    assert parse.clearly_in_range(numbers, kinds) is expected


def test_format_value_rounds_half_up_at_every_precision():
    assert format_value(Decimal("0.125"), 2) == "0.13" and format_value(Decimal("0.124"), 2) == "0.12"
    assert format_value(Decimal("-0.4"), 0) == "0" and format_value(Decimal("-0.5"), 0) == "-1"
    assert format_value(Decimal("123456789012345678901234567890.5"), 0) == "123,456,789,012,345,678,901,234,567,891"


def test_format_value_of_a_long_number_with_many_decimals():
    """The rounding context grows with the digits and the decimals asked for (28 digits are not enough)."""
    big = Decimal("1" * 30 + ".5")
    assert format_value(big, 10) == "{:,}".format(int("1" * 30)) + ".5000000000"
