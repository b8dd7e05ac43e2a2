"""The rules of the findings engine pinned where a mutation run found them loose (issue 12, point 8).

Each test sits on both sides of a threshold or bound: the value just at it is accepted, the one
just past it is refused. Values go through the one write path (``put``) unless a test needs one
the parser would refuse (``raw``: as an old store or a hand edit may hold).
"""
import math

import numpy as np
import pytest

from app.models import checks
from app.models.catalogue import add_region
from app.models.checks import Checker, _median
from app.models.cube import Cube
from app.models.findings import findings
from app.models.store_basics import bump_reference
from app.models.targets import TargetSet, add_own_target
from tests.test_findings import CITY, KIDS, Y, city, got, one, put, raw  # noqa: F401 (city: fixture)


# ---------------------------------------------------------------- the history window (HISTORY = 9)

@pytest.mark.parametrize("early, flagged", [((Y - 10, Y - 9), False), ((Y - 9, Y - 8), True)])
def test_a_change_ten_years_back_is_outside_the_window(city, early, flagged):
    # three steady changes in the last years, one more early: 4 (enough) only if the early one is in the
    # window of the HISTORY = 9 years before the checked year; this year's change is far off
    steady = {Y - 4: 1000, Y - 3: 1100, Y - 2: 1210, Y - 1: 1331, Y: 2662}
    put(city, CITY, "PLEDGE_AMOUNT", {early[0]: 1000, early[1]: 1100, **steady})
    assert ((CITY, "PLEDGE_AMOUNT", str(Y), "outlier") in got(city)) == flagged
    assert checks.HISTORY == 9


# ---------------------------------------------------------------- ranges of percentages

@pytest.mark.parametrize("code, text, flagged", [
    ("INV_GRANT_RATE", "100", False), ("INV_GRANT_RATE", "100.01", True),
    ("INV_GRANT_RATE", "0", False), ("INV_GRANT_RATE", "-0.01", True),
    ("PROTECTION_SATISFACTION", "100", False), ("PROTECTION_SATISFACTION", "100.5", True),
    ("INV_EXAM_CYCLE", "240", False), ("INV_EXAM_CYCLE", "240.1", True),
])
def test_bounded_kinds_accept_their_bounds_and_refuse_past_them(city, code, text, flagged):
    raw(city, CITY, code, str(Y), text)        # a stored value the parser would refuse today
    assert ((CITY, code, str(Y), "range") in got(city)) == flagged


# ---------------------------------------------------------------- a finding as data

def test_finding_to_dict_carries_both_messages(city):
    put(city, CITY, "INV_GRANT_RATE", {Y - 1: 60.4, Y: 12.5})
    d = one(city, CITY, "INV_GRANT_RATE", "yoy").to_dict()
    assert d["rule"] == "yoy" and d["severity"] == "explain" and d["region"] == CITY and d["period"] == str(Y)
    assert "percentage points" in d["message"] and "个百分点" in d["message_zh"]


# ---------------------------------------------------------------- the median helper of the outlier rule

def test_median_ignores_nan_and_is_nan_where_all_are():
    nan = np.nan
    x = np.array([[3.0, 1.0, 2.0, nan],            # odd count: the middle one
                  [4.0, 1.0, 3.0, 2.0],            # even count: the mean of the two middle ones
                  [5.0, nan, nan, nan],            # one value: itself
                  [nan, nan, nan, nan],            # none: NaN
                  [9.0, 1.0, 5.0, 7.0]])
    got_ = _median(x)
    assert got_[:3].tolist() == [2.0, 2.5, 5.0] and math.isnan(got_[3]) and got_[4] == 6.0
    many = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, nan])
    assert _median(many) == 4.5 and _median(many[1:6]) == 4.0


# ---------------------------------------------------------------- required: the nation's own indicators

def test_the_nation_owes_its_own_indicators(city):
    put(city, "100000", "INV_GRANTS", {Y: 10})
    put(city, CITY, "INV_GRANTS", {Y: 10})
    nation = got(city, "100000", rule="required")
    assert ("100000", "INV_EXAM_CYCLE", str(Y), "required") in nation
    assert ("100000", "TM_EXAM_CYCLE", str(Y), "required") in nation
    assert (CITY, "INV_EXAM_CYCLE", str(Y), "required") not in got(city, rule="required")


# ---------------------------------------------------------------- required: what a 'reported' target asks for

