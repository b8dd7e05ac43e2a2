"""The results report's sections: section 二's every number is a number of the report's tables; edited
text is never overwritten by a re-draft (the difference is shown, the caller chooses)."""
from __future__ import annotations

import re

import pytest

from app.models import audit, progress, tasks
from app.services import results_report as rr
from tests.test_tasks import ROWS_2024, write_csv


@pytest.fixture
def db24(demo_db, tmp_path):
    tasks.import_tasks(demo_db, write_csv(tmp_path / "guideline-2024.csv", ROWS_2024))
    return demo_db


def test_every_number_of_section_two_is_a_number_of_the_tables(db24):
    rep = rr.show(db24, "320000", 2024)
    two = rep.section(2).text
    table = rr.table_numbers(rep.report)
    found = re.findall(r"\d[\d,]*(?:\.\d+)?", two)
    assert len(found) > 40
    years = {"2024", "2025"}          # target years, printed as in the tables' requirement "≥26（2025年）"
    missing = [n for n in found if n not in table and n not in years]
    assert missing == [], missing
    # the example of the issue, with this store's figures
    row = rep.report.indicator("INV_PATENTS_IN_FORCE")
    assert f"全省有效发明专利拥有量达到 {row.current_text} 件，同比增长 {row.yoy_text.strip('+%')}%" in two
    rate = rep.report.indicator("INV_GRANT_RATE")
    assert f"发明专利授权率为 {rate.current_text}%，比上年" in two and "个百分点" in two
    assert [s.title for s in rep.sections] == ["一、总体情况", "二、主要指标完成情况", "三、重点任务推进情况",
                                                "四、存在的问题", "五、下一步工作打算"]


def test_a_wrong_number_would_be_caught(db24):
    """The parse-back test can fail: a sentence with a number not in the tables is found."""
    rep = rr.show(db24, "320000", 2024)
    table = rr.table_numbers(rep.report)
    assert "453,164" not in table and "453,163" in table


def test_sections_three_and_four_come_from_progress_and_explanations(db24):
    from datetime import date

    progress.set_progress(db24, "320000", "G2024-4.9.1", "2024Q3", "推进中", percent=60,
                          text="已完成 2 批次反馈数据的原因分析", evidence=[("分析报告.pdf", b"%PDF-1.4\n")])
    progress.set_progress(db24, "320000", "G2024-4.10.1", "2024H1", "滞后", why="统计口径调整，数据待复核")
    tasks.explain_overdue(db24, "320000", 2024, "G2024-4.10.1", "省统计局数据发布推迟至 7 月")
    rep = rr.show(db24, "320000", 2024, today=date(2024, 7, 1))
    three, four = rep.section(3).text, rep.section(4).text
    assert "截至2024年第三季度，推进中，完成 60%" in three and "附佐证材料 1 份" in three
    assert "原因：统计口径调整，数据待复核" in three
    assert "省统计局数据发布推迟至 7 月" in four and "2024-06-30" in four
    assert "G2024-4.9.1" not in four            # not yet due on 1 July
    before = rr.show(db24, "320000", 2024, today=date(2024, 6, 30)).section(4).text
    assert "到期" not in before and "推进滞后" in before     # due that day: not overdue yet, but reported late


