"""Crafted workbooks and big files (issue 13, point 4): a file can never end the process.

Every hostile file is built here, small, at run time, and read IN THIS PROCESS: before the
sheet scan existed, the first of them made python-calamine ask for 512 GiB and abort the
whole test run (exit 134, whatever ``except`` surrounds it) — so this module finishing is
itself the proof. Each refusal comes quickly, names the file, the sheet and the cell, and
leaves the store as it was. The caps are tested on both sides.
"""
from __future__ import annotations

import io
import struct
import time
import zipfile

import pytest

from app.models.errors import InputError
from app.services.sheets import bounds, csvfile
from app.services.sheets import read as sheets_read
from app.services.sheets.bounds import scan_extent
from app.services.sheets.importer import import_file, plan_import
from tests.test_sheets_read import LONG_HEADER, long_rows, raw_xlsx, sheet_xml, store_state

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _with_cell(ref: str, *, dimension: str | None = None) -> str:
    """A long-format sheet (header and one good row) with one more cell at ``ref``."""
    row = int("".join(ch for ch in ref if ch.isdigit()))
    xml = sheet_xml(long_rows(["320100", "INV_GRANTS", "2024", 5]))
    if dimension:
        xml = xml.replace("<sheetData>", f'<dimension ref="{dimension}"/><sheetData>')
    return xml.replace("</sheetData>", f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>')


def _refused(db, path, code: str) -> InputError:
    before = store_state(db)
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        plan_import(db, path)
    assert time.perf_counter() - started < 5, "refused, but only after reading the cells"
    assert info.value.code == code, info.value.message("en")
    assert store_state(db) == before
    return info.value


@pytest.mark.parametrize("ref", ["XFD1048576", "AZ1048576", "A5000001", "XFD306"])
def test_a_cell_far_away_is_refused_before_calamine_sees_it(demo_db, tmp_path, ref):
    path = tmp_path / "far.xlsx"
    raw_xlsx(path, {"数据": _with_cell(ref)})
    assert path.stat().st_size < 3000
    err = _refused(demo_db, path, "sheet_too_many_cells")
    assert (err.file, err.sheet, err.cell) == ("far.xlsx", "数据", ref)
    zh = err.message("zh")
    assert zh.startswith(f"far.xlsx · 数据 · {ref}: 已拒绝：工作表“数据”的单元格 {ref} 使已用区域达到 A1:")
    assert "最多 5,000,000 个" in zh and "sheet_too_many_cells" not in zh


def test_the_process_survives_a_direct_read_too(tmp_path):
    """read_book itself (the window's import dialog calls it through plan_import) refuses."""
    path = tmp_path / "far.xlsx"
    raw_xlsx(path, {"data": _with_cell("XFD1048576")})
    with pytest.raises(InputError):
        sheets_read.read_book(path)


def test_the_dimension_is_never_trusted(demo_db, tmp_path):
    # claims a tiny range, hides a cell at XFD1048576: the cells decide
    small_claim = tmp_path / "claims-small.xlsx"
    raw_xlsx(small_claim, {"data": _with_cell("XFD1048576", dimension="A1:E2")})
    err = _refused(demo_db, small_claim, "sheet_too_many_cells")
    assert err.cell == "XFD1048576"
    # claims the whole sheet over two real rows: calamine sizes nothing by it, so it reads
    big_claim = tmp_path / "claims-big.xlsx"
    raw_xlsx(big_claim, {"data": sheet_xml(long_rows(["320100", "INV_GRANTS", "2024", 5])).replace(
        "<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>')})
    plan = plan_import(demo_db, big_claim)
    assert plan.ok and len(plan.rows) == 1


def test_cells_and_rows_without_references_count_as_far_as_they_reach(demo_db, tmp_path):
    """calamine places a cell without r= after the previous one: 20,000 of them in row
    1,048,576 (a 2 KB zip) reach column 20,000 there."""
    path = tmp_path / "no-refs.xlsx"
    xml = sheet_xml(long_rows(["320100", "INV_GRANTS", "2024", 5])).replace(
        "</sheetData>", '<row r="1048576">' + "<c><v>1</v></c>" * 20000 + "</row></sheetData>")
    raw_xlsx(path, {"data": xml}, level=9)
    err = _refused(demo_db, path, "sheet_too_many_cells")
    assert err.sheet == "data"
    rows = tmp_path / "rows.xlsx"       # rows without r= after row 1,048,000: still far
    xml = sheet_xml([LONG_HEADER]).replace("</sheetData>", '<row r="1048000"><c r="A1048000"><v>1</v></c></row>'
                                           + "<row><c><v>1</v></c></row>" * 10 + "</sheetData>")
    raw_xlsx(rows, {"data": xml.replace("<c><v>", '<c t="n"><v>')})
    assert sheets_read.kind_of(rows) == "xlsx"
    with zipfile.ZipFile(rows) as z:
        ext = scan_extent(z.open("xl/worksheets/sheet1.xml"), 10 ** 9)
    assert ext.rows == 1048010 and ext.cols >= 1


def test_a_namespace_prefix_does_not_hide_a_cell(demo_db, tmp_path):
    path = tmp_path / "prefixed.xlsx"
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{_NS}"><x:sheetData>'
           '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>region</x:t></x:is></x:c></x:row>'
           '<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    raw_xlsx(path, {"data": xml})
    assert _refused(demo_db, path, "sheet_too_many_cells").cell == "XFD1048576"


@pytest.mark.parametrize("quote", ['"', "'"])
def test_odd_attribute_spelling_does_not_hide_a_cell(demo_db, tmp_path, quote):
    path = tmp_path / "odd.xlsx"
    xml = sheet_xml(long_rows(["320100", "INV_GRANTS", "2024", 5])).replace(
        "</sheetData>", f'<row r="7"><c t="n" r = {quote}AZ1048576{quote}><v>1</v></c></row></sheetData>')
    raw_xlsx(path, {"data": xml})
    assert _refused(demo_db, path, "sheet_too_many_cells").cell == "AZ1048576"


def test_the_cell_cap_on_both_sides(demo_db, tmp_path, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_CELLS", 50)      # header + 9 rows × 5 columns = 50 cells from A1
    rows = [["320100", "INV_GRANTS", str(2015 + n), n] for n in range(9)]
    at_cap = tmp_path / "at.xlsx"
    raw_xlsx(at_cap, {"data": sheet_xml(long_rows(*rows))})
    assert len(plan_import(demo_db, at_cap).rows) == 9
    over = tmp_path / "over.xlsx"                      # one more row: 55 cells
    raw_xlsx(over, {"data": sheet_xml(long_rows(*rows, ["320100", "INV_GRANTS", "2024", 1]))})
    err = _refused(demo_db, over, "sheet_too_many_cells")
    assert err.cell == "A11" and err.params["cells"] == 55 and "A1:E11" in err.message("zh")


def test_shared_strings_are_capped(demo_db, tmp_path, monkeypatch):
    strings = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + _NS + '">'
               + "".join(f"<si><t>s{n}</t></si>" for n in range(30)) + "</sst>")
    path = tmp_path / "sst.xlsx"
    raw_xlsx(path, {"data": sheet_xml(long_rows(["320100", "INV_GRANTS", "2024", 5]))},
             extra={"xl/sharedStrings.xml": strings})
    monkeypatch.setattr(bounds, "MAX_SHARED_STRINGS", 30)
    assert plan_import(demo_db, path).ok
    monkeypatch.setattr(bounds, "MAX_SHARED_STRINGS", 29)
    err = _refused(demo_db, path, "sheet_strings_too_big")
    assert "30" in err.message("zh")
    monkeypatch.setattr(bounds, "MAX_SHARED_STRINGS_MB", 0)
    assert _refused(demo_db, path, "sheet_strings_too_big").text == "xl/sharedStrings.xml"


def _lie_about_size(path, part: str, declared: int) -> None:
    """Rewrite the zip's local and central headers so that ``part`` claims ``declared`` bytes unpacked."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    for sig, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        i = data.find(sig)
        while i >= 0:
            n = struct.unpack_from("<H", data, i + name_len_at)[0]
            if bytes(data[i + name_at:i + name_at + n]) == name:
                struct.pack_into("<I", data, i + size_at, declared)
            i = data.find(sig, i + 4)
    path.write_bytes(bytes(data))


def test_a_sheet_unpacking_beyond_what_it_declared_is_refused(demo_db, tmp_path):
    """A part whose header says 2 KB and which unpacks to 8 MB (the ratio check passes on the lie):
    the scan reads no more than declared, and the part fails its checksum there."""
    path = tmp_path / "bomb.xlsx"
    xml = sheet_xml([LONG_HEADER]).replace("</sheetData>", "<row r='2'>" + "<c/>" * 2_000_000 + "</row></sheetData>")
    raw_xlsx(path, {"data": xml}, level=9)
    _lie_about_size(path, "xl/worksheets/sheet1.xml", 2048)
    err = _refused(demo_db, path, "sheet_damaged")
    assert "xl/worksheets/sheet1.xml" in err.message("zh")


def test_a_ratio_bomb_sheet_is_refused_before_the_scan(demo_db, tmp_path):
    path = tmp_path / "ratio.xlsx"
    xml = sheet_xml([LONG_HEADER]).replace("</sheetData>", "<row r='2'>" + "<c/>" * 2_000_000 + "</row></sheetData>")
    raw_xlsx(path, {"data": xml}, level=9)
    _refused(demo_db, path, "sheet_zip_bomb")


# ---------------------------------------------------------------- the fast scan is the exact scan

def _extent(xml: str) -> tuple[int, int, int]:
    data = xml.encode()
    ext = scan_extent(io.BytesIO(data), len(data))
    return ext.rows, ext.cols, ext.cells


def test_fast_and_general_scans_agree():
    """Excel's spelling takes the fast path; the same cells behind a namespace prefix take the
    general one: the extents must be the same."""
    import random

    rng = random.Random(13)
    for _ in range(40):
        cells = sorted({(rng.randrange(1, 3000), rng.randrange(1, 800)) for _ in range(rng.randrange(1, 60))})
        by_row: dict[int, list[int]] = {}
        for r, c in cells:
            by_row.setdefault(r, []).append(c)
        from app.services.sheets.common import col_letter

        shuffled = list(by_row.items())
        rng.shuffle(shuffled)         # rows out of order, as a crafted file may put them
        plain = "".join(f'<row r="{r}">' + "".join(f'<c r="{col_letter(c)}{r}"><v>1</v></c>' for c in cs) + "</row>"
                        for r, cs in shuffled)
        fast = _extent(f'<worksheet xmlns="{_NS}"><sheetData>{plain}</sheetData></worksheet>')
        general = _extent(f'<x:worksheet xmlns:x="{_NS}"><x:sheetData>'
                          + plain.replace("<row", "<x:row").replace("</row", "</x:row").replace("<c ", "<x:c ")
                          .replace("</c>", "</x:c>").replace("<v>", "<x:v>").replace("</v>", "</x:v>")
                          + "</x:sheetData></x:worksheet>")
        expected = (max(r for r, _ in cells), max(c for _, c in cells), len(cells))
        assert fast == general == expected


def test_a_cell_naming_another_row_than_its_own_is_seen():
    xml = (f'<worksheet xmlns="{_NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
           '<row r="2"><c r="B2"><v>1</v></c><c r="C900000"><v>1</v></c></row></sheetData></worksheet>')
    assert _extent(xml) == (900000, 3, 3)


# ---------------------------------------------------------------- CSV: big files

def test_csv_over_the_row_cap_is_refused_while_streaming(demo_db, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfile, "MAX_CSV_ROWS", 100)
    monkeypatch.setattr(csvfile, "CSV_BATCH", 30)
    ok = tmp_path / "ok.csv"
    ok.write_text("region,indicator,period,value\n" + "".join(f"320100,INV_GRANTS,{2000 + n},{n}\n" for n in range(99)),
                  encoding="utf-8")
    assert len(plan_import(demo_db, ok).rows) == 99             # 100 rows with the header
    over = tmp_path / "over.csv"
    over.write_text(ok.read_text(encoding="utf-8") + "320100,INV_GRANTS,2099,1\n", encoding="utf-8")
    err = _refused(demo_db, over, "csv_too_many_rows")
    assert "100" in err.message("zh") and err.file == "over.csv"


def test_csv_with_an_endless_line_is_refused(demo_db, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfile, "MAX_LINE", 1000)
    path = tmp_path / "line.csv"
    path.write_text("region,indicator,period,value,note\n320100,INV_GRANTS,2024,1," + "x" * 3000 + "\n", encoding="utf-8")
    _refused(demo_db, path, "sheet_damaged")
    path.write_text("region,indicator,period,value,note\n320100,INV_GRANTS,2024,1," + "x" * 900 + "\n", encoding="utf-8")
    assert plan_import(demo_db, path).ok


def test_csv_read_in_batches_places_everything_as_in_the_whole_file(demo_db, tmp_path, monkeypatch):
    """Batches of 4 rows: problems name the file's rows, duplicates across batches are found,
    warnings about the header come once, and apply writes everything or nothing."""
    monkeypatch.setattr(csvfile, "CSV_BATCH", 4)
    lines = ["地区代码,指标代码,期间,数值,说明,多余列"]
    for n in range(1, 20):
        value = {6: "abc", 11: "1,2,3", 17: "12.5"}.get(n, str(n * 100))
        lines.append(f'320100,INV_GRANTS,{2030 + n},"{value}",note{n % 3},x')
    lines.append("320100,INV_GRANTS,2033,999,,x")          # file row 21: a duplicate of row 4 with another value
    path = tmp_path / "batches.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = plan_import(demo_db, path)
    assert [(p.code, p.cell) for p in plan.problems] == [
        ("not_a_number", "row 7, column 数值"), ("bad_grouping", "row 12, column 数值"),
        ("not_whole", "row 18, column 数值"), ("import_duplicate", "row 21")]
    assert "row 4" in plan.problems[-1].message("en")
    assert [w.code for w in plan.warnings] == ["import_ignored_columns"]
    assert sorted(r.row for r in plan.rows) == [n + 1 for n in range(1, 20) if n not in (6, 11, 17)]
    assert {r.note for r in plan.rows} == {"note0", "note1", "note2"}
    before = store_state(demo_db)
    res = import_file(demo_db, path, apply=True)
    assert not res.applied and store_state(demo_db) == before
    fixed = tmp_path / "fixed.csv"
    fixed.write_text("\n".join(line for n, line in enumerate(lines) if n not in (6, 11, 17, 20)) + "\n",
                     encoding="utf-8")
    res = import_file(demo_db, fixed, apply=True)
    assert res.applied and res.written == 16


def test_a_big_apply_is_one_transaction(demo_db, tmp_path, monkeypatch):
    """Written in batches, undone together: a locked region-year in the last batch stops all."""
    from app.services.sheets import importer

    monkeypatch.setattr(importer, "WRITE_BATCH", 5)
    path = tmp_path / "many.csv"
    path.write_text("region,indicator,period,value\n" + "".join(
        f"320100,INV_GRANTS,{2040 + n},{n}\n" for n in range(23)), encoding="utf-8")
    plan = plan_import(demo_db, path)
    assert plan.ok
    demo_db.execute("insert into region_years(region, year, status, updated_by, updated_at)"
                    " values ('320100', 2062, 'approved', 't', '2024-01-01')")
    before = store_state(demo_db)
    with pytest.raises(InputError) as info:
        importer.apply_plan(demo_db, plan)
    assert info.value.code == "import_locked"
    assert store_state(demo_db) == before
    demo_db.execute("delete from region_years where region = '320100' and year = 2062")
    assert importer.apply_plan(demo_db, plan).written == 23


def test_a_csv_is_never_held_whole(demo_db, tmp_path, monkeypatch):
    """50 MB of a column the format does not read, 20,000 rows: read 1,000 rows at a time, the
    import's peak Python memory stays a fraction of the file (the whole-file reader held the raw
    bytes, the decoded text and every cell: several times the file)."""
    import tracemalloc

    monkeypatch.setattr(csvfile, "CSV_BATCH", 1000)
    path = tmp_path / "wide.csv"
    filler = "x" * 2500
    with open(path, "w", encoding="utf-8") as f:
        f.write("region,indicator,period,value,extra\n")
        codes = ["INV_GRANTS", "INV_APPLICATIONS", "TM_REGISTRATIONS", "PATENT_TRANSFERS", "GI_PRODUCTS",
                 "ADJUDICATION_CASES", "PLEDGE_SMES", "OVERSEAS_INV_GRANTS", "ABNORMAL_APPS", "PROTECTION_CENTERS"]
        for n in range(20_000):         # 20,000 distinct keys: 2 regions × 10 indicators × 1,000 months
            month = n // 20
            f.write(f"{('320100', '320200')[n % 2]},{codes[n // 2 % 10]},{1990 + month // 12}-{month % 12 + 1:02d},"
                    f"{n},{filler}{n}\n")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        plan = plan_import(demo_db, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(plan.rows) == 20_000 and not [p for p in plan.problems if p.code != "import_locked"]
    assert size > 50_000_000 and peak < size / 4, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"