def _target(db, indicator, comparator, scope, year, from_year, region=None):
    db.execute("insert or ignore into target_packs(pack, document_zh, document_en) values ('TEST', '测试文件', 'test')")
    db.execute("insert into targets(pack, indicator, scope, region, year, from_year, comparator, value)"
               " values ('TEST', ?, ?, ?, ?, ?, ?, ?)",
               [indicator, scope, region, year, from_year, comparator, None if comparator == "reported" else "1"])
    bump_reference(db)


@pytest.mark.parametrize("year, required", [(2021, False), (2022, True), (2023, True), (2024, True), (2025, False)])
def test_a_reported_target_asks_from_its_first_to_its_target_year(city, year, required):
    city.execute("update indicators set required = 0 where code = 'PLEDGE_SMES'")
    _target(city, "PLEDGE_SMES", "reported", "each_region", 2024, 2022)
    put(city, CITY, "INV_GRANTS", {year: 10})
    assert ((CITY, "PLEDGE_SMES", str(year), "required") in got(city, year=year, rule="required")) == required


def test_only_a_reported_each_region_target_makes_a_value_required(city):
    city.execute("update indicators set required = 0 where code in ('PLEDGE_SMES', 'ROYALTY_TRADE', 'GI_PRODUCTS')")
    _target(city, "PLEDGE_SMES", ">=", "each_region", Y, Y - 2)                       # not 'reported'
    _target(city, "ROYALTY_TRADE", "reported", "national", Y, Y - 2)                 # not each region's
    _target(city, "GI_PRODUCTS", "reported", "region", Y, Y - 2, region=CITY)       # a region's own target
    put(city, CITY, "INV_GRANTS", {Y: 10})
    required = {i for _, i, _, _ in got(city, rule="required")}
    assert not {"PLEDGE_SMES", "ROYALTY_TRADE", "GI_PRODUCTS"} & required
    assert "INV_APPLICATIONS" in required


# ---------------------------------------------------------------- derived: half a unit of its decimals

@pytest.mark.parametrize("entered, flagged", [("10.005", False), ("9.995", False), ("10.0051", True), ("9.9949", True)])
def test_derived_figure_exactly_half_a_unit_off_is_accepted(city, entered, flagged):
    put(city, CITY, "POPULATION", {Y: 300})
    put(city, CITY, "HV_PATENTS", {Y: 3000})                   # (3000 − 0) / 300 = 10.00 (2 decimals)
    put(city, CITY, "HV_PATENTS_ABNORMAL", {Y: 0})
    put(city, CITY, "HV_PATENTS_PER_10K", {Y: entered})
    assert ((CITY, "HV_PATENTS_PER_10K", str(Y), "derived") in got(city)) == flagged


# ---------------------------------------------------------------- a stock's last quarter: half a unit too

@pytest.mark.parametrize("q4, flagged", [("500.005", False), ("499.995", False), ("500.01", True), ("499.99", True)])
def test_year_end_stock_with_decimals_equals_its_last_quarter_within_half_a_unit(city, q4, flagged):
    put(city, CITY, "POPULATION", {Y: "500", "2024Q4": q4})        # 万人, 2 decimals
    assert ((CITY, "POPULATION", "2024Q4", "quarters") in got(city)) == flagged


# ---------------------------------------------------------------- change band: its base and its edge

@pytest.mark.parametrize("before, after, flagged", [(0, 40, False), (1, 40, True)])
def test_change_from_nothing_is_not_a_percentage(city, before, after, flagged):
    # from 0 no relative change exists; from 1 to 40 is +3900 % (and 40 is no small count)
    put(city, CITY, "PATENT_TRANSFERS", {Y - 1: before, Y: after})
    assert ((CITY, "PATENT_TRANSFERS", str(Y), "yoy") in got(city)) == flagged


@pytest.mark.parametrize("after, flagged", [(125, False), (75, False), (126, True), (74, True)])
def test_change_of_exactly_the_band_is_accepted(city, after, flagged):
    city.execute("update indicators set yoy_band = 25 where code = 'PATENT_TRANSFERS'")   # 1.25 exact in binary
    put(city, CITY, "PATENT_TRANSFERS", {Y - 1: 100, Y: after})
    assert ((CITY, "PATENT_TRANSFERS", str(Y), "yoy") in got(city)) == flagged


# ---------------------------------------------------------------- outliers: the message

