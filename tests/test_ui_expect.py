"""What DHIS2 and 直报 users expect (issue 16, point 5): sections, a cell's plausible range."""
import csv
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QApplication  # noqa: E402

from app.models.values import get_values, set_text  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def window(qtbot, open_main_window):
    w = open_main_window("320100", 2024)
    w.activateWindow()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


def row_of(m, code):
    return next(i for i, ind in enumerate(m.grid.indicators) if ind.code == code)


def test_every_catalogue_indicator_is_in_exactly_one_section():
    cat = ROOT / "resources" / "catalogue"
    with open(cat / "indicators.csv", encoding="utf-8") as f:
        codes = [r["code"] for r in csv.DictReader(f)]
    with open(cat / "sections.csv", encoding="utf-8") as f:
        listed = [c for r in csv.DictReader(f) for c in r["indicators"].split()]
    assert sorted(listed) == sorted(codes) and len(listed) == len(set(listed))


def test_grid_rows_are_grouped_in_sections_drawn_as_bands(window, qtbot):
    """Each section's name is drawn above its first row; the rows stay indicators only, so Enter,
    the arrows and a paste move from a section's last indicator to the next section's first."""
    m, view = window.entry.model, window.entry.view
    assert m.rowCount() == len(m.grid.indicators)                 # no rows of their own
    titles = {r: m.section_title(r) for r in range(m.rowCount()) if m.section_title(r)}
    assert titles[0] == "基础数据"
    assert titles[row_of(m, "INV_APPLICATIONS")] == "专利创造"
    assert titles[row_of(m, "PLEDGE_AMOUNT")] == "运用转化"
    assert "知识产权保护" in titles.values() and len(titles) == 6     # 审查与服务: national indicators only
    sections = [ind.section for ind in m.grid.indicators]
    assert all(sections.index(s) == i or sections[i - 1] == s for i, s in enumerate(sections))   # contiguous
    header = view.verticalHeader()
    band_row, plain_row = row_of(m, "PLEDGE_AMOUNT"), row_of(m, "PLEDGE_SMES")
    assert header.sectionSize(band_row) > header.sectionSize(plain_row)

    last = row_of(m, "OVERSEAS_INV_GRANTS")                        # the last of 专利创造
    assert last + 1 == band_row
    col = m.grid.periods.index("2024")
    view.setCurrentIndex(m.index(last, col))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_Return)                            # Enter: the next indicator, over the band
    assert view.currentIndex().row() == band_row
    qtbot.keyClick(view, Qt.Key_Up)
    assert view.currentIndex().row() == last
    qtbot.keyClick(view, "7")                                       # typing opens the editor below the band
    editor = QApplication.focusWidget()
    assert view.state() == QAbstractItemView.EditingState
    qtbot.keyClicks(editor, "77")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.EditingState)
    values = get_values(window.db)
    assert values[("320100", "OVERSEAS_INV_GRANTS", "2024")] == Decimal(777)
    assert view.currentIndex().row() == band_row

    QApplication.clipboard().setText("2,400\r\n250.5\r\n")          # a paste across the band: two indicators
    view.setCurrentIndex(m.index(last, col))
    window.entry.paste()
    values = get_values(window.db)
    assert values[("320100", "OVERSEAS_INV_GRANTS", "2024")] == Decimal(2400)
    assert values[("320100", "PLEDGE_AMOUNT", "2024")] == Decimal("250.5")

    # the band is painted: the row header's top strip of a section's first row has the band's colour
    from app.ui.entry import SECTION_BAND
    image = view.grab().toImage()
    y = view.rowViewportPosition(band_row) + view.horizontalHeader().height() + 2
    x = view.verticalHeader().width() + view.columnViewportPosition(col) + 4
    assert image.pixelColor(x, y) == SECTION_BAND


@pytest.mark.parametrize("code,step", [("INV_GRANTS", Decimal(1)), ("INV_GRANT_RATE", Decimal("0.1")),
                                       ("POPULATION", Decimal("0.01"))])
def test_tooltip_range_agrees_with_the_change_band_on_both_sides(window, code, step):
    """The range in the tooltip is the checks' own: the value at either end of it raises no change-band
    finding, one step (at the indicator's decimals) beyond either end does."""
    from app.models.findings import findings

    m = window.entry.model
    idx = m.index(row_of(m, code), m.grid.periods.index("2024"))
    tip = m.data(idx, Qt.ToolTipRole)
    line = next(t for t in tip.split("\n") if t.startswith("合理范围："))
    assert "较上年" in line
    rng = m.grid.cells[(code, "2024")].expected
    lo, hi = rng.text(m.grid.indicators[row_of(m, code)].decimals)
    assert line.startswith(f"合理范围：{lo} – {hi}（较上年 ±")
    db = window.db
    db.execute("update region_years set status = 'draft' where region = '320100' and year = 2024")

    def flagged(value):
        set_text(db, "320100", code, "2024", str(value), why="range test")
        return any(f.rule == "yoy" and f.indicator == code for f in findings(db, "320100", 2024))

    lo_d, hi_d = Decimal(lo.replace(",", "")), Decimal(hi.replace(",", ""))
    assert not flagged(hi_d) and not flagged(lo_d)
    assert flagged(hi_d + step) and flagged(lo_d - step)


