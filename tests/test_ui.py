"""The real window, driven offscreen with pytest-qt, on real demo stores."""
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMessageBox  # noqa: E402

from app.models import audit  # noqa: E402
from app.models.values import get_values, region_year_status  # noqa: E402

SHOTS = Path(__file__).resolve().parent.parent / "out" / "screens"


@pytest.fixture
def window(qtbot, open_main_window):
    w = open_main_window("320100", 2024)
    w.activateWindow()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


def cell_index(w, indicator, period):
    m = w.entry.model
    row = next(i for i, ind in enumerate(m.grid.indicators) if ind.code == indicator)
    return m.index(row, m.grid.periods.index(period))


def type_into(qtbot, view, text):
    """Type like a clerk: the first key opens the editor, the rest go to it."""
    qtbot.keyClick(view, text[0])
    qtbot.keyClicks(QApplication.focusWidget(), text[1:])


def stored(w, indicator, period, region="320100"):
    return get_values(w.db).get((region, indicator, period))


def refusal_boxes():
    return [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.objectName() == "refusal"
            and b.isVisible()]


def test_models_pass_qt_model_tester(window, qtmodeltester):
    qtmodeltester.check(window.entry.model)
    qtmodeltester.check(window.tree_model)


def test_keyboard_entry_saves_at_once_and_moves_on(window, qtbot):
    view = window.entry.view
    idx = cell_index(window, "INV_GRANTS", "2024")
    view.setCurrentIndex(idx)
    view.setFocus()
    type_into(qtbot, view, "5,432")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.EditingState)   # the delegate commits queued
    assert stored(window, "INV_GRANTS", "2024") == Decimal(5432)
    assert view.currentIndex().row() == idx.row() + 1          # Enter moved down
    view.setCurrentIndex(cell_index(window, "INV_GRANT_RATE", "2023"))
    type_into(qtbot, view, "3.2")                               # a percentage, then Tab to the next year
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
    qtbot.waitUntil(lambda: stored(window, "INV_GRANT_RATE", "2023") == Decimal("3.2"))
    assert view.currentIndex() == cell_index(window, "INV_GRANT_RATE", "2024")
    last = audit.history(window.db, "320100", "INV_GRANT_RATE", "2023")[-1]
    assert last["who"] == "tester" and audit.decode(last["new"])["v"] == "3.2"


def test_chinese_clerk_formats_through_the_model(window):
    m = window.entry.model
    assert m.setData(cell_index(window, "PLEDGE_AMOUNT", "2024"), "３２００万元")
    assert stored(window, "PLEDGE_AMOUNT", "2024") == Decimal("0.32")
    assert m.data(cell_index(window, "PLEDGE_AMOUNT", "2024")) == "0.32"


def test_bad_value_is_refused_with_the_place_and_nothing_saved(window, qtbot):
    before = stored(window, "INV_GRANTS", "2024")
    assert not window.entry.model.setData(cell_index(window, "INV_GRANTS", "2024"), "12%%")
    boxes = refusal_boxes()
    # the place by names (codes only in the tooltip)
    assert boxes and boxes[0].text().startswith("南京市·发明专利授权量·2024：") and "12%%" in boxes[0].text()
    assert "320100" not in boxes[0].text() and "INV_GRANTS" not in boxes[0].text()
    assert "320100 · INV_GRANTS · 2024" in boxes[0].toolTip()
    assert stored(window, "INV_GRANTS", "2024") == before
    for b in boxes:
        b.close()


def test_paste_block_with_a_bad_cell_applies_nothing_then_good_paste_and_undo(window, qtbot):
    view = window.entry.view
    start = cell_index(window, "INV_APPLICATIONS", "2023")
    view.setCurrentIndex(start)
    before = {(i, p): stored(window, i, p) for i in ("INV_APPLICATIONS", "INV_GRANTS") for p in ("2023", "2024")}
    QApplication.clipboard().setText("12,000\t１３０００\n8,000\tabc\n")
    window.entry.paste()
    assert refusal_boxes() and "abc" in refusal_boxes()[0].text()
    assert {k: stored(window, *k) for k in before} == before
    for b in refusal_boxes():
        b.close()
    QApplication.clipboard().setText("12,000\t１３０００\r\n8,000\t\r\n")      # an empty cell is left alone
    window.entry.paste()
    assert stored(window, "INV_APPLICATIONS", "2023") == Decimal(12000)
    assert stored(window, "INV_APPLICATIONS", "2024") == Decimal(13000)
    assert stored(window, "INV_GRANTS", "2023") == Decimal(8000)
    assert stored(window, "INV_GRANTS", "2024") == before[("INV_GRANTS", "2024")]
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)                  # one undo takes back the whole paste
    assert {k: stored(window, *k) for k in before} == before
    qtbot.keyClick(view, Qt.Key_Y, Qt.ControlModifier)
    assert stored(window, "INV_APPLICATIONS", "2024") == Decimal(13000)
    whys = [r["why"] for r in audit.history(window.db, "320100", "INV_APPLICATIONS", "2024")[-3:]]
    assert whys[-2:] == ["undo", "redo"]


