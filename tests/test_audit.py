"""The audit trail (app.models.audit): the chain catches each kind of tampering, encode/decode keep
what they are given, history selects what it is asked for."""
from __future__ import annotations

import json

import pytest

from app.models import audit
from app.models.db import meta_get, transaction

ROWS = [("张三", "set", "320100", "INV_GRANTS", "2022", None, '{"v":"1"}', "typed"),
        ("李四", "set", "320100", "INV_GRANTS", "2022", '{"v":"1"}', '{"v":"2"}', None),
        ("王五", "status", "320100", None, "2022", "complete", "draft", "changed"),
        ("赵六", "set", "320200", "INV_APPLICATIONS", "2022Q1", None, '{"v":"3"}', None)]


@pytest.fixture
def chained(empty_db):
    with transaction(empty_db):
        head = audit.append(empty_db, ROWS, at="2024-01-01T00:00:00+08:00")
    assert head == meta_get(empty_db, "audit_head") and len(head) == 64 and head != audit.GENESIS
    return empty_db


def _drop_triggers(db):
    for name, in db.execute("select name from sqlite_master where type = 'trigger' and tbl_name = 'audit'").fetchall():
        db.execute(f"drop trigger {name}")


def test_an_empty_trail_verifies(empty_db):
    res = audit.verify(empty_db)
    assert (res.ok, res.rows, res.first_bad, res.reason) == (True, 0, None, None)


def test_a_whole_chain_verifies_and_links(chained):
    res = audit.verify(chained)
    # the chain itself holds (no bad row); its rows carry no data the store holds, which the replay
    # of audit.verify reports (reason 'data') — the chain is what this test is about
    assert (res.rows, res.first_bad) == (4, None) and res.reason == "data"
    rows = chained.execute("select prev_hash, hash, at from audit order by id").fetchall()
    assert rows[0][0] == audit.GENESIS == "0" * 64
    assert all(rows[i][0] == rows[i - 1][1] for i in range(1, 4))
    assert {r[2] for r in rows} == {"2024-01-01T00:00:00+08:00"}
    with transaction(chained):                      # a second batch continues the chain
        audit.append(chained, ROWS[:1])
    again = audit.verify(chained)
    assert again.first_bad is None and again.rows == 5


@pytest.mark.parametrize("column,value", [("who", "x"), ("action", "x"), ("region", "x"), ("indicator", "x"),
                                          ("period", "x"), ("old", "x"), ("new", "x"), ("why", "x"), ("at", "x")])
def test_a_changed_field_is_found(chained, column, value):
    _drop_triggers(chained)
    chained.execute(f"update audit set {column} = ? where id = (select min(id) + 2 from audit)", [value])
    res = audit.verify(chained)
    first = chained.execute("select min(id) from audit").fetchone()[0]
    assert (res.ok, res.first_bad, res.reason) == (False, first + 2, "hash")


def test_a_removed_row_breaks_the_link(chained):
    _drop_triggers(chained)
    first = chained.execute("select min(id) from audit").fetchone()[0]
    chained.execute("delete from audit where id = ?", [first + 1])
    res = audit.verify(chained)
    assert (res.ok, res.first_bad, res.reason) == (False, first + 2, "link")


def test_a_rewritten_chain_without_the_head_is_found(chained):
    """Someone rewrites every hash after changing a row: the chain holds, the head in meta does not."""
    _drop_triggers(chained)
    chained.execute("delete from audit where id = (select max(id) from audit)")
    res = audit.verify(chained)
    assert (res.ok, res.first_bad, res.reason, res.rows) == (False, None, "head", 3)
    assert audit.describe(chained, res, "en")[1] == \
        "the recorded chain head is not the last row's (rows removed or added at the end)"


def test_append_needs_the_callers_transaction(empty_db):
    with pytest.raises(AssertionError):
        audit.append(empty_db, ROWS)
    assert empty_db.execute("select count(*) from audit").fetchone()[0] == 0


def test_append_stamps_the_time_when_not_given(empty_db):
    with transaction(empty_db):
        audit.append(empty_db, ROWS[:1])
    at = empty_db.execute("select at from audit").fetchone()[0]
    assert at[:2] == "20" and "T" in at


