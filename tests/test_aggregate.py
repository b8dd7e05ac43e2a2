"""``aggregate`` is a dry run first; the region's own figures are conflicts, never overwritten
unasked. (Seen: the province's own 商标注册量 514,709 overwritten by the cities' sum 499,717
without a word.) The demo plants exactly that: Jiangsu 2024 TM_REGISTRATIONS is 3 % above its
cities' sum."""
from __future__ import annotations

import hashlib
import json

import pytest

from app.cli import main
from app.models import audit
from app.models.aggregate import SOURCE, apply_aggregate, plan_aggregate
from app.models.db import meta_get, open_store
from app.models.values import delete_value, get_values, set_text

PROV, YEAR, TM = "320000", 2024, "TM_REGISTRATIONS"
CITIES = [f"32{n:02d}00" for n in range(1, 14)]


@pytest.fixture
def store(store):
    """The demo store with the head's override recorded for Jiangsu 2024: eight cities are still
    drafts there, and the review service refuses to sum drafts without it (tested below)."""
    from app.models.review import override

    db = open_store(store)
    override(db, PROV, YEAR, user="demo-head", password="demo1234", why="先行汇总，城市数据待确认")
    db.conn.close()
    return store


@pytest.fixture
def demo_db(demo_db):
    from app.models.review import override

    override(demo_db, PROV, YEAR, user="demo-head", password="demo1234", why="先行汇总，城市数据待确认")
    return demo_db


def test_drafts_below_refuse_apply_but_the_dry_run_shows(demo_file, tmp_path, capsys):
    """Without the head's override, cities still in 草稿 refuse --apply (nothing written); the dry
    run still shows the plan and says why it cannot be applied."""
    import shutil

    path = tmp_path / "s.sqlite"
    shutil.copy(demo_file, path)
    db = open_store(path)
    before = _snapshot(db)
    rc, out, err = ipdesk(path, capsys=capsys)
    assert rc == 0 and "冲突（本级自填）" in out and "徐州市仍为“草稿”" in err
    rc, out, err = ipdesk(path, "--apply", "--take-sums", capsys=capsys)
    assert rc == 2 and "徐州市仍为“草稿”" in err and "TM_REGISTRATIONS" not in err
    assert _snapshot(db) == before


def _snapshot(db):
    return (meta_get(db, "audit_head"), db.execute("select count(*) from audit").fetchone()[0],
            db.execute('select * from "values" order by region, indicator, period').fetchall(),
            db.execute("select * from region_years order by region, year").fetchall())


def _stored(db, indicator=TM, region=PROV):
    return db.execute('select value, note, source from "values" where region=? and indicator=? and period=?',
                      [region, indicator, str(YEAR)]).fetchone()


def _sum(db, indicator=TM):
    v = get_values(db, regions=CITIES, indicators=[indicator], year_from=YEAR, year_to=YEAR)
    return str(sum(v[(c, indicator, str(YEAR))] for c in CITIES))


def ipdesk(store, *args, capsys):
    capsys.readouterr()
    rc = main(["aggregate", "--db", str(store), "--region", PROV, "--year", str(YEAR), *args])
    out, err = capsys.readouterr()
    return rc, out, err


