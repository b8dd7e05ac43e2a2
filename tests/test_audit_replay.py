"""The audit trail covers the data: each attack an insider with the sqlite3 shell can make on
the store is named by ``audit.verify`` (and ``ipdesk audit --verify`` exits 1).

Every attack works on the file through a second, plain sqlite3 connection — as the sqlite3
shell would — never through ipdesk.
"""
from __future__ import annotations

import ast
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.models import audit
from app.models.db import transaction
from app.models.values import set_text

ROOT = Path(__file__).resolve().parent.parent
JIANGSU_APPROVED = ("320000", 2022)          # approved in the demo


def shell(db):
    """A plain sqlite3 connection on the store's file: what someone with the sqlite3 shell has."""
    return sqlite3.connect(db.path, isolation_level=None)


def kinds(res):
    return {d["kind"] for d in res.differences}


def run_cli(*args, db_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), IPDESK_USER="cli-tester", IPDESK_LANG="zh")
    return subprocess.run([sys.executable, "-m", "app", *args, "--db", str(db_path)], capture_output=True, text=True,
                          env=env, cwd=ROOT)


def rehash(conn):
    """Recompute every hash and link from the first row, and meta's head: a full rewrite."""
    prev = audit.GENESIS
    rows = conn.execute(f"select id, {', '.join(audit._FIELDS)} from audit order by id").fetchall()
    conn.execute("drop trigger if exists audit_no_update")
    conn.execute("begin")
    for rid, *fields in rows:
        h = audit._digest(prev, tuple(fields))
        conn.execute("update audit set prev_hash = ?, hash = ? where id = ?", [prev, h, rid])
        prev = h
    conn.execute("update meta set value = ? where key = 'audit_head'", [prev])
    conn.execute("commit")


# ---------------------------------------------------------------- the honest store

def counting_python(tmp_path, body='exec "{python}" "$@"'):
    """A Python that leaves a mark in ``started`` each time it starts (then runs ``body``)."""
    marker, python = tmp_path / "started", tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho started >> "{marker}"\n' + body.format(python=sys.executable) + "\n")
    python.chmod(0o755)
    return marker, python


def through_second_process(monkeypatch, tmp_path):
    """Every verify from here uses the second process, started by a counting Python: returns its mark file."""
    from app.models import audit_chain

    marker, python = counting_python(tmp_path)
    monkeypatch.setattr(audit, "CHILD_ROWS", 1)
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", "2")
    monkeypatch.setattr(audit_chain.sys, "executable", str(python))
    return marker


def test_an_untouched_store_replays_to_what_it_holds(demo_db):
    res = audit.verify(demo_db)
    assert res.ok and res.reason is None and res.differences == [] and res.different == 0
    h, rows = audit.head(demo_db)
    assert (h, rows) == (res.head, res.rows) and rows == res.counted > 1000
    assert audit.extends(demo_db, h, rows) and audit.extends(demo_db, audit.GENESIS, 0)
    set_text(demo_db, "320100", "INV_GRANTS", "2024", "18,500", why="corrected")
    assert audit.extends(demo_db, h, rows) and not audit.extends(demo_db, h, rows + 1)
    assert audit.verify(demo_db).ok
    assert audit.describe(demo_db, audit.verify(demo_db))[0].startswith("审计记录完整")


def test_value_actions_cover_every_write_in_the_app():
    """Every ``action=`` given to write_values in app/ is one verify replays as a value change."""
    found = set()
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "write_values":
                for kw in node.keywords:
                    if kw.arg == "action":
                        assert isinstance(kw.value, ast.Constant), f"{path}: action must be a literal for the replay"
                        found.add(kw.value.value)
    assert found and found | {"set", "delete"} <= audit.VALUE_ACTIONS


# ---------------------------------------------------------------- the attacks

def test_a_value_edited_with_the_sqlite_shell_is_named(demo_db):
    old = demo_db.execute('select value from "values" where region=\'320100\' and indicator=\'INV_GRANTS\''
                          " and period='2024'").fetchone()[0]
    shell(demo_db).execute('update "values" set value = \'1\' where region=\'320100\' and indicator=\'INV_GRANTS\''
                           " and period='2024'")
    res = audit.verify(demo_db)
    assert not res.ok and res.reason == "data" and res.first_bad is None
    src = {"src": "示例数据 demo"}                # the demo's source, kept with the value
    assert res.differences == [{"kind": "value", "region": "320100", "indicator": "INV_GRANTS", "period": "2024",
                                "expected": {"v": old, **src}, "found": {"v": "1", **src}}]
    lines = audit.describe(demo_db, res)
    assert "南京市" in lines[1] and "发明专利授权量" in lines[1] and old in lines[1] and "320100" not in lines[1]
    out = run_cli("audit", "--verify", "--json", db_path=demo_db.path)
    assert out.returncode == 1
    data = json.loads(out.stdout)[0]
    assert data["ok"] is False and data["differences"][0]["region"] == "320100"


