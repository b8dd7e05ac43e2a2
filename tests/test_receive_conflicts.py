"""A receiving office's own changes are never overwritten silently by the sender's next package.

The city (南京 320100) sends v1; the province receives it, then corrects one of the city's
figures itself (with a note); the city, unaware, sends v2 with the old figure and one real
change. The province's correction is a conflict: listed in the dry run, refused without a
choice (nothing written), kept or replaced only when asked — in the service and the CLI.
"""
from __future__ import annotations

import pytest

from app.cli import main
from app.models import audit
from app.models.values import set_text
from app.services.package.format import PackageError, short_hash
from app.services.package.receive import apply_receive, plan_receive
from tests.test_package_roundtrip import CITY, PROVINCE, Office, _no_default_keys, head, value  # noqa: F401

GRANTS, SMES = "INV_GRANTS", "PLEDGE_SMES"


@pytest.fixture
def story(demo_file, tmp_path):
    """Province received v1, corrected the city's INV_GRANTS 2024 itself; v2 (another change) waits."""
    city = Office(tmp_path, "city", CITY, demo_file)
    prov = Office(tmp_path, "province", PROVINCE, demo_file)
    prov.trust(city, CITY)
    v1 = city.export(CITY, 2024)
    apply_receive(prov.db, v1.path)
    theirs = value(city.db, CITY, GRANTS, "2024")[0]
    mine = str(int(theirs) + 500)
    set_text(prov.db, CITY, GRANTS, "2024", mine, note="省局核实后订正", why="核实", who="省局张三")
    smes = bump(city.db, SMES, 3)
    v2 = city.export(CITY, 2024)
    return {"city": city, "prov": prov, "v1": v1.path, "v2": v2.path, "mine": mine, "theirs": theirs, "smes": smes}


def bump(db, indicator, by=1):
    """The city corrects one of its figures a little (within every check's band)."""
    new = str(int(value(db, CITY, indicator, "2024")[0]) + by)
    set_text(db, CITY, indicator, "2024", new, why="补报")
    return new


def _snapshot(db):
    return head(db), db.execute('select * from "values" order by region, indicator, period').fetchall()


def test_first_package_has_no_conflicts(demo_file, tmp_path):
    # no earlier package from the sender: nothing was "changed since"; the dry run's changes are all there is
    city = Office(tmp_path, "city", CITY, demo_file)
    prov = Office(tmp_path, "province", PROVINCE, demo_file)
    prov.trust(city, CITY)
    bump(city.db, GRANTS)
    plan = plan_receive(prov.db, city.export(CITY, 2024).path)
    assert plan.can_apply and not plan.conflicts and plan.counts()["changed"] == 1


def test_dry_run_lists_the_own_change_as_a_conflict(story):
    plan = plan_receive(story["prov"].db, story["v2"])
    [c] = plan.conflicts
    assert (c.region, c.indicator, c.period, c.old, c.new) == (CITY, GRANTS, "2024", story["mine"], story["theirs"])
    assert (c.mine_by, c.mine_action) == ("省局张三", "set") and c.old_note == "省局核实后订正"
    # the sender's own change is no conflict
    smes = [d for d in plan.diffs if d.indicator == SMES and d.period == "2024"]
    assert smes[0].kind == "changed" and not smes[0].conflict
    assert plan.counts()["conflicts"] == 1 and plan.to_dict()["diffs"][0]["conflict"] in (True, False)


def test_apply_without_a_choice_is_refused_and_writes_nothing(story):
    prov = story["prov"]
    before = _snapshot(prov.db)
    with pytest.raises(PackageError) as exc:
        apply_receive(prov.db, story["v2"])
    assert exc.value.code == "pkg_conflicts"
    text = exc.value.message("zh")
    assert "南京市 发明专利授权量 2024" in text and "--keep-mine" in text and "--take-theirs" in text
    assert GRANTS not in text and CITY not in text.split(":", 1)[1]     # names, not codes, in the sentence
    assert _snapshot(prov.db) == before
    # a choice for another key only is still no choice for this one
    with pytest.raises(PackageError):
        apply_receive(prov.db, story["v2"], choice={(CITY, SMES, "2024"): "theirs"})
    assert _snapshot(prov.db) == before


def test_keep_mine_keeps_value_and_note_and_takes_the_rest(story):
    prov = story["prov"]
    res = apply_receive(prov.db, story["v2"], choice="mine")
    assert value(prov.db, CITY, GRANTS, "2024")[::2] == (story["mine"], "省局核实后订正")
    assert value(prov.db, CITY, SMES, "2024")[0] == story["smes"]          # the sender's change arrived
    assert res.counts["kept_mine"] == 1 and res.counts["took_theirs"] == 0
    last = audit.history(prov.db, CITY, GRANTS, "2024")[-1]
    assert last["action"] == "keep_mine" and last["who"] == "tester" and "320100_2024_v2.ipdx" in last["why"]
    assert audit.verify(prov.db).ok
    # kept stays mine: the sender's next package with its old figure is a conflict again
    bump(story["city"].db, "PATENT_TRANSFERS")
    v3 = story["city"].export(CITY, 2024)
    assert [d.indicator for d in plan_receive(prov.db, v3.path).conflicts] == [GRANTS]


