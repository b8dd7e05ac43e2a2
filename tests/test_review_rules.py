"""The review rules and the rules of roles, each on both sides: the cases a mutation run
(tools/mutate.py over app/models/review.py, workflow.py, freeze.py, aggregate.py) found
unpinned — a refusal's wording, the actor of an audit row, a batch approval of a region with
its subordinate, what a document says of a draft, who may manage users, the depth a freeze
looks up, what an aggregation reports.

Fast unit tests on copies of the demo store (no window): the mutation run runs them first.
"""
from __future__ import annotations

import sqlite3

import pytest

from app.models import audit, review, workflow
from app.models.aggregate import aggregate_into, apply_aggregate, plan_aggregate
from app.models.errors import AuthError, InputError, NotFoundError
from app.models.findings import findings
from app.models.freeze import frozen_by, frozen_in
from app.models.states import region_year_status
from app.models.values import delete_value, set_text

HEAD = dict(user="demo-head", password="demo1234")
PROVINCE, NANJING, XUZHOU = "320000", "320100", "320300"


def last_id(db):
    return db.execute("select coalesce(max(id), 0) from audit").fetchone()[0]


def rows_after(db, n):
    return db.execute("select who, action, region, period, old, new, why from audit where id > ? order by id",
                      [n]).fetchall()


def users(db):
    return dict(db.execute("select name, role from users"))


# ---------------------------------------------------------------- a refusal in words

def test_a_refusal_spells_out_eight_reasons_and_counts_a_ninth(demo_db):
    """江苏省 2024: its own unexplained sum and eight cities still drafts = nine reasons; eight
    are spelled out and the count says nine; with the sum explained, eight and no count."""
    reasons = review.blockers(demo_db, PROVINCE, 2024, "complete")
    assert len(reasons) == 9
    text = review.refusal(demo_db, "complete", PROVINCE, 2024, reasons).message("zh")
    assert all(r.message("zh") in text for r in reasons[:8]) and reasons[8].message("zh") not in text
    assert "等共 9 项" in text
    review.explain(demo_db, PROVINCE, 2024, "sum", "TM_REGISTRATIONS", "含省直属单位")
    reasons = review.blockers(demo_db, PROVINCE, 2024, "complete")
    assert len(reasons) == 8
    text = review.refusal(demo_db, "complete", PROVINCE, 2024, reasons).message("zh")
    assert all(r.message("zh") in text for r in reasons) and "等共" not in text
    assert "下级地区须至少为“已完成”" in text


def test_reasons_are_joined_in_the_users_language(demo_db):
    reasons = review.blockers(demo_db, PROVINCE, 2024, "complete")[:2]
    refused = review.refusal(demo_db, "complete", PROVINCE, 2024, reasons)
    zh, en = refused.message("zh"), refused.message("en")
    assert reasons[0].message("zh") + "；" + reasons[1].message("zh") in zh
    assert reasons[0].message("en") + "; " + reasons[1].message("en") in en
    assert "；" not in en and zh.startswith("不能标记为已完成江苏省 2024 年")


def test_a_rule_over_all_indicators_is_named_in_words(demo_db):
    """A finding over every indicator (Benford: indicator '*') names them in words, never '*'."""
    assert not [f for f in findings(demo_db, NANJING, 2024).at(NANJING, "*", "2024") if f.rule == "benford"]
    with pytest.raises(review.Refused) as exc:
        review.explain(demo_db, NANJING, 2024, "benford", "*", "数据真实")
    text = exc.value.message("zh")
    assert "全部计数类指标" in text and "没有该问题" in text and "*" not in text
    assert "all count indicators" in exc.value.message("en")


