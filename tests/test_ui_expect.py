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
    from app.models.checks import expected_range

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
    from app.models.checks import expected_range
    from app.models.findings import findings

    db = empty_db
    set_text(db, "320100", "ABNORMAL_APPS", "2023", "5", why="t")
    rng = expected_range(indicators(db)["ABNORMAL_APPS"], 5)

    def flagged(value):
        set_text(db, "320100", "ABNORMAL_APPS", "2024", str(value), why="t")
        return any(f.rule == "yoy" for f in findings(db, "320100", 2024))

    assert not flagged(int(rng.hi)) and flagged(int(rng.hi) + 1)