def test_copy_a_block_with_ctrl_c_and_paste_it_back(window, qtbot):
    """Ctrl+C puts the selected block on the clipboard as Excel and WPS do (tab-separated lines,
    numbers as stored without grouping, a derived figure at its decimals); pasted into another
    region it gives the same values."""
    from PySide6.QtCore import QItemSelection, QItemSelectionModel
    view, m = window.entry.view, window.entry.model
    rows = [next(i for i, ind in enumerate(m.grid.indicators) if ind.code == c)
            for c in ("POPULATION", "HV_PATENTS_PER_10K", "INV_APPLICATIONS")]
    cols = [m.grid.periods.index(p) for p in ("2023", "2024")]
    view.selectionModel().select(QItemSelection(m.index(rows[0], cols[0]), m.index(rows[-1], cols[-1])),
                                 QItemSelectionModel.ClearAndSelect)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_C, Qt.ControlModifier)
    text = QApplication.clipboard().text()
    lines = text.split("\r\n")
    assert lines[-1] == "" and all(len(ln.split("\t")) == 2 for ln in lines[:-1])
    got = dict(zip([ind.code for ind in m.grid.indicators[rows[0]:rows[-1] + 1]], lines))
    pop = [str(stored(window, "POPULATION", p)) for p in ("2023", "2024")]
    assert got["POPULATION"] == "\t".join(pop) and "," not in text
    derived = got["HV_PATENTS_PER_10K"].split("\t")
    shown = [m.data(m.index(rows[1], c)) for c in cols]
    assert derived == [t.replace(",", "") for t in shown] and all(d.count(".") == 1 for d in derived)
    assert "已复制" in window.statusBar().currentMessage()
    cell = m.grid.cells[("HV_PATENTS_PER_10K", "2024")]
    for computed in (2.675, 0.125, -0.001):          # copied exactly as shown (half up), never "-0.00"
        cell.computed = computed
        m._cache.clear()
        idx = m.index(rows[1], cols[1])
        assert m.plain_text(rows[1], cols[1]) == m.data(idx).replace(",", "")
    assert m.plain_text(rows[1], cols[1]) == "0.00"

    apps = [str(stored(window, "INV_APPLICATIONS", p)) for p in ("2023", "2024")]
    window.select_region("320200")                    # the whole block pasted into Wuxi: the entered values
    qtbot.waitUntil(lambda: window.entry.model.grid.region == "320200")   # arrive, the computed row follows them
    m2 = window.entry.model
    view.setCurrentIndex(m2.index(rows[0], cols[0]))
    window.entry.paste()
    assert [str(stored(window, "POPULATION", p, region="320200")) for p in ("2023", "2024")] == pop
    assert [str(stored(window, "INV_APPLICATIONS", p, region="320200")) for p in ("2023", "2024")] == apps
    assert stored(window, "HV_PATENTS_PER_10K", "2024", region="320200") is None      # nothing entered there
    assert "已跳过 2 个计算得出的指标单元格" in window.statusBar().currentMessage()


def test_cells_are_coloured_by_findings_with_clause_in_tooltip(window):
    window.select_region("320700")
    window.year.setValue(2022)
    m = window.entry.model
    idx = cell_index(window, "PATENT_INDUSTRIALIZATION_RATE", "2022")
    # an approved year: the demo explained its falling finding, so the cell is the pale 'explained' amber
    assert m.data(idx, Qt.BackgroundRole).color().name() == "#fdf3d8"
    tip = m.data(idx, Qt.ToolTipRole)
    assert "1(3)" in tip and "2022" in tip
    window.select_region("320300")                                        # 徐州 2024: planted, unexplained
    window.year.setValue(2024)
    idx = cell_index(window, "PATENT_TRANSFERS", "2024")
    assert m.data(idx, Qt.BackgroundRole).color().name() == "#fbe3a8"     # explain: amber
    window.select_region("320700")
    window.year.setValue(2022)
    idx = cell_index(window, "PATENT_INDUSTRIALIZATION_RATE", "2022")
    head_tip = m.headerData(idx.row(), Qt.Vertical, Qt.ToolTipRole)
    assert "PATENT_INDUSTRIALIZATION_RATE" in head_tip and "%" in head_tip
    derived = cell_index(window, "HV_PATENTS_PER_10K", "2022")
    assert not (m.flags(derived) & Qt.ItemIsEditable) and m.data(derived)