def test_explaining_for_an_unknown_region_is_not_found_and_writes_nothing(demo_db):
    n = last_id(demo_db)
    with pytest.raises(NotFoundError):
        review.explain(demo_db, "999999", 2024, "yoy", "INV_GRANTS", "无此地区")
    with pytest.raises(NotFoundError):               # a wrong code is named before the missing text
        review.explain(demo_db, "999999", 2024, "yoy", "INV_GRANTS", " ")
    with pytest.raises(InputError) as exc:           # a known region: then the text is asked for
        review.explain(demo_db, NANJING, 2024, "yoy", "INV_GRANTS", " ")
    assert exc.value.code == "why_needed"
    with pytest.raises(NotFoundError):
        review.explain(demo_db, NANJING, 2024, "yoy", "NO_SUCH_INDICATOR", "无此指标")
    assert last_id(demo_db) == n


# ---------------------------------------------------------------- who acts, and in one batch

def test_a_transition_is_audited_under_the_user_given_else_the_system_user(demo_db):
    n = last_id(demo_db)
    assert review.submit(demo_db, NANJING, 2024, who="李科员") == "complete"
    assert rows_after(demo_db, n) == [("李科员", "status", NANJING, "2024", "complete", "submitted", None)]
    n = last_id(demo_db)
    review.reopen(demo_db, NANJING, 2024, why="  补录  ")
    assert rows_after(demo_db, n) == [(audit.current_user(), "status", NANJING, "2024", "submitted", "draft", "补录")]
    assert audit.current_user() != "李科员"


def test_a_batch_approves_a_province_with_its_city_in_one_password(demo_db):
    """A region and its subordinate in one batch: one findings pass covers both, both approved."""
    assert (region_year_status(demo_db, PROVINCE, 2023), region_year_status(demo_db, NANJING, 2023)) == \
        ("submitted", "submitted")
    n = last_id(demo_db)
    assert review.approve(demo_db, [(NANJING, 2023), (PROVINCE, 2023), (NANJING, "2023")], why="年报审批", **HEAD) == 2
    assert (region_year_status(demo_db, PROVINCE, 2023), region_year_status(demo_db, NANJING, 2023)) == \
        ("approved", "approved")
    assert [(r[0], r[1], r[2], r[5]) for r in rows_after(demo_db, n)] == [
        ("demo-head", "status", NANJING, "approved"), ("demo-head", "status", PROVINCE, "approved")]


def test_a_batch_with_a_city_below_a_province_still_checks_the_city(demo_db):
    """The city shares the province's findings pass, and its own open findings still refuse the batch."""
    set_text(demo_db, XUZHOU, "INV_GRANTS", "2023", "1", why="试探")      # a fall: draft again, unexplained
    assert region_year_status(demo_db, XUZHOU, 2023) == "draft"
    before = demo_db.execute("select * from region_years order by region, year").fetchall()
    with pytest.raises(review.Refused) as exc:
        review.approve(demo_db, [(PROVINCE, 2023), (XUZHOU, 2023)], **HEAD)
    assert "徐州市" in exc.value.message("zh")
    assert demo_db.execute("select * from region_years order by region, year").fetchall() == before


# ---------------------------------------------------------------- what a document says

def test_a_clean_draft_is_not_final_and_says_why_complete_is(demo_db):
    doc = review.document_state(demo_db, NANJING, 2024)
    assert (doc.status, doc.final, doc.open_findings, doc.reasons) == ("complete", True, 0, [])
    review.reopen(demo_db, NANJING, 2024, why="补录")
    doc = review.document_state(demo_db, NANJING, 2024)
    assert (doc.status, doc.final, doc.open_findings) == ("draft", False, 0)
    assert doc.reasons == ["本单位尚未确认填报完成（仍为草稿）"]
    # the status an export records (a package: submitted) stands in for the stored one
    assert review.document_state(demo_db, NANJING, 2024, status="submitted").final


