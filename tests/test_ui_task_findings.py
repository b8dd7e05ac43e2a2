"""An overdue task in the window: named 任务 4(10) with its words in the entry grid's side panel and on the
violations page (never task:… or 全部指标), its jump opening the 任务 page on the task and region; an evidence
file a package did not carry says so in Chinese on Open / Save as (nothing written, no crash)."""
from __future__ import annotations

import hashlib

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.models.evidence import Evidence  # noqa: E402
from app.models.progress import progress_rows, write_progress  # noqa: E402
from app.models.store_basics import transaction  # noqa: E402
from tests.test_tasks import counts  # noqa: E402
from tests.ui_task_seed import real_pdf, seed  # noqa: E402

LATE = "G2022-4.10.2"        # the demo: 连云港's quality analysis of 2022, still in progress (explained)


def test_the_side_panel_names_an_overdue_task_in_words(open_main_window, qtbot):
    w = open_main_window("320700", 2022)
    page = w.entry
    qtbot.waitUntil(lambda: page.model.grid is not None and page.findings.count() > 0)
    texts = [page.findings.item(i).text() for i in range(page.findings.count())]
    task = [t for t in texts if "任务" in t]
    assert len(task) == 1, texts
    assert "任务 4(10)" in task[0] and "连云港" not in task[0].split("：")[0]
    assert "分析" in task[0]                                  # the task's own words, from its message
    assert not any("task:" in t or LATE in t or "全部指标" in t for t in texts)


def test_violations_name_the_task_and_jump_to_the_task_page(open_main_window, qtbot):
    w = open_main_window("320000", 2022)
    w.tabs.setCurrentWidget(w.violations)
    page = w.violations
    page.load("320000", 2022)
    rows = [r for r in range(page.model.rowCount()) if page.model.finding(r).indicator.startswith("task:")]
    assert len(rows) == 1
    r = rows[0]
    assert page.model.text(r, 1) == "任务 4(10)"
    assert page.model.text(r, 3) == "任务逾期未完成"
    assert page.indicator.findText("任务 4(10)") > 0 and page.rule.findText("任务逾期未完成") > 0
    page.view.doubleClicked.emit(page.proxy.mapFromSource(page.model.index(r, 0)))
    tp = w.tasks_page
    assert w.tabs.currentWidget() is tp and w.region == "320700"
    assert tp.task_id == LATE
    cur = tp.grid.currentIndex()
    assert cur.isValid() and tp.grid_model.lines[cur.row()].region == "320700"


def test_an_evidence_file_not_carried_is_marked_and_open_save_say_why(open_main_window, demo_db, tmp_path, qtbot):
    seed(demo_db, tmp_path, with_progress=True)
    body = real_pdf("sent by 南京市")
    sha = hashlib.sha256(body).hexdigest()
    with transaction(demo_db):            # as a package lands it: metadata and SHA-256, no bytes
        write_progress(demo_db, "G2024-4.9.1", "320100", "2024Q3", 2024,
                       dict(progress_rows(demo_db, "320100", 2024, "G2024-4.9.1")[0]),
                       [Evidence("南京市分析报告.pdf", "pdf", len(body), sha, b"")], who="receiver")
    w = open_main_window("320000", 2024)
    w.tabs.setCurrentIndex(4)
    page = w.tasks_page
    qtbot.waitUntil(lambda: page.region == "320000" and page.task_id is not None)
    page.select_task("G2024-4.9.1")
    m = page.grid_model
    row = next(i for i, ln in enumerate(m.lines) if ln.region == "320100")
    col = next(c for c in range(m.columnCount()) if m.period_at(c) == "2024Q3")
    page.grid.setCurrentIndex(m.index(row, col))
    page._cell_chosen(m.index(row, col))
    box = page.evidence_box
    assert box.table.rowCount() == 1
    assert box.table.item(0, 2).text() == "未随包传送" and box.table.item(0, 1).text() == "南京市分析报告.pdf"
    before = counts(demo_db)
    out = tmp_path / "copy.pdf"
    assert page.save_evidence_as(str(out)) is None and not out.exists()
    said = page.refusal.text()
    assert "该文件未随数据包传送" in said and sha in said and "南京市分析报告.pdf" in said
    page.refusal.done(0)
    assert page.open_evidence() is None
    assert "该文件未随数据包传送" in page.refusal.text()
    page.refusal.done(0)
    assert counts(demo_db) == before
    QApplication.processEvents()