def test_explanation_typed_in_the_side_panel(window, qtbot):
    window.select_region("320000")
    page = window.entry
    items = [page.findings.item(i) for i in range(page.findings.count())]
    target = next(it for it in items if it.data(Qt.UserRole).rule == "sum")
    page.findings.setCurrentItem(target)
    assert page.explain_edit.isEnabled()
    page.explain_edit.setPlainText("省级数据含省直属单位注册量")
    qtbot.mouseClick(page.explain_button, Qt.LeftButton)
    row = window.db.execute("select text, author from explanations where rule='sum' and region='320000'").fetchone()
    assert row == ("省级数据含省直属单位注册量", "tester")
    text = page.blockers_label.text()
    assert "商标注册量" not in text and "下级地区徐州市仍为“草稿”" in text     # the province waits for its cities
    assert not page.complete_button.isEnabled()

    window.select_region("320300")                      # 徐州: its two planted findings explained → nothing blocks
    assert "专利转让许可次数" in page.blockers_label.text() and not page.complete_button.isEnabled()
    # the change band and the outlier rule flag the same cell: one item in the panel, explained once
    items = [page.findings.item(i) for i in range(page.findings.count())]
    both = [it for it in items if {f.rule for f in it.data(Qt.UserRole + 1)} == {"yoy", "outlier"}]
    assert len(both) == 1 and not [it for it in items if it.data(Qt.UserRole).rule in ("yoy", "outlier")
                                   and it is not both[0]]
    assert "同比变化" in both[0].text() and "与本地区历年变化相比异常" in both[0].text()
    page.findings.setCurrentItem(both[0])
    page.explain_edit.setPlainText("技术转移中心集中登记")
    qtbot.mouseClick(page.explain_button, Qt.LeftButton)
    stored = window.db.execute("select rule, text from explanations where region='320300' and rule in ('yoy', 'outlier')"
                               " order by rule").fetchall()
    assert stored == [("outlier", "技术转移中心集中登记"), ("yoy", "技术转移中心集中登记")]
    assert window.db.execute("select count(*) from audit where action='explain' and region='320300'").fetchone()[0] == 2
    assert "无阻碍报送的问题" in page.blockers_label.text() and page.complete_button.isEnabled()
    qtbot.mouseClick(page.complete_button, Qt.LeftButton)
    assert region_year_status(window.db, "320300", 2024) == "complete"


def test_approve_locks_and_unlock_reopens(window, qtbot):
    window.select_region("320000")
    window.tabs.setCurrentIndex(1)
    assert not window.dashboard.approve_button.isEnabled()     # a draft, an unexplained finding, draft cities
    window.select_region("320100")                             # 南京 2024: complete and clean
    m = window.entry.model
    assert window.dashboard.approve_button.isEnabled()
    assert window.approve(credentials=("demo-head", "demo1234"))
    assert region_year_status(window.db, "320100", 2024) == "approved"
    assert window.dashboard.unlock_button.isEnabled() and "已审批" in window.dashboard.title.text()
    window.tabs.setCurrentIndex(0)
    assert "已审批" in window.entry.title.text()
    idx = cell_index(window, "INV_GRANTS", "2024")
    assert not (m.flags(idx) & Qt.ItemIsEditable)
    before = stored(window, "INV_GRANTS", "2024", "320100")
    window.entry.model.commit("INV_GRANTS", "2024", "1")                  # even a direct write is refused
    assert stored(window, "INV_GRANTS", "2024", "320100") == before
    assert refusal_boxes()
    for b in refusal_boxes():
        b.close()
    assert not window.unlock(credentials=("demo-head", "wrong-password", "fix"))
    for b in QApplication.topLevelWidgets():
        if isinstance(b, QMessageBox):
            b.close()
    assert window.unlock(credentials=("demo-head", "demo1234", "订正南京数据"))
    assert m.flags(idx) & Qt.ItemIsEditable and "草稿" in window.entry.title.text()
    assert audit.history(window.db, "320100")[-1]["action"] == "unlock"


