"""``ipdesk verify-docs PDF XLSX`` against the attacks it exists for: a figure edited in the loose
workbook, the same edit with the workbook's own record rewritten to match, a changed 明细 value,
a paper copy of another region-year, and files that are not what they claim. The files are
real exports of a copy of the demo store (Jiangsu 2022 is approved and final); the edits are
made with openpyxl as a clerk's spreadsheet program would.
"""
from __future__ import annotations

import json
import shutil
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.test_cli import ipdesk


@pytest.fixture(scope="module")
def pair(demo_file, tmp_path_factory):
    from app.models.db import open_store
    from app.services.report.export import export_report

    folder = tmp_path_factory.mktemp("verify")
    path = folder / "store.sqlite"
    shutil.copy(demo_file, path)
    db = open_store(path)
    when = datetime(2022, 12, 10, 9, 30)
    res = export_report(db, "320000", 2022, pdf=folder / "江苏省-2022.pdf", xlsx=folder / "江苏省-2022.xlsx",
                        generated_at=when)
    other = export_report(db, "320100", 2022, pdf=folder / "南京市-2022.pdf", generated_at=when)
    yield {"db": db, "store": path, "res": res, "pdf": res.pdf, "xlsx": res.xlsx, "other_pdf": other.pdf,
           "folder": folder}
    db.conn.close()


def edited(pair, tmp_path, name: str, change) -> str:
    """A copy of the pair's workbook with ``change(workbook)`` applied, saved as a clerk would."""
    wb = load_workbook(pair["xlsx"])
    change(wb)
    out = tmp_path / name
    wb.save(out)
    return out


def messages(res, lang="zh") -> list[str]:
    return [p.message(lang) for p in res.problems]


def test_an_untouched_pair_agrees_and_the_fingerprint_is_recomputed_from_the_cells(pair, tmp_path):
    from app.services.fingerprint import fingerprint
    from app.services.report.verify import verify_docs

    res = verify_docs(pair["pdf"], pair["xlsx"])
    want = fingerprint(pair["db"], "320000", 2022)
    assert res.ok and res.problems == [] and res.edits == []
    assert res.recomputed == res.recorded == want == pair["res"].report.fingerprint   # from 明细's cells
    assert len(res.pages) == pair["res"].pdf_pages and set(res.pages) == {pair["res"].report.fingerprint_short}
    r = ipdesk("verify-docs", str(pair["pdf"]), str(pair["xlsx"]), db=tmp_path / "none.sqlite", lang="zh")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "核对 江苏省-2022.pdf 与 江苏省-2022.xlsx：一致"
    assert not (tmp_path / "none.sqlite").exists()             # needs no store and makes none


def test_the_edit_attack_names_the_cell_with_its_old_and_new_figure(pair, tmp_path):
    """The issue's attack: 指标数据!F3 336,048 → 346,048 in the loose XLSX, the PDF as it was."""
    from app.services.report.verify import verify_docs

    assert load_workbook(pair["xlsx"])["指标数据"]["F3"].value == 336048
    bad = edited(pair, tmp_path, "edited.xlsx", lambda wb: wb["指标数据"].__setitem__("F3", 346048))
    res = verify_docs(pair["pdf"], bad)
    assert not res.ok
    assert messages(res) == ["指标数据!F3：336,048 → 346,048"]          # named once, not twice
    assert [(e.where, e.old, e.new) for e in res.edits] == [("指标数据!F3", "336,048", "346,048")]
    r = ipdesk("verify-docs", str(pair["pdf"]), str(bad), "--json", db=tmp_path / "none.sqlite")
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)[0]
    assert out["ok"] is False and out["edits"][0]["where"] == "指标数据!F3" and out["edits"][0]["new"] == "346,048"
    r = ipdesk("verify-docs", str(pair["pdf"]), str(bad), db=tmp_path / "none.sqlite", lang="zh")
    assert r.returncode == 1 and "  指标数据!F3：336,048 → 346,048" in r.stdout.splitlines()

    # a change within the cell's shown precision is a change too (the record keeps the stored figure)
    bad = edited(pair, tmp_path, "tiny.xlsx", lambda wb: wb["指标数据"].__setitem__("F3", 336048.4))
    assert messages(verify_docs(pair["pdf"], bad)) == ["指标数据!F3：336,048 → 336,048"]


