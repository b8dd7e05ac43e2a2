"""The audit covers the task ledger and the results report too: a task, an assignment, a progress
report, an evidence file or a report section edited, inserted or deleted with the sqlite3 shell is
named by ``audit.verify`` (and ``ipdesk audit --verify`` exits 1); the same changes made through
ipdesk verify.
"""
from __future__ import annotations

import hashlib
import json

import pytest

from app.models import audit, progress, tasks
from app.services import results_report as rr
from tests.test_audit_replay import kinds, run_cli, shell
from tests.test_progress import PDF
from tests.test_tasks import ROWS_2024, write_csv

TASK = "G2024-4.9.1"


@pytest.fixture
def ledger(demo_db, tmp_path):
    """The demo with a 2024 guideline pack, an own task assigned down, progress with a file, a report section."""
    tasks.import_tasks(demo_db, write_csv(tmp_path / "guideline-2024.csv", ROWS_2024))
    own = tasks.add_task(demo_db, "320000", None, "组织开展全省专利申请质量原因分析", parent=TASK, due="2024-10-31")
    tasks.assign(demo_db, own.id, "320100", "2024-09-30")
    progress.set_progress(demo_db, "320100", TASK, "2024Q3", "推进中", percent=60, milestone="完成初稿",
                          evidence=[("会议纪要.pdf", PDF)])
    rr.set_text(demo_db, "320000", 2024, "二", "全省专利质量稳步提升。", who="规划处张敏")
    res = audit.verify(demo_db)
    assert res.ok, audit.describe(demo_db, res)
    demo_db.own_task = own.id
    return demo_db


def named(db, kind):
    res = audit.verify(db)
    assert not res.ok and res.reason == "data"
    return [d for d in res.differences if d["kind"] == kind]


def test_changes_through_ipdesk_verify(ledger):
    tasks.assign(ledger, ledger.own_task, "320100", "2024-09-15")                  # an assignment moved earlier
    progress.set_progress(ledger, "320100", TASK, "2024Q3", "已完成")               # the same report replaced
    rr.set_text(ledger, "320000", 2024, "二", "改写后的文字。", who="规划处张敏")
    rr.take_draft(ledger, "320000", 2024, "二")
    assert audit.verify(ledger).ok


def test_a_guideline_task_edited_deleted_or_inserted_behind_the_app_is_named(ledger):
    con = shell(ledger)
    con.execute("update tasks set text_zh = '改过的任务' where id = ?", [TASK])
    [d] = named(ledger, "task")
    assert d["indicator"] == f"task:{TASK}" and d["found"] == {"text": "改过的任务", "due": d["expected"]["due"]}
    line = "\n".join(audit.describe(ledger, audit.verify(ledger)))
    assert "任务" in line and "改过的任务" in line
    con.execute("update tasks set text_zh = ? where id = ?", [d["expected"]["text"], TASK])
    assert audit.verify(ledger).ok
    con.execute("insert into tasks(id, pack, year, scope, text_zh, due, source, created_by, created_at)"
                " values ('G2024-9.9', 'GUIDELINE_2024', 2024, 'local', '凭空多出的任务', '2024-12-15', 'x', 'x', 'now')")
    [d] = named(ledger, "task")
    assert (d["indicator"], d["expected"], d["found"]) == ("task:G2024-9.9", None, {"text": "凭空多出的任务",
                                                                                     "due": "2024-12-15"})


def test_a_bundled_task_edited_behind_the_app_is_named(ledger):
    """The shipped pack's tasks carry no audit rows: the trail starts from the pack itself."""
    tid = ledger.execute("select id from tasks where source = 'bundled' order by id limit 1").fetchone()[0]
    shell(ledger).execute("update tasks set due = '2099-01-01' where id = ?", [tid])
    [d] = named(ledger, "task")
    assert d["indicator"] == f"task:{tid}" and d["found"]["due"] == "2099-01-01" != d["expected"]["due"]
    line = audit.describe(ledger, audit.verify(ledger))[1]            # the field that differs, not the whole task
    assert line.startswith(f"任务（{tid}）") and "2099-01-01" in line and d["expected"]["text"][:8] not in line
    shell(ledger).execute("update tasks set due = ? where id = ?", [d["expected"]["due"], tid])
    assert audit.verify(ledger).ok
    shell(ledger).execute("delete from tasks where id = ?", [tid])
    [d] = named(ledger, "task")
    assert d["indicator"] == f"task:{tid}" and d["found"] is None