def test_dashboard_traffic_lights_and_owed_board(window):
    window.select_region("320000")
    window.tabs.setCurrentIndex(1)
    d = window.dashboard
    statuses = {d.targets.item(r, 0).text(): d.targets.item(r, 3).data(Qt.UserRole) for r in range(d.targets.rowCount())}
    assert statuses["每万人口高价值发明专利拥有量"] == "on_track"
    assert "◐" in d.targets.item(0, 3).text() or "▲" in d.targets.item(1, 3).text()
    owed = {d.owed.item(r, 0).text() for r in range(d.owed.rowCount())}
    # owed until submitted (review.owed): in 2024 no city has submitted yet, complete ones included
    assert "宿迁市" in owed and "南京市" in owed and len(owed) == 13
    assert "13" in d.owed_box.title()
    window.year.setValue(2023)                                  # every city submitted 2023
    assert d.owed.rowCount() == 0
    assert "天" in d.days_left.text()


def test_chart_draws_target_line_and_exports_png(window, tmp_path):
    window.select_region("320000")
    window.tabs.setCurrentIndex(2)
    charts = window.charts
    assert charts is not None
    charts.indicator.setCurrentIndex(charts.indicator.findData("HV_PATENTS_PER_10K"))
    curves = charts.trend_plot.getPlotItem().listDataItems()
    ys = [list(c.getData()[1]) for c in curves]
    assert [26.0, 26.0] in ys                                             # Jiangsu's own 2025 target
    names = [c.name() for c in curves]
    assert any("目标" in (n or "") for n in names)
    out = charts.export_png(str(tmp_path / "chart.png"))
    assert Path(out).stat().st_size > 5000


def test_chart_ranks_siblings_and_says_when_there_is_nothing_to_draw(window):
    """Nanjing's districts have no figures in the demo: the ranking shows Jiangsu's cities with
    Nanjing highlighted. An indicator with no data or target for a region says so in the plot."""
    window.tabs.setCurrentIndex(2)
    window.select_region("320100")
    charts = window.charts
    charts.indicator.setCurrentIndex(charts.indicator.findData("HV_PATENTS_PER_10K"))
    rank = charts.rank_plot.getPlotItem()
    assert "江苏省" in rank.titleLabel.text
    assert "320100" in [code for code, _n, _v in charts._ranking_rows]
    brushes = charts._bars.opts["brushes"]
    assert brushes.count("#d35400") == 1 and len(brushes) == 13        # Nanjing highlighted among 13 cities
    notices = [n for n in charts._notices.values() if n.isVisible()]
    assert not notices
    charts.indicator.setCurrentIndex(charts.indicator.findData("INV_EXAM_CYCLE"))    # a national indicator
    visible = [n.toPlainText() for n in charts._notices.values() if n.isVisible()]
    assert any("南京市暂无该指标的数据和目标" in t for t in visible), visible
    assert not charts.trend_plot.getPlotItem().listDataItems()


def test_chart_ranking_follows_an_edit(window):
    """The ranking is kept while siblings are chosen, but not across a written value."""
    from app.models.values import set_text

    window.tabs.setCurrentIndex(2)
    window.select_region("320100")
    charts = window.charts
    charts.indicator.setCurrentIndex(charts.indicator.findData("INV_GRANTS"))
    before = dict((c, v) for c, _n, v in charts._ranking_rows)
    set_text(window.db, "320200", "INV_GRANTS", "2024", "999999")
    window.reload()
    after = dict((c, v) for c, _n, v in charts._ranking_rows)
    assert before["320200"] != 999999 and after["320200"] == 999999
    assert charts._ranking_rows[0][0] == "320200"          # now first
    # each bar carries its figure, grouped as the grid shows it, at the bar's end
    shown = [(lab.toPlainText(), lab.pos().x(), lab.pos().y()) for lab in charts._value_labels if lab.isVisible()]
    assert len(shown) == len(charts._ranking_rows) == 13
    assert shown[0] == ("999,999", 999999, 0)
    (x0, x1), _y = charts.rank_plot.getPlotItem().getViewBox().viewRange()
    assert x1 >= 999999 * 1.15          # room for the figure beyond the longest bar


