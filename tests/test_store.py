"""The store: migrations with backup, the one write path, audit chain, locks."""
import sqlite3
from decimal import Decimal

import pytest

from app.models import audit, review, workflow
from app.models.db import SCHEMA_VERSION, open_store, transaction
from app.models.errors import AuthError, InputError, LockedError, NotFoundError
from app.models.values import Change, get_values, region_year_status, set_text, write_values


def test_new_store_is_wal_with_foreign_keys_and_reference_data(empty_db):
    assert empty_db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert empty_db.execute("pragma foreign_keys").fetchone()[0] == 1
    n = dict(empty_db.execute("select level, count(*) from regions group by level").fetchall())
    assert n["nation"] == 1 and n["province"] == 34
    assert n["prefecture"] > 330 and n["county"] > 2800
    assert empty_db.execute("select count(*) from regions where parent = '320000' and level = 'prefecture'").fetchone()[0] == 13
    assert empty_db.execute("select count(*) from indicators").fetchone()[0] == 26
    packs = {r[0] for r in empty_db.execute("select pack from target_packs")}
    assert packs == {"GUIDELINE_2022", "PLAN_14FYP", "OUTLINE_2035", "GUIDELINE_2023"}
    t = empty_db.execute("select clause, value from targets where pack='GUIDELINE_2022' and indicator='INV_EXAM_CYCLE'").fetchone()
    assert t == ("1(3) 知识产权创造", "16.5")


def test_older_store_is_backed_up_then_migrated(tmp_path):
    """A store written at schema 1 keeps every value and gets a backup copy first."""
    path = tmp_path / "old.sqlite"
    old = open_store(path, schema=1)
    set_text(old, "320100", "INV_GRANTS", "2022", "12,345")
    old.conn.close()
    db = open_store(path)
    assert db.execute("select value from meta where key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    assert get_values(db)[("320100", "INV_GRANTS", "2022")] == Decimal(12345)
    assert db.execute("select 1 from sqlite_master where name = 'audit_place'").fetchone()
    # the task ledger's tables, and the bundled 2022 task pack, arrive with the upgrade as in a new store
    assert db.execute("select count(*) from tasks where pack like '%2022%'").fetchone()[0] >= 20
    backups = list(tmp_path.glob("old.v1-*.bak"))
    assert len(backups) == 1
    kept = sqlite3.connect(backups[0])
    assert kept.execute("select value from meta where key='schema_version'").fetchone() == ("1",)
    assert kept.execute('select value from "values"').fetchall() == [("12345",)]
    assert audit.verify(db).ok


def test_newer_store_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    db = open_store(path)
    db.execute("update meta set value = '999' where key = 'schema_version'")
    db.conn.close()
    with pytest.raises(Exception) as exc:
        open_store(path)
    assert "999" in exc.value.message("en")


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"this is a text file, not sqlite" * 100)
    with pytest.raises(Exception) as exc:
        open_store(path)
    assert exc.value.code == "store_not_sqlite"


def test_set_text_parses_and_audits(empty_db):
    set_text(empty_db, "320100", "INV_GRANTS", "2022", "1.2万", note="年报", who="张三")
    assert get_values(empty_db)[("320100", "INV_GRANTS", "2022")] == Decimal(12000)
    rows = audit.history(empty_db, "320100", "INV_GRANTS")
    assert len(rows) == 1 and rows[0]["who"] == "张三"
    assert audit.decode(rows[0]["new"]) == {"v": "12000", "note": "年报"}
    # the same value again is not a change and writes no audit row
    res = set_text(empty_db, "320100", "INV_GRANTS", "2022", "12,000")
    assert res.written == 0 and res.unchanged == 1
    assert len(audit.history(empty_db, "320100", "INV_GRANTS")) == 1


def test_bad_text_names_the_place_and_writes_nothing(empty_db):
    before = empty_db.execute("select count(*) from audit").fetchone()[0]
    with pytest.raises(InputError) as exc:
        set_text(empty_db, "320100", "INV_GRANT_RATE", "2022Q3", "112%")
    msg = exc.value.message("en")
    assert "320100" in msg and "INV_GRANT_RATE" in msg and "2022Q3" in msg and "112%" in msg
    assert empty_db.execute("select count(*) from audit").fetchone()[0] == before
    assert empty_db.execute('select count(*) from "values"').fetchone()[0] == 0


def test_batch_is_all_or_nothing(empty_db):
    good = Change("320100", "INV_GRANTS", "2022", "100")
    bad_region = Change("999999", "INV_GRANTS", "2022", "100")
    with pytest.raises(NotFoundError):
        write_values(empty_db, [good, bad_region])
    bad_value = Change("320200", "INV_GRANTS", "2022", "1e5")
    with pytest.raises(InputError):
        write_values(empty_db, [good, bad_value])
    assert empty_db.execute('select count(*) from "values"').fetchone()[0] == 0
    assert empty_db.execute("select count(*) from audit").fetchone()[0] == 0