def test_dry_run_lists_the_own_figure_as_a_conflict_and_writes_nothing(store, capsys):
    db = open_store(store)
    before = _snapshot(db)
    with open(store, "rb") as f:
        bytes_before = hashlib.sha256(f.read()).hexdigest()
    rc, out, err = ipdesk(store, capsys=capsys)
    assert rc == 0, err
    assert "冲突（本级自填）\t商标注册量\t2024\t本级 514709" in out and "下级合计 499717" in out
    assert "新增 0，修改 0，未变 15，冲突 1" in out and "试运行，未写入" in out and "--take-sums" in out
    assert TM not in out                      # names, not catalogue codes
    assert _snapshot(db) == before
    with open(store, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == bytes_before
    rc, out, _ = ipdesk(store, "--json", capsys=capsys)
    [plan] = json.loads(out)
    assert plan["applied"] is False and plan["counts"]["conflict"] == 1 and plan["written"] == 0
    assert [(i["indicator"], i["kind"], i["old"], i["new"]) for i in plan["items"]] == [(TM, "conflict", "514709", "499717")]


def test_apply_keeps_the_own_figure_and_says_so(store, capsys):
    db = open_store(store)
    set_text(db, PROV, TM, str(YEAR), "514709", note="含外省代理机构", why="本级数")
    before = _snapshot(db)
    rc, out, err = ipdesk(store, "--apply", capsys=capsys)
    assert rc == 0, err
    assert "已保留未覆盖" in out and "商标注册量 514709（合计 499717）" in out and "--take-sums" in out
    assert _snapshot(db) == before and _stored(db)[:2] == ("514709", "含外省代理机构")


def test_take_sums_replaces_the_own_figure_audited_and_without_its_note(store, capsys):
    db = open_store(store)
    set_text(db, PROV, TM, str(YEAR), "514709", note="含外省代理机构", why="本级数")
    rc, out, err = ipdesk(store, "--apply", "--take-sums", capsys=capsys)
    assert rc == 0, err
    assert "已汇总 1 个数值" in out
    assert _stored(db) == ("499717", "", SOURCE)
    last = audit.history(db, PROV, TM, str(YEAR))[-1]
    assert (last["action"], last["who"]) == ("aggregate", "tester") and "replacing the region's own figure" in last["why"]
    assert audit.decode(last["old"])["v"] == "514709" and audit.verify(db).ok


def test_a_sum_written_before_is_changed_but_a_typed_one_is_the_regions(demo_db):
    apply_aggregate(demo_db, PROV, YEAR, take_sums=True)
    # a city corrects its figure: the earlier sum is the aggregation's own, replaced by --apply
    set_text(demo_db, "320100", TM, str(YEAR), str(int(_stored(demo_db, region="320100")[0]) + 10), why="订正")
    plan = plan_aggregate(demo_db, PROV, YEAR)
    [item] = [i for i in plan.items if i.kind != "unchanged"]
    assert (item.kind, item.old, item.new) == ("changed", "499717", "499727")
    assert apply_aggregate(demo_db, PROV, YEAR).written == 1 and _stored(demo_db)[0] == "499727"
    # the province types over the sum: the source still says Σ, but the figure is now its own
    set_text(demo_db, PROV, TM, str(YEAR), "500000", why="本级核定")
    assert _stored(demo_db)[2] == SOURCE
    assert [i.kind for i in plan_aggregate(demo_db, PROV, YEAR).items if i.indicator == TM] == ["conflict"]
    assert apply_aggregate(demo_db, PROV, YEAR).written == 0 and _stored(demo_db)[0] == "500000"


def test_own_figure_equal_to_the_sum_is_no_conflict_one_off_is(demo_db):
    total = _sum(demo_db)
    set_text(demo_db, PROV, TM, str(YEAR), total, why="本级")
    assert [i.kind for i in plan_aggregate(demo_db, PROV, YEAR).items if i.indicator == TM] == ["unchanged"]
    set_text(demo_db, PROV, TM, str(YEAR), str(int(total) + 1), why="本级")
    assert [i.kind for i in plan_aggregate(demo_db, PROV, YEAR).items if i.indicator == TM] == ["conflict"]


def test_new_and_incomplete(demo_db):
    delete_value(demo_db, PROV, "INV_GRANTS", str(YEAR), why="x")
    delete_value(demo_db, "320500", "PLEDGE_SMES", str(YEAR), why="x")
    plan = plan_aggregate(demo_db, PROV, YEAR)
    [new] = [i for i in plan.items if i.kind == "new"]
    assert (new.indicator, new.old, new.new) == ("INV_GRANTS", None, _sum(demo_db, "INV_GRANTS"))
    assert plan.incomplete == {"PLEDGE_SMES": ["320500"]} and "PLEDGE_SMES" not in {i.indicator for i in plan.items}
    res = apply_aggregate(demo_db, PROV, YEAR)
    assert res.written == 1 and [i.indicator for i in res.kept] == [TM]
    assert _stored(demo_db, "INV_GRANTS")[::2] == (_sum(demo_db, "INV_GRANTS"), SOURCE)


def test_locked_year_is_refused_and_nothing_written(store, capsys):
    db = open_store(store)
    before = _snapshot(db)
    capsys.readouterr()
    rc = main(["aggregate", "--db", str(store), "--region", PROV, "--year", "2021", "--apply", "--take-sums"])
    err = capsys.readouterr().err
    assert rc == 2 and "江苏省 2021 年数据已审批，在单位负责人解锁前不能修改" in err
    assert _snapshot(db) == before
    assert "江苏省 2021 年数据已审批" in plan_aggregate(db, PROV, 2021).refusal.message("zh")
    assert plan_aggregate(db, PROV, 2024).refusal is None


def test_all_or_nothing(demo_db):
    """The sums and the replaced own figures are one transaction: when the second write fails
    (a trigger refuses it here), the first is rolled back too."""
    import sqlite3

    import pytest

    delete_value(demo_db, PROV, "INV_GRANTS", str(YEAR), why="x")
    before = _snapshot(demo_db)
    demo_db.execute("create temp trigger refuse_tm before update on \"values\" when new.region = '320000'"
                    " and new.indicator = 'TM_REGISTRATIONS' begin select raise(abort, 'refused'); end")
    with pytest.raises(sqlite3.DatabaseError):
        apply_aggregate(demo_db, PROV, YEAR, take_sums=True)
    assert _snapshot(demo_db) == before and _stored(demo_db, "INV_GRANTS") is None


def test_quarters_and_months_aggregate_up_like_the_year(demo_db):
    """Sub-annual figures aggregate like annual ones: a quarter every city holds is summed into the
    province (new, audited as an aggregation); a quarter one city lacks is not (a partial sum would
    look like a fall); a month every city holds is summed too."""
    from app.models.values import Change, write_values

    q1 = {c: 100 + n for n, c in enumerate(CITIES)}
    write_values(demo_db, [Change(c, TM, "2024Q1", str(v)) for c, v in q1.items()]
                 + [Change(c, TM, "2024Q2", "7") for c in CITIES[:-1]]
                 + [Change(c, TM, "2024-03", "2") for c in CITIES])
    plan = plan_aggregate(demo_db, PROV, YEAR)
    by_period = {(i.indicator, i.period): i for i in plan.items}
    assert by_period[(TM, "2024Q1")].kind == "new" and by_period[(TM, "2024Q1")].new == str(sum(q1.values()))
    assert (TM, "2024Q2") not in by_period
    assert by_period[(TM, "2024-03")].new == str(2 * len(CITIES))
    res = apply_aggregate(demo_db, PROV, YEAR)
    got = get_values(demo_db, regions=[PROV], indicators=[TM], year_from=YEAR, year_to=YEAR)
    assert got[(PROV, TM, "2024Q1")] == sum(q1.values()) and (PROV, TM, "2024Q2") not in got
    assert res.written >= 2
    rows = demo_db.execute("select action, why from audit where region=? and indicator=? and period='2024Q1'",
                           [PROV, TM]).fetchall()
    assert rows == [("aggregate", "aggregated from subordinate regions")]