def test_an_own_task_deleted_behind_the_app_is_named(ledger):
    con = shell(ledger)
    con.execute("delete from task_assignments where task = ?", [ledger.own_task])
    con.execute("delete from tasks where id = ?", [ledger.own_task])
    res = audit.verify(ledger)
    assert {"task", "task_assignment"} <= kinds(res)


def test_an_assignment_edited_inserted_or_deleted_behind_the_app_is_named(ledger):
    con = shell(ledger)
    con.execute("update task_assignments set due = '2024-12-31' where task = ?", [ledger.own_task])
    [d] = named(ledger, "task_assignment")
    assert (d["region"], d["expected"], d["found"]) == ("320000", "2024-09-30", "2024-12-31")
    con.execute("update task_assignments set due = '2024-09-30' where task = ?", [ledger.own_task])
    assert audit.verify(ledger).ok
    con.execute("insert into task_assignments values (?, '320000', 'region', '320200', '2024-09-30', 'x', 'now')",
                [ledger.own_task])
    [d] = named(ledger, "task_assignment")
    assert (d["expected"], d["found"]) == (None, "2024-09-30")
    con.execute("delete from task_assignments where task = ?", [ledger.own_task])
    assert len(named(ledger, "task_assignment")) == 1          # the app's one is missing (the shell's is gone too)


def test_progress_edited_inserted_or_deleted_behind_the_app_is_named(ledger):
    con = shell(ledger)
    con.execute("update task_progress set percent = 95 where task = ? and region = '320100'", [TASK])
    [d] = named(ledger, "progress")
    assert d["expected"]["percent"] == 60 and d["found"]["percent"] == 95 and d["period"] == "2024Q3"
    assert "推进情况" in "\n".join(audit.describe(ledger, audit.verify(ledger)))
    con.execute("update task_progress set percent = 60 where task = ? and region = '320100'", [TASK])
    assert audit.verify(ledger).ok
    con.execute("insert into task_progress(task, region, period, year, state, updated_by, updated_at)"
                " values (?, '320200', '2024Q3', 2024, 'done', 'x', 'now')", [TASK])
    [d] = named(ledger, "progress")
    assert (d["region"], d["expected"], d["found"]) == ("320200", None, {"state": "done"})


def test_progress_changed_behind_the_app_and_then_by_it_is_named(ledger):
    shell(ledger).execute("update task_progress set state = 'done', percent = 100 where task = ? and region = '320100'",
                          [TASK])
    progress.set_progress(ledger, "320100", TASK, "2024Q3", "推进中", percent=70)
    assert named(ledger, "progress_history")[0]["found"]["state"] == "done"


def test_evidence_edited_inserted_or_deleted_behind_the_app_is_named(ledger):
    con = shell(ledger)
    con.execute("update evidence set name = '换过的文件.pdf'")
    [d] = named(ledger, "evidence")
    assert d["expected"]["name"] == "会议纪要.pdf" and d["found"]["name"] == "换过的文件.pdf"
    con.execute("update evidence set name = '会议纪要.pdf'")
    assert audit.verify(ledger).ok
    con.execute("delete from evidence")
    [d] = named(ledger, "evidence")
    assert d["found"] is None and d["expected"]["name"] == "会议纪要.pdf"


def test_an_evidence_files_content_replaced_behind_the_app_is_named(ledger):
    shell(ledger).execute("update evidence_files set content = ?", [PDF.replace(b"1.7", b"1.4")])
    [d] = named(ledger, "evidence_file")
    assert d["expected"] != d["found"]


