"""Roles that hold: who may add a head, change a role or reset a password; what a password costs.

The attack these stop: a clerk running ``ipdesk user add me --role head`` on a store that has
a head, then unlocking, editing and re-approving with an audit trail that reads as legitimate.
"""
from __future__ import annotations

import re

import pytest

from app.models import audit, review, workflow
from app.models.errors import AuthError, InputError
from tests.test_cli import ipdesk, sql

HEAD = ("demo-head", "demo1234")


def rows_after(db, n):
    """The trail's rows after row ``n``; a user row's password digest (``credential NAME:<16 hex>``, checked by
    tests/test_audit_registers.py) shown as ``credential NAME``."""
    return [(*row[:4], re.sub(r"credential (.*):[0-9a-f]{16}$", r"credential \1", row[4]) if row[4] else row[4])
            for row in db.execute("select who, action, old, new, why from audit where id > ? order by id", [n])]


def last_id(db):
    return db.execute("select coalesce(max(id), 0) from audit").fetchone()[0]


def users(db):
    return dict(db.execute("select name, role from users"))


# ---------------------------------------------------------------- the first head, then heads authorize

def test_the_first_head_is_added_once_without_anyone_then_heads_authorize(empty_db):
    db = empty_db
    assert not workflow.has_heads(db)
    workflow.add_user(db, "王处长", "head", "first-pass")            # setup: no head yet
    assert users(db) == {"王处长": "head"}
    [row] = rows_after(db, 0)
    assert row == (audit.current_user(), "user_add", None, "王处长:head", "first office head (setup); credential 王处长")
    [(why,)] = db.execute("select why from audit where action = 'user_add'")
    assert re.fullmatch(r"first office head \(setup\); credential 王处长:[0-9a-f]{16}", why)   # a digest, not the hash

    n = last_id(db)
    with pytest.raises(AuthError) as exc:                              # the second needs a head
        workflow.add_user(db, "李四", "head", "second-pass")
    assert exc.value.code == "head_needed" and "现有单位负责人" in exc.value.message("zh")
    assert users(db) == {"王处长": "head"}
    assert rows_after(db, n) == [(audit.current_user(), "auth_failed", "李四:head", "user_add", "head_needed")]

    n = last_id(db)
    with pytest.raises(AuthError) as exc:                              # a wrong password of the head
        workflow.add_user(db, "李四", "head", "second-pass", by="王处长", by_password="first-pasS")
    assert exc.value.code == "bad_password" and users(db) == {"王处长": "head"}
    assert rows_after(db, n) == [("王处长", "auth_failed", "李四:head", "user_add", "bad_password")]

    n = last_id(db)
    workflow.add_user(db, "李四", "head", "second-pass", by="王处长", by_password="first-pass")
    assert users(db) == {"王处长": "head", "李四": "head"}
    assert rows_after(db, n) == [("王处长", "user_add", None, "李四:head", "credential 李四")]   # the authorizing head acts
    assert workflow.authenticate(db, "李四", "second-pass", role="head") == "head"
    assert audit.verify(db).ok


def test_a_clerk_needs_no_head_and_cannot_authorize_a_head(demo_db):
    n = last_id(demo_db)
    workflow.add_user(demo_db, "小张", "clerk", "clerk-pass")         # no one's password
    assert rows_after(demo_db, n) == [(audit.current_user(), "user_add", None, "小张:clerk", "credential 小张")]
    n = last_id(demo_db)
    with pytest.raises(AuthError) as exc:                              # the right password, but a clerk
        workflow.add_user(demo_db, "小张2", "head", "clerk-pass", by="小张", by_password="clerk-pass")
    assert exc.value.code == "not_head" and "小张2" not in users(demo_db)
    assert rows_after(demo_db, n) == [("小张", "auth_failed", "小张2:head", "user_add", "not_head")]
    with pytest.raises(AuthError):                                    # an unknown name
        workflow.add_user(demo_db, "小张2", "head", "clerk-pass", by="nobody", by_password="whatever1")
    assert rows_after(demo_db, n)[-1] == ("nobody", "auth_failed", "小张2:head", "user_add", "unknown_user")