def test_take_theirs_replaces_and_audits_the_receiver_as_actor(story):
    prov = story["prov"]
    apply_receive(prov.db, story["v2"], choice={(CITY, GRANTS, "2024"): "theirs"})
    row = value(prov.db, CITY, GRANTS, "2024")
    assert row[:2] == (story["theirs"], short_hash(plan_receive(prov.db, story["v2"]).verification.hash))
    last = audit.history(prov.db, CITY, GRANTS, "2024")[-1]
    assert (last["action"], last["who"]) == ("receive", "tester")       # the authenticated receiver, not the sender
    assert audit.decode(last["old"])["v"] == story["mine"] and audit.decode(last["new"])["v"] == story["theirs"]
    # after taking theirs, the next package has nothing changed here
    bump(story["city"].db, "PATENT_TRANSFERS")
    assert not plan_receive(prov.db, story["city"].export(CITY, 2024).path).conflicts


def test_a_value_deleted_here_is_a_conflict_too(story):
    prov = story["prov"]
    from app.models.values import delete_value

    delete_value(prov.db, CITY, SMES, "2024", why="删除")
    plan = plan_receive(prov.db, story["v2"])
    assert {d.indicator for d in plan.conflicts} == {GRANTS, SMES}
    apply_receive(prov.db, story["v2"], choice={(CITY, GRANTS, "2024"): "mine", (CITY, SMES, "2024"): "mine"})
    assert value(prov.db, CITY, SMES, "2024") is None and value(prov.db, CITY, GRANTS, "2024")[0] == story["mine"]


# ---------------------------------------------------------------- the CLI

def _cli(story, *args, capsys, monkeypatch):
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(story["prov"].keys))
    rc = main([*args, "--db", str(story["prov"].db.path)])
    out, err = capsys.readouterr()
    return rc, out, err


def test_cli_receive_conflicts(story, capsys, monkeypatch):
    prov = story["prov"]

    def ipdesk(*args):
        return _cli(story, *args, capsys=capsys, monkeypatch=monkeypatch)

    rc, out, err = ipdesk("receive", str(story["v2"]))
    assert rc == 0, err
    assert "冲突（本单位已改）\t南京市\t发明专利授权量\t2024\t本单位 " + story["mine"] in out and "省局张三" in out
    assert "--keep-mine" in out and "冲突 1" in out
    before = _snapshot(prov.db)
    rc, out, err = ipdesk("receive", str(story["v2"]), "--apply")
    assert rc == 2 and "南京市 发明专利授权量 2024" in err and "未写入任何数据" in err
    assert "冲突（本单位已改）" in out and _snapshot(prov.db) == before
    # a choice naming no conflict is refused too
    rc, _out, err = ipdesk("receive", str(story["v2"]), "--apply", "--keep-mine", f"{CITY}:{SMES}")
    assert rc == 2 and "不是该数据包的冲突项" in err and _snapshot(prov.db) == before
    rc, _out, err = ipdesk("receive", str(story["v2"]), "--apply", "--keep-mine", "--take-theirs")
    assert rc == 2 and _snapshot(prov.db) == before
    rc, out, err = ipdesk("receive", str(story["v2"]), "--apply", "--keep-mine", f"{CITY}:{GRANTS}")
    assert rc == 0, err
    assert "保留本单位的值 1" in out and value(prov.db, CITY, GRANTS, "2024")[0] == story["mine"]
    assert value(prov.db, CITY, SMES, "2024")[0] == story["smes"]


def test_cli_take_theirs_for_all(story, capsys, monkeypatch):
    rc, out, err = _cli(story, "receive", str(story["v2"]), "--apply", "--take-theirs", capsys=capsys,
                        monkeypatch=monkeypatch)
    assert rc == 0, err
    assert "采用对方的值 1" in out and value(story["prov"].db, CITY, GRANTS, "2024")[0] == story["theirs"]


def test_a_choice_must_name_region_indicator_and_at_most_a_period(story, capsys, monkeypatch):
    """``REGION:INDICATOR[:PERIOD]`` — a spec of four parts (or one) names no conflict and is refused
    before anything is written; the three-part spec of the same conflict is taken."""
    prov = story["prov"]
    before = _snapshot(prov.db)
    for spec in (f"{CITY}:{GRANTS}:2024:x", f"{CITY}"):
        rc, _out, err = _cli(story, "receive", str(story["v2"]), "--apply", "--keep-mine", spec,
                             capsys=capsys, monkeypatch=monkeypatch)
        assert rc == 2 and "不是该数据包的冲突项" in err and _snapshot(prov.db) == before, spec
    rc, out, err = _cli(story, "receive", str(story["v2"]), "--apply", "--keep-mine", f"{CITY}:{GRANTS}:2024",
                        capsys=capsys, monkeypatch=monkeypatch)
    assert rc == 0, err
    assert value(prov.db, CITY, GRANTS, "2024")[0] == story["mine"]


