"""The electronic copy as it prints (issue 14, point 5). The workbook is converted to PDF by
LibreOffice (``soffice --headless --convert-to pdf``) and read back: pypdfium2 gives each
character's printed size, poppler's ``pdftotext -bbox-layout`` the word boxes of each line.
No text under 8 pt, no line printed over another, one Chinese face, a sensible page count.
The same checks run on a copy with the row heights and column widths spoilt (the workbook as
it was before), and must fail there — so they can fail.

LibreOffice is given the bundled CJK face through a fontconfig file, with 宋体/SimSun mapped to
it as a Chinese Windows has SimSun itself. Skipped (saying so) when soffice is absent.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

REGION, YEAR = "320000", 2024
XHTML = "{http://www.w3.org/1999/xhtml}"
MIN_PT = 8.0


@pytest.fixture(scope="module")
def book(demo_file, tmp_path_factory):
    from app.models.db import open_store
    from app.services.report.export import export_report

    folder = tmp_path_factory.mktemp("print")
    shutil.copy(demo_file, folder / "store.sqlite")
    db = open_store(folder / "store.sqlite")
    res = export_report(db, REGION, YEAR, xlsx=folder / "江苏省-2024.xlsx", generated_at=datetime(2024, 12, 10))
    yield {"db": db, "xlsx": res.xlsx, "rep": res.report, "folder": folder}
    db.conn.close()


# ---------------------------------------------------------------- the workbook's settings

def test_every_style_names_the_chinese_face(book):
    import zipfile

    styles = zipfile.ZipFile(book["xlsx"]).read("xl/styles.xml").decode("utf-8")
    fonts = re.findall(r"<font>.*?</font>|<font .*?</font>", styles, re.S)
    assert fonts and all('<name val="宋体"' in f and '<charset val="134"' in f for f in fonts), fonts
    assert "Calibri" not in styles


def test_every_sheet_fits_the_page_width_repeats_its_header_and_wraps_into_tall_enough_rows(book):
    from app.services.report.xlsx import LINE_PT, PAGE_UNITS, lines_needed

    wb = load_workbook(book["xlsx"])
    orientation = {"封面说明": "portrait", "明细": "portrait"}
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        ps = ws.page_setup
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth == 1 and ps.fitToHeight == 0, ws.title
        assert ps.orientation == orientation.get(ws.title, "landscape"), ws.title
        if ws.title != "封面说明":
            assert ws.print_title_rows.replace("$", "") == "2:2", ws.title
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.alignment.wrap_text and c.coordinate not in ws.merged_cells:
                    width = ws.column_dimensions[c.column_letter].width
                    height = ws.row_dimensions[c.row].height
                    assert height and height >= lines_needed(c.value, width) * LINE_PT, (ws.title, c.coordinate)
        if ws.title in ("目标核查", "问题与说明", "历年趋势"):        # fitted to the page by narrowing wrapped columns
            used = {c.column_letter for row in ws.iter_rows(min_row=2) for c in row if c.value is not None}
            assert sum(ws.column_dimensions[x].width for x in used) <= PAGE_UNITS["landscape"] + 2, ws.title


def test_the_detail_sheet_prints_its_header_only_and_stays_importable(book, empty_db):
    from app.services.sheets.importer import plan_import

    wb = load_workbook(book["xlsx"])
    ws = wb["明细"]
    assert ws.sheet_state == "visible" and ws.print_area.replace("$", "").endswith("!A1:E2")
    assert f"共 {len(book['rep'].detail):,} 行" in ws.oddHeader.center.text
    plan = plan_import(empty_db, book["xlsx"])
    assert not plan.problems and plan.counts()["new"] == len(book["rep"].detail)


def test_targets_are_worded_for_a_chinese_reader(book):
    from app.services.report.sheet_words import COMPARATOR_ZH

    wb = load_workbook(book["xlsx"])
    texts = [c.value for ws in wb.worksheets if ws.sheet_state == "visible" for row in ws.iter_rows()
             for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if re.search(r">=|<=|growth|least squares|not enough data", t)]
    ws = wb["目标核查"]
    said = [r[3] for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    assert said and set(said) <= set(COMPARATOR_ZH.values())
    assert all(re.search(r"[\u4e00-\u9fff]", r[14] or "") and not re.search(r"[A-Za-z]{4}", r[14] or "")
               for r in ws.iter_rows(min_row=3, values_only=True) if r[0])


def test_every_clause_of_the_national_pack_reads_in_chinese():
    import csv

    from app.models.reference import resource
    from app.services.report.sheet_words import RENDERED, clause_zh, method_zh, requirement_zh

    path = resource("targets", "national.csv")
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    assert len(rows) > 10
    for r in rows:
        out = clause_zh(r["clause_text"])
        assert re.search(r"[\u4e00-\u9fff]", out) and not re.search(r"[a-z]{3,}", out.replace(RENDERED, "")), out   # GDP stays
    english = next(r["clause_text"] for r in rows if not re.search(r"[\u4e00-\u9fff]", r["clause_text"]))
    assert clause_zh(english).endswith(RENDERED)            # a rendering says it is not the original
    assert method_zh("linear least squares over 2018–2022 (5 points)") == "最小二乘线性趋势外推（2018—2022年，5个数据点）"
    from decimal import Decimal
    from types import SimpleNamespace as T

    words = [requirement_zh(T(comparator=c, target=Decimal("16.5"), unit="个月", target_year=2022))
             for c in (">=", "<=", "growth>=", "increase", "reported")]
    assert words == ["不低于16.5个月（2022年）", "不高于16.5个月（2022年）", "增长不低于16.5%", "高于上年", "须填报"]


# ---------------------------------------------------------------- printed by LibreOffice

def soffice_pdfs(xlsxs: list[Path], out: Path) -> list[Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) not installed: the printed workbook is not checked")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) not installed")
    from app.models.reference import resource

    fonts = resource("fonts", "wqy-microhei.ttc").parent
    conf = out / "fonts.conf"
    out.mkdir(parents=True, exist_ok=True)
    aliases = "".join(f"<alias><family>{f}</family><prefer><family>WenQuanYi Micro Hei</family></prefer></alias>"
                      for f in ("宋体", "SimSun"))
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    f"<dir>{fonts}</dir>{aliases}</fontconfig>", encoding="utf-8")
    env = {**__import__("os").environ, "FONTCONFIG_FILE": str(conf)}
    subprocess.run([soffice, f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, xlsxs)], capture_output=True, timeout=300, check=True, env=env)
    pdfs = [out / (x.stem + ".pdf") for x in xlsxs]
    assert all(p.exists() for p in pdfs), list(out.iterdir())
    return pdfs


def char_sizes(pdf: Path) -> list[tuple[int, float, str]]:
    """(page, printed size in pt, character) of every visible character (pdfium: scaling included)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(pdf))
    out = []
    for n in range(len(doc)):
        tp = doc[n].get_textpage()
        for k in range(raw.FPDFText_CountChars(tp)):
            ch = raw.FPDFText_GetUnicode(tp, k)
            if ch > 32:
                out.append((n + 1, raw.FPDFText_GetFontSize(tp, k), chr(ch)))
    doc.close()
    return out