def test_a_document_counts_the_unexplained_findings_down_to_none(demo_db):
    doc = review.document_state(demo_db, XUZHOU, 2024)
    assert doc.reasons == ["本单位尚未确认填报完成（仍为草稿）", "2 个需说明问题未说明"] and doc.open_findings == 2
    f = findings(demo_db, XUZHOU, 2024).unexplained()[0]
    review.explain(demo_db, XUZHOU, 2024, f.rule, f.indicator, "已核实")
    assert review.document_state(demo_db, XUZHOU, 2024).reasons[1:] == ["1 个需说明问题未说明"]


# ---------------------------------------------------------------- users: actors, the last head, resets

def test_a_name_given_without_its_password_never_becomes_the_actor(empty_db):
    """A clerk and the first head need no one's password: a ``by`` name given with them was not
    verified, so the audit row names the system user (or ``who``), never ``by``."""
    n = last_id(empty_db)
    workflow.add_user(empty_db, "王处长", "head", "first-pass", by="冒充者", who="安装程序")
    workflow.add_user(empty_db, "小李", "clerk", "clerk-pass", by="王处长")
    assert [(r[0], r[5]) for r in rows_after(empty_db, n)] == [("安装程序", "王处长:head"),
                                                               (audit.current_user(), "小李:clerk")]
    n = last_id(empty_db)                                              # a head, verified: the head acts
    workflow.add_user(empty_db, "张处长", "head", "other-pass", by="王处长", by_password="first-pass")
    assert [(r[0], r[5]) for r in rows_after(empty_db, n)] == [("王处长", "张处长:head")]


def test_a_first_head_made_meanwhile_by_another_process_refuses_the_second_first_head(empty_db, tmp_path):
    """Two setups at once: the store had no head when this one looked, but another process wrote
    its first head before this one's transaction began; this one is refused, nothing written."""
    other = sqlite3.connect(empty_db.path, isolation_level=None)
    salt, digest, cost = workflow._new_hash("other-pass")

    def meanwhile(sql):
        if sql.strip().upper().startswith("BEGIN") and not users(other):
            other.execute("insert into users(name, role, salt, hash, n, r, p, created_at) values (?,?,?,?,?,?,?,?)",
                          ["先到者", "head", salt, digest, cost["n"], cost["r"], cost["p"], "now"])

    n = last_id(empty_db)
    empty_db.conn.set_trace_callback(meanwhile)
    try:
        with pytest.raises(AuthError) as exc:
            workflow.add_user(empty_db, "后到者", "head", "late-pass!")
    finally:
        empty_db.conn.set_trace_callback(None)
        other.close()
    assert exc.value.code == "head_needed"
    assert users(empty_db) == {"先到者": "head"} and last_id(empty_db) == n


def test_the_last_head_may_be_confirmed_as_head_but_not_made_a_clerk(demo_db):
    n = last_id(demo_db)
    assert workflow.set_role(demo_db, "demo-head", "head", by="demo-head", by_password="demo1234") == "head"
    assert last_id(demo_db) == n                                       # no change, no row
    with pytest.raises(InputError) as exc:
        workflow.set_role(demo_db, "demo-head", "clerk", by="demo-head", by_password="demo1234")
    assert exc.value.code == "last_head" and users(demo_db) == {"demo-head": "head"}
    workflow.add_user(demo_db, "二号", "head", "second-pass", by="demo-head", by_password="demo1234")
    assert workflow.set_role(demo_db, "demo-head", "clerk", by="二号", by_password="second-pass") == "head"
    assert users(demo_db) == {"demo-head": "clerk", "二号": "head"}


def test_resetting_the_password_of_an_unknown_user_is_refused_before_anything(demo_db):
    n = last_id(demo_db)
    with pytest.raises(NotFoundError):
        workflow.set_password(demo_db, "没有此人", "new-password", by="demo-head", by_password="demo1234")
    assert last_id(demo_db) == n
    with pytest.raises(NotFoundError):
        workflow.require_user(demo_db, "没有此人")
    workflow.require_user(demo_db, "demo-head")


