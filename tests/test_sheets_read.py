"""Reading clerks' files without trusting them (issue 4): hostile .xlsx (not a zip, truncated,
corrupted, zip bombs, XML bombs, a 50 MB sheet), formulas (cached values read, never
evaluated), Excel's float noise, per-cent styled cells, dates, and CSV in the encodings and
delimiters Chinese Excel and WPS write. Files are built byte by byte here (``raw_xlsx``) so
that each test controls exactly what a reader meets; every refused file leaves the store as
it was.

The helpers at the top are also used by the other ``test_sheets_*`` modules.
"""
from __future__ import annotations

import base64
import os
import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from app.models.errors import InputError
from app.services.sheets import read as sheets_read
from app.services.sheets.importer import apply_plan, plan_import
from app.services.sheets.common import number_text

LONG_HEADER = ["region", "indicator", "period", "value", "note"]
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# ---------------------------------------------------------------- helpers (shared)

def raw_xlsx(path, sheets: dict[str, str], *, styles: str | None = None, extra: dict | None = None,
             level: int = 6) -> None:
    """A minimal .xlsx written by hand: ``sheets`` maps a name to its worksheet XML."""
    ct = ['<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
          '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>']
    wb = [f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>']
    rels = ['<?xml version="1.0" encoding="UTF-8"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for n, (name, data) in enumerate(sheets.items(), 1):
            ct.append(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
            wb.append(f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>')
            rels.append(f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>')
            z.writestr(f"xl/worksheets/sheet{n}.xml", data)
        if styles:
            ct.append('<Override PartName="/xl/styles.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>')
            rels.append(f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>')
            z.writestr("xl/styles.xml", styles)
        z.writestr("[Content_Types].xml", "".join(ct) + "</Types>")
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
                   f'{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", "".join(wb) + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", "".join(rels) + "</Relationships>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)


def sheet_xml(rows: list[list], *, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    """Worksheet XML: str -> inline string, int/float -> number, ``("xml", "<f>..</f>")`` -> raw cell body,
    ``("s", n, value)`` -> a number cell with style ``n``."""
    out = [f'{prolog}<worksheet xmlns="{_NS}"><sheetData>']
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if v is None:
                continue
            if isinstance(v, tuple) and v[0] == "xml":
                cells.append(f'<c r="{ref}">{v[1]}</c>')
            elif isinstance(v, tuple) and v[0] == "s":
                cells.append(f'<c r="{ref}" s="{v[1]}"><v>{v[2]}</v></c>')
            elif isinstance(v, (int, float)):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out) + "</sheetData></worksheet>"


def long_rows(*rows) -> list[list]:
    return [LONG_HEADER, *[list(r) for r in rows]]


def store_state(db) -> tuple:
    """Everything an import could change: values (with notes) and the audit trail length."""
    values = db.execute('select region, indicator, period, value, note from "values" order by 1, 2, 3').fetchall()
    return values, db.execute("select count(*) from audit").fetchone()[0]


# ---------------------------------------------------------------- cells

def test_number_cells_lose_excel_float_noise():
    assert number_text(0.1 + 0.2) == "0.3"
    assert number_text(1234567.8900000001) == "1234567.89"
    assert number_text(89000.0) == "89000"
    assert number_text(12.345000000000001) == "12.345"
    assert number_text(3e-06) == "0.000003"


def test_float_noise_in_the_file_never_reaches_the_store(demo_db, tmp_path):
    path = tmp_path / "noise.xlsx"
    raw_xlsx(path, {"data": sheet_xml(long_rows(
        ["320100", "INV_GRANT_RATE", "2024", "0.30000000000000004"],      # as text: 17 significant digits, refused
        ["320200", "INV_GRANT_RATE", "2024", 52.300000000000004],
        ["320300", "PLEDGE_AMOUNT", "2024", 12.345000000000001]))})
    plan = plan_import(demo_db, path)
    assert [(p.code, p.text, p.cell) for p in plan.problems] == [
        ("too_many_digits", "0.30000000000000004", "D2 (value)")]
    got = {(r.region, r.indicator): r.value for r in plan.rows}
    assert got == {("320200", "INV_GRANT_RATE"): "52.3", ("320300", "PLEDGE_AMOUNT"): "12.345"}
    path.unlink()
    raw_xlsx(path, {"data": sheet_xml(long_rows(
        ["320200", "INV_GRANT_RATE", "2024", 52.300000000000004],
        ["320300", "PLEDGE_AMOUNT", "2024", 12.345000000000001]))})
    plan = plan_import(demo_db, path)
    assert plan.ok, [p.message("en") for p in plan.problems]
    apply_plan(demo_db, plan)
    stored = {(r, i): v for r, i, v in demo_db.execute(
        'select region, indicator, value from "values" where period = \'2024\'')}
    assert stored[("320200", "INV_GRANT_RATE")] == "52.3" and stored[("320300", "PLEDGE_AMOUNT")] == "12.345"


def test_formulas_give_their_cached_value_and_never_run(demo_db, tmp_path):
    path = tmp_path / "formulas.xlsx"
    raw_xlsx(path, {"data": sheet_xml(long_rows(
        ["320100", "INV_GRANTS", "2024", ("xml", "<f>SUM(1,2)</f><v>12345</v>")],
        ["320200", "INV_GRANTS", "2024", ("xml", "<f>SUM(1,2)</f>")],
        ["320300", "INV_GRANTS", "2024", ("xml", "<f>WEBSERVICE(\"http://x\")</f><v></v>")],
        [("xml", '<f>"3205"&amp;"00"</f><v>320500</v>'), "INV_GRANTS", "2024", 7]))})
    before = store_state(demo_db)
    plan = plan_import(demo_db, path)
    assert {(r.region, r.value) for r in plan.rows} == {("320100", "12345"), ("320500", "7")}
    assert [(p.code, p.sheet, p.cell) for p in plan.problems] == [
        ("cell_formula_no_value", "data", "D3 (value)"), ("cell_formula_no_value", "data", "D4 (value)")]
    with pytest.raises(InputError):
        apply_plan(demo_db, plan)
    assert store_state(demo_db) == before


def test_formulas_are_found_in_prefixed_xml_too(demo_db, tmp_path):
    """Some generators (the .NET Open XML SDK) write ``<x:c>``/``<x:f>``: same rules."""
    rows = sheet_xml(long_rows(["320100", "INV_GRANTS", "2024", ("xml", "<f>1+1</f>")],
                               ["320100", "INV_GRANTS", "2023", ("xml", "<f>1+1</f><v>2</v>")]))
    prefixed = rows.replace("<", "<x:").replace("<x:/", "</x:").replace("<x:?xml", "<?xml").replace(
        f'xmlns="{_NS}"', f'xmlns:x="{_NS}"')
    path = tmp_path / "prefixed.xlsx"
    raw_xlsx(path, {"data": prefixed})
    plan = plan_import(demo_db, path)
    assert [(r.period, r.value) for r in plan.rows] == [("2023", "2")]
    assert [(p.code, p.cell) for p in plan.problems] == [("cell_formula_no_value", "D2 (value)")]


def test_per_cent_styled_cells_are_read_as_the_clerk_saw_them(demo_db, tmp_path):
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{_NS}"><numFmts count="1">'
              '<numFmt numFmtId="164" formatCode="0.0%"/></numFmts><cellXfs count="3"><xf numFmtId="0"/>'
              '<xf numFmtId="10"/><xf numFmtId="164"/></cellXfs></styleSheet>')
    path = tmp_path / "percent.xlsx"
    raw_xlsx(path, {"data": sheet_xml(long_rows(
        ["320100", "INV_GRANT_RATE", "2024", ("s", 1, 0.125)],
        ["320200", "PATENT_INDUSTRIALIZATION_RATE", "2024", ("s", 2, 0.47599999999999998)],
        ["320300", "INV_GRANTS", "2024", ("s", 1, 0.5)]))}, styles=styles)
    plan = plan_import(demo_db, path)
    assert {(r.region, r.value) for r in plan.rows} == {("320100", "12.5"), ("320200", "47.6")}
    assert [(p.code, p.cell) for p in plan.problems] == [("unit_mismatch", "D4 (value)")]


def test_dates_and_booleans_are_refused_by_cell_unless_clearly_a_year(demo_db, tmp_path):
    date_style = (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{_NS}"><cellXfs count="2">'
                  '<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
    path = tmp_path / "dates.xlsx"
    raw_xlsx(path, {"data": sheet_xml(long_rows(
        ["320100", "INV_GRANTS", ("s", 1, 2024), 100],          # 2024 typed into a date column: 1905-07-15
        ["320200", "INV_GRANTS", ("s", 1, 45474), 100],         # 2024-07-01: not a year
        ["320300", "INV_GRANTS", "2024", ("s", 1, 45474)],      # a value shown as a date
        ["320400", "INV_GRANTS", "2024", ("xml", "<v>1</v>")],
        ["320500", "INV_GRANTS", 2024.0, 5]))}, styles=date_style)
    # a boolean cell needs t="b": patch it in
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'<c r="D5"><v>1</v></c>', b'<c r="D5" t="b"><v>1</v></c>')
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    plan = plan_import(demo_db, path)
    assert {(r.region, r.period) for r in plan.rows} == {("320100", "2024"), ("320500", "2024")}
    assert [(p.code, p.cell) for p in plan.problems] == [
        ("cell_date", "C3 (period)"), ("cell_date", "D4 (value)"), ("cell_bool", "D5 (value)")]
    assert "2024-07-01" in plan.problems[0].message("en") and "期间" in plan.problems[0].message("zh")


# ---------------------------------------------------------------- hostile files

def _expect_refused(db, path, code):
    before = store_state(db)
    with pytest.raises(InputError) as err:
        plan_import(db, path)
    assert err.value.code == code, err.value.message("en")
    assert err.value.file == path.name
    assert "\n" not in err.value.message("zh")
    assert store_state(db) == before
    return err.value


def test_not_a_zip_truncated_damaged_xls_and_ods_are_refused(demo_db, tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(os.urandom(3000))
    _expect_refused(demo_db, junk, "sheet_not_zip")
    good = tmp_path / "good.xlsx"
    raw_xlsx(good, {"data": sheet_xml(long_rows(["320100", "INV_GRANTS", "2024", 1]))})
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    _expect_refused(demo_db, cut, "sheet_not_zip")
    xls = tmp_path / "old.xls"                     # an OLE2 header and nothing after it
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    _expect_refused(demo_db, xls, "sheet_damaged")
    real = (Path(__file__).parent / "data" / "long-2024.xls").read_bytes()
    cut_xls = tmp_path / "cut.xls"
    cut_xls.write_bytes(real[: len(real) // 2])
    _expect_refused(demo_db, cut_xls, "sheet_damaged")
    ods = tmp_path / "calc.ods"                     # LibreOffice's own format: named, with what to do
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    err = _expect_refused(demo_db, ods, "sheet_ods")
    assert ".xlsx" in err.message("zh") and "OpenDocument" in err.message("en")
    for name, body in (("web.xls", "\ufeff  <html><body><table><tr><td>320100</td></tr></table></body></html>".encode()),
                       ("xml2003.xls", '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:'
                                       'spreadsheet"/>'.encode("utf-16"))):
        page = tmp_path / name                      # what many online systems export under an .xls name
        page.write_bytes(body)
        err = _expect_refused(demo_db, page, "sheet_web_page")
        assert "网页" in err.message("zh") and ".xlsx" in err.message("zh")
    mht = tmp_path / "saved.xls"
    mht.write_bytes(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x\r\n")
    _expect_refused(demo_db, mht, "sheet_web_page")
    tsv = tmp_path / "system-export.xls"            # tab-separated GBK text under an .xls name: read as text
    tsv.write_bytes("地区代码\t指标代码\t期间\t数值\n320100\tINV_GRANTS\t2024\t23,456\n".encode("gb18030"))
    plan = plan_import(demo_db, tsv)
    assert plan.ok and [(r.indicator, r.value) for r in plan.rows] == [("INV_GRANTS", "23456")]
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    _expect_refused(demo_db, empty, "sheet_not_zip")
    other_zip = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("a.jpg", b"\xff\xd8")
    _expect_refused(demo_db, other_zip, "sheet_not_workbook")


def test_corrupted_bytes_never_crash(demo_db, tmp_path):
    """Flipped bytes and cuts anywhere: a plan or an InputError, never another exception."""
    good = tmp_path / "good.xlsx"
    raw_xlsx(good, {"data": sheet_xml(long_rows(*[["320100", "INV_GRANTS", str(y), y] for y in range(2023, 2025)]))})
    data = good.read_bytes()
    rng = random.Random(4)
    before = store_state(demo_db)
    outcomes = set()
    for n in range(40):
        bad = bytearray(data)
        if n % 4 == 0:
            bad = bad[: rng.randrange(len(bad))]
        else:
            for _ in range(1 + n % 5):
                bad[rng.randrange(len(bad))] = rng.randrange(256)
        path = tmp_path / f"bad{n}.xlsx"
        path.write_bytes(bytes(bad))
        try:
            plan = plan_import(demo_db, path)
            outcomes.add("plan")
            assert isinstance(plan.problems, list)
        except InputError as exc:
            outcomes.add(exc.code)
    assert store_state(demo_db) == before
    assert "sheet_not_zip" in outcomes and len(outcomes) >= 2


def test_zip_bombs_are_refused_before_unpacking(demo_db, tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.xlsx"
    zeros = "<c/>" * (2_000_000)      # 8 MB packing to a few kB
    raw_xlsx(bomb, {"data": sheet_xml([LONG_HEADER]).replace("</sheetData>", f"<row r='2'>{zeros}</row></sheetData>")},
             level=9)
    err = _expect_refused(demo_db, bomb, "sheet_zip_bomb")
    assert "xl/worksheets/sheet1.xml" in err.message("en")
    monkeypatch.setattr(sheets_read, "MAX_UNPACKED_MB", 1)   # the total limit, shown on a small file
    big = tmp_path / "big.xlsx"
    raw_xlsx(big, {"data": sheet_xml(long_rows(*[["320100", "INV_GRANTS", "2024", base64.b64encode(
        os.urandom(3000)).decode()] for _ in range(400)]))})
    _expect_refused(demo_db, big, "sheet_too_big")
    monkeypatch.setattr(sheets_read, "MAX_PARTS", 50)
    many = tmp_path / "many.xlsx"
    raw_xlsx(many, {"data": sheet_xml([LONG_HEADER])}, extra={f"xl/media/i{n}.xml": "<a/>" for n in range(60)})
    _expect_refused(demo_db, many, "sheet_too_many_parts")


@pytest.mark.parametrize("part", ["sheet", "styles", "strings"])
def test_xml_bombs_and_external_entities_are_refused(demo_db, tmp_path, part):
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'
                        for i in range(9)) + "]>")
    xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    path = tmp_path / f"bomb-{part}.xlsx"
    if part == "sheet":
        raw_xlsx(path, {"data": sheet_xml(long_rows(["320100", "INV_GRANTS", "2024", "&lol8;"]), prolog=laughs)
                 .replace("&amp;lol8;", "&lol8;")})
    elif part == "styles":
        raw_xlsx(path, {"data": sheet_xml(long_rows(["320100", "INV_GRANTS", "2024", 1]))},
                 styles=xxe + f'<styleSheet xmlns="{_NS}"><numFmts><numFmt numFmtId="164" formatCode="&e;"/>'
                 "</numFmts></styleSheet>")
    else:
        raw_xlsx(path, {"data": sheet_xml(long_rows(["320100", "INV_GRANTS", "2024", 1]))},
                 extra={"xl/sharedStrings.xml": laughs + f'<sst xmlns="{_NS}"><si><t>&lol8;</t></si></sst>'})
    err = _expect_refused(demo_db, path, "sheet_xml_dtd")
    assert "DTD" in err.message("en")


def test_openpyxl_uses_defusedxml():
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


def test_a_50_mb_sheet_is_read_and_refused_row_by_row(demo_db, tmp_path):
    """50 MB of sheet XML (notes of 30,000 characters): every row is a problem, none crashes,
    the list stops at 1,000 with a count of the rest, nothing is written."""
    blob = base64.b64encode(os.urandom(38_000_000)).decode()
    rows = [[f"32{i % 13 + 1:02d}00", "INV_GRANTS", str(2000 + i % 25), 5, blob[i * 29_800:(i + 1) * 29_800]]
            for i in range(1690)]
    path = tmp_path / "huge.xlsx"
    raw_xlsx(path, {"data": sheet_xml(long_rows(*rows))}, level=1)
    assert 50_000_000 < zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size < 200 << 20
    before = store_state(demo_db)
    plan = plan_import(demo_db, path)
    assert plan.problem_count == 1690 and not plan.rows
    assert len(plan.problems) == 1001 and plan.problems[-1].code == "import_more_problems"
    assert {p.code for p in plan.problems[:-1]} == {"import_note_too_long"}
    assert plan.problems[5].cell == "E7 (note)"
    with pytest.raises(InputError):
        apply_plan(demo_db, plan)
    assert store_state(demo_db) == before


# ---------------------------------------------------------------- csv

def test_csv_in_gbk_with_semicolons_and_chinese_headers(demo_db, tmp_path):
    text = "地区代码;指标代码;期间;数值;说明\r\n320100;INV_GRANTS;2024;１２，３４５;据统计局快报\r\n" \
           "南京市;发明专利授权量;2023年;1.3万;\r\n320100;INV_GRANTS;2022;abc;\r\n"
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gbk"))
    plan = plan_import(demo_db, path)
    got = {(r.region, r.indicator, r.period): (r.value, r.note) for r in plan.rows}
    assert got == {("320100", "INV_GRANTS", "2024"): ("12345", "据统计局快报"),
                   ("320100", "INV_GRANTS", "2023"): ("13000", None)}
    assert [w.code for w in plan.warnings] == ["import_region_by_name", "import_indicator_by_name"]
    assert [(p.code, p.sheet, p.cell) for p in plan.problems] == [("not_a_number", None, "row 4, column 数值")]


@pytest.mark.parametrize("encoding,delimiter", [("utf-8-sig", ","), ("utf-8", "\t"), ("utf-16", "\t"),
                                                ("gb18030", ",")])
def test_csv_encodings_and_delimiters(demo_db, tmp_path, encoding, delimiter):
    text = delimiter.join(["region", "indicator", "period", "value", "note"]) + "\n" + \
        delimiter.join(["320100", "INV_GRANTS", "2024", "1234", "说明：初步数"]) + "\n"
    path = tmp_path / "data.csv"
    path.write_bytes(text.encode(encoding))
    plan = plan_import(demo_db, path)
    assert plan.ok and [(r.value, r.note) for r in plan.rows] == [("1234", "说明：初步数")]


def test_csv_that_is_not_text_is_refused(demo_db, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(bytes(range(256)) * 4)
    err = _expect_refused(demo_db, path, "csv_binary")
    assert err.message("zh").startswith("binary.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"region,indicator,period,value\n\x81\xff,INV_GRANTS,2024,1\n")
    _expect_refused(demo_db, latin, "csv_encoding")


# ---------------------------------------------------------------- Excel 97-2003 (.xls), as LibreOffice saves it

def test_xls_long_table_reads_like_xlsx_with_per_cent_cells_and_cached_formulas(demo_db):
    """tests/data/long-2024.xls (made by tests/data/make_xls.py through LibreOffice): a cell typed
    12.5% (kept as 0.125 with a per-cent format) is 12.5, a formula gives its cached value, a
    number typed as text with separators parses, the note arrives."""
    from app.models.values import get_values

    path = Path(__file__).parent / "data" / "long-2024.xls"
    book = sheets_read.read_book(path)
    assert book.kind == "xls" and book.sheets[0].percent_cells == {(1, 3)}
    plan = plan_import(demo_db, path)
    assert plan.ok, [p.message("en") for p in plan.problems]
    got = {(r.indicator, r.period): (r.value, r.note) for r in plan.rows}
    assert got == {("PATENT_INDUSTRIALIZATION_RATE", "2024"): ("12.5", None), ("INV_GRANTS", "2024"): ("23456", "据年报"),
                   ("INV_APPLICATIONS", "2024"): ("61234", None), ("HV_PATENTS", "2024"): ("42104", None)}
    apply_plan(demo_db, plan, who="clerk")
    assert str(get_values(demo_db)[("320100", "PATENT_INDUSTRIALIZATION_RATE", "2024")]) == "12.5"


@pytest.mark.parametrize("name", ["renamed.xlsx", "wps.et"])
def test_xls_bytes_under_another_name_are_read_by_what_they_are(demo_db, tmp_path, name):
    """An .xls renamed .xlsx, or saved by WPS as .et: the bytes decide, not the name."""
    import shutil
    path = tmp_path / name
    shutil.copy(Path(__file__).parent / "data" / "long-2024.xls", path)
    plan = plan_import(demo_db, path)
    assert plan.ok and len(plan.rows) == 4
    assert {r.indicator: r.value for r in plan.rows}["PATENT_INDUSTRIALIZATION_RATE"] == "12.5"


def test_xls_template_is_recognised_by_its_hidden_metadata(demo_db):
    """ipdesk's own template, filled in and saved as .xls: recognised as Nanjing 2024's template,
    the clerk's 24,680 and 51.5% read as typed."""
    path = Path(__file__).parent / "data" / "template-320100-2024.xls"
    plan = plan_import(demo_db, path, expect_region="320100", expect_year=2024)
    assert plan.ok and plan.kind == "template" and plan.template["region"] == "320100"
    got = {r.indicator: r.value for r in plan.rows if r.status != "unchanged"}
    assert got == {"INV_GRANTS": "24680", "PATENT_INDUSTRIALIZATION_RATE": "51.5"}


def test_hostile_xls_are_refused_without_taking_the_process_down(demo_db, tmp_path):
    """A one-byte change to a DIMENSIONS record made calamine's .xls reader ask for 687 GB and abort
    the process (exit 134, uncatchable); truncated files made it panic past every handler. Read by
    xlrd, each is a clear refusal; a password-protected file is named as such."""
    import subprocess
    import sys

    hostile = Path(__file__).parent / "data" / "hostile"
    book = sheets_read.read_book(hostile / "dimensions-687gb.xls")      # xlrd goes by the cells themselves
    assert [s.name for s in book.sheets] == ["偏移", "隐藏", "第三"] and sum(len(s.rows) for s in book.sheets) < 50
    from app.models.db import open_store
    open_store(tmp_path / "s.sqlite").close()
    out = subprocess.run([sys.executable, "-m", "app", "--db", str(tmp_path / "s.sqlite"), "import",
                          str(hostile / "dimensions-687gb.xls")], capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 1) and "dimensions-687gb.xls" in out.stderr + out.stdout, out     # (was 134)
    err = _expect_refused(demo_db, hostile / "password.xls", "sheet_encrypted")
    assert "密码" in err.message("zh")
    whole = (Path(__file__).parent / "data" / "long-2024.xls").read_bytes()
    for n in (8, 512, 762, 1274, 2048, 3000, len(whole) - 700):
        cut = tmp_path / f"cut-{n}.xls"
        cut.write_bytes(whole[:n])
        _expect_refused(demo_db, cut, "sheet_damaged")