def test_a_report_section_edited_inserted_or_deleted_behind_the_app_is_named(ledger):
    con = shell(ledger)
    con.execute("update report_sections set text = '别人改的' where region = '320000' and year = 2024")
    [d] = named(ledger, "report_text")
    assert (d["region"], d["period"], d["expected"], d["found"]) == ("320000", "2024", "全省专利质量稳步提升。", "别人改的")
    assert "成效报告文字" in "\n".join(audit.describe(ledger, audit.verify(ledger)))
    out = run_cli("audit", "--verify", "--json", db_path=ledger.path)
    assert out.returncode == 1 and json.loads(out.stdout)[0]["differences"][0]["kind"] == "report_text"
    con.execute("delete from report_sections")
    [d] = named(ledger, "report_text")
    assert d["found"] is None
    con.execute("insert into report_sections values ('320100', 2024, 1, '凭空的文字', null, 'x', 'now')")
    assert {(d["region"], d["found"]) for d in named(ledger, "report_text")} >= {("320100", "凭空的文字")}


def test_the_ledger_tables_untouched_verify_on_an_empty_store(empty_db):
    assert audit.verify(empty_db).ok          # the bundled pack, no audit rows: the trail starts from the pack
    shell(empty_db).execute("update tasks set text_zh = text_zh || '。' where rowid = (select min(rowid) from tasks)")
    assert not audit.verify(empty_db).ok


# ---------------------------------------------------------------- audit --verify's sentences

def test_the_sentences_name_places_say_none_count_the_broken_row_and_quote_the_anchor(demo_db):
    con = shell(demo_db)
    where = "where region = '320100' and indicator = 'INV_GRANTS' and period = '2024'"
    row = con.execute(f'select * from "values" {where}').fetchone()
    con.execute(f'delete from "values" {where}')
    res = audit.verify(demo_db)
    zh, en = audit.describe(demo_db, res)[1], audit.describe(demo_db, res, lang="en")[1]
    assert "南京市" in zh and zh.endswith("数据库中为 无") and "None" not in zh
    assert "Nanjing" in en and "南京市" not in en and en.endswith("the store holds none")
    con.execute(f'insert into "values" values ({", ".join("?" * len(row))})', row)
    assert audit.verify(demo_db).ok
    h, rows = audit.anchor(demo_db, "package 320000 2022 v1")
    con.execute("drop trigger audit_no_update")
    con.execute("update audit set prev_hash = 'x' || substr(prev_hash, 2) where id = 5")
    res = audit.verify(demo_db)
    assert (res.reason, res.first_bad, res.different) == ("link", 5, 0)
    lines = audit.describe(demo_db, res)
    assert "共 1 处差异" in lines[0] and "第 5 条" in lines[1]
    con.execute("update audit set why = coalesce(why, '') || '改' where id = 3")
    res = audit.verify(demo_db)                                    # a row's content changed first: reason hash
    assert (res.reason, res.first_bad, res.different) == ("hash", 3, 0)
    assert "共 1 处差异" in audit.describe(demo_db, res)[0]
    con.execute(f"update audit set hash = 'y' || substr(hash, 2) where id = {rows}")       # the anchored row itself
    res = audit.verify(demo_db)
    [d] = [d for d in res.differences if d["kind"] == "anchor"]
    line = audit.describe(demo_db, res)[2]
    assert h[:16] in line and str(rows) in line and d["at"] in line and "package 320000 2022 v1" in line


def test_the_second_process_is_used_on_two_cores_or_when_told(monkeypatch):
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", "1")
    assert not audit.second_process()
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", "2")
    assert audit.second_process()
    monkeypatch.delenv("IPDESK_AUDIT_PROCESSES")
    import os

    assert audit.second_process() == ((os.cpu_count() or 1) >= 2)


@pytest.mark.parametrize("cores,used", [(2, True), (1, False), (None, False), (4, True)])
def test_the_second_process_needs_a_second_core_whatever_the_load(monkeypatch, cores, used):
    """The two processes share the work (neither repeats the other's), so a busy machine loses nothing by them."""
    import os

    monkeypatch.delenv("IPDESK_AUDIT_PROCESSES", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 9.0, 9.0))
    assert audit.second_process() is used
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", "3")           # not 1 or 2: the machine decides
    assert audit.second_process() is used


