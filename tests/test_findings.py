"""The findings engine: one answer wherever it is asked, and every rule's threshold on both sides.

Values go through the one write path into real stores; a test prefecture 测试市 (329901) with
two counties is added under Jiangsu where a rule compares a region with its subordinates.
"""
import math
import re

import pytest

from app.models import checks
from app.models.catalogue import add_region, check_config, indicators
from app.models.errors import InputError
from app.models.findings import findings, findings_all
from app.models.values import Change, write_values

CITY, KIDS = "329901", ("329902", "329903")
Y = 2024


def put(db, region, indicator, values: dict):
    """values: {period: number}; written through the one write path."""
    write_values(db, [Change(region, indicator, str(p), None if v is None else _text(v)) for p, v in values.items()],
                 who="tester", why="test")


def _text(v):
    t = f"{v:.6f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)
    return "0" if t in ("-0", "") else t


def raw(db, region, indicator, period, value):
    """A value that bypassed the parser (as an old store or a hand edit may hold)."""
    db.execute('insert or replace into "values"(region, indicator, period, year, value, updated_by, updated_at)'
               " values (?,?,?,?,?, 'x', '2026-01-01')", [region, indicator, period, int(period[:4]), value])


def got(db, region=CITY, year=Y, rule=None, below="self"):
    return {(f.region, f.indicator, f.period, f.rule) for f in findings(db, region, year, below=below)
            if rule is None or f.rule == rule}


def one(db, region, indicator, rule, period=str(Y)):
    fs = [f for f in findings(db, region, int(period[:4])) if (f.indicator, f.rule, f.period) == (indicator, rule, period)]
    assert len(fs) == 1, fs
    return fs[0]


@pytest.fixture
def city(empty_db):
    add_region(empty_db, CITY, "测试市", parent="320000", level="prefecture")
    for k in KIDS:
        add_region(empty_db, k, "测试县" + k[-1], parent=CITY, level="county")
    return empty_db


def no_codes(text):
    """Chinese message text names no catalogue code and no rule id."""
    return not re.search(r"[A-Z]{2,}_[A-Z_]+", text)


# ---------------------------------------------------------------- one answer wherever asked

def _same_everywhere(db, year, regions, top):
    everything = findings_all(db, year)
    from_top = findings(db, top, year, below="all")
    for r in regions:
        alone = {(f.indicator, f.period, f.rule, f.severity, f.explanation) for f in findings(db, r, year)}
        parent = db.execute("select parent from regions where code = ?", [r]).fetchone()[0]
        if parent:
            kids = findings(db, parent, year, below="children")
            if r in kids.regions:
                assert {(f.indicator, f.period, f.rule, f.severity, f.explanation) for f in kids.of(r)} == alone, r
        assert {(f.indicator, f.period, f.rule, f.severity, f.explanation) for f in from_top.of(r)} == alone, r
        if r in everything.regions:
            assert {(f.indicator, f.period, f.rule, f.severity, f.explanation) for f in everything.of(r, year)} == alone, r
        else:       # the whole-store pass leaves out regions holding no value: they have at most this to say
            assert alone <= {("*", str(year), "required", "blocking", None)}, r
    return everything


def test_demo_same_findings_alone_from_parent_from_top_and_in_one_pass(demo_db):
    regions = ["320000"] + [c for c, in demo_db.execute("select code from regions where parent = '320000'")] + \
              ["320102", "320300"]
    for year in (2022, 2024):
        everything = _same_everywhere(demo_db, year, regions, "320000")
        assert any(f.rule == "sum" for f in everything.of("320000", 2024 if year == 2024 else year)) or year != 2024
    # the nation asked with everything below it agrees too (the demo's data is all in Jiangsu)
    nation = findings(demo_db, "100000", 2024, below="all")
    assert {(f.indicator, f.rule) for f in nation.of("320300")} == \
           {(f.indicator, f.rule) for f in findings(demo_db, "320300", 2024)}