def test_the_list_of_users_never_shows_a_hash(demo_db):
    workflow.add_user(demo_db, "小李", "clerk", "clerk-pass")
    listed = workflow.list_users(demo_db)
    assert [(u["name"], u["role"]) for u in listed] == [("demo-head", "head"), ("小李", "clerk")]
    assert all(set(u) == {"name", "role", "created_at", "n", "r", "p"} for u in listed)
    assert listed[1]["n"] == workflow.scrypt_cost()["n"]


def _store_cost(db, name, password, n, r, p):
    """A users row hashed at the cost given (an older store's, or a crafted one)."""
    salt = b"0123456789abcdef"
    db.execute("insert into users(name, role, salt, hash, n, r, p, created_at) values (?,?,?,?,?,?,?,?)",
               [name, "head", salt, workflow._hash(password, salt, n, r, p), n, r, p, "2020-01-01"])
    db.conn.commit()


@pytest.mark.parametrize("r, p, ok", [(workflow.MAX_COST["r"], 1, True), (workflow.MAX_COST["r"] + 1, 1, False),
                                      (8, workflow.MAX_COST["p"], True), (8, workflow.MAX_COST["p"] + 1, False),
                                      (0, 1, False), (8, 0, False)])
def test_a_stored_cost_is_used_within_its_bounds_and_refused_beyond(empty_db, r, p, ok):
    """r ≤ 32 and p ≤ 4 verify (then re-hashed at today's cost); one more, or 0, is refused unread."""
    if ok:
        _store_cost(empty_db, "x", "pass-word", 2, r, p)
        assert workflow.authenticate(empty_db, "x", "pass-word", role="head") == "head"
        return
    empty_db.execute("insert into users(name, role, salt, hash, n, r, p, created_at)"
                     " values ('x', 'head', x'00', x'00', 2, ?, ?, 'now')", [r, p])
    empty_db.conn.commit()
    with pytest.raises(AuthError) as exc:
        workflow.authenticate(empty_db, "x", "pass-word", role="head")
    assert exc.value.code == "bad_hash"


@pytest.mark.parametrize("n, r, p", [(3, 8, 1), (1, 8, 1), (2**16, 1, 1)])
def test_a_stored_cost_scrypt_cannot_compute_is_a_bad_hash_and_audited(demo_db, n, r, p):
    demo_db.execute("update users set n = ?, r = ?, p = ? where name = 'demo-head'", [n, r, p])
    demo_db.conn.commit()
    k = last_id(demo_db)
    with pytest.raises(AuthError) as exc:
        review.unlock(demo_db, PROVINCE, 2022, why="订正", **HEAD)
    assert exc.value.code == "bad_hash"
    assert [r[1] for r in rows_after(demo_db, k)] == ["auth_failed"]


def test_a_login_at_todays_cost_is_not_rehashed(empty_db):
    cost = workflow.scrypt_cost()
    _store_cost(empty_db, "今", "pass-word", cost["n"], cost["r"], cost["p"])
    n = last_id(empty_db)
    workflow.authenticate(empty_db, "今", "pass-word")
    assert last_id(empty_db) == n
    assert empty_db.execute("select salt from users").fetchone()[0] == b"0123456789abcdef"


# ---------------------------------------------------------------- the low-level writer