def test_a_note_edited_behind_the_app_is_named(demo_db):
    set_text(demo_db, "320100", "INV_GRANTS", "2024", "18,473", note="统计公报")
    shell(demo_db).execute('update "values" set note = \'改过\' where region=\'320100\' and indicator=\'INV_GRANTS\''
                           " and period='2024'")
    res = audit.verify(demo_db)
    assert not res.ok and res.differences[0]["expected"]["note"] == "统计公报"
    assert res.differences[0]["found"]["note"] == "改过" and res.differences[0]["found"]["v"] == "18473"


def test_a_value_edited_behind_the_app_and_then_changed_by_it_is_still_named(demo_db):
    """The edit is overwritten later through ipdesk: the table agrees with the trail again, but the
    app's row recorded an old value the trail never had."""
    shell(demo_db).execute('update "values" set value = \'1\' where region=\'320100\' and indicator=\'INV_GRANTS\''
                           " and period='2024'")
    set_text(demo_db, "320100", "INV_GRANTS", "2024", "2")
    res = audit.verify(demo_db)
    assert not res.ok and kinds(res) == {"value_history"}
    assert res.differences[0]["found"]["v"] == "1" and res.differences[0]["row"]


def test_a_value_inserted_or_deleted_behind_the_app_is_named(demo_db):
    con = shell(demo_db)
    con.execute('delete from "values" where region=\'320100\' and indicator=\'INV_GRANTS\' and period=\'2024\'')
    con.execute('insert into "values"(region, indicator, period, year, value, updated_by, updated_at)'
                " values ('320200', 'INV_GRANTS', '2011', 2011, '5', 'x', 'now')")
    res = audit.verify(demo_db)
    found = {(d["region"], d["period"]): (d["expected"], d["found"]) for d in res.differences}
    assert found[("320100", "2024")][1] is None and found[("320200", "2011")] == (None, {"v": "5"})


def test_a_state_flipped_approved_draft_approved_around_an_edit_is_named(demo_db):
    region, year = JIANGSU_APPROVED
    con = shell(demo_db)
    con.execute("update region_years set status='draft' where region=? and year=?", [region, year])
    set_text(demo_db, region, "INV_GRANTS", str(year), "1")          # the app lets it: the store says draft
    con.execute("update region_years set status='approved' where region=? and year=?", [region, year])
    con.execute('update "values" set status=\'approved\' where region=? and year=?', [region, year])
    res = audit.verify(demo_db)
    assert not res.ok and "locked_write" in kinds(res)
    d = next(d for d in res.differences if d["kind"] == "locked_write")
    assert (d["region"], d["indicator"], d["period"], d["expected"]) == (region, "INV_GRANTS", str(year), "approved")
    assert "江苏省" in "\n".join(audit.describe(demo_db, res))


def test_a_state_flipped_and_left_is_named_and_so_is_one_values_state(demo_db):
    region, year = JIANGSU_APPROVED
    shell(demo_db).execute("update region_years set status='draft' where region=? and year=?", [region, year])
    res = audit.verify(demo_db)
    assert [(d["kind"], d["region"], d["period"], d["expected"], d["found"]) for d in res.differences] == \
        [("state", region, str(year), "approved", "draft")]
    shell(demo_db).execute("update region_years set status='approved' where region=? and year=?", [region, year])
    assert audit.verify(demo_db).ok
    shell(demo_db).execute('update "values" set status=\'draft\' where region=? and indicator=\'POPULATION\''
                           " and period=?", [region, str(year)])
    res = audit.verify(demo_db)
    assert [(d["kind"], d["expected"], d["found"]) for d in res.differences] == [("value_status", "approved", "draft")]


