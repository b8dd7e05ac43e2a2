"""The parser's limits and its fast path (issue 13, points 4 and 8).

Limits: at most 15 significant digits (what Excel keeps) and below 10^15 — on both sides of
each; beyond them reportlab crashed on 22+ digits and ``decimal`` raised InvalidOperation on
29+. The fast path (plain ASCII digits) must give exactly the Decimal and the refusal of the
full clerk-format path, for any text: a Hypothesis property compares them.
"""
from __future__ import annotations

import string
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.models import parse
from app.models.errors import InputError
from app.models.parse import MAX_DIGITS, MAX_MAGNITUDE, parse_value

KINDS = {  # kind, unit, decimals of a real indicator of each kind
    "count": ("count", "件", 0), "amount": ("amount", "亿元", 2), "percent": ("percent", "%", 1),
    "score": ("score", "分", 2), "months": ("months", "月", 1), "population": ("population", "万人", 2),
    "ratio": ("ratio", "件/万人", 2),
}


def _ind(kind):
    k, unit, decimals = KINDS[kind]
    return dict(kind=k, unit_zh=unit, decimals=decimals)


def _outcome(fn, text, ind):
    try:
        value = fn(text, **ind)
    except InputError as err:
        return ("refused", err.code, err.text, dict(err.params))
    return ("value", str(value), value.as_tuple())


# ---------------------------------------------------------------- limits, both sides

@pytest.mark.parametrize("text,ok", [
    ("999999999999999", True),           # 15 digits, below 10^15: the largest accepted count
    ("1000000000000000", False),         # 10^15
    ("99999999999999.9", True),          # 15 significant digits
    ("99999999999999.99", False),        # 16
    ("1234567890123.45", True),
    ("1234567890123.456", False),
    ("0.123456789012345", True),         # 15 significant digits after leading zeros
    ("0.1234567890123456", False),
    ("0.000000000000001", True),         # 1 significant digit
    ("9" * 22, False),                   # crashed reportlab
    ("9" * 29, False),                   # raised decimal.InvalidOperation
    ("１０００００００００００００００", False),  # full-width, 10^15
    ("1,000,000,000,000,000", False),
    ("999,999,999,999,999", True),
])
def test_magnitude_and_digits_on_both_sides(text, ok):
    for kind in ("count", "amount", "population", "ratio"):
        if kind == "count" and "." in text.replace("万", ""):
            continue
        if ok:
            assert parse_value(text, **_ind(kind)) > 0
        else:
            with pytest.raises(InputError) as info:
                parse_value(text, **_ind(kind))
            assert info.value.code in ("too_large", "too_many_digits")
            assert info.value.text == text
            zh = info.value.message("zh")
            assert text in zh and ("15" in zh or "1,000,000,000,000,000" in zh), zh


def test_number_cells_meet_the_same_limits():
    """Spreadsheet number cells reach check_range without the text parser: the same caps."""
    parse.check_range(Decimal("999999999999999"), "999999999999999", "count", "件")
    with pytest.raises(InputError) as info:
        parse.check_range(Decimal("1E+15"), "1000000000000000", "count", "件")
    assert info.value.code == "too_large"
    # the importer's whole-column shortcut must not pass what check_range refuses
    assert parse.clearly_in_range([999.0, 1e13], ["count", "amount"])
    assert not parse.clearly_in_range([1e15], ["count"]) and not parse.clearly_in_range([2e14], ["amount"])


def test_magnitude_words_count_in_the_indicators_unit():
    """万 takes a count to 10^4 times the digits; the same words in 亿元 or 万人 make it smaller."""
    with pytest.raises(InputError) as info:
        parse_value("100000000000万", **_ind("count"))               # 10^11 x 10^4 = 10^15
    assert info.value.code == "too_large"
    assert parse_value("99999999999.9万", **_ind("count")) == Decimal("999999999999000")
    assert parse_value("99999999999.9万", **_ind("amount")) == Decimal("9999999.99999")       # in 亿元
    assert parse_value("99999999999.9万", **_ind("population")) == Decimal("99999999999.9")   # in 万人