def test_a_redraft_never_overwrites_edited_text(db24):
    rows0 = db24.execute("select count(*) from audit").fetchone()[0]
    mine = "全省有效发明专利拥有量继续保持全国前列。\n（本段由规划处改写）"
    sec = rr.set_text(db24, "320000", 2024, "二", mine, who="规划处张敏")
    assert sec.edited and sec.text == mine and sec.author == "规划处张敏" and sec.diff
    assert db24.execute("select count(*) from audit where action = 'report_text'").fetchone()[0] == 1
    # new data changes the draft; the edited text stays, the new draft and the difference come beside it
    progress.set_progress(db24, "320000", "G2024-4.9.1", "2024Q3", "推进中", percent=60)
    from app.models.values import set_text as set_value

    set_value(db24, "320000", "INV_PATENTS_IN_FORCE", "2024", "460000")
    again = rr.draft(db24, "320000", 2024)
    two = again.section(2)
    assert two.text == mine and two.edited and two.draft_moved
    assert "460,000" in two.draft and any(line.startswith("+") and "460,000" in line for line in two.diff)
    assert any(line.startswith("-") and "规划处改写" in line for line in two.diff)
    assert not again.section(3).edited and "完成 60%" in again.section(3).text      # unedited sections follow
    # setting the same text again writes nothing; taking the draft drops the edit (audited)
    rr.set_text(db24, "320000", 2024, 2, mine)
    assert db24.execute("select count(*) from audit where action = 'report_text'").fetchone()[0] == 1
    taken = rr.take_draft(db24, "320000", 2024, 2)
    assert not taken.edited and taken.text == two.draft
    assert db24.execute("select count(*) from audit").fetchone()[0] > rows0
    assert audit.verify(db24).ok


def test_bad_section_and_locked_year_are_refused(demo_db):
    from app.models.errors import InputError, LockedError

    with pytest.raises(InputError):
        rr.set_text(demo_db, "320000", 2024, "六", "文字")
    with pytest.raises(LockedError):
        rr.set_text(demo_db, "320000", 2022, 1, "文字")
    assert demo_db.execute("select count(*) from report_sections").fetchone()[0] == 0


def test_cn_numbers():
    assert [rr.cn_number(n) for n in (1, 9, 10, 11, 20, 35)] == ["一", "九", "十", "十一", "二十", "三十五"]
    # a province's list of 100 tasks and more (section 三 numbers each task): this used to fail at 100
    assert [rr.cn_number(n) for n in (99, 100, 101, 110, 111, 120, 999, 1000, 1001, 1100, 9999)] == [
        "九十九", "一百", "一百零一", "一百一十", "一百一十一", "一百二十", "九百九十九", "一千", "一千零一", "一千一百",
        "九千九百九十九"]


def test_keep_mine_records_the_draft_seen_and_the_mark_goes_until_the_draft_moves_again(demo_db, tmp_path):
    from app.models import progress
    from tests.ui_task_seed import seed

    seed(demo_db, tmp_path)
    mine = "（一）全省专利质量持续提升。"
    rr.set_text(demo_db, "320000", 2024, 3, mine, who="clerk")
    progress.set_progress(demo_db, "320000", "G2024-4.9.1", "2024Q4", "推进中", percent=90, text="全省分析报告已形成终稿")
    s = rr.show(demo_db, "320000", 2024).section(3)
    assert s.draft_moved and s.text == mine
    # set_text with the unchanged text does not move the base (the defect): keep_mine does
    assert rr.set_text(demo_db, "320000", 2024, 3, mine).draft_moved
    n = demo_db.execute("select count(*) from audit where action = 'report_text'").fetchone()[0]
    kept = rr.keep_mine(demo_db, "320000", 2024, 3, s.draft, who="head")
    assert (kept.text, kept.edited, kept.draft_moved, kept.base) == (mine, True, False, s.draft)
    row = demo_db.execute("select who, old, new, why from audit where action = 'report_text' order by id desc"
                          " limit 1").fetchone()
    assert row == ("head", mine, mine, rr.KEPT_WHY)
    assert demo_db.execute("select count(*) from audit where action = 'report_text'").fetchone()[0] == n + 1
    rr.keep_mine(demo_db, "320000", 2024, 3, s.draft)                 # the same draft again: nothing written
    assert demo_db.execute("select count(*) from audit where action = 'report_text'").fetchone()[0] == n + 1
    progress.set_progress(demo_db, "320000", "G2024-4.9.1", "2024Q4", "已完成", text="全省分析报告已报送")
    assert rr.show(demo_db, "320000", 2024).section(3).draft_moved        # the draft moved again: marked again