def test_language_switch(window):
    from app.ui import i18n
    assert window.tabs.tabText(0) == "数据填报"
    i18n.set_language("en")
    assert window.tabs.tabText(0) == "Entry" and window.entry.explain_button.text() == "Save explanation"
    assert window.tree_model.data(window.tree_model.index_of("320000")) == "Jiangsu"
    assert "Nanshan District · Guangdong Shenzhen · 440305" in window.finder.suggestions()
    assert window.finder.placeholderText().startswith("Find a region")
    assert window.entry.model.headerData(0, Qt.Vertical) == "Resident population (10k persons)"
    i18n.set_language("zh")
    assert window.tabs.tabText(0) == "数据填报" and window.entry.explain_button.text() == "保存说明"


def test_whole_subtree_check_runs_off_the_ui_thread(window, qtbot):
    """Checking the nation runs in a worker; the window keeps processing events meanwhile."""
    window.select_region("100000")
    ticks = []
    from PySide6.QtCore import QTimer
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    window.check_all_below()
    qtbot.waitUntil(lambda: getattr(window, "sweep_dialog", None) is not None and window.sweep_dialog.isVisible(),
                    timeout=20000)
    timer.stop()
    rows = {window.sweep_dialog.table.item(r, 0).data(Qt.UserRole) for r in range(window.sweep_dialog.table.rowCount())}
    # a province that reported nothing is owed (the nation collects provinces); Nanjing's districts,
    # which no one in this store fills, are not
    assert "320000" in rows and "110000" in rows and "320102" not in rows
    assert ticks                                            # the event loop ran while the check worked
    window.sweep_dialog.table.cellDoubleClicked.emit(0, 0)
    assert window.region == window.sweep_dialog.table.item(0, 0).data(Qt.UserRole)


def test_quarterly_entry_and_value_history(window, qtbot):
    window.period_kind_box.setCurrentIndex(1)                         # quarterly
    m = window.entry.model
    assert m.grid.periods == ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2024"]
    assert m.setData(cell_index(window, "INV_APPLICATIONS", "2024Q3"), "3,456")
    assert stored(window, "INV_APPLICATIONS", "2024Q3") == Decimal(3456)
    assert m.setData(cell_index(window, "INV_APPLICATIONS", "2024Q3"), "3,500")
    window.entry.view.setCurrentIndex(cell_index(window, "INV_APPLICATIONS", "2024Q3"))
    window.entry.show_history()
    dlg = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "historyDialog" and w.isVisible())
    assert dlg.table.rowCount() == 2
    assert [dlg.table.item(r, 4).text() for r in range(2)] == ["3456", "3500"]
    assert dlg.table.item(1, 3).text() == "3456" and dlg.table.item(1, 1).text() == "tester"
    assert [dlg.table.item(r, 2).text() for r in range(2)] == ["填报", "填报"]      # words, not the trail's `set`
    dlg.close()
    window.period_kind_box.setCurrentIndex(0)
    assert m.grid.periods[-1] == "2024"


def test_about_shows_version_data_directory_and_schema(window):
    import app
    from app.models.db import SCHEMA_VERSION
    from app.ui.dialogs import about_text
    text = about_text(window.db)
    assert app.__version__ in text and "数据目录" in text and f"（本程序：{SCHEMA_VERSION}）" in text


def test_note_and_source_kept_with_a_value(window):
    window.entry.view.setCurrentIndex(cell_index(window, "INV_GRANTS", "2024"))
    before = stored(window, "INV_GRANTS", "2024")
    assert window.entry.edit_note("含12月补报数据", "江苏省知识产权局年报")
    row = window.db.execute("select value, note, source from \"values\" where region='320100' and indicator='INV_GRANTS'"
                            " and period='2024'").fetchone()
    assert row == (str(before), "含12月补报数据", "江苏省知识产权局年报")
    tip = window.entry.model.data(cell_index(window, "INV_GRANTS", "2024"), Qt.ToolTipRole)
    assert "含12月补报数据" in tip and "江苏省知识产权局年报" in tip
    last = audit.history(window.db, "320100", "INV_GRANTS", "2024")[-1]
    assert audit.decode(last["new"])["note"] == "含12月补报数据"