def overprints(pdf: Path, tolerance: float = 0.25) -> list[tuple[int, str, str]]:
    """Words of different lines whose boxes overlap side by side and, vertically, by more than
    ``tolerance`` of the smaller height: one line printed over another."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         encoding="utf-8", check=True, timeout=120).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    found = []
    for n, page in enumerate(root.iter(XHTML + "page"), start=1):
        words = sorted(((float(w.get("yMin")), float(w.get("yMax")), float(w.get("xMin")), float(w.get("xMax")),
                         w.text, li) for li, line in enumerate(page.iter(XHTML + "line"))
                        for w in line.iter(XHTML + "word")))
        for a, (y0, y1, x0, x1, t, la) in enumerate(words):
            for v0, v1, u0, u1, s, lb in words[a + 1:]:
                if v0 >= y1:
                    break
                if la != lb and min(x1, u1) - max(x0, u0) > 0.5 and \
                        min(y1, v1) - max(y0, v0) > tolerance * min(y1 - y0, v1 - v0):
                    found.append((n, t, s))
    return found


def spoil(src: Path, dst: Path) -> Path:
    """The workbook as it printed before: no row heights, wide unwrapped target columns."""
    wb = load_workbook(src)
    for ws in wb.worksheets:
        for r in list(ws.row_dimensions):
            ws.row_dimensions[r].height = None
    for col in "ABCDEFGHIJKLMNOPQ":
        wb["目标核查"].column_dimensions[col].width = 48
    wb.save(dst)
    return dst


def test_libreoffice_prints_it_legibly_in_one_face_without_overprinting(book, tmp_path):
    bad = spoil(book["xlsx"], tmp_path / "spoilt.xlsx")
    pdf, spoilt = soffice_pdfs([book["xlsx"], bad], tmp_path / "pdf")

    sizes = char_sizes(pdf)
    small = Counter((page, round(size, 1)) for page, size, _ch in sizes if size < MIN_PT)
    assert not small, f"text under {MIN_PT} pt (page, size): {small}"
    assert overprints(pdf) == []
    pages = max(p for p, _s, _c in sizes)
    smallest = min(s for _p, s, _c in sizes)
    print(f"\nLibreOffice prints the Jiangsu {YEAR} workbook on {pages} pages; smallest text {smallest:.1f} pt")
    assert 7 <= pages <= 16, pages                     # was 45, most of them 明细
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True).stdout.split("\f")
    assert sum("明细（共" in t for t in text) == 1          # one page for 明细: its header
    faces = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in faces.splitlines()[2:] if line.strip()}
    assert names <= {"WenQuanYiMicroHei", "WenQuanYiMicroHei-Bold", "OpenSymbol"}, names

    # the checks fail on the workbook as it was: overprinted rows, text far under 8 pt
    assert overprints(spoilt)
    assert min(size for _p, size, _c in char_sizes(spoilt)) < MIN_PT