@pytest.mark.parametrize("args,expected", [
    (("12",), {"v": "12"}), (("-1.5",), {"v": "-1.5"}), (("12", "说明"), {"v": "12", "note": "说明"}),
    (("12", None, "年报"), {"v": "12", "src": "年报"}), (("12", "a", "b"), {"v": "12", "note": "a", "src": "b"}),
    (('1"2',), {"v": '1"2'}), (("12", ""), {"v": "12"}),
])
def test_encode_decode_round_trip(args, expected):
    text = audit.encode(*args)
    assert json.loads(text) == expected and audit.decode(text) == expected
    assert "\\u" not in text                      # Chinese kept readable in the trail


def test_encode_plain_and_none():
    assert audit.encode("12") == '{"v":"12"}'
    assert audit.encode(None) is None and audit.encode(None, "note") is None
    assert audit.decode(None) is None
    assert audit.decode("complete") == {"v": "complete"}         # a status row's old/new
    assert audit.decode("[1, 2]") == {"v": "[1, 2]"}


def test_current_user(monkeypatch):
    monkeypatch.setenv("IPDESK_USER", "审核员")
    assert audit.current_user() == "审核员"
    monkeypatch.setenv("IPDESK_USER", "")
    assert audit.current_user() not in ("", None)


def test_history_selects(chained):
    rows = audit.history(chained, "320100")
    assert [r["who"] for r in rows] == ["张三", "李四", "王五"]
    assert [r["who"] for r in audit.history(chained, "320100", "INV_GRANTS")] == ["张三", "李四"]
    assert [r["who"] for r in audit.history(chained, "320200", period="2022Q1")] == ["赵六"]
    assert audit.history(chained, "320200", period="2022") == []
    assert rows[0]["why"] == "typed" and rows[0]["new"] == '{"v":"1"}' and rows[0]["old"] is None


def test_verify_gives_the_connection_back_as_it_found_it(chained):
    """verify maps the file for its one read, then restores the connection's setting and ends its snapshot."""
    chained.execute("pragma mmap_size = 4096")
    audit.verify(chained)
    assert chained.execute("pragma mmap_size").fetchone()[0] == 4096 and not chained.conn.in_transaction
    with transaction(chained):                      # inside the caller's transaction: left open
        audit.verify(chained)
        assert chained.conn.in_transaction


def test_extends_both_sides(chained):
    rows = chained.execute("select hash from audit order by id").fetchall()
    assert audit.extends(chained, audit.GENESIS, 0) and not audit.extends(chained, "f" * 64, 0)
    assert audit.extends(chained, rows[1][0], 2) and not audit.extends(chained, rows[1][0], 3)
    assert audit.extends(chained, rows[3][0], 4) and not audit.extends(chained, rows[3][0], 5)   # past the end
    assert audit.extends(chained, audit.GENESIS, -1) is False and audit.extends(chained, rows[0][0], -1) is False
    assert audit.head(chained) == (rows[3][0], 4)


def test_the_anchor_log_is_made_private_and_kept_appending(chained):
    """The first anchor makes the folder (owner only) and the log (owner only); the next ones append."""
    import shutil
    import stat

    log = audit.anchor_log(chained)
    shutil.rmtree(log.parent, ignore_errors=True)
    h, rows = audit.anchor(chained, "report 南京 2022")
    assert (h, rows) == audit.head(chained) and rows == 4
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700 and stat.S_IMODE(log.stat().st_mode) == 0o600
    audit.anchor(chained, "package")                                # the folder there: one more line
    assert [a["why"] for a in audit.anchors(chained)] == ["report 南京 2022", "package"]
    assert "report 南京 2022" in log.read_text(encoding="utf-8")    # a log people read too: Chinese as written
    audit.anchor(chained, "restore", restored=True)                 # a restore starts a new history
    assert [(a["why"], a.get("restore")) for a in audit.anchors(chained)] == [("restore", True)]
    assert len(log.read_text(encoding="utf-8").splitlines()) == 3


def test_the_values_checked_by_the_second_process_are_of_the_trail_they_were_asked_for(chained):
    """values_doubts reads the values table only while the trail still ends at the row asked for, and
    lists only the values that are not their place's last write (SQLite encodes notes and sources as
    audit.encode does, so they are not doubted)."""
    from app.models import audit_chain
    from app.models.values import set_text

    assert audit_chain.values_doubts(chained.conn, 4) == []
    assert audit_chain.values_doubts(chained.conn, 3) is None and audit_chain.values_doubts(chained.conn, 5) is None
    set_text(chained, "320100", "INV_GRANTS", "2024", "12")
    set_text(chained, "320100", "INV_GRANTS", "2023", "7", note="估，含“引号”\\与\n换行")
    set_text(chained, "320100", "INV_APPLICATIONS", "2023", "9", source="统计公报")
    last = chained.execute("select max(id) from audit").fetchone()[0]
    assert audit_chain.values_doubts(chained.conn, last) == []
    chained.conn.execute('update "values" set value = \'13\' where period = \'2024\'')
    assert audit_chain.values_doubts(chained.conn, last) == [("320100", "INV_GRANTS", "2024", "13", None, None,
                                                               '{"v":"12"}')]