def test_the_edit_is_still_caught_when_the_record_in_the_workbook_is_rewritten_too(pair, tmp_path):
    """The attacker also rebuilds 元数据's cell record from the edited workbook: 明细 still holds the
    store's figure, so 指标数据 no longer matches it."""
    from app.services.report import verify

    def forge(wb):
        wb["指标数据"]["F3"] = 346048
        forge_record(wb, pair)

    bad = edited(pair, tmp_path, "forged.xlsx", forge)
    res = verify.verify_docs(pair["pdf"], bad)
    assert res.edits == [] and not res.ok
    assert messages(res) == ["指标数据!F3：346,048 与“明细”中的 336,048 不符"]
    # the same figure within half a unit (rounding) is not flagged: the other side of the threshold
    near = edited(pair, tmp_path, "rounded.xlsx", lambda wb: (wb["指标数据"].__setitem__("F3", 336048.4),
                                                              forge_record(wb, pair)))
    assert verify.verify_docs(pair["pdf"], near).ok
    far = edited(pair, tmp_path, "off.xlsx", lambda wb: (wb["指标数据"].__setitem__("F3", 336048.6),
                                                         forge_record(wb, pair)))
    assert messages(verify.verify_docs(pair["pdf"], far)) == ["指标数据!F3：336,048.6 与“明细”中的 336,048 不符"]


def forge_record(wb, pair):
    """Rebuild 元数据's record from the (edited) workbook, as an attacker who read this module would."""
    from app.services.report import verify

    meta = wb["元数据"]
    for row in list(meta.iter_rows()):
        if str(row[0].value).startswith(("cells.", "fp_parts.", "fp_notes", "verify_format")):
            meta.delete_rows(row[0].row)
    verify.seal(wb, pair["res"].report, verify.fingerprint_parts(pair["db"], "320000", 2022,
                                                                  pair["res"].report.regions))


def test_a_changed_detail_value_breaks_the_fingerprint_against_the_paper(pair, tmp_path):
    from app.services.fingerprint import short
    from app.services.report.verify import verify_docs

    wb = load_workbook(pair["xlsx"])
    ws = wb["明细"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "INV_GRANTS" and r[2].value == "2022"
               and r[0].value == "320000")
    cell, old = row[3].coordinate, row[3].value

    def change(wb):
        wb["明细"][cell] = old + 1
        meta = wb["元数据"]            # even with the recorded fingerprint "fixed" to the new cells
        for r in meta.iter_rows():
            if r[0].value == "fingerprint":
                r[1].value = "0" * 64
    bad = edited(pair, tmp_path, "detail.xlsx", change)
    res = verify_docs(pair["pdf"], bad)
    got = messages(res)
    assert f"明细!{cell}：{old} → {old + 1}" in got
    printed = pair["res"].report.fingerprint_short
    assert any(m.startswith(f"纸质件第 1—{len(res.pages)} 页所印数据指纹 {printed} 与电子件的 0000-") for m in got)
    assert res.recomputed not in (pair["res"].report.fingerprint, "0" * 64)
    assert f"按“明细”单元格重算的数据指纹为 {short(res.recomputed)}" in "".join(got)


def test_a_paper_copy_of_another_region_is_named(pair, tmp_path):
    from app.services.report.verify import verify_docs

    res = verify_docs(pair["other_pdf"], pair["xlsx"])
    assert not res.ok and res.edits == []
    got = messages(res)
    assert got[0].startswith("纸质件第 1—") and pair["res"].report.fingerprint_short in got[0]
    assert "纸质件是南京市2022年度的报告，电子件是江苏省2022年度的报告" in got
    r = ipdesk("verify-docs", str(pair["other_pdf"]), str(pair["xlsx"]), db=tmp_path / "none.sqlite", lang="en")
    assert r.returncode == 1 and "the PDF is the report of 南京市2022年度" in r.stdout


