"""The documents say what is true (issue 12, point 3), read back by real readers: the PDF with
poppler's ``pdftotext`` page by page, the XLSX with openpyxl.

- the problems a report lists are ``findings(region, year, below="children")`` — the set the
  grid, the dashboard and ``ipdesk check`` show;
- a report made while anything is unresolved (``review.document_state(...).final`` False) is
  marked 草稿（不得作为正式报送） on every page and every sheet, with the reasons on the cover;
- 已审批 appears only on an approved, clean region-year, which carries no draft mark;
- ``ipdesk report`` writes drafts but says so on stderr and exits 1; 0 only when final;
- a package export is refused while something is open, naming regions and indicators in
  Chinese (no catalogue codes, no rule ids).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from tests.test_cli import ipdesk

DRAFT = "草稿（不得作为正式报送）"
WHEN = datetime(2024, 12, 10, 9, 30)
poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                             reason="poppler-utils (pdftotext) not installed: the PDF cannot be read back")


def approve_clean(db, region: str, year: int) -> None:
    """Make ``region`` ``year`` approved and clean through the review service: every explain-level
    finding explained, the head's override for cities still in draft, complete, then approved."""
    from app.models import review
    from app.models.findings import findings
    from app.models.states import region_year_status

    fs = findings(db, region, year, below="children")
    assert not fs.blocking(everywhere=True), "a blocking finding cannot be explained away"
    for f in fs.unexplained(everywhere=True):
        review.explain(db, f.region, year, f.rule, f.indicator, "已核实：数据属实。", period=f.period)
    if any(r.code == "rv_subordinate" for r in review.blockers(db, region, year, "approve")):
        review.override(db, region, year, user="demo-head", password="demo1234", why="下级数据已电话核实")
    if region_year_status(db, region, year) == "draft":
        review.complete(db, region, year)
    review.approve(db, [(region, year)], user="demo-head", password="demo1234")


def district_entered(db, year: int = 2024) -> None:
    """One of Nanjing's districts reports: from then on this store collects Nanjing's districts,
    and the ten that did not report are each a blocking 'nothing reported'."""
    from app.models.values import set_text

    set_text(db, "320102", "INV_GRANTS", str(year), "1200")


def pdf_text_pages(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                         encoding="utf-8", check=True, timeout=120).stdout.split("\f")
    return out[:-1] if out and not out[-1].strip() else out


def export(db, region, year, folder: Path, **kw):
    from app.services.report.export import export_report

    return export_report(db, region, year, pdf=folder / f"{region}-{year}.pdf", xlsx=folder / f"{region}-{year}.xlsx",
                         generated_at=WHEN, **kw)


def workbook_texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


# ---------------------------------------------------------------- the list of problems

@pytest.mark.parametrize("region, year", [("320000", 2022), ("320100", 2022), ("320000", 2024), ("320300", 2024),
                                          ("100000", 2024)])
def test_the_reports_problems_are_the_findings_of_the_region_with_its_children(demo_db, region, year):
    from app.models.findings import findings
    from app.services.report.data import build_report

    rep = build_report(demo_db, region, year, generated_at=WHEN)
    got = {(f.region, f.indicator, f.period, f.rule) for f in rep.findings}
    assert got == findings(demo_db, region, year, below="children").keys()
    alone = build_report(demo_db, region, year, include_children=False, generated_at=WHEN)
    assert {(f.region, f.indicator, f.period, f.rule) for f in alone.findings} == \
        findings(demo_db, region, year, below="self").keys()


def test_districts_no_one_collects_are_not_findings_but_one_that_reports_makes_the_rest_owed(demo_db):
    """Nanjing 2022 of the issue printed 已审批 beside 11 blocking 'nothing reported' district items.
    Districts this store never collects are not expected (review.subordinates and the findings say
    the same); once one district reports, the other ten are owed and the report is a draft."""
    from app.models import review
    from app.services.report.data import build_report

    rep = build_report(demo_db, "320100", 2024, generated_at=WHEN)
    assert rep.counts()["blocking"] == 0 and rep.final and review.subordinates(demo_db, "320100", 2024) == []
    district_entered(demo_db)
    rep = build_report(demo_db, "320100", 2024, generated_at=WHEN)
    assert rep.counts()["blocking"] >= 10 and not rep.final and "个阻断性问题未修正" in "".join(rep.reasons)
    assert len(review.subordinates(demo_db, "320100", 2024)) >= 11