def test_synthetic_province_same_findings_everywhere(empty_db):
    from app.services.synthetic import make_province

    make_province(empty_db, "320000", years=range(2013, 2025))
    # plant something for each kind of rule to compare: a sum off, an outlier, a rate jump, quarters
    put(empty_db, "320100", "TM_REGISTRATIONS", {Y: 10 ** 6})
    put(empty_db, "320200", "INV_GRANT_RATE", {Y: 12.5})
    put(empty_db, "320102", "PATENT_TRANSFERS", {"2024Q1": 1, "2024Q2": 1, "2024Q3": 1, "2024Q4": 1})
    regions = ["320000", "320100", "320102", "320200", "320500", "320506"]
    everything = _same_everywhere(empty_db, Y, regions, "320000")
    rules = {f.rule for f in everything}
    assert {"sum", "yoy", "quarters", "outlier"} <= rules
    # and an earlier year: the outlier rule's window is the same HISTORY years whichever way it is asked
    _same_everywhere(empty_db, 2022, regions, "320000")


# ---------------------------------------------------------------- change band (relative)

@pytest.mark.parametrize("before, after, flagged", [(100, 129, False), (100, 131, True),      # rise
                                                    (100, 71, False), (100, 69, True),       # fall
                                                    (10, 19, False), (10, 20, True)])       # SMALL_COUNT
def test_change_band_rises_falls_and_small_counts(city, before, after, flagged):
    put(city, CITY, "PATENT_TRANSFERS", {Y - 1: before, Y: after})
    assert ((CITY, "PATENT_TRANSFERS", str(Y), "yoy") in got(city)) == flagged
    assert checks.SMALL_COUNT == 20


def test_per_10k_figures_have_a_relative_band(city):
    put(city, CITY, "POPULATION", {Y - 1: 100, Y: 100})
    put(city, CITY, "HV_PATENTS_ABNORMAL", {Y - 1: 0, Y: 0})
    put(city, CITY, "HV_PATENTS", {Y - 1: 1000, Y: 1290})           # 10 → 12.9 per 10k: +29 %
    assert (CITY, "HV_PATENTS_PER_10K", str(Y), "yoy") not in got(city)
    put(city, CITY, "HV_PATENTS", {Y: 1310})                          # 10 → 13.1: +31 %
    assert (CITY, "HV_PATENTS_PER_10K", str(Y), "yoy") in got(city)


# ---------------------------------------------------------------- percentage-point band

@pytest.mark.parametrize("code, before, after, flagged", [
    ("INV_GRANT_RATE", 60.4, 12.5, True), ("PATENT_INDUSTRIALIZATION_RATE", 52, 5, True),   # the issue's two
    ("INV_GRANT_RATE", 60.4, 50.5, False), ("INV_GRANT_RATE", 60.4, 50.3, True),            # falls: 9.9 / 10.1
    ("INV_GRANT_RATE", 50, 59.9, False), ("INV_GRANT_RATE", 50, 60.1, True),                # rises
    ("PATENT_INTENSIVE_GDP_SHARE", 13, 15.9, False), ("PATENT_INTENSIVE_GDP_SHARE", 13, 16.1, True),   # 3 points
    ("PROTECTION_SATISFACTION", 80, 84.9, False), ("PROTECTION_SATISFACTION", 80, 85.1, True),          # 5 points
])
def test_percentages_have_a_band_in_points(city, code, before, after, flagged):
    put(city, CITY, code, {Y - 1: before, Y: after})
    assert ((CITY, code, str(Y), "yoy") in got(city)) == flagged


def test_point_band_message_in_points_and_chinese(city):
    put(city, CITY, "INV_GRANT_RATE", {Y - 1: 60.4, Y: 12.5})
    f = one(city, CITY, "INV_GRANT_RATE", "yoy")
    assert f.severity == "explain"
    zh, en = f.message("zh"), f.message("en")
    assert "60.4% → 12.5%" in zh and "-47.9 个百分点" in zh and "±10 个百分点" in zh and no_codes(zh)
    assert "percentage points" in en
    put(city, CITY, "PROTECTION_SATISFACTION", {Y - 1: 80, Y: 90})
    assert "分" in one(city, CITY, "PROTECTION_SATISFACTION", "yoy").message("zh")