def test_files_that_cannot_be_read_exit_2_with_one_line(pair, tmp_path):
    from app.services.sheets.export_data import export_values

    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf")
    plain = tmp_path / "plain.xlsx"
    export_values(pair["db"], plain, regions=["320100"])            # an ipdesk workbook, not a report
    cases = [((fake, pair["xlsx"]), "无法读取纸质件：文件已损坏或不是 PDF"),
             ((pair["pdf"], plain), "没有记载数据指纹的“元数据”工作表：不是 ipdesk 生成的报告电子件"),
             ((pair["xlsx"], pair["pdf"]), "不是 .xlsx 工作簿")]
    for (a, b), said in cases:
        r = ipdesk("verify-docs", str(a), str(b), db=tmp_path / "none.sqlite", lang="zh")
        assert r.returncode == 2 and said in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_the_window_checks_a_chosen_or_dropped_pair(qtbot, pair, tmp_path):
    pytest.importorskip("PySide6")
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    from app.ui.verify_dialog import VerifyDialog

    dlg = VerifyDialog()
    qtbot.addWidget(dlg)
    mime = QMimeData()                       # both files dropped at once: each goes to its field
    mime.setUrls([QUrl.fromLocalFile(str(pair["xlsx"])), QUrl.fromLocalFile(str(pair["pdf"]))])
    event = QDropEvent(QPointF(5, 5), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    dlg.dropEvent(event)
    assert dlg.pdf_edit.text() == str(pair["pdf"]) and dlg.xlsx_edit.text() == str(pair["xlsx"])
    qtbot.waitUntil(lambda: "一致" in dlg.result_view.toPlainText() or "agree" in dlg.result_view.toPlainText(),
                    timeout=10000)
    assert dlg.result.ok
    bad = edited(pair, tmp_path, "edited.xlsx", lambda wb: wb["指标数据"].__setitem__("F3", 346048))
    dlg.xlsx_edit.setText(str(bad))
    dlg.check_button.click()
    qtbot.waitUntil(lambda: dlg.result is not None and not dlg.result.ok, timeout=10000)
    assert "指标数据!F3：336,048 → 346,048" in dlg.result_view.toPlainText()


def test_the_file_menu_offers_it_in_the_windows_language(open_main_window):
    from app.ui import i18n

    w = open_main_window("320000", 2022)
    action = next(a for a in w.file_menu.actions() if a.objectName() == "verifyDocsAction")
    assert action.text() == "核对报送材料（PDF + XLSX）…"
    i18n.set_language("en")
    try:
        assert action.text() == "Check documents (PDF + XLSX)…"
    finally:
        i18n.set_language("zh")
    assert action.text() == "核对报送材料（PDF + XLSX）…"


def test_a_libreoffice_resave_of_an_untouched_workbook_still_agrees(pair, tmp_path):
    """Opening and saving the workbook in another program is not an edit: no false alarm."""
    import subprocess

    from app.services.report.verify import verify_docs

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) not installed: re-saving is not checked")
    src = tmp_path / "copy.xlsx"
    shutil.copy(pair["xlsx"], src)
    out = tmp_path / "resaved"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "xlsx", "--outdir", str(out), str(src)], capture_output=True, timeout=300, check=True)
    res = verify_docs(pair["pdf"], out / "copy.xlsx")
    assert res.ok and res.edits == [], [p.message("zh") for p in res.problems]
    bad = edited(pair, tmp_path, "edited.xlsx", lambda wb: wb["指标数据"].__setitem__("F3", 346048))
    shutil.copy(bad, src)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "xlsx", "--outdir", str(out), str(src)], capture_output=True, timeout=300, check=True)
    assert [p.message("zh") for p in verify_docs(pair["pdf"], out / "copy.xlsx").problems] == \
        ["指标数据!F3：336,048 → 346,048"]
