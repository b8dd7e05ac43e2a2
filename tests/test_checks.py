"""Checks, target status and aggregation on real stores."""
from decimal import Decimal
from pathlib import Path

import pytest

from app.models import checks, targets
from app.models.aggregate import aggregate, aggregate_into
from app.models.checks import explain
from app.models.findings import check, is_open
from app.models.values import Change, get_values, set_text, write_values


def rules(findings, severity=None):
    return {(f.region, f.indicator, f.rule) for f in findings if severity is None or f.severity == severity}


def test_demo_latest_year_has_the_planted_explain_findings_and_no_blocking(demo_db):
    f = check(demo_db, "320000", 2024, with_children=True)
    assert not rules(f, "blocking")
    got = rules(f, "explain")
    assert ("320000", "TM_REGISTRATIONS", "sum") in got
    assert ("320300", "PATENT_TRANSFERS", "yoy") in got
    assert ("320300", "PATENT_TRANSFERS", "outlier") in got


def test_falling_names_document_and_clause(demo_db):
    f = [x for x in check(demo_db, "320700", 2022) if x.rule == "falling"]
    assert len(f) == 1 and f[0].indicator == "PATENT_INDUSTRIALIZATION_RATE"
    assert f[0].clause == "1(3) 知识产权运用" and "2022" in f[0].document
    assert "1(3)" in f[0].message("zh")


def test_part_larger_than_whole_and_deduction_larger_than_gross(demo_db):
    stock = get_values(demo_db)[("320100", "INV_PATENTS_IN_FORCE", "2024")]
    set_text(demo_db, "320100", "HV_PATENTS", "2024", str(stock + 1))
    set_text(demo_db, "320200", "HV_PATENTS_ABNORMAL", "2024", "9,999,999")
    f = check(demo_db, "320000", 2024, with_children=True)
    blocking = rules(f, "blocking")
    assert ("320100", "HV_PATENTS", "le") in blocking
    assert ("320200", "HV_PATENTS_ABNORMAL", "le") in blocking


def test_entered_per_10k_must_agree_with_components(demo_db):
    v = get_values(demo_db)
    hv = v[("320000", "HV_PATENTS", "2024")] - v[("320000", "HV_PATENTS_ABNORMAL", "2024")]
    computed = hv / v[("320000", "POPULATION", "2024")]
    # within rounding of its 2 decimals: fine
    set_text(demo_db, "320000", "HV_PATENTS_PER_10K", "2024", str(computed.quantize(Decimal("0.01"))))
    assert ("320000", "HV_PATENTS_PER_10K", "derived") not in rules(check(demo_db, "320000", 2024))
    set_text(demo_db, "320000", "HV_PATENTS_PER_10K", "2024", str((computed + Decimal("0.2")).quantize(Decimal("0.01"))))
    assert ("320000", "HV_PATENTS_PER_10K", "derived") in rules(check(demo_db, "320000", 2024), "blocking")


def test_required_missing_and_nothing_reported(demo_db):
    write_values(demo_db, [Change("320100", "GI_PRODUCTS", "2024", None)])
    f = check(demo_db, "320100", 2024)
    assert ("320100", "GI_PRODUCTS", "required") in rules(f, "blocking")
    assert check(demo_db, "320102", 2024) == []    # a district no one in this store fills: not expected
    write_values(demo_db, [Change("320102", "INV_GRANTS", "2024", "12")])
    g = check(demo_db, "320104", 2024)   # once one district reports, a district with no data: one finding
    assert [(x.indicator, x.rule) for x in g if x.severity == "blocking"] == [("*", "required")]


def test_range_check_catches_values_that_bypassed_the_parser(demo_db):
    demo_db.execute("update \"values\" set value = '120' where region='320100' and indicator='INV_GRANT_RATE' and period='2024'")
    f = check(demo_db, "320100", 2024)
    assert ("320100", "INV_GRANT_RATE", "range") in rules(f, "blocking")


def test_explanation_clears_an_explain_finding(demo_db):
    before = [f for f in check(demo_db, "320000", 2024) if is_open(f)]
    assert any(f.rule == "sum" for f in before)
    explain(demo_db, "320000", 2024, "sum", "TM_REGISTRATIONS", "省级数据含省直属单位注册量", who="李四")
    after = check(demo_db, "320000", 2024)
    done = [f for f in after if f.rule == "sum"]
    assert done and done[0].explanation == "省级数据含省直属单位注册量"
    assert not any(f.rule == "sum" for f in [f for f in after if is_open(f)])


