"""The report model and the data fingerprint, on real stores (no files written here).

The fingerprint is what ties a signed paper copy to its electronic copy (and, in issue 6,
a package to its content): it must be a pure function of the store content that the
documents show — the same content gives the same fingerprint in any store, any shown change
gives another, and what the documents do not show does not move it.
"""
from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.models.values import Change, write_values

REGION, YEAR = "320000", 2022


def fp(db, region=REGION, year=YEAR, regions=None):
    from app.services.fingerprint import fingerprint

    return fingerprint(db, region, year, regions)


def _value(db, region, indicator, period):
    return db.execute('select value from "values" where region=? and indicator=? and period=?',
                      [region, indicator, period]).fetchone()[0]


def test_fingerprint_is_deterministic_and_store_independent(demo_db, demo_file, tmp_path):
    from app.models.db import open_store
    from app.services.fingerprint import payload, short

    first = fp(demo_db)
    assert first == fp(demo_db) and len(first) == 64 and int(first, 16) >= 0
    # a second copy of the same content (another file, other audit rows, other timestamps) agrees
    other = tmp_path / "other.sqlite"
    shutil.copy(demo_file, other)
    db2 = open_store(other)
    write_values(db2, [Change("320500", "INV_GRANTS", "2023", "1")], why="touch another year")
    assert fp(db2) == first
    db2.conn.close()
    assert short(first) == "-".join(first[i:i + 4] for i in range(0, 16, 4))
    # the payload is plain canonical JSON anyone can recompute
    import hashlib
    import json

    raw = payload(demo_db, REGION, YEAR)
    assert hashlib.sha256(raw).hexdigest() == first
    doc = json.loads(raw)
    assert raw == json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert doc["regions"][0] == REGION and len(doc["regions"]) == 14 and doc["window"] == [YEAR - 8, YEAR]


@pytest.mark.parametrize("region, indicator, period", [
    (REGION, "INV_GRANTS", str(YEAR)),            # the region's own value
    ("321300", "PLEDGE_SMES", str(YEAR)),         # a city in the children table
    (REGION, "PATENT_TRANSFERS", str(YEAR - 6)),  # a year on the trend charts
])
def test_fingerprint_changes_with_any_shown_value(demo_db, region, indicator, period):
    from app.models.review import unlock

    before = fp(demo_db)
    for code in dict.fromkeys([REGION, region]):      # a city under the approved province is frozen with it
        if demo_db.execute("select status from region_years where region=? and year=?",
                           [code, int(period)]).fetchone()[0] in ("approved", "locked"):
            unlock(demo_db, code, int(period), user="demo-head", password="demo1234", why="test")
    old = _value(demo_db, region, indicator, period)
    write_values(demo_db, [Change(region, indicator, period, str(Decimal(old) + 1))])
    changed = fp(demo_db)
    assert changed != before
    write_values(demo_db, [Change(region, indicator, period, old)])
    assert fp(demo_db) == before, "back to the same content, back to the same fingerprint"


def test_fingerprint_covers_notes_explanations_and_targets(demo_db):
    from app.models.checks import explain
    from app.models.targets import edit_target, list_targets
    from app.models.review import unlock

    base = fp(demo_db)
    unlock(demo_db, REGION, YEAR, user="demo-head", password="demo1234", why="test")
    base_unlocked = fp(demo_db)
    assert base_unlocked == base, "the workflow status is not data"
    write_values(demo_db, [Change(REGION, "INV_GRANTS", str(YEAR), _value(demo_db, REGION, "INV_GRANTS", str(YEAR)),
                                  note="含 PCT 进入国家阶段")])
    with_note = fp(demo_db)
    assert with_note != base
    explain(demo_db, "320700", YEAR, "falling", "PATENT_INDUSTRIALIZATION_RATE", "统计口径调整")
    with_explanation = fp(demo_db)
    assert with_explanation != with_note
    target = next(t for t in list_targets(demo_db, region=REGION) if t.indicator == "HV_PATENTS_PER_10K")
    edit_target(demo_db, target.id, value="27")
    assert fp(demo_db) != with_explanation


def test_fingerprint_ignores_what_is_not_shown(demo_db):
    from app.models.review import unlock

    base = fp(demo_db)
    unlock(demo_db, REGION, YEAR, user="demo-head", password="demo1234", why="test")
    # another province, a year after the report, a sub-annual period: none is in the documents
    write_values(demo_db, [Change("440000", "INV_GRANTS", str(YEAR), "5"),
                           Change(REGION, "INV_GRANTS", str(YEAR + 1), "5"),
                           Change(REGION, "INV_GRANTS", f"{YEAR}Q3", "5")], why="not shown")
    assert fp(demo_db) == base
    assert fp(demo_db, regions=[REGION]) != base, "the covered regions are part of the content"