def test_limits_are_worded_in_both_languages():
    with pytest.raises(InputError) as info:
        parse_value("12345678901234567", **_ind("count"))
    err = info.value
    assert err.code == "too_large" and "12345678901234567" in err.message("en")
    with pytest.raises(InputError) as info:
        parse_value("1.2345678901234567", **_ind("amount"))
    assert info.value.code == "too_many_digits"
    assert "17 位有效数字" in info.value.message("zh") and "17 significant digits" in info.value.message("en")


# ---------------------------------------------------------------- the fast path is the full path

PLAINISH = st.text(st.sampled_from("0123456789" * 4 + ".,-+ %万件亿\u3000１"), min_size=1, max_size=70)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(PLAINISH, st.from_regex(r"[0-9]{1,50}(\.[0-9]{0,20})?", fullmatch=True), st.text(max_size=8)),
       st.sampled_from(sorted(KINDS)))
@example("0", "count")
@example("007", "count")
@example("12.50", "amount")
@example("100.0", "percent")
@example("100.1", "percent")
@example("240", "months")
@example("0", "population")
@example("0.0", "population")
@example("12.5", "count")
@example("1" * 48 + "." + "1" * 15, "ratio")      # 64 characters
@example("1" * 49 + "." + "1" * 15, "ratio")      # 65
def test_fast_path_gives_exactly_the_full_paths_answer(text, kind):
    ind = _ind(kind)
    assert _outcome(parse_value, text, ind) == _outcome(parse._parse_value_full, text, ind)


def test_fast_path_is_taken_for_plain_digits_only():
    """The property above could pass with no fast path at all: the plain texts must skip the
    full path (a full path that refuses everything shows it)."""
    calls = []
    real = parse._parse_value_full
    try:
        parse._parse_value_full = lambda text, **kw: calls.append(text) or real(text, **kw)
        assert parse_value("18473", **_ind("count")) == 18473
        assert parse_value("12.50", **_ind("amount")) == Decimal("12.5")
        assert calls == []
        parse_value("1,234", **_ind("count"))
        parse_value("3.2万", **_ind("count"))
        parse_value("１２", **_ind("count"))
        assert calls == ["1,234", "3.2万", "１２"]
    finally:
        parse._parse_value_full = real


def test_canonical_shortcut_matches_the_general_rule():
    for text in ["0", "1", "12.5", "0.001", "-3", "100", "1E+3", "1.20", "-0", "0E-7", "123456789012345"]:
        d = Decimal(text)
        s = format(d, "f")
        expected = s.rstrip("0").rstrip(".") if "." in s else s
        assert parse.canonical(d) == ("0" if expected in ("-0", "0", "") else expected)
    assert set(string.digits) >= set(parse.canonical(Decimal("1E+20")))


# ---------------------------------------------------------------- every document renders the largest accepted values

LARGEST = {"count": "999999999999999", "amount": "999999999999999", "population": "999999999999999",
           "ratio": "999999999999999", "percent": "100", "score": "100", "months": "240"}
FINEST = {"count": "999999999999999", "amount": "0.123456789012345", "population": "0.000000000000001",
          "ratio": "12345.6789012345", "percent": "99.9999999999999", "score": "0.000000000000001",
          "months": "239.999999999999"}


def _db_path(db) -> str:
    return db.conn.execute("pragma database_list").fetchone()[2]


