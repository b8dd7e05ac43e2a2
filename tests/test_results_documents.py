"""The results report (推进情况报告) out as documents: the DOCX (opened with python-docx, converted by
LibreOffice with the same numbers as section 二), the 任务 sheet of the XLSX, the report's part at
the end of the PDF, and ``ipdesk report --docx``."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.models import progress, tasks
from app.services import results_report as rr
from app.services.report.data import build_report
from tests.test_cli import ipdesk
from tests.test_tasks import ROWS_2024, write_csv

docx = pytest.importorskip("docx", reason="python-docx (a dependency in pyproject.toml) is not installed")

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@pytest.fixture
def db24(demo_db, tmp_path):
    tasks.import_tasks(demo_db, write_csv(tmp_path / "guideline-2024.csv", ROWS_2024))
    return demo_db


def _pdftotext(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _east_asia(run) -> str | None:
    from docx.oxml.ns import qn

    fonts = run._r.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_docx_has_the_five_headings_tables_and_the_fingerprint_in_the_footer(db24, tmp_path):
    from docx.shared import Pt

    from app.models.tasks import tasks_for
    from app.services.report.results_docx import write_docx

    mine = "（一）继续推进任务清单落实。\n（二）本段由规划处改写。"
    rr.set_text(db24, "320000", 2024, "五", mine, who="规划处张敏")
    path = write_docx(db24, "320000", 2024, tmp_path / "江苏 2024 推进情况报告.docx")
    d = docx.Document(str(path))
    heads = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert heads == list(rr.TITLES.values())
    title = d.paragraphs[0]
    assert title.text == "江苏省2024年推进知识产权高质量发展工作情况报告"
    assert title.runs[0].font.size == Pt(22) and title.runs[0].font.bold and _east_asia(title.runs[0]) == "宋体"
    head = next(p for p in d.paragraphs if p.text == "二、主要指标完成情况")
    assert head.runs[0].font.size == Pt(16) and _east_asia(head.runs[0]) == "黑体"
    body = next(p for p in d.paragraphs if "有效发明专利拥有量达到" in p.text)
    assert body.runs[0].font.size == Pt(16) and _east_asia(body.runs[0]) == "仿宋_GB2312"
    sec = d.sections[0]
    mm = [round(x.mm, 1) for x in (sec.page_width, sec.page_height, sec.top_margin, sec.bottom_margin,
                                   sec.left_margin, sec.right_margin)]       # stored in twips
    assert mm == [210, 297, 37, 35, 28, 26]
    # the office's edited text is printed, not the draft
    text = "\n".join(p.text for p in d.paragraphs)
    assert "本段由规划处改写" in text and "加快推进尚未完成的" not in text
    # the tables: every indicator, every task
    rep = build_report(db24, "320000", 2024)
    ind, tsk, *owed = d.tables
    assert len(ind.rows) == 1 + len(rep.indicators)
    row = rep.indicator("INV_PATENTS_IN_FORCE")
    assert [c.text for c in ind.rows[2].cells] == ["有效发明专利拥有量（件）", row.current_text, row.previous_text,
                                                  row.yoy_text]
    rows = tasks_for(db24, "320000", 2024)
    assert len(tsk.rows) == 1 + len(rows) == 3
    # the cities × tasks: 13 cities in two blocks (7 + 6), a row per task, 未报 where nothing was reported
    assert [len(t.columns) for t in owed] == [8, 7] and all(len(t.rows) == 3 for t in owed)
    assert owed[0].rows[0].cells[1].text == "南京市" and owed[1].rows[0].cells[-1].text == "宿迁市"
    assert owed[0].rows[1].cells[0].text.startswith("4(9) ") and owed[0].rows[1].cells[2].text.startswith("未报")
    # the fingerprint of the report model, in the footer (not the body); a draft says so in the header
    footer = "\n".join(p.text for p in sec.footer.paragraphs)
    assert f"数据指纹 {rep.fingerprint}" in footer and rep.fingerprint not in text
    assert "草稿（不得作为正式报送）" in "".join(p.text for p in sec.header.paragraphs)


def test_a_final_report_has_no_draft_mark_and_its_own_fingerprint(demo_db, tmp_path):
    from app.services.report.results_docx import write_docx

    d24 = docx.Document(str(write_docx(demo_db, "320000", 2024, tmp_path / "a.docx")))
    d22 = docx.Document(str(write_docx(demo_db, "320000", 2022, tmp_path / "b.docx")))
    rep22 = build_report(demo_db, "320000", 2022)
    assert rep22.final                       # Jiangsu 2022 is approved and explained in the demo store
    assert "草稿" not in "".join(p.text for p in d22.sections[0].header.paragraphs)
    assert "草稿" not in "".join(p.text for p in d22.paragraphs)
    foot22 = "".join(p.text for p in d22.sections[0].footer.paragraphs)
    foot24 = "".join(p.text for p in d24.sections[0].footer.paragraphs)
    assert rep22.fingerprint in foot22 and rep22.fingerprint not in foot24


def _libreoffice() -> str:
    exe = shutil.which("soffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) not installed")
    program = Path(exe).resolve().parent
    if not any(program.glob("libswlo.so*")) and not any(program.glob("swlo.dll")) \
            and not any(program.glob("libswlo.dylib")):
        pytest.skip(f"LibreOffice Writer not installed beside {exe} (Debian: libreoffice-writer-nogui)")
    return exe


def test_docx_converted_by_libreoffice_shows_the_numbers_of_section_two(db24, tmp_path):
    from app.services.report.results_docx import write_docx

    exe = _libreoffice()
    path = write_docx(db24, "320000", 2024, tmp_path / "report.docx")
    out = tmp_path / "pdf"
    r = subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(out), str(path)],
                       check=False, capture_output=True, text=True, timeout=240)
    pdf = out / "report.pdf"
    assert pdf.exists(), r.stdout + r.stderr
    text = _pdftotext(pdf)
    printed = set(NUMBER.findall(text))
    shown = rr.show(db24, "320000", 2024)
    two = NUMBER.findall(shown.section(2).text)
    table = rr.table_numbers(shown.report)
    assert len(two) > 40
    assert [n for n in two if n not in table and n not in ("2024", "2025")] == []    # as test_results_report
    assert [n for n in two if n not in printed] == []
    for title in rr.TITLES.values():
        assert title in text
    rep = build_report(db24, "320000", 2024)
    assert rep.fingerprint in text.replace("\n", "")
    assert "453,163" in printed and "453,164" not in printed     # the check can fail: a wrong number is absent


def test_xlsx_has_a_task_sheet_with_every_task_of_the_region(db24, tmp_path):
    from openpyxl import load_workbook

    from app.models.tasks import tasks_for
    from app.services.report.export import export_report
    from app.services.report.verify import verify_docs

    progress.set_progress(db24, "320000", "G2024-4.9.1", "2024Q3", "推进中", percent=60, text="已完成原因分析初稿")
    progress.set_progress(db24, "320000", "G2024-4.10.1", "2024H1", "已完成")
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    export_report(db24, "320000", 2024, pdf=pdf, xlsx=xlsx)
    wb = load_workbook(xlsx)
    assert wb.sheetnames.index("任务") == wb.sheetnames.index("历年趋势") + 1
    ws = wb["任务"]
    head = next(i for i, row in enumerate(ws.iter_rows(values_only=True), start=1) if row[0] == "序号")
    rows = [row for row in ws.iter_rows(min_row=head + 1, values_only=True) if row[0] is not None]
    expected = tasks_for(db24, "320000", 2024)
    assert [r[1] for r in rows] == [t.task.id for t in expected] == ["G2024-4.9.1", "G2024-4.10.1"]
    by_id = {r[1]: r for r in rows}
    assert by_id["G2024-4.9.1"][6:10] == ("推进中", 60, "是", "2024Q3")       # due 2024-12-15, today later: overdue
    assert by_id["G2024-4.10.1"][6:10] == ("已完成", 100, "否", "2024H1")     # done: never overdue
    assert by_id["G2024-4.9.1"][4] == "各地方知识产权局" and by_id["G2024-4.10.1"][5] == "2024-06-30"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert "数据指纹" in ws.oddFooter.left.text
    # the sheet is sealed with the others: an edited state is caught by verify-docs
    assert verify_docs(pdf, xlsx).ok
    ws.cell(row=head + 2, column=7).value = "推进中"
    wb.save(xlsx)
    res = verify_docs(pdf, xlsx)
    assert not res.ok and any("任务" in line for line in res.lines("zh")), res.lines("zh")


def test_a_year_without_tasks_keeps_the_eight_sheets(demo_db, tmp_path):
    from openpyxl import load_workbook

    from app.models.tasks import tasks_for
    from app.services.report.export import export_report

    assert tasks_for(demo_db, "320000", 2024) == []        # the demo store has the 2022 guideline only
    export_report(demo_db, "320000", 2024, xlsx=tmp_path / "r.xlsx")
    assert "任务" not in load_workbook(tmp_path / "r.xlsx").sheetnames


def test_pdf_ends_with_the_results_report(db24, tmp_path):
    from app.services.report.export import export_report

    rr.set_text(db24, "320000", 2024, 4, "（一）部分城市数据报送不及时。", who="规划处张敏")
    pdf = tmp_path / "r.pdf"
    export_report(db24, "320000", 2024, pdf=pdf)
    text = _pdftotext(pdf)
    assert text.count("推进情况报告") >= 1
    tail = text[text.rindex("推进情况报告"):]
    assert "附件" in text[text.rindex("特此报送"):text.rindex("推进情况报告")]    # the attachment after the signature
    positions = [tail.find(t) for t in rr.TITLES.values()]
    assert -1 not in positions and positions == sorted(positions)
    assert "部分城市数据报送不及时" in tail and "有效发明专利拥有量达到" in tail.replace("\n", "")
    assert "推进情况报告" not in text[:text.index("二、主要指标数据")]     # after the existing content, not before


@pytest.fixture
def store24(store, tmp_path):
    from app.models.db import open_store

    db = open_store(store)
    tasks.import_tasks(db, write_csv(tmp_path / "guideline-2024.csv", ROWS_2024))
    db.conn.close()
    return store


def test_ipdesk_report_docx_writes_the_file(store24, tmp_path):
    out = tmp_path / "江苏 2024.docx"
    r = ipdesk("report", "--region", "320000", "--year", "2024", "--docx", str(out), "--json", db=store24)
    assert r.returncode == 1, r.stderr                 # 2024 is a draft in the demo store
    assert "草稿" in r.stderr
    res = json.loads(r.stdout)[0]
    assert res["docx"] == str(out) and res["docx_bytes"] == out.stat().st_size > 10_000
    assert res["pdf"] is None and res["xlsx"] is None
    d = docx.Document(str(out))
    assert res["fingerprint"] in "".join(p.text for p in d.sections[0].footer.paragraphs)
    r = ipdesk("report", "--region", "320000", "--year", "2024", "--docx", str(out), db=store24, lang="zh")
    assert r.returncode == 1 and f"DOCX {out}" in r.stdout


def test_ipdesk_report_refuses_a_docx_without_its_suffix(store24, tmp_path):
    bad = tmp_path / "report.doc"
    r = ipdesk("report", "--region", "320000", "--year", "2024", "--docx", str(bad), db=store24)
    assert r.returncode == 2 and ".docx" in r.stderr and not bad.exists()
    assert list(tmp_path.glob("*.part")) == []