def test_unknown_region_is_an_error_with_a_code(demo_db):
    from app.models.errors import NotFoundError
    from app.services.report.data import build_report

    with pytest.raises(NotFoundError) as err:
        build_report(demo_db, "999999", YEAR)
    assert err.value.code == "unknown_region"


def test_report_model_jiangsu(demo_db):
    from app.models.db import meta_set, transaction
    from app.services.report.data import build_report, date_zh, save_office

    rep = build_report(demo_db, REGION, YEAR, generated_at=datetime(2022, 12, 10, 9, 30))
    assert rep.title == "江苏省2022年度知识产权高质量发展指标报告"
    # approved: the copy's one date is the approval's (from the audit trail), not the day it was generated
    assert rep.final and rep.approved_at is not None and rep.approver == "demo-head"
    assert (rep.office, rep.recipient, rep.date_text, rep.deadline_text) == (
        "江苏省知识产权局", "国家知识产权局知识产权运用促进司", date_zh(rep.approved_at), "2022年12月15日")
    assert len(rep.indicators) == 23 and [r.seq for r in rep.indicators] == list(range(1, 24))
    assert not any(r.code.endswith("EXAM_CYCLE") for r in rep.indicators), "national-only indicators left out"
    assert [c.code for c in rep.children][:2] == ["320100", "320200"] and len(rep.children) == 13
    assert rep.years[0] == 2016 and rep.years[-1] == YEAR
    # the derived per-10k value is computed from its components, exactly, and marked
    per10k = rep.indicator("HV_PATENTS_PER_10K")
    hv, ab, pop = (Decimal(_value(demo_db, REGION, c, str(YEAR))) for c in ("HV_PATENTS", "HV_PATENTS_ABNORMAL",
                                                                             "POPULATION"))
    assert per10k.computed and per10k.current == ((hv - ab) / pop).quantize(Decimal("0.01"))
    assert per10k.display_name.endswith("*") and per10k.target == "≥26（2025年）"
    # a rate's change is in percentage points, a count's in per cent
    assert rep.indicator("PATENT_INDUSTRIALIZATION_RATE").yoy_text.endswith("个百分点")
    assert rep.indicator("INV_GRANTS").yoy_text.endswith("%")
    # every target status carries symbol and word
    assert {t.status_text for t in rep.targets} == {"● 已达标", "✕ 难以达标"}
    assert rep.findings and rep.findings[0].region_name == "连云港市" and rep.findings[0].rule_text == "不增反降"

    # office and contact: stored in meta, overridable per report; deadline from meta
    save_office(demo_db, "江苏省知识产权局运用促进处", "李四 025-1234")
    with transaction(demo_db):
        meta_set(demo_db, "deadline", "12-10")
    rep = build_report(demo_db, REGION, YEAR)
    assert (rep.office, rep.contact, rep.deadline) == ("江苏省知识产权局运用促进处", "李四 025-1234", date(2022, 12, 10))
    rep = build_report(demo_db, REGION, YEAR, office="另一单位", contact="王五", include_children=False)
    assert (rep.office, rep.contact, rep.children, rep.regions) == ("另一单位", "王五", [], [REGION])
    assert rep.fingerprint == fp(demo_db, regions=[REGION])


def test_report_model_for_a_city_the_nation_and_an_empty_store(demo_db, empty_db):
    from app.services.report.data import build_report

    city = build_report(demo_db, "320100", YEAR)
    assert city.recipient == "江苏省知识产权局" and city.office == "南京市知识产权局"
    assert city.children and {k.code[:4] for k in city.children} == {"3201"}, "Nanjing's districts"
    nation = build_report(demo_db, "100000", YEAR)
    assert nation.title.endswith("汇总报告") and nation.office == "国家知识产权局" and len(nation.children) == 34
    assert any(r.code == "INV_EXAM_CYCLE" for r in nation.indicators)
    jiangsu = next(k for k in nation.children if k.code == REGION)
    assert jiangsu.values[0] is not None and all(v is None for k in nation.children if k.code == "440000"
                                                  for v in k.values)
    from app.models.store_basics import meta_set

    meta_set(empty_db, "home_region", "440000")      # the office's own region: its empty year is said
    empty = build_report(empty_db, "440000", YEAR)
    assert all(r.current is None and r.current_text == "—" for r in empty.indicators)
    assert empty.years == [YEAR] and all(s.points == () for s in empty.series)
    assert any(f.rule == "required" for f in empty.findings)