def test_set_status_writes_the_open_states_and_refuses_blocking_and_locked(demo_db):
    n = last_id(demo_db)
    with pytest.raises(InputError) as exc:                              # one blocking finding: refused
        workflow.set_status(demo_db, NANJING, 2024, "submitted", blocking=1)
    assert exc.value.code == "blocking_left" and region_year_status(demo_db, NANJING, 2024) == "complete"
    assert last_id(demo_db) == n
    assert workflow.set_status(demo_db, NANJING, 2024, "submitted", blocking=0, user="李科员") == "complete"
    assert region_year_status(demo_db, NANJING, 2024) == "submitted"
    assert rows_after(demo_db, n) == [("李科员", "status", NANJING, "2024", "complete", "submitted", None)]
    assert workflow.set_status(demo_db, NANJING, 2024, "draft", blocking=3) == "submitted"    # back: allowed
    n = last_id(demo_db)
    for locked in ("approved", "locked"):                               # only review.approve reaches them
        with pytest.raises(AuthError):
            workflow.set_status(demo_db, NANJING, 2024, locked, user="demo-head", password="demo1234")
    assert region_year_status(demo_db, NANJING, 2024) == "draft"
    with pytest.raises(InputError) as exc:                              # approved: only an unlock opens it
        workflow.set_status(demo_db, PROVINCE, 2022, "draft")
    assert exc.value.code == "bad_transition" and region_year_status(demo_db, PROVINCE, 2022) == "approved"
    with pytest.raises(InputError):
        workflow.set_status(demo_db, NANJING, 2024, "done")
    assert last_id(demo_db) == n


# ---------------------------------------------------------------- the freeze looks up 32 levels, both forms

def _chain(db, depth, year=2024):
    """A top region approved in ``year`` and a chain of ``depth`` regions below it, each the parent of the next."""
    db.execute("insert into regions(code, parent, level, name_zh) values ('T0', null, 'unit', '顶')")
    for i in range(1, depth + 1):
        db.execute("insert into regions(code, parent, level, name_zh) values (?, ?, 'unit', ?)",
                   [f"T{i}", f"T{i - 1}", f"第{i}级"])
    db.execute("insert into region_years(region, year, status, updated_by, updated_at)"
               " values ('T0', ?, 'approved', 'x', 'now')", [year])
    db.conn.commit()


def test_a_freeze_reaches_32_levels_down_in_both_forms_and_stops_there(empty_db):
    _chain(empty_db, 34)
    assert frozen_by(empty_db, "T2", 2024) == ("T0", "approved")                  # a grandchild
    assert frozen_by(empty_db, "T32", 2024) == ("T0", "approved")
    assert frozen_by(empty_db, "T33", 2024) is None
    pairs = [(f"T{i}", 2024) for i in range(35)]
    assert frozen_in(empty_db, pairs) == {p: frozen_by(empty_db, *p) for p in pairs if frozen_by(empty_db, *p)}
    assert set(frozen_in(empty_db, pairs)) == {(f"T{i}", 2024) for i in range(1, 33)}
    assert frozen_in(empty_db, [("T2", 2023)]) == {} and frozen_by(empty_db, "T2", 2023) is None


def test_a_cycle_of_parents_ends_the_lookup(empty_db):
    """A crafted regions table whose parents form a loop: both forms end (bounded), nothing frozen."""
    empty_db.execute("insert into regions(code, parent, level, name_zh) values ('A', null, 'unit', '甲')")
    empty_db.execute("insert into regions(code, parent, level, name_zh) values ('B', 'A', 'unit', '乙')")
    empty_db.execute("update regions set parent = 'B' where code = 'A'")
    _chain(empty_db, 1)                                                           # a locked year exists
    assert frozen_by(empty_db, "A", 2024) is None
    assert frozen_in(empty_db, [("A", 2024), ("B", 2024)]) == {}


# ---------------------------------------------------------------- an aggregation reports what it wrote

def test_aggregate_into_returns_what_it_wrote_and_the_result_says_what_it_kept(demo_db):
    """Jiangsu 2023 (every city submitted): its own figure deleted is written anew (1), the
    province's own figures that differ from the sums are kept and reported."""
    delete_value(demo_db, PROVINCE, "INV_GRANTS", "2023", why="重算")
    plan_kept = [i.indicator for i in plan_aggregate(demo_db, PROVINCE, 2023).conflicts]
    n = last_id(demo_db)
    assert aggregate_into(demo_db, PROVINCE, 2023) == 1
    assert [r[1] for r in rows_after(demo_db, n)] == ["aggregate"]
    delete_value(demo_db, PROVINCE, "INV_GRANTS", "2023", why="重算")
    d = apply_aggregate(demo_db, PROVINCE, 2023).to_dict()
    assert d["written"] == 1 and [k["indicator"] for k in d["kept"]] == plan_kept
    assert d["region"] == PROVINCE and d["counts"]["new"] == 1