def test_small_counts_and_bounded_kinds_have_their_own_range(empty_db):
    from app.models.catalogue import indicators
    from app.models.bands import expected_range

    cat = indicators(empty_db)
    small = expected_range(cat["INV_GRANTS"], 5)           # 5 → 19 is not judged, 5 → 20 is a +300 % change
    assert (small.lo, small.hi, small.small) == (0.0, 19.0, True)
    assert expected_range(cat["INV_GRANTS"], None) is None
    bounds = expected_range(cat["PROTECTION_SATISFACTION"], None)
    assert (bounds.lo, bounds.hi, bounds.band) == (0.0, 100.0, None)
    rate = expected_range(cat["INV_GRANT_RATE"], 95.0)     # ±10 points, never above 100 %
    assert (rate.lo, rate.hi) == (85.0, 100.0)


def test_small_count_range_agrees_with_the_check(empty_db):
    from app.models.catalogue import indicators
    from app.models.bands import expected_range
    from app.models.findings import findings

    db = empty_db
    set_text(db, "320100", "ABNORMAL_APPS", "2023", "5", why="t")
    rng = expected_range(indicators(db)["ABNORMAL_APPS"], 5)

    def flagged(value):
        set_text(db, "320100", "ABNORMAL_APPS", "2024", str(value), why="t")
        return any(f.rule == "yoy" for f in findings(db, "320100", 2024))

    assert not flagged(int(rng.hi)) and flagged(int(rng.hi) + 1)


# ---------------------------------------------------------------- completeness

def _count_by_hand(db, region, year):
    """Entered / expected counted here without the completeness module: regions and values read
    row by row, the required indicators from the catalogue, who reports from collects_below."""
    from app.models.catalogue import descendants, indicators, region as get_region
    from app.models.findings import collects_below
    from app.models.store_basics import meta_get

    cat = indicators(db)
    home = meta_get(db, "home_region")
    entered = expected = 0
    for code in [region] + descendants(db, region):
        r = get_region(db, code)
        if not r.valid_in(year):
            continue
        if not (code == home or r.parent is None or collects_below(db, r.parent)):
            continue
        owed = [c for c, i in cat.items() if i.required and not i.derived
                and (i.levels == "all" or (i.levels == "national" and r.level == "nation"))]
        expected += len(owed)
        have = {ind for ind, in db.execute('select indicator from "values" where region = ? and period = ?',
                                           [code, str(year)])}
        entered += len(have & set(owed))
    return entered, expected


@pytest.mark.parametrize("region", ["100000", "320000", "320100", "110000", "320102"])
def test_completeness_equals_a_count_by_hand(demo_db, region):
    from app.models.completeness import completeness

    c = completeness(demo_db, 2024)
    below = c.below(region)
    assert (below.entered, below.expected) == _count_by_hand(demo_db, region, 2024)


def test_completeness_follows_an_edit_and_a_parent_starting_to_collect(demo_db):
    """Kept per year, read again after the next audited change: a value entered for Nanjing's district
    makes Nanjing collect its districts, so all eleven are expected from then on."""
    from app.models.completeness import completeness
    from app.models.values import delete_value

    db = demo_db
    before = completeness(db, 2024)
    assert before.of("320102") is None and before.below("320100").expected == 22
    set_text(db, "320102", "INV_APPLICATIONS", "2024", "1234", why="t")
    after = completeness(db, 2024)
    assert after is not before
    assert after.of("320102").entered == 1 and after.of("320102").expected == 22
    n_districts = db.execute("select count(*) from regions where parent = '320100'").fetchone()[0]
    assert after.below("320100").expected == 22 * (1 + n_districts)
    assert after.below("320100").entered == 22 + 1
    delete_value(db, "320100", "INV_GRANTS", "2024", why="t")
    assert completeness(db, 2024).of("320100").entered == 21
    assert (completeness(db, 2024).below("320000").entered, completeness(db, 2024).below("320000").expected) == \
        _count_by_hand(db, "320000", 2024)


