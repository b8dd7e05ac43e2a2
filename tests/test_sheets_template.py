"""The fill-in template (issue 4): what the workbook holds, a clerk filling it in the ways
clerks do, and templates that must be refused — another region or year, a newer ipdesk, a
changed unit, a workbook that is not a template — or mapped (an older catalogue).

Filling is done with openpyxl on the written file, the way Excel would save it back.
"""
from __future__ import annotations

import zipfile

import openpyxl
import pytest

from app.models.catalogue import indicators
from app.models.db import meta_get
from app.services.sheets.importer import apply_plan, plan_import
from app.services.sheets.template import FIRST_ROW, META_SHEET, make_template
from tests.test_sheets_read import store_state


def _columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[FIRST_ROW - 1] if c.value}


def _row_of(ws, code: str) -> int:
    return next(c.row for c in ws["A"] if c.value == code)


def _edit_meta(path, **changes):
    wb = openpyxl.load_workbook(path)
    meta = wb[META_SHEET]
    for row in meta.iter_rows():
        if row[0].value in changes:
            row[1].value = changes[row[0].value]
    wb.save(path)


@pytest.fixture
def nanjing(demo_db, tmp_path):
    path = tmp_path / "南京市2024.xlsx"
    res = make_template(demo_db, "320100", 2024, path, lang="zh")
    return path, res


def test_template_layout_protection_and_hidden_metadata(demo_db, nanjing):
    path, res = nanjing
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["填报", META_SHEET]
    ws, meta = wb["填报"], wb[META_SHEET]
    assert meta.sheet_state == "veryHidden" and ws.sheet_state == "visible"
    info = {r[0].value: r[1].value for r in meta.iter_rows()}
    assert info["template_id"] == res.template_id and len(res.template_id) == 36
    assert (info["region"], info["year"], info["template_version"]) == ("320100", "2024", "1")
    assert info["catalogue_version"] == meta_get(demo_db, "catalogue_version") and info["created_at"]
    cols = _columns(ws)
    assert list(cols) == ["指标代码", "指标名称", "单位", "2021年", "2022年", "2023年", "2024年填报值", "2024年说明",
                          "指标定义与口径"]
    cat = [i for i in indicators(demo_db).values() if i.levels == "all"]
    assert [ws.cell(FIRST_ROW + n, 1).value for n in range(len(cat))] == [i.code for i in cat]
    assert res.indicators == len(cat) == 23 and res.periods == ["2021", "2022", "2023"]
    r = _row_of(ws, "PLEDGE_AMOUNT")
    stored_2022 = demo_db.execute('select value from "values" where region = \'320100\' and indicator = '
                                  "'PLEDGE_AMOUNT' and period = '2022'").fetchone()[0]
    context, value, note = ws.cell(r, cols["2022年"]), ws.cell(r, cols["2024年填报值"]), ws.cell(r, cols["2024年说明"])
    assert context.value == float(stored_2022) and context.number_format == "#,##0.00"
    assert context.protection.locked and not value.protection.locked and not note.protection.locked
    assert ws.cell(r, cols["单位"]).value == "亿元"
    assert ws.cell(_row_of(ws, "INV_GRANTS"), cols["2024年填报值"]).number_format == "#,##0"
    rate = _row_of(ws, "INV_GRANT_RATE")
    stored_rate = demo_db.execute('select value from "values" where region = \'320100\' and indicator = '
                                  "'INV_GRANT_RATE' and period = '2023'").fetchone()[0]
    assert ws.cell(rate, cols["2024年填报值"]).number_format == "0.0%"        # a number shown as per cent
    assert ws.cell(rate, cols["2023年"]).number_format == "0.0%"
    assert ws.cell(rate, cols["2023年"]).value == pytest.approx(float(stored_rate) / 100, abs=1e-12)
    assert ws.protection.sheet and not ws.protection.password
    assert ws.freeze_panes == "D6"
    assert ws.column_dimensions["B"].width >= 2 * len("专利商标质押融资登记金额")
    assert len(ws.data_validations.dataValidation) == len(cat)
    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if "worksheets" in n)


def test_a_filled_template_imports_what_the_clerk_typed(demo_db, nanjing):
    path, _ = nanjing
    wb = openpyxl.load_workbook(path)
    ws = wb["填报"]
    cols = _columns(ws)
    entries = {"INV_GRANTS": "9.1万", "PLEDGE_AMOUNT": 123.456, "INV_GRANT_RATE": "55.5%",
               "POPULATION": "９３０.５", "GI_PRODUCTS": " 14 "}
    for code, text in entries.items():
        ws.cell(_row_of(ws, code), cols["2024年填报值"]).value = text
    ws.cell(_row_of(ws, "INV_GRANTS"), cols["2024年说明"]).value = "含 PCT 进入国家阶段"
    ws.cell(_row_of(ws, "HV_PATENTS_PER_10K"), cols["2024年填报值"]).value = None     # left empty: no data
    ws.insert_cols(4)                       # a clerk adds a column of their own: found by header text
    wb.save(path)
    plan = plan_import(demo_db, path, expect_region="320100", expect_year=2024)
    assert plan.ok, [p.message("en") for p in plan.problems]
    assert plan.kind == "template" and plan.template["region"] == "320100"
    got = {r.indicator: r.value for r in plan.changes()}
    assert got == {"INV_GRANTS": "91000", "PLEDGE_AMOUNT": "123.456", "INV_GRANT_RATE": "55.5",
                   "POPULATION": "930.5", "GI_PRODUCTS": "14"}
    assert plan.counts()["skipped"] == 1 and plan.counts()["unchanged"] == 23 - 1 - 5
    assert {r.period for r in plan.rows} == {"2024"}
    apply_plan(demo_db, plan)
    assert demo_db.execute('select value, note from "values" where region = \'320100\' and indicator = '
                           "'INV_GRANTS' and period = '2024'").fetchone() == ("91000", "含 PCT 进入国家阶段")


