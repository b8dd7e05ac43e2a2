"""The 任务 page in the real window on a copy of the demo store with a 2024 task list: progress typed in the
grid as a clerk types it (states in Chinese, a percentage, Enter), 滞后 refused without a reason, evidence
files checked by content, overdue tasks red, an own task added and assigned from the page."""
from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QEvent, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog  # noqa: E402

from app.models import progress, tasks  # noqa: E402
from tests.test_tasks import counts  # noqa: E402
from tests.ui_task_seed import real_pdf, seed  # noqa: E402

TASK = "G2024-4.9.1"


@pytest.fixture
def page(open_main_window, demo_db, tmp_path, qtbot):
    seed(demo_db, tmp_path, with_progress=False)
    w = open_main_window("320000", 2024)
    w.tabs.setCurrentIndex(4)
    p = w.tasks_page
    qtbot.waitUntil(lambda: p.region == "320000" and p.task_id is not None)
    p.select_task(TASK)
    return p


def cell(page, region, period):
    m = page.grid_model
    row = next(i for i, ln in enumerate(m.lines) if ln.region == region)
    col = next(c for c in range(m.columnCount()) if m.period_at(c) == period)
    return m.index(row, col)


def type_text(target, text):
    """Key presses carrying each character (QTest.keyClicks takes ASCII only)."""
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))


def type_in(page, qtbot, region, period, text, key=Qt.Key_Return):
    page.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page.window)
    idx = cell(page, region, period)
    page.grid.setCurrentIndex(idx)
    page.grid.setFocus()
    type_text(page.grid, text[0])                        # a key on the cell opens its editor, as in Excel
    assert page.grid.state() == QAbstractItemView.EditingState
    editor = page.grid.indexWidget(idx)
    type_text(editor, text[1:])
    assert editor.text() == text
    qtbot.keyClick(editor, key)
    # (the commit is queued; Tab opens the next cell's editor)
    qtbot.waitUntil(lambda: page.grid.state() != QAbstractItemView.EditingState or page.grid.currentIndex() != idx)
    QApplication.processEvents()
    return idx


def rows(db, region):
    return {r["period"]: r for r in progress.progress_rows(db, region, 2024, TASK)}


def audit_rows(db, action, region):
    """This test's rows: the year the page shows (the demo's 2022 carries its own progress)."""
    return db.execute("select who, region, indicator, period, new from audit where action = ? and region = ?"
                      " and period like '2024%'", [action, region]).fetchall()


def dialog(name):
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.objectName() == name
                 and w.isVisible()), None)


def answer(qtbot, name, act):
    """Answer the modal dialog ``name`` when it shows (it runs its own event loop)."""
    seen = {}

    def go():
        dlg = dialog(name)
        if dlg is None:
            QTimer.singleShot(50, go)
            return
        seen["dialog"] = dlg
        act(dlg)
    QTimer.singleShot(50, go)
    return seen


def test_typing_a_state_and_a_percentage_stores_the_progress_with_its_audit_row(page, qtbot):
    db = page.db
    idx = type_in(page, qtbot, "320100", "2024Q3", "推进中 60%")
    got = rows(db, "320100")["2024Q3"]
    assert (got["state"], got["percent"], got["state_zh"]) == ("in_progress", 60, "推进中")
    assert [(r[2], r[3]) for r in audit_rows(db, "progress", "320100")] == [(f"task:{TASK}", "2024Q3")]
    # Enter moved down a row, like the value grid; the cell shows what was stored
    assert page.grid.currentIndex().row() == idx.row() + 1
    assert page.grid_model.data(cell(page, "320100", "2024Q3")) == "推进中 60%"
    # a percentage alone keeps the state; 已完成 is 100 %
    type_in(page, qtbot, "320100", "2024Q4", "80")
    assert (rows(db, "320100")["2024Q4"]["state"], rows(db, "320100")["2024Q4"]["percent"]) == ("in_progress", 80)
    type_in(page, qtbot, "320100", "2024", "已完成")
    assert rows(db, "320100")["2024"]["percent"] == 100
    # Tab moves right after a commit
    type_in(page, qtbot, "320200", "2024Q1", "30%", key=Qt.Key_Tab)
    assert rows(db, "320200")["2024Q1"]["percent"] == 30
    assert page.grid.currentIndex() == cell(page, "320200", "2024Q2")


def test_a_word_that_is_no_state_is_refused_and_nothing_written(page, qtbot):
    before = counts(page.db)
    type_in(page, qtbot, "320100", "2024Q3", "差不多")
    assert counts(page.db) == before
    assert "不是有效状态" in page.refusal.text() and "差不多" in page.refusal.text()