def test_a_transition_after_a_state_flip_is_named(demo_db):
    """The shell moves a draft to approved; ipdesk's later transition recorded a state the trail never gave."""
    con = shell(demo_db)
    con.execute("insert or replace into region_years values ('320100', 2023, 'approved', 'x', 'now')")
    from app.models.review import unlock
    from app.models.workflow import add_user

    add_user(demo_db, "处长", "head", "long-password", by="demo-head", by_password="demo1234")
    unlock(demo_db, "320100", 2023, user="处长", password="long-password", why="订正")
    res = audit.verify(demo_db)
    assert "state_history" in kinds(res)


def test_an_explanation_edited_behind_the_app_is_named(demo_db):
    from app.models.checks import explain

    explain(demo_db, "320100", 2024, "yoy", "INV_GRANTS", "新区划调整")
    assert audit.verify(demo_db).ok
    shell(demo_db).execute("update explanations set text = '随便' where region = '320100' and rule = 'yoy'")
    res = audit.verify(demo_db)
    assert [(d["kind"], d["expected"], d["found"]) for d in res.differences] == [("explanation", "新区划调整", "随便")]


def test_an_explanation_deleted_behind_the_app_is_named(demo_db):
    from app.models.checks import explain

    explain(demo_db, "320100", 2024, "yoy", "INV_GRANTS", "新区划调整")
    shell(demo_db).execute("delete from explanations where region = '320100' and rule = 'yoy'")
    res = audit.verify(demo_db)
    assert [(d["kind"], d["expected"], d["found"]) for d in res.differences] == [("explanation", "新区划调整", None)]


def test_tail_rows_deleted_and_the_head_fixed_are_named(demo_db):
    set_text(demo_db, "320100", "INV_GRANTS", "2024", "1")
    set_text(demo_db, "320100", "INV_GRANTS", "2024", "2")
    con = shell(demo_db)
    con.execute("drop trigger audit_no_delete")
    con.execute("delete from audit where id = (select max(id) from audit)")
    con.execute("update meta set value = (select hash from audit order by id desc limit 1) where key = 'audit_head'")
    res = audit.verify(demo_db)
    assert not res.ok and res.reason == "count" and res.differences[0] == {
        "kind": "count", "expected": res.rows + 1, "found": res.rows, "region": None}
    assert audit.describe(demo_db, res)[1] == f"审计记录现有 {res.rows} 条，但应有 {res.rows + 1} 条"
    # the counter fixed too: the replay still sees a value the trail does not end with
    con.execute("update meta set value = value - 1 where key = 'audit_rows'")
    res = audit.verify(demo_db)
    assert not res.ok and res.reason == "data" and res.differences[0]["expected"]["v"] == "1"


def test_the_counter_threshold_both_sides(demo_db):
    n = audit.verify(demo_db).rows
    con = shell(demo_db)
    for counted, ok in ((n, True), (n + 1, False), (n - 1, False)):
        con.execute("update meta set value = ? where key = 'audit_rows'", [str(counted)])
        assert audit.verify(demo_db).ok is ok


def test_a_truncated_trail_is_not_intact(demo_db):
    con = shell(demo_db)
    con.execute("drop trigger audit_no_delete")
    con.execute("delete from audit")
    con.execute("update meta set value = ? where key = 'audit_head'", [audit.GENESIS])
    con.execute("update meta set value = '0' where key = 'audit_rows'")
    res = audit.verify(demo_db)
    n = demo_db.execute('select count(*) from "values"').fetchone()[0]
    assert not res.ok and res.rows == 0 and res.reason == "data" and res.different >= n
    assert len(res.differences) == audit.DIFF_LIMIT
    lines = audit.describe(demo_db, res)                 # the sentence, then the first 20 (or as many as asked)
    assert len(lines) == 21 and len(audit.describe(demo_db, res, limit=3)) == 4
    assert f"共 {res.different:,} 处差异" in lines[0]
    out = run_cli("audit", "--verify", db_path=demo_db.path)
    assert out.returncode == 1 and "完整" not in out.stdout


def test_a_link_or_a_field_changed_names_the_row(demo_db):
    con = shell(demo_db)
    con.execute("drop trigger audit_no_update")
    con.execute("update audit set prev_hash = ? where id = 7", ["f" * 64])
    res = audit.verify(demo_db)
    assert (res.ok, res.first_bad, res.reason) == (False, 7, "link")
    con.execute("update audit set prev_hash = (select hash from audit where id = 6) where id = 7")
    assert audit.verify(demo_db).ok
    con.execute("update audit set old = 'x' where id = 9")
    assert (audit.verify(demo_db).first_bad, audit.verify(demo_db).reason) == (9, "hash")


