"""The province's own changes to a city's task ledger are never overwritten silently by the city's next package
(as its values are not: tests/test_receive_conflicts.py).

The province received Nanjing's v1 (tasks, progress, report text), then itself corrected a quarter's progress
report, rewrote the city's section 三 and recorded a half-year report the city never sent. The city, unaware,
sends v2 with its own progress changed, its own section text changed — and without the half-year report. Each of
the three is a conflict: listed in the dry run (who changed it here, when; mine and theirs as people read them),
refused without a choice (nothing written), kept or replaced only when asked — in the service, the CLI and the
window. A kept row stays a conflict for the next package; a section whose draft base moved with its text
unchanged is no change here.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from app.models import audit, progress
from app.models.db import open_store
from app.models.errors import IpdeskError
from app.services import results_report as rr
from app.services.package.receive import apply_receive, choices_for, plan_receive
from app.services.package.write import export_package
from tests.test_package_ledger import CITY, PROVINCE, YEAR, _no_default_keys, prov, world, write  # noqa: F401

SECTION = 3
MINE_TEXT = "（一）专利申请质量原因分析。省局核实：全市按季度完成反馈数据分析，三季度报告已报省局。"
THEIRS_TEXT = "（一）专利申请质量原因分析。全市按季度完成反馈数据分析，形成报告四份报省局。"
EXTRA = ("G2024-4.9.1", CITY, "2024H1")       # recorded here only: the city's v2 has no such report


def row(db, task, region, period):
    return db.execute("select state, percent, text from task_progress where task=? and region=? and period=?",
                      [task, region, period]).fetchone()


def section(db):
    r = db.execute("select text from report_sections where region=? and year=? and section=?",
                   [CITY, YEAR, SECTION]).fetchone()
    return r[0] if r else None


def ledger_state(db):
    return (db.execute("select * from task_progress order by task, region, period").fetchall(),
            db.execute("select * from report_sections order by region, year, section").fetchall(),
            db.execute("select count(*) from audit").fetchone()[0])


def city_version(world, tmp_path, change, name, base=None):
    """The city's store as it sent v1 (or as ``base`` holds it), changed by ``change``, exported again (the
    next version)."""
    shutil.copy(base or world["root"] / "city.sqlite", tmp_path / f"{name}.sqlite")
    city = open_store(tmp_path / f"{name}.sqlite")
    change(city)
    res = export_package(city, CITY, YEAR, tmp_path / name, key_dir=world["root"] / "city-keys")
    city.conn.close()
    return res.path


@pytest.fixture
def story(world, prov, tmp_path):
    own = world["own"].id
    apply_receive(prov, write(tmp_path, world["raw"]), who="省局张三")
    progress.set_progress(prov, CITY, own, "2024Q2", "推进中", percent=60, text="省局核实：数据梳理已完成六成",
                          who="省局李四")
    rr.set_text(prov, CITY, YEAR, SECTION, MINE_TEXT, who="省局李四")
    progress.set_progress(prov, CITY, EXTRA[0], EXTRA[2], "推进中", percent=50, text="省局电话核实", who="省局李四")

    def v2(city):
        progress.set_progress(city, CITY, own, "2024Q2", "推进中", percent=45, text="已完成反馈数据梳理（补充）",
                              person="王敏", who="王敏")
        rr.set_text(city, CITY, YEAR, SECTION, THEIRS_TEXT, who="王敏")
        progress.set_progress(city, CITY, world["late"].id, "2024Q3", "推进中", percent=80,
                              text="台账已建成，数据核对基本完成", who="王敏")     # no conflict: not changed here

    return {"own": own, "v2": city_version(world, tmp_path, v2, "v2"), "prov": prov, "world": world,
            "city": tmp_path / "v2.sqlite", "tmp": tmp_path}


def test_the_dry_run_lists_the_three_ledger_conflicts(story):
    prov, own = story["prov"], story["own"]
    before = ledger_state(prov)
    plan = plan_receive(prov, story["v2"])
    assert plan.refusal is None and plan.counts()["conflicts"] == 3
    got = {(d.kind, d.region, d.indicator, d.period): d for d in plan.ledger_conflicts}
    assert set(got) == {("progress", CITY, f"task:{own}", "2024Q2"), ("progress", CITY, f"task:{EXTRA[0]}", "2024H1"),
                        ("section", CITY, f"section:{SECTION}", str(YEAR))}
    q2 = got[("progress", CITY, f"task:{own}", "2024Q2")]
    assert (q2.old["percent"], q2.new["percent"], q2.mine_by, q2.mine_action) == (60, 45, "省局李四", "progress")
    extra = got[("progress", CITY, f"task:{EXTRA[0]}", "2024H1")]
    assert extra.old["state"] == "in_progress" and extra.new is None          # v2 would take it out
    sec = got[("section", CITY, f"section:{SECTION}", str(YEAR))]
    assert (sec.old, sec.new, sec.mine_action) == (MINE_TEXT, THEIRS_TEXT, "report_text")
    # the city's own change of a report not touched here is no conflict: it is simply in the plan
    late = [p for p in plan.ledger.progress if p["task"] == story["world"]["late"].id]
    assert late and all(d.indicator != f"task:{story['world']['late'].id}" for d in plan.conflicts)
    assert plan.to_dict()["ledger_conflicts"][0]["conflict"] is True
    assert ledger_state(prov) == before


def test_apply_without_a_choice_is_refused_naming_them_and_writes_nothing(story):
    prov = story["prov"]
    before = ledger_state(prov)
    with pytest.raises(IpdeskError) as exc:
        apply_receive(prov, story["v2"])
    assert exc.value.code == "pkg_conflicts"
    zh, en = exc.value.message("zh"), exc.value.message("en")
    assert "数据包中有 3 个数值" in zh and "南京市 成效报告 三、重点任务推进情况 2024" in zh
    assert "推进情况 2024Q2" in zh and "任务 " in zh and "task:" not in zh     # tasks by name, not by code
    assert "results report section 3" in en and "progress of" in en
    assert ledger_state(prov) == before


def test_keep_mine_keeps_the_rows_here_and_takes_the_rest(story):
    prov, own, world = story["prov"], story["own"], story["world"]
    res = apply_receive(prov, story["v2"], choice="mine", who="省局张三")
    assert res.counts["kept_mine"] == 3
    assert row(prov, own, CITY, "2024Q2") == ("in_progress", 60, "省局核实：数据梳理已完成六成")
    assert row(prov, *EXTRA) == ("in_progress", 50, "省局电话核实")
    assert section(prov) == MINE_TEXT
    assert row(prov, world["late"].id, CITY, "2024Q3")[1] == 80          # the sender's other change arrived
    kept = prov.execute("select region, indicator, period, who, old, new from audit where action = 'keep_mine'"
                        " order by id").fetchall()
    assert {(r[1], r[2]) for r in kept} == {(f"task:{own}", "2024Q2"), (f"task:{EXTRA[0]}", "2024H1"),
                                            (f"section:{SECTION}", str(YEAR))}
    assert all(r[3] == "省局张三" for r in kept)
    sec = next(r for r in kept if r[1].startswith("section:"))
    assert (sec[4], sec[5]) == (THEIRS_TEXT, MINE_TEXT)                  # old: the package's; new: kept here
    q2 = next(r for r in kept if r[1] == f"task:{own}")
    assert '"percent":45' in q2[4] and '"percent":60' in q2[5]
    res = audit.verify(prov)
    assert res.ok, audit.describe(prov, res)

    # kept stays mine: the city's next package (another change only) meets the same three conflicts
    pkg3 = city_version(world, story["tmp"], lambda city: progress.set_progress(
        city, CITY, world["late"].id, "2024Q3", "推进中", percent=90, text="核对完成", who="王敏"), "v3", story["city"])
    plan = plan_receive(prov, pkg3)
    assert plan.refusal is None and len(plan.ledger_conflicts) == 3


def test_take_theirs_replaces_them_and_the_next_package_has_no_conflict(story):
    prov, own, world = story["prov"], story["own"], story["world"]
    plan = plan_receive(prov, story["v2"])
    apply_receive(prov, story["v2"], choice={d.key: "theirs" for d in plan.conflicts}, who="省局张三")
    assert row(prov, own, CITY, "2024Q2") == ("in_progress", 45, "已完成反馈数据梳理（补充）")
    assert row(prov, *EXTRA) is None and section(prov) == THEIRS_TEXT
    last = prov.execute("select who, action from audit where action in ('progress', 'report_text')"
                        " order by id desc limit 1").fetchone()
    assert last == ("省局张三", "report_text")                            # the receiving user, as for values
    res = audit.verify(prov)
    assert res.ok, audit.describe(prov, res)
    pkg3 = city_version(world, story["tmp"], lambda city: progress.set_progress(
        city, CITY, world["late"].id, "2024Q3", "推进中", percent=90, text="核对完成", who="王敏"), "v3", story["city"])
    plan = plan_receive(prov, pkg3)
    assert plan.refusal is None and plan.conflicts == [] and plan.ledger.progress


def test_a_choice_names_a_ledger_conflict_by_its_place(story):
    """``--keep-mine 320100:task:ID:2024Q2`` names one progress report, ``320100:section:3`` a section (their
    indicators have a colon of their own); a spec naming none is refused; the rest go with the option for all."""
    prov, own = story["prov"], story["own"]
    plan = plan_receive(prov, story["v2"])
    chosen = choices_for(prov, plan, keep_mine=[f"{CITY}:task:{own}:2024Q2", f"{CITY}:section:{SECTION}"],
                         take_theirs=[])
    assert chosen == {(CITY, f"task:{own}", "2024Q2"): "mine", (CITY, f"section:{SECTION}", str(YEAR)): "mine",
                      (CITY, f"task:{EXTRA[0]}", "2024H1"): "theirs"}
    for spec in (f"{CITY}:task:{own}:2024Q3", f"{CITY}:task", f"{CITY}:section:{SECTION}:2023"):
        with pytest.raises(IpdeskError) as exc:
            choices_for(prov, plan, keep_mine=[spec])
        assert exc.value.code == "pkg_choice_unknown", spec


def test_the_cli_lists_them_and_applies_a_choice(story):
    prov, own = story["prov"], story["own"]
    path = str(prov.path)
    prov.conn.close()

    def ipdesk(*args):
        return subprocess.run([sys.executable, "-m", "app", *args, "--db", path], capture_output=True, text=True,
                              env={**os.environ, "IPDESK_LANG": "zh"})

    out = ipdesk("receive", str(story["v2"]))
    assert out.returncode == 0, out.stderr
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("冲突（本单位已改）")]
    assert len(lines) == 3, out.stdout
    q2 = next(ln for ln in lines if "\t2024Q2\t" in ln)
    assert "推进情况\t2024Q2\t本单位 推进中 60%（省局李四，" in q2 and "对方 推进中 45%" in q2
    assert f"--keep-mine {CITY}:task:{own}" in q2
    assert any("\t2024H1\t" in ln and "对方 未报" in ln for ln in lines)
    assert any("成效报告 三、重点任务推进情况\t2024\t本单位 “…因分析。省局核实：全市按季度完成…”" in ln for ln in lines)
    before = ipdesk("audit", "--verify")
    refused = ipdesk("receive", str(story["v2"]), "--apply")
    assert refused.returncode == 2 and "未写入任何数据" in refused.stderr
    done = ipdesk("receive", str(story["v2"]), "--apply", "--keep-mine", f"{CITY}:section:{SECTION}", "--take-theirs")
    assert done.returncode == 0, done.stderr
    assert "保留本单位的值 1" in done.stdout and "采用对方的值 2" in done.stdout
    db = open_store(path)
    assert section(db) == MINE_TEXT and row(db, *EXTRA) is None
    assert row(db, own, CITY, "2024Q2")[1] == 45
    assert before.returncode == 0 and ipdesk("audit", "--verify").returncode == 0


def test_a_section_whose_draft_base_moved_here_is_no_conflict(world, prov, tmp_path):
    """The province read a re-draft of the city's section and kept the text (results_report.keep_mine: the
    base moves, the text does not): nothing of the city's text was changed here, so the city's new text is
    a change, not a conflict."""
    apply_receive(prov, write(tmp_path, world["raw"]), who="省局张三")
    text = section(prov)
    rr.keep_mine(prov, CITY, YEAR, SECTION, "重新生成的草稿", who="省局李四")
    assert prov.execute("select count(*) from audit where action = 'report_text' and old = new").fetchone()[0] == 1
    pkg = city_version(world, tmp_path, lambda city: rr.set_text(city, CITY, YEAR, SECTION, THEIRS_TEXT, who="王敏"),
                       "v2")
    plan = plan_receive(prov, pkg)
    assert plan.conflicts == [] and [s["text"] for s in plan.ledger.sections] == [THEIRS_TEXT]
    assert text != THEIRS_TEXT


def test_the_window_lists_them_with_a_choice_each(qtbot, story, tmp_path):
    """The receive view lists the three above the values, named (task, section), mine and theirs as read;
    Receive stays disabled until each has a choice; the receipt keeps what was chosen."""
    pytest.importorskip("PySide6")
    from app.ui import i18n
    from app.ui.main import make_app
    from app.ui.main_window import MainWindow

    prov, own = story["prov"], story["own"]
    make_app()
    i18n.set_language("zh")
    win = MainWindow(prov, region=PROVINCE, year=YEAR)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    recv = win.open_file(str(story["v2"]))
    assert "3 项（数值、推进情况或报告文字）" in recv.conflict_label.text() and recv.conflict_box.isVisible()
    t = recv.diffs
    rows = [[t.item(i, j).text() if t.item(i, j) else "" for j in range(6)] for i in range(3)]
    whats = {r[1] for r in rows}
    assert "成效报告 三、重点任务推进情况" in whats and sum(w.endswith("推进情况") and w.startswith("任务")
                                                       or w.startswith("本级任务") for w in whats) == 2
    q2 = next(r for r in rows if r[2] == "2024Q2")
    assert (q2[4], q2[5]) == ("推进中 60%", "推进中 45%") and "省局李四" in q2[3]
    assert not recv.apply_button.isEnabled()
    recv.grab().save(str(tmp_path / "receive-ledger-conflicts.png"))
    recv.choose_all("theirs")
    recv.choices[(CITY, f"section:{SECTION}", str(YEAR))].setCurrentIndex(1)      # keep mine, for the section
    assert recv.apply_button.isEnabled()
    assert recv.chosen()[(CITY, f"task:{own}", "2024Q2")] == "theirs"
    apply_receive(prov, story["v2"], choice=recv.chosen(), who="省局张三")
    assert section(prov) == MINE_TEXT and row(prov, own, CITY, "2024Q2")[1] == 45


def test_a_section_the_city_returned_to_the_draft_follows_the_draft_here_too(world, prov, tmp_path):
    """The city drops its edited text of section 三 (take the draft) and sends v2: the package carries the
    region's whole ledger, so the province's dry run lists the section as dropped, the receipt takes the
    text out here too (audited, the receiving user the actor) and the trail verifies. Had the province
    rewritten that section itself since v1, it is a conflict instead (theirs: the draft)."""
    apply_receive(prov, write(tmp_path, world["raw"]), who="省局张三")
    assert section(prov) is not None
    pkg = city_version(world, tmp_path, lambda city: rr.take_draft(city, CITY, YEAR, SECTION, who="王敏"), "v2")
    plan = plan_receive(prov, pkg)
    assert plan.refusal is None and plan.conflicts == []
    assert [(s["section"], s["text"]) for s in plan.ledger.sections] == [(SECTION, None)]
    assert plan.counts()["ledger_sections_cleared"] == 1
    path = str(prov.path)
    out = subprocess.run([sys.executable, "-m", "app", "receive", str(pkg), "--db", path], capture_output=True,
                         text=True, env={**os.environ, "IPDESK_LANG": "zh"})
    assert f"报告文字\t{CITY}\t第{SECTION}部分\t采用草稿（发送方已撤回编辑）" in out.stdout, out.stdout + out.stderr
    assert "报告文字 1 部分（发送方撤回编辑 1）" in out.stdout
    # had the province rewritten it since v1: a conflict, theirs being the draft
    import sqlite3

    copy = sqlite3.connect(tmp_path / "p2.sqlite")
    prov.conn.backup(copy)                       # the province's store as it is (its WAL included)
    copy.close()
    other = open_store(tmp_path / "p2.sqlite")
    rr.set_text(other, CITY, YEAR, SECTION, MINE_TEXT, who="省局李四")
    [c] = plan_receive(other, pkg).conflicts
    assert (c.kind, c.old, c.new) == ("section", MINE_TEXT, None)
    apply_receive(other, pkg, choice="mine", who="省局张三")
    assert section(other) == MINE_TEXT
    other.conn.close()
    # as it is: taken out here
    apply_receive(prov, pkg, who="省局张三")
    assert section(prov) is None
    last = prov.execute("select who, action, new from audit where action = 'report_text' order by id desc limit 1"
                        ).fetchone()
    assert last == ("省局张三", "report_text", None)
    res = audit.verify(prov)
    assert res.ok, audit.describe(prov, res)


def test_a_kept_report_still_gets_the_senders_new_file_unless_it_is_not_held_here(world, prov, tmp_path):
    """Files are added, never replaced: keeping this office's report keeps the sender's new evidence file
    with it. But a report this office took out itself, kept out, has no row for a file to hang on: the file
    stays with the sender (and the receipt does not fail on it)."""
    from tests.test_package_ledger import pdf_file

    own = world["own"].id
    apply_receive(prov, write(tmp_path, world["raw"]), who="省局张三")
    progress.set_progress(prov, CITY, own, "2024Q2", "推进中", percent=60, text="省局核实", who="省局李四")
    progress.clear_progress(prov, CITY, own, "2024Q3", who="省局李四")       # the Q3 report (with files) … kept
    held_q3 = prov.execute("select count(*) from evidence where task=? and region=? and period='2024Q3'",
                           [own, CITY]).fetchone()[0]

    def v2(city):
        progress.set_progress(city, CITY, own, "2024Q2", "推进中", percent=45, text="补充", person="王敏",
                              evidence=[("二季度台账.pdf", pdf_file(40_000, 5))], who="王敏")
        progress.set_progress(city, CITY, own, "2024Q3", "已完成", text="原因分析报告已报省局（补充附件）",
                              person="王敏", milestone="报告印发", evidence=[("三季度补充.pdf", pdf_file(30_000, 9))],
                              who="王敏")

    pkg = city_version(world, tmp_path, v2, "v2")
    plan = plan_receive(prov, pkg)
    keys = {d.period: d for d in plan.ledger_conflicts if d.indicator == f"task:{own}"}
    assert set(keys) == {"2024Q2", "2024Q3"}
    # (the Q3 report: cleared here with files kept → back to 未开始 with its files; so it is held, not gone)
    apply_receive(prov, pkg, choice="mine", who="省局张三")
    assert row(prov, own, CITY, "2024Q2")[:2] == ("in_progress", 60)
    names = {n for (n,) in prov.execute("select name from evidence where task=? and region=?", [own, CITY])}
    assert "二季度台账.pdf" in names and "三季度补充.pdf" in names
    assert prov.execute("select count(*) from evidence where task=? and region=? and period='2024Q3'",
                        [own, CITY]).fetchone()[0] == held_q3 + 1
    res = audit.verify(prov)
    assert res.ok, audit.describe(prov, res)


def test_a_kept_deletion_leaves_the_senders_new_file_with_the_sender(world, prov, tmp_path):
    """The province deleted a report (no files) the city then sends again with a new file: kept deleted,
    the file is not attached here (no report to attach it to), and the receipt succeeds."""
    from tests.test_package_ledger import pdf_file

    apply_receive(prov, write(tmp_path, world["raw"]), who="省局张三")
    place = ("G2024-4.9.1", CITY, "2024Q3")
    progress.clear_progress(prov, CITY, place[0], place[2], who="省局李四")
    assert row(prov, *place) is None

    def v2(city):
        progress.set_progress(city, CITY, place[0], place[2], "已完成", text="反馈数据原因分析完成（附报告）",
                              person="李强", evidence=[("原因分析报告.pdf", pdf_file(20_000, 13))], who="李强")

    pkg = city_version(world, tmp_path, v2, "v2")
    [c] = plan_receive(prov, pkg).ledger_conflicts
    assert (c.old, c.new["state"]) == (None, "done")
    apply_receive(prov, pkg, choice="mine", who="省局张三")
    assert row(prov, *place) is None
    assert prov.execute("select count(*) from evidence where task=? and region=? and period=?", place).fetchone()[0] == 0
    res = audit.verify(prov)
    assert res.ok, audit.describe(prov, res)


def test_each_side_of_a_conflict_reads_as_people_read_it():
    """choices.conflict_side: a section's text from where two texts begin to differ (…), cut at the width (…);
    the draft, 未报, a value deleted here or removed by the package, in both languages."""
    from app.services.package.choices import conflict_side
    from app.services.package.receive import ValueDiff

    def sec(mine, theirs):
        return ValueDiff(CITY, "section:3", "2024", "section", mine, theirs)

    alike8, alike9 = "一二三四五六七八", "一二三四五六七八九"
    d = sec(alike8 + "甲乙丙", alike8 + "丁戊己")           # 8 alike: shown from the start
    assert conflict_side(d, True, "zh", 10) == "“一二三四五六七八甲乙…”"
    d = sec(alike9 + "甲乙丙", alike9 + "丁戊己")           # 9 alike: from 4 before the difference
    assert conflict_side(d, True, "zh", 10) == "“…六七八九甲乙丙”" and conflict_side(d, False, "zh", 10) == "“…六七八九丁戊己”"
    d = sec(alike9 + "甲乙", alike9 + "丁戊")               # start + width == len: no closing …
    assert conflict_side(d, True, "zh", 6) == "“…六七八九甲乙”" and conflict_side(d, True, "zh", 5) == "“…六七八九甲…”"
    assert conflict_side(sec("短", None), False, "zh") == "（采用草稿）"
    assert conflict_side(sec("短", None), False, "en") == "(the draft)" and conflict_side(sec("短", None), True, "en") == "“短”"
    p = ValueDiff(CITY, "task:X", "2024Q2", "progress", None, {"state": "done", "percent": 100})
    assert (conflict_side(p, True, "zh"), conflict_side(p, False, "zh")) == ("未报", "已完成 100%")
    assert (conflict_side(p, True, "en"), conflict_side(p, False, "en")) == ("not reported", "done 100%")
    v = ValueDiff(CITY, "INV_GRANTS", "2024", "removed", None, None)
    assert (conflict_side(v, True, "zh"), conflict_side(v, False, "zh")) == ("（已删除）", "（删除）")
    assert (conflict_side(v, True, "en"), conflict_side(v, False, "en")) == ("(deleted)", "(removed)")
    v = ValueDiff(CITY, "INV_GRANTS", "2024", "changed", "18473", "18500")
    assert (conflict_side(v, True, "zh"), conflict_side(v, False, "en")) == ("18473", "18500")