def test_late_without_a_reason_is_refused_with_the_ledgers_message(page, qtbot):
    db = page.db
    before = counts(db)
    seen = answer(qtbot, "reasonDialog", lambda d: d.accept())          # OK with the reason left empty
    type_in(page, qtbot, "320200", "2024Q3", "滞后")
    assert "滞后" in seen["dialog"].windowTitle()
    assert counts(db) == before                                            # nothing written
    assert "须说明原因" in page.refusal.text() and "滞后" in page.refusal.text()
    page.refusal.done(0)
    # with a reason it is kept, in the store and in the audit row
    answer(qtbot, "reasonDialog", lambda d: (d.edit.setPlainText("统计口径调整，数据待复核"), d.accept()))
    type_in(page, qtbot, "320200", "2024Q3", "滞后 40%")
    got = rows(db, "320200")["2024Q3"]
    assert (got["state"], got["percent"], got["reason"]) == ("late", 40, "统计口径调整，数据待复核")
    assert "统计口径调整" in audit_rows(db, "progress", "320200")[-1][4]
    # cancelling the dialog writes nothing either
    before = counts(db)
    answer(qtbot, "reasonDialog", lambda d: d.reject())
    type_in(page, qtbot, "320200", "2024Q4", "取消")
    assert counts(db) == before


def test_delete_clears_a_cell_back_to_not_started(page, qtbot):
    type_in(page, qtbot, "320100", "2024Q3", "推进中 50%")
    page.grid.setCurrentIndex(cell(page, "320100", "2024Q3"))
    page.grid.setFocus()
    qtbot.keyClick(page.grid, Qt.Key_Delete)
    got = rows(page.db, "320100")["2024Q3"]
    assert (got["state"], got["percent"]) == ("not_started", None)
    assert page.grid_model.data(cell(page, "320100", "2024Q3"), Qt.EditRole) == "未开始"


def test_evidence_a_real_pdf_is_attached_and_a_disguised_program_refused(page, qtbot, tmp_path):
    db = page.db
    pdf = tmp_path / "原因分析报告.pdf"
    pdf.write_bytes(real_pdf("analysis report"))
    page.grid.setCurrentIndex(cell(page, "320100", "2024Q3"))
    # no state yet for the period: the page says to enter it first, nothing written
    before = counts(db)
    assert not page.add_evidence([str(pdf)])
    assert counts(db) == before and "请先填写2024Q3的推进状态" in page.refusal.text()
    type_in(page, qtbot, "320100", "2024Q3", "推进中 60%")
    page.grid.setCurrentIndex(cell(page, "320100", "2024Q3"))
    assert page.add_evidence([str(pdf)])
    import hashlib

    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    shown = [[page.evidence.item(r, c).text() for c in range(4)] for r in range(page.evidence.rowCount())]
    assert shown == [["2024Q3", "原因分析报告.pdf", f"{pdf.stat().st_size / 1024:.0f} KB" if pdf.stat().st_size >= 1024
                      else f"{pdf.stat().st_size} 字节", sha[:12]]]
    assert rows(db, "320100")["2024Q3"]["percent"] == 60            # the report itself unchanged
    assert len(audit_rows(db, "evidence", "320100")) == 1
    # save as: the same bytes come back
    out = page.save_evidence_as(str(tmp_path / "copy.pdf"))
    assert open(out, "rb").read() == pdf.read_bytes()
    # an executable renamed .pdf: refused by its content, with the file named, nothing written
    exe = tmp_path / "会议纪要.pdf"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    before = counts(db)
    assert not page.add_evidence([str(exe)])
    assert counts(db) == before
    assert "会议纪要.pdf" in page.refusal.text() and "可执行程序" in page.refusal.text()
    assert page.evidence.rowCount() == 1


def test_overdue_tasks_are_red_and_not_once_done(page, qtbot):
    from app.ui.task_models import OVERDUE_GROUND, OVERDUE_TEXT

    m = page.tree_model

    def colours(task_id):
        idx = m.index_of(task_id)
        return m.data(idx, Qt.ForegroundRole), m.data(idx.siblingAtColumn(4), Qt.BackgroundRole), idx

    fg, bg, idx = colours(TASK)                     # due 2024-12-15, nothing reported: overdue (today is later)
    assert m.node(idx).row.overdue
    assert fg.color() == OVERDUE_TEXT and bg.color() == OVERDUE_GROUND
    assert "逾期" in m.data(idx.siblingAtColumn(4))
    assert "逾期 3 项" in page.summary.text()            # with the own task decomposed from it
    type_in(page, qtbot, "320000", "2024", "已完成")
    fg, bg, idx = colours(TASK)
    assert fg is None and bg is None and m.data(idx.siblingAtColumn(4)) == "已完成"
    assert "已完成 1 项，逾期 2 项" in page.summary.text()