def test_a_rewritten_chain_is_caught_only_by_a_head_kept_outside(demo_db):
    """Value and audit row changed together, every hash recomputed, the head fixed: the store is
    consistent with itself. The anchor log beside the backups (and the heads printed in documents
    and signed in packages) still tell — and without any outside head nothing can."""
    old_head, old_rows = audit.anchor(demo_db, "report 江苏 2022")
    con = shell(demo_db)
    rid, new = con.execute("select id, new from audit where region='320100' and indicator='INV_GRANTS'"
                           " and period='2022' order by id desc limit 1").fetchone()
    con.execute("drop trigger audit_no_update")
    d = audit.decode(new)
    con.execute("update audit set new = ? where id = ?", [audit.encode("1", d.get("note"), d.get("src")), rid])
    con.execute('update "values" set value = \'1\' where region=\'320100\' and indicator=\'INV_GRANTS\''
                " and period='2022'")
    rehash(con)
    assert audit.verify(demo_db, anchored=False).ok           # the limit: the file alone agrees with itself
    res = audit.verify(demo_db)
    assert not res.ok and res.reason == "anchor" and res.anchors == 1
    assert res.differences[0]["expected"] == old_head and res.differences[0]["row"] == old_rows
    assert not audit.extends(demo_db, old_head, old_rows)
    assert "不再延续" in audit.describe(demo_db, res)[1]


def test_rows_removed_below_an_anchor_are_named(demo_db):
    h, rows = audit.anchor(demo_db, "package 320000 2022 v1")
    con = shell(demo_db)
    con.execute("drop trigger audit_no_delete")
    con.execute("delete from audit where id = (select max(id) from audit)")
    con.execute("update meta set value = (select hash from audit order by id desc limit 1) where key = 'audit_head'")
    con.execute("update meta set value = value - 1 where key = 'audit_rows'")
    res = audit.verify(demo_db)
    assert not res.ok and any(d["kind"] == "anchor" and d["found"] is None and d["row"] == rows
                              for d in res.differences)


def test_the_counter_is_kept_by_every_append(empty_db):
    assert audit.verify(empty_db).counted in (None, 0)
    for i in range(3):
        set_text(empty_db, "320100", "INV_GRANTS", "2024", str(10 + i))
    with transaction(empty_db):
        audit.append(empty_db, [("x", "note", None, None, None, None, None, None)] * 4)
    res = audit.verify(empty_db)
    assert res.ok and res.rows == res.counted == empty_db.execute("select count(*) from audit").fetchone()[0]


# ---------------------------------------------------------------- rows as the trail may spell them

AT = "2024-05-01T09:00:00+08:00"


def _store_value(db, value, note=None, status="draft", period="2024"):
    shell(db).execute('insert or replace into "values"(region, indicator, period, year, value, note, status,'
                      " updated_by, updated_at) values ('320100', 'INV_GRANTS', ?, ?, ?, ?, ?, 'x', 'now')",
                      [period, int(period[:4]), value, note, status])


def test_a_trail_in_another_json_spelling_replays_to_the_same_values(empty_db):
    """Spaces, escaped Chinese, an empty note or source: the same value, note and source (no difference)."""
    spelt = '{"v": "12", "note": "\\u8bf4\\u660e", "src": ""}'
    with transaction(empty_db):
        audit.append(empty_db, [("x", "set", "320100", "INV_GRANTS", "2024", None, spelt, None)], at=AT)
    _store_value(empty_db, "12", "说明")
    assert audit.verify(empty_db).ok
    with transaction(empty_db):                  # the next write's "before", in the app's own spelling
        audit.append(empty_db, [("x", "set", "320100", "INV_GRANTS", "2024", audit.encode("12", "说明"),
                                 audit.encode("13"), None)], at=AT)
    _store_value(empty_db, "13")
    res = audit.verify(empty_db)
    assert res.ok, audit.describe(empty_db, res)
    _store_value(empty_db, "13", "说明")           # and a real difference is still one
    assert [(d["kind"], d["found"]) for d in audit.verify(empty_db).differences] == \
        [("value", {"v": "13", "note": "说明"})]