def test_targets_are_editable_in_the_window(window, tmp_path):
    dlg = window.show_targets()
    row = next(i for i, t in enumerate(dlg.targets) if t.pack == "GUIDELINE_2022" and t.indicator == "INV_EXAM_CYCLE")
    assert dlg.table.item(row, 5).text() == "16.5" and "1(3)" in dlg.table.item(row, 1).text()
    dlg.table.item(row, 5).setText("16")                       # as if double-clicked and typed
    from app.models.targets import list_targets
    assert [t.value for t in list_targets(window.db, pack="GUIDELINE_2022") if t.indicator == "INV_EXAM_CYCLE"] == [16.0]
    assert not dlg.edit(dlg.targets[row].id, "abc")            # refused with a message, nothing changed
    assert "✕" in dlg.status.text()
    # 一省一策: the selected city's own target now applies to it
    assert dlg.add_own("PLEDGE_SMES", "growth>=", "15", 2024)
    from app.models.targets import TargetSet
    own = [t for t in TargetSet.load(window.db).applicable("320100", 2024) if t.indicator == "PLEDGE_SMES"]
    assert [(t.pack, t.value) for t in own] == [("OWN_320100", 15.0)]
    # a new year's pack from a data file
    from app.models.reference import resource
    header = resource("targets", "national.csv").read_text(encoding="utf-8").splitlines()[0]
    pack = tmp_path / "guideline-2025.csv"
    pack.write_text(header + "\nGUIDELINE_2025,知识产权高质量发展年度工作指引（2025）,Guidelines (2025),X,2025-03-01,"
                    "主要目标,示例,PLEDGE_AMOUNT,each_region,2025,growth>=,8,annual,test\n", encoding="utf-8")
    assert dlg.import_pack(str(pack)) == 1
    assert any(t.pack == "GUIDELINE_2025" for t in dlg.targets)
    dlg.close()


def test_office_settings(window):
    dlg = window.office_settings()
    dlg.region.setCurrentIndex(dlg.region.findData("320500"))
    dlg.name.setText("苏州市知识产权局")
    dlg.contact.setText("张三 0512-12345678")
    dlg.deadline.setText("13-40")
    assert not dlg.save() and "✕" in dlg.status.text()          # a deadline that is no date
    dlg.deadline.setText("12-10")
    assert dlg.save()
    from app.models.db import meta_get
    assert [meta_get(window.db, k) for k in ("home_region", "office_name", "office_contact", "deadline")] == \
        ["320500", "苏州市知识产权局", "张三 0512-12345678", "12-10"]
    assert window.region == "320500"


def test_chart_ranking_follows_a_write_by_another_connection(window):
    """An import writes on its worker's own connection: the ranking must not keep its old bars."""
    from app.models.db import open_store
    from app.models.values import set_text

    window.tabs.setCurrentIndex(2)
    window.select_region("320100")
    charts = window.charts
    charts.indicator.setCurrentIndex(charts.indicator.findData("INV_GRANTS"))
    other = open_store(window.db.path)
    set_text(other, "320200", "INV_GRANTS", "2024", "999999")
    other.close()
    window.reload(statuses_changed=True)
    assert dict((c, v) for c, _n, v in charts._ranking_rows)["320200"] == 999999


def test_changed_values_never_look_alike(window):
    """Shown to the indicator's decimals, or more when the value has them."""
    from app.ui.shown import Shown

    shown = Shown(window)
    assert shown.number("PLEDGE_AMOUNT", "3.501").text() != shown.number("PLEDGE_AMOUNT", "3.504").text()
    assert shown.number("PLEDGE_AMOUNT", "1234.5").text() == "1,234.50"
    assert shown.number("INV_GRANTS", "-1234").text() == "-1,234"
    assert shown.number("INV_GRANTS", None).text() == "" and shown.number("NOT_A_CODE", "7").text() == "7"


def test_timestamps_are_shown_in_local_time(monkeypatch):
    """Stored ISO times (UTC or any offset) are shown as people read them, in the computer's zone."""
    import time

    from app.ui.shown import when

    monkeypatch.setenv("TZ", "CST-8")          # (a POSIX rule: no tz database needed)
    time.tzset()
    try:
        assert when("2026-11-25T18:32:08+00:00") == "2026-11-26 02:32"
        assert when("2024-12-10T09:30:00+08:00") == "2024-12-10 09:30"
        assert when(None) == "" and when("not a time") == "not a time"
        assert when("9999-12-31T23:00:00+00:00") == "9999-12-31T23:00:00+00:00"     # out of range here: as written
    finally:
        monkeypatch.undo()
        time.tzset()
