"""The window's spreadsheet round: make the fill-in template, fill it as a clerk would, dry run
(the diff and a bad cell shown, nothing written), fix it, write it all in one go."""
from decimal import Decimal

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.models.values import get_values  # noqa: E402


@pytest.fixture
def window(open_main_window):
    return open_main_window("320500", 2024)


def fill(path, values: dict[str, str]):
    """Type values into the template's input column, the way a clerk does in Excel/WPS."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["填报"]
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "指标代码")
    input_col = next(c for c in range(1, ws.max_column + 1) if str(ws.cell(header_row, c).value or "").endswith("年填报值"))
    for r in range(header_row + 1, ws.max_row + 1):
        code = ws.cell(r, 1).value
        if code in values:
            ws.cell(r, input_col).value = values[code]
    wb.save(path)


def test_template_fill_dry_run_then_apply(window, qtbot, tmp_path):
    path = tmp_path / "苏州2024.xlsx"
    window.make_template(str(path))
    qtbot.waitUntil(path.exists, timeout=30000)
    qtbot.waitUntil(lambda: "模板" in window.statusBar().currentMessage(), timeout=10000)
    before = get_values(window.db)
    fill(path, {"INV_GRANTS": "２３，４５６", "PLEDGE_AMOUNT": "3.5亿", "GI_PRODUCTS": "abc"})
    window.import_file(str(path))
    dlg = window.import_dialog
    qtbot.waitUntil(lambda: dlg.plan is not None or "✕" in (dlg.problems.item(0).text() if dlg.problems.count() else ""),
                    timeout=30000)
    assert dlg.plan is not None and not dlg.plan.ok
    assert any("abc" in dlg.problems.item(i).text() for i in range(dlg.problems.count()))
    bad = next(dlg.problems.item(i) for i in range(dlg.problems.count()) if "abc" in dlg.problems.item(i).text())
    assert "（2024年填报值）：“abc”不是数字" in bad.text() and " · " not in bad.text()    # the place in Chinese
    assert "(2024年填报值)" in bad.toolTip()                                              # as written, in the tooltip
    assert not dlg.apply_button.isEnabled()
    assert get_values(window.db) == before                      # the dry run wrote nothing
    fill(path, {"GI_PRODUCTS": "7"})
    dlg.plan_file(str(path))
    qtbot.waitUntil(lambda: dlg.plan is not None and dlg.plan.ok, timeout=30000)
    stored = {(dlg.table.item(r, 1).data(Qt.UserRole), dlg.table.item(r, 4).data(Qt.UserRole))
              for r in range(dlg.table.rowCount())}
    assert ("INV_GRANTS", "23456") in stored and ("PLEDGE_AMOUNT", "3.5") in stored
    shown = {(dlg.table.item(r, 0).text(), dlg.table.item(r, 1).text(), dlg.table.item(r, 4).text())
             for r in range(dlg.table.rowCount())}                # as a clerk reads them
    assert ("苏州市", "发明专利授权量", "23,456") in shown and ("苏州市", "专利商标质押融资登记金额", "3.50") in shown
    assert dlg.apply_button.isEnabled()
    dlg.apply(confirmed=True)
    qtbot.waitUntil(lambda: dlg.result is not None, timeout=30000)
    after = get_values(window.db)
    assert after[("320500", "INV_GRANTS", "2024")] == Decimal(23456)
    assert after[("320500", "PLEDGE_AMOUNT", "2024")] == Decimal("3.5")
    assert after[("320500", "GI_PRODUCTS", "2024")] == Decimal(7)
    assert dlg.result.written == 3
    # the grid shows the imported value after the window reloaded
    m = window.entry.model
    row = next(i for i, ind in enumerate(m.grid.indicators) if ind.code == "INV_GRANTS")
    assert m.data(m.index(row, m.grid.periods.index("2024"))) == "23,456"
    QApplication.processEvents()