# ---------------------------------------------------------------- drafts, page by page and sheet by sheet

@poppler
@pytest.mark.parametrize("region, year", [("320100", 2024), ("320300", 2024), ("320000", 2024)])
def test_an_unresolved_year_is_a_draft_on_every_page_and_sheet(demo_db, tmp_path, region, year):
    """Nanjing 2024 (complete, ten districts owed once one reports), Xuzhou 2024 (draft, two
    problems unexplained), Jiangsu 2024 (draft, cities unexplained): the mark on every page and
    sheet, the reasons on the cover, and 已审批 nowhere."""
    from openpyxl import load_workbook

    from app.models.review import document_state

    if region == "320100":
        district_entered(demo_db)

    doc = document_state(demo_db, region, year)
    assert not doc.final and doc.reasons
    res = export(demo_db, region, year, tmp_path)
    pages = pdf_text_pages(res.pdf)
    assert len(pages) == res.pdf_pages >= 3
    for n, page in enumerate(pages, start=1):
        assert DRAFT in page, f"page {n} has no draft mark"
    assert "已审批" not in "".join(pages)
    first = re.sub(r"\s+", "", pages[0])
    for reason in doc.reasons:
        assert re.sub(r"\s+", "", reason) in first, reason
    assert "文件性质：草稿" in first

    wb = load_workbook(res.xlsx)
    for ws in wb.worksheets:
        if ws.sheet_state == "hidden":          # 元数据: for programs, says final = false
            meta = {r[0].value: r[1].value for r in ws.iter_rows(min_row=2)}
            assert meta["final"] == "false" and meta["mark"] == DRAFT and meta["status"] == doc.status
            continue
        line = ws["A2"].value if ws.title == "封面说明" else ws["A1"].value
        assert str(line).startswith(DRAFT), ws.title
        assert ws.oddHeader.left.text == DRAFT, ws.title       # and on every printed page
        assert not any("已审批" in t for t in workbook_texts(ws)), ws.title
    cover = {r[0].value: r[1].value for r in wb["封面说明"].iter_rows(min_row=3) if r[0].value}
    assert cover["文件性质"] == DRAFT and cover["数据状态"] != "已审批"
    listed = [r[1].value for r in wb["封面说明"].iter_rows(min_row=3) if r[1].value]
    for reason in doc.reasons:
        assert any(reason in str(v) for v in listed), reason


@poppler
def test_approved_and_clean_prints_approved_and_no_mark_and_one_explanation_less_is_a_draft(demo_db, tmp_path):
    """Both sides of the rule: Jiangsu 2024 with every problem explained and approved is final
    (已审批, no mark); take back one explanation and the same year is a draft again."""
    from openpyxl import load_workbook

    from app.models.review import document_state

    approve_clean(demo_db, "320000", 2024)
    assert document_state(demo_db, "320000", 2024).final
    res = export(demo_db, "320000", 2024, tmp_path)
    pages = pdf_text_pages(res.pdf)
    assert not any(DRAFT in p or "不得作为正式报送" in p for p in pages)
    first = re.sub(r"\s+", "", pages[0])
    assert "数据状态：已审批" in first and "文件性质：正式报送件" in first
    wb = load_workbook(res.xlsx)
    for ws in wb.worksheets:
        assert not any("不得作为正式报送" in t for t in workbook_texts(ws)), ws.title
        assert not ws.oddHeader.left.text, ws.title
    assert wb["指标数据"]["A1"].value == "序号"                  # the table starts in row 1 again
    cover = {r[0].value: r[1].value for r in wb["封面说明"].iter_rows(min_row=3) if r[0].value}
    assert cover["数据状态"] == "已审批" and "未定稿原因" not in cover

    # one explanation less: the same approved year is a draft again, and says which problem
    from app.models.db import transaction

    with transaction(demo_db):
        demo_db.execute("delete from explanations where region = '320300' and rule = 'yoy'")
    (tmp_path / "again").mkdir()
    res = export(demo_db, "320000", 2024, tmp_path / "again")
    pages = pdf_text_pages(res.pdf)
    assert all(DRAFT in p for p in pages) and "已审批" not in "".join(pages)
    first = re.sub(r"\s+", "", pages[0])
    assert "1个需说明问题未说明" in first and "徐州市·专利转让许可次数：同比变化异常" in first
    assert "PATENT_TRANSFERS" not in first


