"""Who has not reported which task (issue 15, point 4): progress.owed_tasks, the one source of the CLI's
``tasks --owed``, the PDF's and DOCX's cities × tasks table and the XLSX's 下级任务推进 sheet — each read
back by a real reader."""
from __future__ import annotations

import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from app.models import progress, tasks
from app.services.report.export import export_report
from tests.test_cli import as_json, ipdesk
from tests.test_tasks import ROWS_2024, write_csv

TODAY = date(2024, 9, 1)


@pytest.fixture
def db24(demo_db, tmp_path):
    tasks.import_tasks(demo_db, write_csv(tmp_path / "guideline-2024.csv", ROWS_2024))
    own = tasks.add_task(demo_db, "320000", None, "开展全省知识产权质押融资入园惠企行动", parent="G2024-4.9.1",
                         due="2024-11-30")
    tasks.assign(demo_db, own.id, "320300", "2024-08-31")             # to 徐州 only
    progress.set_progress(demo_db, "320100", "G2024-4.9.1", "2024Q2", "推进中", percent=40)
    progress.set_progress(demo_db, "320100", "G2024-4.9.1", "2024Q3", "已完成")
    progress.set_progress(demo_db, "320200", "G2024-4.10.1", "2024H1", "推进中", percent=60)
    demo_db.own = own
    return demo_db


def test_each_city_and_task_has_its_latest_state_or_not_reported(db24):
    t = progress.owed_tasks(db24, "320000", 2024, today=TODAY)
    own = db24.own.id
    assert [c for c, _n in t.regions][:3] == ["320100", "320200", "320300"] and len(t.regions) == 13
    assert [x.id for x in t.tasks] == ["G2024-4.9.1", "G2024-4.10.1", own]       # the national task stays up
    assert t.labels() == ["4(9)", "4(10)", "本级"]
    assert t.word("320100", "G2024-4.9.1") == "已完成"                          # the latest period decides
    assert t.word("320200", "G2024-4.10.1") == "推进中 60%（逾期）"              # due 30 June, 1 September now
    assert t.word("320200", "G2024-4.9.1") == "未报"
    assert t.word("320300", own) == "未报（逾期）" and t.word("320100", own) == "—"   # assigned to 徐州 alone
    assert (("320200", "G2024-4.9.1") in t.owed()) and ("320100", "G2024-4.9.1") not in t.owed()
    # the day before the assignment's date: not yet overdue
    assert progress.owed_tasks(db24, "320000", 2024, today=date(2024, 8, 31)).word("320300", own) == "未报"
    # a city sees its districts only when this store collects them: none here
    assert progress.owed_tasks(db24, "320100", 2024, today=TODAY).regions == []


def test_cli_tasks_owed_json_and_exit_codes(store, tmp_path):
    res = ipdesk("tasks", "--region", "320000", "--year", "2022", "--owed", "--json", db=store)
    rows = as_json(res)
    assert res.returncode == 0 and len(rows) == 13 * 5              # the demo's cities all reported 2022
    lyg = next(r for r in rows if r["region"] == "320700" and r["task"] == "G2022-4.10.2")
    assert (lyg["state_zh"], lyg["percent"], lyg["overdue"], lyg["label"]) == ("推进中", 85, True, "4(10)")
    assert ipdesk("tasks", "import", str(write_csv(tmp_path / "g.csv", ROWS_2024)), db=store).returncode == 0
    zh = ipdesk("tasks", "--region", "320000", "--year", "2024", "--owed", db=store, lang="zh")
    assert zh.returncode == 1 and "未报" in zh.stdout and "南京市" in zh.stdout and "320100" not in zh.stdout
    assert "下级地区 13 个，任务 2 项，未报 26 项" in zh.stdout


def test_the_pdf_docx_and_xlsx_carry_the_table(db24, tmp_path):
    import docx

    res = export_report(db24, "320000", 2024, pdf=tmp_path / "r.pdf", xlsx=tmp_path / "r.xlsx",
                        docx=tmp_path / "r.docx")
    text = subprocess.run(["pdftotext", "-layout", str(res.pdf), "-"], capture_output=True, text=True).stdout
    assert "江苏省2024年各地区重点任务推进情况" in text
    block = text[text.index("各地区重点任务推进情况"):]
    assert "南京市" in block and "宿迁市" in block and "未报" in block and "已完成" in block
    ws = load_workbook(res.xlsx)["下级任务推进"]
    top = next(r for r in range(1, 4) if ws.cell(row=r, column=1).value == "条款")   # below a draft's line
    head = [c.value for c in ws[top]]
    assert head[:3] == ["条款", "任务", "南京市"] and head[-1] == "宿迁市"
    col = head.index("无锡市") + 1
    by_label = {ws.cell(row=r, column=1).value: r for r in range(top + 1, ws.max_row + 1)}
    assert ws.cell(row=by_label["4(10)"], column=col).value.startswith("推进中 60%")
    assert ws.cell(row=by_label["4(9)"], column=col).value.startswith("未报")      # (逾期 by the clock)
    d = docx.Document(str(res.docx))
    cells = {c.text for t in d.tables for row in t.rows for c in row.cells}
    assert "泰州市" in cells and any(c.startswith("推进中 60%") for c in cells)