def test_yoy_band_is_configurable_per_indicator(demo_db):
    demo_db.execute("update indicators set yoy_band = 200 where code = 'PATENT_TRANSFERS'")
    f = check(demo_db, "320300", 2024)
    assert ("320300", "PATENT_TRANSFERS", "yoy") not in rules(f)


def test_benford_flags_made_up_figures_only_with_enough_values(empty_db):
    # every count of every district begins with 5: far from Benford once there are enough values
    counts = [c for c, in empty_db.execute("select code from indicators where kind = 'count'")]
    districts = [c for c, in empty_db.execute("select code from regions where parent = '320100'")]
    changes = [Change(d, c, "2024", str(5000 + 37 * k + 11 * i)) for i, d in enumerate(districts)
               for k, c in enumerate(counts)]
    write_values(empty_db, changes)
    assert len(changes) >= 100
    f = check(empty_db, "320100", 2024)
    assert ("320100", "*", "benford") in rules(f, "info")
    lone = check(empty_db, districts[0], 2024)   # one district's 16 values: too few to judge
    assert (districts[0], "*", "benford") not in rules(lone)


def test_benford_quiet_on_lognormal_figures(empty_db):
    import random
    rng = random.Random(3)
    counts = [c for c, in empty_db.execute("select code from indicators where kind = 'count'")]
    districts = [c for c, in empty_db.execute("select code from regions where parent = '320100'")]
    changes = [Change(d, c, "2024", str(int(rng.lognormvariate(7, 2)) + 1)) for d in districts for c in counts]
    write_values(empty_db, changes)
    assert ("320100", "*", "benford") not in rules(check(empty_db, "320100", 2024))


def test_aggregation_sums_additive_and_recomputes_ratios(demo_db):
    sums = aggregate(demo_db, "320000", 2024)
    v = get_values(demo_db)
    cities = [c for c, in demo_db.execute("select code from regions where parent='320000'")]
    assert sums["INV_GRANTS"] == (sum(v[(c, "INV_GRANTS", "2024")] for c in cities), 13)
    assert "INV_GRANT_RATE" not in sums and "HV_PATENTS_PER_10K" not in sums
    from app.models import review

    review.override(demo_db, "320000", 2024, user="demo-head", password="demo1234", why="先行汇总")   # cities in draft
    n = aggregate_into(demo_db, "320000", 2024, take_sums=True)
    assert n >= 1   # TM_REGISTRATIONS was planted 3 % off
    assert ("320000", "TM_REGISTRATIONS", "sum") not in rules(check(demo_db, "320000", 2024))


def test_target_status_direction_and_projection(demo_db):
    rows = {r["indicator"]: r for r in targets.status_for(demo_db, "100000", 2022)}
    cycle = rows["INV_EXAM_CYCLE"]     # <= 16.5, demo 2022 is 16.5: met (lower is better)
    assert cycle["comparator"] == "<=" and cycle["status"] == "met" and cycle["clause"] == "1(3) 知识产权创造"
    hv = rows["HV_PATENTS_PER_10K"]    # 2025 target tracked from 2021
    assert hv["target_year"] == 2025 and hv["status"] in targets.STATUSES
    assert "least squares" in hv["projection_method"]
    js = {r["indicator"]: r for r in targets.status_for(demo_db, "320000", 2024)}
    assert js["HV_PATENTS_PER_10K"]["status"] == "on_track" and "江苏" in js["HV_PATENTS_PER_10K"]["document"]
    assert js["PLEDGE_AMOUNT"]["status"] == "at_risk"
    assert js["PLEDGE_AMOUNT"]["required_annual_change"] == pytest.approx(1300 - js["PLEDGE_AMOUNT"]["latest_value"])


def test_growth_target_off_track_and_no_data(demo_db):
    rows = {r["indicator"]: r for r in targets.status_for(demo_db, "321300", 2023)}
    smes = rows["PLEDGE_SMES"]          # planted: +4 % against the 2023 guideline's +10 %
    assert smes["comparator"] == "growth>=" and smes["status"] == "off_track"
    assert smes["growth_pct"] == pytest.approx(4, abs=0.6)
    empty = {r["indicator"]: r for r in targets.status_for(demo_db, "320102", 2022)}
    assert empty["PLEDGE_SMES"]["status"] == "no_data"