def test_problems_in_a_template_name_the_cell(demo_db, nanjing):
    path, _ = nanjing
    wb = openpyxl.load_workbook(path)
    ws = wb["填报"]
    cols = _columns(ws)
    r1, r2 = _row_of(ws, "INV_GRANTS"), _row_of(ws, "PROTECTION_SATISFACTION")
    ws.cell(r1, cols["2024年填报值"]).value = "三万"
    ws.cell(r2, cols["2024年填报值"]).value = "101"
    ws.cell(_row_of(ws, "TM_REGISTRATIONS"), cols["2022年"]).value = 1          # a read-only year, edited
    wb.save(path)
    plan = plan_import(demo_db, path)
    letter = openpyxl.utils.get_column_letter(cols["2024年填报值"])
    assert [(p.code, p.sheet, p.cell) for p in plan.problems] == [
        ("not_a_number", "填报", f"{letter}{r1} (2024年填报值)"), ("out_of_range", "填报", f"{letter}{r2} (2024年填报值)")]
    assert [w.code for w in plan.warnings] == ["import_context_ignored"]
    assert all(r.period == "2024" for r in plan.rows)


def test_templates_for_another_region_or_year_are_refused(demo_db, nanjing):
    path, _ = nanjing
    before = store_state(demo_db)
    plan = plan_import(demo_db, path, expect_region="320200")
    assert [p.code for p in plan.problems] == ["template_other_region"] and not plan.rows
    assert "无锡市" in plan.problems[0].message("zh") and "南京市" in plan.problems[0].message("zh")
    plan = plan_import(demo_db, path, expect_year=2023)
    assert [(p.code, p.sheet) for p in plan.problems] == [("template_other_year", META_SHEET)]
    _edit_meta(path, region="990000")
    assert [p.code for p in plan_import(demo_db, path).problems] == ["template_unknown_region"]
    assert store_state(demo_db) == before


def test_older_catalogue_is_mapped_newer_template_and_changed_units_refused(demo_db, nanjing):
    path, _ = nanjing
    _edit_meta(path, catalogue_version="2019.1")
    plan = plan_import(demo_db, path)
    assert plan.ok and [w.code for w in plan.warnings] == ["template_catalogue"] and plan.rows
    wb = openpyxl.load_workbook(path)
    ws = wb["填报"]
    ws.cell(_row_of(ws, "OVERSEAS_INV_GRANTS"), _columns(ws)["单位"]).value = "万件"
    wb.save(path)
    plan = plan_import(demo_db, path)
    assert [(p.code, p.cell[:1]) for p in plan.problems] == [("template_unit_changed", "C")]
    assert "万件" in plan.problems[0].message("zh")
    _edit_meta(path, template_version="99")
    assert [p.code for p in plan_import(demo_db, path).problems] == ["template_newer"]
    _edit_meta(path, kind="something else")
    assert [p.code for p in plan_import(demo_db, path).problems] == ["template_not_ours"]


def test_a_damaged_template_says_so(demo_db, nanjing):
    path, _ = nanjing
    wb = openpyxl.load_workbook(path)
    wb["填报"].title = "Sheet1"
    wb.save(path)
    plan = plan_import(demo_db, path)
    assert [p.code for p in plan.problems] == ["template_damaged"]
    assert "ipdesk template" in plan.problems[0].message("en")


def test_template_of_a_locked_year_warns_and_its_import_is_refused(demo_db, tmp_path):
    path = tmp_path / "2022.xlsx"
    res = make_template(demo_db, "320500", 2022, path, lang="en")
    assert [w.code for w in res.warnings] == ["template_locked_year"]
    wb = openpyxl.load_workbook(path)
    ws = wb["entry"]
    ws.cell(_row_of(ws, "INV_GRANTS"), _columns(ws)["2022 value"]).value = 1
    wb.save(path)
    before = store_state(demo_db)
    plan = plan_import(demo_db, path)
    assert [(p.code, p.region, p.period) for p in plan.problems] == [("import_locked", "320500", "2022")]
    assert store_state(demo_db) == before


def test_templates_follow_the_region_level(demo_db, tmp_path):
    nation = make_template(demo_db, "100000", 2024, tmp_path / "n.xlsx", context_years=0)
    county = make_template(demo_db, "320102", 2024, tmp_path / "c.xlsx", context_years=1)
    assert nation.indicators == 26 and county.indicators == 23
    assert nation.periods == [] and county.periods == ["2023"]
    plan = plan_import(demo_db, tmp_path / "c.xlsx")
    assert plan.ok and not plan.rows and plan.counts()["skipped"] == 23
