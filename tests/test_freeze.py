"""Approval freezes what it approved: with 江苏省 2023 approved, nothing below it changes for 2023
— set, import, receive, aggregate, explain — until an office head unlocks it.

The attack these stop (issue 13): with 320000 approved, city values still changed through ``set``
and ``receive``; the province's fingerprint changed but its report still printed 已审批.
"""
from __future__ import annotations

import pytest

from app.models import audit, review
from app.models.errors import LockedError
from app.models.findings import findings
from app.models.freeze import frozen_by, frozen_in
from app.models.values import Change, region_year_status, set_text, value_at, write_values
from app.services.fingerprint import fingerprint
from tests.test_cli import ipdesk, sql

PROVINCE, NANJING, XUANWU, SUZHOU, HANGZHOU = "320000", "320100", "320102", "320500", "330100"
HEAD = dict(user="demo-head", password="demo1234")
Y = 2023                    # the demo's 2023: every city submitted, the province submitted and clean


def approve_province(db):
    assert region_year_status(db, PROVINCE, Y) == "submitted" and region_year_status(db, NANJING, Y) == "submitted"
    review.approve(db, [(PROVINCE, Y)], why="年报审批", **HEAD)


def head(db):
    return audit.head(db)


def test_frozen_by_names_the_nearest_approved_ancestor_in_one_query(demo_db):
    assert frozen_by(demo_db, NANJING, Y) is None
    approve_province(demo_db)
    assert frozen_by(demo_db, NANJING, Y) == (PROVINCE, "approved")
    assert frozen_by(demo_db, XUANWU, Y) == (PROVINCE, "approved")           # two levels down
    assert frozen_by(demo_db, PROVINCE, Y) is None                           # its own lock is not 'below'
    assert frozen_by(demo_db, NANJING, Y + 1) is None                        # another year
    assert frozen_by(demo_db, HANGZHOU, Y) is None                           # another province
    assert frozen_by(demo_db, NANJING, 2022) == (PROVINCE, "approved")       # the demo's approved years
    assert frozen_by(demo_db, XUANWU, 2022) == (NANJING, "approved")         # the nearest: the city, approved too
    assert frozen_in(demo_db, [(XUANWU, 2022)]) == {(XUANWU, 2022): (NANJING, "approved")}
    queries = []
    demo_db.conn.set_trace_callback(queries.append)
    try:
        frozen_by(demo_db, XUANWU, Y)
    finally:
        demo_db.conn.set_trace_callback(None)
    assert len(queries) == 1
    # the batch form agrees with the one-region form
    pairs = [(NANJING, Y), (XUANWU, Y), (PROVINCE, Y), (NANJING, Y + 1), (HANGZHOU, Y)]
    assert frozen_in(demo_db, pairs) == {(NANJING, Y): (PROVINCE, "approved"), (XUANWU, Y): (PROVINCE, "approved")}


def test_set_below_an_approved_province_is_refused_and_allowed_after_unlock(demo_db):
    old = value_at(demo_db, NANJING, "INV_GRANTS", str(Y))
    set_text(demo_db, NANJING, "INV_GRANTS", str(Y), old)                    # before: allowed (unchanged)
    approve_province(demo_db)
    fp, doc, before = fingerprint(demo_db, PROVINCE, Y), review.document_state(demo_db, PROVINCE, Y), head(demo_db)
    assert doc.status == "approved" and doc.final
    with pytest.raises(LockedError) as exc:
        set_text(demo_db, NANJING, "INV_GRANTS", str(Y), str(int(old) + 1))
    assert exc.value.code == "frozen_below"
    assert "江苏省 2023 年已审批，其下级地区（南京市）的数据在解锁前不能修改" in exc.value.message("zh")
    with pytest.raises(LockedError):                                         # a district, two levels down
        set_text(demo_db, XUANWU, "INV_GRANTS", str(Y), "5")
    # nothing written: the value, the trail, the province's fingerprint and its report's state
    assert value_at(demo_db, NANJING, "INV_GRANTS", str(Y)) == old and value_at(demo_db, XUANWU, "INV_GRANTS", str(Y)) is None
    assert head(demo_db) == before and fingerprint(demo_db, PROVINCE, Y) == fp
    after = review.document_state(demo_db, PROVINCE, Y)
    assert after.status == "approved" and after.final
    # other years and other provinces are not frozen
    set_text(demo_db, NANJING, "INV_GRANTS", str(Y + 1), "20001")
    set_text(demo_db, HANGZHOU, "INV_GRANTS", str(Y), "7")
    # the head unlocks the province: the city may change again
    review.unlock(demo_db, PROVINCE, Y, why="南京市补报", **HEAD)
    set_text(demo_db, NANJING, "INV_GRANTS", str(Y), str(int(old) + 1))
    assert value_at(demo_db, NANJING, "INV_GRANTS", str(Y)) == str(int(old) + 1)
    assert audit.verify(demo_db).ok