def test_outlier_message_names_this_years_change_in_per_cent(city):
    put(city, CITY, "PLEDGE_AMOUNT", {Y - 5 + k: 1000 * 1.1 ** k for k in range(5)} | {Y: 1000 * 1.1 ** 4 * 1.5})
    f = one(city, CITY, "PLEDGE_AMOUNT", "outlier")
    assert f.params["pct"] == "+50.0"
    assert "+50.0%" in f.message("zh") and "+50.0%" in f.message("en")
    put(city, CITY, "PLEDGE_AMOUNT", {Y: 1000 * 1.1 ** 4 * 0.5})
    assert one(city, CITY, "PLEDGE_AMOUNT", "outlier").params["pct"] == "-50.0"


# ---------------------------------------------------------------- sums against subordinates

def test_units_are_not_summed_into_their_parent(city):
    add_region(city, "329909", "测试单位", parent=CITY, level="unit")
    put(city, CITY, "INV_GRANTS", {Y: 1000})
    put(city, KIDS[0], "INV_GRANTS", {Y: 500})
    put(city, KIDS[1], "INV_GRANTS", {Y: 500})
    put(city, "329909", "INV_GRANTS", {Y: 300})
    assert (CITY, "INV_GRANTS", str(Y), "sum") not in got(city)
    put(city, KIDS[1], "INV_GRANTS", {Y: 200})                   # and the counties alone are what counts
    assert (CITY, "INV_GRANTS", str(Y), "sum") in got(city)


def test_a_subordinate_abolished_before_the_year_adds_nothing(city):
    add_region(city, "329904", "已撤销县", parent=CITY, level="county", valid_to="2023-12-31")
    put(city, "329904", "INV_GRANTS", {Y - 1: 7})
    put(city, CITY, "INV_GRANTS", {Y: 50})
    put(city, KIDS[0], "INV_GRANTS", {Y: 20})
    put(city, KIDS[1], "INV_GRANTS", {Y: 30})
    assert (CITY, "INV_GRANTS", str(Y), "sum") not in got(city)
    put(city, KIDS[1], "INV_GRANTS", {Y: 31})                    # 50 against 51: 2 % off
    assert (CITY, "INV_GRANTS", str(Y), "sum") in got(city)


@pytest.mark.parametrize("kid, flagged", [(49, False), (51, False), (48.9, True)])
def test_sum_exactly_one_percent_off_is_accepted(city, kid, flagged):
    put(city, CITY, "PLEDGE_AMOUNT", {Y: 100})
    put(city, KIDS[0], "PLEDGE_AMOUNT", {Y: 50})
    put(city, KIDS[1], "PLEDGE_AMOUNT", {Y: kid})                # 100 against 99 / 101: 1 % of the larger
    assert ((CITY, "PLEDGE_AMOUNT", str(Y), "sum") in got(city)) == flagged


# ---------------------------------------------------------------- falling where a target asks for growth

@pytest.mark.parametrize("after, flagged", [(100, False), (101, False), (99, True)])
def test_a_flat_value_is_no_fall(city, after, flagged):
    add_own_target(city, CITY, "INV_GRANTS", "increase", None, Y)
    put(city, CITY, "INV_GRANTS", {Y - 1: 100, Y: after})
    assert ((CITY, "INV_GRANTS", str(Y), "falling") in got(city)) == flagged


def test_each_subordinate_is_held_to_its_own_targets(city):
    add_own_target(city, KIDS[0], "INV_GRANTS", "increase", None, Y, include_children=False)
    add_own_target(city, KIDS[1], "PATENT_TRANSFERS", "increase", None, Y, include_children=False)
    for k in KIDS:
        put(city, k, "INV_GRANTS", {Y - 1: 100, Y: 90})
        put(city, k, "PATENT_TRANSFERS", {Y - 1: 100, Y: 90})
    want = {(KIDS[0], "INV_GRANTS", str(Y), "falling"), (KIDS[1], "PATENT_TRANSFERS", str(Y), "falling")}
    assert got(city, below="children", rule="falling") == want
    assert got(city, KIDS[0], rule="falling") | got(city, KIDS[1], rule="falling") == want


def test_a_checker_over_two_years_judges_the_second(city):
    # the engine on its own, over a cube of two years only: the fall into the second year is found, and
    # the outlier rule, with no year having enough history, finds nothing and does not fail
    add_own_target(city, CITY, "INV_GRANTS", "increase", None, Y)
    put(city, CITY, "INV_GRANTS", {Y - 1: 100, Y: 90})
    put(city, CITY, "PLEDGE_AMOUNT", {Y - 1: 100, Y: 900})
    cube = Cube.load(city, regions=[CITY], year_from=Y - 1, year_to=Y)
    assert cube.years == [Y - 1, Y]
    found = Checker(cube, TargetSet.load(city)).run()
    rules = {(f.indicator, f.rule) for f in found[(CITY, Y)]}
    assert ("INV_GRANTS", "falling") in rules and ("PLEDGE_AMOUNT", "yoy") in rules
    assert not any(f.rule == "outlier" for fs in found.values() for f in fs)