def test_the_attack_a_clerk_making_itself_head_on_the_command_line_is_refused(store):
    """The attack of the issue, run for real: a head exists (the demo's), the clerk has no password of it."""
    before = sql(store, "select count(*) from audit")[0][0]
    res = ipdesk("user", "add", "me", "--role", "head", "--password-stdin", db=store, lang="zh", stdin="mine-1234\n")
    assert res.returncode == 2 and "现有单位负责人" in res.stderr and "Traceback" not in res.stderr
    assert sql(store, "select name from users where name = 'me'") == []
    # the attempt itself is on the trail
    assert sql(store, "select action, new, why from audit where id > ?", [before]) == [
        ("auth_failed", "user_add", "head_needed")]
    # and it cannot unlock with the password it chose
    res = ipdesk("unlock", "--region", "320000", "--year", "2022", "--user", "me", "--password-stdin",
                 "--why", "x", db=store, stdin="mine-1234\n")
    assert res.returncode == 2
    assert sql(store, "select status from region_years where region='320000' and year=2022") == [("approved",)]


def test_cli_two_password_lines_new_users_first_then_the_heads(store):
    res = ipdesk("user", "add", "李四", "--role", "head", "--by", "demo-head", "--password-stdin", db=store,
                 stdin="lisi-pass\ndemo1234\n")
    assert res.returncode == 0, res.stderr
    assert sql(store, "select role from users where name = '李四'") == [("head",)]
    # the lines the other way round: the head's password taken as the new user's, the new one as the head's
    res = ipdesk("user", "add", "王五", "--role", "head", "--by", "demo-head", "--password-stdin", db=store,
                 stdin="demo1234\nwangwu-pass\n")
    assert res.returncode == 2 and sql(store, "select 1 from users where name = '王五'") == []
    res = ipdesk("user", "role", "李四", "clerk", "--by", "demo-head", "--password-stdin", db=store,
                 stdin="demo1234\n")
    assert res.returncode == 0 and sql(store, "select role from users where name = '李四'") == [("clerk",)]
    res = ipdesk("user", "passwd", "李四", "--by", "demo-head", "--password-stdin", db=store,
                 stdin="new-lisi-pass\ndemo1234\n")
    assert res.returncode == 0, res.stderr
    last = sql(store, "select who, action, new from audit order by id desc limit 4")
    assert last == [("demo-head", "user_passwd", "李四"), ("demo-head", "user_role", "李四:clerk"),
                    ("demo-head", "auth_failed", "user_add"), ("demo-head", "user_add", "李四:head")]
    res = ipdesk("user", "list", "--json", db=store)
    assert {u["name"]: u["role"] for u in __import__("json").loads(res.stdout)} == {"demo-head": "head",
                                                                                   "李四": "clerk"}


# ---------------------------------------------------------------- roles and passwords

def test_changing_a_role_needs_a_head_and_keeps_the_last_head(demo_db):
    workflow.add_user(demo_db, "小张", "clerk", "clerk-pass")
    n = last_id(demo_db)
    with pytest.raises(AuthError):
        workflow.set_role(demo_db, "小张", "head", by="小张", by_password="clerk-pass")     # promoting oneself
    with pytest.raises(AuthError):
        workflow.set_role(demo_db, "小张", "head", by=None, by_password=None)
    assert users(demo_db)["小张"] == "clerk"
    assert [r[1] for r in rows_after(demo_db, n)] == ["auth_failed", "auth_failed"]
    with pytest.raises(InputError) as exc:                             # the last head stays a head
        workflow.set_role(demo_db, "demo-head", "clerk", by=HEAD[0], by_password=HEAD[1])
    assert exc.value.code == "last_head" and users(demo_db)["demo-head"] == "head"
    n = last_id(demo_db)
    assert workflow.set_role(demo_db, "小张", "head", by=HEAD[0], by_password=HEAD[1]) == "clerk"
    assert rows_after(demo_db, n) == [("demo-head", "user_role", "小张:clerk", "小张:head", None)]
    # with a second head, the first may step down
    assert workflow.set_role(demo_db, "demo-head", "clerk", by="小张", by_password="clerk-pass") == "head"
    with pytest.raises(AuthError):
        review.unlock(demo_db, "320000", 2022, user="demo-head", password="demo1234", why="订正")