def test_a_batch_touching_one_frozen_region_writes_nothing(demo_db):
    """An import: Hangzhou (free) and Suzhou (under the approved province) in one batch — all or nothing."""
    approve_province(demo_db)
    before = head(demo_db)
    batch = [Change(HANGZHOU, "INV_GRANTS", str(Y), "11"), Change(SUZHOU, "INV_GRANTS", str(Y), "12")]
    with pytest.raises(LockedError) as exc:
        write_values(demo_db, batch, action="import")
    assert "苏州市" in exc.value.message("zh") and "江苏省" in exc.value.message("zh")
    assert value_at(demo_db, HANGZHOU, "INV_GRANTS", str(Y)) is None and head(demo_db) == before


def test_explain_and_aggregate_below_an_approved_province_are_refused(demo_db):
    [f] = [f for f in findings(demo_db, PROVINCE, Y, below="children").items
           if f.region == "320600" and f.rule == "yoy" and f.indicator == "INV_APPLICATIONS"]
    assert review.explain_blockers(demo_db, f.region, Y, f.rule, f.indicator, f.period) == []     # before
    assert review.blockers(demo_db, NANJING, Y, "aggregate") == []
    approve_province(demo_db)
    [reason] = review.explain_blockers(demo_db, f.region, Y, f.rule, f.indicator, f.period)
    assert reason.code == "rv_frozen_below" and "江苏省 2023 年已审批，其下级地区（南通市）" in reason.message("zh")
    before = head(demo_db)
    with pytest.raises(review.Refused) as exc:
        review.explain(demo_db, f.region, Y, f.rule, f.indicator, "改写的说明", period=f.period)
    assert "不能为以下问题填写说明：南通市 2023 年" in exc.value.message("zh")
    with pytest.raises(review.Refused) as exc:
        review.check_aggregate(demo_db, NANJING, Y)
    assert [r.code for r in exc.value.reasons] == ["rv_frozen_below"]
    from app.models.aggregate import plan_aggregate

    assert plan_aggregate(demo_db, NANJING, Y).refusal is not None
    assert head(demo_db) == before
    review.unlock(demo_db, PROVINCE, Y, why="订正", **HEAD)
    assert review.explain_blockers(demo_db, f.region, Y, f.rule, f.indicator, f.period) == []
    assert review.blockers(demo_db, NANJING, Y, "aggregate") == []


def test_receiving_a_city_package_below_an_approved_province_is_refused(demo_file, tmp_path, monkeypatch):
    from app.services.package.receive import apply_receive, plan_receive
    from tests.test_package_roundtrip import Office

    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "default-keys"))
    city = Office(tmp_path, "city", NANJING, demo_file)
    prov = Office(tmp_path, "province", PROVINCE, demo_file)
    old = value_at(city.db, NANJING, "INV_GRANTS", str(Y))
    review.reopen(city.db, NANJING, Y, why="补报")
    set_text(city.db, NANJING, "INV_GRANTS", str(Y), str(int(old) + 17), why="补报")
    res = city.export(NANJING, Y)
    prov.trust(city, NANJING)
    approve_province(prov.db)
    fp, before = fingerprint(prov.db, PROVINCE, Y), head(prov.db)
    plan = plan_receive(prov.db, res.path)
    assert plan.state == "refused" and "江苏省 2023 年已审批，其下级地区（南京市）" in plan.refusal.message("zh")
    with pytest.raises(Exception) as exc:
        apply_receive(prov.db, res.path)
    assert "江苏省 2023 年已审批" in exc.value.message("zh")
    assert value_at(prov.db, NANJING, "INV_GRANTS", str(Y)) == old
    assert head(prov.db) == before and fingerprint(prov.db, PROVINCE, Y) == fp
    assert review.document_state(prov.db, PROVINCE, Y).final
    # after the unlock the same package is received
    review.unlock(prov.db, PROVINCE, Y, why="接收南京市补报", **HEAD)
    assert not apply_receive(prov.db, res.path).noop
    assert value_at(prov.db, NANJING, "INV_GRANTS", str(Y)) == str(int(old) + 17)


def test_cli_set_below_the_approved_province_is_one_chinese_line_and_exit_2(store):
    res = ipdesk("approve", "--region", PROVINCE, "--year", str(Y), "--user", "demo-head", "--password-stdin",
                 db=store, stdin="demo1234\n")
    assert res.returncode == 0, res.stderr
    old = sql(store, "select value from \"values\" where region=? and indicator='INV_GRANTS' and period=?",
              [NANJING, str(Y)])
    res = ipdesk("set", NANJING, "INV_GRANTS", str(Y), "1", db=store, lang="zh")
    assert res.returncode == 2 and "江苏省 2023 年已审批，其下级地区（南京市）的数据在解锁前不能修改" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert sql(store, "select value from \"values\" where region=? and indicator='INV_GRANTS' and period=?",
               [NANJING, str(Y)]) == old