# ---------------------------------------------------------------- the older name: the region alone by default

def test_check_reports_the_region_alone_unless_asked(city):
    from app.models.findings import check

    put(city, CITY, "INV_GRANTS", {Y - 1: 100, Y: 200})
    put(city, KIDS[0], "INV_GRANTS", {Y - 1: 100, Y: 200})
    assert {f.region for f in check(city, CITY, Y)} == {CITY}
    assert {f.region for f in check(city, CITY, Y, with_children=True)} == {CITY, *KIDS}   # KIDS[1]: nothing reported
    assert {f.region for f in check(city, CITY, Y, all_below=True)} == {CITY, *KIDS}


@pytest.mark.parametrize("kid, flagged", [(0.3, False), (0.2, True)])
def test_sums_below_one_unit_are_compared_too(city, kid, flagged):
    # 亿元: a city's 0.8 against its counties' 0.5 + 0.2 is 12.5 % off, however small the figures
    put(city, CITY, "PLEDGE_AMOUNT", {Y: 0.8})
    put(city, KIDS[0], "PLEDGE_AMOUNT", {Y: 0.5})
    put(city, KIDS[1], "PLEDGE_AMOUNT", {Y: kid})
    assert ((CITY, "PLEDGE_AMOUNT", str(Y), "sum") in got(city)) == flagged


def test_a_national_growth_target_holds_the_nation_and_no_province(city):
    _target(city, "PLEDGE_SMES", "increase", "national", Y, Y)
    for r in ("100000", "320000"):
        put(city, r, "PLEDGE_SMES", {Y - 1: 100, Y: 90})
    falling = got(city, "100000", below="children", rule="falling")
    assert ("100000", "PLEDGE_SMES", str(Y), "falling") in falling
    assert ("320000", "PLEDGE_SMES", str(Y), "falling") not in falling


def test_whole_store_counts_unexplained_and_open(city):
    from app.models.checks import explain
    from app.models.findings import findings_all

    put(city, CITY, "INV_GRANT_RATE", {Y - 1: 60.4, Y: 12.5})           # explain: the band
    put(city, CITY, "PATENT_TRANSFERS", {Y - 1: 100, Y: 200})           # explain: the band
    everything = findings_all(city, Y)
    counts = everything.counts()
    assert counts["explain"] >= 2 and counts["unexplained"] == counts["explain"]
    assert counts["open"] == counts["blocking"] + counts["unexplained"]
    explain(city, CITY, Y, "yoy", "INV_GRANT_RATE", "统计口径调整", who="tester")
    after = findings_all(city, Y).counts()
    assert after["unexplained"] == counts["unexplained"] - 1 and after["explain"] == counts["explain"]
    assert after["open"] == counts["open"] - 1


@pytest.mark.parametrize("value, flagged", [("999999999999999", False), ("1000000000000000", True),
                                            ("12000000000000000000", True), ("1e999", True)])
def test_a_stored_value_beyond_the_parsers_limit_is_a_range_finding(city, value, flagged):
    """A figure put into the store behind the app beyond what the parser accepts (15 digits, below
    10^15; inf) is a blocking range finding for every kind, not only the bounded ones."""
    from tests.test_findings import CITY, Y, got, raw

    raw(city, CITY, "INV_GRANTS", str(Y), value)
    raw(city, CITY, "PLEDGE_AMOUNT", str(Y), value)
    found = got(city, rule="range")
    assert ((CITY, "INV_GRANTS", str(Y), "range") in found) == flagged
    assert ((CITY, "PLEDGE_AMOUNT", str(Y), "range") in found) == flagged


@pytest.mark.parametrize("before, after, flagged", [(100, 130, False), (100, 70, False), (100, 131, True),
                                                    (100, 69, True)])
def test_a_change_of_exactly_the_band_is_within_it(city, before, after, flagged):
    """±30 % is the band: 100 → 130 and 100 → 70 are inside it (in binary floating point 130/100 - 1
    is 30.000000000000004 %), 131 and 69 outside."""
    from tests.test_findings import CITY, Y, got, put

    put(city, CITY, "INV_GRANTS", {Y - 1: before, Y: after})
    assert ((CITY, "INV_GRANTS", str(Y), "yoy") in got(city, rule="yoy")) == flagged