def test_only_a_writes_own_back_to_draft_row_leaves_the_values_unmarked(empty_db):
    """A state row at the time of a value write marks the region-year's values unless it is that write's own
    'changed after …' move back to draft (then only the value written is a draft again)."""
    con = shell(empty_db)
    with transaction(empty_db):
        audit.append(empty_db, [("x", "set", "320100", "INV_GRANTS", "2024", None, '{"v":"5"}', None),
                                ("x", "set", "320100", "INV_APPLICATIONS", "2024", None, '{"v":"7"}', None),
                                ("x", "status", "320100", "2024", "2024", "draft", "complete", "changed after review")],
                     at=AT)
    _store_value(empty_db, "5", status="complete")
    con.execute('insert into "values"(region, indicator, period, year, value, status, updated_by, updated_at)'
                " values ('320100', 'INV_APPLICATIONS', '2024', 2024, '7', 'complete', 'x', 'now')")
    con.execute("insert into region_years values ('320100', 2024, 'complete', 'x', 'now')")
    res = audit.verify(empty_db)
    assert res.ok, audit.describe(empty_db, res)
    with transaction(empty_db):                   # a write and its own move back to draft
        audit.append(empty_db, [("x", "set", "320100", "INV_GRANTS", "2024", '{"v":"5"}', '{"v":"6"}', None),
                                ("x", "status", "320100", "2024", "2024", "complete", "draft",
                                 "changed after completion")], at="2024-05-02T09:00:00+08:00")
    _store_value(empty_db, "6", status="draft")
    con.execute("update region_years set status = 'draft'")
    res = audit.verify(empty_db)
    assert res.ok, audit.describe(empty_db, res)          # the other value is still marked complete


def test_verify_inside_the_callers_transaction_sees_its_rows(demo_db, monkeypatch, tmp_path):
    """Rows not yet committed are the caller's alone: no second process (it could not see them) even
    on a trail long enough for one."""
    marker = through_second_process(monkeypatch, tmp_path)
    n = audit.verify(demo_db).rows
    assert marker.read_text().count("started") == 1
    with transaction(demo_db):
        audit.append(demo_db, [("x", "note", None, None, None, None, None, None)])
        res = audit.verify(demo_db)
    assert res.ok and res.rows == n + 1 and marker.read_text().count("started") == 1


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_source_or_note_added_behind_the_app_to_a_plain_value_is_named(empty_db, monkeypatch, processes):
    monkeypatch.setattr(audit, "CHILD_ROWS", 1)
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", processes)
    set_text(empty_db, "320100", "INV_GRANTS", "2024", "12")
    assert audit.verify(empty_db).ok
    where = "where region = '320100' and indicator = 'INV_GRANTS' and period = '2024'"
    for column in ("source", "note"):
        shell(empty_db).execute(f'update "values" set {column} = \'伪造\' {where}')
        [d] = audit.verify(empty_db).differences
        assert (d["kind"], d["expected"], d["found"]) == ("value", {"v": "12"},
                                                          {"v": "12", {"source": "src"}.get(column, column): "伪造"})
        shell(empty_db).execute(f'update "values" set {column} = null {where}')
    assert audit.verify(empty_db).ok


# ---------------------------------------------------------------- SQLite's certificate and the row-by-row replay

def test_notes_and_sources_sqlite_spells_otherwise_still_verify(empty_db):
    """SQLite's JSON for a note with quotes, backslashes, control characters or emoji need not be
    audit.encode's spelling; such a value is compared as Python compares it, and verifies."""
    odd = ['引号"与\\反斜杠', "换行\n制表\t响铃\x07", "表情😀", "<&>'"]
    for k, text in enumerate(odd):
        set_text(empty_db, "320100", "INV_GRANTS", str(2020 + k), str(k + 1), note=text, source=text[::-1])
    set_text(empty_db, "320100", "INV_GRANTS", "2019", '5')
    res = audit.verify(empty_db)
    assert res.ok, audit.describe(empty_db, res)


def test_a_value_stored_as_bytes_behind_the_app_is_named_not_a_crash(empty_db):
    set_text(empty_db, "320100", "INV_GRANTS", "2024", "12")
    shell(empty_db).execute("update \"values\" set value = cast('12' as blob)")
    res = audit.verify(empty_db)
    assert not res.ok and [(d["kind"], d["expected"]) for d in res.differences] == [("value", {"v": "12"})]
    assert "12" in audit.describe(empty_db, res)[1]


