"""audit --verify's second process (large stores): the later slice of the chain and SQLite's values check in a
child beside the first — the same result as one process, when it is used, what it reads, and what happens when
it cannot run, fails, or does not answer."""
from __future__ import annotations

import hashlib
import json

import pytest

from app.models import audit, tasks
from tests.test_audit_ledger import ledger, named  # noqa: F401  (the ledger fixture)
from tests.test_audit_replay import counting_python, shell, through_second_process
from tests.test_tasks import ROWS_2024, write_csv


# ---------------------------------------------------------------- the chain in a second process (large stores)

def test_the_chain_in_a_second_process_names_what_the_one_process_does(demo_db, monkeypatch, tmp_path):
    import subprocess
    import sys

    from app.models import audit_chain

    last = demo_db.execute("select max(id) from audit").fetchone()[0]

    def child(lo, hi, base, *positions):
        out = subprocess.run([sys.executable, "-m", "app.models.audit_chain", str(demo_db.path), str(lo), str(hi),
                              str(base), *map(str, positions)], capture_output=True, text=True, cwd=audit_chain.ROOT,
                             check=True)
        return json.loads(out.stdout)

    res = child(0, last, 0, 5, last)
    assert res["rows"] == last and res["first_bad"] is None and res["head"] == audit.head(demo_db)[0]
    assert res["at"][str(last)] == res["head"] and len(res["at"]) == 2
    # two slices stitched are the whole: rows, head, and the hashes asked for counted from the trail's first row
    halves = audit_chain.stitch([child(0, 100, 0, 5), child(100, last, 100, 101, last)])
    assert halves == {**audit_chain.read(demo_db.conn, last, [5, 101, last]), "at": halves["at"]}
    assert halves["at"] == audit_chain.read(demo_db.conn, last, [5, 101, last])["at"] and len(halves["at"]) == 3
    con = shell(demo_db)
    con.execute("drop trigger audit_no_update")
    con.execute("update audit set new = '{\"v\":\"9\"}' where id = 7")
    con.execute('update "values" set value = \'1\' where region = \'320100\' and indicator = \'INV_GRANTS\''
                " and period = '2024'")
    con.execute('update "values" set note = \'改过\' where region = \'320200\' and indicator = \'INV_GRANTS\''
                " and period = '2024'")
    alone = audit.verify(demo_db)
    edited = [d for d in alone.differences if d["kind"] == "value" and d["indicator"] == "INV_GRANTS"
              and d["period"] == "2024" and d["region"] in ("320100", "320200")]
    assert [(d["found"]["v"], d["found"].get("note")) for d in edited] == [("1", None), (edited[1]["expected"]["v"], "改过")]
    # the second process, through a Python that leaves a mark when it starts
    marker = through_second_process(monkeypatch, tmp_path)
    both = audit.verify(demo_db)
    assert marker.read_text().count("started") == 1
    assert (both.reason, both.first_bad, both.rows, both.head) == (alone.reason, alone.first_bad, alone.rows,
                                                                   alone.head) == ("hash", 7, alone.rows, alone.head)
    assert both.differences == alone.differences and both.different == alone.different
    con.execute('update "values" set value = ? where region = \'320100\' and indicator = \'INV_GRANTS\''
                " and period = '2024'", [edited[0]["expected"]["v"]])
    con.execute('update "values" set note = null where region = \'320200\' and indicator = \'INV_GRANTS\''
                " and period = '2024'")
    again = audit.verify(demo_db)                  # the values as the second process read them: the edits undone
    assert marker.read_text().count("started") == 2
    assert again.differences == [d for d in alone.differences if d not in edited] and again.different == alone.different - 2
    con.execute("update audit set prev_hash = '0' where id = 9")
    assert (audit.verify(demo_db).reason, audit.verify(demo_db).first_bad) == ("hash", 7)


def test_a_second_process_that_cannot_run_leaves_the_check_to_the_first(demo_db, monkeypatch):
    from app.models import audit_chain

    shell(demo_db).execute("drop trigger audit_no_update")
    shell(demo_db).execute("update audit set prev_hash = 'x' || substr(prev_hash, 2) where id = 11")
    monkeypatch.setattr(audit, "CHILD_ROWS", 1)
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", "2")
    monkeypatch.setattr(audit_chain.sys, "executable", "/nonexistent/python")
    res = audit.verify(demo_db)
    assert (res.reason, res.first_bad) == ("link", 11)