def test_band_is_data_per_indicator(city, tmp_path):
    inds = indicators(city)
    assert inds["INV_GRANT_RATE"].band() == 10 and inds["INV_GRANT_RATE"].band_unit == "points"
    assert inds["PATENT_TRANSFERS"].band() == 30 and inds["PATENT_TRANSFERS"].band_unit == "percent"
    assert inds["INV_GRANTS"].over_year == "sum" and inds["INV_PATENTS_IN_FORCE"].over_year == "last"
    assert inds["INV_GRANT_RATE"].over_year is None
    # a store may widen one indicator's band
    put(city, CITY, "INV_GRANT_RATE", {Y - 1: 60, Y: 45})
    assert (CITY, "INV_GRANT_RATE", str(Y), "yoy") in got(city)
    city.execute("update indicators set yoy_band = 20 where code = 'INV_GRANT_RATE'")
    assert (CITY, "INV_GRANT_RATE", str(Y), "yoy") not in got(city)
    # the shipped file: 'off' turns a band off, a bad band is refused with file, row and text
    good = tmp_path / "checks.csv"
    good.write_text("code,band,over_year\nINV_GRANT_RATE,off,\nGI_PRODUCTS,,last\n", encoding="utf-8")
    cfg = check_config(good)
    assert cfg["INV_GRANT_RATE"] == (0.0, None) and cfg["GI_PRODUCTS"] == (None, "last")
    assert indicators(city)["INV_GRANT_RATE"]._replace(yoy_band=None, check_band=0.0).band() is None
    bad = tmp_path / "bad.csv"
    bad.write_text("code,band,over_year\nINV_GRANTS,30,\nINV_GRANT_RATE,-5,\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        check_config(bad)
    assert "row 3" in exc.value.message("en") and "-5" in exc.value.message("en")
    bad.write_text("code,band,over_year\nINV_GRANTS,30,average\n", encoding="utf-8")
    with pytest.raises(InputError):
        check_config(bad)


# ---------------------------------------------------------------- outliers (modified z-score)

def _series(db, region, history_growth, current_growth, years=6, code="PLEDGE_AMOUNT", base=1000.0):
    """``years`` values ending in Y: log-growth ``history_growth[k]`` then ``current_growth``."""
    gs = list(history_growth)[-(years - 2):] + [current_growth]
    v, vals = base, {Y - len(gs): base}
    for k, g in enumerate(gs):
        v = v * math.exp(g)
        vals[Y - len(gs) + k + 1] = round(v, 6)
    put(db, region, code, vals)


def _z_growth(z, med=math.log(1.1), mad=checks.MAD_FLOOR):
    return med + z * mad / 0.6745


@pytest.mark.parametrize("z, flagged", [(3.45, False), (3.55, True), (-3.45, False), (-3.55, True)])
def test_outlier_threshold_and_mad_floor(city, z, flagged):
    # a steady history (MAD 0, so the floor of 0.02 applies): z = 0.6745 · (g − median) / 0.02
    _series(city, CITY, [math.log(1.1)] * 8, _z_growth(z), years=10)
    assert ((CITY, "PLEDGE_AMOUNT", str(Y), "outlier") in got(city)) == flagged
    assert checks.MZ_THRESHOLD == 3.5 and checks.MAD_FLOOR == 0.02


@pytest.mark.parametrize("z, flagged", [(3.4, False), (3.6, True)])
def test_outlier_uses_the_real_mad_above_the_floor(city, z, flagged):
    g0, e = math.log(1.1), 0.05                 # history alternating ±0.05: median g0, MAD 0.05
    _series(city, CITY, [g0 + e, g0 - e] * 4, _z_growth(z, mad=e), years=10)
    assert ((CITY, "PLEDGE_AMOUNT", str(Y), "outlier") in got(city)) == flagged


@pytest.mark.parametrize("years, flagged", [(5, False), (6, True)])     # 3 / 4 changes before this year's
def test_outlier_needs_min_history(city, years, flagged):
    _series(city, CITY, [math.log(1.1)] * 8, _z_growth(5), years=years)
    assert ((CITY, "PLEDGE_AMOUNT", str(Y), "outlier") in got(city)) == flagged
    assert checks.MZ_MIN_HISTORY == 4


@pytest.mark.parametrize("base, flagged", [(10, False), (30, True)])
def test_outlier_ignores_small_counts(city, base, flagged):
    # counts: this year's value below SMALL_COUNT is not judged (10 · 1.1⁵ · e^0.11 ≈ 18; 30 → 54)
    _series(city, CITY, [math.log(1.1)] * 8, 0.3, years=6, code="PATENT_TRANSFERS", base=base)
    vals = {r[0]: r[1] for r in city.execute("select period, value from \"values\" where region=? and indicator="
                                             "'PATENT_TRANSFERS'", [CITY])}
    assert (float(vals[str(Y)]) >= checks.SMALL_COUNT) == flagged
    assert ((CITY, "PATENT_TRANSFERS", str(Y), "outlier") in got(city)) == flagged


# ---------------------------------------------------------------- sums against subordinates

@pytest.mark.parametrize("kids_total, flagged", [(991, False), (989, True), (1009, False), (1011, True)])
def test_sum_tolerance_one_percent(city, kids_total, flagged):
    put(city, CITY, "INV_GRANTS", {Y: 1000})
    put(city, KIDS[0], "INV_GRANTS", {Y: 500})
    put(city, KIDS[1], "INV_GRANTS", {Y: kids_total - 500})
    assert ((CITY, "INV_GRANTS", str(Y), "sum") in got(city)) == flagged


def test_sum_waits_for_every_subordinate(city):
    put(city, CITY, "INV_GRANTS", {Y: 1000})
    put(city, KIDS[0], "INV_GRANTS", {Y: 500})
    assert (CITY, "INV_GRANTS", str(Y), "sum") not in got(city)


def test_quarters_aggregate_up_like_years(city):
    put(city, CITY, "INV_GRANTS", {"2024Q1": 1000})
    put(city, KIDS[0], "INV_GRANTS", {"2024Q1": 400})
    put(city, KIDS[1], "INV_GRANTS", {"2024Q1": 589})                   # 1.1 % short
    f = one(city, CITY, "INV_GRANTS", "sum", "2024Q1")
    assert f.severity == "explain" and "2 个下级地区" in f.message("zh")
    put(city, KIDS[1], "INV_GRANTS", {"2024Q1": 591})                   # 0.9 %
    assert not got(city, rule="sum")


# ---------------------------------------------------------------- Benford

def _chi2(counts):
    n = sum(counts)
    return sum((c - n * p) ** 2 / (n * p) for c, p in zip(counts, checks.BENFORD))


def _digits_around(critical, n=130):
    """Two first-digit distributions of n values, χ² just under and just over ``critical``."""
    counts = [round(n * p) for p in checks.BENFORD]
    counts[0] += n - sum(counts)
    under = None
    while _chi2(counts) <= critical:
        under = list(counts)
        donor = max(range(1, 9), key=lambda d: counts[d])
        counts[donor] -= 1
        counts[0] += 1
    return under, counts


def _benford_values(db, counts):
    regions = (CITY,) + KIDS + tuple(f"3299{k:02d}" for k in range(4, 12))
    for r in regions[3:]:
        add_region(db, r, "测试区" + r[-2:], parent=KIDS[0], level="county")
    codes = [c for c, i in indicators(db).items() if i.kind == "count"]
    cells = [(r, c) for r in regions for c in codes]
    digits = [d for d, n in enumerate(counts, start=1) for _ in range(n)]
    assert len(cells) >= len(digits)
    write_values(db, [Change(r, c, str(Y), str(d * 100 + k % 97)) for k, ((r, c), d) in enumerate(zip(cells, digits))],
                 who="tester")
    return len(digits)


@pytest.mark.parametrize("side", ["under", "over"])
def test_benford_critical_value(city, side):
    under, over = _digits_around(checks.BENFORD_CHI2_P01)
    counts = under if side == "under" else over
    assert (_chi2(counts) > 20.09) == (side == "over") and abs(_chi2(counts) - 20.09) < 3
    _benford_values(city, counts)
    assert ((CITY, "*", str(Y), "benford") in got(city)) == (side == "over")


@pytest.mark.parametrize("n, flagged", [(99, False), (100, True)])
def test_benford_needs_enough_values(city, n, flagged):
    counts = [0, 0, 0, 0, n, 0, 0, 0, 0]              # every value begins with 5
    _benford_values(city, counts)
    assert ((CITY, "*", str(Y), "benford") in got(city)) == flagged
    assert checks.BENFORD_MIN == 100


# ---------------------------------------------------------------- parts, derived, required

@pytest.mark.parametrize("hv, flagged", [(5000, False), (5001, True)])
def test_part_never_exceeds_whole(city, hv, flagged):
    put(city, CITY, "INV_PATENTS_IN_FORCE", {Y: 5000})
    put(city, CITY, "HV_PATENTS", {Y: hv})
    assert ((CITY, "HV_PATENTS", str(Y), "le") in got(city)) == flagged


@pytest.mark.parametrize("entered, flagged", [("10", False), ("10.004", False), ("9.996", False),
                                              ("10.006", True), ("9.994", True)])
def test_derived_tolerance_is_half_a_unit_of_its_decimals(city, entered, flagged):
    put(city, CITY, "POPULATION", {Y: 300})
    put(city, CITY, "HV_PATENTS", {Y: 3000})                   # (3000 − 0) / 300 = 10.00 (2 decimals)
    put(city, CITY, "HV_PATENTS_ABNORMAL", {Y: 0})
    put(city, CITY, "HV_PATENTS_PER_10K", {Y: entered})
    assert ((CITY, "HV_PATENTS_PER_10K", str(Y), "derived") in got(city)) == flagged


def test_required_and_nothing_reported(city):
    # a store that fills no city at all does not expect this one: its empty year is no finding
    assert findings(city, CITY, Y).items == []
    from app.models.store_basics import meta_set

    meta_set(city, "home_region", CITY)           # the city's own office: its empty year is said
    assert [(f.indicator, f.rule, f.params) for f in findings(city, CITY, Y)] == \
           [("*", "required", {"n": sum(1 for i in indicators(city).values()
                                        if i.required and not i.derived and i.applies_to("prefecture"))})]
    put(city, CITY, "INV_GRANTS", {Y: 10})
    required = got(city, rule="required")
    assert (CITY, "INV_GRANTS", str(Y), "required") not in required
    assert (CITY, "INV_APPLICATIONS", str(Y), "required") in required
    assert (CITY, "INV_EXAM_CYCLE", str(Y), "required") not in required      # the nation's own indicator
    assert (CITY, "*", str(Y), "required") not in required


# ---------------------------------------------------------------- quarters and months against the year

@pytest.mark.parametrize("total, flagged", [(1009, False), (1011, True), (991, False), (989, True)])
def test_quarters_of_a_flow_add_up_to_the_year(city, total, flagged):
    put(city, CITY, "INV_GRANTS", {Y: 1000, "2024Q1": 250, "2024Q2": 250, "2024Q3": 250, "2024Q4": total - 750})
    assert ((CITY, "INV_GRANTS", str(Y), "quarters") in got(city)) == flagged
    assert checks.SUB_TOLERANCE == 0.01


def test_the_issues_quarters(city):
    put(city, CITY, "INV_GRANTS", {Y: 18473, **{f"2024Q{q}": 99999 for q in range(1, 5)}})
    f = one(city, CITY, "INV_GRANTS", "quarters")
    assert f.severity == "blocking"
    assert "四个季度合计 399,996" in f.message("zh") and "18,473" in f.message("zh") and no_codes(f.message("zh"))


@pytest.mark.parametrize("q3, flagged", [(340, False), (360, True)])
def test_quarters_entered_so_far_may_not_exceed_the_year(city, q3, flagged):
    put(city, CITY, "INV_GRANTS", {Y: 1000, "2024Q1": 330, "2024Q2": 330, "2024Q3": q3})   # 1000 / 1020
    assert ((CITY, "INV_GRANTS", str(Y), "quarters") in got(city)) == flagged


@pytest.mark.parametrize("december, flagged", [(1000 - 9 * 83 - 83 - 83 + 9, False), (1000 - 9 * 83 - 83 - 83 + 12, True)])
def test_months_of_a_flow_add_up_to_the_year(city, december, flagged):
    months = {f"2024-{m:02d}": 83 for m in range(1, 12)}
    months["2024-12"] = december                              # 913 + 87 = 1000 ± …
    put(city, CITY, "PATENT_TRANSFERS", {Y: 1000, **months})
    total = 83 * 11 + december
    assert (abs(total - 1000) / max(total, 1000) > 0.01) == flagged
    assert ((CITY, "PATENT_TRANSFERS", str(Y), "months") in got(city)) == flagged


@pytest.mark.parametrize("q4, flagged", [(5000, False), (5001, True), (4999, True)])
def test_last_quarter_of_a_stock_is_the_year_end(city, q4, flagged):
    put(city, CITY, "INV_PATENTS_IN_FORCE", {Y: 5000, "2024Q1": 4000, "2024Q2": 4300, "2024Q4": q4})
    assert ((CITY, "INV_PATENTS_IN_FORCE", "2024Q4", "quarters") in got(city)) == flagged
    if flagged:
        f = one(city, CITY, "INV_PATENTS_IN_FORCE", "quarters", "2024Q4")
        assert f.severity == "blocking" and "第四季度" in f.message("zh")
    # a stock's quarters are not added up
    assert (CITY, "INV_PATENTS_IN_FORCE", str(Y), "quarters") not in got(city)


@pytest.mark.parametrize("dec, flagged", [(5000, False), (5002, True)])
def test_december_of_a_stock_is_the_year_end(city, dec, flagged):
    put(city, CITY, "GI_PRODUCTS", {Y: 5000, "2024-06": 4000, "2024-12": dec})
    assert ((CITY, "GI_PRODUCTS", "2024-12", "months") in got(city)) == flagged


def test_rates_are_not_added_over_quarters_but_are_range_checked(city):
    put(city, CITY, "INV_GRANT_RATE", {Y: 50, "2024Q1": 50, "2024Q2": 50, "2024Q3": 50, "2024Q4": 50})
    assert not got(city, rule="quarters")
    raw(city, CITY, "INV_GRANT_RATE", "2024Q2", "120")
    raw(city, CITY, "PATENT_TRANSFERS", "2024-03", "-4")
    f = one(city, CITY, "INV_GRANT_RATE", "range", "2024Q2")
    assert f.severity == "blocking" and "120" in f.message("zh")
    assert one(city, CITY, "PATENT_TRANSFERS", "range", "2024-03").severity == "blocking"


def test_sub_annual_parts_never_exceed_the_whole(city):
    put(city, CITY, "INV_PATENTS_IN_FORCE", {"2024Q2": 100})
    put(city, CITY, "HV_PATENTS", {"2024Q2": 101})
    assert one(city, CITY, "HV_PATENTS", "le", "2024Q2").severity == "blocking"


def test_new_messages_exist_in_both_languages_without_codes():
    from app.models.messages import MESSAGES
    for code in ("yoy_points", "yoy_score", "quarters_sum", "quarters_exceed", "quarter_end", "months_sum",
                 "months_exceed", "month_end"):
        en, zh = MESSAGES[code]
        assert en and zh and en != zh and no_codes(zh) and re.search(r"[\u4e00-\u9fff]", zh)


# ---------------------------------------------------------------- the whole store at once

def test_findings_all_checks_only_regions_holding_values(city):
    put(city, CITY, "INV_GRANTS", {Y - 1: 100, Y: 200})
    everything = findings_all(city)
    assert everything.years == [Y - 1, Y] and everything.regions == [CITY]
    assert {(f.indicator, f.rule) for f in everything.of(CITY, Y)} == \
           {(f.indicator, f.rule) for f in findings(city, CITY, Y)}
    assert everything.counts()["blocking"] == sum(f.severity == "blocking" for f in everything)
    assert len(findings_all(city, [Y])) == len(everything.of(CITY, Y))


def test_cube_reads_values_exactly_large_small_and_sub_annual(city):
    from app.models.cube import Cube

    put(city, CITY, "PLEDGE_AMOUNT", {Y: 0.1, Y - 1: 1234567.123456, "2024Q3": 7.5, "2024-11": 3})
    cube = Cube.load(city, regions=[CITY], year_from=Y - 1, year_to=Y)
    assert cube.get(CITY, "PLEDGE_AMOUNT", Y) == 0.1 and cube.get(CITY, "PLEDGE_AMOUNT", Y - 1) == 1234567.123456
    j = cube.i_index["PLEDGE_AMOUNT"]
    assert cube.quarters[0, j, 1, 2] == 7.5 and cube.months[0, j, 1, 10] == 3
    raw(city, CITY, "TM_REGISTRATIONS", str(Y), "98765432109876.5")     # beyond the integer fast path
    cube = Cube.load(city, regions=[CITY], year_from=Y, year_to=Y)
    assert cube.get(CITY, "TM_REGISTRATIONS", Y) == 98765432109876.5 and cube.get(CITY, "PLEDGE_AMOUNT", Y) == 0.1
    # a region list and the whole store read the same
    whole = Cube.load(city)
    assert whole.get(CITY, "PLEDGE_AMOUNT", Y - 1) == 1234567.123456 and whole.regions == [CITY]
