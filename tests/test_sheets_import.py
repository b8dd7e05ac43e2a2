"""Import of long-format files into the demo store (issue 4): the dry run says exactly what
would change, lists every problem with sheet, row and column, and ``apply`` writes all of it
through the one write path, or nothing.

Demo store: Jiangsu (320000) and its 13 cities; 2016-2022 approved (locked), 2023 submitted,
2024 draft or complete.
"""
from __future__ import annotations

import openpyxl
import pytest

from app.models import audit
from app.models.errors import Cancelled as CoreCancelled
from app.models.errors import InputError
from app.models.values import region_year_status, set_text
from app.services.sheets.importer import apply_plan, import_file, plan_import
from app.services.sheets.common import Cancelled
from tests.test_sheets_read import LONG_HEADER, store_state


def clerk_xlsx(path, rows, *, header=LONG_HEADER, sheet="Sheet1", extra_sheets=None, formulas=False):
    """A workbook as a clerk makes one in Excel: openpyxl, values typed as numbers or text;
    text starting with ``=`` is a formula (without a computed value) only with ``formulas=True``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    for row in ws.iter_rows():
        for c in row:
            if c.data_type == "f" and not formulas:
                c.data_type = "s"
    for name, content in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for r in content:
            other.append(list(r))
    wb.save(path)
    return path


def stored(db, region, indicator, period):
    row = db.execute('select value, note from "values" where region = ? and indicator = ? and period = ?',
                     [region, indicator, period]).fetchone()
    return tuple(row) if row else None


def test_dry_run_sorts_values_into_new_changed_unchanged_and_writes_nothing(demo_db, tmp_path):
    old_grants = stored(demo_db, "320100", "INV_GRANTS", "2024")[0]
    old_pledge = stored(demo_db, "320200", "PLEDGE_AMOUNT", "2024")[0]
    demo_db.execute('delete from "values" where region = ? and indicator = ? and period = ?',
                    ["320300", "GI_PRODUCTS", "2024"])
    path = clerk_xlsx(tmp_path / "mixed.xlsx", [
        ["320100", "INV_GRANTS", "2024", "１２，３４５"],                  # full-width digits and comma
        ["320200", "PLEDGE_AMOUNT", "2024", float(old_pledge)],          # a number cell, the same value
        ["320300", "GI_PRODUCTS", "2024", "\u300012个 ", "新认定 2 个"],   # stray spaces, unit word
        ["320400", "PLEDGE_AMOUNT", "2024", "3200万元"],                  # 万元 into 亿元
        ["320500", "INV_GRANT_RATE", "2024", "55.5%"],
        ["320600", "POPULATION", "2024", "0.0512亿"],
        ["", "", "", ""],                                                 # an empty row
        ["320700", "INV_GRANTS", "2024", None, "no value: skipped"],
    ])
    before = store_state(demo_db)
    plan = plan_import(demo_db, path)
    assert store_state(demo_db) == before
    assert plan.ok and plan.kind == "long"
    assert plan.counts() == {"new": 1, "changed": 4, "unchanged": 1, "skipped": 1}
    rows = {(r.region, r.indicator): r for r in plan.rows}
    assert (rows[("320100", "INV_GRANTS")].old, rows[("320100", "INV_GRANTS")].value) == (old_grants, "12345")
    assert rows[("320200", "PLEDGE_AMOUNT")].status == "unchanged"
    assert (rows[("320300", "GI_PRODUCTS")].status, rows[("320300", "GI_PRODUCTS")].value) == ("new", "12")
    assert rows[("320400", "PLEDGE_AMOUNT")].value == "0.32"
    assert rows[("320500", "INV_GRANT_RATE")].value == "55.5"
    assert rows[("320600", "POPULATION")].value == "512"
    assert (rows[("320300", "GI_PRODUCTS")].sheet, rows[("320300", "GI_PRODUCTS")].row) == ("Sheet1", 4)


def test_every_problem_is_listed_with_sheet_row_and_column(demo_db, tmp_path):
    path = clerk_xlsx(tmp_path / "bad.xlsx", [
        ["320100", "INV_GRANTS", "2024", "1,23,4"],          # 2: bad grouping
        ["999999", "INV_GRANTS", "2024", "5"],               # 3: unknown region
        ["320100", "NO_SUCH", "2024", "5"],                  # 4: unknown indicator
        ["320100", "INV_GRANTS", "2024年7季度", "5"],         # 5: bad period
        ["320100", "INV_GRANT_RATE", "2024", "120"],         # 6: out of range
        ["320100", "INV_GRANTS", "2024", "-"],               # 7: placeholder
        ["320100", "INV_GRANTS", "2024", "12.5"],            # 8: not whole
        ["鼓楼区", "INV_GRANTS", "2024", "5"],                 # 9: ambiguous name (Nanjing, Xuzhou, ...)
        ["320200", "INV_GRANTS", "2024", "7"],               # 10: fine
    ])
    plan = plan_import(demo_db, path)
    got = [(p.code, p.sheet, p.cell) for p in plan.problems]
    assert got == [
        ("bad_grouping", "Sheet1", "D2 (value)"), ("import_unknown_region", "Sheet1", "A3 (region)"),
        ("import_unknown_indicator", "Sheet1", "B4 (indicator)"), ("bad_period", "Sheet1", "C5 (period)"),
        ("out_of_range", "Sheet1", "D6 (value)"), ("placeholder", "Sheet1", "D7 (value)"),
        ("not_whole", "Sheet1", "D8 (value)"), ("import_ambiguous_region", "Sheet1", "A9 (region)")]
    assert plan.problem_count == 8 and [r.region for r in plan.rows] == ["320200"]
    zh = [p.message("zh") for p in plan.problems]
    assert zh[1] == "bad.xlsx · Sheet1 · A3 (region): 未知地区代码“999999”（可用“ipdesk regions”查看）"
    assert all("\n" not in m for m in zh)
    assert plan.problems[0].params["row"] == 2 and plan.problems[0].params["col"] == 4   # for the dialog
    before = store_state(demo_db)
    with pytest.raises(InputError) as err:
        apply_plan(demo_db, plan)
    assert err.value.code == "import_has_problems" and "8" in err.value.message("en")
    assert store_state(demo_db) == before


def test_locked_years_refuse_the_whole_file_but_not_repeated_values(demo_db, tmp_path):
    locked_value = stored(demo_db, "320100", "INV_GRANTS", "2020")[0]
    path = clerk_xlsx(tmp_path / "locked.xlsx", [
        ["320100", "INV_GRANTS", "2020", locked_value],      # unchanged in a locked year: fine
        ["320100", "INV_GRANTS", "2021", "1"],               # changed in a locked year
        ["320100", "INV_GRANTS", "2022", "1"],
        ["320100", "INV_GRANTS", "2024", "77"],              # draft: would be fine alone
    ])
    before = store_state(demo_db)
    plan = plan_import(demo_db, path)
    assert [(p.code, p.region, p.period, p.cell) for p in plan.problems] == [
        ("import_locked", "320100", "2021", "row 3"), ("import_locked", "320100", "2022", "row 4")]
    assert "南京市（320100）2021 年数据已审批并锁定" in plan.problems[0].message("zh")
    res = import_file(demo_db, path, apply=True)
    assert not res.applied and res.written == 0
    assert store_state(demo_db) == before


def test_apply_writes_once_through_the_audited_write_path(demo_db, tmp_path):
    assert region_year_status(demo_db, "320100", 2024) == "complete"
    path = clerk_xlsx(tmp_path / "good.xlsx", [
        ["320100", "INV_GRANTS", "2024", "8.8万", "快报数"],
        ["320100", "PLEDGE_SMES", "2024", 321],
        ["320200", "ABNORMAL_APPS", "2024", "1,024"],
    ], header=["地区代码", "指标代码", "期间", "数值", "说明"])
    audit_before = demo_db.execute("select count(*) from audit").fetchone()[0]
    res = import_file(demo_db, path, apply=True, why="季度快报")
    assert res.applied and res.written == 3
    assert stored(demo_db, "320100", "INV_GRANTS", "2024") == ("88000", "快报数")
    assert stored(demo_db, "320200", "ABNORMAL_APPS", "2024")[0] == "1024"
    rows = audit.history(demo_db, "320100", "INV_GRANTS", "2024")
    assert rows[-1]["action"] == "import" and rows[-1]["why"] == "季度快报" and rows[-1]["who"] == "tester"
    assert demo_db.execute("select count(*) from audit").fetchone()[0] > audit_before
    assert region_year_status(demo_db, "320100", 2024) == "draft"          # a changed complete year goes back
    assert audit.verify(demo_db).ok
    again = import_file(demo_db, path, apply=True)                          # importing twice changes nothing
    assert again.written == 0 and again.plan.counts()["unchanged"] == 3


def test_notes_blank_keeps_the_stored_note_and_a_new_one_is_a_change(demo_db, tmp_path):
    set_text(demo_db, "320100", "INV_GRANTS", "2024", "5000", note="原说明")
    path = clerk_xlsx(tmp_path / "notes.xlsx", [
        ["320100", "INV_GRANTS", "2024", 5000, ""],
        ["320200", "INV_GRANTS", "2024", stored(demo_db, "320200", "INV_GRANTS", "2024")[0], "=补充说明"],
    ])
    plan = plan_import(demo_db, path)
    status = {r.region: (r.status, r.note) for r in plan.rows}
    assert status == {"320100": ("unchanged", None), "320200": ("changed", "=补充说明")}
    apply_plan(demo_db, plan)
    assert stored(demo_db, "320100", "INV_GRANTS", "2024") == ("5000", "原说明")
    assert stored(demo_db, "320200", "INV_GRANTS", "2024")[1] == "=补充说明"
    typed = clerk_xlsx(tmp_path / "typed.xlsx", [["320100", "INV_GRANTS", "2024", 5000, "=补充说明"]], formulas=True)
    assert [(p.code, p.cell) for p in plan_import(demo_db, typed).problems] == [("cell_formula_no_value", "E2 (note)")]


def test_duplicates_names_and_levels(demo_db, tmp_path):
    path = clerk_xlsx(tmp_path / "dup.xlsx", [
        ["320100", "INV_GRANTS", "2024", 5],
        ["南京市", "INV_GRANTS", "2024", 6],                 # same key by name, different value
        ["320200", "INV_GRANTS", "2024", 7],
        ["320200", "INV_GRANTS", 2024, 7],                  # same key and value: a warning only
        ["320300", "INV_EXAM_CYCLE", "2024", 15],           # a national indicator for a city: warning
    ])
    plan = plan_import(demo_db, path)
    assert [(p.code, p.cell) for p in plan.problems] == [("import_duplicate", "row 3")]
    assert "Sheet1 row 2" in plan.problems[0].message("en")
    assert sorted(w.code for w in plan.warnings) == ["import_duplicate_same", "import_not_applicable",
                                                    "import_region_by_name"]


def test_sheets_and_columns_that_are_not_the_format(demo_db, tmp_path):
    path = clerk_xlsx(tmp_path / "extra.xlsx", [["320100", "INV_GRANTS", "2024", 5, "", "x"]],
                      header=LONG_HEADER + ["审核人"], extra_sheets={"说明页": [["本表由某某填写"]]})
    plan = plan_import(demo_db, path)
    assert plan.ok and len(plan.rows) == 1
    assert [(w.code, w.sheet) for w in plan.warnings] == [("import_ignored_columns", "Sheet1"),
                                                          ("import_ignored_sheet", "说明页")]
    missing = clerk_xlsx(tmp_path / "missing.xlsx", [["320100", "INV_GRANTS", 5]], header=["地区代码", "指标代码", "数值"])
    plan = plan_import(demo_db, missing)
    assert [(p.code, p.cell) for p in plan.problems] == [("import_missing_columns", "row 1")]
    assert "period" in plan.problems[0].message("en")
    other = clerk_xlsx(tmp_path / "other.xlsx", [["a", "b"]], header=["姓名", "电话"])
    plan = plan_import(demo_db, other)
    assert [p.code for p in plan.problems] == ["import_not_recognised"]
    assert "地区代码" in plan.problems[0].message("zh")


def test_progress_reports_and_cancel_leaves_nothing_written(demo_db, tmp_path):
    path = clerk_xlsx(tmp_path / "p.xlsx", [["320100", "INV_GRANTS", "2024", n] for n in range(100, 110)])
    seen = []
    plan = plan_import(demo_db, path, progress=lambda f, m: seen.append((f, m)))
    assert seen[-1][0] == 1.0 and all(0 <= f <= 1 for f, _ in seen)
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)
    assert plan.rows
    before = store_state(demo_db)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled) as err:
        import_file(demo_db, path, apply=True, cancel=cancel)
    assert err.value.message("zh") == "已取消，未写入任何数据"
    assert isinstance(err.value, CoreCancelled)          # what the window's task runner catches
    assert store_state(demo_db) == before


def test_a_year_locked_between_dry_run_and_apply_refuses_the_write(demo_db, tmp_path):
    """The dialog shows the diff and asks; if an office head approves the year meanwhile, the
    write is refused as a whole and the message names region and year."""
    from app.models import review, workflow

    path = clerk_xlsx(tmp_path / "late.xlsx", [["320100", "INV_GRANTS", "2024", 5], ["320200", "INV_GRANTS", "2024", 6]])
    plan = plan_import(demo_db, path)
    assert plan.ok
    review.approve(demo_db, [("320200", 2024)], user="demo-head", password="demo1234", why="done")
    before = store_state(demo_db)
    with pytest.raises(InputError) as err:
        apply_plan(demo_db, plan)
    assert (err.value.code, err.value.region, err.value.period) == ("import_locked", "320200", "2024")
    assert "无锡市（320200）2024 年数据已审批并锁定" in err.value.message("zh")
    assert store_state(demo_db) == before