# ---------------------------------------------------------------- ipdesk report's exit code

def test_report_exits_1_for_a_draft_and_0_when_final(store, tmp_path):
    from app.models.db import open_store

    draft = ipdesk("report", "--region", "320000", "--year", "2024", "--pdf", str(tmp_path / "d.pdf"), "--json",
                   db=store, lang="zh")
    assert draft.returncode == 1, draft.stderr
    assert DRAFT in draft.stderr and "仍为草稿" in draft.stderr and "徐州市·专利转让许可次数" in draft.stderr
    out = json.loads(draft.stdout)[0]                      # stdout stays JSON
    assert out["final"] is False and out["status"] == "draft" and "本单位尚未确认填报完成（仍为草稿）" in out["reasons"]
    assert (tmp_path / "d.pdf").exists()                   # the draft is still written

    db = open_store(store)
    approve_clean(db, "320000", 2024)
    db.close()
    final = ipdesk("report", "--region", "320000", "--year", "2024", "--xlsx", str(tmp_path / "f.xlsx"), db=store,
                   lang="zh")
    assert final.returncode == 0 and final.stderr == "", final.stderr
    help_text = ipdesk("report", "--help", db=store).stdout
    assert "exit codes" in help_text and "DRAFT" in help_text


# ---------------------------------------------------------------- the package

def test_a_package_is_refused_while_anything_is_open_naming_what(demo_db, tmp_path, monkeypatch):
    from app.models.errors import InputError
    from app.services.package.write import export_package

    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "keys"))
    with pytest.raises(InputError) as exc:
        export_package(demo_db, "320000", 2024, tmp_path / "out", key_dir=tmp_path / "keys")
    zh = exc.value.message("zh")
    assert exc.value.code == "pkg_unexplained" and "7 个问题须先填写情况说明" in zh
    assert "徐州市·专利转让许可次数：同比变化异常" in zh and "江苏省·商标注册量：与下级合计不符" in zh
    assert not re.search(r"[A-Z]{3,}_|\byoy\b|\bsum\b|\boutlier\b", zh), zh    # no catalogue codes, no rule ids
    assert not (tmp_path / "out").exists()


def test_a_clean_packages_findings_are_the_findings(demo_db, tmp_path, monkeypatch):
    import zipfile

    from app.models.findings import findings
    from app.services.package.write import export_package

    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "keys"))
    approve_clean(demo_db, "320000", 2024)
    res = export_package(demo_db, "320000", 2024, tmp_path / "out", key_dir=tmp_path / "keys")
    with zipfile.ZipFile(res.path) as z:
        data = json.loads(z.read("data.json"))
    got = {(f["region"], f["indicator"], f["period"], f["rule"]) for f in data["findings"]}
    assert got == findings(demo_db, "320000", 2024, below="children").keys() and got
    assert res.status == "approved"


# ---------------------------------------------------------------- tools/sample_pages.py

@pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                    reason="poppler-utils (pdftoppm, pdftotext) not installed")
def test_sample_pages_tool_runs(tmp_path, monkeypatch):
    import importlib.util
    import sys

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("sample_pages", root / "tools" / "sample_pages.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setattr(sys, "argv", ["sample_pages.py", "--dpi", "30", "--out", str(tmp_path)])
    assert tool.main() == 0
    for name in ("report-page1", "report-table", "report-charts"):
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
