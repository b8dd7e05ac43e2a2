"""``ipdesk tasks`` / ``progress`` / ``report-text`` run for real in a subprocess: exit codes, JSON shapes,
Chinese one-line errors, and refused commands writing nothing (compared outside the app)."""
from __future__ import annotations

import pytest

from tests.test_cli import as_json, assert_one_line_error, audit_count, ipdesk, one
from tests.test_tasks import ROWS_2024, write_csv

TABLES = ("tasks", "task_assignments", "task_progress", "evidence", "evidence_files", "report_sections", "audit")


def rows(path):
    return {t: one(path, f"select count(*) from {t}") for t in TABLES}


@pytest.fixture
def store24(store, tmp_path):
    res = ipdesk("tasks", "import", str(write_csv(tmp_path / "guideline-2024.csv", ROWS_2024)), db=store, lang="zh")
    assert res.returncode == 0 and "已导入 3 项任务" in res.stdout, res.stderr
    return store


def test_list_json_and_exit_code(store):
    res = ipdesk("tasks", "--region", "320000", "--year", "2022", "--json", db=store)
    data = as_json(res)
    assert res.returncode == 0          # the demo province finished its 2022 tasks
    assert {"id", "article", "text", "responsible", "assignees", "due", "state", "overdue"} <= set(data[0])
    assert [d["id"] for d in data] == ["G2022-2.2.1", "G2022-4.9.3", "G2022-4.10.2", "G2022-5.0.1", "G2022-5.0.2"]
    assert data[1]["responsible"] == "各地方知识产权局" and data[1]["state_zh"] == "已完成"
    # 连云港's quality analysis was still in progress at the year's end: the machine's clock is past its date
    res = ipdesk("tasks", "--region", "320700", "--year", "2022", "--json", db=store)
    assert res.returncode == 1 and [d["id"] for d in as_json(res) if d["overdue"]] == ["G2022-4.10.2"]
    zh = ipdesk("tasks", "--region", "320700", "--year", "2022", db=store, lang="zh")
    assert "各地方知识产权局" in zh.stdout and "逾期" in zh.stdout and "共 5 项任务，逾期 1 项" in zh.stdout