def test_large_batch_checks_references_itself_and_foreign_keys_come_back_on(demo_db):
    """A batch of 1,000+ values in its own transaction writes without SQLite's per-row foreign-key
    lookups (its own check covers every row): an unknown region or indicator anywhere in it is still
    refused with nothing written, and the connection's foreign keys are on again after — written,
    refused or locked."""
    fk = lambda: demo_db.execute("pragma foreign_keys").fetchone()[0]  # noqa: E731
    cities = [c for c, in demo_db.execute("select code from regions where level = 'county' limit 400")]
    big = [Change(c, ind, str(y), str(1000 + i)) for i, (c, ind, y) in enumerate(
        (c, ind, y) for c in cities for ind in ("INV_GRANTS", "INV_APPLICATIONS") for y in (2020, 2021))]
    assert len(big) >= 1000
    n = demo_db.execute('select count(*) from "values"').fetchone()[0]
    for bad in (Change("999999", "INV_GRANTS", "2021", "1"), Change(cities[0], "NO_SUCH", "2021", "1")):
        with pytest.raises(NotFoundError):
            write_values(demo_db, big[:700] + [bad] + big[700:])
        assert fk() == 1 and demo_db.execute('select count(*) from "values"').fetchone()[0] == n
    with pytest.raises(LockedError):                     # Jiangsu 2022 is approved in the demo
        write_values(demo_db, big + [Change("320000", "INV_GRANTS", "2022", "1")])
    assert fk() == 1 and demo_db.execute('select count(*) from "values"').fetchone()[0] == n
    said = []
    demo_db.conn.set_trace_callback(said.append)
    assert write_values(demo_db, big).written == len(big) and fk() == 1
    demo_db.conn.set_trace_callback(None)
    assert "pragma foreign_keys = OFF" in said and said.index("pragma foreign_keys = OFF") < said.index("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.IntegrityError):          # and SQLite enforces them again
        demo_db.execute("insert into \"values\"(region, indicator, period, year, value, updated_by, updated_at)"
                        " values ('999999', 'INV_GRANTS', '2021', 2021, '1', 'x', 'now')")
    with transaction(demo_db):                           # inside a caller's transaction: they stay on
        write_values(demo_db, [Change(c.region, c.indicator, c.period, "7") for c in big])
        assert fk() == 1
    assert audit.verify(demo_db).ok


def test_a_commit_that_fails_keeps_nothing_and_leaves_foreign_keys_on(tmp_path):
    """When COMMIT itself fails (another program holds a read lock on a store without WAL, as on
    some network shares), the batch is rolled back, the connection is not left in a transaction,
    and foreign keys are on again."""
    db = open_store(tmp_path / "s.sqlite")
    db.execute("pragma journal_mode = DELETE")
    db.execute("pragma busy_timeout = 200")
    reader = sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)
    reader.execute("begin")
    reader.execute('select count(*) from "values"').fetchone()           # holds a shared lock
    counties = [c for c, in db.execute("select code from regions where level = 'county' limit 600")]
    big = [Change(c, "INV_GRANTS", str(y), "5") for c in counties for y in (2021, 2022)]
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        write_values(db, big)
    reader.execute("rollback")
    assert not db.conn.in_transaction and db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert db.execute('select count(*) from "values"').fetchone()[0] == 0
    assert db.execute("select count(*) from audit").fetchone()[0] == 0
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("insert into \"values\"(region, indicator, period, year, value, updated_by, updated_at)"
                   " values ('999999', 'INV_GRANTS', '2021', 2021, '1', 'x', 'now')")
    assert write_values(db, big).written == len(big)                    # and once the lock is gone, it writes


class _Text(str):
    """A str subclass (as numpy.str_ is): not a canonical value."""


@pytest.mark.parametrize("value", [_Text("12"), 12, 12.0, "", " 12", "012", "1.50", "-0.0"])
def test_only_canonical_plain_text_is_written(empty_db, value):
    """The batch check (sets, then row by row) refuses what the row-by-row check always refused,
    and names the place; a good change beside it is not written either."""
    good = Change("320100", "INV_GRANTS", "2022", "100")
    with pytest.raises(InputError) as err:
        write_values(empty_db, [good, Change("320200", "INV_GRANTS", "2022", value)])
    assert err.value.code == "not_a_number" and err.value.region == "320200" and err.value.indicator == "INV_GRANTS"
    assert empty_db.execute('select count(*) from "values"').fetchone()[0] == 0