def test_documents_render_the_largest_accepted_values(empty_db, tmp_path):
    """Set through the one entry gate (values.set_text) for every indicator: the largest accepted
    values in a city and in its province (a city's value once broke the province's report), the
    finest ones (15 significant digits after the point) in another city; then the report (PDF and
    XLSX) of each, and export-data read back unchanged."""
    from app.cli import main
    from app.models.catalogue import indicators
    from app.models.values import set_text
    from app.services.sheets.importer import plan_import

    entered = [i for i in indicators(empty_db).values() if not i.formula]
    assert {i.kind for i in entered} >= set(KINDS) - {"ratio"}        # (the one ratio is derived)
    for region, values in (("320100", LARGEST), ("320000", LARGEST), ("320200", FINEST)):
        for ind in entered:
            set_text(empty_db, region, ind.code, "2024", values[ind.kind])
    with pytest.raises(InputError):       # one step beyond, refused at the same gate
        set_text(empty_db, "320100", "INV_GRANTS", "2024", "1000000000000000")
    for region in ("320100", "320000", "320200"):
        pdf, xlsx = tmp_path / f"{region}.pdf", tmp_path / f"{region}.xlsx"
        assert main(["report", "--db", _db_path(empty_db), "--region", region, "--year", "2024", "--pdf", str(pdf),
                     "--xlsx", str(xlsx)]) in (0, 1)        # written (1: as a draft, which these are)
        assert pdf.stat().st_size > 10_000 and xlsx.stat().st_size > 5_000
    for name in ("all.csv", "all.xlsx"):
        out = tmp_path / name
        assert main(["export-data", "--db", _db_path(empty_db), "--region", "320000", "--children",
                     "-o", str(out)]) == 0
        plan = plan_import(empty_db, out)
        assert plan.ok, [p.message("en") for p in plan.problems[:3]]
        assert plan.counts()["unchanged"] == 3 * len(entered) and not plan.changes()
    from openpyxl import load_workbook

    shown = [c.value for ws in load_workbook(tmp_path / "320000.xlsx") for row in ws.iter_rows() for c in row]
    assert any(v == 999999999999999 or (isinstance(v, str) and "999,999,999,999,999" in v) for v in shown)


def test_report_renders_the_largest_and_finest_values_in_one_trend(empty_db, tmp_path):
    from app.cli import main
    from app.models.catalogue import indicators
    from app.models.values import set_text

    for year, values in (("2024", LARGEST), ("2020", FINEST)):
        for ind in indicators(empty_db).values():
            if not ind.formula:
                set_text(empty_db, "320100", ind.code, year, values[ind.kind])
    assert main(["report", "--db", _db_path(empty_db), "--region", "320100", "--year", "2024",
                 "--pdf", str(tmp_path / "r.pdf")]) in (0, 1)


def test_five_years_of_the_largest_values_fit_the_trend_table(empty_db, tmp_path):
    from app.cli import main
    from app.models.catalogue import indicators
    from app.models.values import set_text

    for ind in indicators(empty_db).values():
        if not ind.formula:
            for year in range(2020, 2025):
                set_text(empty_db, "320100", ind.code, str(year), LARGEST[ind.kind])
    assert main(["report", "--db", _db_path(empty_db), "--region", "320100", "--year", "2024",
                 "--pdf", str(tmp_path / "r.pdf"), "--xlsx", str(tmp_path / "r.xlsx")]) in (0, 1)


def test_report_renders_growth_from_the_smallest_to_the_largest_value(empty_db, tmp_path):
    """0.000000000000001 in 2023, 999,999,999,999,999 in 2024: both accepted, the growth is 10^32 %."""
    from app.cli import main
    from app.models.values import set_text

    set_text(empty_db, "320100", "PLEDGE_AMOUNT", "2023", "0.000000000000001")
    set_text(empty_db, "320100", "PLEDGE_AMOUNT", "2024", "999999999999999")
    assert main(["report", "--db", _db_path(empty_db), "--region", "320100", "--year", "2024",
                 "--xlsx", str(tmp_path / "r.xlsx")]) in (0, 1)


@pytest.mark.parametrize("value, refused", [("123456789012345", False), ("1234567890123456", True),
                                            ("99999999999.9999", False), ("999999999999.9999", True),
                                            ("-999999999999999", False), ("1000000000000000", True)])
def test_the_write_path_holds_the_limits_whatever_the_caller(empty_db, value, refused):
    """A package's data.json reaches the store through write_values, not the parser: the same limits
    hold there (a 16-digit count from a crafted package is refused, nothing written)."""
    from app.models.errors import InputError
    from app.models.values import Change, write_values

    if refused:
        with pytest.raises(InputError) as err:
            write_values(empty_db, [Change("320100", "INV_APPLICATIONS", "2024", "1"),
                                    Change("320100", "INV_GRANTS", "2024", value)])
        assert err.value.region == "320100" and value in err.value.message("zh")
        assert empty_db.execute('select count(*) from "values"').fetchone()[0] == 0
    else:
        write_values(empty_db, [Change("320100", "INV_GRANTS", "2024", value)])
        assert empty_db.execute('select value from "values"').fetchone()[0] == value