def test_resetting_a_password_needs_a_head_and_never_writes_it(demo_db):
    workflow.add_user(demo_db, "小张", "clerk", "clerk-pass")
    with pytest.raises(AuthError):
        workflow.set_password(demo_db, "小张", "other-pass", by="小张", by_password="clerk-pass")
    assert workflow.authenticate(demo_db, "小张", "clerk-pass") == "clerk"
    with pytest.raises(AuthError):                                  # a head's password reset by a clerk
        workflow.set_password(demo_db, "demo-head", "taken-over", by="小张", by_password="clerk-pass")
    assert workflow.authenticate(demo_db, "demo-head", "demo1234") == "head"
    n = last_id(demo_db)
    workflow.set_password(demo_db, "小张", "other-pass", by=HEAD[0], by_password=HEAD[1])
    with pytest.raises(AuthError):
        workflow.authenticate(demo_db, "小张", "clerk-pass")
    assert workflow.authenticate(demo_db, "小张", "other-pass") == "clerk"
    assert rows_after(demo_db, n)[0] == ("demo-head", "user_passwd", None, "小张", "credential 小张")
    trail = " ".join(str(v) for row in demo_db.execute("select * from audit") for v in row)
    assert "other-pass" not in trail and "clerk-pass" not in trail


def test_passwords_of_seven_characters_are_refused_eight_accepted(empty_db):
    with pytest.raises(InputError) as exc:
        workflow.add_user(empty_db, "a", "head", "1234567")
    assert exc.value.code == "weak_password" and "8 个字符" in exc.value.message("zh")
    assert users(empty_db) == {}
    workflow.add_user(empty_db, "a", "head", "12345678")
    with pytest.raises(InputError):
        workflow.set_password(empty_db, "a", "7-chars", by="a", by_password="12345678")
    workflow.set_password(empty_db, "a", "8-chars!", by="a", by_password="12345678")
    assert workflow.authenticate(empty_db, "a", "8-chars!") == "head"


# ---------------------------------------------------------------- the cost

def test_without_the_test_override_the_production_cost_is_used(monkeypatch):
    assert workflow.scrypt_cost() == workflow.TEST_SCRYPT             # (this suite's conftest)
    monkeypatch.delenv(workflow.TEST_COST_ENV)
    cost = workflow.scrypt_cost()
    assert cost["n"] >= 2**17 and cost["r"] >= 8 and cost["p"] >= 1
    # the variable alone, outside a running test, does not lower it either
    monkeypatch.setenv(workflow.TEST_COST_ENV, "1")
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    assert workflow.scrypt_cost() == workflow.SCRYPT


def test_a_production_hash_is_stored_with_its_cost_and_verifies(empty_db, monkeypatch):
    monkeypatch.delenv(workflow.TEST_COST_ENV)
    workflow.add_user(empty_db, "a", "head", "long-enough")           # (≈0.35 s: the real cost, once)
    n, r, p, salt, h = empty_db.execute("select n, r, p, salt, hash from users").fetchone()
    assert (n, r, p) == (workflow.SCRYPT["n"], workflow.SCRYPT["r"], workflow.SCRYPT["p"]) and n >= 2**17
    assert len(salt) == 16 and len(h) == 32
    assert workflow.authenticate(empty_db, "a", "long-enough") == "head"


def _store_weak(db, name, password, n):
    salt = b"0123456789abcdef"
    db.execute("insert into users(name, role, salt, hash, n, r, p, created_at) values (?,?,?,?,?,?,?,?)",
               [name, "head", salt, workflow._hash(password, salt, n, 8, 1), n, 8, 1, "2020-01-01"])
    db.conn.commit()