def test_a_task_inserted_behind_the_app_and_removed_by_it_is_still_named(ledger, tmp_path):
    """The shell adds a task to the guideline pack; the next import of the pack removes it (a row the
    trail never had): the tables agree with the trail again, the removal's row tells."""
    shell(ledger).execute("insert into tasks(id, pack, year, scope, text_zh, due, source, created_by, created_at) values"
                          " ('G2024-9.9', 'GUIDELINE_2024', 2024, 'local', '凭空多出的任务', '2024-12-15', 'x', 'x', 'now')")
    tasks.import_tasks(ledger, write_csv(tmp_path / "again.csv", ROWS_2024))
    assert ledger.execute("select 1 from tasks where id = 'G2024-9.9'").fetchone() is None
    [d] = named(ledger, "task_history")
    assert (d["indicator"], d["expected"], d["found"]) == ("task:G2024-9.9", None, "G2024-9.9")
    line = audit.describe(ledger, audit.verify(ledger))[1]          # the table by its name, not the difference's code
    assert line.startswith("任务（G2024-9.9）") and "曾在 ipdesk 之外被改动" in line and "task_history" not in line


def test_a_values_state_flipped_is_named_through_the_second_process_too(demo_db, monkeypatch):
    shell(demo_db).execute('update "values" set status = \'approved\' where region = \'320100\''
                           " and indicator = 'INV_GRANTS' and period = '2024'")
    alone = audit.verify(demo_db)
    monkeypatch.setattr(audit, "CHILD_ROWS", 1)
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", "2")
    both = audit.verify(demo_db)
    assert [(d["kind"], d["expected"], d["found"]) for d in both.differences] == \
        [(d["kind"], d["expected"], d["found"]) for d in alone.differences] == [("value_status", "complete", "approved")]


def test_the_replays_process_leaves_the_values_table_to_the_second(demo_db, monkeypatch):
    """With the second process, the first neither compares the values table with the trail nor hashes the
    later half of the chain (SQLite's own trace of its statements); one process does both."""
    from app.models import audit_chain

    monkeypatch.setattr(audit, "CHILD_ROWS", 1)
    seen: list[str] = []
    demo_db.conn.set_trace_callback(seen.append)
    last, n = demo_db.execute("select max(id), count(*) from audit").fetchone()
    try:
        for processes in ("2", "1"):
            monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", processes)
            seen.clear()
            assert audit.verify(demo_db).ok
            compared = [q for q in seen if " as held, " in q]
            chained = [q for q in seen if q.startswith(audit_chain.SELECT.split(" where")[0])]
            if processes == "2":
                half = demo_db.execute("select id from audit order by id limit 1 offset ?",
                                       [int(n * audit.FIRST_SHARE) - 1]).fetchone()[0]
                assert 0 < half < last
                assert compared == [] and chained == [audit_chain.SELECT.replace("?", "0", 1).replace("?", str(half))]
            else:
                assert len(compared) == 1 and chained == [audit_chain.SELECT.replace("?", "0", 1).replace("?", str(last))]
    finally:
        demo_db.conn.set_trace_callback(None)


# ---------------------------------------------------------------- when the second process is used, and when it fails

def test_the_second_process_from_child_rows_on(demo_db, monkeypatch, tmp_path):
    from app.models import audit_chain

    marker, python = counting_python(tmp_path)
    monkeypatch.setattr(audit_chain.sys, "executable", str(python))
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", "2")
    last = demo_db.execute("select max(id) from audit").fetchone()[0]
    monkeypatch.setattr(audit, "CHILD_ROWS", last + 1)
    assert audit.verify(demo_db).ok and not marker.exists()
    monkeypatch.setattr(audit, "CHILD_ROWS", last)
    assert audit.verify(demo_db).ok and marker.read_text().count("started") == 1
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", "1")                  # told not to
    assert audit.verify(demo_db).ok and marker.read_text().count("started") == 1


@pytest.mark.parametrize("body", ["exit 1", "printf 'not marshal'", 'exec "{python}" "$@" --not-an-id'])
def test_a_second_process_that_fails_leaves_the_check_to_the_first(demo_db, monkeypatch, tmp_path, body):
    """It exits with an error, or writes what is not its answer: the first process computes the chain and
    reads the values itself, and names the same things."""
    from app.models import audit_chain

    con = shell(demo_db)
    con.execute("drop trigger audit_no_update")
    con.execute("update audit set prev_hash = 'x' || substr(prev_hash, 2) where id = 11")
    con.execute('update "values" set value = \'1\' where region = \'320100\' and indicator = \'INV_GRANTS\''
                " and period = '2024'")
    alone = audit.verify(demo_db)
    marker, python = counting_python(tmp_path, body)
    monkeypatch.setattr(audit, "CHILD_ROWS", 1)
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", "2")
    monkeypatch.setattr(audit_chain.sys, "executable", str(python))
    res = audit.verify(demo_db)
    assert marker.read_text().count("started") == 1
    assert (res.reason, res.first_bad, res.differences) == ("link", 11, alone.differences)
    assert [d["kind"] for d in res.differences] == ["value"]


