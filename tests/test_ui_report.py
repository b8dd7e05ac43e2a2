"""The 报告 page in the real window: a section edited and saved through the results report (audited), a
re-draft that shows the difference and keeps the office's text when asked to, the draft taken when
chosen, and a locked year that refuses edits with a clear sentence."""
from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog  # noqa: E402

from app.models import progress  # noqa: E402
from app.services import results_report as rr  # noqa: E402
from tests.ui_task_seed import seed  # noqa: E402

MINE = "本年度全省知识产权工作取得新进展。\n（一）专利质量持续提升。"


@pytest.fixture
def page(open_main_window, demo_db, tmp_path, qtbot):
    seed(demo_db, tmp_path)
    w = open_main_window("320000", 2024)
    w.tabs.setCurrentIndex(5)
    p = w.report_page
    qtbot.waitUntil(lambda: p.report is not None and p.region == "320000" and p._job is None)
    return p


def report_text_audit(db):
    return db.execute("select region, indicator, period, old, new from audit where action = 'report_text'"
                      " order by rowid").fetchall()


def when_shown(name, act):
    seen = {}

    def go():
        dlg = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.objectName() == name
                    and w.isVisible()), None)
        if dlg is None:
            QTimer.singleShot(50, go)
            return
        seen["dialog"] = dlg
        seen["diff"] = dlg.diff_text
        seen["mine"], seen["draft"] = dlg.mine.toPlainText(), dlg.draft.toPlainText()
        act(dlg)
    QTimer.singleShot(50, go)
    return seen


def test_the_five_sections_beside_the_live_draft(page):
    titles = [page.sections.item(i).text() for i in range(page.sections.count())]
    assert titles == ["一、总体情况", "二、主要指标完成情况", "三、重点任务推进情况", "四、存在的问题", "五、下一步工作打算"]
    page.sections.setCurrentRow(1)
    live = rr.show(page.db, "320000", 2024).section(2).draft
    assert page.draft.toPlainText() == live and "全省有效发明专利拥有量达到" in live
    assert page.editor.toPlainText() == live and page.draft.isReadOnly() and not page.editor.isReadOnly()
    assert "未编辑" in page.state.text()


def test_an_edited_section_is_saved_through_the_results_report_with_its_audit_row(page, qtbot):
    page.sections.setCurrentRow(0)
    page.editor.setPlainText(MINE)
    with qtbot.waitSignal(page.ready):
        assert page.save()                 # (stored off the UI thread: the nation's draft takes a second)
    s = rr.show(page.db, "320000", 2024).section(1)
    assert (s.edited, s.text, s.author) == (True, MINE, "tester")
    assert report_text_audit(page.db) == [("320000", "section:1", "2024", None, MINE)]
    assert page.sections.item(0).text() == "一、总体情况\n    ✎ 已编辑"
    assert page.draft.toPlainText() == s.draft != MINE           # the live draft still beside it
    # typed text is saved when another section is chosen (as the value grid saves at once)
    page.editor.setPlainText(MINE + "\n（二）运用成效明显。")
    with qtbot.waitSignal(page.ready):
        page.sections.setCurrentRow(2)
    assert page.sections.currentRow() == 2
    assert rr.show(page.db, "320000", 2024).section(1).text.endswith("运用成效明显。")
    assert page.editor.toPlainText() == rr.show(page.db, "320000", 2024).section(3).text


def test_redraft_shows_the_difference_and_keeps_mine_when_chosen(page, qtbot):
    db = page.db
    page.sections.setCurrentRow(2)                             # 三、重点任务推进情况: drafted from task progress
    page.editor.setPlainText(MINE)
    with qtbot.waitSignal(page.ready):
        page.save()
    # new progress: the draft of section 三 moves
    progress.set_progress(db, "320300", "G2024-4.9.1", "2024Q3", "已完成", text="徐州市已完成原因分析")
    progress.set_progress(db, "320000", "G2024-4.9.1", "2024Q4", "推进中", percent=90, text="全省分析报告已形成终稿")
    page.window.tabs.setCurrentIndex(0)
    with qtbot.waitSignal(page.ready):
        page.window.tabs.setCurrentIndex(5)                    # shown again: the live draft is read again
    assert "全省分析报告已形成终稿" in page.draft.toPlainText()
    assert page.editor.toPlainText() == MINE                    # not overwritten
    assert page.sections.item(2).text().endswith("✎ 已编辑 · 草稿已变化") and "重新起草" in page.state.text()
    audit_before = report_text_audit(db)
    seen = when_shown("redraftDialog", lambda d: d.keep_button.click())
    with qtbot.waitSignal(page.ready):
        page.redraft()
    assert page.last_choices == {3: "mine"}
    assert "全省分析报告已形成终稿" in seen["diff"] and "+" in seen["diff"] and "-（一）专利质量持续提升。" in seen["diff"]
    assert seen["mine"] == MINE and "全省分析报告已形成终稿" in seen["draft"]
    s = rr.show(db, "320000", 2024).section(3)
    assert (s.edited, s.text) == (True, MINE) and page.editor.toPlainText() == MINE
    assert report_text_audit(db) == audit_before                # keeping mine writes nothing
    # the other choice: the draft replaces the text (audited), the section follows the draft again
    when_shown("redraftDialog", lambda d: d.take_button.click())
    with qtbot.waitSignal(page.ready):
        page.redraft()
    assert page.last_choices == {3: "draft"}
    s = rr.show(db, "320000", 2024).section(3)
    assert not s.edited and page.editor.toPlainText() == s.draft
    assert report_text_audit(db)[-1][3:] == (MINE, None)


def test_redraft_with_nothing_edited_asks_nothing(page, qtbot):
    with qtbot.waitSignal(page.ready):
        page.redraft()
    assert page.last_choices == {}
    assert "保留 0 个已编辑部分" in page.window.statusBar().currentMessage()


def test_a_locked_year_refuses_edits_with_a_clear_message(open_main_window, qtbot):
    w = open_main_window("320000", 2022)          # 江苏省 2022: approved and locked in the demo
    w.tabs.setCurrentIndex(5)
    page = w.report_page
    qtbot.waitUntil(lambda: page.report is not None and page._job is None)
    assert page.banner.isVisible() and "江苏省 2022 年已审批" in page.banner.text() and "冻结" in page.banner.text()
    assert page.editor.isReadOnly() and not page.save_button.isEnabled()
    before = report_text_audit(w.db)
    page.editor.setPlainText(MINE)                 # (a script, or the text kept from before the lock)
    with qtbot.waitSignal(page.ready):
        page.save()                                # the results report refuses
    assert "江苏省" in page.refusal.text() and "锁定" in page.refusal.text() and "解锁" in page.refusal.text()
    assert report_text_audit(w.db) == before and not rr.show(w.db, "320000", 2022).section(1).edited