def test_an_old_weaker_hash_verifies_and_is_rehashed_at_the_next_login(empty_db):
    _store_weak(empty_db, "老王", "old-password", 2**8)
    n0 = last_id(empty_db)
    with pytest.raises(AuthError):                                    # a wrong password changes nothing
        workflow.authenticate(empty_db, "老王", "old-passworD")
    assert empty_db.execute("select n from users").fetchone()[0] == 2**8 and last_id(empty_db) == n0
    assert workflow.authenticate(empty_db, "老王", "old-password") == "head"
    n, salt = empty_db.execute("select n, salt from users").fetchone()
    assert n == workflow.scrypt_cost()["n"] > 2**8 and salt != b"0123456789abcdef"
    assert rows_after(empty_db, n0) == [("老王", "rehash", "n=256 r=8 p=1", f"n={n} r=8 p=1", "credential 老王")]
    assert workflow.authenticate(empty_db, "老王", "old-password") == "head"
    assert last_id(empty_db) == n0 + 1                                # once
    # a hash at a higher cost than today's is kept as it is
    _store_weak(empty_db, "高", "high-password", 2 * workflow.scrypt_cost()["n"])
    workflow.authenticate(empty_db, "高", "high-password")
    assert empty_db.execute("select n from users where name = '高'").fetchone()[0] == 2 * workflow.scrypt_cost()["n"]


def test_a_crafted_cost_in_the_users_table_is_refused_not_computed(empty_db):
    """n=2**30 would make scrypt allocate a terabyte: the login is refused before any hashing."""
    empty_db.execute("insert into users(name, role, salt, hash, n, r, p, created_at) values "
                     "('x', 'head', x'00', x'00', ?, 8, 1, 'now')", [2**30])
    empty_db.conn.commit()
    with pytest.raises(AuthError) as exc:
        workflow.authenticate(empty_db, "x", "whatever1")
    assert exc.value.code == "bad_hash"


# ---------------------------------------------------------------- the window: the first head, then the head's dialog

def test_the_window_offers_the_first_head_only_when_there_is_none(qtbot, empty_db):
    pytest.importorskip("PySide6")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from app.ui.dialogs import NewHeadDialog
    from app.ui.main import make_app
    from app.ui.main_window import MainWindow

    make_app()
    w = MainWindow(empty_db, region="320000", year=2024)
    qtbot.addWidget(w)
    asked = []

    def fill_in():
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, NewHeadDialog):
            QTimer.singleShot(20, fill_in)
            return
        asked.append(dlg)
        dlg.name.setText("王处长")
        dlg.p1.setText("first-pass")
        dlg.p2.setText("first-pass")
        dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok).click()

    QTimer.singleShot(0, fill_in)
    assert w._ensure_head() and len(asked) == 1 and users(empty_db) == {"王处长": "head"}
    assert w._ensure_head() and len(asked) == 1                       # a head exists: not offered again


# ---------------------------------------------------------------- audit actors are the users who act here

def test_a_received_explanation_is_audited_under_the_receiving_user_not_the_senders_name(demo_file, tmp_path,
                                                                                          monkeypatch):
    """A package names its explanations' author; that name is kept as the author, but the audit row's
    actor is the user who received it here — a sender cannot write a name of its choice into our trail."""
    from app.models.findings import findings
    from app.services.package.receive import apply_receive
    from tests.test_package_roundtrip import Office

    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "default-keys"))
    xuzhou = "320300"
    city = Office(tmp_path, "city", xuzhou, demo_file)
    prov = Office(tmp_path, "province", "320000", demo_file)
    for f in findings(city.db, xuzhou, 2024).unexplained(xuzhou):
        review.explain(city.db, xuzhou, 2024, f.rule, f.indicator, "已核实：新设企业集中登记", period=f.period,
                       who="demo-head")                    # a name the receiver also knows — as a sender might
    res = city.export(xuzhou, 2024)
    prov.trust(city, xuzhou)
    n = last_id(prov.db)
    apply_receive(prov.db, res.path, who="省局收件人")
    rows = prov.db.execute("select who from audit where id > ? and action = 'explain'", [n]).fetchall()
    assert rows and {w for w, in rows} == {"省局收件人"}
    authors = prov.db.execute("select distinct author from explanations where region = ? and text like '已核实%'",
                              [xuzhou]).fetchall()
    assert authors == [("demo-head",)]
