"""Long-format export (issue 4): any selection out as .csv or .xlsx, back in through ``import``
exactly (Hypothesis tries values of every kind and notes that look like formulas), text never
becoming a formula, and LibreOffice opening what we write (``soffice --headless --convert-to``).
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models.db import open_store
from app.models.parse import canonical
from app.models.values import Change, write_values
from app.services.sheets.export_data import COLUMNS, export_values, select_regions
from app.services.sheets.importer import plan_import
from app.services.sheets.template import make_template

CITIES = [f"32{n:02d}00" for n in range(1, 14)]


def _formulas_in(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.endswith(".xml") and (b"<f>" in z.read(n) or b"<f " in z.read(n))]


def test_selection_by_region_children_years_and_indicators(demo_db, tmp_path):
    assert select_regions(demo_db, "320000") == ["320000"]
    assert select_regions(demo_db, "320000", children=True) == ["320000", *CITIES]
    assert len(select_regions(demo_db, ["320100"], all_below=True)) > 10
    res = export_values(demo_db, tmp_path / "sel.csv", regions=select_regions(demo_db, "320000", children=True),
                        year_from=2020, year_to=2022, indicators_=["INV_GRANTS", "POPULATION"], lang="en")
    expected = demo_db.execute('select count(*) from "values" where region like \'32%\' and year between 2020 and 2022'
                               " and indicator in ('INV_GRANTS', 'POPULATION')").fetchone()[0]
    assert res.rows == expected == 14 * 3 * 2
    with open(tmp_path / "sel.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(COLUMNS)
    assert rows[1][:3] == ["320000", "POPULATION", "2020"] and rows[1][5:] == ["江苏省", "常住人口", "万人"]
    assert (tmp_path / "sel.csv").read_bytes().startswith(b"\xef\xbb\xbf")      # Excel on Chinese Windows needs it


def test_export_then_import_changes_nothing(demo_db, tmp_path):
    regions = select_regions(demo_db, "320000", children=True)
    total = demo_db.execute('select count(*) from "values" where region like \'32%\'').fetchone()[0]
    for name in ("all.xlsx", "all.csv"):
        res = export_values(demo_db, tmp_path / name, regions=regions)
        plan = plan_import(demo_db, tmp_path / name)
        assert plan.ok and not plan.warnings
        assert plan.counts() == {"new": 0, "changed": 0, "unchanged": total, "skipped": 0} and res.rows == total
    assert _formulas_in(tmp_path / "all.xlsx") == []
    ws = openpyxl.load_workbook(tmp_path / "all.xlsx").active
    assert ws.freeze_panes == "A2" and ws["A1"].value == "地区代码"
    assert ws["D2"].data_type == "n" and ws["D2"].number_format == "#,##0.00"       # POPULATION, 2 decimals


def test_text_that_looks_like_a_formula_stays_text(empty_db, tmp_path):
    notes = {"INV_GRANTS": "=1+2", "PLEDGE_SMES": "+86 25 8888", "GI_PRODUCTS": "-据统计局", "TM_REGISTRATIONS":
             "@SUM(A1)", "PATENT_TRANSFERS": "'=already quoted", "ADJUDICATION_CASES": "=HYPERLINK(\"http://x\")"}
    write_values(empty_db, [Change("320100", code, "2024", "1", note) for code, note in notes.items()])
    write_values(empty_db, [Change("320100", "INV_APPLICATIONS", "2024", "123456789012345")])   # 15 digits, the most
    for name in ("f.xlsx", "f.csv"):
        export_values(empty_db, tmp_path / name, regions=["320100"])
        plan = plan_import(empty_db, tmp_path / name)
        assert plan.counts()["unchanged"] == 7 and plan.ok
    assert _formulas_in(tmp_path / "f.xlsx") == []
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx").active
    by_code = {r[1].value: r for r in ws.iter_rows(min_row=2)}
    assert by_code["INV_GRANTS"][4].value == "=1+2" and by_code["INV_GRANTS"][4].data_type == "s"
    assert by_code["INV_GRANTS"][4].quotePrefix
    assert str(by_code["INV_APPLICATIONS"][3].value) == "123456789012345"              # 15 digits: still exact
    raw = (tmp_path / "f.csv").read_text(encoding="utf-8-sig")
    assert ",'=1+2," in raw and ",'+86 25 8888," in raw and ",''=already quoted," in raw
    make_template(empty_db, "320100", 2024, tmp_path / "t.xlsx", lang="en")      # the template's notes too
    assert _formulas_in(tmp_path / "t.xlsx") == []
    entry = openpyxl.load_workbook(tmp_path / "t.xlsx")["entry"]
    note = next(row[7] for row in entry.iter_rows(min_row=6) if row[0].value == "INV_GRANTS")
    assert (note.value, note.data_type, note.quotePrefix) == ("=1+2", "s", True)
    assert plan_import(empty_db, tmp_path / "t.xlsx").counts()["unchanged"] == 7


def test_characters_excel_cannot_hold_are_replaced_with_a_warning(empty_db, tmp_path):
    write_values(empty_db, [Change("320100", "INV_GRANTS", "2024", "1", "bell\x07here")])
    res = export_values(empty_db, tmp_path / "c.xlsx", regions=["320100"], lang="en")
    assert [w.code for w in res.warnings] == ["export_replaced_chars"]
    assert openpyxl.load_workbook(tmp_path / "c.xlsx").active["E2"].value == "bell\ufffdhere"


def test_export_refuses_other_suffixes_and_leaves_no_partial_file(empty_db, tmp_path):
    from app.models.errors import InputError

    with pytest.raises(InputError) as err:
        export_values(empty_db, tmp_path / "x.xls", regions=["320100"])
    assert err.value.code == "export_bad_ext"
    with pytest.raises(InputError) as err:
        export_values(empty_db, tmp_path / "no-such-dir" / "x.csv", regions=["320100"])
    assert err.value.code == "export_write_failed"
    assert not [p for p in tmp_path.rglob("x.*")]


def test_export_reports_progress_and_can_be_cancelled(demo_db, tmp_path):
    from app.services.sheets.common import Cancelled

    seen = []
    export_values(demo_db, tmp_path / "p.xlsx", regions=select_regions(demo_db, "320000", children=True),
                  progress=lambda f, m: seen.append(f))
    assert seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(Cancelled):
        export_values(demo_db, tmp_path / "c.xlsx", regions=["320000"], cancel=lambda: True)
    assert not list(tmp_path.glob("c.xlsx*"))


# ---------------------------------------------------------------- round trip, by Hypothesis

def _decimal(lo, hi, places):
    return st.decimals(min_value=lo, max_value=hi, places=places, allow_nan=False,
                       allow_infinity=False).map(canonical)


VALUES = {
    "INV_GRANTS": st.integers(0, 10 ** 15 - 1).map(str),                 # count: up to Excel's 15 digits, the limit
    "PLEDGE_AMOUNT": st.integers(0, 6).flatmap(lambda p: _decimal(Decimal(0), Decimal(10) ** 9, p)),
    "INV_GRANT_RATE": st.integers(0, 4).flatmap(lambda p: _decimal(Decimal(0), Decimal(100), p)),
    "POPULATION": _decimal(Decimal("0.01"), Decimal(200000), 2),
    "PROTECTION_SATISFACTION": _decimal(Decimal(0), Decimal(100), 2),
}
NOTE_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")) | st.sampled_from("\n\t '"),
                    max_size=30)
NOTES = st.one_of(st.none(), NOTE_TEXT, st.tuples(st.sampled_from(["=", "+", "-", "@", "'", "'=", " "]),
                                                  NOTE_TEXT).map("".join))
KEYS = st.tuples(st.sampled_from(["320000", "320100", "320583", "100000"]), st.sampled_from(sorted(VALUES)),
                 st.sampled_from(["2016", "2024", "2023Q3", "2022-07"]))


@st.composite
def datasets(draw):
    keys = draw(st.lists(KEYS, min_size=1, max_size=12, unique=True))
    return [Change(r, i, p, draw(VALUES[i]), draw(NOTES)) for r, i, p in keys]


@pytest.fixture
def stores(tmp_path):
    src, dst = open_store(tmp_path / "src.sqlite"), open_store(tmp_path / "dst.sqlite")
    yield src, dst
    src.conn.close()
    dst.conn.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=datasets())
def test_round_trip_through_csv_and_xlsx_is_exact(stores, tmp_path, data):
    src, dst = stores
    existing = src.execute('select region, indicator, period from "values"').fetchall()
    write_values(src, [Change(*key, None) for key in existing])       # start each example from nothing
    write_values(src, data)
    expected = {(c.region, c.indicator, c.period): (c.value, c.note if c.note and c.note.strip() else None)
                for c in data}
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"rt{suffix}"
        export_values(src, path, regions=["100000", "320000", "320100", "320583"])
        into_empty = plan_import(dst, path)
        assert into_empty.ok, [p.message("en") for p in into_empty.problems]
        got = {(r.region, r.indicator, r.period): (r.value, r.note) for r in into_empty.rows}
        assert got == expected
        into_same = plan_import(src, path)
        assert into_same.counts()["unchanged"] == len(data) and not into_same.changes()


# ---------------------------------------------------------------- LibreOffice

def _soffice(args, outdir, profile):
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice (soffice) not installed")
    proc = subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", *args, "--outdir",
                           str(outdir)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HOME": str(profile.parent)})
    assert proc.returncode == 0, proc.stderr


def test_libreoffice_opens_what_we_write_and_we_read_what_it_saves(demo_db, tmp_path):
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice (soffice) not installed")
    write_values(demo_db, [Change("320100", "INV_GRANTS", "2024", "88000", "=1+2"),
                           Change("320200", "INV_GRANTS", "2024", "7", "@SUM(A1:A9)")])
    regions = select_regions(demo_db, "320000", children=True)
    export_values(demo_db, tmp_path / "export.xlsx", regions=regions, year_from=2023)
    make_template(demo_db, "320100", 2024, tmp_path / "template.xlsx", lang="zh")
    formulas = openpyxl.Workbook()      # a clerk's sheet with formulas but no computed values
    formulas.active.append(["region", "indicator", "period", "value"])
    formulas.active.append(["320100", "PATENT_TRANSFERS", "2024", "=1200+34"])
    formulas.save(tmp_path / "formulas.xlsx")
    out, profile = tmp_path / "out", tmp_path / "lo-profile"
    _soffice(["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", str(tmp_path / "export.xlsx"),
              str(tmp_path / "template.xlsx")], out, profile)
    with open(out / "export.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    n = demo_db.execute('select count(*) from "values" where region like \'32%\' and year >= 2023').fetchone()[0]
    assert len(rows) == n + 1 and rows[0][:5] == ["地区代码", "指标代码", "期间", "数值", "说明"]
    notes = {r[0]: r[4] for r in rows[1:] if r[1] == "INV_GRANTS" and r[2] == "2024"}
    assert notes["320100"] == "=1+2" and notes["320200"] == "@SUM(A1:A9)"        # text, not evaluated
    template = (out / "template.csv").read_text(encoding="utf-8")
    assert "南京市 2024 年知识产权指标填报表" in template and "INV_GRANTS" in template and "2024年填报值" in template

    resaved = tmp_path / "resaved"
    _soffice(["--convert-to", "xlsx", str(tmp_path / "export.xlsx"), str(tmp_path / "formulas.xlsx")], resaved, profile)
    plan = plan_import(demo_db, resaved / "export.xlsx")
    assert plan.ok and plan.counts()["unchanged"] == n and not plan.changes()
    plan = plan_import(demo_db, resaved / "formulas.xlsx")        # LibreOffice computed and cached 1234
    assert plan.ok and [(r.indicator, r.value) for r in plan.rows] == [("PATENT_TRANSFERS", "1234")]
    assert plan_import(demo_db, tmp_path / "formulas.xlsx").problems[0].code == "cell_formula_no_value"