def test_an_explanation_edited_behind_the_app_and_then_by_it_is_still_named(demo_db):
    from app.models.checks import explain

    explain(demo_db, "320100", 2024, "yoy", "INV_GRANTS", "新区划调整")
    shell(demo_db).execute("update explanations set text = '随便' where region = '320100' and rule = 'yoy'")
    explain(demo_db, "320100", 2024, "yoy", "INV_GRANTS", "区划调整后口径变化")
    res = audit.verify(demo_db)
    assert [(d["kind"], d["expected"], d["found"]) for d in res.differences] == \
        [("explanation_history", "新区划调整", "随便")]


def test_a_clean_store_is_checked_by_sqlite_and_a_doubt_replayed_row_by_row(demo_db, monkeypatch):
    """On a store that agrees with its trail the values are SQLite's to check: the trail is read into Python
    once (the chain) and never replayed row by row; one value edited behind the app and the row-by-row replay
    runs, once, to name it (SQLite's trace)."""
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", "1")
    seen: list[str] = []
    demo_db.conn.set_trace_callback(seen.append)

    def read_by_python():
        return [q for q in seen if q.startswith("select id, at, ") and "from audit where id" in q]

    try:
        assert audit.verify(demo_db).ok
        assert len(read_by_python()) == 1 and "prev_hash, hash" in read_by_python()[0]
        shell(demo_db).execute('update "values" set value = \'1\' where region = \'320100\''
                               " and indicator = 'INV_GRANTS' and period = '2024'")
        seen.clear()
        [d] = audit.verify(demo_db).differences
        assert (d["kind"], d["found"]["v"]) == ("value", "1")
        assert len(read_by_python()) == 2 and "prev_hash" not in read_by_python()[1]
    finally:
        demo_db.conn.set_trace_callback(None)


def test_a_replay_that_fails_leaves_no_second_process_behind(demo_db, monkeypatch, tmp_path):
    """The replay's query is interrupted (SQLite's progress handler) while the chain's process runs:
    the error reaches the caller and the child is ended and reaped, not left running or a zombie."""
    import os
    import sqlite3
    import time

    from app.models import audit_chain

    pids, python = tmp_path / "pids", tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho $$ >> "{pids}"\nexec sleep 60\n')      # a child still at work
    python.chmod(0o755)
    monkeypatch.setattr(audit, "CHILD_ROWS", 1)
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", "2")
    monkeypatch.setattr(audit_chain.sys, "executable", str(python))
    replaying = []
    demo_db.conn.set_trace_callback(lambda q: replaying.append(q) if "prev_hash, hash from audit" in q else None)

    def interrupt():                     # once the chain is read here and the child has started
        if not replaying:
            return 0
        for _ in range(500):
            if pids.is_file() and pids.read_text().strip():
                break
            time.sleep(0.01)
        return 1

    demo_db.conn.set_progress_handler(interrupt, 100)
    try:
        t0 = time.monotonic()
        with pytest.raises(sqlite3.OperationalError):
            audit.verify(demo_db)
        assert time.monotonic() - t0 < 20                 # at once: the child is ended, not waited for
    finally:
        demo_db.conn.set_progress_handler(None, 100)
        demo_db.conn.set_trace_callback(None)
    [pid] = [int(p) for p in pids.read_text().split()]
    with pytest.raises(ProcessLookupError):             # killed and waited for: no such process any more
        os.kill(pid, 0)


def test_a_task_removed_by_a_new_import_of_its_pack_verifies(ledger, tmp_path):
    """The import's removal row takes the task out of the replay too: no task expected that is rightly gone."""
    tasks.import_tasks(ledger, write_csv(tmp_path / "fewer.csv", ROWS_2024[:2]))
    assert ledger.execute("select 1 from tasks where id = 'G2024-4.10.2'").fetchone() is None
    res = audit.verify(ledger)
    assert res.ok, audit.describe(ledger, res)