def test_lower_is_better_projection_on_a_small_series():
    t = targets.Target(1, "P", "INV_EXAM_CYCLE", "national", None, 1, 2025, 2021, "<=", 15.0, "c", "", "", "",
                       "doc", "doc", "")
    on = targets.evaluate(t, [(2020, 20.0), (2021, 18.5), (2022, 16.5)], 2022)
    assert on["status"] == "on_track" and on["projected_value"] < 15.0
    assert on["required_annual_change"] == pytest.approx((15.0 - 16.5) / 3)
    few = targets.evaluate(t, [(2021, 18.5), (2022, 16.5)], 2022)
    assert few["status"] == "at_risk" and few["projected_value"] is None and "not enough" in few["projection_method"]
    worse = targets.evaluate(t, [(2020, 16.0), (2021, 17.0), (2022, 18.0)], 2022)
    assert worse["status"] == "off_track"


def test_own_target_takes_precedence_and_reaches_cities(demo_db):
    ts = targets.TargetSet.load(demo_db)
    city = {t.indicator: t for t in ts.applicable("320100", 2024)}
    assert city["HV_PATENTS_PER_10K"].pack == "OWN_320000"
    # a city's own target beats the province's
    targets.add_own_target(demo_db, "320100", "HV_PATENTS_PER_10K", ">=", "40", 2025, from_year=2021)
    ts = targets.TargetSet.load(demo_db)
    city = [t for t in ts.applicable("320100", 2024) if t.indicator == "HV_PATENTS_PER_10K"]
    assert [t.pack for t in city] == ["OWN_320100"]
    # and provinces elsewhere are untouched by Jiangsu's policy
    assert not [t for t in ts.applicable("440000", 2024) if t.pack.startswith("OWN_")]


def test_new_years_pack_is_a_data_file(demo_db, tmp_path):
    src = Path(__file__).resolve().parent.parent / "resources" / "targets" / "national.csv"
    header = src.read_text(encoding="utf-8").splitlines()[0]
    pack = tmp_path / "guideline-2024.csv"
    pack.write_text(header + "\n" + "GUIDELINE_2024,知识产权高质量发展年度工作指引（2024）,Guidelines (2024),国知发运字〔2024〕X号,"
                    "2024-03-01,主要目标,发明专利审查周期压减到15.5个月,INV_EXAM_CYCLE,national,2024,<=,15.5,annual,test\n",
                    encoding="utf-8")
    from app.models.reference import import_pack
    assert import_pack(demo_db, pack) == 1
    rows = {r["indicator"]: r for r in targets.status_for(demo_db, "100000", 2024)}
    assert rows["INV_EXAM_CYCLE"]["target"] == 15.5 and rows["INV_EXAM_CYCLE"]["status"] == "met"


def test_bad_pack_row_names_file_row_and_column(empty_db, tmp_path):
    src = Path(__file__).resolve().parent.parent / "resources" / "targets" / "national.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], lines[1], lines[2].replace("HV_EXAM_CYCLE", "NO_SUCH_CODE")]), encoding="utf-8")
    from app.models.errors import InputError
    from app.models.reference import import_pack
    before = empty_db.execute("select count(*) from targets").fetchone()[0]
    with pytest.raises(InputError) as exc:
        import_pack(empty_db, bad)
    msg = exc.value.message("en")
    assert "bad.csv" in msg and "row 3" in msg and "NO_SUCH_CODE" in msg
    assert empty_db.execute("select count(*) from targets").fetchone()[0] == before


def test_target_edit_is_audited(demo_db):
    t = [t for t in targets.list_targets(demo_db, pack="GUIDELINE_2022") if t.indicator == "INV_EXAM_CYCLE"][0]
    targets.edit_target(demo_db, t.id, value="16", why="订正")
    assert [x for x in targets.list_targets(demo_db, pack="GUIDELINE_2022") if x.id == t.id][0].value == 16.0
    last = demo_db.execute("select action, old, new from audit order by id desc limit 1").fetchone()
    assert last[0] == "target_edit" and "16.5" in last[1] and "16" in last[2]


def test_finding_messages_exist_in_both_languages():
    from app.models.messages import MESSAGES
    for code in ("le_hv_stock", "le_deduction", "derived_mismatch", "required_missing", "yoy_band", "outlier_mz",
                 "sum_mismatch", "falling", "benford", "nothing_reported"):
        en, zh = MESSAGES[code]
        assert en and zh and en != zh
    assert checks.MZ_THRESHOLD == 3.5 and checks.SUM_TOLERANCE == 0.01