def test_periods_quarter_and_month(empty_db):
    set_text(empty_db, "320100", "INV_APPLICATIONS", "2022年第3季度", "1,234")
    set_text(empty_db, "320100", "INV_APPLICATIONS", "2022-7", "400")
    keys = set(get_values(empty_db))
    assert keys == {("320100", "INV_APPLICATIONS", "2022Q3"), ("320100", "INV_APPLICATIONS", "2022-07")}


def test_audit_chain_detects_edits_outside_the_app(demo_db):
    assert audit.verify(demo_db).ok
    with pytest.raises(sqlite3.IntegrityError):  # triggers refuse the honest way
        demo_db.execute("update audit set new = 'x' where id = 5")
    demo_db.execute("drop trigger audit_no_update")
    demo_db.execute("""update audit set new = '{"v":"1"}' where id = 5""")
    res = audit.verify(demo_db)
    assert not res.ok and res.first_bad == 5


def test_audit_chain_detects_removed_tail(demo_db):
    demo_db.execute("drop trigger audit_no_delete")
    demo_db.execute("delete from audit where id = (select max(id) from audit)")
    assert not audit.verify(demo_db).ok


def test_appended_hashes_verify_for_every_kind_of_field(empty_db):
    """append() builds the hashed payload its own (fast) way; verify() recomputes it with
    _digest: None, empty text, numbers, CJK and separators in a field must hash alike."""
    rows = [("张三", "set", "320000", "INV_GRANTS", "2022", None, '{"v":"1"}', None),
            ("", "status", "320000", None, 2022, "complete", "draft", ""),
            ("clerk", "note", "110101", "PCT", "2023Q4", '{"v":"0.5","note":"a\x1fb"}', '{"v":"0"}', "说明：0")]
    with transaction(empty_db):
        audit.append(empty_db, rows)
    res = audit.verify(empty_db)
    # every row hashes alike (no broken link or hash); rows appended without their data are what the
    # replay reports: a value and a state the store does not hold
    assert res.first_bad is None and res.rows == 3 and res.reason == "data"
    assert {d["kind"] for d in res.differences} == {"value", "state_history"}

def test_locked_region_year_refuses_until_a_head_unlocks(demo_db):
    assert region_year_status(demo_db, "320000", 2022) == "approved"
    with pytest.raises(LockedError) as exc:
        set_text(demo_db, "320000", "INV_GRANTS", "2022", "1")
    assert "320000" in exc.value.message("en") and "2022" in exc.value.message("en")
    with pytest.raises(AuthError):
        review.unlock(demo_db, "320000", 2022, user="demo-head", password="wrong!", why="fix")
    workflow.add_user(demo_db, "clerk1", "clerk", "secret12")
    with pytest.raises(AuthError):
        review.unlock(demo_db, "320000", 2022, user="clerk1", password="secret12", why="fix")
    review.unlock(demo_db, "320000", 2022, user="demo-head", password="demo1234", why="订正")
    set_text(demo_db, "320000", "INV_GRANTS", "2022", "1")
    actions = [r["action"] for r in audit.history(demo_db, "320000")[-3:]]
    assert "unlock" in actions and actions[-1] == "set"
    assert audit.verify(demo_db).ok


def test_passwords_are_salted_scrypt(empty_db):
    workflow.add_user(empty_db, "a", "head", "same-password")
    workflow.add_user(empty_db, "b", "head", "same-password", by="a", by_password="same-password")
    (s1, h1), (s2, h2) = empty_db.execute("select salt, hash from users order by name").fetchall()
    assert s1 != s2 and h1 != h2 and b"same-password" not in h1
    assert workflow.authenticate(empty_db, "a", "same-password") == "head"


def test_change_after_submission_sends_back_to_draft(demo_db):
    assert region_year_status(demo_db, "320100", 2023) == "submitted"
    set_text(demo_db, "320100", "INV_GRANTS", "2023", "20000")
    assert region_year_status(demo_db, "320100", 2023) == "draft"


def test_complete_refused_with_blocking_findings(demo_db):
    with pytest.raises(InputError) as exc:
        workflow.set_status(demo_db, "320100", 2024, "complete", blocking=2)
    assert exc.value.code == "blocking_left"


def test_killed_writer_leaves_store_whole(tmp_path):
    """A process killed in the middle of a big batch leaves none of it."""
    import os
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "kill.sqlite"
    open_store(path).conn.close()
    script = f"""
import sys
from app.models.db import open_store
from app.models.values import Change, write_values
db = open_store({str(path)!r})
regions = [r[0] for r in db.execute("select code from regions where level='county' limit 400")]
changes = [Change(r, "INV_GRANTS", str(y), str(i)) for i, r in enumerate(regions) for y in range(1990, 2090)]
print("start", flush=True)
write_values(db, changes, why="big batch")
print("done", flush=True)
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "start"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    db = open_store(path)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    n = db.execute('select count(*) from "values"').fetchone()[0]
    assert n in (0, 40000)
    assert audit.verify(db).ok
