"""The Export dialog writes both documents in a worker; the preview renders them; printing a page range works."""
import re
import shutil
import subprocess

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pypdfium2")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


@pytest.fixture
def window(open_main_window):
    return open_main_window("320000", 2022)


def test_export_dialog_writes_pdf_and_xlsx_then_previews_and_prints(window, qtbot, tmp_path):
    window.export()
    dlg = window.export_dialog
    dlg.folder.setText(str(tmp_path / "out"))
    dlg.office.setText("江苏省知识产权局")
    dlg.start()
    qtbot.waitUntil(lambda: dlg.result is not None, timeout=30000)
    pdf, xlsx = dlg.result.pdf, dlg.result.xlsx
    assert pdf.exists() and xlsx.exists() and pdf.suffix == ".pdf"
    assert dlg.result.report.fingerprint_short in dlg.result_label.text()
    assert dlg.print_button.isEnabled() and dlg.open_button.isEnabled()
    # the office name was remembered for the next export
    assert window.db.execute("select value from meta where key='office_name'").fetchone()[0] == "江苏省知识产权局"
    dlg.preview()
    prev = dlg.preview_dialog
    assert prev.pages.count() == dlg.result.pdf_pages >= 3
    icon = prev.pages.item(0).icon().pixmap(300, 424).toImage()
    assert icon.width() > 100 and not icon.isNull()
    # zoom: the pages are drawn larger (rendered again, not scaled), smaller, and as wide as the view
    first = prev.pages.iconSize().width()
    qtbot.mouseClick(prev.zoom_in_button, Qt.LeftButton)
    assert abs(prev.pages.iconSize().width() - first * 1.25) <= 2          # (PDFium rounds the page's size)
    assert abs(prev.pages.item(0).icon().availableSizes()[0].width() - first * 1.25) <= 2
    qtbot.mouseClick(prev.zoom_out_button, Qt.LeftButton)
    qtbot.mouseClick(prev.zoom_out_button, Qt.LeftButton)
    assert prev.pages.iconSize().width() < first
    prev.show()
    qtbot.mouseClick(prev.fit_button, Qt.LeftButton)
    view_width = prev.pages.viewport().width()
    assert view_width - 80 <= prev.pages.iconSize().width() <= view_width
    for _ in range(30):
        prev.zoom(1.25)
    assert abs(prev.pages.iconSize().width() - prev.MAX_WIDTH) <= 2
    # print pages 2-3 to a PDF "printer" and read the result back with poppler
    from PySide6.QtPrintSupport import QPrinter

    from app.ui.preview import page_count, print_pdf
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert print_pdf(pdf, printer, 2, 3, dpi=100) == 2
    assert page_count(printed) == 2
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True).stdout
        assert re.search(r"^Pages:\s+2$", info, re.M) and "A4" in info
    prev.close()


def test_export_to_an_unusable_folder_says_so_and_leaves_nothing(window, qtbot, tmp_path):
    """A 'folder' that is really a file (root ignores permissions, a file in the way stops everyone)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    window.export()
    dlg = window.export_dialog
    dlg.folder.setText(str(blocker / "sub"))
    dlg.start()
    qtbot.waitUntil(lambda: dlg.result_label.text() != "", timeout=30000)
    assert dlg.result is None and dlg.export_button.isEnabled()
    assert "not-a-folder" in dlg.result_label.text()
    assert not [p for p in tmp_path.rglob("*") if p.suffix in (".pdf", ".xlsx") or ".tmp" in p.name]
    QApplication.processEvents()


def test_data_export_writes_the_long_table_that_import_reads_back(window, qtbot, tmp_path):
    """File → Export data: Jiangsu and its cities, 2022–2024, as XLSX; read back by openpyxl and by
    the import's dry run into the same store: every value present and unchanged."""
    import openpyxl

    from app.services.sheets.importer import plan_import
    from app.ui.data_export import DataExportDialog

    window.select_region("320000")
    dialog = window.export_data()
    assert isinstance(dialog, DataExportDialog) and dialog.scope_buttons.checkedId() == 1   # with the cities
    dialog.year_from.setValue(2022)
    dialog.year_to.setValue(2024)
    out = tmp_path / "江苏省_2022-2024.xlsx"
    dialog.file.setText(str(out))
    dialog.start()
    assert not dialog.ok_button.isEnabled()          # a second click cannot start a second export
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=20000)
    expected = window.db.execute(
        'select count(*) from "values" where (region = \'320000\' or region in (select code from regions where'
        " parent = '320000')) and year between 2022 and 2024").fetchone()[0]
    assert dialog.result_.rows == expected > 500
    rows = list(openpyxl.load_workbook(out, read_only=True).worksheets[0].values)
    assert rows[0][:4] == ("地区代码", "指标代码", "期间", "数值") and len(rows) == expected + 1
    assert {r[0] for r in rows[1:]} == {"320000", *[c for c, in window.db.execute(
        "select code from regions where parent = '320000'")]} - {c for c, in window.db.execute(
        "select code from regions where parent = '320000' and code not in (select region from \"values\")")}
    plan = plan_import(window.db, out)
    assert plan.ok and plan.counts()["unchanged"] == expected and plan.counts()["new"] == 0
    assert f"{expected:,}" in window.statusBar().currentMessage()