def test_completeness_on_the_dashboard_and_in_the_tree(window, qtbot):
    from app.models.completeness import completeness
    from app.ui.models import FILLED_ROLE

    window.select_region("320000")
    window.tabs.setCurrentIndex(1)
    d = window.dashboard
    c = completeness(window.db, 2024)
    own, below = c.of("320000"), c.below("320000")
    text = d.filled.text()
    assert f"本级 {own.entered} / {own.expected}" in text and f"含全部下级 {below.entered:,} / {below.expected:,}" in text
    m = window.tree_model
    qtbot.waitUntil(lambda: m.filled is not None)
    for code in ("320000", "110000", "100000"):
        idx = m.index_of(code)
        assert m.data(idx, FILLED_ROLE) == c.below(code).percent()
        assert "填报完整率" in m.data(idx, Qt.ToolTipRole)
    assert m.data(m.index_of("110000"), FILLED_ROLE) == "0%"
    # an edit in the grid is seen by the tree
    window.tabs.setCurrentIndex(0)
    window.select_region("110000")
    qtbot.waitUntil(lambda: window.entry.model.grid.region == "110000")
    em = window.entry.model
    assert em.setData(em.index(row_of(em, "INV_APPLICATIONS"), em.grid.periods.index("2024")), "5000")
    qtbot.waitUntil(lambda: m.data(m.index_of("110000"), FILLED_ROLE) == "4%")       # 1 of 22


# ---------------------------------------------------------------- violations

def test_violations_page_lists_every_finding_below_filters_and_jumps(window, qtbot):
    from app.models.findings import findings

    window.select_region("100000")
    window.tabs.setCurrentWidget(window.violations)
    page = window.violations
    fs = findings(window.db, "100000", 2024, below="all")
    assert page.model.rowCount() == len(fs) == page.proxy.rowCount() > 0
    assert "显示 {0} 项".format(len(fs)) in page.shown.text()
    heads = [page.proxy.headerData(c, Qt.Horizontal) for c in range(page.proxy.columnCount())]
    assert heads == ["地区", "指标", "期间", "核查规则", "性质", "问题内容", "是否已说明"]
    texts = [page.proxy.index(r, 5).data() for r in range(page.proxy.rowCount())]
    assert all("_" not in t for t in texts)                   # messages in words, no rule ids
    # filters narrow the list, each to what it says
    page.severity.setCurrentIndex(page.severity.findData("explain"))
    n_explain = sum(f.severity == "explain" for f in fs)
    assert page.proxy.rowCount() == n_explain < len(fs)
    page.rule.setCurrentIndex(page.rule.findData("yoy"))
    assert page.proxy.rowCount() == sum(f.rule == "yoy" for f in fs) > 0
    page.region_text.setText("徐州")
    assert page.proxy.rowCount() == sum(f.rule == "yoy" and f.region == "320300" for f in fs) == 1
    page.region_text.setText("")
    page.rule.setCurrentIndex(0)
    page.severity.setCurrentIndex(0)
    page.unexplained.setChecked(True)
    assert page.proxy.rowCount() == len(fs.unexplained(everywhere=True))
    page.unexplained.setChecked(False)
    page.indicator.setCurrentIndex(page.indicator.findData("INV_APPLICATIONS"))
    assert page.proxy.rowCount() == sum(f.indicator == "INV_APPLICATIONS" for f in fs)
    page.indicator.setCurrentIndex(0)
    # sortable: by region (codes in administrative order), by severity (blocking first)
    page.view.sortByColumn(4, Qt.AscendingOrder)
    sev = [page.model.finding(page.proxy.mapToSource(page.proxy.index(r, 0)).row()).severity
           for r in range(page.proxy.rowCount())]
    assert sev == sorted(sev, key={"blocking": 0, "explain": 1, "info": 2}.get)
    page.view.sortByColumn(0, Qt.DescendingOrder)
    codes = [page.model.finding(page.proxy.mapToSource(page.proxy.index(r, 0)).row()).region
             for r in range(page.proxy.rowCount())]
    assert codes == sorted(codes, reverse=True) and len(set(codes)) > 1
    page.view.sortByColumn(4, Qt.AscendingOrder)
    # Enter on the Nantong change-band finding opens its cell in the entry grid
    page.rule.setCurrentIndex(page.rule.findData("yoy"))
    page.region_text.setText("南通")
    assert page.proxy.rowCount() == 1
    f = page.model.finding(page.proxy.mapToSource(page.proxy.index(0, 0)).row())
    page.view.setCurrentIndex(page.proxy.index(0, 0))
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key_Return)
    assert window.tabs.currentIndex() == 0 and window.region == f.region == "320600"
    grid, cur = window.entry.model.grid, window.entry.view.currentIndex()
    assert grid.indicators[cur.row()].code == f.indicator and grid.periods[cur.column()] == f.period