def test_apply_aggregate_itself_refuses_drafts_below_without_an_override(demo_db):
    """The service refuses on its own (not only the CLI's dry run): Jiangsu 2024 with eight
    cities still drafts is not summed — Refused naming one, nothing written; with the head's
    override it is."""
    delete_value(demo_db, PROVINCE, "INV_GRANTS", "2024", why="重算")
    n = last_id(demo_db)
    with pytest.raises(review.Refused) as exc:
        apply_aggregate(demo_db, PROVINCE, 2024)
    assert "徐州市仍为“草稿”" in exc.value.message("zh") and last_id(demo_db) == n
    with pytest.raises(review.Refused):
        aggregate_into(demo_db, PROVINCE, 2024, take_sums=True)
    assert last_id(demo_db) == n
    review.override(demo_db, PROVINCE, 2024, why="先行汇总", **HEAD)
    assert apply_aggregate(demo_db, PROVINCE, 2024).written == 1


# ---------------------------------------------------------------- found by a second sample (--seed 13)

def test_aggregate_sums_each_additive_indicator_over_every_city(demo_db):
    from app.models.aggregate import aggregate
    from app.models.catalogue import children
    from app.models.values import get_values

    cities = list(children(demo_db, PROVINCE, 2023))
    vals = get_values(demo_db, regions=cities, indicators=["INV_GRANTS"], year_from=2023, year_to=2023)
    sums = aggregate(demo_db, PROVINCE, 2023)
    assert sums["INV_GRANTS"] == (sum(vals[(c, "INV_GRANTS", "2023")] for c in cities), 13)
    assert aggregate(demo_db, PROVINCE, 2023, period="2023Q1") == {}           # no city holds a quarter


def test_a_transition_of_an_unknown_region_is_not_found_and_writes_nothing(demo_db):
    n = last_id(demo_db)
    for action in (review.complete, review.submit):
        with pytest.raises(NotFoundError):
            action(demo_db, "999999", 2024)
    assert last_id(demo_db) == n and not demo_db.execute("select 1 from region_years where region = '999999'").fetchone()


def test_an_explanation_is_for_the_period_it_names_never_moved_to_the_year(demo_db):
    f = findings(demo_db, XUZHOU, 2024).unexplained()[0]
    assert f.period == "2024"
    with pytest.raises(review.Refused) as exc:                         # no such finding in the quarter
        review.explain(demo_db, XUZHOU, 2024, f.rule, f.indicator, "一季度说明", period="2024Q1")
    assert "没有该问题" in exc.value.message("zh")
    assert len(findings(demo_db, XUZHOU, 2024).unexplained()) == 2
    review.explain(demo_db, XUZHOU, 2024, f.rule, f.indicator, "全年说明")  # no period: the year's
    assert len(findings(demo_db, XUZHOU, 2024).unexplained()) == 1


def test_a_document_counts_what_is_open_below_the_region_too(demo_db):
    """江苏省 2024 with its own finding explained: the cities' open findings still count on its documents."""
    review.explain(demo_db, PROVINCE, 2024, "sum", "TM_REGISTRATIONS", "含省直属单位")
    fs = findings(demo_db, PROVINCE, 2024, below="children")
    assert fs.open(PROVINCE) == [] and fs.open(everywhere=True)
    doc = review.document_state(demo_db, PROVINCE, 2024)
    assert doc.open_findings == len(fs.open(everywhere=True)) > 0 and not doc.final
    assert any("需说明问题未说明" in r for r in doc.reasons)