def test_the_values_of_an_empty_trail_are_checked(empty_db):
    from app.models import audit_chain

    assert audit_chain.values_doubts(empty_db.conn, 0) == []
    assert audit_chain.values_doubts(empty_db.conn, 1) is None


def test_current_user_without_a_login_name(monkeypatch):
    import getpass

    def no_login():
        raise OSError("no login name")

    monkeypatch.delenv("IPDESK_USER", raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: "login-name")
    assert audit.current_user() == "login-name"
    monkeypatch.setattr(getpass, "getuser", no_login)
    assert audit.current_user() == "unknown"


@pytest.mark.parametrize("state", ["draft", "complete", "submitted", "approved", "locked"])
def test_describe_names_a_state_in_words(empty_db, state):
    from app.models.states import status_label

    diff = {"kind": "state", "region": "320100", "indicator": None, "period": "2024", "expected": state,
            "found": "draft" if state != "draft" else "complete"}
    res = audit.VerifyResult(False, 3, None, "data", [diff], 1, audit.GENESIS, 3, 0)
    for lang in ("zh", "en"):
        line = audit.describe(empty_db, res, lang)[1]
        assert status_label(state, lang) in line and (state not in line or status_label(state, lang) == state)
    assert audit.describe(empty_db, res)[1].startswith("南京市 2024 年：审计记录的状态为" + status_label(state, "zh"))


def test_the_anchor_log_on_another_disk_is_made_with_its_folders(chained, tmp_path, monkeypatch):
    monkeypatch.setenv("IPDESK_BACKUP_DIR", str(tmp_path / "other-disk" / "ipdesk"))
    audit.anchor(chained, "backup")
    assert audit.anchor_log(chained).parent.parent == tmp_path / "other-disk" / "ipdesk"
    assert [a["rows"] for a in audit.anchors(chained)] == [4]


def test_describe_shows_a_note_in_the_manner_of_each_language(empty_db):
    diff = {"kind": "value", "region": "320100", "indicator": "INV_GRANTS", "period": "2024",
            "expected": {"v": "12", "note": "估"}, "found": {"v": "12"}}
    res = audit.VerifyResult(False, 3, None, "data", [diff], 1, audit.GENESIS, 3, 0)
    assert "审计记录为 12（估），数据库中为 12" in audit.describe(empty_db, res)[1]
    assert "the trail says 12 (估), the store holds 12" in audit.describe(empty_db, res, "en")[1]


def test_anchor_lines_without_a_whole_count_and_hash_are_skipped(chained):
    """A line of the anchor log is a head only with a whole number of rows and a hash: a line missing either
    (a hand edit, a half-written line) is skipped, not compared (it would name an anchor never made) nor
    allowed to stop the verify."""
    import shutil

    log = audit.anchor_log(chained)
    shutil.rmtree(log.parent, ignore_errors=True)
    audit.anchor(chained, "report")
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps({"rows": 3, "hash": None, "why": "no hash"}) + "\n")
        f.write(json.dumps({"rows": "3", "hash": "ab" * 32, "why": "rows as text"}) + "\n")
        f.write("not json\n")
    assert [a["why"] for a in audit.anchors(chained)] == ["report"]
    res = audit.verify(chained)           # (the fixture's rows have no values behind them: data differences only)
    assert res.anchors == 1 and "anchor" not in [d["kind"] for d in res.differences] and res.reason == "data"


def test_a_difference_without_an_indicator_is_described_without_one(empty_db):
    """A rewritten trail explaining a region-year with no indicator: the explanation is named with its region
    and period, and no 'None' for the indicator it lacks."""
    with transaction(empty_db):
        audit.append(empty_db, [("x", "explain", "320100", None, "2024", None, "说明", "yoy")],
                     at="2024-01-01T00:00:00+08:00")
    res = audit.verify(empty_db)
    [d] = res.differences
    assert (d["kind"], d.get("indicator")) == ("explanation", None)
    line = audit.describe(empty_db, res)[1]
    assert line.startswith("南京市·") and "None" not in line and "2024" in line