def test_an_own_change_the_sender_agrees_with_or_did_not_send_is_no_conflict(demo_file, tmp_path):
    """The province set the city's figure to what the city then sends too (no choice to make), and changed a
    figure of a year the package does not carry (nothing of it in the package): neither is a conflict; a
    note the package changes on an unchanged value is a change."""
    city = Office(tmp_path, "city", CITY, demo_file)
    prov = Office(tmp_path, "province", PROVINCE, demo_file)
    prov.trust(city, CITY)
    smes = value(city.db, CITY, SMES, "2024")[0]
    set_text(city.db, CITY, SMES, "2024", smes, note="含小微企业", why="说明")
    apply_receive(prov.db, city.export(CITY, 2024).path)
    agreed = bump(city.db, GRANTS, 7)
    set_text(prov.db, CITY, GRANTS, "2024", agreed, why="电话核实", who="省局张三")
    set_text(prov.db, CITY, SMES, "2023", "1", why="旧年订正", who="省局张三")      # a year v2 does not carry
    set_text(prov.db, CITY, "TM_EXAM_CYCLE", "2024", "5", who="省局张三")           # written and deleted here:
    from app.models.values import delete_value

    delete_value(prov.db, CITY, "TM_EXAM_CYCLE", "2024", who="省局张三")             # neither side holds it
    set_text(city.db, CITY, SMES, "2024", smes, note="含科技型中小企业", why="补充说明")   # one note for another
    plan = plan_receive(prov.db, city.export(CITY, 2024).path)
    assert plan.conflicts == [] and plan.can_apply
    kinds = {(d.indicator, d.period): d.kind for d in plan.diffs}
    assert kinds[(GRANTS, "2024")] == "unchanged" and kinds[(SMES, "2024")] == "changed"


def test_a_refusal_names_eight_conflicts_and_counts_the_rest(story):
    """Ten of the city's figures changed here: the refusal names the first eight by name (、 in Chinese, ; in
    English) and counts the rest (等另 2 项 / and 2 more); with one chosen it names the nine left (等另 1 项),
    with two chosen the eight left and no count — never a conflict already chosen."""
    from app.services.package.receive import choices_for

    prov = story["prov"]
    plan = plan_receive(prov.db, story["v2"])
    others = [d for d in plan.diffs if d.kind == "unchanged" and d.region == CITY and d.new not in (None, "")][:9]
    assert len(others) == 9
    for d in others:
        set_text(prov.db, d.region, d.indicator, d.period, str(int(float(d.new)) + 1), why="核实", who="省局张三")
    plan = plan_receive(prov.db, story["v2"])
    assert len(plan.conflicts) == 10
    before = _snapshot(prov.db)

    def refusal(choice=None):
        with pytest.raises(PackageError) as exc:
            apply_receive(prov.db, story["v2"], choice=choice)
        assert exc.value.code == "pkg_conflicts" and _snapshot(prov.db) == before
        return exc.value.message("zh"), exc.value.message("en")

    zh, en = refusal()
    items = zh.split("：", 1)[1].split("。", 1)[0]
    assert items.count("南京市 ") == 8 and items.endswith("、等另 2 项") and "数据包中有 10 个数值" in zh
    assert en.count("Nanjing") == 8 and "; and 2 more." in en and ": 10 value(s) of the package" in en
    one = plan.conflicts[0]
    zh, en = refusal({one.key: "mine"})
    assert "数据包中有 9 个数值" in zh and zh.count("南京市 ") == 8 and "、等另 1 项" in zh and "and 1 more" in en
    zh, en = refusal({one.key: "mine", plan.conflicts[1].key: "theirs"})
    assert "数据包中有 8 个数值" in zh and zh.count("南京市 ") == 8 and "等另" not in zh and "more" not in en
    # the options given without a spec are for every conflict
    assert set(choices_for(prov.db, plan, keep_mine=[]).values()) == {"mine"}
    assert len(choices_for(prov.db, plan, take_theirs=[])) == 10


def test_an_older_package_brought_again_is_a_duplicate_with_nothing_to_report(story):
    """v1 brought again after v2 was taken: already received — nothing to change, and no note that the
    sender's history (v1's shorter head) does not continue v2's: it is the same package as before."""
    prov = story["prov"]
    apply_receive(prov.db, story["v2"], choice="theirs")
    plan = plan_receive(prov.db, story["v1"])
    assert plan.state == "duplicate" and plan.notes == [] and plan.conflicts == []