def test_add_assign_progress_and_report_text(store24, tmp_path):
    res = ipdesk("tasks", "add", "--region", "320000", "--parent", "G2024-4.9.1", "--due", "2024-10-31",
                 "--text", "组织开展全省专利申请质量原因分析", "--json", db=store24, lang="zh")
    assert res.returncode == 0, res.stderr
    tid = as_json(res)[0]["id"]
    assert tid == "320000-2024-001"
    res = ipdesk("tasks", "assign", tid, "--to", "320100", "--due", "2024-09-30", db=store24, lang="zh")
    assert res.returncode == 0 and "已下达南京市" in res.stdout, res.stderr
    res = ipdesk("tasks", "assign", tid, "--to", "知识产权保护处", "--due", "2024-09-30", db=store24, lang="zh")
    assert res.returncode == 0, res.stderr
    pdf = tmp_path / "南京市分析报告.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    res = ipdesk("progress", "320100", tid, "2024Q3", "--state", "推进中", "--percent", "60", "--text",
                 "已完成原因分析初稿", "--person", "王敏", "--evidence", str(pdf), "--json", db=store24, lang="zh")
    assert res.returncode == 0, res.stderr
    out = as_json(res)[0]
    assert out["state_zh"] == "推进中" and out["evidence"][0]["name"] == "南京市分析报告.pdf"
    listed = as_json(ipdesk("tasks", "--region", "320100", "--year", "2024", "--json", db=store24))
    mine = next(d for d in listed if d["id"] == tid)
    assert (mine["due"], mine["state"], mine["percent"], mine["assigned_by"]) == ("2024-09-30", "in_progress", 60, "320000")
    # the report's text: set, re-draft shows the difference and keeps the text (exit 1), take the draft
    res = ipdesk("report-text", "--region", "320000", "--year", "2024", "set", "5", "--text",
                 "（一）明年重点推进专利转化运用。", db=store24, lang="zh")
    assert res.returncode == 0 and "五、下一步工作打算：已保存" in res.stdout, res.stderr
    res = ipdesk("report-text", "--region", "320000", "--year", "2024", "draft", db=store24, lang="zh")
    assert res.returncode == 1 and "（一）明年重点推进专利转化运用。" in res.stdout and "--take-draft 5" in res.stdout
    assert one(store24, "select text from report_sections where section = 5") == "（一）明年重点推进专利转化运用。"
    res = ipdesk("report-text", "--region", "320000", "--year", "2024", "--take-draft", "5", db=store24, lang="zh")
    assert res.returncode == 0, res.stderr
    assert one(store24, "select count(*) from report_sections") == 0
    res = ipdesk("report-text", "--region", "320000", "--year", "2024", "show", "--json", db=store24)
    assert [s["section"] for s in as_json(res)] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("args, words", [
    (("progress", "320100", "G2024-4.9.1", "2024Q3", "--state", "滞后"), "须说明原因"),
    (("progress", "320100", "G2024-4.9.1", "2024Q3", "--state", "推进中", "--percent", "120"), "0–100"),
    (("progress", "320100", "G2024-4.9.1", "2024-07", "--state", "推进中"), "进度期间"),
    (("progress", "320100", "G2024-4.9.1", "2024Q3", "--state", "差不多"), "不是有效状态"),
    (("progress", "320100", "G2022-4.9.3", "2022Q3", "--state", "推进中"), "已审批并锁定"),
    (("tasks", "assign", "G2024-4.9.1", "--to", "320200", "--due", "2024-09-30", "--region", "320100"),
     "不是南京市的下级地区"),
    (("tasks", "add", "--region", "320000", "--parent", "G2024-4.10.1", "--due", "2024-12-01", "--text", "超期任务"),
     "晚于上级任务的期限"),
    (("tasks", "add", "--region", "320000", "--parent", "G9999", "--text", "无上级"), "未知任务"),
])
def test_refusals_are_one_chinese_line_and_write_nothing(store24, args, words):
    before = rows(store24)
    res = ipdesk(*args, db=store24, lang="zh")
    line = assert_one_line_error(res)
    assert words in line, line
    assert rows(store24) == before


def test_hostile_evidence_from_the_command_line(store24, tmp_path):
    exe = tmp_path / "总结.pdf"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 60)
    con = tmp_path / "CON.pdf"
    con.write_bytes(b"%PDF-1.4\n")
    nl = tmp_path / "a\nb.pdf"
    nl.write_bytes(b"%PDF-1.4\n")
    good = tmp_path / "good.pdf"
    good.write_bytes(b"%PDF-1.4\n")
    before, audit_before = rows(store24), audit_count(store24)
    for bad, shown in ((exe, "总结.pdf"), (con, "CON.pdf"), (nl, "a\\nb.pdf")):
        res = ipdesk("progress", "320100", "G2024-4.9.1", "2024Q3", "--state", "推进中", "--evidence", str(good),
                     str(bad), db=store24, lang="zh")
        line = assert_one_line_error(res)
        assert f"附件“{shown}”" in line, line
    assert rows(store24) == before and audit_count(store24) == audit_before


def test_import_error_names_row_and_column(store, tmp_path):
    bad = [list(r) for r in ROWS_2024]
    bad[1][9] = "2024-13-01"
    before = rows(store)
    res = ipdesk("tasks", "import", str(write_csv(tmp_path / "任务清单-2024.csv", bad)), db=store, lang="zh")
    line = assert_one_line_error(res)
    assert "任务清单-2024.csv" in line and "第 3 行" in line and "列 due" in line, line
    assert rows(store) == before