def test_a_write_with_no_region_while_its_year_was_locked_is_named(empty_db):
    """A trail rewritten (hashes recomputed) with a region-less year locked, written and unlocked: SQLite's
    places (region = region) never match a missing region, so such a write makes the check replay the
    trail row by row, which names it."""
    with transaction(empty_db):
        audit.append(empty_db, [("x", "status", None, None, "2024", "draft", "approved", None),
                                ("x", "set", None, "INV_GRANTS", "2024", None, None, None),
                                ("x", "unlock", None, None, "2024", "approved", "draft", "x")], at=AT)
    res = audit.verify(empty_db)
    assert [d["kind"] for d in res.differences] == ["locked_write"] and res.reason == "data"


CERTIFICATE_CASES = {
    # a write that did not continue the one before (the store was edited between): HISTORY_SQL
    "history": ([(None, "5"), ("4", "6")], "6", "draft", ["value_history"]),
    # a value held that the trail never wrote: VALUES_SQL
    "value": ([(None, "5")], "7", "draft", ["value"]),
    # a value deleted by the trail still held: VALUES_SQL (its last write is a deletion)
    "deleted": ([(None, "5"), ("5", None)], "5", "draft", ["value"]),
    # a value marked complete the trail never marked: the statuses
    "status": ([(None, "5")], "5", "complete", ["value_status"]),
}


@pytest.mark.parametrize("processes", ["1", "2"])
@pytest.mark.parametrize("case", sorted(CERTIFICATE_CASES))
def test_each_of_sqlites_checks_names_its_difference(empty_db, monkeypatch, processes, case):
    """One store per check of the certificate, passing every other check; in one process and with the
    second (which asks VALUES_SQL)."""
    monkeypatch.setattr(audit, "CHILD_ROWS", 1)
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", processes)
    writes, held, status, want = CERTIFICATE_CASES[case]
    enc = lambda v: None if v is None else '{"v":"%s"}' % v  # noqa: E731
    with transaction(empty_db):
        audit.append(empty_db, [("x", "set" if new else "delete", "320100", "INV_GRANTS", "2024", enc(old), enc(new), None)
                                for old, new in writes], at=AT)
    _store_value(empty_db, held, status=status)
    res = audit.verify(empty_db)
    assert [d["kind"] for d in res.differences] == want and res.reason == "data"


def test_a_value_missing_and_a_locked_write_each_alone_are_named(empty_db):
    with transaction(empty_db):
        audit.append(empty_db, [("x", "set", "320100", "INV_GRANTS", "2024", None, '{"v":"5"}', None),
                                ("x", "set", "320100", "INV_GRANTS", "2023", None, '{"v":"3"}', None)], at=AT)
    _store_value(empty_db, "5")
    assert [(d["kind"], d["period"]) for d in audit.verify(empty_db).differences] == [("value", "2023")]
    _store_value(empty_db, "3", period="2023")
    assert audit.verify(empty_db).ok
    with transaction(empty_db):        # approved, written while approved, back to draft: the write is named
        audit.append(empty_db, [("x", "status", "320100", None, "2023", "draft", "approved", None),
                                ("x", "set", "320100", "INV_GRANTS", "2023", '{"v":"3"}', '{"v":"4"}', None),
                                ("x", "unlock", "320100", None, "2023", "approved", "draft", "x")], at=AT)
    _store_value(empty_db, "4", period="2023")
    assert [(d["kind"], d["period"]) for d in audit.verify(empty_db).differences] == [("locked_write", "2023")]


def test_a_write_while_the_year_is_still_approved_is_named(empty_db):
    """A rewritten trail: the year approved, then a value written, and never unlocked — the last stretch of an
    approved year, still open at the trail's end, is checked too."""
    with transaction(empty_db):
        audit.append(empty_db, [("x", "set", "320100", "INV_GRANTS", "2024", None, '{"v":"5"}', None),
                                ("x", "status", "320100", None, "2024", "draft", "approved", None),
                                ("x", "set", "320100", "INV_GRANTS", "2024", '{"v":"5"}', '{"v":"6"}', None)], at=AT)
    _store_value(empty_db, "6")
    shell(empty_db).execute("insert into region_years values ('320100', 2024, 'approved', 'x', 'now')")
    res = audit.verify(empty_db)
    assert [(d["kind"], d["period"]) for d in res.differences] == [("locked_write", "2024")]