def test_an_own_task_is_added_under_its_parent_and_assigned_to_a_city(page, qtbot):
    db = page.db
    own = page.add_own_task("对省内各市专利申请质量数据开展抽查", parent=TASK, due="2024-09-30")
    assert own is not None and own.parent == TASK and own.owner == "320000"
    idx = page.tree_model.index_of(own.id)
    assert page.tree_model.node(idx).parent.key == TASK            # in the tree under the task it comes from
    assert page.task_id == own.id
    # assigned through the dialog: a city below and a deadline
    def fill(d):
        d.to.setCurrentIndex(d.to.findData("320500"))                 # 苏州市
        d.due.setDate(d.due.date().fromString("2024-08-31", "yyyy-MM-dd"))
        d.accept()
    answer(qtbot, "assignDialog", fill)
    assert page.assign_task()
    got = db.execute("select assignee, kind, due from task_assignments where task = ?", [own.id]).fetchall()
    assert got == [("320500", "region", "2024-08-31")]
    assert [r.task.id for r in tasks.tasks_for(db, "320500", 2024)].count(own.id) == 1
    line = next(ln for ln in page.grid_model.lines if ln.region == "320500")
    assert line.applies and not next(ln for ln in page.grid_model.lines if ln.region == "320100").applies
    # a deadline later than the task's own is refused by the ledger, with its sentence
    assert not page.assign_task("320100", "2024-12-31")
    assert "晚于上级任务的期限" in page.refusal.text()


def test_a_locked_year_takes_no_typing_and_says_why(open_main_window, qtbot):
    w = open_main_window("320000", 2022)          # 江苏省 2022: approved and locked in the demo
    w.tabs.setCurrentIndex(4)
    page = w.tasks_page
    qtbot.waitUntil(lambda: page.task_id is not None)
    idx = page.grid_model.index(0, 0)
    page.grid.setCurrentIndex(idx)
    page.grid.setFocus()
    before = counts(w.db)
    qtbot.keyClicks(page.grid, "5")
    assert page.grid.state() != QAbstractItemView.EditingState
    assert "已审批锁定" in w.statusBar().currentMessage()
    assert counts(w.db) == before


def test_the_page_models_keep_qts_rules(page, qtmodeltester):
    qtmodeltester.check(page.tree_model)
    qtmodeltester.check(page.grid_model)


def test_an_overdue_task_is_explained_from_the_page(page, qtbot):
    db = page.db
    page.select_task(TASK)
    assert page.explain_button.isEnabled()
    assert page.explain_overdue("国家局反馈数据延迟到 11 月下发，原因分析顺延")
    found = {f.indicator: f for f in tasks.task_findings(db, "320000", 2024)}
    assert found[f"task:{TASK}"].explanation == "国家局反馈数据延迟到 11 月下发，原因分析顺延"
    assert db.execute("select count(*) from audit where action = 'explain' and indicator = ?",
                      [f"task:{TASK}"]).fetchone()[0] == 1
    # a task done in time has nothing to explain: the button is off
    own = page.add_own_task("对省内各市专利申请质量数据开展抽查", parent=TASK, due="2024-09-30")
    page.select_task("G2024-4.10.1")
    type_in(page, qtbot, "320000", "2024", "已完成")
    page.select_task("G2024-4.10.1")
    assert not page.explain_button.isEnabled() and own is not None


def test_a_read_only_store_shows_but_takes_nothing(open_main_window, demo_db, tmp_path, qtbot):
    seed(demo_db, tmp_path)
    w = open_main_window("320000", 2024, readonly_reason="另一窗口已打开该数据库")
    w.tabs.setCurrentIndex(4)
    page = w.tasks_page
    qtbot.waitUntil(lambda: page.task_id is not None)
    assert not (page.add_button.isEnabled() or page.assign_button.isEnabled() or page.add_file_button.isEnabled())
    idx = page.grid_model.index(0, 0)
    assert not page.grid_model.flags(idx) & Qt.ItemIsEditable
    assert page.why_read_only(idx) == "数据库以只读方式打开，不能修改"
    w.tabs.setCurrentIndex(5)
    report = w.report_page
    qtbot.waitUntil(lambda: report.report is not None and report._job is None)
    assert report.editor.isReadOnly() and not report.save_button.isEnabled() and report.banner.isVisible()