def test_a_malformed_ledger_row_in_the_trail_does_not_stop_the_check(ledger):
    """A task_assign / evidence / task row whose new side is not a record (an old or a hostile row, rightly
    chained): the verify passes over it and still names what the shell changed."""
    from app.models.db import transaction

    with transaction(ledger):
        audit.append(ledger, [("x", "task_assign", "320000", f"task:{TASK}", None, None, '"not a record"', None),
                              ("x", "evidence", "320100", f"task:{TASK}", "2024Q3", None, "[1, 2]", None),
                              ("x", "task_add", "320000", f"task:{TASK}", None, None, "7", None),
                              ("x", "report_text", "320000", "section:2:x", "2024", None, "文字", None)])
    assert audit.verify(ledger).ok
    shell(ledger).execute("update task_assignments set due = '2024-12-31' where task = ?", [ledger.own_task])
    assert [d["found"] for d in named(ledger, "task_assignment")] == ["2024-12-31"]


def test_a_placeholder_filled_with_other_bytes_behind_the_app_is_named(ledger):
    """A file a package listed without its bytes verifies empty; bytes put in behind the app that are not
    the ones its SHA-256 names are named — the placeholder is no licence for any content."""
    import hashlib

    from app.models.db import transaction
    from app.models.evidence import Evidence

    real = PDF.replace(b"1.7", b"1.5")
    sha = hashlib.sha256(real).hexdigest()
    placeholder = Evidence("未随包的文件.pdf", "pdf", len(real), sha, b"")
    with transaction(ledger):
        progress.write_progress(ledger, TASK, "320100", "2024Q3", 2024, None, [placeholder], who="省局张三")
    res = audit.verify(ledger)
    assert res.ok, audit.describe(ledger, res)
    shell(ledger).execute("update evidence_files set content = ? where sha256 = ?", [PDF, sha])     # same size
    assert len(PDF) == len(real)
    [d] = named(ledger, "evidence_file")
    assert d["expected"] == sha and d["found"] == hashlib.sha256(PDF).hexdigest()
    shell(ledger).execute("update evidence_files set content = ? where sha256 = ?", [real, sha])    # the right bytes
    assert audit.verify(ledger).ok


# ---------------------------------------------------------------- a ledger difference in words (both sides)

def test_a_ledger_line_quotes_up_to_60_characters_whole(demo_db):
    from app.models.audit_ledger import ledger_line

    names = {"320100": "南京市"}
    for n, shown in ((60, "字" * 60), (61, "字" * 57 + "…")):
        d = {"kind": "report_text", "ledger": "report_text", "region": "320100", "indicator": "section:2",
             "period": "2024", "expected": "字" * n, "found": None}
        zh, en = ledger_line(d, names, "zh"), ledger_line(d, names, "en")
        assert zh == f"成效报告文字（南京市 · 第 2 部分 · 2024）：审计记录为 {shown}，数据库中为 无"
        assert en == f"results report text 南京市 · section 2 · 2024: the trail says {shown}, the store holds none"


def test_a_ledger_line_shows_the_fields_that_differ_or_the_whole_record(demo_db):
    from app.models.audit_ledger import ledger_line

    a, b = {"text": "甲", "due": "2024-06-30"}, {"text": "甲", "due": "2024-12-31"}
    d = {"kind": "task", "ledger": "task", "region": None, "indicator": "task:G1", "period": None,
         "expected": a, "found": b}
    assert ledger_line(d, {}) == '任务（G1）：审计记录为 {"due":"2024-06-30"}，数据库中为 {"due":"2024-12-31"}'
    same = dict(d, kind="task_history", found=dict(a), row=9)         # the same record: shown whole
    assert ledger_line(same, {}) == ('任务（G1）：第 9 条记录从 {"text":"甲","due":"2024-06-30"} 变更，而审计记录中为 '
                                     '{"text":"甲","due":"2024-06-30"}（曾在 ipdesk 之外被改动）')
    one = dict(d, found="G1")                                        # a record against a text: both whole
    assert ledger_line(one, {}) == '任务（G1）：审计记录为 {"text":"甲","due":"2024-06-30"}，数据库中为 G1'
    nowhere = {"kind": "evidence_file", "ledger": "evidence_file", "region": None, "indicator": None,
               "period": None, "expected": "ab", "found": "cd"}
    assert ledger_line(nowhere, {}) == "佐证材料内容（—）：审计记录为 ab，数据库中为 cd"
    assert ledger_line(nowhere, {}, "en") == "evidence file content —: the trail says ab, the store holds cd"