def test_an_anchor_of_an_empty_trail_is_continued_by_any(empty_db):
    assert audit.anchor(empty_db, "first backup") == (audit.GENESIS, 0)
    res = audit.verify(empty_db)
    assert res.ok and res.anchors == 0                   # nothing to compare: every trail continues none


def test_a_second_process_that_does_not_answer_in_time_is_ended(demo_db, monkeypatch, tmp_path):
    """The child is still at work when the wait is over: it is ended and reaped, and the first process
    checks the chain itself."""
    import os
    import time

    from app.models import audit_chain

    pids, python = tmp_path / "pids", tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho $$ >> "{pids}"\nexec sleep 60\n')
    python.chmod(0o755)
    shell(demo_db).execute("drop trigger audit_no_update")
    shell(demo_db).execute("update audit set prev_hash = 'x' || substr(prev_hash, 2) where id = 11")
    monkeypatch.setattr(audit, "CHILD_ROWS", 1)
    monkeypatch.setenv("IPDESK_AUDIT_PROCESSES", "2")
    monkeypatch.setattr(audit_chain.sys, "executable", str(python))
    monkeypatch.setattr(audit_chain, "WAIT", 1)
    t0 = time.monotonic()
    res = audit.verify(demo_db)
    assert (res.reason, res.first_bad) == ("link", 11) and time.monotonic() - t0 < 20
    [pid] = [int(p) for p in pids.read_text().split()]
    with pytest.raises(ProcessLookupError):             # killed and waited for: not left running, nor a zombie
        os.kill(pid, 0)


def test_an_assignment_edited_behind_the_app_and_then_moved_by_it_is_still_named(ledger):
    """The shell moves an assignment's due date; the app then moves it again (its row records the shell's
    date as the one it found): the tables agree with the trail, the move's row tells."""
    shell(ledger).execute("update task_assignments set due = '2024-12-31' where task = ?", [ledger.own_task])
    tasks.assign(ledger, ledger.own_task, "320100", "2024-10-15")
    [d] = named(ledger, "task_assignment_history")
    assert (d["expected"], d["found"]) == ("2024-09-30", "2024-12-31")


def test_a_files_bytes_emptied_behind_the_app_are_named(ledger):
    """A file the office attached itself (not a package's placeholder): its bytes emptied with the shell
    are named — only the trail's "not carried" makes an empty file expected."""
    shell(ledger).execute("update evidence_files set content = x''")
    [d] = named(ledger, "evidence_file")
    assert d["found"] == hashlib.sha256(b"").hexdigest()


def test_a_year_marked_complete_then_written_is_certified_without_the_row_by_row_replay(empty_db, monkeypatch):
    """Values marked complete with their year, then one written after (back to draft, its year with it): the
    store is the trail's and SQLite's certificate says so — the statuses compared by each value's last write
    — with no row-by-row replay (SQLite's trace)."""
    from app.models.db import transaction
    from app.models.values import set_text
    from app.models.workflow import set_status

    set_text(empty_db, "320100", "INV_GRANTS", "2024", "12")
    set_text(empty_db, "320100", "INV_APPLICATIONS", "2024", "30")
    with transaction(empty_db):
        set_status(empty_db, "320100", 2024, "complete", user="t", why="t")
    set_text(empty_db, "320100", "INV_GRANTS", "2024", "13")
    assert dict(empty_db.execute('select indicator, status from "values"').fetchall()) == \
        {"INV_GRANTS": "draft", "INV_APPLICATIONS": "complete"}
    seen: list[str] = []
    empty_db.conn.set_trace_callback(seen.append)
    try:
        res = audit.verify(empty_db)
    finally:
        empty_db.conn.set_trace_callback(None)
    assert res.ok, audit.describe(empty_db, res)
    assert not [q for q in seen if q.startswith("select id, at, action") and "null from audit" in q]


def test_the_second_process_finds_ipdesk_where_python_would_not_look_in_the_folder(demo_db, monkeypatch):
    """With PYTHONSAFEPATH set (Python 3.11+: the working folder is not put on the import path) and no
    PYTHONPATH the child still imports app.models.audit_chain (start() puts the project's folder on its
    PYTHONPATH for a checkout that is not installed)."""
    from app.models import audit_chain

    monkeypatch.setenv("PYTHONSAFEPATH", "1")
    monkeypatch.delenv("PYTHONPATH", raising=False)
    last = demo_db.execute("select max(id) from audit").fetchone()[0]
    second, doubts = audit_chain.finish(audit_chain.start(demo_db.path, 0, last, 0))
    assert second is not None and second["head"] == audit.head(demo_db)[0] and doubts == []