def test_violations_jump_to_a_quarter_sets_the_period_kind(window, qtbot):
    """A finding on a quarter opens the quarterly grid on that quarter."""
    db = window.db
    set_text(db, "320200", "INV_PATENTS_IN_FORCE", "2024Q1", "100", why="t")     # a part above its whole
    set_text(db, "320200", "HV_PATENTS", "2024Q1", "200", why="t")
    window.select_region("320000")
    window.tabs.setCurrentWidget(window.violations)
    page = window.violations
    page.load("320000", 2024)
    page.region_text.setText("无锡")
    rows = [page.proxy.mapToSource(page.proxy.index(r, 0)).row() for r in range(page.proxy.rowCount())]
    quarter = next(r for r in rows if page.model.finding(r).period == "2024Q1")
    f = page.model.finding(quarter)
    page.view.doubleClicked.emit(page.proxy.mapFromSource(page.model.index(quarter, 0)))
    assert window.period_kind() == "quarter" and window.region == "320200"
    cur = window.entry.view.currentIndex()
    assert window.entry.model.grid.indicators[cur.row()].code == f.indicator
    assert window.entry.model.grid.periods[cur.column()] == f.period
    window.period_kind_box.setCurrentIndex(0)


# ---------------------------------------------------------------- the subtree check

def test_sweep_lists_only_regions_with_findings_and_their_reasons(demo_db):
    from app.models.findings import findings
    from app.services.views import sweep

    rows = sweep(demo_db.path, "320000", 2024)
    fs = findings(demo_db, "320000", 2024, below="all")
    with_findings = {f.region for f in fs}
    assert {r["region"] for r in rows} == with_findings and len(rows) < len(fs.regions)
    for r in rows:
        assert len(r["reasons"]) == len(fs.of(r["region"]))
        assert {x["message"][0] for x in r["reasons"]} == {f.message("zh") for f in fs.of(r["region"])}
    xuzhou = next(r for r in rows if r["region"] == "320300")
    assert any(x["indicator"][0] == "专利转让许可次数" and "超出 ±30% 合理区间" in x["message"][0]
               for x in xuzhou["reasons"])


def test_sweep_dialog_shows_names_and_reasons(window, qtbot):
    window.select_region("320000")
    window.check_all_below()
    qtbot.waitUntil(lambda: getattr(window, "sweep_dialog", None) is not None and window.sweep_dialog.isVisible(),
                    timeout=20000)
    t = window.sweep_dialog.table
    names = {t.item(r, 0).text(): r for r in range(t.rowCount())}
    assert "徐州市" in names and "320300" not in names                    # names shown, codes in tooltips
    reasons = t.item(names["徐州市"], 4).text()
    assert "专利转让许可次数" in reasons and "合理区间" in reasons and "［需说明］" in reasons
    assert t.rowCount() == 4
    window.sweep_dialog.close()


FIRST_PAINT = r"""
import sys
from PySide6.QtCore import QEvent, QObject
from app.ui.main import make_app
from app.models.db import open_store
from app.ui.main_window import MainWindow
app = make_app()
w = MainWindow(open_store(sys.argv[1]), region="320000", year=2024)
seen = []
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Paint and o is w and not seen:
            seen.append(("numpy" in sys.modules, w.tree_model.filled is not None))
        return False
f = F(); w.installEventFilter(f); w.show()
for _ in range(100):
    app.processEvents()
    if w.tree_model.filled is not None:
        break
print(seen[0], w.tree_model.filled is not None)
"""


def test_completeness_waits_for_the_first_paint(demo_file, tmp_path):
    """The tree's badges need NumPy's checks module (the required indicators): read after the window's
    first paint, which does without NumPy, not before it."""
    import os
    import shutil
    import subprocess
    import sys

    store = tmp_path / "s.sqlite"
    shutil.copy(demo_file, store)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", FIRST_PAINT, str(store)], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "(False, False) True", out.stderr[-2000:]


def test_report_lists_indicators_in_the_grids_sections(demo_db):
    from app.services.report.data import build_report
    from app.services.views import entry_grid

    rep = build_report(demo_db, "320100", 2024)
    grid = entry_grid(demo_db, "320100", 2024, with_checks=False)
    assert [r.code for r in rep.indicators] == [i.code for i in grid.indicators]
    assert [r.code for r in rep.indicators].index("PATENT_TRANSFERS") == \
        [r.code for r in rep.indicators].index("ROYALTY_TRADE") - 3        # 运用转化 together
